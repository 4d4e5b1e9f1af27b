/* SPDX-License-Identifier: ISC */
/*
 * sim_apply.c - the commit half of every sim job: change the simulated
 * objects, publish them into the model and fill the outputs (seed 000).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim_apply.h"
#include "sim_fsops.h"
#include "sim_fault.h"
#include "sim_inv.h"
#include "sim_mbr.h"
#include "sim_pack.h"

static void
sa_objid(char out[INV_OBJID_LEN], const char *objid)
{
	snprintf(out, INV_OBJID_LEN, "%s", objid);
}

static void
sa_new_label(struct sim_state *st, struct sim_disk *d, enum inv_pstyle style)
{
	d->pstyle = style;
	if (style == INV_PS_GPT)
		sim_new_guid(d->table_id, 1);
	else
		snprintf(d->table_id, sizeof(d->table_id), "0x51a1%04x",
		         st->next_serial++ & 0xffff);
}

static enum vds_result
sa_create_part(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_disk *d = sim_disk_find(st, t->disk);
	const struct inv_disk *row;
	struct sim_part *pt;
	char key[300];

	if (t->label != INV_PS_NONE)
		sa_new_label(st, d, t->label);
	if (!(pt = sim_mbr_add(d, t->offset, t->size)))
		return VDS_R_NO_SPACE;
	snprintf(pt->type, sizeof(pt->type), "%s", t->ptype);
	if (d->pstyle == INV_PS_GPT)
		sim_new_guid(pt->uuid, 0);
	else
		sim_mbr_uuid(d, pt);
	if (sim_inv_disk(st, d->name) < 0)
		return VDS_R_NO_MEMORY;
	out->offset = t->offset;
	snprintf(key, sizeof(key), "sim:%s", d->name);
	row = inv_disk_by_key(key);
	for (size_t i = 0; row && i < row->nparts; i++) {
		const struct inv_part *ip = &row->parts[i];
		const struct inv_volume *v;

		if (ip->number != pt->number)
			continue;
		out->partition = ip->index;
		out->volume = ip->volume_index;
		v = ip->volume_index ? inv_get(INV_VOLUME, ip->volume_index) : NULL;
		sa_objid(out->objid, v ? v->objid : ip->objid);
	}
	return VDS_R_OK;
}

static enum vds_result
sa_delete_part(struct sim_state *st, const struct sim_target *t)
{
	struct sim_disk *d = sim_disk_find(st, t->disk);

	sim_mbr_del(d, sim_part_find(d, t->part));
	return sim_inv_disk(st, d->name) < 0 ? VDS_R_NO_MEMORY : VDS_R_OK;
}

static void
sa_out_volume(const char *name, struct job_outputs *out)
{
	char key[300];
	const struct inv_volume *v;

	snprintf(key, sizeof(key), "sim:vol:%s", name);
	v = inv_by_key(INV_VOLUME, key);
	if (v) {
		out->volume = v->index;
		sa_objid(out->objid, v->objid);
	}
}

/* createVolume by disks in no pack: the new pack t->pack of the plexes' disks. */
static enum vds_result
sa_new_pack(struct sim_state *st, const struct sim_target *t)
{
	if (st->npacks >= SIM_MAX_PACKS)
		return VDS_R_NO_SPACE;
	snprintf(st->packs[st->npacks++].name, sizeof(st->packs[0].name), "%s", t->pack);
	for (size_t i = 0; i < st->ndisks; i++) {
		struct sim_disk *d = &st->disks[i];

		for (size_t j = 0; j < t->nplexes; j++)
			if (sim_list_has(t->plexdev[j], d->name)) {
				snprintf(d->pack, sizeof(d->pack), "%s", t->pack);
				break;
			}
	}
	/* the disks joined first: vdsPackArrived carries the pack's size */
	if (sim_inv_pack(st, t->pack) < 0)
		return VDS_R_NO_MEMORY;
	for (size_t i = 0; i < st->ndisks; i++)
		if (strcmp(st->disks[i].pack, t->pack) == 0 &&
		    sim_inv_disk(st, st->disks[i].name) < 0)
			return VDS_R_NO_MEMORY;
	return VDS_R_OK;
}

static enum vds_result
sa_create_vol(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_volume *v;
	enum vds_result r;

	if (t->new_pack && (r = sa_new_pack(st, t)) != VDS_R_OK)
		return r;
	if (!(v = sim_vol_add(st, t->name)))
		return VDS_R_NO_SPACE;
	snprintf(v->pack, sizeof(v->pack), "%s", t->pack);
	v->type = t->vtype;
	v->size = t->size;
	v->stripe_size = t->stripe;
	v->parity = t->parity;
	for (size_t i = 0; i < t->nplexes; i++) {
		v->plexes[i].number = (uint32_t)i + 1;
		snprintf(v->plexes[i].devices, sizeof(v->plexes[i].devices), "%s", t->plexdev[i]);
	}
	v->nplexes = t->nplexes;
	if (sim_inv_volume(st, v->name) < 0 || sim_inv_pack(st, t->pack) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_volume(t->name, out);
	return VDS_R_OK;
}

static enum vds_result
sa_delete_vol(struct sim_state *st, const struct sim_target *t)
{
	struct sim_volume *v;
	char pack[SIM_NAME_LEN];

	if (!t->vol[0])
		return sa_delete_part(st, t);
	v = sim_vol_find(st, t->vol);
	snprintf(pack, sizeof(pack), "%s", v->pack);
	sim_vol_del(st, v);
	if (sim_inv_volume(st, t->vol) < 0 || sim_inv_pack(st, pack) < 0)
		return VDS_R_NO_MEMORY;
	return VDS_R_OK;
}

/* Shrink (grow 0) or extend the target volume, or its partition, by t->size; republish it. */
static enum vds_result
sa_resize(struct sim_state *st, const struct sim_target *t, int grow)
{
	struct sim_volume *v = t->vol[0] ? sim_vol_find(st, t->vol) : NULL;
	struct sim_disk *d = v ? NULL : sim_disk_find(st, t->disk);
	uint64_t *size = v ? &v->size : &sim_part_find(d, t->part)->size;
	int rc;

	*size = grow ? *size + t->size : *size - t->size;
	if (v)
		rc = sim_inv_volume(st, v->name) | sim_inv_pack(st, v->pack);
	else
		rc = sim_inv_disk(st, d->name);
	return rc < 0 ? VDS_R_NO_MEMORY : VDS_R_OK;
}

static enum vds_result
sa_shrink(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	out->reclaimed = t->size;
	return sa_resize(st, t, 0);
}

static enum vds_result
sa_extend(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	enum vds_result r = sa_resize(st, t, 1);
	const struct inv_volume *v = inv_get(INV_VOLUME, t->volume);

	if (v) {
		out->volume = v->index;
		sa_objid(out->objid, v->objid);
	}
	return r;
}

static enum vds_result
sa_break(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_volume *v = sim_vol_find(st, t->vol), *nv;
	struct sim_plex *px = sim_plex_find(v, t->plex);

	if (!(nv = sim_vol_add(st, t->name)))
		return VDS_R_NO_SPACE;
	snprintf(nv->pack, sizeof(nv->pack), "%s", v->pack);
	nv->type = strchr(px->devices, ',') ? INV_VT_SPANNED : INV_VT_SIMPLE;
	nv->size = v->size;
	snprintf(nv->fs_type, sizeof(nv->fs_type), "%s", v->fs_type);
	snprintf(nv->fs_label, sizeof(nv->fs_label), "%s", v->fs_label);
	snprintf(nv->fs_uuid, sizeof(nv->fs_uuid), "%s", v->fs_uuid); /* a copy of the data */
	nv->used = v->used;
	nv->nplexes = 1;
	nv->plexes[0].number = 1;
	snprintf(nv->plexes[0].devices, sizeof(nv->plexes[0].devices), "%s", px->devices);
	sim_plex_del(v, px);
	if (v->nplexes == 1)
		v->type = strchr(v->plexes[0].devices, ',') ? INV_VT_SPANNED : INV_VT_SIMPLE;
	if (sim_inv_volume(st, v->name) < 0 || sim_inv_volume(st, nv->name) < 0 ||
	    sim_inv_pack(st, v->pack) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_volume(nv->name, out);
	return VDS_R_OK;
}

/* The plex row of volume name's plex number into out. */
static void
sa_out_plex(const char *name, uint32_t number, struct job_outputs *out)
{
	char key[300];
	const struct inv_plex *px;

	snprintf(key, sizeof(key), "sim:plex:%s:%u", name, number);
	px = inv_by_key(INV_PLEX, key);
	if (px) {
		out->plex = px->index;
		out->volume = px->volume_index;
		sa_objid(out->objid, px->objid);
	}
}

/* addVolumePlex: a new plex on the target disks; the volume is a mirror now. */
static enum vds_result
sa_add_plex(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_volume *v = sim_vol_find(st, t->vol);
	uint32_t number = 0;

	for (size_t i = 0; i < v->nplexes; i++)
		if (v->plexes[i].number > number)
			number = v->plexes[i].number;
	if (v->nplexes >= SIM_MAX_PLEXES)
		return VDS_R_NO_SPACE;
	v->plexes[v->nplexes].number = number + 1;
	snprintf(v->plexes[v->nplexes].devices, sizeof(v->plexes[0].devices), "%s", t->plexdev[0]);
	v->nplexes++;
	v->type = INV_VT_MIRROR;
	if (sim_inv_volume(st, v->name) < 0 || sim_inv_pack(st, v->pack) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_plex(v->name, number + 1, out);
	return VDS_R_OK;
}

static enum vds_result
sa_remove_plex(struct sim_state *st, const struct sim_target *t)
{
	struct sim_volume *v = sim_vol_find(st, t->vol);

	sim_plex_del(v, sim_plex_find(v, t->plex));
	if (v->nplexes == 1)
		v->type = strchr(v->plexes[0].devices, ',') ? INV_VT_SPANNED : INV_VT_SIMPLE;
	if (sim_inv_volume(st, v->name) < 0 || sim_inv_pack(st, v->pack) < 0)
		return VDS_R_NO_MEMORY;
	return VDS_R_OK;
}

/* repairVolumePlex: the plex's failed devices, in order, become the target disks. */
static enum vds_result
sa_repair_plex(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_volume *v = sim_vol_find(st, t->vol);
	struct sim_plex *px = sim_plex_find(v, t->plex);
	char devs[sizeof(px->devices)] = "", dev[SIM_NAME_LEN];
	const char *p = px->devices, *np = t->plexdev[0];

	while (*p) {
		size_t l = strcspn(p, ","), nl, dl = strlen(devs);

		snprintf(dev, sizeof(dev), "%.*s", (int)l, p);
		if (sim_fault_disk_lost(dev) && *np) {
			nl = strcspn(np, ",");
			snprintf(dev, sizeof(dev), "%.*s", (int)nl, np);
			np += nl + (np[nl] == ',');
		}
		snprintf(devs + dl, sizeof(devs) - dl, "%s%s", dl ? "," : "", dev);
		p += l + (p[l] == ',');
	}
	snprintf(px->devices, sizeof(px->devices), "%s", devs);
	if (sim_inv_volume(st, v->name) < 0 || sim_inv_pack(st, v->pack) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_plex(v->name, px->number, out);
	return VDS_R_OK;
}

static void
sa_out_vdisk(const char *path, struct job_outputs *out)
{
	char key[300];
	const struct inv_vdisk *v;

	snprintf(key, sizeof(key), "sim:vdisk:%s", path);
	v = inv_by_key(INV_VDISK, key);
	if (v) {
		out->vdisk = v->index;
		sa_objid(out->objid, v->objid);
	}
}

static enum vds_result
sa_create_vdisk(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_vdisk *vd;
	struct sim_disk *d = NULL;
	char name[SIM_NAME_LEN];

	for (unsigned n = 0; !d && n < 2 * SIM_MAX_DISKS; n++) {
		snprintf(name, sizeof(name), "vd%u", n);
		d = sim_disk_find(st, name) ? NULL : sim_disk_add(st, name, t->size);
	}
	if (!d || st->nvdisks >= SIM_MAX_VDISKS)
		return VDS_R_NO_SPACE;
	snprintf(d->serial, sizeof(d->serial), "SIM-%04u", st->next_serial++);
	snprintf(d->vdisk, sizeof(d->vdisk), "%s", t->path);
	if (t->label != INV_PS_NONE)
		sa_new_label(st, d, t->label);
	vd = &st->vdisks[st->nvdisks++];
	memset(vd, 0, sizeof(*vd));
	snprintf(vd->path, sizeof(vd->path), "%s", t->path);
	vd->virtual_size = t->size;
	vd->format = t->format;
	vd->type = t->vdtype;
	snprintf(vd->disk, sizeof(vd->disk), "%s", d->name);
	snprintf(vd->parent, sizeof(vd->parent), "%s", t->parent);
	if (sim_inv_vdisk(st, vd->path) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_vdisk(vd->path, out);
	return VDS_R_OK;
}

static enum vds_result
sa_vdisk_op(struct sim_state *st, const struct job_params *p, const struct sim_target *t,
            struct job_outputs *out)
{
	struct sim_vdisk *vd = sim_vdisk_find(st, t->path);
	struct sim_disk *d = sim_disk_find(st, t->disk);
	int rc;

	if (p->type == JOB_DELETE_VDISK) {
		if (d)
			sim_disk_del(st, d);
		sim_vdisk_del(st, vd);
		rc = sim_inv_disk(st, t->disk) | sim_inv_vdisk(st, t->path);
		return rc < 0 ? VDS_R_NO_MEMORY : VDS_R_OK;
	}
	vd->attached = p->type == JOB_ATTACH_VDISK;
	vd->read_only = vd->attached && p->read_only;
	rc = sim_inv_disk(st, t->disk) | sim_inv_vdisk(st, t->path);
	return rc < 0 ? VDS_R_NO_MEMORY : VDS_R_OK;
}

static enum vds_result
sa_expand_vdisk(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_vdisk *vd = sim_vdisk_find(st, t->path);
	struct sim_disk *d = sim_disk_find(st, t->disk);

	vd->virtual_size = t->size;
	if (d)
		d->size = t->size; /* the loop device grows; the table stays where it is */
	if ((sim_inv_disk(st, t->disk) | sim_inv_vdisk(st, t->path)) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_vdisk(vd->path, out);
	return VDS_R_OK;
}

/* The image keeps what its data takes now: the rest of its blocks are punched out. */
static enum vds_result
sa_compact_vdisk(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_vdisk *vd = sim_vdisk_find(st, t->path);
	uint64_t before = sim_vdisk_allocated(st, vd);

	vd->alloc = 0;
	out->reclaimed = before - sim_vdisk_allocated(st, vd);
	if (sim_inv_vdisk(st, t->path) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_vdisk(vd->path, out);
	return VDS_R_OK;
}

/* The child's blocks land in the target; the child, emptied, now sits on the target. */
static enum vds_result
sa_merge_vdisk(struct sim_state *st, const struct sim_target *t, struct job_outputs *out)
{
	struct sim_vdisk *vd = sim_vdisk_find(st, t->path), *up = sim_vdisk_find(st, t->parent);
	uint64_t cap = up->virtual_size + 2 * SIM_MIB;
	uint64_t moved = sim_vdisk_allocated(st, vd), a = sim_vdisk_allocated(st, up);

	up->alloc = a + moved > cap ? cap : a + moved;
	vd->alloc = 0;
	snprintf(vd->parent, sizeof(vd->parent), "%s", up->path);
	if ((sim_inv_vdisk(st, vd->path) | sim_inv_vdisk(st, up->path)) < 0)
		return VDS_R_NO_MEMORY;
	sa_out_vdisk(up->path, out);
	return VDS_R_OK;
}

enum vds_result
sim_apply(struct sim_state *st, const struct job_params *p, const struct sim_target *t,
          struct job_outputs *out, char *msg, size_t len)
{
	enum vds_result r = VDS_R_NOT_SUPPORTED;

	switch (t->type) {
	case JOB_CREATE_PARTITION:
		r = sa_create_part(st, t, out);
		break;
	case JOB_DELETE_PARTITION:
		r = sa_delete_part(st, t);
		break;
	case JOB_CREATE_VOLUME:
		r = sa_create_vol(st, t, out);
		break;
	case JOB_DELETE_VOLUME:
		r = sa_delete_vol(st, t);
		break;
	case JOB_SHRINK_VOLUME:
		r = sa_shrink(st, t, out);
		break;
	case JOB_EXTEND_VOLUME:
		r = sa_extend(st, t, out);
		break;
	case JOB_BREAK_PLEX:
		r = sa_break(st, t, out);
		break;
	case JOB_CREATE_VDISK:
		r = sa_create_vdisk(st, t, out);
		break;
	case JOB_ATTACH_VDISK:
	case JOB_DETACH_VDISK:
	case JOB_DELETE_VDISK:
		r = sa_vdisk_op(st, p, t, out);
		break;
	case JOB_CLEAN:
	case JOB_FORMAT:
		r = sim_fsops_apply(st, p, t, out);
		break;
	case JOB_REPLACE_DISK:
	case JOB_RECOVER_PACK:
		return sim_pack_apply(st, p, out, msg, len);
	case JOB_ADD_PLEX:
		r = sa_add_plex(st, t, out);
		break;
	case JOB_REMOVE_PLEX:
		r = sa_remove_plex(st, t);
		break;
	case JOB_REPAIR_PLEX:
		r = sa_repair_plex(st, t, out);
		break;
	case JOB_EXPAND_VDISK:
		r = sa_expand_vdisk(st, t, out);
		break;
	case JOB_COMPACT_VDISK:
		r = sa_compact_vdisk(st, t, out);
		break;
	case JOB_MERGE_VDISK:
		r = sa_merge_vdisk(st, t, out);
		break;
	}
	if (r != VDS_R_OK)
		snprintf(msg, len, "%s", vds_result_text(r));
	return r;
}
