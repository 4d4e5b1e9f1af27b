/* SPDX-License-Identifier: ISC */
/*
 * lvm_plex.c - see lvm_plex.h.  A linear LV has one plex (itself), a raid1
 * LV one per rimage sub-LV (lvm_lv_plexes); a leg is healthy when the
 * model's plex row says so (lvm_inv.c: its disk is present and dm-raid
 * has it alive).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lvm_plex.h"

#define LP_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

enum vds_result
lvm_plex_pvs(const struct lvm_scan *s, const struct job_params *p, struct lvm_create *cr, char *why,
             size_t len)
{
	for (unsigned i = 0; i < p->ndisks && i < LVM_MAX_PVS; i++) {
		const struct inv_disk *d = inv_get(INV_DISK, p->disks[i]);
		const struct lvm_pv *pv = d ? lvm_scan_pv(s, d->devnode) : NULL;

		if (!d)
			LP_FAIL(VDS_R_NOT_FOUND, "no such disk");
		if (!pv || strcmp(pv->vg, cr->vg) != 0)
			LP_FAIL(VDS_R_INVALID_PARAM, "disk is not in the pack: %s", d->name);
		if (!lvm_dev_ok(pv->name))
			LP_FAIL(VDS_R_INVALID_PARAM, "unusable device: %s", pv->name);
		snprintf(cr->pvs[cr->npvs++], LVM_DEV_LEN, "%s", pv->name);
	}
	return VDS_R_OK;
}

/* The healthy plexes of the volume other than number skip (0: none skipped). */
static unsigned
lp_healthy(uint32_t volume, uint32_t skip)
{
	const struct vtab *t = inv_table(INV_PLEX);
	const struct inv_plex *px;
	unsigned n = 0;
	size_t i;

	VTAB_FOREACH(t, i, px)
	{
		if (px->volume_index == volume && px->number != skip && px->health == INV_H_HEALTHY)
			n++;
	}
	return n;
}

/* No given disk may hold a leg of lv already. */
static enum vds_result
lp_unused(const struct lvm_plan *pl, const struct lvm_lv *const *img, size_t n, char *why,
          size_t len)
{
	char dev[LVM_DEV_LEN];

	for (unsigned i = 0; i < pl->cr.npvs; i++)
		for (size_t k = 0; k < n; k++)
			for (unsigned d = 0;
			     img[k] && lvm_devices_nth(img[k]->devices, d, dev, sizeof(dev)) == 0;
			     d++)
				if (!strcmp(dev, pl->cr.pvs[i]))
					LP_FAIL(VDS_R_IN_USE, "%s already holds plex %zu of %s",
					        dev, k + 1, pl->lv);
	return VDS_R_OK;
}

enum vds_result
lvm_plex_check(const struct lvm_scan *s, const struct job_params *p, struct lvm_plan *pl,
               const struct lvm_lv *lv, char *why, size_t len)
{
	const struct inv_plex *px = p->plex ? inv_get(INV_PLEX, p->plex) : NULL;
	const struct lvm_lv *img[LVM_RUN_LEGS];
	const struct lvm_vg *vg = lvm_scan_vg(s, pl->vg);
	enum inv_voltype vt = lvm_lv_type(lv);
	size_t n = lvm_lv_plexes(s, lv, img, LVM_RUN_LEGS);
	enum vds_result r;

	snprintf(pl->cr.vg, sizeof(pl->cr.vg), "%s", pl->vg);
	snprintf(pl->cr.name, sizeof(pl->cr.name), "%s", pl->lv); /* the sync is polled on it */
	if ((r = lvm_plex_pvs(s, p, &pl->cr, why, len)) != VDS_R_OK)
		return r;
	if (p->type != JOB_ADD_PLEX &&
	    (!px || px->volume_index != p->volume || px->number < 1 || px->number > n))
		LP_FAIL(VDS_R_NOT_FOUND, "no such plex of this volume");
	switch (p->type) {
	case JOB_ADD_PLEX:
		if (vt != INV_VT_SIMPLE && vt != INV_VT_SPANNED && vt != INV_VT_MIRROR)
			LP_FAIL(VDS_R_NOT_SUPPORTED,
			        "only a simple, spanned or mirror volume takes another plex");
		if (n + 1 > LVM_RUN_LEGS)
			LP_FAIL(VDS_R_INVALID_PARAM, "%s has %zu plexes already", pl->lv, n);
		if (!lp_healthy(p->volume, 0))
			LP_FAIL(VDS_R_INVALID_PARAM, "%s has no healthy plex to copy from", pl->lv);
		if (!vg || lv->size / (n ? n : 1) > vg->free)
			LP_FAIL(VDS_R_NO_SPACE, "not enough free space in %s", pl->vg);
		pl->cr.mirrors = (unsigned)n; /* n legs now: -m n makes n + 1 */
		pl->mirror = 1;
		snprintf(pl->outkey, sizeof(pl->outkey), "lvm:%s/%s#%zu", pl->vg, pl->lv, n + 1);
		return lp_unused(pl, img, n, why, len);
	case JOB_REMOVE_PLEX:
		if (vt != INV_VT_MIRROR || n < 2)
			LP_FAIL(VDS_R_INVALID_PARAM, "%s is not a mirror with 2 or more plexes",
			        pl->lv);
		if (!lp_healthy(p->volume, px->number))
			LP_FAIL(VDS_R_IN_USE, "plex %u is the last healthy plex of %s", px->number,
			        pl->lv);
		if (!img[px->number - 1] ||
		    lvm_devices_nth(img[px->number - 1]->devices, 0, pl->pv, sizeof(pl->pv)) < 0 ||
		    !lvm_dev_ok(pl->pv))
			LP_FAIL(VDS_R_DEVICE_GONE, "plex %u has no disk lvm can name", px->number);
		pl->cr.mirrors = (unsigned)n - 2;
		return VDS_R_OK;
	case JOB_REPAIR_PLEX:
		if (vt != INV_VT_MIRROR && vt != INV_VT_PARITY)
			LP_FAIL(VDS_R_NOT_SUPPORTED,
			        "only a mirror or parity volume can be repaired");
		if (px->health == INV_H_HEALTHY)
			LP_FAIL(VDS_R_INVALID_PARAM, "plex %u of %s is healthy: nothing to repair",
			        px->number, pl->lv);
		if (vt == INV_VT_MIRROR && !lp_healthy(p->volume, px->number))
			LP_FAIL(VDS_R_INVALID_PARAM,
			        "%s has no healthy plex to rebuild plex %u from", pl->lv,
			        px->number);
		pl->mirror = 1;
		snprintf(pl->outkey, sizeof(pl->outkey), "lvm:%s/%s#%u", pl->vg, pl->lv,
		         px->number);
		return lp_unused(pl, img, n, why, len);
	default:
		LP_FAIL(VDS_R_NOT_SUPPORTED, "not a plex job");
	}
}

void
lvm_plex_outputs(const struct lvm_plan *pl, struct job_outputs *out)
{
	const struct inv_plex *px;

	if (pl->type != JOB_ADD_PLEX && pl->type != JOB_REPAIR_PLEX)
		return;
	if ((px = inv_by_key(INV_PLEX, pl->outkey))) {
		out->plex = px->index;
		out->volume = px->volume_index;
		snprintf(out->objid, sizeof(out->objid), "%s", px->objid);
	}
}
