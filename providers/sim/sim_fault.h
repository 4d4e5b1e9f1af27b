/* SPDX-License-Identifier: ISC */
/*
 * sim_fault.h - test faults of the sim provider: a sim disk named by
 * simFailDisk has failed, one named by simRemoveDisk is gone (hot-removed),
 * so that monitoring sees volumes, plexes and packs degrade and recover on a
 * reload, and disks and packs leave and come back, as they would when a real
 * disk dies or is pulled.
 *
 * The sim state (sim.state) is not changed: a fault is a condition of the
 * running daemon only, set and cleared by reloading the configuration.
 * Health as the MIB shows it:
 *   plex    failed when one of its devices has failed, else healthy;
 *   volume  healthy with every plex healthy, failed with none, else
 *           degraded (a mirror that lost a plex); a parity volume is
 *           degraded while it lost no more devices than its parity count;
 *   pack    failed when every member disk has failed, degraded when some
 *           have, else healthy.
 * A removed disk counts as failed for all of these, and besides:
 *   disk    its row leaves the inventory (vdsDiskRemoved, its partitions
 *           vdsPartitionRemoved);
 *   pack    its row leaves when every member disk is removed
 *           (vdsPackRemoved), and lists only the disks still present;
 *   volume  stays, failed when every plex was on removed disks (as VDS keeps
 *           the volume of a pack with missing disks until it is recovered),
 *           its pack index naming the pack that is gone.
 * A reload without the line brings the disk back (vdsDiskArrived, and
 * vdsPackArrived when its pack had gone).
 * Loop thread only.
 */
#ifndef VDS_SIM_FAULT_H
#define VDS_SIM_FAULT_H

#include "conf.h"
#include "sim_state.h"

/* Take the failed and removed disks of conf; 1 when either set changed. */
int sim_fault_set(const struct strlist *failed, const struct strlist *removed);
/* Forget every fault (at fini). */
void sim_fault_clear(void);
enum inv_health sim_fault_plex_health(const struct sim_plex *px);
/* How many devices of px have failed or are removed. */
size_t sim_fault_failed_devices(const struct sim_plex *px);
enum inv_health sim_fault_volume_health(const struct sim_volume *v);
enum inv_health sim_fault_pack_health(const struct sim_state *st, const char *pack);
/* 1 when the disk name is failed (simFailDisk) or removed (simRemoveDisk). */
int sim_fault_disk_lost(const char *name);
/* 1 when the disk name is removed (simRemoveDisk). */
int sim_fault_disk_removed(const char *name);
/* 1 when pack has member disks and every one is removed. */
int sim_fault_pack_gone(const struct sim_state *st, const char *pack);

#endif
