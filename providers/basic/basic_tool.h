/* SPDX-License-Identifier: ISC */
/*
 * basic_tool.h - temporary loop devices that expose one partition of a
 * disk for the basic provider (LOOP_CONFIGURE with offset and size limit,
 * autoclear, detached again by the caller).  External tools run through
 * child_run() (child.h).  Worker thread only.
 */
#ifndef VDS_BASIC_TOOL_H
#define VDS_BASIC_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bloop {
	char dev[32]; /* "/dev/loopN", "" when none */
	int fd;
};

/*
 * Attach a loop device over [offset, offset + size) of backing (read-only
 * when ro).  0, or -1 with errno set.
 */
int bloop_attach(const char *backing, uint64_t offset, uint64_t size, int ro, struct bloop *l);
/* Detach exactly l->dev (if attached); safe to call twice. */
void bloop_detach(struct bloop *l);

#endif
