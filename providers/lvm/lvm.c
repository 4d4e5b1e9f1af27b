/* SPDX-License-Identifier: ISC */
/*
 * lvm.c - the lvm provider: volume groups are packs, logical volumes are
 * dynamic volumes (simple, spanned, striped, mirror = raid1) with their
 * images as plexes.  createVolume, deleteVolume, extendVolume (lvextend,
 * then the file system), shrinkVolume (file system first, then lvreduce)
 * and breakVolumePlex (lvconvert --splitmirrors).
 *
 * validate/prepare/commit run on the loop thread against the model and the
 * last scan of the LVM state; run (lvm_run.c) works from the plan only and
 * leaves a fresh scan in it, which commit publishes (lvm_inv.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsspec.h"
#include "log.h"
#include "lvm.h"
#include "lvm_inv.h"
#include "lvm_pack.h"
#include "lvm_plex.h"
#include "lvm_run.h"

#define LVM_DEFAULT_STRIPE (64 * 1024)

struct lvm_prov {
	struct lvm_scan scan;        /* the LVM state the model shows */
	const struct vds_conf *conf; /* allowDevice: disks a new volume group may take */
};

static int
lvm_init(const struct vds_conf *conf, void **state)
{
	struct lvm_prov *lp = calloc(1, sizeof(*lp));
	char why[200];

	*state = NULL;
	if (!lp)
		return -1;
	lp->conf = conf;
	if (access(lvm_tool("lvm"), X_OK) < 0) {
		log_warnx("lvm", "%s not found: install lvm2", lvm_tool("lvm"));
		free(lp);
		return -1;
	}
	if (lvm_scan_load(&lp->scan, why, sizeof(why)) != VDS_R_OK)
		log_warnx("lvm", "cannot read the volume groups: %s", why);
	lvm_inv_publish(&lp->scan);
	log_info("lvm", "%zu volume groups, %zu logical volumes", lp->scan.nvgs, lp->scan.nlvs);
	*state = lp;
	return 0;
}

static void
lvm_fini(void *state)
{
	struct lvm_prov *lp = state;

	if (!lp)
		return;
	lvm_scan_free(&lp->scan);
	free(lp);
}

static int
lvm_is_lvm(const char *provider)
{
	return strcmp(provider, "lvm") == 0;
}

/*
 * createVolume by disks alone: lvm's when the first disk is in an lvm pack,
 * or in no pack and allowed (allowDevice) to become one.
 */
static int
lvm_claims_disks(struct lvm_prov *lp, const struct job_params *p)
{
	const struct inv_disk *d = inv_get(INV_DISK, p->disks[0]);
	const struct inv_pack *pk = d && d->pack_index ? inv_get(INV_PACK, d->pack_index) : NULL;

	if (!d)
		return 0;
	if (d->pack_index)
		return pk && lvm_is_lvm(pk->provider);
	return lp->conf && conf_device_allowed(lp->conf, d->devnode);
}

static int
lvm_claims(void *state, const struct job_params *p)
{
	const struct inv_pack *pk;
	const struct inv_volume *v;
	const struct inv_disk *d;

	switch (p->type) {
	case JOB_CREATE_VOLUME:
		if (!p->pack && p->ndisks)
			return lvm_claims_disks(state, p);
		pk = inv_get(INV_PACK, p->pack);
		return pk && lvm_is_lvm(pk->provider);
	case JOB_FORMAT: /* of a volume; a partition is basic's */
	case JOB_DELETE_VOLUME:
	case JOB_SHRINK_VOLUME:
	case JOB_EXTEND_VOLUME:
	case JOB_BREAK_PLEX:
	case JOB_ADD_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		v = p->volume ? inv_get(INV_VOLUME, p->volume) : NULL;
		return v && lvm_is_lvm(v->provider);
	case JOB_REPLACE_DISK:
	case JOB_CLEAN: /* of a disk in a volume group; other disks are basic's */
		d = inv_get(INV_DISK, p->disk);
		pk = d && d->pack_index ? inv_get(INV_PACK, d->pack_index) : NULL;
		return pk && lvm_is_lvm(pk->provider);
	case JOB_RECOVER_PACK:
		pk = inv_get(INV_PACK, p->pack);
		return pk && lvm_is_lvm(pk->provider);
	default:
		return 0;
	}
}

/* ------------------------------------------------------------- checks */

static enum vds_result
lvm_fail(enum vds_result r, char *why, size_t len, const char *text, const char *arg)
{
	snprintf(why, len, "%s%s%s", text, arg ? ": " : "", arg ? arg : "");
	return r;
}

/* A volume's VG and LV names from its "lvm:VG/LV" key, checked against the scan. */
static enum vds_result
lvm_target(struct lvm_prov *lp, uint32_t volume, struct lvm_plan *pl, const struct lvm_lv **lv,
           char *why, size_t len)
{
	const struct inv_volume *v = inv_get(INV_VOLUME, volume);

	if (!v || sscanf(v->key, "lvm:%63[^/]/%63s", pl->vg, pl->lv) != 2)
		return lvm_fail(VDS_R_NOT_FOUND, why, len, "no such lvm volume", NULL);
	if (!lvm_name_ok(pl->vg) || !lvm_name_ok(pl->lv))
		return lvm_fail(VDS_R_INVALID_PARAM, why, len, "unusable volume name", v->key);
	if (!(*lv = lvm_scan_lv(&lp->scan, pl->vg, pl->lv)))
		return lvm_fail(VDS_R_NOT_FOUND, why, len, "volume is gone", v->name);
	snprintf(pl->dev, sizeof(pl->dev), "/dev/%s/%s", pl->vg, pl->lv);
	lvm_inv_volkey(pl->outkey, sizeof(pl->outkey), pl->vg, pl->lv);
	return VDS_R_OK;
}

/* The name for a new volume: the job's, or the first free "volN". */
static enum vds_result
lvm_new_name(struct lvm_prov *lp, const char *vg, const char *want, const char *base, char *out,
             char *why, size_t len)
{
	if (want[0]) {
		if (!lvm_name_ok(want) || strchr(want, '/'))
			return lvm_fail(VDS_R_INVALID_PARAM, why, len,
			                "volume names are [A-Za-z0-9+_.-]+", want);
		if (lvm_scan_lv(&lp->scan, vg, want))
			return lvm_fail(VDS_R_EXISTS, why, len, "a volume has that name", want);
		snprintf(out, LVM_NAME_LEN, "%s", want);
		return VDS_R_OK;
	}
	for (unsigned i = 1; i < 10000; i++) {
		snprintf(out, LVM_NAME_LEN, "%.40s%u", base, i);
		if (!lvm_scan_lv(&lp->scan, vg, out))
			return VDS_R_OK;
	}
	return lvm_fail(VDS_R_EXISTS, why, len, "no free volume name", NULL);
}

static enum vds_result
lvm_layout(const struct job_params *p, struct lvm_create *cr, unsigned *copies, char *why,
           size_t len)
{
	*copies = 1;
	switch (p->volume_type ? p->volume_type : INV_VT_SIMPLE) {
	case INV_VT_SIMPLE:
		if (cr->npvs > 1)
			return lvm_fail(VDS_R_INVALID_PARAM, why, len,
			                "a simple volume has one disk", NULL);
		/* fallthrough */
	case INV_VT_SPANNED:
		cr->segtype = "linear";
		return VDS_R_OK;
	case INV_VT_STRIPED:
		cr->segtype = "striped";
		cr->stripes = cr->npvs ? cr->npvs : 2;
		cr->stripe_size = p->stripe_size ? p->stripe_size : LVM_DEFAULT_STRIPE;
		if (cr->stripes < 2 || cr->stripe_size < 4096 ||
		    (cr->stripe_size & (cr->stripe_size - 1)))
			return lvm_fail(
			    VDS_R_INVALID_PARAM, why, len,
			    "striping needs 2+ disks and a power-of-two stripe >= 4 KiB", NULL);
		return VDS_R_OK;
	case INV_VT_PARITY:
		/* lvm's minimum: raid5 2 data stripes (3 disks), raid6 3 (5 disks) */
		cr->parity = p->parity_count ? p->parity_count : 1;
		cr->segtype = cr->parity == 2 ? "raid6" : "raid5";
		cr->stripes = cr->npvs > cr->parity ? cr->npvs - cr->parity : cr->parity + 1;
		cr->stripe_size = p->stripe_size ? p->stripe_size : LVM_DEFAULT_STRIPE;
		if (cr->stripes < cr->parity + 1 || cr->stripe_size < 4096 ||
		    (cr->stripe_size & (cr->stripe_size - 1)))
			return lvm_fail(VDS_R_INVALID_PARAM, why, len,
			                cr->parity == 2 ? "raid6 needs 5+ disks and a power-of-two "
			                                  "stripe >= 4 KiB"
			                                : "raid5 needs 3+ disks and a power-of-two "
			                                  "stripe >= 4 KiB",
			                NULL);
		return VDS_R_OK;
	case INV_VT_MIRROR:
		cr->segtype = "raid1";
		*copies = p->plex_count ? p->plex_count : 2;
		cr->mirrors = *copies - 1;
		if (*copies < 2 || *copies > 8 || (cr->npvs && cr->npvs < *copies))
			return lvm_fail(VDS_R_INVALID_PARAM, why, len,
			                "a mirror needs 2-8 plexes, each on its own disk", NULL);
		return VDS_R_OK;
	default:
		return lvm_fail(VDS_R_NOT_SUPPORTED, why, len, "volume type not supported", NULL);
	}
}

#define LVM_NEW_VG_EXTENT (4ULL << 20) /* vgcreate's default extent */

/*
 * createVolume by disks in no pack: a new volume group "vdspackN" of them.
 * Each must be allowed (allowDevice), hold no partition and be unused; its
 * usable size is counted as vgcreate will (1 MiB of metadata, whole extents).
 */
static enum vds_result
lvm_new_vg(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl,
           uint64_t *free_bytes, char *why, size_t len)
{
	unsigned n = 0;

	*free_bytes = 0;
	for (unsigned i = 0; i < p->ndisks && i < LVM_MAX_PVS; i++) {
		const struct inv_disk *d = inv_get(INV_DISK, p->disks[i]);

		if (!d)
			return lvm_fail(VDS_R_NOT_FOUND, why, len, "no such disk", NULL);
		if (!lp->conf || !conf_device_allowed(lp->conf, d->devnode) ||
		    !lvm_dev_ok(d->devnode))
			return lvm_fail(VDS_R_NOT_ALLOWED, why, len,
			                "no allowDevice pattern lets a new volume group take",
			                d->devnode);
		if (d->nparts || (d->flags & INV_DF_INUSE) || d->fs_type[0])
			return lvm_fail(VDS_R_IN_USE, why, len,
			                "a disk that starts a new pack must hold no partition "
			                "or file system",
			                d->name);
		snprintf(pl->cr.pvs[pl->cr.npvs++], LVM_DEV_LEN, "%s", d->devnode);
		if (d->size > (1 << 20))
			*free_bytes +=
			    (d->size - (1 << 20)) / LVM_NEW_VG_EXTENT * LVM_NEW_VG_EXTENT;
	}
	do
		snprintf(pl->cr.vg, sizeof(pl->cr.vg), "vdspack%u", n++);
	while (lvm_scan_vg(&lp->scan, pl->cr.vg) && n < 10000);
	pl->new_vg = 1;
	return VDS_R_OK;
}

/*
 * createVolume by disks alone, as VDS: the pack is the volume group the
 * disks are physical volumes of (all of the same one), or a new one when
 * they are in none; disks of different groups, or mixed, are refused.
 */
static enum vds_result
lvm_vg_of_disks(struct lvm_prov *lp, const struct job_params *p, const char **vgname, char *why,
                size_t len)
{
	const char *first = NULL, *firstdisk = NULL;

	for (unsigned i = 0; i < p->ndisks && i < LVM_MAX_PVS; i++) {
		const struct inv_disk *d = inv_get(INV_DISK, p->disks[i]);
		const struct lvm_pv *pv = d ? lvm_scan_pv(&lp->scan, d->devnode) : NULL;
		const char *vg = pv ? pv->vg : "";

		if (!d)
			return lvm_fail(VDS_R_NOT_FOUND, why, len, "no such disk", NULL);
		if (!first) {
			first = vg;
			firstdisk = d->name;
		} else if (strcmp(first, vg) != 0) {
			snprintf(
			    why, len,
			    "disk %s is in %s%s and disk %s in %s%s: a volume's disks belong to "
			    "one pack",
			    firstdisk, first[0] ? "volume group " : "no volume group", first,
			    d->name, vg[0] ? "volume group " : "no volume group", vg);
			return VDS_R_INVALID_PARAM;
		}
	}
	*vgname = first ? first : "";
	return VDS_R_OK;
}

static enum vds_result
lvm_check_create(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl, char *why,
                 size_t len)
{
	const struct inv_pack *pk = p->pack ? inv_get(INV_PACK, p->pack) : NULL;
	const struct lvm_vg *vg = NULL;
	const char *vgname = pk ? pk->name : NULL;
	uint64_t free_bytes;
	unsigned copies;
	enum vds_result r;

	if (!p->pack && (r = lvm_vg_of_disks(lp, p, &vgname, why, len)) != VDS_R_OK)
		return r;
	if (vgname && !vgname[0]) {
		if ((r = lvm_new_vg(lp, p, pl, &free_bytes, why, len)) != VDS_R_OK)
			return r;
	} else if (!vgname || !(vg = lvm_scan_vg(&lp->scan, vgname))) {
		return lvm_fail(VDS_R_NOT_FOUND, why, len, "no such volume group", NULL);
	} else {
		snprintf(pl->cr.vg, sizeof(pl->cr.vg), "%s", vg->name);
		free_bytes = vg->free;
	}
	snprintf(pl->vg, sizeof(pl->vg), "%s", pl->cr.vg);
	if ((r = lvm_new_name(lp, pl->cr.vg, p->name, "vol", pl->cr.name, why, len)) != VDS_R_OK ||
	    (!pl->new_vg && (r = lvm_plex_pvs(&lp->scan, p, &pl->cr, why, len)) != VDS_R_OK) ||
	    (r = lvm_layout(p, &pl->cr, &copies, why, len)) != VDS_R_OK)
		return r;
	pl->cr.size = (p->size + 511) / 512 * 512;
	if (p->parity_count && p->volume_type != INV_VT_PARITY)
		return lvm_fail(VDS_R_INVALID_PARAM, why, len,
		                "a parity count is for parity volumes", NULL);
	if (pl->cr.parity &&
	    pl->cr.size / pl->cr.stripes * (pl->cr.stripes + pl->cr.parity) > free_bytes)
		return lvm_fail(VDS_R_NO_SPACE, why, len, "not enough free space in", pl->cr.vg);
	if (pl->cr.size * copies > free_bytes)
		return lvm_fail(VDS_R_NO_SPACE, why, len, "not enough free space in", pl->cr.vg);
	pl->mirror = copies > 1 || pl->cr.parity; /* both wait for their initial sync */
	lvm_inv_volkey(pl->outkey, sizeof(pl->outkey), pl->cr.vg, pl->cr.name);
	return VDS_R_OK;
}

static enum vds_result
lvm_check_shrink(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl,
                 const struct lvm_lv *lv, char *why, size_t len)
{
	const struct lvm_vg *vg = lvm_scan_vg(&lp->scan, pl->vg);
	uint64_t ext = vg && vg->extent ? vg->extent : 4 << 20;

	pl->size = lv->size;
	if (p->size >= lv->size)
		return lvm_fail(VDS_R_SHRINK_TOO_BIG, why, len, "more than the volume's size",
		                NULL);
	pl->new_size = (lv->size - p->size) / ext * ext;
	if (pl->new_size == 0)
		return lvm_fail(VDS_R_SHRINK_TOO_BIG, why, len, "nothing would be left", NULL);
	if (pl->new_size == lv->size)
		return lvm_fail(VDS_R_INVALID_PARAM, why, len, "less than one extent", NULL);
	return fsspec_check_resize(lv->fs_type, pl->new_size, 1, why, len);
}

/*
 * format: a file system that fits the volume (fsspec_check), not over one
 * the model shows unless Force (the worker looks again on the device), not
 * on an open volume, and only in a volume group whose every disk is allowed
 * (allowDevice): a format destroys what the volume held.
 */
static enum vds_result
lvm_check_format(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl,
                 const struct lvm_lv *lv, char *why, size_t len)
{
	const struct fsspec *spec;
	enum vds_result r;

	if ((r = fsspec_check(p->fs_type, p->name, p->alloc_unit, lv->size, &spec, why, len)) !=
	    VDS_R_OK)
		return r;
	for (size_t i = 0; i < lp->scan.npvs; i++)
		if (!strcmp(lp->scan.pvs[i].vg, pl->vg) &&
		    (!lp->conf || !conf_device_allowed(lp->conf, lp->scan.pvs[i].name)))
			return lvm_fail(VDS_R_NOT_ALLOWED, why, len,
			                "a disk of the volume group matches no allowDevice pattern",
			                lp->scan.pvs[i].name);
	if (lvm_lv_open(lv))
		return lvm_fail(VDS_R_IN_USE, why, len, "the volume is open (mounted or in use)",
		                NULL);
	if (lv->fs_type[0] && !p->force)
		return lvm_fail(VDS_R_EXISTS, why, len,
		                "it holds a file system: set vdsJobParamForce", lv->fs_type);
	pl->size = lv->size;
	snprintf(pl->fs_type, sizeof(pl->fs_type), "%s", spec->name);
	snprintf(pl->label, sizeof(pl->label), "%s", p->name);
	pl->alloc_unit = p->alloc_unit;
	pl->force = p->force;
	return VDS_R_OK;
}

/* extendVolume: whole extents more, each on every plex (a mirror takes them on each leg). */
static enum vds_result
lvm_check_extend(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl,
                 const struct lvm_lv *lv, char *why, size_t len)
{
	const struct lvm_vg *vg = lvm_scan_vg(&lp->scan, pl->vg);
	uint64_t ext = vg && vg->extent ? vg->extent : 4 << 20;
	const struct lvm_lv *img[8];
	size_t copies = lvm_lv_type(lv) == INV_VT_MIRROR ? lvm_lv_plexes(&lp->scan, lv, img, 8) : 1;

	pl->size = lv->size;
	pl->new_size = (lv->size + p->size + ext - 1) / ext * ext;
	if (!vg || (pl->new_size - pl->size) * (copies ? copies : 1) > vg->free)
		return lvm_fail(VDS_R_NO_SPACE, why, len, "not enough free space in", pl->vg);
	return fsspec_check_resize(lv->fs_type, pl->new_size, 0, why, len);
}

static enum vds_result
lvm_check_break(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl,
                const struct lvm_lv *lv, char *why, size_t len)
{
	const struct inv_plex *px = inv_get(INV_PLEX, p->plex);
	const struct lvm_lv *img[8];
	size_t n = lvm_lv_plexes(&lp->scan, lv, img, 8);
	char base[LVM_NAME_LEN];
	enum vds_result r;

	if (lvm_lv_type(lv) != INV_VT_MIRROR || n < 2)
		return lvm_fail(VDS_R_NOT_SUPPORTED, why, len, "not a mirror", pl->lv);
	if (!px || px->volume_index != p->volume || px->number < 1 || px->number > n ||
	    !img[px->number - 1])
		return lvm_fail(VDS_R_NOT_FOUND, why, len, "no such plex of this volume", NULL);
	if (lvm_devices_nth(img[px->number - 1]->devices, 0, pl->pv, sizeof(pl->pv)) < 0 ||
	    !lvm_dev_ok(pl->pv))
		return lvm_fail(VDS_R_DEVICE_GONE, why, len, "the plex has no usable disk", NULL);
	snprintf(base, sizeof(base), "%.40s_plex", pl->lv);
	r = lvm_new_name(lp, pl->vg, p->name, base, pl->newname, why, len);
	lvm_inv_volkey(pl->outkey, sizeof(pl->outkey), pl->vg, pl->newname);
	return r;
}

static enum vds_result
lvm_check(struct lvm_prov *lp, const struct job_params *p, struct lvm_plan *pl, char *why,
          size_t len)
{
	const struct lvm_lv *lv = NULL;
	enum vds_result r;

	memset(pl, 0, sizeof(*pl));
	pl->type = p->type;
	if (p->type == JOB_CREATE_VOLUME)
		return lvm_check_create(lp, p, pl, why, len);
	if (p->type == JOB_REPLACE_DISK || p->type == JOB_RECOVER_PACK || p->type == JOB_CLEAN)
		return lvm_pack_check(&lp->scan, lp->conf, p, pl, why, len);
	if ((r = lvm_target(lp, p->volume, pl, &lv, why, len)) != VDS_R_OK)
		return r;
	switch (p->type) {
	case JOB_DELETE_VOLUME:
		return VDS_R_OK;
	case JOB_FORMAT:
		return lvm_check_format(lp, p, pl, lv, why, len);
	case JOB_SHRINK_VOLUME:
		return lvm_check_shrink(lp, p, pl, lv, why, len);
	case JOB_EXTEND_VOLUME:
		return lvm_check_extend(lp, p, pl, lv, why, len);
	case JOB_BREAK_PLEX:
		return lvm_check_break(lp, p, pl, lv, why, len);
	case JOB_ADD_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		return lvm_plex_check(&lp->scan, p, pl, lv, why, len);
	default:
		return lvm_fail(VDS_R_NOT_SUPPORTED, why, len, "not an lvm job", NULL);
	}
}

/* ------------------------------------------------------------ the job */

static enum vds_result
lvm_validate(void *state, const struct job_params *p, char *why, size_t whylen)
{
	struct lvm_plan *pl = malloc(sizeof(*pl));
	enum vds_result r;

	if (!pl)
		return VDS_R_NO_MEMORY;
	r = lvm_check(state, p, pl, why, whylen);
	free(pl);
	return r;
}

static enum vds_result
lvm_prepare(void *state, const struct job_params *p, void **plan, char *msg, size_t msglen)
{
	struct lvm_plan *pl = malloc(sizeof(*pl));
	enum vds_result r;

	*plan = NULL;
	if (!pl)
		return VDS_R_NO_MEMORY;
	if ((r = lvm_check(state, p, pl, msg, msglen)) != VDS_R_OK) {
		free(pl);
		return r;
	}
	*plan = pl;
	return VDS_R_OK;
}

static enum vds_result
lvm_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg,
        size_t msglen)
{
	(void)state;
	(void)out;
	return lvm_run_job(plan, j, msg, msglen);
}

static void
lvm_outputs(const struct lvm_plan *pl, struct job_outputs *out)
{
	const struct inv_volume *v;

	if (pl->type == JOB_SHRINK_VOLUME) {
		out->reclaimed = pl->size - pl->new_size;
		return;
	}
	if (pl->type != JOB_CREATE_VOLUME && pl->type != JOB_BREAK_PLEX &&
	    pl->type != JOB_EXTEND_VOLUME && pl->type != JOB_FORMAT)
		return;
	if ((v = inv_by_key(INV_VOLUME, pl->outkey))) {
		out->volume = v->index;
		snprintf(out->objid, sizeof(out->objid), "%s", v->objid);
	}
}

/* A format's volume: its file system as the worker read it, in the scan and the model. */
static void
lvm_commit_fs(struct lvm_prov *lp, const struct lvm_plan *pl)
{
	const struct lvm_lv *found = lvm_scan_lv(&lp->scan, pl->vg, pl->lv);
	struct lvm_lv *lv;

	if (!found)
		return;
	lv = &lp->scan.lvs[found - lp->scan.lvs]; /* the scan is lp's own to change */
	snprintf(lv->fs_type, sizeof(lv->fs_type), "%s", pl->fs_after.type);
	snprintf(lv->fs_label, sizeof(lv->fs_label), "%s", pl->fs_after.label);
	snprintf(lv->fs_uuid, sizeof(lv->fs_uuid), "%s", pl->fs_after.uuid);
	if (lvm_inv_publish(&lp->scan) < 0)
		log_warnx("lvm", "cannot publish every volume group");
}

static enum vds_result
lvm_commit(void *state, void *plan, enum vds_result r, struct job_outputs *out, char *msg,
           size_t msglen)
{
	struct lvm_prov *lp = state;
	struct lvm_plan *pl = plan;

	if (pl->have_after) {
		lvm_scan_free(&lp->scan);
		lp->scan = pl->after;
		memset(&pl->after, 0, sizeof(pl->after));
		pl->have_after = 0;
		if (lvm_inv_publish(&lp->scan) < 0)
			log_warnx("lvm", "cannot publish every volume group");
	} else if (pl->fs_after.read) {
		lvm_commit_fs(lp, pl);
	}
	if (r != VDS_R_OK)
		return r;
	lvm_outputs(pl, out);
	lvm_plex_outputs(pl, out);
	lvm_pack_outputs(pl, out);
	if ((pl->type == JOB_CREATE_VOLUME || pl->type == JOB_BREAK_PLEX) && !out->volume) {
		snprintf(msg, msglen, "the new volume %s did not show up", pl->outkey + 4);
		return VDS_R_FAILED;
	}
	return VDS_R_OK;
}

static void
lvm_free_plan(void *plan)
{
	struct lvm_plan *pl = plan;

	if (!pl)
		return;
	lvm_scan_free(&pl->after);
	free(pl);
}

/* ------------------------------------------------------------ rescans */

/* Rescan thread: the LVM state now (reads lp not at all). */
static void *
lvm_rescan(void *state)
{
	struct lvm_scan *s = malloc(sizeof(*s));
	char why[200];

	(void)state;
	if (!s)
		return NULL;
	if (lvm_scan_load(s, why, sizeof(why)) != VDS_R_OK) {
		log_warnx("lvm", "cannot read the volume groups again: %s", why);
		free(s);
		return NULL;
	}
	return s;
}

static void
lvm_rescan_free(void *scan)
{
	if (scan)
		lvm_scan_free(scan);
	free(scan);
}

/* Loop thread: what changed without vdsd becomes what the model shows. */
static void
lvm_rescan_publish(void *state, void *scan)
{
	struct lvm_prov *lp = state;
	struct lvm_scan *s = scan;

	if (s->nvgs != lp->scan.nvgs || s->nlvs != lp->scan.nlvs || s->npvs != lp->scan.npvs)
		log_info("lvm",
		         "changed outside vdsd: %zu volume groups, %zu logical volumes, %zu "
		         "physical volumes (were %zu, %zu, %zu)",
		         s->nvgs, s->nlvs, s->npvs, lp->scan.nvgs, lp->scan.nlvs, lp->scan.npvs);
	lvm_scan_free(&lp->scan);
	lp->scan = *s;
	free(s);
	if (lvm_inv_publish(&lp->scan) < 0)
		log_warnx("lvm", "cannot publish every volume group");
}

static uint32_t
lvm_disk_pack(void *state, const struct inv_disk *d)
{
	struct lvm_prov *lp = state;

	return lp ? lvm_inv_pack_of(&lp->scan, d->devnode) : 0;
}

const struct prov_ops lvm_provider = {
    .name = "lvm",
    .init = lvm_init,
    .fini = lvm_fini,
    .claims = lvm_claims,
    .validate = lvm_validate,
    .prepare = lvm_prepare,
    .run = lvm_run,
    .commit = lvm_commit,
    .free_plan = lvm_free_plan,
    .disk_pack = lvm_disk_pack,
    .rescan = lvm_rescan,
    .rescan_publish = lvm_rescan_publish,
    .rescan_free = lvm_rescan_free,
};
