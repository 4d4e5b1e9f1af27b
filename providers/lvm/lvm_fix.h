/* SPDX-License-Identifier: ISC */
/*
 * lvm_fix.h - the lvm provider's recovery after a state-changing command
 * failed (a killed or timed-out tool above all), and the two reads of the
 * live state the worker shares with it.  Worker thread only.
 */
#ifndef VDS_LVM_FIX_H
#define VDS_LVM_FIX_H

#include "lvm_run.h"

/* Every LV of vg (lvs -a, never waiting on a suspended device): 0, or -1. */
int lvm_vg_lvs(const char *vg, struct lvm_scan *s);
/*
 * dm-raid's health characters of a volume ("AA", "DA") into chars: 0; 1 when
 * its device has another target (chars ""); -1 when there is no status.
 */
int lvm_lv_dm_health(const struct lvm_lv *lv, char *chars, size_t len);
/*
 * After the command for pl on lv failed with r: bring the kernel back in
 * line with LVM's metadata (device-mapper tables of the VG settled without
 * waiting on a suspended device: rolled back when the change had not been
 * committed, forward when it had; devices resumed from the bottom up), then
 * finish or roll back a half-done split, check the VG and say in msg what
 * was done and which state the volume is in.  Returns r.
 */
enum vds_result lvm_recover(struct lvm_plan *pl, const char *lv, enum vds_result r, char *msg,
                            size_t len);

#endif
