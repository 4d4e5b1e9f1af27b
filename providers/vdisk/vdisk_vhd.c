/* SPDX-License-Identifier: ISC */
/*
 * vdisk_vhd.c - dynamic and differencing VHDs: the file layout vdsd
 * writes, the checks every file read gets, sector reads through the
 * parent chain and block allocation on write (create, grow and merge:
 * vdisk_vhd_edit.c).
 *
 * Layout of a file made here: footer copy (512), dynamic header (1024),
 * BAT (4 bytes a block, padded to a sector), for a differencing VHD two
 * 512-byte locator slots (W2ku, W2ru), then the blocks as they are
 * allocated, each a sector bitmap (one bit a sector, most significant bit
 * first) and the block's data, then the footer.  A new block is put where
 * the footer was: the footer is written past it first, then the bitmap,
 * then the BAT entry, so a crash leaves at worst an unlisted block.
 *
 * A set bitmap bit means this file holds the sector; a clear one means the
 * parent's data (differencing) or zeros (dynamic).  A dynamic VHD's new
 * block gets every bit set (its data is the file's zeros), as qemu and
 * Windows expect; a differencing VHD's gets a bit per sector written.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vdisk_vhd.h"
#include "vdisk_vhd_int.h"

int
vhd_bad(char *msg, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

static int
vhd_pread(int fd, void *buf, size_t n, uint64_t off)
{
	char *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO; /* the file got shorter than its checks said */
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int
vhd_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	const char *p = buf;

	while (n) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ENOSPC;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

uint64_t
vhd_round(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

int
vhd_bit(const uint8_t *bm, uint32_t i)
{
	return bm[i / 8] >> (7 - i % 8) & 1;
}

static void
vhd_set_bit(uint8_t *bm, uint32_t i)
{
	bm[i / 8] = (uint8_t)(bm[i / 8] | 1U << (7 - i % 8));
}

/* ------------------------------------------------------------ locators */

/* An ASCII path as UTF-16 (big-endian for the Unicode name, else little); its bytes. */
static size_t
vhd_utf16(uint8_t *out, size_t cap, const char *s, int big)
{
	size_t n = strlen(s);

	if (2 * n > cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		out[2 * i + big] = (uint8_t)s[i];
		out[2 * i + !big] = 0;
	}
	return 2 * n;
}

/* UTF-16LE locator data of printable ASCII back to a string; -1 otherwise. */
static int
vhd_from_utf16(char *out, size_t cap, const uint8_t *in, size_t n)
{
	size_t k = 0;

	if (n % 2 || n / 2 >= cap)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		if (in[i] == 0 && in[i + 1] == 0)
			break; /* a terminating NUL */
		if (in[i + 1] != 0 || in[i] < 0x20 || in[i] > 0x7e)
			return -1;
		out[k++] = (char)in[i];
	}
	out[k] = '\0';
	return k ? 0 : -1;
}

/* Path of `to` relative to the directory of `from` (both absolute, normalised), Windows style. */
static int
vhd_relative(char *out, size_t cap, const char *from, const char *to)
{
	size_t common = 0, i, n = 0;
	const char *p;

	for (i = 0; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	out[0] = '\0';
	for (p = from + common; (p = strchr(p, '/')); p++)
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "..\\");
	if (n == 0)
		n = (size_t)snprintf(out, cap, ".\\");
	for (p = to + common; *p && n < cap; p++)
		out[n++] = *p == '/' ? '\\' : *p;
	if (n >= cap)
		return -1;
	out[n] = '\0';
	return 0;
}

/*
 * Write p as the parent of the differencing VHD whose header is h: unique
 * id, time stamp, Unicode name and the two locators at loc (2 slots of
 * VHD_LOC_SLOT bytes in fd).  The header's checksum is not updated.
 */
int
vhd_put_parent(uint8_t *h, int fd, uint64_t loc, const char *child, const struct vhd *p, char *msg,
               size_t len)
{
	uint8_t slot[2][VHD_LOC_SLOT];
	char rel[PATH_MAX];
	const char *base;
	size_t n[2];
	struct stat sb;

	if (fstat(p->fd, &sb) < 0)
		return vdi_fail(msg, len, "cannot stat", p->path);
	if (vhd_relative(rel, sizeof(rel), child, p->path) < 0)
		return vhd_bad(msg, len, ENAMETOOLONG, "%s: the path to its parent is too long",
		               child);
	memset(slot, 0, sizeof(slot));
	memset(h + 64, 0, 512);
	base = strrchr(p->path, '/');
	if (!(n[0] = vhd_utf16(slot[0], VHD_LOC_SLOT, p->path, 0)) ||
	    !(n[1] = vhd_utf16(slot[1], VHD_LOC_SLOT, rel, 0)) ||
	    !vhd_utf16(h + 64, 512, base ? base + 1 : p->path, 1))
		return vhd_bad(msg, len, ENAMETOOLONG,
		               "%s: the parent path %s is longer than a locator holds", child,
		               p->path);
	memcpy(h + 40, p->footer + 68, 16);
	vdi_be(h + 56, vdi_vhd_time((uint32_t)sb.st_mtime), 4);
	memset(h + VHD_LOC_AT, 0, 8 * 24);
	for (unsigned i = 0; i < 2; i++) {
		uint8_t *e = h + VHD_LOC_AT + 24 * i;

		vdi_be(e, i == 0 ? VHD_W2KU : VHD_W2RU, 4);
		vdi_be(e + 4, VHD_LOC_SLOT, 4); /* data space, in bytes (as Windows 7 on) */
		vdi_be(e + 8, n[i], 4);
		vdi_be(e + 16, loc + i * VHD_LOC_SLOT, 8);
	}
	if (vhd_pwrite(fd, slot, sizeof(slot), loc) < 0)
		return vdi_fail(msg, len, "cannot write the parent locators of", child);
	return 0;
}

/* The parent's path from locator entry e of v, or -1 (no such locator or not usable). */
static int
vhd_locator(const struct vhd *v, uint32_t code, char *out, size_t cap)
{
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *e = v->header + VHD_LOC_AT + 24 * i;
		uint64_t off = vdi_get_be(e + 16, 8);
		uint32_t n = (uint32_t)vdi_get_be(e + 8, 4);
		uint8_t buf[2 * PATH_MAX];
		char path[PATH_MAX], dir[PATH_MAX], *slash;

		if (vdi_get_be(e, 4) != code || n == 0 || n > sizeof(buf) || off > v->end ||
		    n > v->end - off || vhd_pread(v->fd, buf, n, off) < 0 ||
		    vhd_from_utf16(path, sizeof(path), buf, n) < 0)
			continue;
		if (code == VHD_W2KU) {
			if (path[0] != '/')
				continue; /* a Windows path: nothing to find on this host */
			snprintf(out, cap, "%s", path);
			return 0;
		}
		for (char *c = path; *c; c++)
			if (*c == '\\')
				*c = '/';
		snprintf(dir, sizeof(dir), "%s", v->path);
		slash = strrchr(dir, '/');
		*(slash ? slash : dir) = '\0';
		if ((size_t)snprintf(out, cap, "%s/%s", dir, path) >= cap)
			continue;
		return 0;
	}
	return -1;
}

/* ---------------------------------------------------------------- open */

struct vhd_range {
	uint64_t from, to;
	uint32_t entry; /* a BAT entry's block, or VHD_UNUSED: footer copy, header, BAT, locator */
};

static int
vhd_cmp_range(const void *a, const void *b)
{
	const struct vhd_range *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* Every block the BAT lists inside the file, on no metadata and on no other block. */
static int
vhd_check_layout(struct vhd *v, const struct vhd_range *meta, size_t nmeta, char *msg, size_t len)
{
	uint64_t span = (uint64_t)v->bmp + v->block;
	struct vhd_range *r = malloc((nmeta + v->nbat) * sizeof(*r));
	size_t n = nmeta;
	int rc = 0;

	if (!r)
		return vhd_bad(msg, len, ENOMEM, "%s: out of memory", v->path);
	memcpy(r, meta, nmeta * sizeof(*r));
	for (uint32_t i = 0; i < v->nbat && rc == 0; i++) {
		uint64_t at = (uint64_t)v->bat[i] * VHD_SECTOR;

		if (v->bat[i] == VHD_UNUSED)
			continue;
		if (at + span > v->end)
			rc = vhd_bad(msg, len, EINVAL,
			             "%s: BAT entry %" PRIu32 " points past the end of the file "
			             "(sector %" PRIu32 ")",
			             v->path, i, v->bat[i]);
		r[n++] = (struct vhd_range){at, at + span, i};
	}
	qsort(r, n, sizeof(*r), vhd_cmp_range);
	for (size_t k = 1; k < n && rc == 0; k++) {
		const struct vhd_range *a = &r[k - 1], *b = &r[k];

		if (b->from >= a->to)
			continue;
		if (a->entry != VHD_UNUSED && b->entry != VHD_UNUSED)
			rc = vhd_bad(msg, len, EINVAL,
			             "%s: two BAT entries overlap (%" PRIu32 " and %" PRIu32 ")",
			             v->path, a->entry, b->entry);
		else if (a->entry != VHD_UNUSED || b->entry != VHD_UNUSED)
			rc = vhd_bad(msg, len, EINVAL,
			             "%s: BAT entry %" PRIu32
			             " overlaps the header, BAT or a locator",
			             v->path, a->entry != VHD_UNUSED ? a->entry : b->entry);
		else
			rc = vhd_bad(msg, len, EINVAL, "%s: its header, BAT and locators overlap",
			             v->path);
	}
	free(r);
	return rc;
}

/* The dynamic header at the footer's data offset, the BAT and the locators' extent. */
static int
vhd_open_dynamic(struct vhd *v, char *msg, size_t len)
{
	uint64_t doff = vdi_get_be(v->footer + 16, 8), batlen;
	struct vhd_range meta[11];
	uint8_t *h = v->header;
	size_t n = 0;

	if (doff % VHD_SECTOR || doff < VDI_FOOTER_SIZE || doff > v->end ||
	    v->end - doff < VHD_HEADER)
		return vhd_bad(msg, len, EINVAL,
		               "%s: the footer's data offset %" PRIu64
		               " is not a dynamic header inside the file",
		               v->path, doff);
	if (vhd_pread(v->fd, h, VHD_HEADER, doff) < 0)
		return vdi_fail(msg, len, "cannot read the dynamic header of", v->path);
	if (memcmp(h, "cxsparse", 8) != 0 ||
	    vdi_get_be(h + 36, 4) != vdi_vhd_checksum(h, VHD_HEADER, 36))
		return vhd_bad(msg, len, EINVAL, "%s: bad dynamic header (cookie or checksum)",
		               v->path);
	v->bat_off = vdi_get_be(h + 16, 8);
	v->nbat = (uint32_t)vdi_get_be(h + 28, 4);
	v->block = (uint32_t)vdi_get_be(h + 32, 4);
	if (v->block < VHD_MIN_BLOCK || v->block > VHD_MAX_BLOCK || (v->block & (v->block - 1)))
		return vhd_bad(msg, len, EINVAL, "%s: block size %" PRIu32 " is not supported",
		               v->path, v->block);
	if (v->nbat == 0 || v->nbat > VHD_MAX_BAT || (uint64_t)v->nbat * v->block < v->size)
		return vhd_bad(msg, len, EINVAL,
		               "%s: %" PRIu32 " BAT entries do not cover %" PRIu64 " bytes",
		               v->path, v->nbat, v->size);
	batlen = vhd_round((uint64_t)v->nbat * 4, VHD_SECTOR);
	if (v->bat_off % VHD_SECTOR || v->bat_off < VDI_FOOTER_SIZE || v->bat_off > v->end ||
	    v->end - v->bat_off < batlen ||
	    (v->bat_off < doff + VHD_HEADER && v->bat_off + batlen > doff))
		return vhd_bad(msg, len, EINVAL,
		               "%s: the BAT (offset %" PRIu64 ") is not inside the file", v->path,
		               v->bat_off);
	v->bmp = (uint32_t)vhd_round(v->block / VHD_SECTOR / 8, VHD_SECTOR);
	meta[n++] = (struct vhd_range){0, VDI_FOOTER_SIZE, VHD_UNUSED};
	meta[n++] = (struct vhd_range){doff, doff + VHD_HEADER, VHD_UNUSED};
	meta[n++] = (struct vhd_range){v->bat_off, v->bat_off + batlen, VHD_UNUSED};
	for (unsigned i = 0; i < 8; i++) { /* locator data is no block's either */
		const uint8_t *e = h + VHD_LOC_AT + 24 * i;
		uint64_t off = vdi_get_be(e + 16, 8), space = vdi_get_be(e + 4, 4);

		if (vdi_get_be(e, 4) == 0)
			continue;
		if (space && space < VHD_SECTOR)
			space *= VHD_SECTOR; /* the specification's sectors, not bytes */
		if (off <= v->end && space <= v->end - off)
			meta[n++] =
			    (struct vhd_range){off, vhd_round(off + space, VHD_SECTOR), VHD_UNUSED};
	}
	for (size_t i = 0; i < n; i++)
		if (meta[i].to > v->meta_end)
			v->meta_end = meta[i].to;
	if (!(v->bat = malloc(batlen)) || !(v->bm = malloc(v->bmp)))
		return vhd_bad(msg, len, ENOMEM, "%s: out of memory", v->path);
	if (vhd_pread(v->fd, v->bat, batlen, v->bat_off) < 0)
		return vdi_fail(msg, len, "cannot read the BAT of", v->path);
	for (uint32_t i = 0; i < v->nbat; i++)
		v->bat[i] = (uint32_t)vdi_get_be((const uint8_t *)&v->bat[i], 4);
	memcpy(v->parent_uuid, h + 40, 16);
	return vhd_check_layout(v, meta, n, msg, len);
}

int
vhd_open1(struct vhd **out, const char *path, int writable, char *msg, size_t len)
{
	struct vhd *v = calloc(1, sizeof(*v));
	struct stat sb;

	*out = v;
	if (!v)
		return vhd_bad(msg, len, ENOMEM, "%s: out of memory", path);
	snprintf(v->path, sizeof(v->path), "%s", path);
	v->writable = writable;
	if ((v->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)) < 0)
		return vdi_fail(msg, len, "cannot open", path);
	if (fstat(v->fd, &sb) < 0)
		return vdi_fail(msg, len, "cannot stat", path);
	if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)VDI_FOOTER_SIZE || sb.st_size % VHD_SECTOR)
		return vhd_bad(msg, len, EINVAL, "%s: not a VHD (no regular file of whole sectors)",
		               path);
	v->end = (uint64_t)sb.st_size - VDI_FOOTER_SIZE;
	if (vhd_pread(v->fd, v->footer, VDI_FOOTER_SIZE, v->end) < 0)
		return vdi_fail(msg, len, "cannot read the footer of", path);
	if (memcmp(v->footer, "conectix", 8) != 0 ||
	    vdi_get_be(v->footer + 64, 4) != vdi_vhd_checksum(v->footer, VDI_FOOTER_SIZE, 64))
		return vhd_bad(msg, len, EINVAL, "%s: no valid VHD footer (cookie or checksum)",
		               path);
	v->type = (unsigned)vdi_get_be(v->footer + 60, 4);
	v->size = vdi_get_be(v->footer + 48, 8);
	if (v->size == 0 || v->size % VHD_SECTOR || v->size > VDI_VHD_MAX)
		return vhd_bad(msg, len, EINVAL, "%s: current size %" PRIu64 " is out of range",
		               path, v->size);
	switch (v->type) {
	case VDI_VHD_FIXED:
		if (v->end != v->size)
			return vhd_bad(msg, len, EINVAL,
			               "%s: a fixed VHD of %" PRIu64 " bytes with %" PRIu64
			               " bytes of data",
			               path, v->size, v->end);
		return 0;
	case VDI_VHD_DYNAMIC:
	case VDI_VHD_DIFF:
		return vhd_open_dynamic(v, msg, len);
	default:
		return vhd_bad(msg, len, EINVAL, "%s: disk type %u is not a VHD's", path, v->type);
	}
}

void
vhd_free1(struct vhd *v)
{
	if (!v)
		return;
	if (v->fd >= 0)
		close(v->fd);
	free(v->bat);
	free(v->bm);
	free(v);
}

void
vhd_close(struct vhd *v)
{
	while (v) {
		struct vhd *p = v->parent;

		vhd_free1(v);
		v = p;
	}
}

/* Find and open c's parent, the VHD its header names. */
static int
vhd_open_parent(struct vhd *c, char *msg, size_t len)
{
	static const uint32_t codes[] = {VHD_W2KU, VHD_W2RU};
	char path[PATH_MAX];
	struct vhd *p;

	for (unsigned i = 0; i < 2; i++) {
		if (vhd_locator(c, codes[i], path, sizeof(path)) < 0 || access(path, F_OK) < 0)
			continue;
		if (vhd_open1(&p, path, 0, msg, len) < 0) {
			vhd_free1(p);
			return -1;
		}
		if (memcmp(p->footer + 68, c->parent_uuid, 16) != 0 || p->size != c->size) {
			vhd_free1(p);
			return vhd_bad(msg, len, EINVAL,
			               "%s is not the parent %s names (unique id or size differ)",
			               path, c->path);
		}
		snprintf(c->parent_path, sizeof(c->parent_path), "%s", path);
		c->parent = p;
		return 0;
	}
	return vhd_bad(msg, len, ENOENT,
	               "%s: its parent VHD is not found (no W2ku or W2ru "
	               "locator names an existing file)",
	               c->path);
}

int
vhd_open(struct vhd **out, const char *path, int writable, char *msg, size_t len)
{
	struct vhd *v, *c;
	unsigned depth = 0;

	*out = NULL;
	if (vhd_open1(&v, path, writable, msg, len) < 0) {
		vhd_free1(v);
		return -1;
	}
	for (c = v; c->type == VDI_VHD_DIFF; c = c->parent) {
		if (++depth > VHD_CHAIN_MAX) {
			vhd_close(v);
			return vhd_bad(msg, len, ELOOP, "%s: more than %d levels of parents", path,
			               VHD_CHAIN_MAX);
		}
		if (vhd_open_parent(c, msg, len) < 0) {
			vhd_close(v);
			return -1;
		}
	}
	*out = v;
	return 0;
}

uint64_t
vhd_allocated(const struct vhd *v)
{
	uint64_t n = 0;

	for (uint32_t i = 0; v->bat && i < v->nbat; i++)
		n += v->bat[i] != VHD_UNUSED;
	return n * (v->bmp + (uint64_t)v->block);
}

/* ---------------------------------------------------------- read/write */

static int
vhd_range_ok(const struct vhd *v, uint64_t off, size_t n)
{
	if (off % VHD_SECTOR || n % VHD_SECTOR || off > v->size || n > v->size - off) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int
vhd_read_bitmap(struct vhd *v, uint32_t blk)
{
	return vhd_pread(v->fd, v->bm, v->bmp, (uint64_t)v->bat[blk] * VHD_SECTOR);
}

/* Sectors [s, e) of block blk into buf: this file's where its bitmap says, else below. */
static int
vhd_read_block(struct vhd *v, uint32_t blk, uint32_t s, uint32_t e, char *buf)
{
	uint64_t base = (uint64_t)blk * v->block;

	if (v->bat[blk] == VHD_UNUSED) {
		if (v->parent)
			return vhd_read(v->parent, buf, base + (uint64_t)s * VHD_SECTOR,
			                (size_t)(e - s) * VHD_SECTOR);
		memset(buf, 0, (size_t)(e - s) * VHD_SECTOR);
		return 0;
	}
	if (vhd_read_bitmap(v, blk) < 0)
		return -1;
	while (s < e) {
		int mine = vhd_bit(v->bm, s);
		uint32_t r = s + 1;
		size_t n;

		while (r < e && vhd_bit(v->bm, r) == mine)
			r++;
		n = (size_t)(r - s) * VHD_SECTOR;
		if (mine) {
			if (vhd_pread(v->fd, buf, n,
			              (uint64_t)v->bat[blk] * VHD_SECTOR + v->bmp +
			                  (uint64_t)s * VHD_SECTOR) < 0)
				return -1;
		} else if (v->parent) {
			if (vhd_read(v->parent, buf, base + (uint64_t)s * VHD_SECTOR, n) < 0)
				return -1;
		} else {
			memset(buf, 0, n);
		}
		buf += n;
		s = r;
	}
	return 0;
}

int
vhd_read(struct vhd *v, void *buf, uint64_t off, size_t n)
{
	char *p = buf;

	if (!vhd_range_ok(v, off, n))
		return -1;
	if (v->type == VDI_VHD_FIXED)
		return vhd_pread(v->fd, buf, n, off);
	while (n) {
		uint32_t blk = (uint32_t)(off / v->block), in = (uint32_t)(off % v->block);
		size_t chunk = v->block - in < n ? v->block - in : n;

		if (vhd_read_block(v, blk, in / VHD_SECTOR, (uint32_t)((in + chunk) / VHD_SECTOR),
		                   p) < 0)
			return -1;
		p += chunk;
		off += chunk;
		n -= chunk;
	}
	return 0;
}

/* A new block for blk where the footer is; the footer moves past it. */
static int
vhd_alloc(struct vhd *v, uint32_t blk)
{
	uint64_t at = v->end, next = at + v->bmp + v->block;
	uint8_t entry[4];

	if (at / VHD_SECTOR >= VHD_UNUSED) {
		errno = EFBIG;
		return -1;
	}
	memset(v->bm, v->type == VDI_VHD_DYNAMIC ? 0xff : 0, v->bmp);
	if (vhd_pwrite(v->fd, v->footer, VDI_FOOTER_SIZE, next) < 0 ||
	    vhd_pwrite(v->fd, v->bm, v->bmp, at) < 0)
		return -1;
	vdi_be(entry, at / VHD_SECTOR, 4);
	if (vhd_pwrite(v->fd, entry, 4, v->bat_off + (uint64_t)blk * 4) < 0)
		return -1;
	v->bat[blk] = (uint32_t)(at / VHD_SECTOR);
	v->end = next;
	return 0;
}

int
vhd_write(struct vhd *v, const void *buf, uint64_t off, size_t n)
{
	const char *p = buf;

	if (!vhd_range_ok(v, off, n))
		return -1;
	if (!v->writable) {
		errno = EBADF;
		return -1;
	}
	if (v->type == VDI_VHD_FIXED)
		return vhd_pwrite(v->fd, buf, n, off);
	while (n) {
		uint32_t blk = (uint32_t)(off / v->block), in = (uint32_t)(off % v->block);
		size_t chunk = v->block - in < n ? v->block - in : n;
		uint64_t at;
		int changed = 0;

		if (v->bat[blk] == VHD_UNUSED && vhd_alloc(v, blk) < 0)
			return -1;
		at = (uint64_t)v->bat[blk] * VHD_SECTOR;
		if (vhd_pwrite(v->fd, p, chunk, at + v->bmp + in) < 0 ||
		    vhd_read_bitmap(v, blk) < 0)
			return -1;
		for (uint32_t s = in / VHD_SECTOR; s < (in + chunk) / VHD_SECTOR; s++)
			if (!vhd_bit(v->bm, s)) {
				vhd_set_bit(v->bm, s);
				changed = 1;
			}
		if (changed && vhd_pwrite(v->fd, v->bm, v->bmp, at) < 0)
			return -1;
		p += chunk;
		off += chunk;
		n -= chunk;
	}
	return 0;
}
