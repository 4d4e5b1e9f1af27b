/* SPDX-License-Identifier: ISC */
/*
 * basic_fsutil.h - the end of a basic file system job, and the private
 * mount the tools that work only on a mounted file system (xfs_growfs,
 * btrfs resize) get; the file system tools themselves are agent/fsutil.h's.
 * Worker thread.
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

/*
 * Mount dev (its file system of type fstype) on a fresh directory under
 * /run (nosuid, nodev, noexec), for a tool that works only on a mounted
 * file system; what says why ("grow", "shrink") in a failure.  dir gets the
 * mount point (BFU_DIR_LEN bytes).  VDS_R_OK, or VDS_R_IO_ERROR with msg.
 */
#define BFU_DIR_LEN 32
enum vds_result bfu_mount(const char *dev, const char *fstype, const char *what,
                          char dir[BFU_DIR_LEN], char *msg, size_t msglen);
/*
 * Unmount dir and remove it.  Returns r (the result of what ran while it
 * was mounted), or VDS_R_IN_USE with msg when r was VDS_R_OK and the
 * unmount failed: the job must not report a volume it left mounted.
 */
enum vds_result bfu_umount(const char *dir, const char *dev, enum vds_result r, char *msg,
                           size_t msglen);

#endif
