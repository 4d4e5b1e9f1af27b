/* SPDX-License-Identifier: ISC */
/*
 * lvm_plex.h - the lvm provider's checks of the plex jobs (loop thread):
 * addVolumePlex (lvconvert to raid1 with one more leg on the given disks),
 * removeVolumePlex (lvconvert -m N-1 VG/LV PV, never the last healthy leg)
 * and repairVolumePlex (lvconvert --repair onto the given disks).
 */
#ifndef VDS_LVM_PLEX_H
#define VDS_LVM_PLEX_H

#include "lvm_run.h"

/* The job's disks as physical volumes of volume group cr->vg, into cr->pvs. */
enum vds_result lvm_plex_pvs(const struct lvm_scan *s, const struct job_params *p,
                             struct lvm_create *cr, char *why, size_t len);
/* Check a plex job on lv (pl->vg, pl->lv resolved); fills the plan. */
enum vds_result lvm_plex_check(const struct lvm_scan *s, const struct job_params *p,
                               struct lvm_plan *pl, const struct lvm_lv *lv, char *why, size_t len);
/* Loop thread (commit, the model updated): the new or rebuilt plex as the job's output. */
void lvm_plex_outputs(const struct lvm_plan *pl, struct job_outputs *out);

#endif
