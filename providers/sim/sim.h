/* SPDX-License-Identifier: ISC */
/*
 * sim.h - the sim provider: simulated disks, partitions, packs, volumes with
 * plexes and virtual disks, with every job type on them (the embedded
 * default: a fresh machine has something to show and to run jobs on without
 * touching a real disk).  State: <stateDir>/sim.state (see sim_store.c).
 */
#ifndef VDS_SIM_H
#define VDS_SIM_H

#include "provider.h"

extern const struct prov_ops sim_provider;

#endif
