/* SPDX-License-Identifier: ISC */
/*
 * images.c - image-file disks from the configuration, probed off the loop
 * (probeq.h).
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
#include "probeq.h"

/* Prober thread: the label and file systems, and whether it may be written. */
static int
images_probe(struct inv_disk *d, void *arg)
{
	int rc = probe_disk(d->devnode, d);

	(void)arg;
	if (rc == 0 && access(d->devnode, W_OK) != 0)
		d->flags |= INV_DF_READONLY;
	return rc;
}

/* Loop thread: show it, unless a reload took it out of the list meanwhile. */
static void
images_apply(struct inv_disk *d, int rc, void *arg)
{
	const struct vds_conf *conf = arg;

	if (!strlist_contains(&conf->image_disks, d->devnode)) {
		probe_free_parts(d);
		free(d);
		return;
	}
	if (rc < 0)
		log_warnx("images", "%s: %s", d->devnode, d->status_msg);
	if (inv_disk_update(d) < 0)
		log_warnx("images", "cannot store image disk %s", d->devnode);
}

static int
images_add(const struct vds_conf *conf, const char *path)
{
	struct inv_disk *d = calloc(1, sizeof(*d));
	const char *base = strrchr(path, '/');

	if (!d)
		return -1;
	snprintf(d->key, sizeof(d->key), "image:%s", path);
	snprintf(d->name, sizeof(d->name), "%s", base ? base + 1 : path);
	snprintf(d->devnode, sizeof(d->devnode), "%s", path);
	d->source = INV_SRC_IMAGE;
	return probeq_submit(d, images_probe, images_apply, (void *)conf);
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
		if (images_add(conf, conf->image_disks.v[i]) < 0)
			failed++;
	return failed;
}
