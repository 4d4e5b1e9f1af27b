/* SPDX-License-Identifier: ISC */
/*
 * fsmount.h - the file system tools that work only on a mounted file
 * system (xfs_growfs, btrfs filesystem resize): the volume's mount point
 * when it is mounted, else a private mount of vdsd's own under /run,
 * shared by the providers that resize (basic, lvm).  Worker thread.
 */
#ifndef VDS_FSMOUNT_H
#define VDS_FSMOUNT_H

#include <stddef.h>

#include "provider.h"

struct fsspec;

#define FSM_DIR_LEN 256
#define FSM_RUN_DIR "/run/vdsd"

/*
 * Mount dev (its file system of type fstype) on a fresh directory
 * /run/vdsd/fs.XXXXXX (nosuid, nodev, noexec); what says why ("grow",
 * "shrink") in a failure.  dir gets the mount point.  VDS_R_OK, or
 * VDS_R_IO_ERROR with msg.
 */
enum vds_result fsm_mount(const char *dev, const char *fstype, const char *what,
                          char dir[FSM_DIR_LEN], char *msg, size_t msglen);
/*
 * Unmount dir and remove it.  Returns r (the result of what ran while it
 * was mounted), or VDS_R_IN_USE with msg when r was VDS_R_OK and the
 * unmount failed: a job must not report a volume it left mounted.
 */
enum vds_result fsm_umount(const char *dir, const char *dev, enum vds_result r, char *msg,
                           size_t msglen);
/*
 * Where block device dev is mounted in vdsd's mount namespace (the first
 * line of /proc/self/mountinfo with its device number, or with a source
 * naming it: btrfs shows a device of its own): 0 and dir, or -1.
 */
int fsm_mountpoint(const char *dev, char dir[FSM_DIR_LEN]);
/*
 * Grow the file system on dev to the size of dev with spec's tool for a
 * mounted one (xfs_growfs -d, btrfs filesystem resize max), at its mount
 * point when it is mounted, else on a private mount (fsm_mount), progress
 * lo..hi.  VDS_R_OK, or a result with msg.
 */
enum vds_result fsm_grow(const struct fsspec *spec, const char *dev, struct prov_job *j,
                         unsigned lo, unsigned hi, char *msg, size_t msglen);

#endif
