/* SPDX-License-Identifier: ISC */
/*
 * model.h - the inventory: disks, partitions, volumes, plexes, packs and
 * virtual disks, each in a table sorted by a stable index.
 *
 * Only the loop thread calls these functions (one loop, one writer).  A
 * discoverer or provider builds a struct inv_disk (with its partitions) and
 * hands it to inv_disk_update(), which assigns the persistent indexes and
 * object ids, derives the volume rows and tells the observer what changed.
 */
#ifndef VDS_MODEL_H
#define VDS_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vtab.h"

#define INV_OBJID_LEN 37 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

enum inv_class { INV_DISK, INV_PARTITION, INV_VOLUME, INV_PLEX, INV_PACK, INV_VDISK, INV_NCLASS };

/* These enums are the MIB's enumerations: keep the numbers in step. */
enum inv_pstyle { INV_PS_UNKNOWN = 1, INV_PS_NONE = 2, INV_PS_MBR = 3, INV_PS_GPT = 4 };
enum inv_source { INV_SRC_UDEV = 1, INV_SRC_IMAGE = 2, INV_SRC_SIM = 3, INV_SRC_VDISK = 4 };
enum inv_status {
	INV_ST_ONLINE = 1,
	INV_ST_OFFLINE = 2,
	INV_ST_PROBE_ERROR = 3,
	INV_ST_MISSING = 4,
};
enum inv_voltype {
	INV_VT_SIMPLE = 1,
	INV_VT_SPANNED = 2,
	INV_VT_STRIPED = 3,
	INV_VT_MIRROR = 4,
	INV_VT_PARITY = 5,
};
enum inv_health {
	INV_H_UNKNOWN = 1,
	INV_H_HEALTHY = 2,
	INV_H_DEGRADED = 3,
	INV_H_REBUILDING = 4,
	INV_H_FAILED = 5,
};
enum inv_vdisk_format { INV_VF_RAW = 1, INV_VF_VHD = 2 };
enum inv_vdisk_type { INV_VDT_FIXED = 1, INV_VDT_EXPANDABLE = 2, INV_VDT_DIFFERENCING = 3 };

/* Disk flags. */
#define INV_DF_READONLY  0x01
#define INV_DF_REMOVABLE 0x02
#define INV_DF_SYSTEM    0x04 /* holds / or /boot: never written */
#define INV_DF_INUSE     0x08 /* mounted, swap or held by another device */

struct inv_part {
	uint32_t index; /* must stay first (vtab) */
	char objid[INV_OBJID_LEN];
	uint32_t disk_index;
	uint32_t number; /* 1-based, as in the label */
	uint64_t offset; /* bytes from the start of the disk */
	uint64_t size;   /* bytes */
	char type[40];   /* GPT type GUID, or "0x83" for MBR */
	char name[72];   /* GPT partition name */
	char uuid[40];   /* PARTUUID */
	char fs_type[16];
	char fs_label[64];
	char fs_uuid[40];
	uint32_t volume_index; /* 0 when it holds no file system */
	unsigned bootable;
};

struct inv_disk {
	uint32_t index; /* must stay first (vtab) */
	char objid[INV_OBJID_LEN];
	char key[256]; /* identity: "wwn:…", "serial:…", "image:PATH", "sim:NAME", "loop:FILE" */
	char name[64];
	char devnode[256];
	char serial[128];
	char model[128];
	char provider[16]; /* provider that manages it ("" for none) */
	enum inv_source source;
	enum inv_status status;
	char status_msg[128];
	uint64_t size; /* bytes */
	uint32_t sector_size;
	enum inv_pstyle pstyle;
	char table_id[40]; /* GPT disk GUID or MBR disk id */
	char fs_type[16];  /* a file system on the whole disk */
	char fs_label[64];
	char fs_uuid[40];
	unsigned flags;
	uint64_t free_bytes; /* not covered by any partition */
	uint32_t pack_index;
	uint32_t volume_index; /* whole-disk file system volume */
	size_t nparts;
	struct inv_part *parts; /* owned by the disk */
};

struct inv_volume {
	uint32_t index; /* must stay first (vtab) */
	char objid[INV_OBJID_LEN];
	char key[256];
	char name[64];
	char devnode[256];
	char provider[16];
	enum inv_voltype type;
	enum inv_health health;
	enum inv_status status;
	uint64_t size;
	char fs_type[16];
	char fs_label[64];
	char fs_uuid[40];
	uint32_t pack_index;
	uint32_t disk_index;      /* basic volume: its disk */
	uint32_t partition_index; /* basic volume: its partition (0: whole disk) */
	uint32_t nplexes;
	uint64_t stripe_size;
};

struct inv_plex {
	uint32_t index; /* must stay first (vtab) */
	char objid[INV_OBJID_LEN];
	char key[256];
	uint32_t volume_index;
	uint32_t number;
	enum inv_health health;
	uint64_t size;
	uint32_t sync_percent;
	char devices[256]; /* comma-separated disk names */
};

struct inv_pack {
	uint32_t index; /* must stay first (vtab) */
	char objid[INV_OBJID_LEN];
	char key[256];
	char name[64];
	char provider[16];
	enum inv_health health;
	uint64_t size;
	uint64_t free_bytes;
	uint32_t ndisks;
	uint32_t nvolumes;
};

struct inv_vdisk {
	uint32_t index; /* must stay first (vtab) */
	char objid[INV_OBJID_LEN];
	char key[256];
	char path[256];
	char provider[16];
	enum inv_vdisk_format format;
	enum inv_vdisk_type type;
	uint64_t virtual_size;
	uint64_t allocated_size;
	int attached;
	char devnode[64];
	uint32_t disk_index;
	enum inv_status status; /* missing when the image file is gone */
};

enum inv_event { INV_EV_ARRIVED = 1, INV_EV_REMOVED = 2, INV_EV_MODIFIED = 3 };

/* Told of every change after it is in the tables (removals: just before). */
struct inv_observer {
	void (*changed)(enum inv_class cls, enum inv_event ev, const void *row, void *arg);
	void *arg;
};

/* Open the inventory; index map kept in state_dir/index.map. */
int inv_init(const char *state_dir);
void inv_shutdown(void);
void inv_set_observer(const struct inv_observer *obs);

/*
 * Add or replace the disk with d->key.  Takes ownership of d and d->parts,
 * also on failure.  Indexes and object ids of the disk, its partitions and
 * volumes are assigned here; removed partitions are reported.
 */
int inv_disk_update(struct inv_disk *d);
/* Remove a disk with its partitions and volumes; -1 if unknown. */
int inv_disk_remove(uint32_t index);
const struct inv_disk *inv_disk_by_key(const char *key);
const struct inv_disk *inv_disk_by_devnode(const char *devnode);
/*
 * The pack a disk belongs to (0: none), set by the provider that owns the
 * pack; kept when discovery probes the disk again.  -1 if the disk is unknown.
 */
int inv_disk_set_pack(uint32_t index, uint32_t pack_index);
/* The kernel's device node of partition n of the disk at devnode ("" when there is none). */
void inv_part_devnode(const char *devnode, uint32_t n, char *out, size_t len);

/*
 * Objects a provider owns outright (volumes of a pack, plexes, packs,
 * vdisks).  The row's key must be set; its index and objid are assigned.
 * inv_put takes ownership (also on failure) and replaces a row with the same
 * key; inv_del removes by index.
 */
int inv_put(enum inv_class cls, void *row);
int inv_del(enum inv_class cls, uint32_t index);
const void *inv_by_key(enum inv_class cls, const char *key);

const struct vtab *inv_table(enum inv_class cls);
const void *inv_get(enum inv_class cls, uint32_t index);

/* Persistent index for a key, assigned on first use (for providers). */
int inv_index_for(enum inv_class cls, const char *key, uint32_t *index, char objid[INV_OBJID_LEN]);

/*
 * Who manages a discovered disk: called by inv_disk_update() for every disk;
 * returns a provider name or NULL (used when the disk names none) and sets
 * *pack_index when a provider puts the disk in a pack.
 */
typedef const char *(*inv_owner_fn)(const struct inv_disk *d, uint32_t *pack_index);
void inv_set_disk_owner(inv_owner_fn owner);

/* Wall-clock time of the last change, and a counter of changes. */
time_t inv_last_change(void);
uint64_t inv_generation(void);

#endif
