/* SPDX-License-Identifier: ISC */
/*
 * sim_apply.h - apply a checked job to the sim state and the inventory
 * model, and fill the job's typed outputs.  Loop thread only (commit).
 */
#ifndef VDS_SIM_APPLY_H
#define VDS_SIM_APPLY_H

#include "sim_check.h"

/*
 * Change st as t (from sim_check() just now) says and publish the changed
 * objects.  The caller saves the state file.  Outputs: createPartition
 * offset/partition/volume/objid, createVolume and breakVolumePlex volume/objid,
 * shrinkVolume reclaimed, createVDisk (and attach/detach) vdisk/objid.
 */
enum vds_result sim_apply(struct sim_state *st, const struct job_params *p,
                          const struct sim_target *t, struct job_outputs *out, char *msg,
                          size_t len);

#endif
