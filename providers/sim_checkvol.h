/* SPDX-License-Identifier: ISC */
/*
 * sim_checkvol.h - validation of the volume jobs (create, delete, shrink,
 * break plex) against the sim state; called through sim_check().
 */
#ifndef VDS_SIM_CHECKVOL_H
#define VDS_SIM_CHECKVOL_H

#include "sim_check.h"

enum vds_result sim_checkvol(struct sim_state *st, const struct job_params *p, struct sim_target *t,
                             char *why, size_t len);

#endif
