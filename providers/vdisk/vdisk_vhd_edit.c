/* SPDX-License-Identifier: ISC */
/*
 * vdisk_vhd_edit.c - the VHD changes that lay a file out anew: create (a
 * dynamic or a differencing VHD), grow (the BAT moved to the end when it
 * has no room) and merge a child into an ancestor.  The checks every read
 * gets, reads and writes through the chain: vdisk_vhd.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vdisk_vhd.h"
#include "vdisk_vhd_int.h"

/* -------------------------------------------------------------- create */

int
vhd_create(const char *path, uint64_t vsize, const char *parent, char *msg, size_t len)
{
	struct vhd *p = NULL;
	struct vdi_chs chs;
	uint8_t uuid[16], *head = NULL;
	uint64_t size, batlen, locs, start;
	uint32_t nbat;
	int fd = -1, e;

	if (parent) {
		if (vhd_open(&p, parent, 0, msg, len) < 0)
			return -1;
		size = p->size;
		chs.cyls = (uint16_t)vdi_get_be(p->footer + 56, 2);
		chs.heads = p->footer[58];
		chs.spt = p->footer[59];
	} else {
		size = vdi_vhd_size((vsize + VHD_SECTOR - 1) / VHD_SECTOR, &chs);
		if (size == 0 || size > VDI_VHD_MAX)
			return vhd_bad(msg, len, EFBIG,
			               "%s: %" PRIu64 " bytes is more than a VHD holds", path,
			               vsize);
	}
	nbat = (uint32_t)((size + VHD_BLOCK_SIZE - 1) / VHD_BLOCK_SIZE);
	batlen = vhd_round((uint64_t)nbat * 4, VHD_SECTOR);
	locs = VDI_FOOTER_SIZE + VHD_HEADER + batlen;
	start = locs + (p ? 2 * VHD_LOC_SLOT : 0);
	if (vdi_uuid(uuid) < 0 || !(head = calloc(1, start))) {
		vdi_fail(msg, len, "cannot make the header of", path);
		goto fail;
	}
	vdi_vhd_footer_typed(head, size, &chs, (uint32_t)time(NULL), uuid,
	                     p ? VDI_VHD_DIFF : VDI_VHD_DYNAMIC, VDI_FOOTER_SIZE);
	memcpy(head + VDI_FOOTER_SIZE, "cxsparse", 8);
	vdi_be(head + VDI_FOOTER_SIZE + 8, UINT64_MAX, 8);
	vdi_be(head + VDI_FOOTER_SIZE + 16, VDI_FOOTER_SIZE + VHD_HEADER, 8);
	vdi_be(head + VDI_FOOTER_SIZE + 24, 0x00010000, 4);
	vdi_be(head + VDI_FOOTER_SIZE + 28, nbat, 4);
	vdi_be(head + VDI_FOOTER_SIZE + 32, VHD_BLOCK_SIZE, 4);
	memset(head + VDI_FOOTER_SIZE + VHD_HEADER, 0xff, (size_t)batlen);
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		vdi_fail(msg, len, "cannot create", path);
		goto fail_open;
	}
	if (p && vhd_put_parent(head + VDI_FOOTER_SIZE, fd, locs, path, p, msg, len) < 0)
		goto fail;
	vdi_be(head + VDI_FOOTER_SIZE + 36,
	       vdi_vhd_checksum(head + VDI_FOOTER_SIZE, VHD_HEADER, 36), 4);
	if (vhd_pwrite(fd, head, (size_t)locs, 0) < 0 ||
	    vhd_pwrite(fd, head, VDI_FOOTER_SIZE, start) < 0 || fsync(fd) < 0 ||
	    vdi_sync_dir(path) < 0) {
		vdi_fail(msg, len, "cannot write", path);
		goto fail;
	}
	close(fd);
	free(head);
	vhd_close(p);
	return 0;
fail:
	if (fd >= 0) {
		vdi_remove_partial(path, fd);
		close(fd);
	}
fail_open:
	e = errno;
	free(head);
	vhd_close(p);
	errno = e;
	return -1;
}

/* -------------------------------------------------------------- expand */

/* v's BAT of nbat entries at off, in the file's byte order. */
static int
vhd_write_bat(struct vhd *v, uint32_t nbat, uint64_t off)
{
	size_t batlen = (size_t)vhd_round((uint64_t)nbat * 4, VHD_SECTOR);
	uint8_t *b = malloc(batlen);
	int rc;

	if (!b)
		return -1;
	memset(b, 0xff, batlen);
	for (uint32_t i = 0; i < v->nbat; i++)
		vdi_be(b + 4 * (size_t)i, v->bat[i], 4);
	rc = vhd_pwrite(v->fd, b, batlen, off);
	free(b);
	return rc;
}

int
vhd_grow(struct vhd *v, uint64_t vsize, char *msg, size_t len)
{
	struct vdi_chs chs;
	uint64_t size = vdi_vhd_size((vsize + VHD_SECTOR - 1) / VHD_SECTOR, &chs), bat_off, end;
	uint32_t need, *bat;
	uint8_t *h = v->header, f[VDI_FOOTER_SIZE];

	if (!v->writable || v->type != VDI_VHD_DYNAMIC || size <= v->size || size > VDI_VHD_MAX)
		return vhd_bad(msg, len, EINVAL,
		               "%s: only a dynamic VHD open for writing grows here, to at most "
		               "2040 GiB",
		               v->path);
	bat_off = v->bat_off;
	end = v->end;
	need = (uint32_t)((size + v->block - 1) / v->block);
	if (need > v->nbat) {
		if (!(bat = realloc(v->bat, vhd_round((uint64_t)need * 4, VHD_SECTOR))))
			return vhd_bad(msg, len, ENOMEM, "%s: out of memory", v->path);
		v->bat = bat;
		if ((uint64_t)need * 4 > vhd_round((uint64_t)v->nbat * 4, VHD_SECTOR)) {
			/* a larger BAT where the footer is; the footer, unchanged yet, past it */
			bat_off = end;
			end += vhd_round((uint64_t)need * 4, VHD_SECTOR);
			if (vhd_pwrite(v->fd, v->footer, VDI_FOOTER_SIZE, end) < 0 ||
			    vhd_write_bat(v, need, bat_off) < 0 || fsync(v->fd) < 0)
				return vdi_fail(msg, len, "cannot write the new BAT of", v->path);
		} else if (vhd_write_bat(v, need, bat_off) < 0) {
			return vdi_fail(msg, len, "cannot write the BAT of", v->path);
		}
		/* the header names the BAT: the image holds the old size still */
		vdi_be(h + 16, bat_off, 8);
		vdi_be(h + 28, need, 4);
		vdi_be(h + 36, vdi_vhd_checksum(h, VHD_HEADER, 36), 4);
		if (vhd_pwrite(v->fd, h, VHD_HEADER, vdi_get_be(v->footer + 16, 8)) < 0 ||
		    fsync(v->fd) < 0)
			return vdi_fail(msg, len, "cannot write the dynamic header of", v->path);
		for (uint32_t i = v->nbat; i < need; i++)
			v->bat[i] = VHD_UNUSED;
		v->nbat = need;
		v->bat_off = bat_off;
		v->end = end;
		if (end > v->meta_end && bat_off >= v->meta_end)
			v->meta_end = end; /* the BAT moved behind the blocks */
	}
	vdi_vhd_resized(v->footer, f, size);
	if (vhd_pwrite(v->fd, f, VDI_FOOTER_SIZE, v->end) < 0 ||
	    vhd_pwrite(v->fd, f, VDI_FOOTER_SIZE, 0) < 0 || fsync(v->fd) < 0)
		return vdi_fail(msg, len, "cannot write the footer of", v->path);
	memcpy(v->footer, f, VDI_FOOTER_SIZE);
	v->size = size;
	return 0;
}

int
vhd_expand(const char *path, uint64_t vsize, char *msg, size_t len)
{
	struct vhd *v;
	int rc;

	if (vhd_open1(&v, path, 1, msg, len) < 0) {
		vhd_free1(v);
		return -1;
	}
	rc = vhd_grow(v, vsize, msg, len);
	vhd_free1(v);
	return rc;
}

/* --------------------------------------------------------------- merge */

/* Reopen v read-write, the same file (not one renamed into its place since). */
static int
vhd_reopen_rw(struct vhd *v, char *msg, size_t len)
{
	struct stat a, b;
	int fd;

	if (v->writable)
		return 0;
	if ((fd = open(v->path, O_RDWR | O_CLOEXEC)) < 0)
		return vdi_fail(msg, len, "cannot open for writing", v->path);
	if (fstat(fd, &a) < 0 || fstat(v->fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(fd);
		return vhd_bad(msg, len, ESTALE, "%s changed while it was open", v->path);
	}
	close(v->fd);
	v->fd = fd;
	v->writable = 1;
	return 0;
}

/* Block blk's sectors that v, or a disk below it but above anc, holds: into u. */
static int
vhd_union(struct vhd *v, const struct vhd *anc, uint32_t blk, uint8_t *u, int *any)
{
	*any = 0;
	memset(u, 0, v->block / VHD_SECTOR / 8);
	for (struct vhd *c = v; c != anc; c = c->parent) {
		if (c->bat[blk] == VHD_UNUSED)
			continue;
		if (vhd_read_bitmap(c, blk) < 0)
			return -1;
		for (uint32_t i = 0; i < c->block / VHD_SECTOR / 8; i++)
			u[i] |= c->bm[i];
		*any = 1;
	}
	return 0;
}

/* Copy the sectors of u in block blk from what v reads into anc. */
static int
vhd_copy_block(struct vhd *v, struct vhd *anc, uint32_t blk, const uint8_t *u, char *buf)
{
	uint64_t base = (uint64_t)blk * v->block;
	uint32_t e = v->block / VHD_SECTOR, s = 0;

	if (base + v->block > v->size)
		e = (uint32_t)((v->size - base) / VHD_SECTOR);
	while (s < e) {
		uint32_t r;
		size_t n;

		if (!vhd_bit(u, s)) {
			s++;
			continue;
		}
		for (r = s + 1; r < e && vhd_bit(u, r); r++)
			;
		n = (size_t)(r - s) * VHD_SECTOR;
		if (vhd_read(v, buf, base + (uint64_t)s * VHD_SECTOR, n) < 0 ||
		    vhd_write(anc, buf, base + (uint64_t)s * VHD_SECTOR, n) < 0)
			return -1;
		s = r;
	}
	return 0;
}

/* v's header names anc as its parent, then v holds no block: it reads anc. */
static int
vhd_reparent_empty(struct vhd *v, struct vhd *anc, char *msg, size_t len)
{
	uint64_t doff = vdi_get_be(v->footer + 16, 8), loc = 0;
	size_t batlen = (size_t)vhd_round((uint64_t)v->nbat * 4, VHD_SECTOR);
	uint8_t *h = v->header;

	for (unsigned i = 0; i < 8; i++) { /* vdsd's own slots: W2ku then W2ru */
		const uint8_t *e = h + VHD_LOC_AT + 24 * i;

		if (i < 7 && vdi_get_be(e, 4) == VHD_W2KU && vdi_get_be(e + 4, 4) == VHD_LOC_SLOT &&
		    vdi_get_be(e + 24, 4) == VHD_W2RU &&
		    vdi_get_be(e + 24 + 16, 8) == vdi_get_be(e + 16, 8) + VHD_LOC_SLOT)
			loc = vdi_get_be(e + 16, 8);
	}
	if (!loc)
		return vhd_bad(msg, len, ENOTSUP,
		               "%s: its parent locators are not vdsd's two slots: not re-parented",
		               v->path);
	if (vhd_put_parent(h, v->fd, loc, v->path, anc, msg, len) < 0)
		return -1;
	vdi_be(h + 36, vdi_vhd_checksum(h, VHD_HEADER, 36), 4);
	if (vhd_pwrite(v->fd, h, VHD_HEADER, doff) < 0 || fsync(v->fd) < 0)
		return vdi_fail(msg, len, "cannot re-parent", v->path);
	snprintf(v->parent_path, sizeof(v->parent_path), "%s", anc->path); /* whatever follows */
	memset(v->bat, 0xff, batlen);
	if (vhd_pwrite(v->fd, v->bat, batlen, v->bat_off) < 0 ||
	    vhd_pwrite(v->fd, v->footer, VDI_FOOTER_SIZE, v->meta_end) < 0 ||
	    ftruncate(v->fd, (off_t)(v->meta_end + VDI_FOOTER_SIZE)) < 0 || fsync(v->fd) < 0)
		return vdi_fail(msg, len, "cannot empty", v->path);
	v->end = v->meta_end;
	return 0;
}

int
vhd_merge(struct vhd *v, unsigned depth, vdi_step_fn step, void *arg, char *msg, size_t len)
{
	struct vhd *anc = v;
	uint8_t *u = NULL;
	char *buf = NULL;
	int rc = -1, any;

	if (!v->writable)
		return vhd_bad(msg, len, EBADF, "%s is not open for writing", v->path);
	for (unsigned i = 0; i < depth; i++) {
		if (anc->type != VDI_VHD_DIFF)
			return vhd_bad(msg, len, EINVAL, "%s has %u parent level(s), not %u",
			               v->path, i, depth);
		if (anc->block != v->block || anc->nbat != v->nbat)
			return vhd_bad(msg, len, ENOTSUP, "%s: its block size differs from %s'",
			               anc->path, v->path);
		anc = anc->parent;
	}
	if (anc == v)
		return vhd_bad(msg, len, EINVAL, "%s: merge depth 0", v->path);
	if (vhd_reopen_rw(anc, msg, len) < 0)
		return -1;
	if (!(u = malloc(v->block / VHD_SECTOR / 8)) || !(buf = malloc(v->block))) {
		vhd_bad(msg, len, ENOMEM, "%s: out of memory", v->path);
		goto out;
	}
	for (uint32_t b = 0; b < v->nbat; b++) {
		if (vhd_union(v, anc, b, u, &any) < 0 ||
		    (any && vhd_copy_block(v, anc, b, u, buf) < 0)) {
			snprintf(msg, len, "block %" PRIu32 " of %s into %s: %s", b, v->path,
			         anc->path, strerror(errno));
			goto out;
		}
		if (step && (b % 8 == 7 || b + 1 == v->nbat) &&
		    step(arg, (unsigned)((uint64_t)(b + 1) * 100 / v->nbat))) {
			vhd_bad(msg, len, ECANCELED, "cancelled: %s reads as before", v->path);
			goto out;
		}
	}
	if (fsync(anc->fd) < 0) {
		vdi_fail(msg, len, "cannot sync", anc->path);
		goto out;
	}
	if ((rc = vhd_reparent_empty(v, anc, msg, len)) == 0 && v->parent != anc) {
		struct vhd *mid = v->parent, *c = mid; /* the disks between: out of the chain */

		while (c->parent != anc)
			c = c->parent;
		c->parent = NULL;
		vhd_close(mid);
		v->parent = anc;
	}
out:
	free(u);
	free(buf);
	return rc;
}
