/* SPDX-License-Identifier: ISC */
/*
 * lvm.h - the lvm provider: LVM2 volume groups as packs, logical volumes as
 * dynamic volumes with plexes, driven through the LVM command-line tools.
 */
#ifndef VDS_LVM_H
#define VDS_LVM_H

#include "provider.h"

extern const struct prov_ops lvm_provider;

#endif
