/* SPDX-License-Identifier: ISC */
/*
 * vdisk_sync.h - the vdisk table as the truth: each record of the vdisk
 * provider checked against its image file (present? allocated bytes) and
 * the kernel's loop devices (attached? as which device?), and the model's
 * vdisk rows put in line with that.
 *
 * Loop thread only (changes the model).
 */
#ifndef VDS_VDISK_SYNC_H
#define VDS_VDISK_SYNC_H

#include <stddef.h>

#include "model.h"
#include "vdisk_loop.h"
#include "vdisk_store.h"

#define VDSY_PROVIDER "vdisk"

/* The kernel's loop devices, and nbd devices vdsd-nbd serves, at one moment. */
struct vdsy_view {
	struct vdl_dev *devs;
	size_t n;
};

/* Where a record stands now. */
struct vdsy_state {
	enum inv_status status;     /* online, or missing: the image file is gone */
	const struct vdl_dev *loop; /* the loop or nbd device it is attached as, or NULL */
	int deleted;                /* attached, but the file was unlinked */
};

/* Read /sys/block (sysblock) into v; vdsy_view_free() releases it. */
int vdsy_view_read(struct vdsy_view *v, const char *sysblock);
void vdsy_view_free(struct vdsy_view *v);

void vdsy_state(const struct vdr_rec *r, const struct vdsy_view *v, struct vdsy_state *st);

/* "vdisk:PATH": the key of a vdisk row. */
void vdsy_key(const char *path, char *key, size_t len);
/* The model row of the vdisk at path, or NULL. */
const struct inv_vdisk *vdsy_row(const char *path);

/*
 * Put every record's row in the model (only when it changed) and remove
 * rows of this provider without a record.  link: fill vdsVDiskDiskIndex
 * for attached vdisks (the disk row comes from udev discovery).  Changes
 * nobody asked for are logged, except for the vdisk at `ours` (NULL: none),
 * which the job being committed changed.
 */
int vdsy_sync(const struct vdr_set *s, const char *sysblock, int link, const char *ours);

#endif
