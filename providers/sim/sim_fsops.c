/* SPDX-License-Identifier: ISC */
/*
 * sim_fsops.c - clean and format on the sim.
 *
 * clean: the disk loses its partition table, partitions and file systems
 * (a disk with partitions, or a member of a pack, only with Force); a
 * member of a pack leaves it (the pack goes with its last disk), but never
 * while a volume of the pack has data on the disk, Force or not, as LVM
 * refuses to wipe a PV of a VG with LVs.  Mounted file systems and
 * read-only disks are refused always.
 * format: the volume or partition gets a new file system (limits from
 * fsspec.c), its label and a fresh UUID; an existing file system is
 * replaced only with Force, a mounted one never.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fsspec.h"
#include "sim_fsops.h"
#include "sim_inv.h"
#include "sim_mbr.h"

#define SF_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

static int
sf_read_only(struct sim_state *st, const struct sim_disk *d)
{
	const struct sim_vdisk *vd = sim_vdisk_of_disk(st, d);

	return vd && vd->read_only;
}

static enum vds_result
sf_check_clean(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
               size_t len)
{
	struct sim_disk *d = sim_check_disk(st, p->disk);

	if (!d)
		SF_FAIL(VDS_R_NOT_FOUND, "no sim disk with index %u", p->disk);
	if (sf_read_only(st, d))
		SF_FAIL(VDS_R_READ_ONLY, "disk %s is attached read-only", d->name);
	for (size_t i = 0; i < d->nparts; i++)
		if (d->parts[i].mounted)
			SF_FAIL(VDS_R_IN_USE, "partition %u of %s holds a mounted file system",
			        d->parts[i].number, d->name);
	if (d->pack[0] && sim_disk_pack_used(st, d))
		SF_FAIL(VDS_R_IN_USE,
		        "disk %s holds volumes of pack %s: delete them first (Force does not "
		        "apply)",
		        d->name, d->pack);
	if (d->pack[0] && !p->force)
		SF_FAIL(VDS_R_NOT_EMPTY, "disk %s is a member of pack %s: set vdsJobParamForce",
		        d->name, d->pack);
	if (d->nparts && !p->force)
		SF_FAIL(VDS_R_NOT_EMPTY, "disk %s holds %zu partition%s: set vdsJobParamForce",
		        d->name, d->nparts, d->nparts == 1 ? "" : "s");
	snprintf(t->disk, sizeof(t->disk), "%s", d->name);
	snprintf(t->pack, sizeof(t->pack), "%s", d->pack);
	t->has_fs = d->nparts > 0;
	return VDS_R_OK;
}

static enum vds_result
sf_check_format(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
                size_t len)
{
	const struct fsspec *spec;
	struct sim_volume *v = NULL;
	struct sim_disk *d = NULL;
	struct sim_part *pt = NULL;
	const char *fs;
	enum vds_result r;

	if (p->volume) {
		if (sim_check_volume(st, p->volume, &v, &d, &pt) < 0)
			SF_FAIL(VDS_R_NOT_FOUND, "no sim volume with index %u", p->volume);
	} else if (!(pt = sim_check_part(st, p->partition, &d))) {
		SF_FAIL(VDS_R_NOT_FOUND, "no sim partition with index %u", p->partition);
	}
	if (d && sf_read_only(st, d))
		SF_FAIL(VDS_R_READ_ONLY, "disk %s is attached read-only", d->name);
	if (pt && d && pt == sim_mbr_ext(d))
		SF_FAIL(VDS_R_NOT_SUPPORTED,
		        "partition %u of %s is an extended partition: it holds logical partitions, "
		        "not a file system",
		        pt->number, d->name);
	fs = v ? v->fs_type : pt->fs_type;
	if (v ? v->mounted : pt->mounted)
		SF_FAIL(VDS_R_IN_USE, "the %s file system there is mounted", fs);
	if (fs[0] && !p->force)
		SF_FAIL(VDS_R_EXISTS,
		        "it holds a %s file system: set vdsJobParamForce to replace it", fs);
	r = fsspec_check(p->fs_type, p->name, p->alloc_unit, v ? v->size : pt->size, &spec, why,
	                 len);
	if (r != VDS_R_OK)
		return r;
	if (v) {
		snprintf(t->vol, sizeof(t->vol), "%s", v->name);
	} else {
		snprintf(t->disk, sizeof(t->disk), "%s", d->name);
		t->part = pt->number;
	}
	t->has_fs = fs[0] != '\0';
	return VDS_R_OK;
}

enum vds_result
sim_fsops_check(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
                size_t len)
{
	if (p->type == JOB_CLEAN)
		return sf_check_clean(st, p, t, why, len);
	return sf_check_format(st, p, t, why, len);
}

/* The pack loses disk d; the pack goes with its last disk. */
static int
sf_leave_pack(struct sim_state *st, struct sim_disk *d, const char *pack)
{
	struct sim_pack *pk = sim_pack_find(st, pack);
	size_t left = 0;

	d->pack[0] = '\0';
	for (size_t i = 0; i < st->ndisks; i++)
		left += strcmp(st->disks[i].pack, pack) == 0;
	if (pk && left == 0) {
		memmove(pk, pk + 1, (st->npacks - (size_t)(pk - st->packs) - 1) * sizeof(*pk));
		st->npacks--;
	}
	return sim_inv_pack(st, pack);
}

static enum vds_result
sf_apply_clean(struct sim_state *st, const struct sim_target *t)
{
	struct sim_disk *d = sim_disk_find(st, t->disk);
	int rc = 0;

	if (!d)
		return VDS_R_NOT_FOUND;
	d->nparts = 0;
	d->pstyle = INV_PS_NONE;
	d->table_id[0] = '\0';
	rc |= sim_inv_disk(st, d->name);
	if (t->pack[0]) {
		const struct inv_disk *row;
		char key[300];

		snprintf(key, sizeof(key), "sim:%s", d->name);
		row = inv_disk_by_key(key);
		/* inv_disk_update keeps a provider's pack: say it is gone */
		if (row)
			rc |= inv_disk_set_pack(row->index, 0);
		rc |= sf_leave_pack(st, d, t->pack);
	}
	return rc < 0 ? VDS_R_NO_MEMORY : VDS_R_OK;
}

/* A new file system's UUID as blkid shows it: a GUID, or vfat's volume id. */
static void
sf_new_uuid(const char *fs, char out[40])
{
	char g[40];

	if (strcmp(fs, "vfat") != 0) {
		sim_new_guid(out, 0);
		return;
	}
	sim_new_guid(g, 1);
	snprintf(out, 40, "%.4s-%.4s", g, g + 4);
}

static enum vds_result
sf_apply_format(struct sim_state *st, const struct job_params *p, const struct sim_target *t,
                struct job_outputs *out)
{
	const struct fsspec *spec = fsspec_find(p->fs_type);
	struct sim_volume *v = t->vol[0] ? sim_vol_find(st, t->vol) : NULL;
	struct sim_disk *d = v ? NULL : sim_disk_find(st, t->disk);
	struct sim_part *pt = d ? sim_part_find(d, t->part) : NULL;
	const struct inv_volume *row = NULL;
	char key[300];
	int rc;

	if (!spec || (!v && !pt))
		return VDS_R_NOT_FOUND;
	/* a fresh file system: its metadata, about 1/64 of it */
	if (v) {
		snprintf(v->fs_type, sizeof(v->fs_type), "%s", spec->name);
		snprintf(v->fs_label, sizeof(v->fs_label), "%s", p->name);
		sf_new_uuid(spec->name, v->fs_uuid);
		v->used = v->size / 64;
		if ((rc = sim_inv_volume(st, v->name)) == 0) {
			snprintf(key, sizeof(key), "sim:vol:%s", v->name);
			row = inv_by_key(INV_VOLUME, key);
		}
	} else {
		snprintf(pt->fs_type, sizeof(pt->fs_type), "%s", spec->name);
		snprintf(pt->fs_label, sizeof(pt->fs_label), "%s", p->name);
		sf_new_uuid(spec->name, pt->fs_uuid);
		pt->used = pt->size / 64;
		/* the partition holds a file system now: the model shows its basic volume */
		if ((rc = sim_inv_disk(st, d->name)) == 0) {
			snprintf(key, sizeof(key), "sim:%s/p%u/vol", d->name, pt->number);
			row = inv_by_key(INV_VOLUME, key);
		}
	}
	if (rc < 0)
		return VDS_R_NO_MEMORY;
	if (row) {
		out->volume = row->index;
		snprintf(out->objid, sizeof(out->objid), "%s", row->objid);
	}
	return VDS_R_OK;
}

enum vds_result
sim_fsops_apply(struct sim_state *st, const struct job_params *p, const struct sim_target *t,
                struct job_outputs *out)
{
	if (p->type == JOB_CLEAN)
		return sf_apply_clean(st, t);
	return sf_apply_format(st, p, t, out);
}
