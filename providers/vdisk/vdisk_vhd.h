/* SPDX-License-Identifier: ISC */
/*
 * vdisk_vhd.h - dynamic and differencing VHDs (Virtual Hard Disk Image
 * Format Specification 1.0, "Dynamic Disk Header Format" and "Block
 * Allocation Table and Data Blocks"): create, open with the parent chain,
 * read, write, and merge a child into an ancestor.
 *
 * A file read here is untrusted input: vhd_open checks the footer and the
 * dynamic header (cookies, checksums, sizes), that every block the BAT
 * lists lies inside the file, on no header, BAT, locator or other block, and that
 * a parent is the VHD the child names (unique id and size) at most
 * VHD_CHAIN_MAX levels up; anything else is refused with a message naming
 * the file and the field, never read through.
 *
 * vdsd writes the parent's absolute path in a W2ku locator and its path
 * relative to the child (with backslashes, as Windows writes it) in a W2ru
 * locator; the Parent Unicode Name holds its file name (libvhdi looks for
 * it in the child's directory).  A parent is found through W2ku, then W2ru.
 *
 * File I/O only, no model access: for a worker.
 */
#ifndef VDS_VDISK_VHD_H
#define VDS_VDISK_VHD_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "vdisk_image.h"

#define VHD_BLOCK_SIZE (2U << 20) /* bytes of data per block (the default of the spec) */
#define VHD_CHAIN_MAX  8          /* levels of parents vhd_open follows */
#define VHD_HEADER     1024

struct vhd {
	int fd;
	int writable;
	unsigned type; /* VDI_VHD_FIXED, _DYNAMIC or _DIFF */
	uint64_t size; /* virtual bytes */
	uint8_t footer[VDI_FOOTER_SIZE];
	uint8_t header[VHD_HEADER]; /* dynamic and differencing */
	uint32_t block;             /* bytes of data per block */
	uint32_t nbat;              /* BAT entries */
	uint64_t bat_off;
	uint32_t *bat;     /* host order; UINT32_MAX: not allocated */
	uint32_t bmp;      /* bytes of a block's sector bitmap, sector-padded */
	uint8_t *bm;       /* one block's bitmap, as last read */
	uint64_t meta_end; /* first byte after the footer copy, header, BAT and locators */
	uint64_t end;      /* where the trailing footer is: a new block goes here */
	uint8_t parent_uuid[16];
	char parent_path[PATH_MAX]; /* differencing: where its parent was found */
	struct vhd *parent;         /* differencing: opened with it */
	char path[PATH_MAX];
};

/*
 * Create path (O_EXCL) as a dynamic VHD of at least vsize bytes (the CHS
 * geometry's size, as fixed VHDs), or, when parent is given, as a
 * differencing VHD over that VHD (any type; vsize ignored: the parent's).
 * fsynced with its directory; a partial file is removed.  0, or -1 with
 * errno and a message.
 */
int vhd_create(const char *path, uint64_t vsize, const char *parent, char *msg, size_t len);

/*
 * Open path and, for a differencing VHD, its parents (read-only).  writable
 * opens path itself read-write.  0, or -1 with a message (errno EINVAL for
 * a damaged file or a wrong parent).
 */
int vhd_open(struct vhd **out, const char *path, int writable, char *msg, size_t len);
void vhd_close(struct vhd *v);

/* Read or write [off, off + n) of the virtual disk; both 512-byte aligned.  0 or -1 with errno. */
int vhd_read(struct vhd *v, void *buf, uint64_t off, size_t n);
int vhd_write(struct vhd *v, const void *buf, uint64_t off, size_t n);
/* Bytes of blocks allocated in the file (0 for fixed). */
uint64_t vhd_allocated(const struct vhd *v);

/*
 * Grow the dynamic VHD at path to at least vsize bytes (the CHS geometry's
 * size).  A BAT without room for the new blocks moves to the end of the
 * file (written and synced before the header names it); the footers go
 * last.  A crash at any point leaves the old or the new disk.  0, or -1
 * with errno and a message.
 */
int vhd_expand(const char *path, uint64_t vsize, char *msg, size_t len);
/* The same on an image open for writing (vdsd-nbd's), its BAT and size in memory too. */
int vhd_grow(struct vhd *v, uint64_t vsize, char *msg, size_t len);

/*
 * Merge v (a differencing VHD opened writable) into the ancestor `depth`
 * levels up: every sector v or a disk between holds is written into the
 * ancestor (reopened read-write), which is fsynced; then v is re-parented
 * on the ancestor (v->parent_path names it from then on, even if emptying
 * fails) and emptied.  A crash at any point leaves v reading the same data.  step() is told the
 * percent of blocks done and may stop the merge before the ancestor is written further (ECANCELED:
 * v still reads the same).  0, or -1 with errno and a message.
 */
int vhd_merge(struct vhd *v, unsigned depth, vdi_step_fn step, void *arg, char *msg, size_t len);

#endif
