/* SPDX-License-Identifier: ISC */
/*
 * health_dev.h - read a device's own health: ATA SMART through libatasmart,
 * the NVMe SMART / health log page through libnvme.  Poll thread only: these
 * open the device and wait for it.
 */
#ifndef VDS_HEALTH_DEV_H
#define VDS_HEALTH_DEV_H

#include "health.h"

/*
 * Fill r for the block device devnode (a whole disk).  A device that has no
 * health data (loop, virtio, an unknown kind) gets HEALTH_UNKNOWN with
 * source none and the reason why.  Always fills r.
 */
void health_dev_read(const char *devnode, struct health_report *r);

#endif
