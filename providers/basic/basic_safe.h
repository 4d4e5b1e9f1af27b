/* SPDX-License-Identifier: ISC */
/*
 * basic_safe.h - the basic provider's safety checks, made at run time
 * before anything is written, and the exclusive open of a disk.
 *
 * A disk is refused when its device node (or image path) matches no
 * allowDevice pattern (VDS_R_NOT_ALLOWED); when / or /boot lives on it, on
 * one of its partitions or on a loop device over it (VDS_R_SYSTEM_DEVICE);
 * when it, one of its kernel partitions or a loop device over it is
 * mounted, used as swap or held by another device (VDS_R_IN_USE).  For a
 * job on one partition, any loop device over that partition's range counts
 * as a user too (someone has exposed that file system).
 */
#ifndef VDS_BASIC_SAFE_H
#define VDS_BASIC_SAFE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "provider.h"

/*
 * Check path.  [off, off + len) is the range the job changes (len 0: the
 * label only).  VDS_R_OK, or the refusal with a sentence in msg.
 */
enum vds_result bsafe_check(const struct strlist *allow, const char *path, uint64_t off,
                            uint64_t len, char *msg, size_t msglen);

/*
 * Open path read-write and take flock(LOCK_EX) on it (udev's convention:
 * it skips a locked disk), waiting up to a few seconds for a holder of a
 * shared lock.  *fd, or VDS_R_READ_ONLY / VDS_R_DEVICE_GONE / VDS_R_BUSY /
 * VDS_R_IO_ERROR / VDS_R_CANCELLED.
 */
enum vds_result bsafe_open(const char *path, struct prov_job *j, int *fd, char *msg, size_t msglen);

/* fsync.  0 or -1 with msg. */
int bsafe_flush(int fd, const char *path, char *msg, size_t msglen);

/*
 * The kernel's view of partition number of the disk path (sysfs): 1 with
 * *off and *size in bytes, 0 when the kernel has no such partition, -1 when
 * the device has no partitions at all (not a block device, a loop device
 * without LO_FLAGS_PARTSCAN).
 */
int bsafe_kernel_part(const char *path, uint32_t number, uint64_t *off, uint64_t *size);

/*
 * A token for bsafe_present(), taken when the job starts: a loop device's
 * autoclear flag, which `losetup -d` sets while the device is still open.
 */
int bsafe_watch(const char *path);
/* 1 when path is still there: not removed, no detach pending since bsafe_watch(). */
int bsafe_present(const char *path, int token);

#endif
