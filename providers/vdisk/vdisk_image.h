/* SPDX-License-Identifier: ISC */
/*
 * vdisk_image.h - image files of the vdisk provider: raw images (sparse or
 * fully allocated) and fixed VHDs (raw data followed by a 512-byte footer,
 * Virtual Hard Disk Image Format Specification, "Hard Disk Footer Format").
 *
 * Pure functions and file I/O only: no model access, safe on a worker.
 */
#ifndef VDS_VDISK_IMAGE_H
#define VDS_VDISK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define VDI_FOOTER_SIZE 512
/* Largest fixed VHD the specification allows (2040 GiB). */
#define VDI_VHD_MAX (2040ULL << 30)

struct vdi_chs {
	uint16_t cyls;
	uint8_t heads, spt;
};

/*
 * The CHS geometry of the VHD specification for a disk of at least
 * `sectors` 512-byte sectors, and the disk size that geometry describes
 * (what qemu shows for a footer whose creator it does not know): the
 * smallest C*H*S >= sectors, or sectors itself past the largest geometry.
 */
uint64_t vdi_vhd_size(uint64_t sectors, struct vdi_chs *chs);

#define VDI_VHD_FIXED   2
#define VDI_VHD_DYNAMIC 3
#define VDI_VHD_DIFF    4

/* Big-endian fields, as every VHD structure has them. */
void vdi_be(uint8_t *p, uint64_t v, unsigned bytes);
uint64_t vdi_get_be(const uint8_t *p, unsigned bytes);
/* The VHD checksum of buf[0, len), the 4 bytes at `at` (the field) counted as zero. */
uint32_t vdi_vhd_checksum(const uint8_t *buf, size_t len, size_t at);
/* A VHD time stamp (seconds since 2000-01-01 UTC) of a Unix time. */
uint32_t vdi_vhd_time(uint32_t unix_time);
/* A random (version 4) UUID; -1 when getrandom fails. */
int vdi_uuid(uint8_t uuid[16]);
/* A footer of disk type `type` (VDI_VHD_*), its dynamic header at data_offset. */
void vdi_vhd_footer_typed(uint8_t footer[VDI_FOOTER_SIZE], uint64_t size, const struct vdi_chs *chs,
                          uint32_t unix_time, const uint8_t uuid[16], unsigned type,
                          uint64_t data_offset);
/* The 512-byte footer of a fixed VHD of `size` bytes of data. */
void vdi_vhd_footer(uint8_t footer[VDI_FOOTER_SIZE], uint64_t size, const struct vdi_chs *chs,
                    uint32_t unix_time, const uint8_t uuid[16]);
/* 0 when buf is a valid fixed-VHD footer (cookie, checksum, type); its size. */
int vdi_vhd_parse(const uint8_t footer[VDI_FOOTER_SIZE], uint64_t *size);

/* old's footer for a disk grown to size bytes: current size, geometry, checksum. */
void vdi_vhd_resized(const uint8_t old[VDI_FOOTER_SIZE], uint8_t footer[VDI_FOOTER_SIZE],
                     uint64_t size);
/* The virtual size a create of `size` bytes gives in `format` (0: too big). */
uint64_t vdi_virtual_size(enum inv_vdisk_format format, uint64_t size);
/* Bytes the file takes when fully allocated (data plus footer). */
uint64_t vdi_file_size(enum inv_vdisk_format format, uint64_t vsize);

/* "WHAT PATH: strerror(errno)" into msg; errno kept; returns -1. */
int vdi_fail(char *msg, size_t len, const char *what, const char *path);
/* Called between allocation steps: percent done; non-zero stops (cancel). */
typedef int (*vdi_step_fn)(void *arg, unsigned percent);

/*
 * Create path (O_EXCL: never an existing file) holding a `vsize`-byte disk
 * in `format`; fixed = every block allocated (fallocate, or zeros written
 * where the file system cannot preallocate), expandable = sparse.  On any
 * failure, or when step() asks to stop, the partial file is removed.
 * Returns 0, or -1 with errno (ECANCELED when stopped) and a message.
 */
int vdi_create(const char *path, enum inv_vdisk_format format, enum inv_vdisk_type type,
               uint64_t vsize, vdi_step_fn step, void *arg, char *msg, size_t msglen);

/* fsync the directory holding path; -1 with errno. */
int vdi_sync_dir(const char *path);
/* Remove path if it still names the file open as fd (errno kept). */
void vdi_remove_partial(const char *path, int fd);

/* Writes a partition table on fd, a disk of exactly the virtual size; 0 or -1 with msg. */
typedef int (*vdi_label_fn)(int fd, const char *path, void *arg, char *msg, size_t msglen);
/*
 * Give the disk in image path (just made by vdi_create) a partition table:
 * label() sees the disk's data alone (a VHD's footer is set aside while it
 * writes and put back after).  On failure the image is removed.  0, or -1
 * with errno and a message.
 */
int vdi_label(const char *path, enum inv_vdisk_format format, uint64_t vsize, vdi_label_fn label,
              void *arg, char *msg, size_t msglen);

#endif
