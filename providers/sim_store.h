/* SPDX-License-Identifier: ISC */
/*
 * sim_store.h - the sim provider's state file, <stateDir>/sim.state, and the
 * default inventory a fresh machine starts with.  Format: see sim_store.c.
 */
#ifndef VDS_SIM_STORE_H
#define VDS_SIM_STORE_H

#include "sim_state.h"

/*
 * Load <state_dir>/sim.state, or build the default inventory and save it
 * when the file does not exist.  Returns a state freed with
 * sim_store_free(), or NULL (logged) when the file is unreadable or
 * malformed: a damaged file is never silently replaced.
 */
struct sim_state *sim_store_open(const char *state_dir);
void sim_store_free(struct sim_state *st);
/* Write st->path atomically (tmp, fsync, rename, fsync of the directory). */
int sim_store_save(const struct sim_state *st);

#endif
