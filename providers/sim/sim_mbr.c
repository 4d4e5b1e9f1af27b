/* SPDX-License-Identifier: ISC */
/*
 * sim_mbr.c - MBR extended and logical partitions of the sim provider.
 *
 * A logical partition's footprint is its data and the 1 MiB before it (its
 * EBR, aligned as libfdisk places it): footprints lie inside the container
 * and apart.  So the first logical partition starts 1 MiB after the
 * container, a later one 1 MiB after the previous one's end, as libfdisk's
 * free-space list has them; an offset inside that room means the start
 * after it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ptype.h"
#include "sim_mbr.h"

#define SM_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

const struct sim_part *
sim_mbr_ext(const struct sim_disk *d)
{
	for (size_t i = 0; d->pstyle == INV_PS_MBR && i < d->nparts; i++)
		if (d->parts[i].number <= 4 && ptype_mbr_extended(d->parts[i].type))
			return &d->parts[i];
	return NULL;
}

int
sim_mbr_logical(const struct sim_disk *d, const struct sim_part *p)
{
	return d->pstyle == INV_PS_MBR && p->number > 4;
}

size_t
sim_mbr_count(const struct sim_disk *d, int logical)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nparts; i++)
		n += (d->parts[i].number > 4) == !!logical;
	return n;
}

static int
sm_inside(const struct sim_part *e, uint64_t offset)
{
	return offset >= e->offset && offset - e->offset < e->size;
}

/*
 * The free areas for logical partitions of container e, in offset order:
 * the first one (of at least size bytes, and holding offset when not 0)
 * gives its start; 0 when none.  *total (may be NULL) sums the areas of at
 * least 1 MiB.
 */
static uint64_t
sm_areas(const struct sim_disk *d, const struct sim_part *e, uint64_t offset, uint64_t size,
         uint64_t *total)
{
	uint64_t last = e->offset, end = (e->offset + e->size) / SIM_ALIGN * SIM_ALIGN, a, b, s;

	for (size_t i = 0; i <= d->nparts; i++) {
		const struct sim_part *p = i < d->nparts ? &d->parts[i] : NULL;

		if (p && !sim_mbr_logical(d, p))
			continue;
		a = sim_align_up(last) + SIM_ALIGN;
		b = p ? p->offset - SIM_ALIGN : end;
		if (p)
			last = p->offset + p->size;
		if (b < a + SIM_ALIGN)
			continue;
		if (total)
			*total += b - a;
		if (offset && (offset + SIM_ALIGN < a || offset >= b))
			continue;
		s = offset > a ? sim_align_up(offset) : a;
		if (size && s + size <= b)
			return s;
		if (offset)
			return 0;
	}
	return 0;
}

uint64_t
sim_mbr_free(const struct sim_disk *d)
{
	const struct sim_part *e = sim_mbr_ext(d);
	uint64_t total = 0;

	if (e)
		sm_areas(d, e, 0, 0, &total);
	return total;
}

uint64_t
sim_mbr_room_after(const struct sim_disk *d, const struct sim_part *p)
{
	const struct sim_part *e = sim_mbr_ext(d);
	uint64_t end = p->offset + p->size, limit;

	if (!e || !sim_mbr_logical(d, p))
		return 0;
	limit = (e->offset + e->size) / SIM_ALIGN * SIM_ALIGN;
	for (size_t i = 0; i < d->nparts; i++)
		if (sim_mbr_logical(d, &d->parts[i]) && d->parts[i].offset >= end &&
		    d->parts[i].offset - SIM_ALIGN < limit)
			limit = d->parts[i].offset - SIM_ALIGN;
	return limit > end ? limit - end : 0;
}

enum vds_result
sim_mbr_place(const struct sim_disk *d, uint64_t offset, struct sim_target *t, char *why,
              size_t len)
{
	const struct sim_part *e = sim_mbr_ext(d);
	int logical = e && (offset ? sm_inside(e, offset) : sim_mbr_count(d, 0) >= 4);

	if (ptype_mbr_extended(t->ptype) && e)
		SM_FAIL(VDS_R_EXISTS, "disk %s has an extended partition already (partition %u)",
		        d->name, e->number);
	if (!logical && sim_mbr_count(d, 0) >= 4)
		SM_FAIL(VDS_R_NO_SPACE, "the MBR of %s has no free primary slot%s", d->name,
		        e ? " (a logical partition goes inside the extended one)" : "");
	if (logical && sim_mbr_count(d, 1) >= SIM_MBR_MAX_LOGICAL)
		SM_FAIL(VDS_R_NO_SPACE, "the MBR of %s holds %d logical partitions, the most",
		        d->name, SIM_MBR_MAX_LOGICAL);
	t->offset =
	    logical ? sm_areas(d, e, offset, t->size, NULL) : sim_disk_fit(d, offset, t->size);
	if (t->offset == 0)
		SM_FAIL(VDS_R_NO_SPACE, "no free %llu MiB extent on %s%s%s",
		        (unsigned long long)(t->size / SIM_MIB), d->name,
		        offset ? " at that offset" : "",
		        logical ? " in its extended partition" : "");
	return VDS_R_OK;
}

struct sim_part *
sim_mbr_add(struct sim_disk *d, uint64_t offset, uint64_t size)
{
	const struct sim_part *e = sim_mbr_ext(d);
	uint32_t number = 5 + (uint32_t)sim_mbr_count(d, 1);
	struct sim_part *p;

	if (!e || !sm_inside(e, offset))
		return sim_part_add(d, offset, size);
	if (!(p = sim_part_add(d, offset, size)))
		return NULL;
	p->number = number; /* the end of the chain */
	return p;
}

void
sim_mbr_uuid(const struct sim_disk *d, struct sim_part *p)
{
	snprintf(p->uuid, sizeof(p->uuid), "%s-%02u", d->table_id + 2, p->number);
}

void
sim_mbr_del(struct sim_disk *d, struct sim_part *p)
{
	uint32_t gone = sim_mbr_logical(d, p) ? p->number : 0;

	sim_part_del(d, p);
	for (size_t i = 0; gone && i < d->nparts; i++)
		if (d->parts[i].number > gone) {
			d->parts[i].number--;
			sim_mbr_uuid(d, &d->parts[i]);
		}
}

/* Logical partition p of d: inside container e, its EBR room free, after prev's end. */
static int
sm_check_logical(const struct sim_disk *d, const struct sim_part *e, const struct sim_part *p,
                 uint64_t prev_end, char *why, size_t len)
{
	if (!e)
		SM_FAIL(-1, "disk %s: logical partition %u without an extended partition", d->name,
		        p->number);
	if (p->offset < e->offset + SIM_ALIGN || p->offset + p->size > e->offset + e->size)
		SM_FAIL(
		    -1,
		    "disk %s: logical partition %u (offset %llu size %llu) outside its extended "
		    "partition %u (offset %llu size %llu) or without room for its EBR",
		    d->name, p->number, (unsigned long long)p->offset, (unsigned long long)p->size,
		    e->number, (unsigned long long)e->offset, (unsigned long long)e->size);
	if (ptype_mbr_extended(p->type))
		SM_FAIL(-1, "disk %s: logical partition %u has an extended type (%s)", d->name,
		        p->number, p->type);
	if (p->offset - SIM_ALIGN < prev_end)
		SM_FAIL(-1, "disk %s: logical partition %u overlaps the previous one or its EBR",
		        d->name, p->number);
	if (p->number > 4 + sim_mbr_count(d, 1))
		SM_FAIL(-1,
		        "disk %s: logical partition %u: the %zu logical partitions are numbered "
		        "5 to %zu",
		        d->name, p->number, sim_mbr_count(d, 1), 4 + sim_mbr_count(d, 1));
	return 0;
}

int
sim_mbr_check(const struct sim_disk *d, char *why, size_t len)
{
	const struct sim_part *e = sim_mbr_ext(d);
	uint64_t prev_end = 0;

	if (d->pstyle != INV_PS_MBR)
		return 0;
	for (size_t i = 0; i < d->nparts; i++) {
		const struct sim_part *p = &d->parts[i];

		if (p->number <= 4 && ptype_mbr_extended(p->type) && p != e)
			SM_FAIL(-1, "disk %s: a second extended partition (%u; %u is one)", d->name,
			        p->number, e->number);
		if (p == e && (p->fs_type[0] || p->mounted || p->used))
			SM_FAIL(-1, "disk %s: extended partition %u holds a file system", d->name,
			        p->number);
		if (!sim_mbr_logical(d, p))
			continue;
		if (sm_check_logical(d, e, p, prev_end, why, len) < 0)
			return -1;
		prev_end = p->offset + p->size;
	}
	return 0;
}
