/* SPDX-License-Identifier: ISC */
/*
 * sim_fault.h - test faults of the sim provider (simFailDisk): a sim disk
 * named there has failed, so that monitoring sees volumes, plexes and packs
 * degrade and recover on a reload, as they would when a real disk dies.
 *
 * The sim state (sim.state) is not changed: a fault is a condition of the
 * running daemon only, set and cleared by reloading the configuration.
 * Health as the MIB shows it:
 *   plex    failed when one of its devices has failed, else healthy;
 *   volume  healthy with every plex healthy, failed with none, else
 *           degraded (a mirror that lost a plex);
 *   pack    failed when every member disk has failed, degraded when some
 *           have, else healthy.
 * Loop thread only.
 */
#ifndef VDS_SIM_FAULT_H
#define VDS_SIM_FAULT_H

#include "conf.h"
#include "sim_state.h"

/* Take the failed disks of conf; 1 when the set changed. */
int sim_fault_set(const struct strlist *failed);
/* Forget every fault (at fini). */
void sim_fault_clear(void);
enum inv_health sim_fault_plex_health(const struct sim_plex *px);
enum inv_health sim_fault_volume_health(const struct sim_volume *v);
enum inv_health sim_fault_pack_health(const struct sim_state *st, const char *pack);

#endif
