/* SPDX-License-Identifier: ISC */
/*
 * vdisk_vhd_int.h - private to the VHD files: vdisk_vhd.c (the checks,
 * reads and writes through the chain) and vdisk_vhd_edit.c (create, grow,
 * merge).  Not for other modules: their API is vdisk_vhd.h.
 */
#ifndef VDS_VDISK_VHD_INT_H
#define VDS_VDISK_VHD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "vdisk_vhd.h"

#define VHD_SECTOR    512U
#define VHD_UNUSED    UINT32_MAX
#define VHD_W2KU      0x57326b75U /* "W2ku": absolute path, UTF-16LE */
#define VHD_W2RU      0x57327275U /* "W2ru": relative path, UTF-16LE */
#define VHD_LOC_SLOT  512U        /* bytes vdsd keeps for a locator's data */
#define VHD_LOC_AT    576U        /* the 8 locator entries in the header, 24 bytes each */
#define VHD_MAX_BAT   (1U << 22)
#define VHD_MIN_BLOCK (1U << 12)
#define VHD_MAX_BLOCK (1U << 28)

/* The message (and errno err) of a refusal or failure: -1. */
int vhd_bad(char *msg, size_t len, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* All n bytes at off, or -1 with errno (ENOSPC for a short write). */
int vhd_pwrite(int fd, const void *buf, size_t n, uint64_t off);
/* v rounded up to a multiple of to. */
uint64_t vhd_round(uint64_t v, uint64_t to);
/* Bit i of a sector bitmap (the most significant bit first). */
int vhd_bit(const uint8_t *bm, uint32_t i);
/*
 * Write p as the parent of the differencing VHD whose header is h: unique
 * id, time stamp, Unicode name and the two locators at loc (2 slots of
 * VHD_LOC_SLOT bytes in fd).  The header's checksum is not updated.
 */
int vhd_put_parent(uint8_t *h, int fd, uint64_t loc, const char *child, const struct vhd *p,
                   char *msg, size_t len);
/* One file: its footer (at the end), and for an expandable one the header and BAT. */
int vhd_open1(struct vhd **out, const char *path, int writable, char *msg, size_t len);
/* Close and free one VHD of a chain (not its parent). */
void vhd_free1(struct vhd *v);
/* Block blk's sector bitmap into v->bm: 0, or -1 with errno. */
int vhd_read_bitmap(struct vhd *v, uint32_t blk);

#endif
