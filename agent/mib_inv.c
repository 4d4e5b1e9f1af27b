/* SPDX-License-Identifier: ISC */
/*
 * mib_inv.c - the inventory tables of VDS-MIB: disks, partitions, volumes,
 * plexes, packs and virtual disks, each a column list over a model table.
 */
#include "config.h"

#include <stddef.h>

#include "mib_inv.h"
#include "mib_oids.h"
#include "model.h"

#define ENTRY(arc)                                                                                 \
	{                                                                                          \
		VDS_MIB_ROOT, VDS_OBJECTS, arc, 1                                                  \
	}
#define ENTRY_LEN (VDS_MIB_ROOT_LEN + 3)
#define C(sub, kind, type, field)                                                                  \
	{                                                                                          \
		sub, kind, offsetof(type, field), NULL                                             \
	}

static const struct vtab *
mi_disks(void)
{
	return inv_table(INV_DISK);
}

static const struct vtab *
mi_parts(void)
{
	return inv_table(INV_PARTITION);
}

static const struct vtab *
mi_volumes(void)
{
	return inv_table(INV_VOLUME);
}

static const struct vtab *
mi_plexes(void)
{
	return inv_table(INV_PLEX);
}

static const struct vtab *
mi_packs(void)
{
	return inv_table(INV_PACK);
}

static const struct vtab *
mi_vdisks(void)
{
	return inv_table(INV_VDISK);
}

#define D(sub, kind, field) C(sub, kind, struct inv_disk, field)
static const struct mib_col mi_disk_cols[] = {
    D(VDS_DISK_OBJECT_ID, MK_STR, objid),
    D(VDS_DISK_NAME, MK_STR, name),
    D(VDS_DISK_DEVNODE, MK_STR, devnode),
    D(VDS_DISK_SERIAL, MK_STR, serial),
    D(VDS_DISK_MODEL, MK_STR, model),
    D(VDS_DISK_SIZE, MK_BYTES, size),
    D(VDS_DISK_SECTOR_SIZE, MK_U32, sector_size),
    D(VDS_DISK_PARTITION_STYLE, MK_INT, pstyle),
    D(VDS_DISK_TABLE_ID, MK_STR, table_id),
    D(VDS_DISK_SOURCE, MK_INT, source),
    D(VDS_DISK_PROVIDER, MK_STR, provider),
    D(VDS_DISK_STATUS, MK_INT, status),
    D(VDS_DISK_STATUS_MESSAGE, MK_STR, status_msg),
    D(VDS_DISK_FLAGS, MK_BITS8, flags),
    D(VDS_DISK_FREE, MK_BYTES, free_bytes),
    D(VDS_DISK_PARTITION_COUNT, MK_SIZE, nparts),
    D(VDS_DISK_PACK_INDEX, MK_U32, pack_index),
};

#define P(sub, kind, field) C(sub, kind, struct inv_part, field)
static const struct mib_col mi_part_cols[] = {
    P(VDS_PART_OBJECT_ID, MK_STR, objid),    P(VDS_PART_DISK_INDEX, MK_U32, disk_index),
    P(VDS_PART_NUMBER, MK_U32, number),      P(VDS_PART_OFFSET, MK_BYTES, offset),
    P(VDS_PART_SIZE, MK_BYTES, size),        P(VDS_PART_TYPE, MK_STR, type),
    P(VDS_PART_NAME, MK_STR, name),          P(VDS_PART_UUID, MK_STR, uuid),
    P(VDS_PART_FS_TYPE, MK_STR, fs_type),    P(VDS_PART_FS_LABEL, MK_STR, fs_label),
    P(VDS_PART_FS_UUID, MK_STR, fs_uuid),    P(VDS_PART_VOLUME_INDEX, MK_U32, volume_index),
    P(VDS_PART_BOOTABLE, MK_BOOL, bootable),
};

#define V(sub, kind, field) C(sub, kind, struct inv_volume, field)
static const struct mib_col mi_vol_cols[] = {
    V(VDS_VOL_OBJECT_ID, MK_STR, objid),
    V(VDS_VOL_NAME, MK_STR, name),
    V(VDS_VOL_DEVNODE, MK_STR, devnode),
    V(VDS_VOL_TYPE, MK_INT, type),
    V(VDS_VOL_HEALTH, MK_INT, health),
    V(VDS_VOL_STATUS, MK_INT, status),
    V(VDS_VOL_SIZE, MK_BYTES, size),
    V(VDS_VOL_FS_TYPE, MK_STR, fs_type),
    V(VDS_VOL_FS_LABEL, MK_STR, fs_label),
    V(VDS_VOL_FS_UUID, MK_STR, fs_uuid),
    V(VDS_VOL_PACK_INDEX, MK_U32, pack_index),
    V(VDS_VOL_DISK_INDEX, MK_U32, disk_index),
    V(VDS_VOL_PARTITION_INDEX, MK_U32, partition_index),
    V(VDS_VOL_PLEX_COUNT, MK_GAUGE, nplexes),
    V(VDS_VOL_STRIPE_SIZE, MK_BYTES, stripe_size),
    V(VDS_VOL_PROVIDER, MK_STR, provider),
};

#define X(sub, kind, field) C(sub, kind, struct inv_plex, field)
static const struct mib_col mi_plex_cols[] = {
    X(VDS_PLEX_OBJECT_ID, MK_STR, objid), X(VDS_PLEX_VOLUME_INDEX, MK_U32, volume_index),
    X(VDS_PLEX_NUMBER, MK_U32, number),   X(VDS_PLEX_HEALTH, MK_INT, health),
    X(VDS_PLEX_SIZE, MK_BYTES, size),     X(VDS_PLEX_SYNC_PERCENT, MK_U32, sync_percent),
    X(VDS_PLEX_DEVICES, MK_STR, devices),
};

#define K(sub, kind, field) C(sub, kind, struct inv_pack, field)
static const struct mib_col mi_pack_cols[] = {
    K(VDS_PACK_OBJECT_ID, MK_STR, objid),     K(VDS_PACK_NAME, MK_STR, name),
    K(VDS_PACK_PROVIDER, MK_STR, provider),   K(VDS_PACK_HEALTH, MK_INT, health),
    K(VDS_PACK_SIZE, MK_BYTES, size),         K(VDS_PACK_FREE, MK_BYTES, free_bytes),
    K(VDS_PACK_DISK_COUNT, MK_GAUGE, ndisks), K(VDS_PACK_VOLUME_COUNT, MK_GAUGE, nvolumes),
};

#define VD(sub, kind, field) C(sub, kind, struct inv_vdisk, field)
static const struct mib_col mi_vdisk_cols[] = {
    VD(VDS_VDISK_OBJECT_ID, MK_STR, objid),
    VD(VDS_VDISK_PATH, MK_STR, path),
    VD(VDS_VDISK_FORMAT, MK_INT, format),
    VD(VDS_VDISK_TYPE, MK_INT, type),
    VD(VDS_VDISK_VIRTUAL_SIZE, MK_BYTES, virtual_size),
    VD(VDS_VDISK_ALLOCATED_SIZE, MK_BYTES, allocated_size),
    VD(VDS_VDISK_ATTACHED, MK_BOOL, attached),
    VD(VDS_VDISK_DEVNODE, MK_STR, devnode),
    VD(VDS_VDISK_DISK_INDEX, MK_U32, disk_index),
    VD(VDS_VDISK_PROVIDER, MK_STR, provider),
    VD(VDS_VDISK_STATUS, MK_INT, status),
};

#define TABLE(nm, arc, colarr, rowsfn)                                                             \
	{                                                                                          \
		.name = nm, .base = ENTRY(arc), .base_len = ENTRY_LEN, .cols = mi_##colarr,        \
		.ncols = sizeof(mi_##colarr) / sizeof(mi_##colarr[0]), .rows = rowsfn,             \
	}

const struct mib_table mib_disk_table = TABLE("vdsDiskTable", VDS_DISK_TABLE, disk_cols, mi_disks);
const struct mib_table mib_part_table =
    TABLE("vdsPartitionTable", VDS_PARTITION_TABLE, part_cols, mi_parts);
const struct mib_table mib_volume_table =
    TABLE("vdsVolumeTable", VDS_VOLUME_TABLE, vol_cols, mi_volumes);
const struct mib_table mib_plex_table = TABLE("vdsPlexTable", VDS_PLEX_TABLE, plex_cols, mi_plexes);
const struct mib_table mib_pack_table = TABLE("vdsPackTable", VDS_PACK_TABLE, pack_cols, mi_packs);
const struct mib_table mib_vdisk_table =
    TABLE("vdsVDiskTable", VDS_VDISK_TABLE, vdisk_cols, mi_vdisks);
