/* SPDX-License-Identifier: ISC */
/*
 * testutil.h - running the independent tools the unit tests check against
 * (sfdisk, blkid, losetup, e2fsck, ...), through the shell on purpose: the
 * commands are the tests' own fixed strings.
 */
#ifndef VDS_TESTUTIL_H
#define VDS_TESTUTIL_H

#include <stddef.h>

#include "log.h"

/* system() of the formatted command; its raw wait status. */
int sh(const char *fmt, ...) VDS_PRINTF(1, 2);
/*
 * Run the formatted command, keep its standard output (trailing newlines
 * removed) in out when out is not NULL; its exit status, or -1.
 */
int run_capture(char *out, size_t len, const char *fmt, ...) VDS_PRINTF(3, 4);
/* run_capture() that returns out ("" when the command failed to start). */
char *capture(char *buf, size_t len, const char *fmt, ...) VDS_PRINTF(3, 4);

#endif
