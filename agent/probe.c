/* SPDX-License-Identifier: ISC */
/*
 * probe.c - a disk's partition table, partitions and file systems, read
 * with libblkid from a block device or an image file.
 *
 * One probe reads the label of the whole disk; a second probe, limited to
 * each partition's byte range of the same fd, reads the partition's file
 * system.  That works the same on devices without kernel partition nodes
 * (loop devices here) and on real disks.
 */
#include "config.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"

#define PROBE_GRAIN    (1024 * 1024) /* libfdisk's default alignment */
#define PROBE_SB_FLAGS (BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE)

/* A range of logical sectors, both ends inclusive. */
struct probe_span {
	uint64_t start, end;
};

/* Label geometry the free-space count needs, in logical sectors. */
struct probe_geom {
	uint64_t first, last, grain;
	int has_ext;
	struct probe_span ext;
};

void
probe_free_parts(struct inv_disk *d)
{
	free(d->parts);
	d->parts = NULL;
	d->nparts = 0;
}

static void VDS_PRINTF(2, 3) probe_fail(struct inv_disk *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->status_msg, sizeof(d->status_msg), fmt, ap);
	va_end(ap);
	if (d->status != INV_ST_MISSING)
		d->status = INV_ST_PROBE_ERROR;
	probe_free_parts(d);
	log_debug("probe", "%s: %s", d->devnode[0] ? d->devnode : "?", d->status_msg);
}

static void
probe_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static void
probe_lookup(blkid_probe pr, const char *name, char *dst, size_t len)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) != 0)
		v = NULL;
	probe_copy(dst, len, v);
}

static void
probe_reset_result(struct inv_disk *d)
{
	probe_free_parts(d);
	d->size = 0;
	d->sector_size = 0;
	d->pstyle = INV_PS_UNKNOWN;
	d->table_id[0] = d->fs_type[0] = d->fs_label[0] = d->fs_uuid[0] = '\0';
	d->free_bytes = 0;
	d->status_msg[0] = '\0';
	d->status = INV_ST_ONLINE;
}

static int
probe_open(const char *path, struct inv_disk *d)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		if (errno == ENOENT)
			d->status = INV_ST_MISSING;
		probe_fail(d, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		probe_fail(d, "not a block device or regular file");
		close(fd);
		return -1;
	}
	return fd;
}

/* The file system inside one partition, probed by its byte range. */
static void
probe_part_fs(blkid_probe sub, int fd, struct inv_part *p)
{
	int rc;

	if (blkid_probe_set_device(sub, fd, (blkid_loff_t)p->offset, (blkid_loff_t)p->size) != 0)
		return;
	blkid_probe_enable_partitions(sub, 0);
	blkid_probe_enable_superblocks(sub, 1);
	blkid_probe_set_superblocks_flags(sub, PROBE_SB_FLAGS);
	rc = blkid_do_safeprobe(sub);
	if (rc == -2)
		log_debug("probe", "partition %u: ambivalent file system signatures", p->number);
	if (rc != 0)
		return;
	probe_lookup(sub, "TYPE", p->fs_type, sizeof(p->fs_type));
	probe_lookup(sub, "LABEL", p->fs_label, sizeof(p->fs_label));
	probe_lookup(sub, "UUID", p->fs_uuid, sizeof(p->fs_uuid));
}

static void
probe_fill_part(struct inv_part *p, blkid_partition par, int gpt)
{
	unsigned long long flags = blkid_partition_get_flags(par);

	memset(p, 0, sizeof(*p));
	p->number = (uint32_t)blkid_partition_get_partno(par);
	p->offset = (uint64_t)blkid_partition_get_start(par) * 512; /* blkid: 512-byte units */
	p->size = (uint64_t)blkid_partition_get_size(par) * 512;
	if (gpt)
		probe_copy(p->type, sizeof(p->type), blkid_partition_get_type_string(par));
	else
		snprintf(p->type, sizeof(p->type), "0x%02x", blkid_partition_get_type(par));
	probe_copy(p->name, sizeof(p->name), blkid_partition_get_name(par));
	probe_copy(p->uuid, sizeof(p->uuid), blkid_partition_get_uuid(par));
	/* MBR: boot indicator 0x80; GPT: attribute bit 2, legacy BIOS bootable */
	p->bootable = gpt ? !!(flags & 0x4) : !!(flags & 0x80);
}

static void
probe_note_ext(struct probe_geom *g, blkid_partition par, uint32_t ss)
{
	uint64_t start = (uint64_t)blkid_partition_get_start(par) * 512 / ss;
	uint64_t size = (uint64_t)blkid_partition_get_size(par) * 512 / ss;

	if (g->has_ext || !size)
		return;
	g->has_ext = 1;
	g->ext.start = start;
	g->ext.end = start + size - 1;
}

/* The partitions of the label (see probe.h for what is left out). */
static int
probe_parts(blkid_partlist ls, int fd, struct inv_disk *d, struct probe_geom *g)
{
	blkid_parttable root = blkid_partlist_get_table(ls);
	int n = blkid_partlist_numof_partitions(ls), gpt = d->pstyle == INV_PS_GPT;
	blkid_probe sub = NULL;

	if (n <= 0)
		return 0;
	if (!(d->parts = calloc((size_t)n, sizeof(*d->parts))) || !(sub = blkid_new_probe())) {
		probe_fail(d, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);

		if (!par || blkid_partition_get_table(par) != root)
			continue;
		probe_fill_part(&d->parts[d->nparts], par, gpt);
		if (blkid_partition_is_extended(par))
			probe_note_ext(g, par, d->sector_size); /* a container: no file system */
		else
			probe_part_fs(sub, fd, &d->parts[d->nparts]);
		d->nparts++;
	}
	blkid_free_probe(sub);
	return 0;
}

static uint64_t
probe_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static int
probe_gpt_header(int fd, uint64_t lba, const struct inv_disk *d, struct probe_geom *g)
{
	unsigned char hdr[92];
	uint64_t total = d->size / d->sector_size, first, last;

	if (pread(fd, hdr, sizeof(hdr), (off_t)(lba * d->sector_size)) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "EFI PART", 8) != 0)
		return -1;
	first = probe_le64(hdr + 40);
	last = probe_le64(hdr + 48);
	if (first > last || last >= total)
		return -1;
	g->first = first;
	g->last = last;
	return 0;
}

/*
 * First and last usable LBA from the primary GPT header, else the backup
 * one (blkid validated one of them), else the usual 34 / end - 34.
 */
static void
probe_gpt_geom(int fd, const struct inv_disk *d, struct probe_geom *g)
{
	uint64_t total = d->size / d->sector_size;

	if (probe_gpt_header(fd, 1, d, g) == 0 || probe_gpt_header(fd, total - 1, d, g) == 0)
		return;
	g->first = 34;
	g->last = total > 34 ? total - 34 : 0;
}

static uint64_t
probe_gap(uint64_t a, uint64_t b, uint64_t grain)
{
	a = (a + grain - 1) / grain * grain;
	return a <= b ? b - a + 1 : 0;
}

static int
probe_span_cmp(const void *a, const void *b)
{
	const struct probe_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Free sectors between sorted spans inside [first, last] (libfdisk's rule). */
static uint64_t
probe_free_top(const struct probe_span *s, size_t n, const struct probe_geom *g)
{
	uint64_t cur = g->first, sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (cur + g->grain <= s[i].start)
			sum += probe_gap(cur + (cur > g->first), s[i].start - 1, g->grain);
		if (s[i].end > cur)
			cur = s[i].end;
	}
	if (cur + g->grain < g->last)
		sum += probe_gap(cur + (cur > g->first || n), g->last, g->grain);
	return sum;
}

/* Free sectors inside the extended container: each logical needs its EBR. */
static uint64_t
probe_free_ext(const struct probe_span *s, size_t n, const struct probe_geom *g)
{
	uint64_t cur = g->ext.start, sum = 0, a;

	for (size_t i = 0; i < n; i++) {
		a = cur + g->first;
		if (s[i].start > a && s[i].start - a > g->grain)
			sum += probe_gap(a, s[i].start - 1, g->grain);
		cur = s[i].end;
	}
	a = cur + g->first;
	if (a < g->ext.end && g->ext.end - a > g->grain)
		sum += probe_gap(a, g->ext.end, g->grain);
	return sum;
}

static int
probe_free_space(struct inv_disk *d, const struct probe_geom *g)
{
	struct probe_span *top = calloc(d->nparts + 1, sizeof(*top));
	struct probe_span *lg = calloc(d->nparts + 1, sizeof(*lg));
	size_t ntop = 0, nlg = 0;
	uint32_t ss = d->sector_size;

	if (!top || !lg) {
		free(top);
		free(lg);
		return -1;
	}
	for (size_t i = 0; i < d->nparts; i++) {
		struct probe_span sp = {d->parts[i].offset / ss,
		                        (d->parts[i].offset + d->parts[i].size) / ss - 1};
		if (g->has_ext && sp.start == g->ext.start && sp.end == g->ext.end &&
		    d->parts[i].number <= 4)
			continue; /* the container: added once below */
		if (g->has_ext && d->pstyle == INV_PS_MBR && d->parts[i].number > 4)
			lg[nlg++] = sp;
		else
			top[ntop++] = sp;
	}
	if (g->has_ext)
		top[ntop++] = g->ext;
	qsort(top, ntop, sizeof(*top), probe_span_cmp);
	qsort(lg, nlg, sizeof(*lg), probe_span_cmp);
	d->free_bytes = probe_free_top(top, ntop, g) * ss;
	if (g->has_ext)
		d->free_bytes += probe_free_ext(lg, nlg, g) * ss;
	free(top);
	free(lg);
	return 0;
}

static int
probe_table(blkid_partlist ls, int fd, struct inv_disk *d)
{
	blkid_parttable tab = blkid_partlist_get_table(ls);
	const char *type = blkid_parttable_get_type(tab);
	struct probe_geom g = {.grain = PROBE_GRAIN / d->sector_size};

	probe_copy(d->table_id, sizeof(d->table_id), blkid_parttable_get_id(tab));
	if (type && strcmp(type, "gpt") == 0) {
		d->pstyle = INV_PS_GPT;
		probe_gpt_geom(fd, d, &g);
	} else if (type && strcmp(type, "dos") == 0) {
		d->pstyle = INV_PS_MBR;
		g.first = g.grain;
		g.last = d->size / d->sector_size - 1;
	} else {
		probe_fail(d, "unsupported partition table \"%s\"", type ? type : "?");
		d->pstyle = INV_PS_UNKNOWN;
		return -1;
	}
	if (probe_parts(ls, fd, d, &g) < 0)
		return -1;
	if (probe_free_space(d, &g) < 0) {
		probe_fail(d, "out of memory");
		return -1;
	}
	return 0;
}

static int
probe_whole_disk(int rc, const char *pttype, struct inv_disk *d)
{
	d->pstyle = INV_PS_NONE;
	if (rc == -2) {
		probe_fail(d, "ambivalent signatures (several file systems?)");
		return -1;
	}
	/* e.g. "PMBR": a protective MBR whose GPT headers are both damaged */
	if (pttype[0]) {
		d->pstyle = INV_PS_UNKNOWN;
		probe_fail(d, "damaged or unsupported partition table \"%s\"", pttype);
		return -1;
	}
	d->free_bytes = d->fs_type[0] ? 0 : d->size;
	return 0;
}

static int
probe_label(blkid_probe pr, int fd, struct inv_disk *d)
{
	blkid_partlist ls;
	char pttype[32] = "";
	int rc;

	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, PROBE_SB_FLAGS);
	errno = 0;
	rc = blkid_do_safeprobe(pr);
	if (rc == -1) {
		probe_fail(d, "cannot read label: %s", errno ? strerror(errno) : "probe failed");
		return -1;
	}
	if (rc == 0) { /* copy now: blkid_probe_get_partitions() resets the values */
		probe_lookup(pr, "PTTYPE", pttype, sizeof(pttype));
		probe_lookup(pr, "TYPE", d->fs_type, sizeof(d->fs_type));
		probe_lookup(pr, "LABEL", d->fs_label, sizeof(d->fs_label));
		probe_lookup(pr, "UUID", d->fs_uuid, sizeof(d->fs_uuid));
	}
	ls = blkid_probe_get_partitions(pr);
	if (ls && blkid_partlist_get_table(ls)) {
		d->fs_type[0] = d->fs_label[0] = d->fs_uuid[0] = '\0';
		return probe_table(ls, fd, d);
	}
	return probe_whole_disk(rc, pttype, d);
}

int
probe_disk(const char *path, struct inv_disk *d)
{
	blkid_probe pr = NULL;
	int fd, rc = -1;

	probe_reset_result(d);
	if ((fd = probe_open(path, d)) < 0)
		return -1;
	if (!(pr = blkid_new_probe()) || blkid_probe_set_device(pr, fd, 0, 0) != 0) {
		probe_fail(d, "cannot set up probe (empty or unreadable device)");
		goto out;
	}
	d->size = (uint64_t)blkid_probe_get_size(pr);
	d->sector_size = blkid_probe_get_sectorsize(pr);
	if (d->size == 0 || d->sector_size < 512 || d->size < d->sector_size) {
		probe_fail(d, "empty device (%llu bytes)", (unsigned long long)d->size);
		goto out;
	}
	rc = probe_label(pr, fd, d);
out:
	if (pr)
		blkid_free_probe(pr);
	close(fd);
	return rc;
}
