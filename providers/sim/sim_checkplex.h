/* SPDX-License-Identifier: ISC */
/*
 * sim_checkplex.h - validation of the plex jobs addVolumePlex,
 * removeVolumePlex and repairVolumePlex against the sim state; called
 * through sim_checkvol().
 */
#ifndef VDS_SIM_CHECKPLEX_H
#define VDS_SIM_CHECKPLEX_H

#include "sim_check.h"

enum vds_result sim_checkplex(struct sim_state *st, const struct job_params *p,
                              struct sim_target *t, char *why, size_t len);

#endif
