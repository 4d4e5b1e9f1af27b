/*
 * lvm_inv.h - publish an LVM scan into the inventory (loop thread only):
 * volume groups as packs ("lvm:VG"), visible logical volumes as volumes
 * ("lvm:VG/LV"), their images (or the volume itself) as plexes
 * ("lvm:VG/LV#N"); rows of objects that went away are removed.
 */
#ifndef VDS_LVM_INV_H
#define VDS_LVM_INV_H

#include <stddef.h>

#include "lvm_json.h"

int lvm_inv_publish(const struct lvm_scan *s);
void lvm_inv_volkey(char *key, size_t len, const char *vg, const char *lv);

#endif
