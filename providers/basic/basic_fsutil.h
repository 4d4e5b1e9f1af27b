/* SPDX-License-Identifier: ISC */
/*
 * basic_fsutil.h - the end of a basic file system job; the file system
 * tools themselves are agent/fsutil.h's.  Worker thread.
 */
#ifndef VDS_BASIC_FSUTIL_H
#define VDS_BASIC_FSUTIL_H

#include "fsutil.h"

struct basic_plan;
struct bloop;

/*
 * The end of a file system job (shrink, format, extend), whatever its
 * result: the loop device detached, the disk (fd, or -1) closed and so
 * unlocked, and read back into pl->probe when the job wrote to it.
 */
void bfu_end(struct basic_plan *pl, struct bloop *loop, int fd);

#endif
