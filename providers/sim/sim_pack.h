/* SPDX-License-Identifier: ISC */
/*
 * sim_pack.h - the sim's pack jobs.  replaceDisk moves every plex share
 * of the disk onto other healthy disks of its pack (vdsJobParamDisks when
 * given; never a disk that holds the same volume already) and takes it out
 * of the pack.  recoverPack, after disks failed or were removed (sim_fault.h),
 * rebuilds each failed plex of a volume that keeps a healthy one onto free
 * space of the healthy disks (refused when there is no room),
 * removes the volumes with no healthy plex when vdsJobParamAllowDataLoss
 * consents, and takes the lost disks out of the pack unless a kept lost
 * volume still needs them.  Loop thread only.
 */
#ifndef VDS_SIM_PACK_H
#define VDS_SIM_PACK_H

#include "sim_check.h"

/* VDS_R_OK when p (replaceDisk or recoverPack) can run now, else why not. */
enum vds_result sim_pack_check(struct sim_state *st, const struct job_params *p, char *why,
                               size_t len);
/* Plan p again and carry it out, publish the changes, fill the outputs. */
enum vds_result sim_pack_apply(struct sim_state *st, const struct job_params *p,
                               struct job_outputs *out, char *msg, size_t len);

#endif
