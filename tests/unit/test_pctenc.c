/* SPDX-License-Identifier: ISC */
/*
 * test_pctenc.c - percent-encoding of state-file values (agent/pctenc.h):
 * what is kept and what is escaped, and that every byte string comes back
 * from pct_decode() as it went into pct_put().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "curun.h"
#include "pctenc.h"

/* pct_put(s) as a string; the caller frees it. */
static char *
enc(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pct_put(f, s);
	CU_ASSERT_EQUAL(fclose(f), 0);
	return buf;
}

static void
test_known(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"", ""},
	    {"sim0", "sim0"},
	    {"a b", "a%20b"},
	    {"/dev/sim/p1,2:x+y-z._", "/dev/sim/p1,2:x+y-z._"},
	    {"k=v\n", "k%3Dv%0A"},
	    {"%", "%25"},
	    {" lead and trail ", "%20lead%20and%20trail%20"},
	    {"\xc3\xa9t\xc3\xa9", "%C3%A9t%C3%A9"},
	    {"==", "%3D%3D"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = enc(cases[i].in);

		CU_ASSERT_STRING_EQUAL(e, cases[i].out);
		free(e);
	}
}

/* Random byte strings (no NUL): encoded, they hold no blank, '=' or newline, and decode back. */
static void
test_round_trip(void)
{
	char in[300];

	srand(12345);
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(rand() % 256);
		char *e;

		for (size_t i = 0; i < n; i++)
			in[i] = (char)(1 + rand() % 255);
		in[n] = '\0';
		e = enc(in);
		CU_ASSERT_PTR_NULL(strpbrk(e, " =\n\t\r"));
		CU_ASSERT_EQUAL_FATAL(pct_decode(e), 0);
		CU_ASSERT_STRING_EQUAL(e, in);
		free(e);
	}
}

static void
test_bad_escapes(void)
{
	char a[] = "%4", b[] = "%zz", c[] = "x%00y", d[] = "ok%41";

	CU_ASSERT_EQUAL(pct_decode(a), -1);
	CU_ASSERT_EQUAL(pct_decode(b), -1);
	CU_ASSERT_EQUAL(pct_decode(c), -1);
	CU_ASSERT_EQUAL(pct_decode(d), 0);
	CU_ASSERT_STRING_EQUAL(d, "okA");
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"known encodings", test_known},
	    {"random strings round-trip", test_round_trip},
	    {"bad escapes refused", test_bad_escapes},
	};

	return cu_run("pctenc", NULL, NULL, tests, sizeof(tests) / sizeof(tests[0]));
}
