/* SPDX-License-Identifier: ISC */
/*
 * sim_state.h - the sim provider's simulated storage: disks with labels and
 * partitions, packs, volumes with plexes and virtual disks, kept in the file
 * <stateDir>/sim.state by sim_store.c.
 *
 * Only the loop thread touches a struct sim_state (one loop, one writer).
 */
#ifndef VDS_SIM_STATE_H
#define VDS_SIM_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define SIM_MIB          1048576ULL
#define SIM_GIB          (1024ULL * SIM_MIB)
#define SIM_ALIGN        SIM_MIB
#define SIM_SECTOR       512U
#define SIM_MAX_DISKS    64
#define SIM_MAX_PARTS    128 /* GPT entries; MBR allows 4 */
#define SIM_MAX_PACKS    16
#define SIM_MAX_VOLS     64
#define SIM_MAX_PLEXES   8
#define SIM_MAX_VDISKS   32
#define SIM_NAME_LEN     64
#define SIM_MAX_BYTES    (1ULL << 50)  /* 1 PiB: any size or offset beyond is damage */
#define SIM_PACK_RESERVE (2 * SIM_MIB) /* metadata kept on each pack disk */

struct sim_part {
	uint32_t number;
	uint64_t offset, size;
	char type[40];
	char name[72];
	char uuid[40];
	char fs_type[16];
	char fs_label[64];
	char fs_uuid[40];
	uint64_t used; /* bytes of file system data: the shrink limit */
	int mounted;
};

struct sim_disk {
	char name[SIM_NAME_LEN];
	uint64_t size;
	enum inv_pstyle pstyle;
	char table_id[40];
	char serial[32];
	char pack[SIM_NAME_LEN]; /* "" when not in a pack */
	char vdisk[256];         /* backing vdisk path, "" for a plain disk */
	size_t nparts;           /* sorted by offset */
	struct sim_part parts[SIM_MAX_PARTS];
};

struct sim_pack {
	char name[SIM_NAME_LEN];
};

struct sim_plex {
	uint32_t number;
	char devices[256]; /* comma-separated sim disk names */
};

struct sim_volume {
	char name[SIM_NAME_LEN];
	char pack[SIM_NAME_LEN];
	enum inv_voltype type;
	uint64_t size;
	uint64_t stripe_size;
	uint32_t parity; /* parity volumes: devices of parity, 1 (raid5) or 2 (raid6) */
	char fs_type[16];
	char fs_label[64];
	char fs_uuid[40];
	uint64_t used;
	int mounted;
	size_t nplexes;
	struct sim_plex plexes[SIM_MAX_PLEXES];
};

struct sim_vdisk {
	char path[256];
	uint64_t virtual_size;
	enum inv_vdisk_format format;
	enum inv_vdisk_type type;
	int attached;
	int read_only;           /* attached read-only */
	char disk[SIM_NAME_LEN]; /* the sim disk holding its contents */
	uint64_t alloc;          /* bytes the image file holds at least (sparse: until compacted) */
	char parent[256];        /* differencing: the parent vdisk's path */
};

struct sim_state {
	char path[512];   /* the state file */
	char simdir[512]; /* <stateDir>/sim: where sim vdisk paths live */
	unsigned next_serial;
	size_t ndisks, npacks, nvols, nvdisks;
	struct sim_disk disks[SIM_MAX_DISKS];
	struct sim_pack packs[SIM_MAX_PACKS];
	struct sim_volume vols[SIM_MAX_VOLS];
	struct sim_vdisk vdisks[SIM_MAX_VDISKS];
};

struct sim_disk *sim_disk_find(struct sim_state *st, const char *name);
struct sim_part *sim_part_find(struct sim_disk *d, uint32_t number);
struct sim_pack *sim_pack_find(struct sim_state *st, const char *name);
struct sim_volume *sim_vol_find(struct sim_state *st, const char *name);
struct sim_plex *sim_plex_find(struct sim_volume *v, uint32_t number);
struct sim_vdisk *sim_vdisk_find(struct sim_state *st, const char *path);
/* Bytes a vdisk's data takes now, and what its image file holds (not less). */
uint64_t sim_vdisk_live(struct sim_state *st, const struct sim_vdisk *vd);
uint64_t sim_vdisk_allocated(struct sim_state *st, const struct sim_vdisk *vd);
/* How many differencing vdisks have path as their parent. */
size_t sim_vdisk_children(struct sim_state *st, const char *path);
/* The vdisk whose contents disk d holds, or NULL. */
struct sim_vdisk *sim_vdisk_of_disk(struct sim_state *st, const struct sim_disk *d);

/* Add a zeroed object with the given name; NULL when full or taken. */
struct sim_disk *sim_disk_add(struct sim_state *st, const char *name, uint64_t size);
struct sim_part *sim_part_add(struct sim_disk *d, uint64_t offset, uint64_t size);
struct sim_volume *sim_vol_add(struct sim_state *st, const char *name);
void sim_disk_del(struct sim_state *st, struct sim_disk *d);
void sim_part_del(struct sim_disk *d, struct sim_part *p);
void sim_vol_del(struct sim_state *st, struct sim_volume *v);
void sim_plex_del(struct sim_volume *v, struct sim_plex *px);
void sim_vdisk_del(struct sim_state *st, struct sim_vdisk *vd);

/*
 * Check a loaded state: names, sizes (1..SIM_MAX_BYTES), partitions inside
 * their disk and apart, references between objects.  -1 with the first
 * problem in why ("disk sim0: ...").
 */
int sim_state_check(const struct sim_state *st, char *why, size_t len);

/* Usable area of a labelled disk: [*first, *end), both 1 MiB aligned. */
void sim_disk_usable(const struct sim_disk *d, uint64_t *first, uint64_t *end);
/* Bytes in aligned gaps of at least 1 MiB (what probe.h reports). */
/* v rounded up to the partition alignment (SIM_ALIGN). */
uint64_t sim_align_up(uint64_t v);
uint64_t sim_disk_free(const struct sim_disk *d);
/* First fit for size (aligned) at or after offset; 0 when none fits. */
uint64_t sim_disk_fit(const struct sim_disk *d, uint64_t offset, uint64_t size);
/* Bytes a volume's plex puts on each of its devices. */
uint64_t sim_plex_share(const struct sim_volume *v, const struct sim_plex *px);
/* Pack bytes of disk d: capacity, and what volumes use of it. */
uint64_t sim_disk_pack_cap(const struct sim_disk *d);
/* What disk d would hold as a pack disk (in a pack or not). */
uint64_t sim_disk_cap_as_pack(const struct sim_disk *d);
uint64_t sim_disk_pack_used(const struct sim_state *st, const struct sim_disk *d);
/* 1 when the comma-separated list holds name. */
int sim_list_has(const char *list, const char *name);
/* A fresh random GUID (upper case with upper=1, as GPT tools print). */
void sim_new_guid(char out[40], int upper);

#endif
