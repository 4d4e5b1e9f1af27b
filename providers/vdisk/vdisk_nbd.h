/* SPDX-License-Identifier: ISC */
/*
 * vdisk_nbd.h - dynamic and differencing VHDs as block devices: the
 * kernel's nbd driver, fed over a socket pair by vdsd-nbd, a small server
 * process of vdsd's (one per attached image) that reads and writes the
 * image through vdisk_vhd.c.
 *
 * vdsd-nbd [--read-only] IMAGE opens IMAGE (and its parents), binds a
 * free /dev/nbdN to one end of a socket pair, prints the device, and
 * stays behind as a daemon serving it until the device is disconnected.
 * The kernel shows the attachment in /sys/block/nbdN/pid (the daemon);
 * the daemon's command line names the image: that is how vdsd finds an
 * attachment again after a restart, as the loop driver's backing_file
 * does for loop devices.
 *
 * No model access: the scan is for the loop thread's view, attach and
 * detach for a worker.
 */
#ifndef VDS_VDISK_NBD_H
#define VDS_VDISK_NBD_H

#include <stddef.h>
#include <stdint.h>

#include "vdisk_loop.h"
#include "vdisk_vhd.h"

#define VDN_HELPER_NAME "vdsd-nbd"
#define VDN_MAX_REQUEST (32U << 20) /* bytes one request may move */

/*
 * Every /dev/nbdN served by a vdsd-nbd (its pid in sysfs, its command line
 * in /proc), as a vdl_dev whose backing is the image path; at most max.
 */
size_t vdn_scan(const char *sysblock, struct vdl_dev *devs, size_t max);

/*
 * Attach path through the helper (argv[0] helper, an absolute path): its
 * device into devnode.  ENODEV when the kernel has no nbd devices (the nbd
 * module is not loaded), EBUSY when all are taken.  0, or -1 with errno
 * and msg.  Worker thread (runs and waits for the helper).
 */
int vdn_attach(const char *helper, const char *path, int read_only, char devnode[VDL_DEVNODE_LEN],
               char *msg, size_t msglen);

/*
 * Disconnect devnode if vdsd-nbd still serves path on it: EBUSY when it is
 * mounted or held (an exclusive open fails), ENXIO when it serves something
 * else or nothing (nothing is done then).  Waits (at most 30 s) until the
 * kernel has let the device go.  0, or -1 with errno and msg.  Worker.
 */
int vdn_detach(const char *sysblock, const char *devnode, const char *path, char *msg,
               size_t msglen);

/*
 * Grow the dynamic VHD path, which vdsd-nbd serves on devnode, to vsize
 * bytes, and the device with it: the server does both between two
 * requests, over its control socket (abstract "vdsd-nbd/nbdN", root
 * only).  ENXIO when devnode serves something else or nothing.  0, or -1
 * with errno and msg.  Worker.
 */
int vdn_grow(const char *sysblock, const char *devnode, const char *path, uint64_t vsize, char *msg,
             size_t msglen);

/* The control socket of the server of devnode (bound by vdsd-nbd); -1 on error. */
int vdn_control_listen(const char *devnode);

/*
 * Serve nbd requests from the kernel on sock against v until the kernel
 * sends a disconnect or the socket closes: reads, writes (refused with
 * EPERM when read_only), flushes (fsync); between two, a "grow SIZE" from
 * a root client on the listening control socket ctl (-1: none) grows the
 * image and the nbd device nbd (-1: only the image).  0 at a disconnect,
 * -1 when the socket failed.
 */
int vdn_serve(int sock, int ctl, int nbd, struct vhd *v, int read_only);

#endif
