/* SPDX-License-Identifier: ISC */
/*
 * lvm_pack.h - the lvm provider's pack jobs: replaceDisk (pvmove --atomic
 * with its progress, pvmove --abort on a cancel or a failure, vgreduce) and
 * recoverPack (lvconvert --repair of the mirrors that keep a complete plex,
 * vgreduce --removemissing, --force only with vdsJobParamAllowDataLoss) and
 * clean of a disk in a volume group (vgreduce/vgremove, pvremove, wipe).
 */
#ifndef VDS_LVM_PACK_H
#define VDS_LVM_PACK_H

#include "conf.h"
#include "lvm_run.h"

/* Loop thread: check p against the last scan and fill pl; VDS_R_OK or why not. */
enum vds_result lvm_pack_check(const struct lvm_scan *s, const struct vds_conf *conf,
                               const struct job_params *p, struct lvm_plan *pl, char *why,
                               size_t len);
/* Worker thread: run the job from pl alone. */
enum vds_result lvm_pack_run(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len);
/* Loop thread (commit): recoverPack's outputs and details. */
void lvm_pack_outputs(const struct lvm_plan *pl, struct job_outputs *out);

#endif
