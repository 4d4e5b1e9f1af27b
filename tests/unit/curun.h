/* SPDX-License-Identifier: ISC */
/*
 * curun.h - run a list of CUnit tests as one suite (verbose), for the unit
 * tests whose main is only that.
 */
#ifndef VDS_CURUN_H
#define VDS_CURUN_H

#include <stddef.h>

struct cu_test {
	const char *name;
	void (*fn)(void);
};

/* tests[0..n-1] as the suite name, each between setup and teardown (NULL: none); the exit status.
 */
int cu_run(const char *name, void (*setup)(void), void (*teardown)(void),
           const struct cu_test *tests, size_t n);

#endif
