/* SPDX-License-Identifier: ISC */
/*
 * lvm_dm.h - a logical volume's device asked of the kernel directly
 * (device-mapper's DM_DEV_STATUS and sysfs): whether anything holds it
 * open and its size, without an lvm process and its scan of every disk.
 * Worker thread only.
 */
#ifndef VDS_LVM_DM_H
#define VDS_LVM_DM_H

#include <stdint.h>

/*
 * The device-mapper device at dev (a /dev/VG/LV link): its open count (a
 * mount, swap, a process, a device stacked on it: what lvs shows as the
 * 'o' of lv_attr) and, when size is not NULL, its size in bytes.  0, or -1
 * with errno: ENOENT or ENXIO when there is no such device, ENOTBLK when
 * dev is no device-mapper device.
 */
int lvm_dm_usage(const char *dev, int *open_count, uint64_t *size);

#endif
