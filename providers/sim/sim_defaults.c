/* SPDX-License-Identifier: ISC */
/*
 * sim_defaults.c - the simulated inventory a fresh machine starts with.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim_defaults.h"
#include "sim_mbr.h"

#define SD_GPT_EFI   "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define SD_GPT_LINUX "0fc63daf-8483-4772-8e79-3d69d8477de4"

static struct sim_disk *
sd_disk(struct sim_state *st, const char *name, uint64_t size, enum inv_pstyle style)
{
	struct sim_disk *d = sim_disk_add(st, name, size);

	d->pstyle = style;
	snprintf(d->serial, sizeof(d->serial), "SIM-%04u", st->next_serial++);
	if (style == INV_PS_GPT)
		sim_new_guid(d->table_id, 1);
	else if (style == INV_PS_MBR)
		snprintf(d->table_id, sizeof(d->table_id), "0x51a0%04x", st->next_serial - 1);
	return d;
}

static struct sim_part *
sd_part(struct sim_disk *d, uint64_t offset, uint64_t size, const char *fs, const char *label,
        uint64_t used)
{
	struct sim_part *p = sim_part_add(d, offset, size);

	if (d->pstyle == INV_PS_GPT) {
		snprintf(p->type, sizeof(p->type), "%s", SD_GPT_LINUX);
		sim_new_guid(p->uuid, 0);
	} else {
		snprintf(p->type, sizeof(p->type), "0x83");
		sim_mbr_uuid(d, p);
	}
	snprintf(p->fs_type, sizeof(p->fs_type), "%s", fs);
	snprintf(p->fs_label, sizeof(p->fs_label), "%s", label);
	sim_new_guid(p->fs_uuid, 0);
	p->used = used;
	return p;
}

static void
sd_disks(struct sim_state *st)
{
	struct sim_disk *d;
	struct sim_part *p;

	d = sd_disk(st, "sim0", 64 * SIM_GIB, INV_PS_GPT);
	p = sd_part(d, SIM_MIB, 512 * SIM_MIB, "vfat", "EFI", 32 * SIM_MIB);
	snprintf(p->type, sizeof(p->type), "%s", SD_GPT_EFI);
	snprintf(p->name, sizeof(p->name), "EFI System Partition");
	snprintf(p->fs_uuid, sizeof(p->fs_uuid), "5A1E-0001");
	p->mounted = 1;
	p = sd_part(d, 513 * SIM_MIB, 20 * SIM_GIB, "ext4", "simdata", 6 * SIM_GIB);
	snprintf(p->name, sizeof(p->name), "data");

	d = sd_disk(st, "sim1", 256 * SIM_GIB, INV_PS_MBR);
	sd_part(d, SIM_MIB, 100 * SIM_GIB, "ext4", "backup", 30 * SIM_GIB);

	d = sd_disk(st, "sim2", 500 * SIM_GIB, INV_PS_GPT);
	snprintf(d->pack, sizeof(d->pack), "pack0");
	d = sd_disk(st, "sim3", 500 * SIM_GIB, INV_PS_GPT);
	snprintf(d->pack, sizeof(d->pack), "pack0");
	sd_disk(st, "sim4", 1024 * SIM_GIB, INV_PS_NONE);
}

static struct sim_volume *
sd_vol(struct sim_state *st, const char *name, enum inv_voltype type, uint64_t size, const char *fs,
       uint64_t used)
{
	struct sim_volume *v = sim_vol_add(st, name);

	snprintf(v->pack, sizeof(v->pack), "pack0");
	v->type = type;
	v->size = size;
	snprintf(v->fs_type, sizeof(v->fs_type), "%s", fs);
	snprintf(v->fs_label, sizeof(v->fs_label), "%s", name);
	sim_new_guid(v->fs_uuid, 0);
	v->used = used;
	return v;
}

static void
sd_plex(struct sim_volume *v, const char *devices)
{
	struct sim_plex *px = &v->plexes[v->nplexes++];

	px->number = (uint32_t)v->nplexes;
	snprintf(px->devices, sizeof(px->devices), "%s", devices);
}

static void
sd_pack(struct sim_state *st)
{
	struct sim_volume *v;

	snprintf(st->packs[st->npacks++].name, sizeof(st->packs[0].name), "pack0");
	v = sd_vol(st, "mirror0", INV_VT_MIRROR, 50 * SIM_GIB, "ext4", 12 * SIM_GIB);
	sd_plex(v, "sim2");
	sd_plex(v, "sim3");
	v = sd_vol(st, "stripe0", INV_VT_STRIPED, 10 * SIM_GIB, "xfs", 2 * SIM_GIB);
	v->stripe_size = 64 * 1024;
	sd_plex(v, "sim2,sim3");
}

static void
sd_vdisk(struct sim_state *st)
{
	struct sim_vdisk *vd = &st->vdisks[st->nvdisks++];
	struct sim_disk *d = sd_disk(st, "vd0", 10 * SIM_GIB, INV_PS_NONE);

	snprintf(vd->path, sizeof(vd->path), "%s/disk0.vhd", st->simdir);
	vd->virtual_size = 10 * SIM_GIB;
	vd->format = INV_VF_VHD;
	vd->type = INV_VDT_EXPANDABLE;
	snprintf(vd->disk, sizeof(vd->disk), "%s", d->name);
	snprintf(d->vdisk, sizeof(d->vdisk), "%s", vd->path);
}

void
sim_defaults_fill(struct sim_state *st)
{
	st->next_serial = 1;
	sd_disks(st);
	sd_pack(st);
	sd_vdisk(st);
}
