/* SPDX-License-Identifier: ISC */
/*
 * sim_inv.c - publish the sim state into the inventory model.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sim_fault.h"
#include "sim_inv.h"

static uint32_t
si_index(enum inv_class cls, const char *prefix, const char *name)
{
	char key[300], objid[INV_OBJID_LEN];
	uint32_t index = 0;

	if (!name[0])
		return 0;
	snprintf(key, sizeof(key), "%s%s", prefix, name);
	if (inv_index_for(cls, key, &index, objid) < 0)
		return 0;
	return index;
}

static void
si_part(struct inv_part *ip, const struct sim_part *sp)
{
	ip->number = sp->number;
	ip->offset = sp->offset;
	ip->size = sp->size;
	snprintf(ip->type, sizeof(ip->type), "%s", sp->type);
	snprintf(ip->name, sizeof(ip->name), "%s", sp->name);
	snprintf(ip->uuid, sizeof(ip->uuid), "%s", sp->uuid);
	snprintf(ip->fs_type, sizeof(ip->fs_type), "%s", sp->fs_type);
	snprintf(ip->fs_label, sizeof(ip->fs_label), "%s", sp->fs_label);
	snprintf(ip->fs_uuid, sizeof(ip->fs_uuid), "%s", sp->fs_uuid);
}

static struct inv_disk *
si_disk_row(struct sim_state *st, const struct sim_disk *sd)
{
	struct inv_disk *d = calloc(1, sizeof(*d));
	const struct sim_vdisk *vd = sim_vdisk_of_disk(st, sd);

	if (!d || (sd->nparts && !(d->parts = calloc(sd->nparts, sizeof(*d->parts))))) {
		free(d);
		return NULL;
	}
	snprintf(d->key, sizeof(d->key), "sim:%s", sd->name);
	snprintf(d->name, sizeof(d->name), "%s", sd->name);
	snprintf(d->devnode, sizeof(d->devnode), "/dev/sim/%s", sd->name);
	snprintf(d->serial, sizeof(d->serial), "%s", sd->serial);
	snprintf(d->model, sizeof(d->model), "%s",
	         vd ? "VDS Simulated Virtual Disk" : "VDS Simulated Disk");
	snprintf(d->provider, sizeof(d->provider), "sim");
	d->source = vd ? INV_SRC_VDISK : INV_SRC_SIM;
	d->status = INV_ST_ONLINE;
	d->size = sd->size;
	d->sector_size = SIM_SECTOR;
	d->pstyle = sd->pstyle;
	snprintf(d->table_id, sizeof(d->table_id), "%s", sd->table_id);
	d->free_bytes = sim_disk_free(sd);
	d->pack_index = si_index(INV_PACK, "sim:pack:", sd->pack);
	d->flags = vd && vd->read_only ? INV_DF_READONLY : 0;
	for (size_t i = 0; i < sd->nparts; i++) {
		si_part(&d->parts[i], &sd->parts[i]);
		if (sd->parts[i].mounted)
			d->flags |= INV_DF_INUSE;
	}
	d->nparts = sd->nparts;
	return d;
}

static int
si_visible(struct sim_state *st, const struct sim_disk *sd)
{
	const struct sim_vdisk *vd = sim_vdisk_of_disk(st, sd);

	if (sim_fault_disk_removed(sd->name))
		return 0;
	return !sd->vdisk[0] || (vd && vd->attached);
}

int
sim_inv_disk(struct sim_state *st, const char *name)
{
	struct sim_disk *sd = sim_disk_find(st, name);
	const struct inv_disk *old;
	struct inv_disk *d;
	char key[300];

	if (sd && si_visible(st, sd)) {
		d = si_disk_row(st, sd);
		return d ? inv_disk_update(d) : -1;
	}
	snprintf(key, sizeof(key), "sim:%s", name);
	old = inv_disk_by_key(key);
	return old ? inv_disk_remove(old->index) : 0;
}

static int
si_del_key(enum inv_class cls, const char *prefix, const char *name)
{
	char key[300];
	const uint32_t *row;

	snprintf(key, sizeof(key), "%s%s", prefix, name);
	row = inv_by_key(cls, key);
	return row ? inv_del(cls, *row) : 0;
}

int
sim_inv_pack(struct sim_state *st, const char *name)
{
	struct sim_pack *sp = sim_pack_find(st, name);
	struct inv_pack *pk;
	uint64_t used = 0;

	if (!sp || sim_fault_pack_gone(st, name))
		return si_del_key(INV_PACK, "sim:pack:", name);
	if (!(pk = calloc(1, sizeof(*pk))))
		return -1;
	snprintf(pk->key, sizeof(pk->key), "sim:pack:%s", name);
	snprintf(pk->name, sizeof(pk->name), "%s", name);
	snprintf(pk->provider, sizeof(pk->provider), "sim");
	pk->health = sim_fault_pack_health(st, name);
	for (size_t i = 0; i < st->ndisks; i++)
		if (strcmp(st->disks[i].pack, name) == 0 &&
		    !sim_fault_disk_removed(st->disks[i].name)) {
			pk->ndisks++;
			pk->size += sim_disk_pack_cap(&st->disks[i]);
			used += sim_disk_pack_used(st, &st->disks[i]);
		}
	for (size_t i = 0; i < st->nvols; i++)
		pk->nvolumes += strcmp(st->vols[i].pack, name) == 0;
	pk->free_bytes = pk->size > used ? pk->size - used : 0;
	return inv_put(INV_PACK, pk);
}

static int
si_plex(const struct sim_volume *v, const struct sim_plex *sp, uint32_t vindex)
{
	struct inv_plex *px = calloc(1, sizeof(*px));

	if (!px)
		return -1;
	snprintf(px->key, sizeof(px->key), "sim:plex:%s:%u", v->name, sp->number);
	px->volume_index = vindex;
	px->number = sp->number;
	px->health = sim_fault_plex_health(sp);
	px->size = v->size;
	px->sync_percent = 100;
	snprintf(px->devices, sizeof(px->devices), "%s", sp->devices);
	return inv_put(INV_PLEX, px);
}

/* Plex rows of volume name that v (NULL: gone) no longer has. */
static void
si_drop_plexes(const char *name, const struct sim_volume *v)
{
	const struct vtab *t = inv_table(INV_PLEX);
	uint32_t gone[64];
	size_t n = 0, i, plen;
	char prefix[300];
	const struct inv_plex *px;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "sim:plex:%s:", name);
	VTAB_FOREACH(t, i, px)
	{
		if (strncmp(px->key, prefix, plen) != 0 || n >= 64)
			continue;
		if (!v || !sim_plex_find((struct sim_volume *)v, px->number))
			gone[n++] = px->index;
	}
	for (i = 0; i < n; i++)
		inv_del(INV_PLEX, gone[i]);
}

static struct inv_volume *
si_vol_row(const struct sim_volume *sv)
{
	struct inv_volume *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	snprintf(v->key, sizeof(v->key), "sim:vol:%s", sv->name);
	snprintf(v->name, sizeof(v->name), "%s", sv->name);
	snprintf(v->devnode, sizeof(v->devnode), "/dev/sim/%s/%s", sv->pack, sv->name);
	snprintf(v->provider, sizeof(v->provider), "sim");
	v->type = sv->type;
	v->health = sim_fault_volume_health(sv);
	v->status = INV_ST_ONLINE;
	v->size = sv->size;
	snprintf(v->fs_type, sizeof(v->fs_type), "%s", sv->fs_type);
	snprintf(v->fs_label, sizeof(v->fs_label), "%s", sv->fs_label);
	snprintf(v->fs_uuid, sizeof(v->fs_uuid), "%s", sv->fs_uuid);
	v->pack_index = si_index(INV_PACK, "sim:pack:", sv->pack);
	v->nplexes = (uint32_t)sv->nplexes;
	v->stripe_size = sv->stripe_size;
	return v;
}

int
sim_inv_volume(struct sim_state *st, const char *name)
{
	struct sim_volume *sv = sim_vol_find(st, name);
	struct inv_volume *v;
	uint32_t vindex;

	si_drop_plexes(name, sv);
	if (!sv)
		return si_del_key(INV_VOLUME, "sim:vol:", name);
	if (!(v = si_vol_row(sv)) || inv_put(INV_VOLUME, v) < 0)
		return -1;
	vindex = si_index(INV_VOLUME, "sim:vol:", name);
	for (size_t i = 0; i < sv->nplexes; i++)
		if (si_plex(sv, &sv->plexes[i], vindex) < 0)
			return -1;
	return 0;
}

int
sim_inv_vdisk(struct sim_state *st, const char *path)
{
	struct sim_vdisk *sv = sim_vdisk_find(st, path);
	struct inv_vdisk *v;

	if (!sv)
		return si_del_key(INV_VDISK, "sim:vdisk:", path);
	if (!(v = calloc(1, sizeof(*v))))
		return -1;
	snprintf(v->key, sizeof(v->key), "sim:vdisk:%s", path);
	snprintf(v->path, sizeof(v->path), "%s", path);
	snprintf(v->provider, sizeof(v->provider), "sim");
	v->format = sv->format;
	v->type = sv->type;
	v->virtual_size = sv->virtual_size;
	v->allocated_size = sim_vdisk_allocated(st, sv);
	v->attached = sv->attached;
	v->status = INV_ST_ONLINE;
	if (sv->attached) {
		snprintf(v->devnode, sizeof(v->devnode), "/dev/sim/%s", sv->disk);
		v->disk_index = si_index(INV_DISK, "sim:", sv->disk);
	}
	return inv_put(INV_VDISK, v);
}

/* Remove rows under prefix whose sim object is gone. */
static void
si_sweep(struct sim_state *st, enum inv_class cls, const char *prefix)
{
	const struct vtab *t = inv_table(cls);
	size_t plen = strlen(prefix), i, n = 0;
	uint32_t *gone = calloc(t->n + 1, sizeof(*gone));
	const void *row;

	if (!gone)
		return;
	VTAB_FOREACH(t, i, row)
	{
		/* Every row class starts with index, objid, key. */
		const char *key = (const char *)row + offsetof(struct inv_pack, key);
		const char *rest = key + plen;

		if (strncmp(key, prefix, plen) != 0)
			continue;
		if ((cls == INV_DISK && strchr(rest, ':')) ||
		    (cls == INV_DISK && sim_disk_find(st, rest)) ||
		    (cls == INV_PACK && sim_pack_find(st, rest)) ||
		    (cls == INV_VOLUME && sim_vol_find(st, rest)) ||
		    (cls == INV_VDISK && sim_vdisk_find(st, rest)))
			continue;
		gone[n++] = *(const uint32_t *)row;
	}
	for (i = 0; i < n; i++)
		cls == INV_DISK ? inv_disk_remove(gone[i]) : inv_del(cls, gone[i]);
	free(gone);
}

static void
si_sweep_plexes(struct sim_state *st)
{
	const struct vtab *t = inv_table(INV_PLEX);
	uint32_t *gone = calloc(t->n + 1, sizeof(*gone));
	const struct inv_plex *px;
	size_t i, n = 0;
	char vol[300];

	if (!gone)
		return;
	VTAB_FOREACH(t, i, px)
	{
		struct sim_volume *v;
		char *colon;

		if (strncmp(px->key, "sim:plex:", 9) != 0)
			continue;
		snprintf(vol, sizeof(vol), "%s", px->key + 9);
		colon = strrchr(vol, ':');
		if (colon)
			*colon = '\0';
		v = colon ? sim_vol_find(st, vol) : NULL;
		if (!v || !sim_plex_find(v, px->number))
			gone[n++] = px->index;
	}
	for (i = 0; i < n; i++)
		inv_del(INV_PLEX, gone[i]);
	free(gone);
}

int
sim_inv_sync(struct sim_state *st)
{
	int rc = 0;
	size_t i;

	si_sweep(st, INV_DISK, "sim:");
	si_sweep(st, INV_PACK, "sim:pack:");
	si_sweep(st, INV_VOLUME, "sim:vol:");
	si_sweep(st, INV_VDISK, "sim:vdisk:");
	si_sweep_plexes(st);
	for (i = 0; i < st->npacks; i++)
		rc |= sim_inv_pack(st, st->packs[i].name);
	for (i = 0; i < st->ndisks; i++)
		rc |= sim_inv_disk(st, st->disks[i].name);
	for (i = 0; i < st->nvols; i++)
		rc |= sim_inv_volume(st, st->vols[i].name);
	for (i = 0; i < st->nvdisks; i++)
		rc |= sim_inv_vdisk(st, st->vdisks[i].path);
	if (rc)
		log_warnx("sim", "could not publish the whole simulated inventory");
	return rc ? -1 : 0;
}
