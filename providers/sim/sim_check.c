/* SPDX-License-Identifier: ISC */
/*
 * sim_check.c - validation of every job type against the sim state.
 *
 * Model indexes are resolved through the rows the sim provider published
 * (keys "sim:NAME", "sim:vol:NAME", "sim:plex:VOL:N", "sim:pack:NAME",
 * "sim:vdisk:PATH", and the model's basic volumes "sim:NAME/pN/vol").  The
 * same checks run at SET time (validate) and again at commit, where the state
 * may have changed since.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ptype.h"
#include "sim_check.h"
#include "sim_checkvol.h"
#include "sim_fsops.h"
#include "sim_mbr.h"
#include "sim_pack.h"

#define SC_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

static uint64_t
sc_align_up(uint64_t v)
{
	return (v + SIM_ALIGN - 1) / SIM_ALIGN * SIM_ALIGN;
}

struct sim_disk *
sim_check_disk(struct sim_state *st, uint32_t index)
{
	const struct inv_disk *row = index ? inv_get(INV_DISK, index) : NULL;
	struct sim_disk *d;
	struct sim_vdisk *vd;

	if (!row || strncmp(row->key, "sim:", 4) != 0 || strcmp(row->provider, "sim") != 0)
		return NULL;
	d = sim_disk_find(st, row->key + 4);
	vd = d ? sim_vdisk_of_disk(st, d) : NULL;
	if (vd && !vd->attached)
		return NULL;
	return d;
}

struct sim_vdisk *
sim_check_vdisk(struct sim_state *st, uint32_t index)
{
	const struct inv_vdisk *row = index ? inv_get(INV_VDISK, index) : NULL;

	if (!row || strncmp(row->key, "sim:vdisk:", 10) != 0)
		return NULL;
	return sim_vdisk_find(st, row->key + 10);
}

struct sim_part *
sim_check_part(struct sim_state *st, uint32_t index, struct sim_disk **dp)
{
	const struct inv_part *row = index ? inv_get(INV_PARTITION, index) : NULL;

	*dp = row ? sim_check_disk(st, row->disk_index) : NULL;
	return *dp ? sim_part_find(*dp, row->number) : NULL;
}

int
sim_check_volume(struct sim_state *st, uint32_t index, struct sim_volume **vp, struct sim_disk **dp,
                 struct sim_part **pp)
{
	const struct inv_volume *row = index ? inv_get(INV_VOLUME, index) : NULL;

	*vp = NULL;
	*dp = NULL;
	*pp = NULL;
	if (!row)
		return -1;
	if (strncmp(row->key, "sim:vol:", 8) == 0) {
		*vp = sim_vol_find(st, row->key + 8);
		return *vp ? 0 : -1;
	}
	if (row->pack_index || !row->partition_index)
		return -1;
	*pp = sim_check_part(st, row->partition_index, dp);
	return *pp ? 0 : -1;
}

/* ---- partitions ---- */

/* vdsJobParamInitLabel as a partition style (INV_PS_NONE: none asked for). */
static enum inv_pstyle
sc_init_label(const struct job_params *p)
{
	return p->init_label == JOB_LABEL_GPT   ? INV_PS_GPT
	       : p->init_label == JOB_LABEL_MBR ? INV_PS_MBR
	                                        : INV_PS_NONE;
}

/* The label createPartition works on: the disk's, or the one it writes. */
static enum vds_result
sc_label(const struct sim_disk *d, const struct job_params *p, struct sim_target *t, char *why,
         size_t len)
{
	enum inv_pstyle want = sc_init_label(p);
	int labelled = d->pstyle == INV_PS_GPT || d->pstyle == INV_PS_MBR;

	t->label = INV_PS_NONE;
	if (!labelled && want == INV_PS_NONE)
		SC_FAIL(VDS_R_INVALID_PARAM,
		        "disk %s has no partition table: give an initial label (gpt or mbr)",
		        d->name);
	if (want == INV_PS_NONE || want == d->pstyle)
		return VDS_R_OK;
	if (d->nparts)
		SC_FAIL(VDS_R_NOT_EMPTY, "disk %s has partitions: cannot write a new label",
		        d->name);
	t->label = want;
	return VDS_R_OK;
}

static enum vds_result
sc_create_part(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
               size_t len)
{
	struct sim_disk *d = sim_check_disk(st, p->disk);
	enum inv_pstyle style, saved;
	enum vds_result r;

	if (!d)
		SC_FAIL(VDS_R_NOT_FOUND, "no sim disk with index %u", p->disk);
	if (d->pack[0])
		SC_FAIL(VDS_R_IN_USE, "disk %s belongs to pack %s", d->name, d->pack);
	if (p->size == 0 || p->size > SIM_MAX_BYTES)
		SC_FAIL(VDS_R_INVALID_PARAM, "partition size must be 1 to %llu bytes",
		        (unsigned long long)SIM_MAX_BYTES);
	if ((r = sc_label(d, p, t, why, len)) != VDS_R_OK)
		return r;
	style = t->label != INV_PS_NONE ? t->label : d->pstyle;
	if (ptype_resolve(style, p->partition_type, t->ptype, sizeof(t->ptype)) < 0)
		SC_FAIL(VDS_R_INVALID_PARAM, "partition type \"%s\" is not valid for %s",
		        p->partition_type,
		        style == INV_PS_MBR ? "MBR (an alias or 0xNN)"
		                            : "GPT (an alias or a GUID)");
	t->size = sc_align_up(p->size);
	snprintf(t->disk, sizeof(t->disk), "%s", d->name);
	if (t->label == INV_PS_NONE && style == INV_PS_MBR) /* primary, extended or logical */
		return sim_mbr_place(d, p->offset, t, why, len);
	if (t->label == INV_PS_NONE && d->nparts >= SIM_MAX_PARTS)
		SC_FAIL(VDS_R_NO_SPACE, "the partition table of %s is full", d->name);
	saved = d->pstyle;
	d->pstyle = style;
	t->offset = sim_disk_fit(d, p->offset, t->size);
	d->pstyle = saved;
	if (t->offset == 0)
		SC_FAIL(VDS_R_NO_SPACE, "no free %llu MiB extent on %s%s",
		        (unsigned long long)(t->size / SIM_MIB), d->name,
		        p->offset ? " at that offset" : "");
	return VDS_R_OK;
}

static enum vds_result
sc_delete_part(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
               size_t len)
{
	struct sim_disk *d;
	struct sim_part *pt = sim_check_part(st, p->partition, &d);

	if (!pt)
		SC_FAIL(VDS_R_NOT_FOUND, "no sim partition with index %u", p->partition);
	if (pt->mounted)
		SC_FAIL(VDS_R_IN_USE, "partition %u of %s holds a mounted file system", pt->number,
		        d->name);
	if (pt == sim_mbr_ext(d) && sim_mbr_count(d, 1))
		SC_FAIL(VDS_R_NOT_EMPTY,
		        "partition %u of %s is an extended partition holding %zu logical "
		        "partition(s): delete them first",
		        pt->number, d->name, sim_mbr_count(d, 1));
	snprintf(t->disk, sizeof(t->disk), "%s", d->name);
	t->part = pt->number;
	t->has_fs = pt->fs_type[0] != '\0';
	return VDS_R_OK;
}

/* ---- virtual disks ---- */

static enum vds_result
sc_create_vdisk(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
                size_t len)
{
	size_t l = strlen(p->path);

	if (p->path[0] != '/' || strstr(p->path, "/../") || strstr(p->path, "//"))
		SC_FAIL(VDS_R_INVALID_PARAM, "the vdisk path must be absolute and normalised");
	if (sim_vdisk_find(st, p->path))
		SC_FAIL(VDS_R_EXISTS, "%s exists already", p->path);
	if ((p->size == 0 && p->vdisk_type != INV_VDT_DIFFERENCING) || p->size > SIM_MAX_BYTES)
		SC_FAIL(VDS_R_INVALID_PARAM, "vdisk size must be 1 to %llu bytes",
		        (unsigned long long)SIM_MAX_BYTES);
	t->format = p->vdisk_format                                 ? p->vdisk_format
	            : l > 4 && strcmp(p->path + l - 4, ".vhd") == 0 ? INV_VF_VHD
	                                                            : INV_VF_RAW;
	t->vdtype = p->vdisk_type ? p->vdisk_type : INV_VDT_EXPANDABLE;
	if ((t->format != INV_VF_RAW && t->format != INV_VF_VHD) ||
	    (t->vdtype != INV_VDT_FIXED && t->vdtype != INV_VDT_EXPANDABLE &&
	     t->vdtype != INV_VDT_DIFFERENCING))
		SC_FAIL(VDS_R_INVALID_PARAM, "unknown vdisk format or type");
	if (t->vdtype == INV_VDT_DIFFERENCING) {
		const struct sim_vdisk *pv = sim_check_vdisk(st, p->vdisk);

		if (!p->vdisk)
			SC_FAIL(VDS_R_INVALID_PARAM,
			        "a differencing vdisk needs its parent in vdsJobParamVDisk");
		if (!pv)
			SC_FAIL(VDS_R_NOT_FOUND, "no sim vdisk with index %u (the parent)",
			        p->vdisk);
		if (t->format != INV_VF_VHD || pv->format != INV_VF_VHD)
			SC_FAIL(VDS_R_INVALID_PARAM,
			        "a differencing vdisk is a VHD over a VHD parent (%s is raw)",
			        pv->format == INV_VF_VHD ? p->path : pv->path);
		if (p->size && sc_align_up(p->size) != pv->virtual_size)
			SC_FAIL(VDS_R_INVALID_PARAM,
			        "a differencing vdisk has its parent's size (%llu MiB): give 0",
			        (unsigned long long)(pv->virtual_size / SIM_MIB));
		if (pv->attached && !pv->read_only)
			SC_FAIL(VDS_R_IN_USE, "the parent %s is attached read-write", pv->path);
		snprintf(t->parent, sizeof(t->parent), "%s", pv->path);
	}
	t->size = t->parent[0] ? sim_vdisk_find(st, t->parent)->virtual_size : sc_align_up(p->size);
	if (t->format == INV_VF_VHD && t->size > 2040 * SIM_GIB)
		SC_FAIL(VDS_R_INVALID_PARAM, "a VHD holds at most 2040 GiB");
	if (st->nvdisks >= SIM_MAX_VDISKS || st->ndisks >= SIM_MAX_DISKS)
		SC_FAIL(VDS_R_NO_SPACE, "the simulator holds no more virtual disks");
	snprintf(t->path, sizeof(t->path), "%s", p->path);
	t->label = sc_init_label(p); /* the new disk's partition table */
	return VDS_R_OK;
}

static struct sim_vdisk *
sc_vdisk(struct sim_state *st, const struct job_params *p)
{
	if (p->vdisk)
		return sim_check_vdisk(st, p->vdisk);
	return p->path[0] ? sim_vdisk_find(st, p->path) : NULL;
}

/* The target is vdisk vd (and the disk holding its contents). */
static void
sc_target_vdisk(struct sim_target *t, const struct sim_vdisk *vd)
{
	snprintf(t->path, sizeof(t->path), "%s", vd->path);
	snprintf(t->disk, sizeof(t->disk), "%s", vd->disk);
}

static int
sc_disk_mounted(const struct sim_state *st, const struct sim_disk *d)
{
	for (size_t i = 0; i < d->nparts; i++)
		if (d->parts[i].mounted)
			return 1;
	(void)st;
	return 0;
}

static enum vds_result
sc_vdisk_op(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
            size_t len)
{
	struct sim_vdisk *vd = sc_vdisk(st, p);
	struct sim_disk *d;

	if (!vd)
		SC_FAIL(VDS_R_NOT_FOUND, "no sim vdisk with index %u", p->vdisk);
	d = sim_disk_find(st, vd->disk);
	if (p->type == JOB_ATTACH_VDISK && vd->attached)
		SC_FAIL(VDS_R_IN_USE, "%s is attached already", vd->path);
	if (p->type == JOB_DETACH_VDISK && !vd->attached)
		SC_FAIL(VDS_R_INVALID_PARAM, "%s is not attached", vd->path);
	if (p->type == JOB_DETACH_VDISK && d && sc_disk_mounted(st, d))
		SC_FAIL(VDS_R_IN_USE, "a file system on %s is mounted", vd->path);
	if (p->type == JOB_DELETE_VDISK && vd->attached)
		SC_FAIL(VDS_R_NOT_EMPTY, "%s is attached: detach it first", vd->path);
	if (p->type == JOB_DELETE_VDISK && sim_vdisk_children(st, vd->path))
		SC_FAIL(VDS_R_NOT_EMPTY, "%s is the parent of a differencing vdisk", vd->path);
	sc_target_vdisk(t, vd);
	return VDS_R_OK;
}

/* expandVDisk: grow to p->size; the disk row follows when attached. */
static enum vds_result
sc_expand_vdisk(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
                size_t len)
{
	struct sim_vdisk *vd = sc_vdisk(st, p);
	uint64_t want = sc_align_up(p->size);

	if (!vd)
		SC_FAIL(VDS_R_NOT_FOUND, "no sim vdisk with index %u", p->vdisk);
	if (want <= vd->virtual_size)
		SC_FAIL(VDS_R_INVALID_PARAM,
		        "%s is %llu MiB: the new size must be larger (shrinking is not supported)",
		        vd->path, (unsigned long long)(vd->virtual_size / SIM_MIB));
	if (p->size > SIM_MAX_BYTES || (vd->format == INV_VF_VHD && want > 2040 * SIM_GIB))
		SC_FAIL(VDS_R_INVALID_PARAM, "%s can hold at most %llu MiB", vd->path,
		        (unsigned long long)((vd->format == INV_VF_VHD ? 2040 * SIM_GIB
		                                                       : SIM_MAX_BYTES) /
		                             SIM_MIB));
	if (vd->type == INV_VDT_DIFFERENCING || sim_vdisk_children(st, vd->path))
		SC_FAIL(VDS_R_NOT_SUPPORTED,
		        "%s is in a differencing chain: every disk of a chain has one size",
		        vd->path);
	if (vd->attached && vd->read_only)
		SC_FAIL(VDS_R_IN_USE, "%s is attached read-only", vd->path);
	sc_target_vdisk(t, vd);
	t->size = want;
	return VDS_R_OK;
}

/* compactVDisk: sparse images only, never under a read-write attachment. */
static enum vds_result
sc_compact_vdisk(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
                 size_t len)
{
	struct sim_vdisk *vd = sc_vdisk(st, p);

	if (!vd)
		SC_FAIL(VDS_R_NOT_FOUND, "no sim vdisk with index %u", p->vdisk);
	if (vd->type == INV_VDT_FIXED)
		SC_FAIL(VDS_R_NOT_SUPPORTED,
		        "%s is fixed: compacting applies to expandable vdisks only", vd->path);
	if (vd->attached && !vd->read_only)
		SC_FAIL(VDS_R_IN_USE,
		        "%s is attached read-write: a write racing the compaction could be lost "
		        "(detach it, or attach it read-only)",
		        vd->path);
	sc_target_vdisk(t, vd);
	return VDS_R_OK;
}

/* mergeVDisk: a differencing vdisk's data into its ancestor merge_depth levels up. */
static enum vds_result
sc_merge_vdisk(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
               size_t len)
{
	struct sim_vdisk *vd = sc_vdisk(st, p), *up;
	unsigned depth = p->merge_depth ? p->merge_depth : 1;

	if (!vd)
		SC_FAIL(VDS_R_NOT_FOUND, "no sim vdisk with index %u", p->vdisk);
	if (vd->type != INV_VDT_DIFFERENCING)
		SC_FAIL(VDS_R_INVALID_PARAM, "%s is not a differencing vdisk: it has no parent",
		        vd->path);
	if (vd->attached && !vd->read_only)
		SC_FAIL(VDS_R_IN_USE, "%s is attached read-write", vd->path);
	up = vd;
	for (unsigned i = 0; i < depth; i++) {
		if (up->type != INV_VDT_DIFFERENCING)
			SC_FAIL(VDS_R_INVALID_PARAM, "%s has only %u parent level(s), not %u",
			        vd->path, i, depth);
		if (i && sim_vdisk_children(st, up->path) > 1)
			SC_FAIL(VDS_R_NOT_EMPTY, "%s (between) has another differencing child",
			        up->path);
		up = sim_vdisk_find(st, up->parent);
		if (!up)
			SC_FAIL(VDS_R_NOT_FOUND, "a parent of %s is missing", vd->path);
		if (up->attached)
			SC_FAIL(VDS_R_IN_USE, "%s, which the merge writes, is attached", up->path);
	}
	if (sim_vdisk_children(st, up->path) > 1)
		SC_FAIL(VDS_R_NOT_EMPTY,
		        "%s has another differencing child that the merge would corrupt", up->path);
	sc_target_vdisk(t, vd);
	snprintf(t->parent, sizeof(t->parent), "%s", up->path);
	return VDS_R_OK;
}

enum vds_result
sim_check(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
          size_t len)
{
	memset(t, 0, sizeof(*t));
	t->type = p->type;
	why[0] = '\0';
	switch (p->type) {
	case JOB_CREATE_PARTITION:
		return sc_create_part(st, p, t, why, len);
	case JOB_DELETE_PARTITION:
		return sc_delete_part(st, p, t, why, len);
	case JOB_CREATE_VOLUME:
	case JOB_DELETE_VOLUME:
	case JOB_SHRINK_VOLUME:
	case JOB_EXTEND_VOLUME:
	case JOB_BREAK_PLEX:
	case JOB_ADD_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		return sim_checkvol(st, p, t, why, len);
	case JOB_CREATE_VDISK:
		return sc_create_vdisk(st, p, t, why, len);
	case JOB_ATTACH_VDISK:
	case JOB_DETACH_VDISK:
	case JOB_DELETE_VDISK:
		return sc_vdisk_op(st, p, t, why, len);
	case JOB_CLEAN:
	case JOB_FORMAT:
		return sim_fsops_check(st, p, t, why, len);
	case JOB_REPLACE_DISK:
	case JOB_RECOVER_PACK:
		return sim_pack_check(st, p, why, len);
	case JOB_EXPAND_VDISK:
		return sc_expand_vdisk(st, p, t, why, len);
	case JOB_COMPACT_VDISK:
		return sc_compact_vdisk(st, p, t, why, len);
	case JOB_MERGE_VDISK:
		return sc_merge_vdisk(st, p, t, why, len);
	}
	SC_FAIL(VDS_R_NOT_SUPPORTED, "job type %d is not supported", (int)p->type);
}
