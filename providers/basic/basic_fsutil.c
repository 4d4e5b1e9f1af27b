/* SPDX-License-Identifier: ISC */
/*
 * basic_fsutil.c - the end of a basic file system job (the tools,
 * signatures and read-back are the core's: agent/fsutil.h).
 */
#include "config.h"

#include <unistd.h>

#include "basic_fsutil.h"
#include "basic_plan.h"
#include "basic_tool.h"

void
bfu_end(struct basic_plan *pl, struct bloop *loop, int fd)
{
	bloop_detach(loop);
	if (fd >= 0)
		close(fd);
	if (pl->written)
		basic_run_probe(pl);
}
