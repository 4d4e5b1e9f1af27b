/* SPDX-License-Identifier: ISC */
/*
 * test_jobpack.c - zero runs left out (agent/jobpack.c): every byte string
 * comes back as it was, zero runs cost their header only, and a blob that
 * does not describe the size it is unpacked into is refused, not trusted.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "job.h"
#include "jobpack.h"

/* Pack and unpack buf (n bytes): the same bytes; the blob's size into *size unless NULL. */
static int
round_trip(const unsigned char *buf, size_t n, size_t *size)
{
	unsigned char *b = zpack(buf, n, size), *back = malloc(n + 1);
	int same;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_EQUAL(zunpack(b, back, n), 0);
	same = memcmp(buf, back, n) == 0;
	free(b);
	free(back);
	return same;
}

static void
test_round_trips(void)
{
	unsigned char buf[1000];
	size_t size;

	memset(buf, 0, sizeof(buf));
	CU_ASSERT(round_trip(buf, sizeof(buf), &size));
	CU_ASSERT_EQUAL(size, 2); /* all zero: the end pair only */
	memset(buf, 0xa5, sizeof(buf));
	CU_ASSERT(round_trip(buf, sizeof(buf), &size));
	CU_ASSERT(size <= sizeof(buf) + 6);
	/* gaps of 1..6 zeros, runs at both ends, a run of 200 (two-byte lengths) */
	memset(buf, 0, sizeof(buf));
	buf[0] = 1;
	for (size_t i = 10, gap = 1; i < 900; i += gap + 1, gap = gap % 6 + 1)
		buf[i] = (unsigned char)i | 1;
	memset(buf + 700, 7, 200);
	buf[sizeof(buf) - 1] = 9;
	CU_ASSERT(round_trip(buf, sizeof(buf), NULL));
	for (unsigned seed = 1; seed <= 200; seed++) {
		srand(seed);
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = rand() % 3 ? 0 : (unsigned char)rand();
		CU_ASSERT(round_trip(buf, sizeof(buf), NULL));
	}
	CU_ASSERT(round_trip(buf, 0, NULL));
}

/* What a finished row costs: a createPartition job's parameters and outputs. */
static void
test_job_po_is_small(void)
{
	struct job_po po;
	size_t size;

	memset(&po, 0, sizeof(po));
	po.params.type = JOB_CREATE_PARTITION;
	po.params.disk = 3;
	po.params.size = 1 << 20;
	snprintf(po.params.partition_type, sizeof(po.params.partition_type), "%s",
	         "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
	po.outputs.offset = 1 << 20;
	po.outputs.partition = 2;
	snprintf(po.outputs.objid, sizeof(po.outputs.objid), "%s",
	         "4b1e5a0c-5d2e-4c8a-9f3b-2a7d6c1e0f99");
	CU_ASSERT(round_trip((const unsigned char *)&po, sizeof(po), &size));
	printf("\n  %zu bytes of parameters and outputs packed into %zu\n", sizeof(po), size);
	CU_ASSERT(size < 120);
}

static void
test_bad_blobs(void)
{
	unsigned char dst[16], buf[16];
	/* a run past the end; a length of 0 inside the list; no end pair */
	static const unsigned char past[] = {10, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0};
	static const unsigned char zero_len[] = {3, 0, 0, 0};
	static const unsigned char long_varint[] = {0x80, 0x80, 0x80, 0x80, 0x80,
	                                            0x80, 0x80, 0x80, 0x80, 0x01};

	CU_ASSERT_EQUAL(zunpack(past, dst, sizeof(dst)), -1);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(memcmp(dst, buf, sizeof(dst)), 0); /* all zero, not half written */
	CU_ASSERT_EQUAL(zunpack(zero_len, dst, sizeof(dst)), -1);
	CU_ASSERT_EQUAL(zunpack(long_varint, dst, sizeof(dst)), -1);
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("jobpack", NULL, NULL);
	CU_add_test(s, "round trips", test_round_trips);
	CU_add_test(s, "a finished row's parameters and outputs", test_job_po_is_small);
	CU_add_test(s, "bad blobs refused", test_bad_blobs);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
