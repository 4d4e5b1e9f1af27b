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

/* Shared with sim_checkplex.c. */
/* The volume of p->volume into t (vol, volume, has_fs); *v NULL for a basic volume. */
enum vds_result sim_checkvol_resolve(struct sim_state *st, const struct job_params *p,
                                     struct sim_target *t, struct sim_volume **v,
                                     struct sim_part **pt, char *why, size_t len);
/* The disks named in p (each once, all in pack), or every disk of the pack. */
enum vds_result sim_checkvol_disks(struct sim_state *st, const struct job_params *p,
                                   const char *pack, struct sim_disk **out, size_t *n, char *why,
                                   size_t len);
/* Room on every disk of t's plexes for a t->vtype volume of t->size. */
enum vds_result sim_checkvol_space(struct sim_state *st, struct sim_target *t, char *why,
                                   size_t len);

#endif
