/* SPDX-License-Identifier: ISC */
/*
 * sim_state.c - the sim provider's objects in memory: lookup, add, delete,
 * and the geometry rules (1 MiB alignment, GPT/MBR usable areas, pack space)
 * that the checks and the commits share.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "sim_mbr.h"
#include "sim_state.h"

#define SIM_GPT_TAIL (33ULL * SIM_SECTOR) /* backup entries + header */

uint64_t
sim_align_up(uint64_t v)
{
	return (v + SIM_ALIGN - 1) / SIM_ALIGN * SIM_ALIGN;
}

struct sim_disk *
sim_disk_find(struct sim_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ndisks; i++)
		if (strcmp(st->disks[i].name, name) == 0)
			return &st->disks[i];
	return NULL;
}

struct sim_part *
sim_part_find(struct sim_disk *d, uint32_t number)
{
	size_t i;

	for (i = 0; i < d->nparts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

struct sim_pack *
sim_pack_find(struct sim_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->npacks; i++)
		if (strcmp(st->packs[i].name, name) == 0)
			return &st->packs[i];
	return NULL;
}

struct sim_volume *
sim_vol_find(struct sim_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nvols; i++)
		if (strcmp(st->vols[i].name, name) == 0)
			return &st->vols[i];
	return NULL;
}

struct sim_plex *
sim_plex_find(struct sim_volume *v, uint32_t number)
{
	size_t i;

	for (i = 0; i < v->nplexes; i++)
		if (v->plexes[i].number == number)
			return &v->plexes[i];
	return NULL;
}

struct sim_vdisk *
sim_vdisk_find(struct sim_state *st, const char *path)
{
	size_t i;

	for (i = 0; i < st->nvdisks; i++)
		if (strcmp(st->vdisks[i].path, path) == 0)
			return &st->vdisks[i];
	return NULL;
}

/* Bytes the image's data takes now: metadata and what its partitions use. */
uint64_t
sim_vdisk_live(struct sim_state *st, const struct sim_vdisk *vd)
{
	const struct sim_disk *d = sim_disk_find(st, vd->disk);
	uint64_t a = 2 * SIM_MIB; /* header, block allocation table, footer */

	if (vd->type == INV_VDT_FIXED)
		return vd->virtual_size + (vd->format == INV_VF_VHD ? SIM_SECTOR : 0);
	for (size_t i = 0; d && i < d->nparts; i++)
		a += d->parts[i].used;
	return a;
}

uint64_t
sim_vdisk_allocated(struct sim_state *st, const struct sim_vdisk *vd)
{
	uint64_t live = sim_vdisk_live(st, vd);

	return vd->alloc > live ? vd->alloc : live;
}

size_t
sim_vdisk_children(struct sim_state *st, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < st->nvdisks; i++)
		n += st->vdisks[i].type == INV_VDT_DIFFERENCING &&
		     strcmp(st->vdisks[i].parent, path) == 0;
	return n;
}

struct sim_vdisk *
sim_vdisk_of_disk(struct sim_state *st, const struct sim_disk *d)
{
	return d->vdisk[0] ? sim_vdisk_find(st, d->vdisk) : NULL;
}

struct sim_disk *
sim_disk_add(struct sim_state *st, const char *name, uint64_t size)
{
	struct sim_disk *d;

	if (st->ndisks >= SIM_MAX_DISKS || sim_disk_find(st, name))
		return NULL;
	d = &st->disks[st->ndisks++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->size = size;
	d->pstyle = INV_PS_NONE;
	return d;
}

/* Insert keeping parts sorted by offset; number = lowest free. */
struct sim_part *
sim_part_add(struct sim_disk *d, uint64_t offset, uint64_t size)
{
	uint32_t number = 1;
	size_t pos = 0;
	struct sim_part *p;

	if (d->nparts >= SIM_MAX_PARTS)
		return NULL;
	while (sim_part_find(d, number))
		number++;
	while (pos < d->nparts && d->parts[pos].offset < offset)
		pos++;
	memmove(&d->parts[pos + 1], &d->parts[pos], (d->nparts - pos) * sizeof(d->parts[0]));
	d->nparts++;
	p = &d->parts[pos];
	memset(p, 0, sizeof(*p));
	p->number = number;
	p->offset = offset;
	p->size = size;
	return p;
}

struct sim_volume *
sim_vol_add(struct sim_state *st, const char *name)
{
	struct sim_volume *v;

	if (st->nvols >= SIM_MAX_VOLS || sim_vol_find(st, name))
		return NULL;
	v = &st->vols[st->nvols++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

void
sim_disk_del(struct sim_state *st, struct sim_disk *d)
{
	size_t i = (size_t)(d - st->disks);

	memmove(d, d + 1, (st->ndisks - i - 1) * sizeof(*d));
	st->ndisks--;
}

void
sim_part_del(struct sim_disk *d, struct sim_part *p)
{
	size_t i = (size_t)(p - d->parts);

	memmove(p, p + 1, (d->nparts - i - 1) * sizeof(*p));
	d->nparts--;
}

void
sim_vol_del(struct sim_state *st, struct sim_volume *v)
{
	size_t i = (size_t)(v - st->vols);

	memmove(v, v + 1, (st->nvols - i - 1) * sizeof(*v));
	st->nvols--;
}

void
sim_plex_del(struct sim_volume *v, struct sim_plex *px)
{
	size_t i = (size_t)(px - v->plexes);

	memmove(px, px + 1, (v->nplexes - i - 1) * sizeof(*px));
	v->nplexes--;
}

void
sim_vdisk_del(struct sim_state *st, struct sim_vdisk *vd)
{
	size_t i = (size_t)(vd - st->vdisks);

	memmove(vd, vd + 1, (st->nvdisks - i - 1) * sizeof(*vd));
	st->nvdisks--;
}

void
sim_disk_usable(const struct sim_disk *d, uint64_t *first, uint64_t *end)
{
	uint64_t last = d->size;

	if (d->pstyle == INV_PS_GPT)
		last = d->size > SIM_GPT_TAIL ? d->size - SIM_GPT_TAIL : 0;
	*first = SIM_ALIGN;
	*end = last / SIM_ALIGN * SIM_ALIGN;
	if (d->pstyle != INV_PS_GPT && d->pstyle != INV_PS_MBR)
		*end = 0;
	if (*end < *first)
		*end = *first;
}

/* Walk the aligned gaps of d from offset on: the first start that fits size (0: none), summing the
 * gaps into *total. */
static uint64_t
sim_disk_gaps(const struct sim_disk *d, uint64_t from, uint64_t size, uint64_t *total)
{
	uint64_t first, end, pos, gap_end;
	size_t i = 0;

	sim_disk_usable(d, &first, &end);
	pos = sim_align_up(from > first ? from : first);
	for (;;) {
		while (i < d->nparts && d->parts[i].offset + d->parts[i].size <= pos)
			i++;
		if (i < d->nparts && d->parts[i].offset <= pos) {
			pos = sim_align_up(d->parts[i].offset + d->parts[i].size);
			continue;
		}
		gap_end = i < d->nparts ? d->parts[i].offset / SIM_ALIGN * SIM_ALIGN : end;
		if (gap_end > end)
			gap_end = end;
		if (pos >= end)
			return 0;
		if (gap_end >= pos + SIM_ALIGN && total)
			*total += gap_end - pos;
		if (size && gap_end >= pos + size)
			return pos;
		if (i >= d->nparts)
			return 0;
		pos = sim_align_up(d->parts[i].offset + d->parts[i].size);
	}
}

uint64_t
sim_disk_free(const struct sim_disk *d)
{
	uint64_t total = 0;

	if (d->pstyle != INV_PS_GPT && d->pstyle != INV_PS_MBR)
		return d->pack[0] ? 0 : d->size;
	sim_disk_gaps(d, 0, 0, &total);
	return total + sim_mbr_free(d);
}

uint64_t
sim_disk_fit(const struct sim_disk *d, uint64_t offset, uint64_t size)
{
	uint64_t at;

	size = sim_align_up(size);
	if (size == 0)
		return 0;
	at = sim_disk_gaps(d, offset, size, NULL);
	/* An explicit offset must be the start of the chosen gap. */
	if (offset && at != sim_align_up(offset))
		return 0;
	return at;
}

static size_t
sim_list_count(const char *list)
{
	size_t n = list[0] ? 1 : 0;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

int
sim_list_has(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);

		if (l == len && strncmp(p, name, len) == 0)
			return 1;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

uint64_t
sim_plex_share(const struct sim_volume *v, const struct sim_plex *px)
{
	size_t n = sim_list_count(px->devices);
	unsigned par = v->parity ? v->parity : 1;

	if (n == 0)
		return 0;
	if (v->type == INV_VT_PARITY && n > par)
		return sim_align_up(v->size / (n - par));
	return sim_align_up((v->size + n - 1) / n);
}

uint64_t
sim_disk_cap_as_pack(const struct sim_disk *d)
{
	if (d->size <= SIM_PACK_RESERVE)
		return 0;
	return (d->size - SIM_PACK_RESERVE) / SIM_ALIGN * SIM_ALIGN;
}

uint64_t
sim_disk_pack_cap(const struct sim_disk *d)
{
	return d->pack[0] ? sim_disk_cap_as_pack(d) : 0;
}

uint64_t
sim_disk_pack_used(const struct sim_state *st, const struct sim_disk *d)
{
	uint64_t used = 0;
	size_t i, j;

	for (i = 0; i < st->nvols; i++) {
		const struct sim_volume *v = &st->vols[i];

		for (j = 0; j < v->nplexes; j++)
			if (sim_list_has(v->plexes[j].devices, d->name))
				used += sim_plex_share(v, &v->plexes[j]);
	}
	return used;
}

void
sim_new_guid(char out[40], int upper)
{
	char *c;

	idmap_new_uuid(out);
	if (upper)
		for (c = out; *c; c++)
			if (*c >= 'a' && *c <= 'f')
				*c = (char)(*c - 'a' + 'A');
}

/* ---- checking a loaded state ---- */

#define SV_FAIL(...)                                                                               \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return -1;                                                                         \
	} while (0)

static int
sv_name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* A file system type or label: empty, or printable ASCII. */
static int
sv_text_ok(const char *s)
{
	return !*s || sv_name_ok(s);
}

static int
sv_size_ok(uint64_t v)
{
	return v > 0 && v <= SIM_MAX_BYTES;
}

static int
sv_disk_named(const struct sim_state *st, const char *name, size_t before)
{
	for (size_t i = 0; i < before; i++)
		if (strcmp(st->disks[i].name, name) == 0)
			return 1;
	return 0;
}

static int
sv_pack_named(const struct sim_state *st, const char *name)
{
	for (size_t i = 0; i < st->npacks; i++)
		if (strcmp(st->packs[i].name, name) == 0)
			return 1;
	return 0;
}

static int
sv_disk(const struct sim_state *st, size_t di, char *why, size_t len)
{
	const struct sim_disk *d = &st->disks[di];
	uint64_t end, last = 0;

	if (!sv_name_ok(d->name) || sv_disk_named(st, d->name, di))
		SV_FAIL("disk %zu: missing, bad or repeated name", di + 1);
	if (!sv_size_ok(d->size) || d->size % SIM_SECTOR)
		SV_FAIL("disk %s: size %llu out of range", d->name, (unsigned long long)d->size);
	if (d->pack[0] && !sv_pack_named(st, d->pack))
		SV_FAIL("disk %s: no pack %s", d->name, d->pack);
	if (d->pstyle == INV_PS_NONE && d->nparts)
		SV_FAIL("disk %s: partitions without a partition table", d->name);
	for (size_t i = 0; i < d->nparts; i++) {
		const struct sim_part *p = &d->parts[i];

		if (p->number == 0 || p->number > SIM_MAX_PARTS)
			SV_FAIL("disk %s: partition number %u out of range", d->name, p->number);
		for (size_t j = 0; j < i; j++)
			if (d->parts[j].number == p->number)
				SV_FAIL("disk %s: partition %u twice", d->name, p->number);
		if (!sv_size_ok(p->size) || __builtin_add_overflow(p->offset, p->size, &end) ||
		    end > d->size || (!sim_mbr_logical(d, p) && p->offset < last))
			SV_FAIL("disk %s: partition %u (offset %llu size %llu) out of the disk or "
			        "overlapping",
			        d->name, p->number, (unsigned long long)p->offset,
			        (unsigned long long)p->size);
		if (p->used > p->size)
			SV_FAIL("disk %s: partition %u uses more than its size", d->name,
			        p->number);
		if (!sv_text_ok(p->fs_type) || !sv_text_ok(p->fs_label) || !sv_text_ok(p->fs_uuid))
			SV_FAIL("disk %s: partition %u: bad file system type, label or uuid",
			        d->name, p->number);
		if (!sim_mbr_logical(d, p)) /* logical ones: inside their container */
			last = end;
	}
	return sim_mbr_check(d, why, len);
}

static const struct sim_disk *
sv_disk_find(const struct sim_state *st, const char *name)
{
	for (size_t i = 0; i < st->ndisks; i++)
		if (strcmp(st->disks[i].name, name) == 0)
			return &st->disks[i];
	return NULL;
}

static int
sv_volume(const struct sim_state *st, size_t vi, char *why, size_t len)
{
	const struct sim_volume *v = &st->vols[vi];
	const struct sim_disk *d;
	char dev[SIM_NAME_LEN];

	if (!sv_name_ok(v->name))
		SV_FAIL("volume %zu: missing or bad name", vi + 1);
	for (size_t i = 0; i < vi; i++)
		if (strcmp(st->vols[i].name, v->name) == 0)
			SV_FAIL("volume %s twice", v->name);
	if (!sv_size_ok(v->size) || v->used > v->size || v->stripe_size > SIM_MAX_BYTES)
		SV_FAIL("volume %s: size %llu, used %llu or stripe out of range", v->name,
		        (unsigned long long)v->size, (unsigned long long)v->used);
	if (v->parity > 2 || (v->parity && v->type != INV_VT_PARITY))
		SV_FAIL("volume %s: parity %u (1 or 2, parity volumes only)", v->name, v->parity);
	if (v->type == INV_VT_PARITY && v->nplexes > 1)
		SV_FAIL("volume %s: a parity volume has one plex", v->name);
	if (v->pack[0] && !sv_pack_named(st, v->pack))
		SV_FAIL("volume %s: no pack %s", v->name, v->pack);
	if (!sv_text_ok(v->fs_type) || !sv_text_ok(v->fs_label) || !sv_text_ok(v->fs_uuid))
		SV_FAIL("volume %s: bad file system type, label or uuid", v->name);
	for (size_t i = 0; i < v->nplexes; i++) {
		const char *s = v->plexes[i].devices;

		if (v->plexes[i].number == 0 || !*s)
			SV_FAIL("volume %s: plex %zu without a number or devices", v->name, i + 1);
		while (*s) {
			size_t l = strcspn(s, ",");

			if (l == 0 || l >= sizeof(dev))
				SV_FAIL("volume %s: bad device list", v->name);
			memcpy(dev, s, l);
			dev[l] = '\0';
			if (!(d = sv_disk_find(st, dev)))
				SV_FAIL("volume %s: plex %u names no disk %s", v->name,
				        v->plexes[i].number, dev);
			if (strcmp(d->pack, v->pack) != 0)
				SV_FAIL("volume %s: disk %s is not in pack %s", v->name, dev,
				        v->pack);
			if (sim_list_has(s + l, dev))
				SV_FAIL("volume %s: disk %s twice in plex %u", v->name, dev,
				        v->plexes[i].number);
			for (size_t j = 0; j < i; j++)
				if (sim_list_has(v->plexes[j].devices, dev) ||
				    v->plexes[j].number == v->plexes[i].number)
					SV_FAIL("volume %s: disk %s or plex number %u twice",
					        v->name, dev, v->plexes[i].number);
			s += l + (s[l] == ',');
		}
	}
	return 0;
}

/* A vdisk's allocation and parent chain: a differencing VHD over an existing VHD, no loop. */
static int
sv_vdisk_chain(const struct sim_state *st, const struct sim_vdisk *vd, char *why, size_t len)
{
	const struct sim_vdisk *p = vd;

	if (vd->alloc > vd->virtual_size + 2 * SIM_MIB)
		SV_FAIL("vdisk %s: alloc %llu beyond its size", vd->path,
		        (unsigned long long)vd->alloc);
	if ((vd->type == INV_VDT_DIFFERENCING) != (vd->parent[0] != '\0'))
		SV_FAIL("vdisk %s: a parent is for a differencing vdisk only, and it needs one",
		        vd->path);
	if (vd->type == INV_VDT_DIFFERENCING && vd->format != INV_VF_VHD)
		SV_FAIL("vdisk %s: a differencing vdisk is a VHD", vd->path);
	for (size_t n = 0; p && p->type == INV_VDT_DIFFERENCING; n++) {
		if (n >= SIM_MAX_VDISKS)
			SV_FAIL("vdisk %s: its parents make a loop", vd->path);
		const char *want = p->parent;

		p = NULL;
		for (size_t i = 0; i < st->nvdisks; i++)
			if (strcmp(st->vdisks[i].path, want) == 0)
				p = &st->vdisks[i];
		if (!p)
			SV_FAIL("vdisk %s: a parent in its chain is missing", vd->path);
		if (p->format != INV_VF_VHD || p->virtual_size != vd->virtual_size)
			SV_FAIL("vdisk %s: its parent %s is not a VHD of its size", vd->path,
			        p->path);
	}
	return 0;
}

int
sim_state_check(const struct sim_state *st, char *why, size_t len)
{
	for (size_t i = 0; i < st->npacks; i++) {
		if (!sv_name_ok(st->packs[i].name))
			SV_FAIL("pack %zu: missing or bad name", i + 1);
		for (size_t j = 0; j < i; j++)
			if (strcmp(st->packs[i].name, st->packs[j].name) == 0)
				SV_FAIL("pack %s twice", st->packs[i].name);
	}
	for (size_t i = 0; i < st->ndisks; i++)
		if (sv_disk(st, i, why, len) < 0)
			return -1;
	for (size_t i = 0; i < st->nvols; i++)
		if (sv_volume(st, i, why, len) < 0)
			return -1;
	for (size_t i = 0; i < st->ndisks; i++) { /* the volumes fit their disks */
		const struct sim_disk *d = &st->disks[i];

		if (d->pack[0] && sim_disk_pack_used(st, d) > sim_disk_pack_cap(d))
			SV_FAIL("disk %s: its volumes take %llu bytes, it holds %llu", d->name,
			        (unsigned long long)sim_disk_pack_used(st, d),
			        (unsigned long long)sim_disk_pack_cap(d));
	}
	for (size_t i = 0; i < st->nvdisks; i++) {
		const struct sim_vdisk *vd = &st->vdisks[i];

		if (vd->path[0] != '/' || !sv_name_ok(vd->path) || !sv_size_ok(vd->virtual_size))
			SV_FAIL("vdisk %zu: bad path or size", i + 1);
		const struct sim_disk *d = vd->disk[0] ? sv_disk_find(st, vd->disk) : NULL;

		if (vd->disk[0] && (!d || strcmp(d->vdisk, vd->path) != 0))
			SV_FAIL("vdisk %s: no disk %s backed by it", vd->path, vd->disk);
		for (size_t j = 0; j < i; j++)
			if (strcmp(st->vdisks[j].path, vd->path) == 0 ||
			    (vd->disk[0] && strcmp(st->vdisks[j].disk, vd->disk) == 0))
				SV_FAIL("vdisk %s: its path or disk %s twice", vd->path, vd->disk);
		if (sv_vdisk_chain(st, vd, why, len) < 0)
			return -1;
	}
	for (size_t i = 0; i < st->ndisks; i++) {
		const char *vp = st->disks[i].vdisk;
		size_t j = 0;

		while (vp[0] && j < st->nvdisks && strcmp(st->vdisks[j].path, vp) != 0)
			j++;
		if (vp[0] && j == st->nvdisks)
			SV_FAIL("disk %s: no vdisk %s", st->disks[i].name, vp);
	}
	return 0;
}
