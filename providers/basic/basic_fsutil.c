/* SPDX-License-Identifier: ISC */
/*
 * basic_fsutil.c - the end of a basic file system job and the private
 * mount of a file system for its tools (the tools, signatures and
 * read-back are the core's: agent/fsutil.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "basic_fsutil.h"
#include "basic_plan.h"
#include "basic_tool.h"
#include "log.h"

void
bfu_end(struct basic_plan *pl, struct bloop *loop, int fd)
{
	bloop_detach(loop);
	if (fd >= 0)
		close(fd);
	if (pl->written)
		basic_run_probe(pl);
}

enum vds_result
bfu_mount(const char *dev, const char *fstype, const char *what, char dir[BFU_DIR_LEN], char *msg,
          size_t msglen)
{
	snprintf(dir, BFU_DIR_LEN, "/run/vdsd-fs.XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(msg, msglen, "cannot make a mount point %s: %m", dir);
		return VDS_R_IO_ERROR;
	}
	if (mount(dev, dir, fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		snprintf(msg, msglen, "cannot mount %s on %s to %s its %s: %m", dev, dir, what,
		         fstype);
		rmdir(dir);
		return VDS_R_IO_ERROR;
	}
	return VDS_R_OK;
}

enum vds_result
bfu_umount(const char *dir, const char *dev, enum vds_result r, char *msg, size_t msglen)
{
	if (umount2(dir, 0) < 0 && r == VDS_R_OK) {
		snprintf(msg, msglen, "%s was resized, but cannot be unmounted from %s: %m", dev,
		         dir);
		r = VDS_R_IN_USE;
	}
	if (rmdir(dir) < 0 && errno != EBUSY)
		log_warnx("basic", "cannot remove %s: %m", dir);
	return r;
}
