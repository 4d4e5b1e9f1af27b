/* SPDX-License-Identifier: ISC */
/*
 * test_result.c - the result table: complete, and HRESULTs as in vds.h.
 */
#include "config.h"

#include <string.h>

#include <CUnit/Basic.h>

#include "result.h"

/* Copied from the public vds.h / vdserr.h (see agent/result.c). */
#define VDS_E_NOT_SUPPORTED         0x80042400U
#define VDS_E_OBJECT_NOT_FOUND      0x80042405U
#define VDS_E_OPERATION_PENDING     0x80042409U
#define VDS_E_CANCEL_TOO_LATE       0x8004240CU
#define VDS_E_OPERATION_CANCELED    0x8004240DU
#define VDS_E_NOT_ENOUGH_SPACE      0x8004240FU
#define VDS_E_DEVICE_IN_USE         0x80042413U
#define VDS_E_OBJECT_EXISTS         0x8004241DU
#define VDS_E_MEDIA_WRITE_PROTECTED 0x80042428U
#define VDS_E_CANNOT_SHRINK         0x8004251EU
#define VDS_E_SHRINK_SIZE_TOO_BIG   0x80042574U
#define E_FAIL                      0x80004005U
#define E_INVALIDARG                0x80070057U
#define E_OUTOFMEMORY               0x8007000EU

static void
test_table_complete(void)
{
	for (int r = VDS_R_OK; r <= VDS_R_LAST; r++) {
		const char *name = vds_result_name(r), *text = vds_result_text(r);

		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		CU_ASSERT_STRING_NOT_EQUAL(name, "VDS_UNKNOWN_RESULT");
		CU_ASSERT(strlen(text) > 3);
		/* every failure is an error HRESULT (severity bit set) */
		CU_ASSERT_EQUAL(vds_result_hresult(r) == 0, r == VDS_R_OK);
		CU_ASSERT_EQUAL((vds_result_hresult(r) & 0x80000000U) != 0, r != VDS_R_OK);
	}
}

static void
test_out_of_range(void)
{
	CU_ASSERT_STRING_EQUAL(vds_result_name(0), "VDS_UNKNOWN_RESULT");
	CU_ASSERT_STRING_EQUAL(vds_result_name(VDS_R_LAST + 1), "VDS_UNKNOWN_RESULT");
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_LAST + 1), E_FAIL);
}

static void
test_values_from_vds_h(void)
{
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_PENDING), VDS_E_OPERATION_PENDING);
	CU_ASSERT_EQUAL(VDS_HR_OPERATION_PENDING, VDS_E_OPERATION_PENDING);
	CU_ASSERT_EQUAL(VDS_HR_CANCEL_TOO_LATE, VDS_E_CANCEL_TOO_LATE);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_NOT_FOUND), VDS_E_OBJECT_NOT_FOUND);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_NO_SPACE), VDS_E_NOT_ENOUGH_SPACE);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_IN_USE), VDS_E_DEVICE_IN_USE);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_NOT_SUPPORTED), VDS_E_NOT_SUPPORTED);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_CANCELLED), VDS_E_OPERATION_CANCELED);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_EXISTS), VDS_E_OBJECT_EXISTS);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_READ_ONLY), VDS_E_MEDIA_WRITE_PROTECTED);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_FS_NO_SHRINK), VDS_E_CANNOT_SHRINK);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_SHRINK_TOO_BIG), VDS_E_SHRINK_SIZE_TOO_BIG);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_FAILED), E_FAIL);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_INVALID_PARAM), E_INVALIDARG);
	CU_ASSERT_EQUAL(vds_result_hresult(VDS_R_NO_MEMORY), E_OUTOFMEMORY);
	CU_ASSERT_STRING_EQUAL(vds_result_name(VDS_R_NO_SPACE), "VDS_E_NOT_ENOUGH_SPACE");
	CU_ASSERT_STRING_EQUAL(vds_result_name(VDS_R_OK), "S_OK");
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("result", NULL, NULL);
	CU_add_test(s, "table complete", test_table_complete);
	CU_add_test(s, "out of range", test_out_of_range);
	CU_add_test(s, "values from vds.h", test_values_from_vds_h);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
