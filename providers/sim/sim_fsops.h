/* SPDX-License-Identifier: ISC */
/*
 * sim_fsops.h - clean (wipe a sim disk's labels, optionally every block)
 * and format (make a file system on a sim volume or partition): the check
 * at SET time and commit, and the change of the sim state.  Loop thread.
 */
#ifndef VDS_SIM_FSOPS_H
#define VDS_SIM_FSOPS_H

#include "sim_check.h"

/* JOB_CLEAN, JOB_FORMAT: VDS_R_OK and t filled, or why not. */
enum vds_result sim_fsops_check(struct sim_state *st, const struct job_params *p,
                                struct sim_target *t, char *why, size_t len);
/* Apply a checked clean or format; format fills out->volume and out->objid. */
enum vds_result sim_fsops_apply(struct sim_state *st, const struct job_params *p,
                                const struct sim_target *t, struct job_outputs *out);

#endif
