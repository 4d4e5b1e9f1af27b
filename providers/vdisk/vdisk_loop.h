/* SPDX-License-Identifier: ISC */
/*
 * vdisk_loop.h - loop devices for the vdisk provider: attach through
 * /dev/loop-control and LOOP_CONFIGURE, detach with LOOP_CLR_FD, and the
 * kernel's view of what is attached (/sys/block/loop*).
 *
 * No model access: safe on a worker thread.
 */
#ifndef VDS_VDISK_LOOP_H
#define VDS_VDISK_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define VDL_DEVNODE_LEN 64
#define VDL_MAX         256 /* loop devices looked at */
#define VDL_BACKING_LEN 300 /* longer backing files are none of ours (paths < 256) */

/* One bound loop device as sysfs shows it. */
struct vdl_dev {
	char devnode[VDL_DEVNODE_LEN]; /* "/dev/loop3" */
	char backing[VDL_BACKING_LEN]; /* loop/backing_file: path, " (deleted)" when unlinked */
	uint64_t offset;
	int read_only; /* /sys/block/loopN/ro */
};

/* The first line of a (sysfs) file, without its newline; -1 when unreadable or too long. */
int vdl_read_line(const char *path, char *buf, size_t len);

/*
 * Every bound loop device (sysfs root /sys/block for the daemon; tests may
 * pass another) whose backing file name fits VDL_BACKING_LEN.  Returns how
 * many were stored in devs (at most max).
 */
size_t vdl_scan(const char *sysblock, struct vdl_dev *devs, size_t max);

/* 1 when backing (as sysfs shows it) is path, or path removed while attached. */
int vdl_backs(const char *backing, const char *path, int *deleted);

/*
 * Attach path as a new loop device: a free one from LOOP_CTL_GET_FREE,
 * LOOP_CONFIGURE with 512-byte blocks, the size limited to `size` bytes
 * (so a VHD footer stays out of the disk), read-only when asked, direct
 * I/O where the backing file system supports it, autoclear off.  Then the
 * first and last block are read through the device; when that fails,
 * again without direct I/O; when that fails too, the device is detached
 * and the attach fails (EIO, msg says why).  *dio tells whether direct
 * I/O is on.  0, or -1 with errno and msg.  Worker thread (disk I/O).
 */
int vdl_attach(const char *path, uint64_t size, int read_only, char devnode[VDL_DEVNODE_LEN],
               int *dio, char *msg, size_t msglen);

/*
 * Give devnode, attached to path, the size limit `size` (the image grew):
 * LOOP_SET_STATUS64 with the new lo_sizelimit, which resizes the disk.
 * ENXIO when it is no longer attached to path.  0, or -1 with errno and msg.
 */
int vdl_resize(const char *devnode, const char *path, uint64_t size, char *msg, size_t msglen);
/*
 * Detach devnode if it is still backed by path: -1 with errno EBUSY when it
 * is mounted or held (an exclusive open fails), ENXIO when it is no longer
 * attached to path (nothing is done then).
 */
int vdl_detach(const char *devnode, const char *path, char *msg, size_t msglen);

#endif
