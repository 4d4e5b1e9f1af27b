/* SPDX-License-Identifier: ISC */
/*
 * vdisk_grow.h - expandVDisk and compactVDisk on image files: grow a raw or
 * fixed-VHD image (the VHD footer moves to the new end), and give the file
 * system back the all-zero blocks of a sparse image (fallocate
 * PUNCH_HOLE|KEEP_SIZE).
 *
 * File I/O only, no model access: worker thread.
 */
#ifndef VDS_VDISK_GROW_H
#define VDS_VDISK_GROW_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "vdisk_image.h"

/* Bytes compactVDisk looks at as one block: punched when all zero. */
#define VDG_BLOCK (64U << 10)

/*
 * Grow path, a `format` image of virtual size `old` bytes, to `vsize`
 * (from vdi_virtual_size): fixed images get the new range allocated in
 * steps, sparse ones are truncated up; a VHD gets its footer (its own
 * UUID and time, new size, geometry and checksum) written at the new end
 * and synced before the old one is zeroed.  step() may stop it (ECANCELED)
 * before the footer moves; the file is then cut back to its old length.
 * 0, or -1 with errno and a message.
 */
int vdg_expand(const char *path, enum inv_vdisk_format format, enum inv_vdisk_type type,
               uint64_t old, uint64_t vsize, vdi_step_fn step, void *arg, char *msg, size_t msglen);

/*
 * Punch out every all-zero VDG_BLOCK of the first vsize bytes of path (0:
 * of the whole file, as for a dynamic VHD whose blocks lie anywhere in it;
 * holes already there are skipped), then fsync.  Each punch leaves the
 * data as it was, so step() may stop it anywhere (ECANCELED).  *reclaimed:
 * the bytes the file took less afterwards.  0, or -1 with errno and a
 * message.
 */
int vdg_compact(const char *path, uint64_t vsize, vdi_step_fn step, void *arg, uint64_t *reclaimed,
                char *msg, size_t msglen);

#endif
