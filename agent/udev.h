/* SPDX-License-Identifier: ISC */
/*
 * udev.h - discovery of block devices: a libudev enumeration at start, then
 * a udev monitor on the event loop (source "udev" when udevd runs, kernel
 * uevents otherwise).  Each disk is probed with probe_disk() on the prober
 * thread (probeq.h) and handed to the inventory from the loop thread when
 * its probe is applied.
 */
#ifndef VDS_UDEV_H
#define VDS_UDEV_H

#include <sys/types.h>

#include "model.h"

struct event_base;
struct vds_conf;
struct udevmon;

/*
 * Open the monitor, add its fd to base as a persistent event, then
 * enumerate the block disks present now into the inventory.  *out is freed
 * by udevmon_stop().  Returns -1 (and *out = NULL) if udev cannot be used.
 */
int udevmon_start(struct event_base *base, const struct vds_conf *conf, struct udevmon **out);
void udevmon_stop(struct udevmon *m);
/* Enumerate again (SIGHUP): refresh known disks, drop vanished ones. */
int udevmon_rescan(struct udevmon *m);
/* "udev" or "kernel": where the monitor's events come from. */
const char *udevmon_source(const struct udevmon *m);

/*
 * A device seen through accessors, so the translation below can be tested
 * without udev.  prop() gives a udev property (ID_SERIAL, ID_WWN, ...),
 * attr() a sysfs attribute relative to the device ("size", "ro",
 * "device/serial", "loop/backing_file"); both return NULL when absent.
 */
struct udevmon_dev {
	const char *sysname; /* "sda", "loop0" */
	const char *devnode; /* "/dev/sda" */
	const char *devpath; /* "/devices/.../block/sda" */
	const char *devtype; /* "disk", "partition" */
	const char *(*prop)(void *ctx, const char *name);
	const char *(*attr)(void *ctx, const char *name);
	void *ctx;
};

/*
 * Fill the identity and udev-visible fields of d (zeroed first): key, name,
 * devnode, serial, model, size, READONLY/REMOVABLE flags, source, status.
 * Returns 1 for a disk, 0 for something that is not one (partitions, ram*,
 * zram*, no device node, size 0: detached loop, empty drive).
 *
 * Key: "wwn:ID_WWN", else "serial:ID_SERIAL" (or the sysfs serial when no
 * udevd runs), else for loop devices "loop:BACKING_FILE@OFFSET", else
 * "devpath:DEVPATH".
 */
int udevmon_translate(const struct udevmon_dev *dev, struct inv_disk *d);

/*
 * INV_DF_SYSTEM when / or /boot lives on one of devs (the disk and its
 * partitions), INV_DF_INUSE when one of them is mounted (mountinfo), used
 * as swap (swaps) or has holders (holders_dirs, NULL-terminated sysfs
 * holders/ directories).  The file paths are parameters for the tests;
 * the daemon passes /proc/self/mountinfo and /proc/swaps.
 */
unsigned udevmon_usage_flags(const dev_t *devs, size_t ndevs, const char *mountinfo,
                             const char *swaps, const char *const *holders_dirs);

#endif
