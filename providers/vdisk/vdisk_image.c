/* SPDX-License-Identifier: ISC */
/*
 * vdisk_image.c - create raw and fixed-VHD image files.
 *
 * A fixed image is allocated in steps (fallocate, or zeros written where
 * the file system cannot preallocate) so progress and cancel work on big
 * images; an expandable one is one ftruncate.  The file is made with
 * O_EXCL and removed again on every failure path, after checking that the
 * name still points to the file this call created.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vdisk_image.h"

#define VDI_FALLOC_STEP (256ULL << 20) /* bytes per fallocate call */
#define VDI_WRITE_BUF   (1U << 20)
#define VDI_WRITE_STEP  (64ULL << 20) /* bytes written between progress calls */
#define VDI_MAX_CHS     (65535ULL * 16 * 255)
#define VDI_EPOCH_2000  946684800U

/* ---------------------------------------------------------------- VHD */

/* The specification's CHS algorithm for totalSectors (capped). */
static void
vdi_chs_of(uint64_t sectors, struct vdi_chs *chs)
{
	uint64_t cth, spt, heads;

	if (sectors > VDI_MAX_CHS)
		sectors = VDI_MAX_CHS;
	if (sectors >= 65535ULL * 16 * 63) {
		spt = 255;
		heads = 16;
		cth = sectors / spt;
	} else {
		spt = 17;
		cth = sectors / spt;
		heads = (cth + 1023) / 1024;
		if (heads < 4)
			heads = 4;
		if (cth >= heads * 1024 || heads > 16) {
			spt = 31;
			heads = 16;
			cth = sectors / spt;
		}
		if (cth >= heads * 1024) {
			spt = 63;
			heads = 16;
			cth = sectors / spt;
		}
	}
	chs->cyls = (uint16_t)(cth / heads);
	chs->heads = (uint8_t)heads;
	chs->spt = (uint8_t)spt;
}

static uint64_t
vdi_chs_sectors(const struct vdi_chs *chs)
{
	return (uint64_t)chs->cyls * chs->heads * chs->spt;
}

uint64_t
vdi_vhd_size(uint64_t sectors, struct vdi_chs *chs)
{
	/* As qemu's vpc driver: the smallest geometry that covers the request. */
	for (uint64_t i = 0; i < 1u << 20; i++) {
		vdi_chs_of(sectors + i, chs);
		if (vdi_chs_sectors(chs) >= sectors)
			return vdi_chs_sectors(chs) * 512;
		if (vdi_chs_sectors(chs) == VDI_MAX_CHS)
			break;
	}
	/* Past the largest geometry qemu and Hyper-V use the footer's size. */
	return sectors * 512;
}

void
vdi_be(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

uint64_t
vdi_get_be(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

uint32_t
vdi_vhd_checksum(const uint8_t *buf, size_t len, size_t at)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < at || i >= at + 4) /* the checksum field counts as zero */
			sum += buf[i];
	return ~sum;
}

static uint32_t
vdi_checksum(const uint8_t f[VDI_FOOTER_SIZE])
{
	return vdi_vhd_checksum(f, VDI_FOOTER_SIZE, 64);
}

void
vdi_vhd_footer(uint8_t f[VDI_FOOTER_SIZE], uint64_t size, const struct vdi_chs *chs,
               uint32_t unix_time, const uint8_t uuid[16])
{
	vdi_vhd_footer_typed(f, size, chs, unix_time, uuid, VDI_VHD_FIXED, UINT64_MAX);
}

uint32_t
vdi_vhd_time(uint32_t unix_time)
{
	return unix_time > VDI_EPOCH_2000 ? unix_time - VDI_EPOCH_2000 : 0;
}

void
vdi_vhd_footer_typed(uint8_t f[VDI_FOOTER_SIZE], uint64_t size, const struct vdi_chs *chs,
                     uint32_t unix_time, const uint8_t uuid[16], unsigned type,
                     uint64_t data_offset)
{
	memset(f, 0, VDI_FOOTER_SIZE);
	memcpy(f, "conectix", 8);
	vdi_be(f + 8, 2, 4);            /* features: reserved bit set */
	vdi_be(f + 12, 0x00010000, 4);  /* file format version 1.0 */
	vdi_be(f + 16, data_offset, 8); /* the dynamic header; none (fixed) */
	vdi_be(f + 24, vdi_vhd_time(unix_time), 4);
	memcpy(f + 28, "vdsd", 4);     /* creator application */
	vdi_be(f + 32, 0x00010000, 4); /* creator version */
	memcpy(f + 36, "Wi2k", 4);     /* creator host OS */
	vdi_be(f + 40, size, 8);       /* original size */
	vdi_be(f + 48, size, 8);       /* current size */
	vdi_be(f + 56, chs->cyls, 2);
	f[58] = chs->heads;
	f[59] = chs->spt;
	vdi_be(f + 60, type, 4);
	memcpy(f + 68, uuid, 16);
	vdi_be(f + 64, vdi_checksum(f), 4);
}

int
vdi_vhd_parse(const uint8_t f[VDI_FOOTER_SIZE], uint64_t *size)
{
	if (memcmp(f, "conectix", 8) != 0 || vdi_get_be(f + 60, 4) != 2 ||
	    vdi_get_be(f + 64, 4) != vdi_checksum(f))
		return -1;
	*size = vdi_get_be(f + 48, 8);
	return 0;
}

void
vdi_vhd_resized(const uint8_t old[VDI_FOOTER_SIZE], uint8_t f[VDI_FOOTER_SIZE], uint64_t size)
{
	struct vdi_chs chs;

	vdi_vhd_size(size / 512, &chs);
	memcpy(f, old, VDI_FOOTER_SIZE);
	vdi_be(f + 48, size, 8); /* current size; the original size stays */
	vdi_be(f + 56, chs.cyls, 2);
	f[58] = chs.heads;
	f[59] = chs.spt;
	vdi_be(f + 64, vdi_checksum(f), 4);
}

uint64_t
vdi_virtual_size(enum inv_vdisk_format format, uint64_t size)
{
	struct vdi_chs chs;
	uint64_t sectors = (size + 511) / 512;
	uint64_t v;

	if (format != INV_VF_VHD)
		return sectors * 512;
	v = vdi_vhd_size(sectors, &chs);
	return v > VDI_VHD_MAX ? 0 : v;
}

uint64_t
vdi_file_size(enum inv_vdisk_format format, uint64_t vsize)
{
	return format == INV_VF_VHD ? vsize + VDI_FOOTER_SIZE : vsize;
}

/* ------------------------------------------------------------ creation */

int
vdi_fail(char *msg, size_t len, const char *what, const char *path)
{
	int e = errno;

	snprintf(msg, len, "%s %s: %s", what, path, strerror(e));
	errno = e;
	return -1;
}

/* Zeros from `from` to `to`; stops when step() says so. */
static int
vdi_write_zeros(int fd, uint64_t from, uint64_t to, uint64_t total, vdi_step_fn step, void *arg)
{
	char *buf = calloc(1, VDI_WRITE_BUF);
	uint64_t off = from, next = from + VDI_WRITE_STEP;
	ssize_t n;
	int rc = -1;

	if (!buf)
		return -1;
	while (off < to) {
		size_t len = to - off < VDI_WRITE_BUF ? (size_t)(to - off) : VDI_WRITE_BUF;

		if ((n = pwrite(fd, buf, len, (off_t)off)) <= 0) {
			if (n == 0)
				errno = ENOSPC;
			goto out;
		}
		off += (uint64_t)n;
		if (off >= next || off == to) {
			next = off + VDI_WRITE_STEP;
			if (step && step(arg, (unsigned)(off * 100 / total))) {
				errno = ECANCELED;
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Allocate [0, len) in steps: fallocate, zeros where it is not supported. */
static int
vdi_allocate(int fd, uint64_t len, vdi_step_fn step, void *arg)
{
	uint64_t off = 0, n;

	while (off < len) {
		n = len - off < VDI_FALLOC_STEP ? len - off : VDI_FALLOC_STEP;
		if (fallocate(fd, 0, (off_t)off, (off_t)n) < 0) {
			if (errno == EOPNOTSUPP || errno == ENOSYS)
				return vdi_write_zeros(fd, off, len, len, step, arg);
			return -1;
		}
		off += n;
		if (step && step(arg, (unsigned)(off * 100 / len))) {
			errno = ECANCELED;
			return -1;
		}
	}
	return 0;
}

int
vdi_uuid(uint8_t uuid[16])
{
	if (getrandom(uuid, 16, 0) != 16)
		return -1;
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	return 0;
}

static int
vdi_write_footer(int fd, uint64_t vsize)
{
	uint8_t f[VDI_FOOTER_SIZE], uuid[16];
	struct vdi_chs chs;

	vdi_vhd_size(vsize / 512, &chs);
	if (vdi_uuid(uuid) < 0)
		return -1;
	vdi_vhd_footer(f, vsize, &chs, (uint32_t)time(NULL), uuid);
	if (pwrite(fd, f, sizeof(f), (off_t)vsize) != (ssize_t)sizeof(f)) {
		if (errno == 0)
			errno = ENOSPC;
		return -1;
	}
	return 0;
}

/* fsync the directory holding path, so the new name is durable. */
int
vdi_sync_dir(const char *path)
{
	char buf[4096];
	int fd, rc;

	snprintf(buf, sizeof(buf), "%s", path);
	if ((fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Remove path if it is still the file open as fd. */
void
vdi_remove_partial(const char *path, int fd)
{
	struct stat a, b;
	int e = errno;

	if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		unlink(path);
	errno = e;
}

static int
vdi_fill(int fd, enum inv_vdisk_format format, enum inv_vdisk_type type, uint64_t vsize,
         vdi_step_fn step, void *arg)
{
	uint64_t fsize = vdi_file_size(format, vsize);

	if (type == INV_VDT_FIXED) {
		if (vdi_allocate(fd, fsize, step, arg) < 0)
			return -1;
	} else if (ftruncate(fd, (off_t)fsize) < 0) {
		return -1;
	}
	if (format == INV_VF_VHD && vdi_write_footer(fd, vsize) < 0)
		return -1;
	return fsync(fd);
}

int
vdi_create(const char *path, enum inv_vdisk_format format, enum inv_vdisk_type type, uint64_t vsize,
           vdi_step_fn step, void *arg, char *msg, size_t msglen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return vdi_fail(msg, msglen, "cannot create", path);
	if (vdi_fill(fd, format, type, vsize, step, arg) < 0) {
		if (errno == ECANCELED)
			snprintf(msg, msglen, "cancelled: %s removed", path);
		else
			vdi_fail(msg, msglen, "cannot allocate", path);
		vdi_remove_partial(path, fd);
		close(fd);
		return -1;
	}
	if (vdi_sync_dir(path) < 0) {
		vdi_fail(msg, msglen, "cannot sync the directory of", path);
		vdi_remove_partial(path, fd);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
vdi_label(const char *path, enum inv_vdisk_format format, uint64_t vsize, vdi_label_fn label,
          void *arg, char *msg, size_t msglen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int e;

	if (fd < 0)
		return vdi_fail(msg, msglen, "cannot open", path);
	/* a VHD's footer would be taken for the disk's last sector: set it aside */
	if (format == INV_VF_VHD && ftruncate(fd, (off_t)vsize) < 0) {
		vdi_fail(msg, msglen, "cannot set aside the footer of", path);
		goto fail;
	}
	if (label(fd, path, arg, msg, msglen) < 0) {
		if (!errno)
			errno = EIO;
		goto fail;
	}
	if (format == INV_VF_VHD && vdi_write_footer(fd, vsize) < 0) {
		vdi_fail(msg, msglen, "cannot write the footer of", path);
		goto fail;
	}
	if (fsync(fd) < 0) {
		vdi_fail(msg, msglen, "cannot sync", path);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	e = errno;
	vdi_remove_partial(path, fd);
	close(fd);
	errno = e;
	return -1;
}
