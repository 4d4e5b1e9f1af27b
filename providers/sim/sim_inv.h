/* SPDX-License-Identifier: ISC */
/*
 * sim_inv.h - show the sim state in the inventory model: disks and their
 * partitions through inv_disk_update(), packs, volumes, plexes and vdisks
 * through inv_put().  Loop thread only.
 *
 * Keys: disk "sim:NAME", pack "sim:pack:NAME", volume "sim:vol:NAME", plex
 * "sim:plex:VOL:N", vdisk "sim:vdisk:PATH".  A vdisk's disk is shown only
 * while it is attached.
 */
#ifndef VDS_SIM_INV_H
#define VDS_SIM_INV_H

#include "sim_state.h"

/* Publish every sim object and remove rows of sim objects that are gone. */
int sim_inv_sync(struct sim_state *st);
/* Publish the named object, or remove its rows when st no longer has it. */
int sim_inv_disk(struct sim_state *st, const char *name);
int sim_inv_pack(struct sim_state *st, const char *name);
int sim_inv_volume(struct sim_state *st, const char *name);
int sim_inv_vdisk(struct sim_state *st, const char *path);

#endif
