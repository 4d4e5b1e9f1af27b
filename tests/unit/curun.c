/* SPDX-License-Identifier: ISC */
/* curun.c - run a list of CUnit tests as one suite (curun.h). */
#include "config.h"

#include <CUnit/Basic.h>

#include "curun.h"

int
cu_run(const char *name, void (*setup)(void), void (*teardown)(void), const struct cu_test *tests,
       size_t n)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite_with_setup_and_teardown(name, NULL, NULL, setup, teardown);
	for (size_t i = 0; i < n; i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
