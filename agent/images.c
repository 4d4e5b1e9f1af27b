/* SPDX-License-Identifier: ISC */
/*
 * images.c - image-file disks from the configuration.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "images.h"
#include "log.h"
#include "model.h"
#include "probe.h"

static int
images_add(const char *path)
{
	struct inv_disk *d = calloc(1, sizeof(*d));
	const char *base = strrchr(path, '/');
	int rc;

	if (!d)
		return -1;
	snprintf(d->key, sizeof(d->key), "image:%s", path);
	snprintf(d->name, sizeof(d->name), "%s", base ? base + 1 : path);
	snprintf(d->devnode, sizeof(d->devnode), "%s", path);
	d->source = INV_SRC_IMAGE;
	rc = probe_disk(path, d);
	if (rc < 0)
		log_warnx("images", "%s: %s", path, d->status_msg);
	else if (access(path, W_OK) != 0)
		d->flags |= INV_DF_READONLY;
	if (inv_disk_update(d) < 0)
		log_warnx("images", "cannot store image disk %s", path);
	return rc;
}

static void
images_drop_unlisted(const struct vds_conf *conf)
{
	const struct vtab *t = inv_table(INV_DISK);
	const struct inv_disk *d;
	size_t i = 0;

	while (i < t->n) {
		d = t->rows[i];
		if (d->source == INV_SRC_IMAGE && strncmp(d->key, "image:", 6) == 0 &&
		    !strlist_contains(&conf->image_disks, d->key + 6)) {
			inv_disk_remove(d->index);
			continue; /* the table shifted down */
		}
		i++;
	}
}

int
images_sync(const struct vds_conf *conf)
{
	int failed = 0;

	images_drop_unlisted(conf);
	for (size_t i = 0; i < conf->image_disks.n; i++)
		if (images_add(conf->image_disks.v[i]) < 0)
			failed++;
	return failed;
}
