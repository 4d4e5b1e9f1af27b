/* SPDX-License-Identifier: ISC */
/*
 * sim_checkvol.c - validation of the volume jobs against the sim state:
 * createVolume (pack space per disk, plex layout), deleteVolume,
 * shrinkVolume (file system limits), extendVolume (room on the volume's disks,
 * or right after its partition) and breakVolumePlex.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fsspec.h"
#include "sim_checkplex.h"
#include "sim_checkvol.h"
#include "sim_mbr.h"

#define SCV_FAIL(r, ...)                                                                           \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

static const char *const scv_vtype[] = {"?",      "simple", "spanned", "striped",
                                        "mirror", "parity", NULL};

static struct sim_pack *
scv_pack(struct sim_state *st, uint32_t index)
{
	const struct inv_pack *row = index ? inv_get(INV_PACK, index) : NULL;

	if (!row || strncmp(row->key, "sim:pack:", 9) != 0)
		return NULL;
	return sim_pack_find(st, row->key + 9);
}

/* A disk in no pack is here only to start a new pack: all of it is free. */
static uint64_t
scv_disk_free(const struct sim_state *st, const struct sim_disk *d)
{
	uint64_t cap = d->pack[0] ? sim_disk_pack_cap(d) : sim_disk_cap_as_pack(d);
	uint64_t used = sim_disk_pack_used(st, d);

	return cap > used ? cap - used : 0;
}

static int
scv_name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.-", *s)))
			return 0;
	return 1;
}

static enum vds_result
scv_name(struct sim_state *st, const char *want, const char *fallback, struct sim_target *t,
         char *why, size_t len)
{
	unsigned n = 0;

	if (want[0])
		snprintf(t->name, sizeof(t->name), "%s", want);
	else if (fallback)
		snprintf(t->name, sizeof(t->name), "%s", fallback);
	else
		do
			snprintf(t->name, sizeof(t->name), "vol%u", n++);
		while (sim_vol_find(st, t->name));
	if (!scv_name_ok(t->name))
		SCV_FAIL(VDS_R_INVALID_PARAM, "volume name \"%s\": use letters, digits, _ . -",
		         t->name);
	if (sim_vol_find(st, t->name))
		SCV_FAIL(VDS_R_EXISTS, "a volume named %s exists already", t->name);
	return VDS_R_OK;
}

/* The disks named in p, or every disk of the pack by free space. */
enum vds_result
sim_checkvol_disks(struct sim_state *st, const struct job_params *p, const char *pack,
                   struct sim_disk **out, size_t *n, char *why, size_t len)
{
	size_t i, j;

	*n = 0;
	for (i = 0; i < p->ndisks && i < JOB_MAX_DISKS; i++) {
		struct sim_disk *d = sim_check_disk(st, p->disks[i]);

		if (!d)
			SCV_FAIL(VDS_R_NOT_FOUND, "no sim disk with index %u", p->disks[i]);
		if (strcmp(d->pack, pack) != 0)
			SCV_FAIL(VDS_R_INVALID_PARAM, "disk %s is not in pack %s", d->name,
			         pack[0] ? pack : "(none)");
		for (j = 0; j < *n; j++)
			if (out[j] == d)
				SCV_FAIL(VDS_R_INVALID_PARAM, "disk %s is named twice", d->name);
		out[(*n)++] = d;
	}
	if (p->ndisks)
		return VDS_R_OK;
	for (i = 0; i < st->ndisks && *n < JOB_MAX_DISKS; i++) {
		struct sim_disk *d = &st->disks[i];

		if (strcmp(d->pack, pack) != 0)
			continue;
		for (j = *n; j > 0 && scv_disk_free(st, out[j - 1]) < scv_disk_free(st, d); j--)
			out[j] = out[j - 1];
		out[j] = d;
		(*n)++;
	}
	return VDS_R_OK;
}

/* Spread the chosen disks over plexes as the volume type wants. */
static enum vds_result
scv_layout(struct sim_target *t, unsigned copies, int given, struct sim_disk **dk, size_t n,
           char *why, size_t len)
{
	/* lvm's minimum: raid5 3 devices, raid6 5 (3 stripes and 2 parity) */
	size_t need = t->vtype == INV_VT_MIRROR    ? copies
	              : t->vtype == INV_VT_STRIPED ? 2
	              : t->vtype == INV_VT_PARITY  ? (t->parity == 2 ? 5 : 3)
	                                           : 1;
	size_t use = t->vtype == INV_VT_MIRROR || t->vtype == INV_VT_SIMPLE ? need : n;

	if (n < need)
		SCV_FAIL(VDS_R_INVALID_PARAM, "a %s volume needs %zu disks, %s %zu",
		         scv_vtype[t->vtype], need, given ? "given" : "the pack has", n);
	if (given && n != use)
		SCV_FAIL(VDS_R_INVALID_PARAM, "a %s volume takes %zu disks, %zu given",
		         scv_vtype[t->vtype], use, n);
	t->nplexes = t->vtype == INV_VT_MIRROR ? copies : 1;
	for (size_t i = 0; i < use; i++) {
		char *dev = t->plexdev[t->vtype == INV_VT_MIRROR ? i : 0];
		size_t l = strlen(dev);

		snprintf(dev + l, sizeof(t->plexdev[0]) - l, "%s%s", l ? "," : "", dk[i]->name);
	}
	return VDS_R_OK;
}

enum vds_result
sim_checkvol_space(struct sim_state *st, struct sim_target *t, char *why, size_t len)
{
	struct sim_volume tv = {.type = t->vtype, .size = t->size, .parity = t->parity};
	struct sim_plex px;

	for (size_t i = 0; i < t->nplexes; i++) {
		uint64_t share;

		snprintf(px.devices, sizeof(px.devices), "%s", t->plexdev[i]);
		share = sim_plex_share(&tv, &px);
		for (size_t j = 0; j < st->ndisks; j++) {
			struct sim_disk *d = &st->disks[j];

			if (sim_list_has(px.devices, d->name) && scv_disk_free(st, d) < share)
				SCV_FAIL(VDS_R_NO_SPACE, "disk %s has %llu MiB free, %llu needed",
				         d->name,
				         (unsigned long long)(scv_disk_free(st, d) / SIM_MIB),
				         (unsigned long long)(share / SIM_MIB));
		}
	}
	return VDS_R_OK;
}

static enum vds_result
scv_shape(const struct job_params *p, struct sim_target *t, unsigned *copies, char *why, size_t len)
{
	int striped;

	t->vtype = p->volume_type ? p->volume_type : INV_VT_SIMPLE;
	if (t->vtype < INV_VT_SIMPLE || t->vtype > INV_VT_PARITY)
		SCV_FAIL(VDS_R_INVALID_PARAM, "unknown volume type %d", (int)p->volume_type);
	striped = t->vtype == INV_VT_STRIPED || t->vtype == INV_VT_PARITY;
	if (!striped && p->stripe_size)
		SCV_FAIL(VDS_R_INVALID_PARAM, "a stripe size is for striped or parity volumes");
	t->stripe = striped ? (p->stripe_size ? p->stripe_size : 65536) : 0;
	if (striped && (t->stripe < 4096 || t->stripe > SIM_MIB || (t->stripe & (t->stripe - 1))))
		SCV_FAIL(VDS_R_INVALID_PARAM, "stripe size must be a power of 2, 4 KiB to 1 MiB");
	if (t->vtype != INV_VT_PARITY && p->parity_count)
		SCV_FAIL(VDS_R_INVALID_PARAM, "a parity count is for parity volumes");
	if (p->parity_count > 2)
		SCV_FAIL(VDS_R_INVALID_PARAM, "parity count 1 (raid5) or 2 (raid6)");
	t->parity = t->vtype == INV_VT_PARITY ? (p->parity_count ? p->parity_count : 1) : 0;
	if (t->vtype != INV_VT_MIRROR && p->plex_count > 1)
		SCV_FAIL(VDS_R_INVALID_PARAM, "only a mirror volume has several plexes");
	*copies = p->plex_count ? p->plex_count : 2;
	if (t->vtype == INV_VT_MIRROR && (*copies < 2 || *copies > SIM_MAX_PLEXES))
		SCV_FAIL(VDS_R_INVALID_PARAM, "a mirror has 2 to %d plexes", SIM_MAX_PLEXES);
	if (p->size == 0 || p->size > SIM_MAX_BYTES)
		SCV_FAIL(VDS_R_INVALID_PARAM, "volume size must be 1 to %llu bytes",
		         (unsigned long long)SIM_MAX_BYTES);
	t->size = (p->size + SIM_ALIGN - 1) / SIM_ALIGN * SIM_ALIGN;
	return VDS_R_OK;
}

static const char *
scv_pack_words(const struct sim_disk *d, char *buf, size_t len)
{
	if (!d->pack[0])
		return "no pack";
	snprintf(buf, len, "pack %s", d->pack);
	return buf;
}

/*
 * createVolume by disks alone (no vdsJobParamPack), as VDS does: the disks
 * say where the plexes go and the pack is theirs.  All in one pack: that
 * pack.  All in none: a new pack made of them (each without partitions).
 * Disks in different packs, or some in a pack and some not: refused.
 */
static enum vds_result
scv_pack_of_disks(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
                  size_t len)
{
	const struct sim_disk *first = NULL;
	char a[SIM_NAME_LEN + 8], b[SIM_NAME_LEN + 8];
	unsigned n = 0;

	for (size_t i = 0; i < p->ndisks && i < JOB_MAX_DISKS; i++) {
		const struct sim_disk *d = sim_check_disk(st, p->disks[i]);

		if (!d)
			SCV_FAIL(VDS_R_NOT_FOUND, "no sim disk with index %u", p->disks[i]);
		if (!first)
			first = d;
		else if (strcmp(d->pack, first->pack) != 0)
			SCV_FAIL(
			    VDS_R_INVALID_PARAM,
			    "disk %s is in %s and disk %s in %s: a volume's disks belong to one "
			    "pack",
			    first->name, scv_pack_words(first, a, sizeof(a)), d->name,
			    scv_pack_words(d, b, sizeof(b)));
		if (!d->pack[0] && d->nparts)
			SCV_FAIL(
			    VDS_R_INVALID_PARAM,
			    "disk %s is in no pack and holds %zu partitions: only disks without "
			    "partitions start a new pack",
			    d->name, d->nparts);
	}
	if (!first)
		SCV_FAIL(VDS_R_INVALID_PARAM, "name vdsJobParamPack or vdsJobParamDisks");
	if (first->pack[0]) {
		snprintf(t->pack, sizeof(t->pack), "%s", first->pack);
		return VDS_R_OK;
	}
	if (st->npacks >= SIM_MAX_PACKS)
		SCV_FAIL(VDS_R_NO_SPACE, "the simulator holds no more packs");
	do
		snprintf(t->pack, sizeof(t->pack), "pack%u", n++);
	while (sim_pack_find(st, t->pack));
	t->new_pack = 1;
	return VDS_R_OK;
}

static enum vds_result
scv_create(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
           size_t len)
{
	struct sim_pack *pk = p->pack ? scv_pack(st, p->pack) : NULL;
	struct sim_disk *dk[JOB_MAX_DISKS];
	unsigned copies;
	size_t n;
	enum vds_result r;

	if (p->pack && !pk)
		SCV_FAIL(VDS_R_NOT_FOUND, "no sim pack with index %u", p->pack);
	if (pk)
		snprintf(t->pack, sizeof(t->pack), "%s", pk->name);
	else if ((r = scv_pack_of_disks(st, p, t, why, len)) != VDS_R_OK)
		return r;
	if ((r = scv_shape(p, t, &copies, why, len)) != VDS_R_OK ||
	    (r = scv_name(st, p->name, NULL, t, why, len)) != VDS_R_OK ||
	    (r = sim_checkvol_disks(st, p, t->new_pack ? "" : t->pack, dk, &n, why, len)) !=
	        VDS_R_OK ||
	    (r = scv_layout(t, copies, p->ndisks > 0, dk, n, why, len)) != VDS_R_OK)
		return r;
	if (st->nvols >= SIM_MAX_VOLS)
		SCV_FAIL(VDS_R_NO_SPACE, "the simulator holds no more volumes");
	return sim_checkvol_space(st, t, why, len);
}

enum vds_result
sim_checkvol_resolve(struct sim_state *st, const struct job_params *p, struct sim_target *t,
                     struct sim_volume **v, struct sim_part **pt, char *why, size_t len)
{
	struct sim_disk *d;

	if (sim_check_volume(st, p->volume, v, &d, pt) < 0)
		SCV_FAIL(VDS_R_NOT_FOUND, "no sim volume with index %u", p->volume);
	t->volume = p->volume;
	if (*v) {
		snprintf(t->vol, sizeof(t->vol), "%s", (*v)->name);
		t->has_fs = (*v)->fs_type[0] != '\0';
	} else {
		snprintf(t->disk, sizeof(t->disk), "%s", d->name);
		t->part = (*pt)->number;
		t->has_fs = (*pt)->fs_type[0] != '\0';
	}
	return VDS_R_OK;
}

static enum vds_result
scv_delete(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
           size_t len)
{
	struct sim_volume *v;
	struct sim_part *pt;
	enum vds_result r = sim_checkvol_resolve(st, p, t, &v, &pt, why, len);

	if (r != VDS_R_OK)
		return r;
	if (v ? v->mounted : pt->mounted)
		SCV_FAIL(VDS_R_IN_USE, "the volume is mounted");
	return VDS_R_OK;
}

/* The file systems the sim shrinks and grows ("": none). */
static int
scv_fs_resizes(const char *fs)
{
	static const char *const ok[] = {"", "ext2", "ext3", "ext4", "ntfs", "btrfs", NULL};

	for (size_t i = 0; ok[i]; i++)
		if (strcmp(fs, ok[i]) == 0)
			return 1;
	return 0;
}

static enum vds_result
scv_shrink(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
           size_t len)
{
	struct sim_volume *v;
	struct sim_part *pt;
	enum vds_result r = sim_checkvol_resolve(st, p, t, &v, &pt, why, len);
	const char *fs;
	uint64_t size, used;

	if (r != VDS_R_OK)
		return r;
	fs = v ? v->fs_type : pt->fs_type;
	size = v ? v->size : pt->size;
	used = v ? v->used : pt->used;
	if (!scv_fs_resizes(fs))
		SCV_FAIL(VDS_R_FS_NO_SHRINK, "a %s file system cannot shrink", fs);
	if (v ? v->mounted : pt->mounted)
		SCV_FAIL(VDS_R_IN_USE, "%s is mounted and cannot shrink online", fs);
	t->size = p->size / SIM_ALIGN * SIM_ALIGN;
	if (t->size == 0)
		SCV_FAIL(VDS_R_INVALID_PARAM, "shrink by at least 1 MiB");
	if (t->size >= size || t->size > size - used)
		SCV_FAIL(VDS_R_SHRINK_TOO_BIG, "at most %llu MiB can be removed (%llu MiB in use)",
		         (unsigned long long)((size > used ? size - used : 0) / SIM_MIB),
		         (unsigned long long)(used / SIM_MIB));
	return fsspec_check_resize(fs, size - t->size, 1, why, len);
}

/* extendVolume: room for size more on every disk of every plex, or right after the partition. */
static enum vds_result
scv_extend(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
           size_t len)
{
	struct sim_volume *v;
	struct sim_part *pt;
	struct sim_disk *d;
	const struct fsspec *spec;
	uint64_t sum;
	enum vds_result r = sim_checkvol_resolve(st, p, t, &v, &pt, why, len);

	if (r != VDS_R_OK)
		return r;
	t->size = p->size / SIM_ALIGN * SIM_ALIGN;
	if (t->size == 0)
		SCV_FAIL(VDS_R_INVALID_PARAM, "extend by at least 1 MiB");
	if (__builtin_add_overflow(v ? v->size : pt->size, t->size, &sum) || sum > SIM_MAX_BYTES)
		SCV_FAIL(VDS_R_INVALID_PARAM, "the volume would be larger than %llu bytes",
		         (unsigned long long)SIM_MAX_BYTES);
	spec = fsspec_find(v ? v->fs_type : pt->fs_type);
	if (!scv_fs_resizes(v ? v->fs_type : pt->fs_type) && !(spec && spec->grows))
		SCV_FAIL(VDS_R_NOT_SUPPORTED, "a %s file system cannot grow",
		         v ? v->fs_type : pt->fs_type);
	if ((r = fsspec_check_resize(v ? v->fs_type : pt->fs_type, sum, 0, why, len)) != VDS_R_OK)
		return r;
	if (v) {
		t->vtype = v->type;
		t->parity = v->parity;
		t->nplexes = v->nplexes;
		for (size_t i = 0; i < v->nplexes; i++)
			snprintf(t->plexdev[i], sizeof(t->plexdev[i]), "%s", v->plexes[i].devices);
		return sim_checkvol_space(st, t, why, len);
	}
	d = sim_disk_find(st, t->disk);
	if (sim_mbr_logical(d, pt) ? sim_mbr_room_after(d, pt) < t->size
	                           : sim_disk_fit(d, pt->offset + pt->size, t->size) !=
	                                 sim_align_up(pt->offset + pt->size))
		SCV_FAIL(VDS_R_NO_SPACE, "no %llu MiB free right after partition %u of %s",
		         (unsigned long long)(t->size / SIM_MIB), pt->number, d->name);
	return VDS_R_OK;
}

static enum vds_result
scv_break(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
          size_t len)
{
	const struct inv_plex *row = p->plex ? inv_get(INV_PLEX, p->plex) : NULL;
	struct sim_volume *v;
	struct sim_part *pt;
	char fallback[SIM_NAME_LEN];
	enum vds_result r = sim_checkvol_resolve(st, p, t, &v, &pt, why, len);

	if (r != VDS_R_OK)
		return r;
	if (!row || strncmp(row->key, "sim:plex:", 9) != 0)
		SCV_FAIL(VDS_R_NOT_FOUND, "no sim plex with index %u", p->plex);
	if (!v || v->type != INV_VT_MIRROR || v->nplexes < 2)
		SCV_FAIL(VDS_R_INVALID_PARAM, "volume %u is not a mirror with 2 or more plexes",
		         p->volume);
	if (row->volume_index != p->volume || !sim_plex_find(v, row->number))
		SCV_FAIL(VDS_R_INVALID_PARAM, "plex %u belongs to another volume", p->plex);
	t->plex = row->number;
	snprintf(fallback, sizeof(fallback), "%.40s-plex%u", v->name, row->number);
	return scv_name(st, p->name, fallback, t, why, len);
}

enum vds_result
sim_checkvol(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
             size_t len)
{
	switch (p->type) {
	case JOB_CREATE_VOLUME:
		return scv_create(st, p, t, why, len);
	case JOB_DELETE_VOLUME:
		return scv_delete(st, p, t, why, len);
	case JOB_SHRINK_VOLUME:
		return scv_shrink(st, p, t, why, len);
	case JOB_EXTEND_VOLUME:
		return scv_extend(st, p, t, why, len);
	case JOB_BREAK_PLEX:
		return scv_break(st, p, t, why, len);
	case JOB_ADD_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		return sim_checkplex(st, p, t, why, len);
	default:
		break;
	}
	SCV_FAIL(VDS_R_NOT_SUPPORTED, "not a volume job");
}
