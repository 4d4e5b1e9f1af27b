/* SPDX-License-Identifier: ISC */
/*
 * lvm_inv.c - an LVM scan as inventory rows (packs, volumes, plexes).
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm_inv.h"

#define LI_MAX_PLEXES 8

void
lvm_inv_volkey(char *key, size_t len, const char *vg, const char *lv)
{
	snprintf(key, len, "lvm:%s/%s", vg, lv);
}

/* "/dev/vda(0),/dev/vdb(3)" -> "vda,vdb" */
static void
li_disk_names(const char *devices, char *out, size_t len)
{
	char dev[LVM_DEV_LEN];
	size_t n = 0;

	out[0] = '\0';
	for (unsigned i = 0; lvm_devices_nth(devices, i, dev, sizeof(dev)) == 0 && n < len; i++) {
		const char *b = strrchr(dev, '/');

		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? "," : "", b ? b + 1 : dev);
	}
}

static int
li_pack(const struct lvm_vg *v, uint32_t nvols)
{
	struct inv_pack *pk = calloc(1, sizeof(*pk));

	if (!pk)
		return -1;
	snprintf(pk->key, sizeof(pk->key), "lvm:%s", v->name);
	snprintf(pk->name, sizeof(pk->name), "%s", v->name);
	snprintf(pk->provider, sizeof(pk->provider), "lvm");
	pk->health = strlen(v->attr) > 3 && v->attr[3] == 'p' ? INV_H_DEGRADED : INV_H_HEALTHY;
	pk->size = v->size;
	pk->free_bytes = v->free;
	pk->ndisks = v->pv_count;
	pk->nvolumes = nvols;
	return inv_put(INV_PACK, pk);
}

static int
li_plex(const struct lvm_lv *lv, const struct lvm_lv *sub, uint32_t vindex, unsigned number)
{
	struct inv_plex *px = calloc(1, sizeof(*px));

	if (!px)
		return -1;
	snprintf(px->key, sizeof(px->key), "lvm:%s/%s#%u", lv->vg, lv->name, number);
	px->volume_index = vindex;
	px->number = number;
	px->size = sub ? sub->size : 0;
	px->health = lvm_lv_health(lv);
	/*
	 * A mirror leg has its own health: the failed one is failed, the others
	 * still hold the data (healthy while the volume is only degraded).
	 */
	if (sub != lv && lvm_lv_image_failed(sub))
		px->health = INV_H_FAILED;
	else if (sub != lv && px->health == INV_H_DEGRADED)
		px->health = INV_H_HEALTHY;
	px->sync_percent = lv->sync >= 0 ? (uint32_t)lv->sync / 100 : 100;
	if (sub)
		li_disk_names(sub->devices, px->devices, sizeof(px->devices));
	return inv_put(INV_PLEX, px);
}

/*
 * A conversion that died half-way leaves pieces of a volume in sight
 * (mf_rimage_0, mf_rmeta_1_extracted): the volume has lost its redundancy
 * until repaired, the pieces are not usable volumes.
 */
static enum inv_health
li_health(const struct lvm_scan *s, const struct lvm_lv *lv)
{
	enum inv_health h = lvm_lv_health(lv);

	for (size_t i = 0; i < s->nlvs; i++) {
		if (strcmp(s->lvs[i].vg, lv->vg) || !lvm_lv_visible(&s->lvs[i]))
			continue;
		if (lvm_lv_leftover(lv, s->lvs[i].name))
			return INV_H_FAILED;
		if (lvm_lv_leftover(&s->lvs[i], lv->name) && h != INV_H_FAILED)
			h = INV_H_DEGRADED;
	}
	return h;
}

static int
li_volume(const struct lvm_scan *s, const struct lvm_lv *lv)
{
	const struct lvm_lv *px[LI_MAX_PLEXES];
	size_t n = lvm_lv_plexes(s, lv, px, LI_MAX_PLEXES);
	struct inv_volume *v = calloc(1, sizeof(*v));
	const struct inv_pack *pk;
	char key[300];
	uint32_t vindex;

	if (!v)
		return -1;
	lvm_inv_volkey(v->key, sizeof(v->key), lv->vg, lv->name);
	snprintf(v->name, sizeof(v->name), "%s/%s", lv->vg, lv->name);
	snprintf(v->devnode, sizeof(v->devnode), "/dev/%s/%s", lv->vg, lv->name);
	snprintf(v->provider, sizeof(v->provider), "lvm");
	v->type = lvm_lv_type(lv);
	v->health = li_health(s, lv);
	v->status = strlen(lv->attr) > 4 && lv->attr[4] == 'a' ? INV_ST_ONLINE : INV_ST_OFFLINE;
	v->size = lv->size;
	snprintf(v->fs_type, sizeof(v->fs_type), "%s", lv->fs_type);
	snprintf(v->fs_label, sizeof(v->fs_label), "%s", lv->fs_label);
	snprintf(v->fs_uuid, sizeof(v->fs_uuid), "%s", lv->fs_uuid);
	snprintf(key, sizeof(key), "lvm:%s", lv->vg);
	pk = inv_by_key(INV_PACK, key);
	v->pack_index = pk ? pk->index : 0;
	v->nplexes = (uint32_t)n;
	v->stripe_size = v->type == INV_VT_STRIPED ? lv->stripe_size : 0;
	snprintf(key, sizeof(key), "%s", v->key);
	if (inv_put(INV_VOLUME, v) < 0 || !(v = (struct inv_volume *)inv_by_key(INV_VOLUME, key)))
		return -1;
	vindex = v->index;
	for (size_t i = 0; i < n; i++)
		if (li_plex(lv, px[i], vindex, (unsigned)i + 1) < 0)
			return -1;
	return 0;
}

/* Does the object behind an "lvm:" key still exist in s? */
static int
li_exists(const struct lvm_scan *s, enum inv_class cls, const char *key)
{
	char vg[LVM_NAME_LEN], lv[LVM_NAME_LEN];
	const struct lvm_lv *l;
	const struct lvm_lv *px[LI_MAX_PLEXES];
	unsigned num = 0;

	if (cls == INV_PACK)
		return lvm_scan_vg(s, key) != NULL;
	if (sscanf(key, "%63[^/]/%63[^#]#%u", vg, lv, &num) < 2)
		return 0;
	if (!(l = lvm_scan_lv(s, vg, lv)) || !lvm_lv_visible(l))
		return 0;
	return cls == INV_VOLUME || (num >= 1 && num <= lvm_lv_plexes(s, l, px, LI_MAX_PLEXES));
}

static void
li_sweep(const struct lvm_scan *s, enum inv_class cls)
{
	const struct vtab *t = inv_table(cls);
	uint32_t *gone = calloc(t->n + 1, sizeof(*gone));
	const void *row;
	size_t i, n = 0;

	if (!gone)
		return;
	VTAB_FOREACH(t, i, row)
	{
		/* Every provider-owned row starts with index, objid, key. */
		const char *key = (const char *)row + offsetof(struct inv_pack, key);

		if (!strncmp(key, "lvm:", 4) && !li_exists(s, cls, key + 4))
			gone[n++] = VTAB_INDEX(row);
	}
	for (i = 0; i < n; i++)
		inv_del(cls, gone[i]);
	free(gone);
}

uint32_t
lvm_inv_pack_of(const struct lvm_scan *s, const char *devnode)
{
	const struct lvm_pv *pv = lvm_scan_pv(s, devnode);
	const struct inv_pack *pk;
	char key[LVM_NAME_LEN + 8];

	if (!pv || !pv->vg[0])
		return 0;
	snprintf(key, sizeof(key), "lvm:%s", pv->vg);
	pk = inv_by_key(INV_PACK, key);
	return pk ? pk->index : 0;
}

/* Disks that are physical volumes show their pack; others lose an lvm pack they had. */
static void
li_disk_packs(const struct lvm_scan *s)
{
	const struct vtab *t = inv_table(INV_DISK);
	const struct inv_disk *d;
	size_t i;

	VTAB_FOREACH(t, i, d)
	{
		uint32_t pk = lvm_inv_pack_of(s, d->devnode);
		const struct inv_pack *had =
		    d->pack_index ? inv_get(INV_PACK, d->pack_index) : NULL;

		if (pk || !had || !strncmp(had->key, "lvm:", 4))
			inv_disk_set_pack(d->index, pk);
	}
}

int
lvm_inv_publish(const struct lvm_scan *s)
{
	int rc = 0;

	li_sweep(s, INV_PLEX);
	li_sweep(s, INV_VOLUME);
	li_sweep(s, INV_PACK);
	for (size_t i = 0; i < s->nvgs; i++) {
		uint32_t nv = 0;

		for (size_t k = 0; k < s->nlvs; k++)
			nv += !strcmp(s->lvs[k].vg, s->vgs[i].name) && lvm_lv_visible(&s->lvs[k]);
		if (li_pack(&s->vgs[i], nv) < 0)
			rc = -1;
	}
	for (size_t k = 0; k < s->nlvs; k++)
		if (lvm_lv_visible(&s->lvs[k]) && li_volume(s, &s->lvs[k]) < 0)
			rc = -1;
	li_disk_packs(s);
	return rc;
}
