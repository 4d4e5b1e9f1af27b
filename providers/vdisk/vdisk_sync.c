/* SPDX-License-Identifier: ISC */
/*
 * vdisk_sync.c - vdisk rows from records, image files and loop devices.
 *
 * The disk an attached vdisk appears as is built by udev discovery (key
 * "loop:BACKING@OFFSET", see udev.h).  Its index is the persistent one for
 * that key, so the vdisk row can name it before the uevent has been
 * handled; once the row exists, the disk with the loop device's node wins.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "vdisk_nbd.h"
#include "vdisk_sync.h"

int
vdsy_view_read(struct vdsy_view *v, const char *sysblock)
{
	v->n = 0;
	if (!(v->devs = calloc(VDL_MAX, sizeof(*v->devs))))
		return -1;
	v->n = vdl_scan(sysblock, v->devs, VDL_MAX);
	v->n += vdn_scan(sysblock, v->devs + v->n, VDL_MAX - v->n);
	return 0;
}

void
vdsy_view_free(struct vdsy_view *v)
{
	free(v->devs);
	v->devs = NULL;
	v->n = 0;
}

void
vdsy_state(const struct vdr_rec *r, const struct vdsy_view *v, struct vdsy_state *st)
{
	struct stat sb;
	int deleted;

	memset(st, 0, sizeof(*st));
	st->status = stat(r->path, &sb) == 0 ? INV_ST_ONLINE : INV_ST_MISSING;
	for (size_t i = 0; i < v->n && !st->loop; i++)
		if (vdl_backs(v->devs[i].backing, r->path, &deleted)) {
			st->loop = &v->devs[i];
			st->deleted = deleted;
		}
}

void
vdsy_key(const char *path, char *key, size_t len)
{
	snprintf(key, len, "vdisk:%s", path);
}

const struct inv_vdisk *
vdsy_row(const char *path)
{
	char key[300];

	vdsy_key(path, key, sizeof(key));
	return inv_by_key(INV_VDISK, key);
}

static uint32_t
vdsy_disk_index(const struct vdl_dev *loop)
{
	const struct inv_disk *d = inv_disk_by_devnode(loop->devnode);
	char key[400], objid[INV_OBJID_LEN];
	uint32_t index = 0;

	if (d)
		return d->index;
	snprintf(key, sizeof(key), "loop:%s@%" PRIu64, loop->backing, loop->offset);
	return inv_index_for(INV_DISK, key, &index, objid) == 0 ? index : 0;
}

static void
vdsy_fill(const struct vdr_rec *r, const struct vdsy_state *st, int link, struct inv_vdisk *row)
{
	struct stat sb;

	memset(row, 0, sizeof(*row));
	vdsy_key(r->path, row->key, sizeof(row->key));
	snprintf(row->path, sizeof(row->path), "%s", r->path);
	snprintf(row->provider, sizeof(row->provider), "%s", VDSY_PROVIDER);
	row->format = r->format;
	row->type = r->type;
	row->virtual_size = r->vsize;
	row->status = st->status;
	if (st->status == INV_ST_ONLINE && stat(r->path, &sb) == 0)
		row->allocated_size = (uint64_t)sb.st_blocks * 512;
	if (st->loop) {
		row->attached = 1;
		snprintf(row->devnode, sizeof(row->devnode), "%s", st->loop->devnode);
		row->disk_index = link ? vdsy_disk_index(st->loop) : 0;
	}
}

static int
vdsy_same(const struct inv_vdisk *a, const struct inv_vdisk *b)
{
	return !strcmp(a->path, b->path) && !strcmp(a->provider, b->provider) &&
	       a->format == b->format && a->type == b->type && a->virtual_size == b->virtual_size &&
	       a->allocated_size == b->allocated_size && a->attached == b->attached &&
	       !strcmp(a->devnode, b->devnode) && a->disk_index == b->disk_index;
}

static void
vdsy_report(const struct vdr_rec *r, const struct vdsy_state *st, const struct inv_vdisk *old)
{
	int was_attached = old && old->attached;

	if (st->status == INV_ST_MISSING && (!old || old->allocated_size))
		log_warnx("vdisk", "%s: image file is missing%s", r->path,
		          st->loop ? " while attached" : "");
	if (was_attached && !st->loop)
		log_warnx("vdisk", "%s: %s was detached outside vdsd", r->path, old->devnode);
}

static int
vdsy_put(const struct vdr_rec *r, const struct vdsy_view *v, int link, int quiet)
{
	struct vdsy_state st;
	struct inv_vdisk *row = malloc(sizeof(*row));
	const struct inv_vdisk *old = vdsy_row(r->path);

	if (!row)
		return -1;
	vdsy_state(r, v, &st);
	vdsy_fill(r, &st, link, row);
	if (!quiet)
		vdsy_report(r, &st, old);
	if (old && vdsy_same(old, row)) {
		free(row);
		return 0;
	}
	return inv_put(INV_VDISK, row);
}

/* Rows of this provider whose record is gone. */
static void
vdsy_drop_unknown(const struct vdr_set *s)
{
	const struct vtab *t = inv_table(INV_VDISK);
	const struct inv_vdisk *row;
	size_t i = 0;

	while (i < t->n) {
		row = t->rows[i];
		if (!strcmp(row->provider, VDSY_PROVIDER) && !vdr_find(s, row->path)) {
			inv_del(INV_VDISK, row->index);
			continue; /* the table shifted down */
		}
		i++;
	}
}

int
vdsy_sync(const struct vdr_set *s, const char *sysblock, int link, const char *ours)
{
	struct vdsy_view v;
	int rc = 0;

	if (vdsy_view_read(&v, sysblock) < 0)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (vdsy_put(&s->v[i], &v, link, ours && !strcmp(ours, s->v[i].path)) < 0)
			rc = -1;
	vdsy_drop_unknown(s);
	vdsy_view_free(&v);
	return rc;
}
