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
/*
 * Write st->path atomically (tmp, fsync, rename, fsync of the directory).
 * At start only: a job's commit hands sim_store_dump() to the state writer.
 */
int sim_store_save(const struct sim_state *st);
/* st as the content of its file, in memory (*buf freed with free()); 0 or -1. */
int sim_store_dump(const struct sim_state *st, char **buf, size_t *len);
/*
 * Put st (its paths kept) back to buf[0..len), a content sim_store_dump()
 * made, validated as a file is; 0, or -1 with st's objects undefined.
 */
int sim_store_undump(struct sim_state *st, const char *buf, size_t len);

#endif
