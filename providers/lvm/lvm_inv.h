/* SPDX-License-Identifier: ISC */
/*
 * lvm_inv.h - publish an LVM scan into the inventory (loop thread only):
 * volume groups as packs ("lvm:VG"), visible logical volumes as volumes
 * ("lvm:VG/LV"), their images (or the volume itself) as plexes
 * ("lvm:VG/LV#N"); rows of objects that went away are removed; disks
 * that are physical volumes show their pack.
 */
#ifndef VDS_LVM_INV_H
#define VDS_LVM_INV_H

#include <stddef.h>
#include <stdint.h>

#include "lvm_json.h"

int lvm_inv_publish(const struct lvm_scan *s);
/* The pack index of the volume group devnode is a physical volume of, or 0. */
uint32_t lvm_inv_pack_of(const struct lvm_scan *s, const char *devnode);
void lvm_inv_volkey(char *key, size_t len, const char *vg, const char *lv);

#endif
