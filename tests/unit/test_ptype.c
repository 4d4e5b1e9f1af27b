/* SPDX-License-Identifier: ISC */
/*
 * test_ptype.c - partition type aliases and raw types for GPT and MBR.
 */
#include "config.h"

#include <CUnit/Basic.h>

#include "ptype.h"

static void
expect(enum inv_pstyle style, const char *in, const char *want)
{
	char out[40] = "unchanged";
	int rc = ptype_resolve(style, in, out, sizeof(out));

	if (want) {
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(out, want);
	} else {
		CU_ASSERT_EQUAL(rc, -1);
	}
}

static void
test_gpt(void)
{
	expect(INV_PS_GPT, "", "0fc63daf-8483-4772-8e79-3d69d8477de4");
	expect(INV_PS_GPT, "linux", "0fc63daf-8483-4772-8e79-3d69d8477de4");
	expect(INV_PS_GPT, "SWAP", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f");
	expect(INV_PS_GPT, "bios", "21686148-6449-6e6f-744e-656564454649");
	expect(INV_PS_GPT, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
	       "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	expect(INV_PS_GPT, "0x83", NULL);
	expect(INV_PS_GPT, "c12a7328-f81f-11d2-ba4b-00a0c93ec93", NULL);
	expect(INV_PS_GPT, "c12a7328xf81f-11d2-ba4b-00a0c93ec93b", NULL);
	expect(INV_PS_GPT, "g12a7328-f81f-11d2-ba4b-00a0c93ec93b", NULL);
	expect(INV_PS_GPT, "nonsense", NULL);
}

static void
test_mbr(void)
{
	expect(INV_PS_MBR, "", "0x83");
	expect(INV_PS_MBR, "swap", "0x82");
	expect(INV_PS_MBR, "0x7", "0x07");
	expect(INV_PS_MBR, "8e", "0x8e");
	expect(INV_PS_MBR, "0XFD", "0xfd");
	expect(INV_PS_MBR, "0x00", NULL);
	expect(INV_PS_MBR, "0x100", NULL);
	expect(INV_PS_MBR, "bios", NULL);
	expect(INV_PS_MBR, "0fc63daf-8483-4772-8e79-3d69d8477de4", NULL);
	expect(INV_PS_NONE, "linux", NULL);
	expect(INV_PS_MBR, "extended", "0x05");
	expect(INV_PS_MBR, "EXTENDED", "0x05");
	expect(INV_PS_GPT, "extended", NULL);
}

static void
test_mbr_extended(void)
{
	CU_ASSERT_TRUE(ptype_mbr_extended("0x05"));
	CU_ASSERT_TRUE(ptype_mbr_extended("0x0f"));
	CU_ASSERT_TRUE(ptype_mbr_extended("0X0F"));
	CU_ASSERT_TRUE(ptype_mbr_extended("85"));
	CU_ASSERT_FALSE(ptype_mbr_extended("0x83"));
	CU_ASSERT_FALSE(ptype_mbr_extended("0x00"));
	CU_ASSERT_FALSE(ptype_mbr_extended(""));
	CU_ASSERT_FALSE(ptype_mbr_extended("extended")); /* a resolved type, not an alias */
	CU_ASSERT_FALSE(ptype_mbr_extended("0fc63daf-8483-4772-8e79-3d69d8477de4"));
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("ptype", NULL, NULL);
	CU_add_test(s, "GPT", test_gpt);
	CU_add_test(s, "MBR", test_mbr);
	CU_add_test(s, "MBR extended containers", test_mbr_extended);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
