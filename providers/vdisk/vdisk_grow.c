/* SPDX-License-Identifier: ISC */
/*
 * vdisk_grow.c - expandVDisk and compactVDisk on image files (vdisk_grow.h).
 *
 * Expanding a VHD: the new footer is written at the new end and fsynced
 * before the old footer is zeroed, so a crash leaves either the old image
 * (a longer file whose last 512 bytes are still a valid footer of the old
 * size only if the grow had not started) or the new one with stray bytes
 * in its data area, never a file without a footer at its end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vdisk_grow.h"

#define VDG_FALLOC_STEP (256ULL << 20)
#define VDG_READ_BUF    (1U << 20) /* a multiple of VDG_BLOCK */

/* Allocate [from, to) of fd in steps; ECANCELED when step() says stop. */
static int
vdg_allocate(int fd, uint64_t from, uint64_t to, vdi_step_fn step, void *arg)
{
	for (uint64_t at = from; at < to;) {
		uint64_t n = to - at > VDG_FALLOC_STEP ? VDG_FALLOC_STEP : to - at;

		if (fallocate(fd, 0, (off_t)at, (off_t)n) < 0)
			return -1;
		at += n;
		if (step && step(arg, (unsigned)((at - from) * 90 / (to - from)))) {
			errno = ECANCELED;
			return -1;
		}
	}
	return 0;
}

int
vdg_expand(const char *path, enum inv_vdisk_format format, enum inv_vdisk_type type, uint64_t old,
           uint64_t vsize, vdi_step_fn step, void *arg, char *msg, size_t msglen)
{
	uint8_t foot[VDI_FOOTER_SIZE], nfoot[VDI_FOOTER_SIZE], zero[VDI_FOOTER_SIZE] = {0};
	uint64_t oldlen = vdi_file_size(format, old), newlen = vdi_file_size(format, vsize), got;
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW), e;
	struct stat sb;

	if (fd < 0)
		return vdi_fail(msg, msglen, "cannot open", path);
	if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size != oldlen) {
		close(fd);
		errno = EIO;
		snprintf(msg, msglen, "%s is not %llu bytes long as recorded", path,
		         (unsigned long long)oldlen);
		return -1;
	}
	if (format == INV_VF_VHD &&
	    (pread(fd, foot, sizeof(foot), (off_t)old) != (ssize_t)sizeof(foot) ||
	     vdi_vhd_parse(foot, &got) < 0 || got != old)) {
		close(fd);
		errno = EIO;
		snprintf(msg, msglen, "%s has no valid VHD footer of %llu bytes at its end", path,
		         (unsigned long long)old);
		return -1;
	}
	if (type == INV_VDT_FIXED ? vdg_allocate(fd, oldlen, newlen, step, arg)
	                          : ftruncate(fd, (off_t)newlen)) {
		e = errno;
		if (ftruncate(fd, (off_t)oldlen) < 0 && e != ECANCELED)
			e = errno;
		close(fd);
		errno = e;
		if (e == ECANCELED)
			snprintf(msg, msglen, "cancelled: %s cut back to its size", path);
		else
			vdi_fail(msg, msglen, "cannot grow", path);
		return -1;
	}
	if (format == INV_VF_VHD) {
		vdi_vhd_resized(foot, nfoot, vsize);
		if (pwrite(fd, nfoot, sizeof(nfoot), (off_t)vsize) != (ssize_t)sizeof(nfoot) ||
		    fdatasync(fd) < 0 ||
		    pwrite(fd, zero, sizeof(zero), (off_t)old) != (ssize_t)sizeof(zero)) {
			vdi_fail(msg, msglen, "cannot move the VHD footer of", path);
			close(fd);
			return -1;
		}
	}
	if (fsync(fd) < 0) {
		vdi_fail(msg, msglen, "cannot sync", path);
		close(fd);
		return -1;
	}
	return close(fd);
}

static int
vdg_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

struct vdg_scan {
	int fd;
	uint8_t *buf;
	uint64_t vsize;
	vdi_step_fn step;
	void *arg;
};

/* Punch the all-zero blocks of [at, end); step() after every buffer read. */
static int
vdg_punch_range(const struct vdg_scan *s, uint64_t at, uint64_t end)
{
	int fd = s->fd;
	uint8_t *buf = s->buf;

	while (at < end) {
		size_t n = end - at > VDG_READ_BUF ? VDG_READ_BUF : (size_t)(end - at);
		ssize_t got = pread(fd, buf, n, (off_t)at);

		if (got <= 0) {
			errno = got == 0 ? EIO : errno;
			return -1;
		}
		for (size_t o = 0; o < (size_t)got; o += VDG_BLOCK) {
			size_t b = (size_t)got - o > VDG_BLOCK ? VDG_BLOCK : (size_t)got - o;

			if (vdg_zero(buf + o, b) &&
			    fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			              (off_t)(at + o), (off_t)b) < 0)
				return -1;
		}
		at += (uint64_t)got;
		if (s->step && s->step(s->arg, (unsigned)(at * 99 / s->vsize))) {
			errno = ECANCELED;
			return -1;
		}
	}
	return 0;
}

int
vdg_compact(const char *path, uint64_t vsize, vdi_step_fn step, void *arg, uint64_t *reclaimed,
            char *msg, size_t msglen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	uint8_t *buf = NULL;
	struct stat before, after;
	off_t at = 0, end;
	struct vdg_scan s = {fd, NULL, vsize, step, arg};

	*reclaimed = 0;
	if (fd < 0)
		return vdi_fail(msg, msglen, "cannot open", path);
	if (fstat(fd, &before) < 0 || !(buf = s.buf = malloc(VDG_READ_BUF)))
		goto fail;
	if (vsize == 0) /* the whole file */
		vsize = s.vsize = (uint64_t)before.st_size;
	/* data extents only: holes are skipped */
	while (at < (off_t)vsize && (at = lseek(fd, at, SEEK_DATA)) >= 0 && at < (off_t)vsize) {
		/* the hole is looked for from the data, not from the block it starts in */
		if ((end = lseek(fd, at, SEEK_HOLE)) < 0)
			goto fail;
		at -= at % VDG_BLOCK;
		if (end > (off_t)vsize)
			end = (off_t)vsize;
		end += (VDG_BLOCK - end % VDG_BLOCK) % VDG_BLOCK;
		if (end > (off_t)vsize)
			end = (off_t)vsize;
		if (vdg_punch_range(&s, (uint64_t)at, (uint64_t)end) < 0) {
			if (errno != ECANCELED)
				goto fail;
			snprintf(msg, msglen,
			         "cancelled: %s is partly compacted (its data unchanged)", path);
			goto out;
		}
		at = end;
	}
	if (at < 0 && errno != ENXIO) /* ENXIO: no data past at */
		goto fail;
	if (fsync(fd) < 0 || fstat(fd, &after) < 0)
		goto fail;
	if (before.st_blocks > after.st_blocks)
		*reclaimed = (uint64_t)(before.st_blocks - after.st_blocks) * 512;
	free(buf);
	return close(fd);
fail:
	vdi_fail(msg, msglen, "cannot compact", path);
out:
	free(buf);
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}
