/* SPDX-License-Identifier: ISC */
/*
 * sim_check.h - resolve a job's model indexes to sim objects and check the
 * job against the sim state: the validation a real provider does (not
 * found, no space, in use, cannot shrink, ...).  Loop thread only; fast.
 */
#ifndef VDS_SIM_CHECK_H
#define VDS_SIM_CHECK_H

#include <stddef.h>

#include "provider.h"
#include "sim_state.h"

/* What a checked job resolved to: names, not pointers, so it outlives edits. */
struct sim_target {
	enum job_type type;
	char disk[SIM_NAME_LEN];
	uint32_t part; /* partition number on disk */
	char vol[SIM_NAME_LEN];
	uint32_t volume; /* the volume's index, for jobs on a volume */
	uint32_t plex;
	char pack[SIM_NAME_LEN];
	int new_pack; /* createVolume by disks in no pack: pack is to be made of them */
	char path[256];
	char name[SIM_NAME_LEN]; /* created/split volume */
	uint64_t offset;         /* createPartition: the real, aligned offset */
	uint64_t size;           /* created size, or bytes a shrink removes */
	enum inv_pstyle label;   /* createPartition, createVDisk: label to write (NONE: keep) */
	char ptype[40];          /* createPartition: partition type */
	enum inv_voltype vtype;
	uint64_t stripe;
	uint32_t parity; /* parity volumes: 1 (raid5) or 2 (raid6) */
	size_t nplexes;  /* createVolume: devices of each plex */
	char plexdev[SIM_MAX_PLEXES][256];
	enum inv_vdisk_format format;
	enum inv_vdisk_type vdtype;
	int has_fs;       /* the target volume/partition holds a file system */
	char parent[256]; /* createVDisk differencing: the parent; mergeVDisk: the target */
};

/* VDS_R_OK and t filled, or why not (a sentence in why). */
enum vds_result sim_check(struct sim_state *st, const struct job_params *p, struct sim_target *t,
                          char *why, size_t len);

/* The sim disk shown as model disk index (attached vdisks only), or NULL. */
struct sim_disk *sim_check_disk(struct sim_state *st, uint32_t index);
/* The sim partition shown as model partition index (and its disk, *dp), or NULL. */
struct sim_part *sim_check_part(struct sim_state *st, uint32_t index, struct sim_disk **dp);
/*
 * Model volume index: a pack volume (*vp) or a partition's basic volume
 * (*dp, *pp).  -1 when it is not a sim volume.
 */
int sim_check_volume(struct sim_state *st, uint32_t index, struct sim_volume **vp,
                     struct sim_disk **dp, struct sim_part **pp);
/* The sim vdisk of model vdisk index, or NULL. */
struct sim_vdisk *sim_check_vdisk(struct sim_state *st, uint32_t index);

#endif
