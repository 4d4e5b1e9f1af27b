/* SPDX-License-Identifier: ISC */
/*
 * vdisk_store.h - the vdisk provider's own record of the virtual disks it
 * manages, kept in STATEDIR/vdisk.state (text, one vdisk a line, replaced
 * atomically).  Only what the image file cannot tell cheaply is stored:
 * path, format, allocation type and virtual size; whether a vdisk is
 * attached is always read from the kernel, never from this file.
 *
 * Loop thread only; nothing here writes on the loop but vdr_save() at start.
 */
#ifndef VDS_VDISK_STORE_H
#define VDS_VDISK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define VDR_PATH_LEN 256

struct vdr_rec {
	char path[VDR_PATH_LEN];
	enum inv_vdisk_format format;
	enum inv_vdisk_type type;
	uint64_t vsize;
	char parent[VDR_PATH_LEN]; /* differencing: the parent's path (a record too) */
};

struct vdr_set {
	struct vdr_rec *v;
	size_t n;
	char file[512];
};

/* Read state_dir/vdisk.state (a missing file is an empty set); -1 on a bad file. */
int vdr_load(struct vdr_set *s, const char *state_dir, char *err, size_t errlen);
/*
 * Write the set to a temp file, fsync, rename over the state file, fsync
 * the dir (at start only: on the loop, commit() hands vdr_dump() to
 * durable_write()).
 */
int vdr_save(const struct vdr_set *s);
/* The file's content for s, in *buf (malloc'd, *len bytes); -1 when out of memory. */
int vdr_dump(const struct vdr_set *s, char **buf, size_t *len);
/* s (its file kept) from such a content, checked as on load; -1 when it fails. */
int vdr_undump(struct vdr_set *s, const char *buf, size_t len);
void vdr_free(struct vdr_set *s);

struct vdr_rec *vdr_find(const struct vdr_set *s, const char *path);
int vdr_add(struct vdr_set *s, const struct vdr_rec *r);
void vdr_del(struct vdr_set *s, const char *path);
/* How many records name path as their parent. */
size_t vdr_children(const struct vdr_set *s, const char *path);

#endif
