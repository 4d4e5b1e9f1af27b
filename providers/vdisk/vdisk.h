/* SPDX-License-Identifier: ISC */
/*
 * vdisk.h - the vdisk provider: virtual disks as image files (raw, sparse
 * or fully allocated, and fixed VHD) under the configured vdiskRoot
 * directories, attached and detached as loop devices.
 */
#ifndef VDS_VDISK_H
#define VDS_VDISK_H

#include "provider.h"

extern const struct prov_ops vdisk_provider;

#endif
