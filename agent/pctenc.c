/* SPDX-License-Identifier: ISC */
/*
 * pctenc.c - percent-encoding of values in state files (see pctenc.h).
 */
#include "config.h"

#include <string.h>

#include "pctenc.h"

/* A byte written as it is (never NUL). */
static int
pct_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._:/,+-", c));
}

void
pct_put(FILE *f, const char *s)
{
	while (*s) {
		size_t n = 0;

		/* a run of bytes kept as they are goes out in one piece */
		while (pct_plain((unsigned char)s[n]))
			n++;
		if (n) {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		fprintf(f, "%%%02X", (unsigned char)*s++);
	}
}

static int
pct_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pct_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if (pct_hex(s[1]) < 0 || pct_hex(s[2]) < 0 || (s[1] == '0' && s[2] == '0'))
			return -1;
		*w++ = (char)(pct_hex(s[1]) * 16 + pct_hex(s[2]));
		s += 2;
	}
	*w = '\0';
	return 0;
}
