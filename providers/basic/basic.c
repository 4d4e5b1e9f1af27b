/* SPDX-License-Identifier: ISC */
/*
 * basic.c - the basic provider's loop-thread half: claims, validation
 * against the model, the plan for run(), and commit.
 *
 * validate() decides from the model only (it never touches a disk); run()
 * (basic_run.c, basic_shrink.c) checks everything again on the live system.
 * commit() publishes the disk as run() read it back after the change
 * (probe_disk on the worker), with the identity fields of the model's row
 * and provider "basic"; inv_disk_update() then re-derives the partitions
 * and volumes and reports what arrived, left or changed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic.h"
#include "basic_label.h"
#include "basic_plan.h"
#include "fsspec.h"
#include "log.h"
#include "probe.h"
#include "ptype.h"

#define BP_MIB 1048576ULL

#define BP_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

struct basic_prov {
	const struct vds_conf *conf;
};

static int
bp_init(const struct vds_conf *conf, void **state)
{
	struct basic_prov *bp = calloc(1, sizeof(*bp));

	*state = bp;
	if (!bp)
		return -1;
	bp->conf = conf;
	if (conf->allow.n == 0)
		log_info("basic", "no allowDevice pattern: basic will not write to any disk");
	return 0;
}

static void
bp_fini(void *state)
{
	free(state);
}

/* The disk a job works on, with the partition and volume it names. */
struct bp_target {
	const struct inv_disk *d;
	const struct inv_part *pt;
	const struct inv_volume *v;
};

static void
bp_resolve(const struct job_params *p, struct bp_target *t)
{
	memset(t, 0, sizeof(*t));
	switch (p->type) {
	case JOB_CREATE_PARTITION:
		t->d = p->disk ? inv_get(INV_DISK, p->disk) : NULL;
		break;
	case JOB_DELETE_PARTITION:
		t->pt = p->partition ? inv_get(INV_PARTITION, p->partition) : NULL;
		t->d = t->pt ? inv_get(INV_DISK, t->pt->disk_index) : NULL;
		break;
	case JOB_CLEAN:
		t->d = p->disk ? inv_get(INV_DISK, p->disk) : NULL;
		break;
	case JOB_FORMAT:
		if (!p->volume) {
			t->pt = p->partition ? inv_get(INV_PARTITION, p->partition) : NULL;
			t->d = t->pt ? inv_get(INV_DISK, t->pt->disk_index) : NULL;
			t->v = t->pt && t->pt->volume_index
			           ? inv_get(INV_VOLUME, t->pt->volume_index)
			           : NULL;
			break;
		}
		/* fallthrough */
	case JOB_SHRINK_VOLUME:
	case JOB_EXTEND_VOLUME:
	case JOB_DELETE_VOLUME:
		t->v = p->volume ? inv_get(INV_VOLUME, p->volume) : NULL;
		if (t->v && !t->v->pack_index && t->v->disk_index)
			t->d = inv_get(INV_DISK, t->v->disk_index);
		if (t->d && t->v->partition_index)
			t->pt = inv_get(INV_PARTITION, t->v->partition_index);
		break;
	default:
		break;
	}
}

static int
bp_ours(const struct inv_disk *d)
{
	return d && (d->source == INV_SRC_UDEV || d->source == INV_SRC_IMAGE) &&
	       (!d->provider[0] || strcmp(d->provider, "basic") == 0);
}

static int
bp_claims(void *state, const struct job_params *p)
{
	struct bp_target t;

	(void)state;
	bp_resolve(p, &t);
	/* a disk in a pack is cleaned by its pack's provider (lvm: out of the group first) */
	if (p->type == JOB_CLEAN && t.d && t.d->pack_index)
		return 0;
	return bp_ours(t.d);
}

/* ---------------------------------------------------------------- validate */

static enum vds_result
bp_check_disk(const struct basic_prov *bp, const struct inv_disk *d, char *why, size_t len)
{
	if (d->status != INV_ST_ONLINE)
		BP_FAIL(VDS_R_DEVICE_GONE, "disk %s is not online", d->name);
	if (!conf_device_allowed(bp->conf, d->devnode))
		BP_FAIL(VDS_R_NOT_ALLOWED, "%s matches no allowDevice pattern", d->devnode);
	if (d->flags & INV_DF_SYSTEM)
		BP_FAIL(VDS_R_SYSTEM_DEVICE, "%s holds the running system", d->devnode);
	if ((d->flags & INV_DF_INUSE) || d->pack_index)
		BP_FAIL(VDS_R_IN_USE, "%s is in use", d->devnode);
	if (d->flags & INV_DF_READONLY)
		BP_FAIL(VDS_R_READ_ONLY, "%s is read-only", d->devnode);
	return VDS_R_OK;
}

/* The extended container of MBR disk d, or NULL. */
static const struct inv_part *
bp_extended(const struct inv_disk *d)
{
	for (size_t i = 0; d->pstyle == INV_PS_MBR && i < d->nparts; i++)
		if (d->parts[i].number <= 4 && ptype_mbr_extended(d->parts[i].type))
			return &d->parts[i];
	return NULL;
}

/* Partitions of d numbered up to 4 (primary, the container among them) or above (logical). */
static size_t
bp_count(const struct inv_disk *d, int logical)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nparts; i++)
		n += (d->parts[i].number > 4) == logical;
	return n;
}

/* MBR: an extended container (one a disk), or a logical partition inside it. */
static enum vds_result
bp_check_mbr(const struct inv_disk *d, const struct job_params *p, const char *type, char *why,
             size_t len)
{
	const struct inv_part *ext = bp_extended(d);
	int logical =
	    ext && (p->offset ? p->offset >= ext->offset && p->offset < ext->offset + ext->size
	                      : bp_count(d, 0) >= 4);

	if (ptype_mbr_extended(type) && ext)
		BP_FAIL(VDS_R_EXISTS, "disk %s has an extended partition already (partition %u)",
		        d->name, ext->number);
	if (!logical && bp_count(d, 0) >= 4)
		BP_FAIL(VDS_R_NO_SPACE, "the MBR of %s has no free primary slot%s", d->name,
		        ext ? " (a logical partition goes inside the extended one)" : "");
	if (logical && ext->size < p->size + BP_MIB)
		BP_FAIL(VDS_R_NO_SPACE, "the extended partition %u of %s holds %llu MiB",
		        ext->number, d->name, (unsigned long long)(ext->size / BP_MIB));
	return VDS_R_OK;
}

static enum vds_result
bp_check_create(const struct inv_disk *d, const struct job_params *p, char *why, size_t len)
{
	enum inv_pstyle want = p->init_label == JOB_LABEL_GPT   ? INV_PS_GPT
	                       : p->init_label == JOB_LABEL_MBR ? INV_PS_MBR
	                                                        : INV_PS_NONE;
	enum inv_pstyle style = want != INV_PS_NONE ? want : d->pstyle;
	int relabel = want != INV_PS_NONE && want != d->pstyle;
	char type[40];
	enum vds_result r;

	if (style != INV_PS_GPT && style != INV_PS_MBR)
		BP_FAIL(VDS_R_INVALID_PARAM,
		        "disk %s has no partition table: give an initial label (gpt or mbr)",
		        d->name);
	if (relabel && d->nparts)
		BP_FAIL(VDS_R_NOT_EMPTY, "disk %s has partitions: cannot write a new label",
		        d->name);
	if (relabel && d->fs_type[0])
		BP_FAIL(VDS_R_NOT_EMPTY, "disk %s holds a %s file system", d->name, d->fs_type);
	if (ptype_resolve(style, p->partition_type, type, sizeof(type)) < 0)
		BP_FAIL(VDS_R_INVALID_PARAM, "partition type \"%s\" is not valid for %s",
		        p->partition_type,
		        style == INV_PS_MBR ? "MBR (an alias or 0xNN)"
		                            : "GPT (an alias or a GUID)");
	if (!relabel && style == INV_PS_MBR && (r = bp_check_mbr(d, p, type, why, len)) != VDS_R_OK)
		return r;
	if ((relabel ? d->size - 2 * BP_MIB : d->free_bytes) < p->size || d->size < 2 * BP_MIB)
		BP_FAIL(VDS_R_NO_SPACE, "not enough free space on %s", d->name);
	return VDS_R_OK;
}

static enum vds_result
bp_check_shrink(const struct bp_target *t, const struct job_params *p, char *why, size_t len)
{
	const char *fs = t->v->fs_type;
	const struct fsspec *spec = fsspec_find(fs);

	if (!t->pt)
		BP_FAIL(VDS_R_NOT_SUPPORTED, "volume %s is a whole disk: only partitions shrink",
		        t->v->name);
	if (!spec || !spec->shrinks)
		BP_FAIL(VDS_R_FS_NO_SHRINK,
		        "a %s file system cannot be shrunk (ext2/3/4 and btrfs can)",
		        fs[0] ? fs : "unknown");
	if (p->size >= t->pt->size || t->pt->size - p->size < BP_MIB)
		BP_FAIL(VDS_R_SHRINK_TOO_BIG, "volume %s is %llu bytes: cannot remove %llu",
		        t->v->name, (unsigned long long)t->pt->size, (unsigned long long)p->size);
	return fsspec_check_resize(fs, t->pt->size - p->size, 1, why, len);
}

/* The bytes free right after partition pt of d (up to the next one or the disk's end). */
static uint64_t
bp_free_after(const struct inv_disk *d, const struct inv_part *pt)
{
	const struct inv_part *ext = pt->number > 4 ? bp_extended(d) : NULL;
	uint64_t end = pt->offset + pt->size, limit = d->size, next;

	if (d->pstyle == INV_PS_GPT) /* the backup GPT: 33 sectors, kept 1 MiB clear */
		limit = d->size > BP_MIB ? d->size - BP_MIB : 0;
	if (ext) /* a logical partition: up to the next one's EBR room, inside the container */
		limit = ext->offset + ext->size;
	for (size_t i = 0; i < d->nparts; i++) {
		next = d->parts[i].offset - (ext && d->parts[i].number > 4 ? BP_MIB : 0);
		if (d->parts[i].offset >= end && next < limit)
			limit = next;
	}
	return limit > end ? limit - end : 0;
}

static enum vds_result
bp_check_fs(const struct bp_target *t, const struct job_params *p, char *why, size_t len)
{
	const struct fsspec *spec;
	const char *fs = t->v ? t->v->fs_type : t->pt ? t->pt->fs_type : "";
	uint64_t size = t->pt ? t->pt->size : t->v ? t->v->size : 0;
	enum vds_result r;

	if (p->type == JOB_CLEAN) {
		if (!p->force && (t->d->nparts || t->d->fs_type[0]))
			BP_FAIL(VDS_R_NOT_EMPTY, "%s holds %s: set vdsJobParamForce", t->d->devnode,
			        t->d->nparts ? "partitions" : "a file system");
		return VDS_R_OK;
	}
	if (p->type == JOB_DELETE_VOLUME)
		return VDS_R_OK;
	if (p->type == JOB_FORMAT) {
		if ((r = fsspec_check(p->fs_type, p->name, p->alloc_unit, size, &spec, why, len)) !=
		    VDS_R_OK)
			return r;
		if (fs[0] && !p->force)
			BP_FAIL(VDS_R_EXISTS, "it holds a %s file system: set vdsJobParamForce",
			        fs);
		return VDS_R_OK;
	}
	/* extendVolume */
	spec = fsspec_find(fs);
	if (!t->pt)
		BP_FAIL(VDS_R_NOT_SUPPORTED, "volume %s is a whole disk: only partitions grow",
		        t->v->name);
	if (!spec || !spec->grows)
		BP_FAIL(VDS_R_NOT_SUPPORTED,
		        "a %s file system cannot grow (ext2/3/4, xfs, btrfs can)",
		        fs[0] ? fs : "unknown");
	if (p->size > bp_free_after(t->d, t->pt))
		BP_FAIL(VDS_R_NO_SPACE, "%llu MiB free right after partition %u of %s, %llu asked",
		        (unsigned long long)(bp_free_after(t->d, t->pt) / BP_MIB), t->pt->number,
		        t->d->name, (unsigned long long)(p->size / BP_MIB));
	return fsspec_check_resize(fs, t->pt->size + p->size, 0, why, len);
}

static enum vds_result
bp_check(const struct basic_prov *bp, const struct job_params *p, struct bp_target *t, char *why,
         size_t len)
{
	enum vds_result r;

	why[0] = '\0';
	bp_resolve(p, t);
	if (!t->d || !bp_ours(t->d))
		BP_FAIL(VDS_R_NOT_FOUND, "no disk, partition or basic volume of a real disk there");
	if ((r = bp_check_disk(bp, t->d, why, len)) != VDS_R_OK)
		return r;
	switch (p->type) {
	case JOB_CREATE_PARTITION:
		return bp_check_create(t->d, p, why, len);
	case JOB_DELETE_PARTITION:
		if (t->pt && t->pt == bp_extended(t->d) && bp_count(t->d, 1))
			BP_FAIL(VDS_R_NOT_EMPTY,
			        "partition %u of %s is an extended partition holding %zu logical "
			        "partition(s): delete them first",
			        t->pt->number, t->d->name, bp_count(t->d, 1));
		return VDS_R_OK;
	case JOB_SHRINK_VOLUME:
		return bp_check_shrink(t, p, why, len);
	case JOB_FORMAT:
	case JOB_EXTEND_VOLUME:
	case JOB_DELETE_VOLUME:
		if (!t->pt && !t->v)
			BP_FAIL(VDS_R_NOT_FOUND, "no partition or basic volume there");
		if (t->pt && t->pt == bp_extended(t->d))
			BP_FAIL(VDS_R_NOT_SUPPORTED,
			        "partition %u of %s is an extended partition: it holds logical "
			        "partitions, not a file system",
			        t->pt->number, t->d->name);
		/* fallthrough */
	case JOB_CLEAN:
		return bp_check_fs(t, p, why, len);
	default:
		BP_FAIL(VDS_R_NOT_SUPPORTED, "basic does not run this job type");
	}
}

static enum vds_result
bp_validate(void *state, const struct job_params *p, char *why, size_t len)
{
	struct bp_target t;

	return bp_check(state, p, &t, why, len);
}

/* ----------------------------------------------------------------- prepare */

/* Deleting logical partition pt renumbers the later ones: none of the container may be in use. */
static void
bp_guard_logical(const struct inv_disk *d, const struct inv_part *pt, struct basic_plan *pl)
{
	const struct inv_part *ext = pt->number > 4 ? bp_extended(d) : NULL;

	for (size_t i = 0; ext && i < d->nparts; i++)
		if (d->parts[i].number > pt->number) {
			pl->guard_offset = ext->offset;
			pl->guard_size = ext->size;
			return;
		}
}

static void
bp_free_plan(void *plan)
{
	struct basic_plan *pl = plan;

	if (!pl)
		return;
	strlist_free(&pl->allow);
	if (pl->probe) {
		probe_free_parts(pl->probe);
		free(pl->probe);
	}
	free(pl);
}

static enum vds_result
bp_prepare(void *state, const struct job_params *p, void **plan, char *msg, size_t msglen)
{
	const struct basic_prov *bp = state;
	struct basic_plan *pl;
	struct bp_target t;
	enum vds_result r;

	*plan = NULL;
	if ((r = bp_check(bp, p, &t, msg, msglen)) != VDS_R_OK)
		return r;
	if (!(pl = calloc(1, sizeof(*pl))))
		return VDS_R_NO_MEMORY;
	pl->p = *p;
	for (size_t i = 0; i < bp->conf->allow.n; i++)
		if (strlist_add(&pl->allow, bp->conf->allow.v[i]) < 0) {
			bp_free_plan(pl);
			return VDS_R_NO_MEMORY;
		}
	snprintf(pl->devnode, sizeof(pl->devnode), "%s", t.d->devnode);
	snprintf(pl->diskkey, sizeof(pl->diskkey), "%s", t.d->key);
	pl->sector_size = t.d->sector_size ? t.d->sector_size : 512;
	pl->disk_size = t.d->size;
	pl->whole = t.v && !t.pt;
	if (pl->whole) {
		pl->part_size = t.d->size;
		snprintf(pl->fs_type, sizeof(pl->fs_type), "%s", t.d->fs_type);
	}
	if (t.pt) {
		pl->number = t.pt->number;
		pl->part_offset = pl->guard_offset = t.pt->offset;
		pl->part_size = pl->guard_size = t.pt->size;
		bp_guard_logical(t.d, t.pt, pl);
		snprintf(pl->fs_type, sizeof(pl->fs_type), "%s", t.pt->fs_type);
	}
	if (t.v)
		snprintf(pl->part_devnode, sizeof(pl->part_devnode), "%s", t.v->devnode);
	else if (t.pt)
		inv_part_devnode(t.d->devnode, t.pt->number, pl->part_devnode,
		                 sizeof(pl->part_devnode));
	*plan = pl;
	return VDS_R_OK;
}

static enum vds_result
bp_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg,
       size_t msglen)
{
	struct basic_plan *pl = plan;

	(void)state;
	(void)out;
	switch (pl->p.type) {
	case JOB_CREATE_PARTITION:
		return basic_run_create(pl, j, msg, msglen);
	case JOB_DELETE_PARTITION:
		return basic_run_delete(pl, j, msg, msglen);
	case JOB_SHRINK_VOLUME:
		return basic_run_shrink(pl, j, msg, msglen);
	case JOB_CLEAN:
		return basic_run_clean(pl, j, msg, msglen);
	case JOB_FORMAT:
		return basic_run_format(pl, j, msg, msglen);
	case JOB_EXTEND_VOLUME:
		return basic_run_extend(pl, j, msg, msglen);
	case JOB_DELETE_VOLUME:
		/* a partition's volume goes with its partition; a whole disk's is wiped */
		return pl->whole ? basic_run_clean(pl, j, msg, msglen)
		                 : basic_run_delete(pl, j, msg, msglen);
	default:
		snprintf(msg, msglen, "basic does not run this job type");
		return VDS_R_NOT_SUPPORTED;
	}
}

/* ------------------------------------------------------------------ commit */

/* Put d (owned) in place of the model's row with the same key, keeping its identity. */
static int
bp_publish(struct inv_disk *d, const struct inv_disk *old)
{
	snprintf(d->key, sizeof(d->key), "%s", old->key);
	snprintf(d->name, sizeof(d->name), "%s", old->name);
	snprintf(d->devnode, sizeof(d->devnode), "%s", old->devnode);
	snprintf(d->serial, sizeof(d->serial), "%s", old->serial);
	snprintf(d->model, sizeof(d->model), "%s", old->model);
	snprintf(d->provider, sizeof(d->provider), "basic");
	d->source = old->source;
	d->flags = old->flags;
	d->pack_index = old->pack_index;
	return inv_disk_update(d);
}

static const struct inv_part *
bp_part_number(const struct inv_disk *d, uint32_t number)
{
	for (size_t i = 0; d && i < d->nparts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

static void
bp_outputs(const struct basic_plan *pl, struct job_outputs *out)
{
	const struct inv_part *pt = bp_part_number(inv_disk_by_key(pl->diskkey), pl->number);
	const struct inv_volume *v =
	    pt && pt->volume_index ? inv_get(INV_VOLUME, pt->volume_index) : NULL;

	if (pl->p.type == JOB_CREATE_PARTITION) {
		out->offset = pl->new_offset;
		out->partition = pt ? pt->index : 0;
	}
	if (pl->p.type == JOB_SHRINK_VOLUME)
		out->reclaimed = pl->reclaimed;
	if (pl->p.type == JOB_DELETE_PARTITION || pl->p.type == JOB_DELETE_VOLUME ||
	    pl->p.type == JOB_CLEAN)
		return;
	if (pl->whole) {
		const struct inv_disk *d = inv_disk_by_key(pl->diskkey);

		v = d && d->volume_index ? inv_get(INV_VOLUME, d->volume_index) : NULL;
	}
	out->volume = v ? v->index : 0;
	snprintf(out->objid, sizeof(out->objid), "%s", v ? v->objid : pt ? pt->objid : "");
}

static enum vds_result
bp_commit(void *state, void *plan, enum vds_result r, struct job_outputs *out, char *msg,
          size_t msglen)
{
	struct basic_plan *pl = plan;
	const struct inv_disk *old = inv_disk_by_key(pl->diskkey);

	(void)state;
	if (pl->written && !pl->probe && r == VDS_R_OK)
		basic_run_probe(pl); /* run() could not read it back: try once more */
	if (pl->written && pl->probe && old) {
		if (bp_publish(pl->probe, old) < 0)
			log_warnx("basic", "cannot update disk %s in the model", pl->devnode);
		pl->probe = NULL; /* owned by the model now */
	}
	if (r == VDS_R_OK)
		bp_outputs(pl, out);
	else if (pl->written)
		log_warnx("basic", "%s: job failed after writing: %s", pl->devnode, msg);
	return r;
}

/* ------------------------------------------------------------------- adopt */

static struct inv_disk *
bp_copy(const struct inv_disk *d)
{
	struct inv_disk *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *d;
	c->parts = d->nparts ? calloc(d->nparts, sizeof(*c->parts)) : NULL;
	if (d->nparts && !c->parts) {
		free(c);
		return NULL;
	}
	if (d->nparts)
		memcpy(c->parts, d->parts, d->nparts * sizeof(*c->parts));
	return c;
}

static int
bp_manages(void *state, const struct inv_disk *d)
{
	const struct basic_prov *bp = state;

	return bp_ours(d) && conf_device_allowed(bp->conf, d->devnode);
}

int
basic_adopt(void *state)
{
	const struct vtab *t = inv_table(INV_DISK);
	const struct inv_disk *d;
	struct inv_disk *c;
	int n = 0;

	for (size_t i = 0; i < t->n; i++) {
		d = t->rows[i];
		if (d->provider[0] || !bp_manages(state, d))
			continue;
		if (!(c = bp_copy(d)))
			break;
		snprintf(c->provider, sizeof(c->provider), "basic");
		if (inv_disk_update(c) == 0)
			n++;
	}
	return n;
}

const struct prov_ops basic_provider = {
    .name = "basic",
    .init = bp_init,
    .fini = bp_fini,
    .claims = bp_claims,
    .validate = bp_validate,
    .prepare = bp_prepare,
    .run = bp_run,
    .commit = bp_commit,
    .free_plan = bp_free_plan,
    .manages = bp_manages,
};
