/* SPDX-License-Identifier: ISC */
/*
 * model.c - the inventory tables and the rules that keep them consistent.
 *
 * Disks own their partitions; basic volumes (a partition or whole disk that
 * holds a file system) are derived here from the disk, so every discoverer
 * and provider gets them the same way.  Other objects are put by providers.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/event.h>

#include "idmap.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "statewr.h"

/* The leading members shared by every keyed row. */
struct inv_hdr {
	uint32_t index;
	char objid[INV_OBJID_LEN];
	char key[256];
};

#define INV_HDR_CHECK(type)                                                                        \
	_Static_assert(offsetof(type, key) == offsetof(struct inv_hdr, key), #type " header")
INV_HDR_CHECK(struct inv_disk);
INV_HDR_CHECK(struct inv_volume);
INV_HDR_CHECK(struct inv_plex);
INV_HDR_CHECK(struct inv_pack);
INV_HDR_CHECK(struct inv_vdisk);

static struct {
	struct idmap *ids;
	struct vtab tabs[INV_NCLASS];
	struct inv_observer obs;
	inv_owner_fn owner;
	time_t last_change;
	uint64_t generation;
	int flush_armed; /* an index map write is due at the end of this loop turn */
} inv;

static void
inv_flush_now(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	inv.flush_armed = 0;
	if (inv.ids)
		idmap_flush(inv.ids);
}

/*
 * The index map is written once per batch of changes (one loop turn), not
 * once per object: a burst of discoveries costs one write.  This defers
 * only the mappings; an index past its class's floor on disk still waits
 * for the floor to be written (idmap_get), so no index is handed out that
 * a crash could give to another object.
 */
static void
inv_flush_later(void)
{
	struct event_base *b = loop_base();

	if (inv.flush_armed)
		return;
	if (b &&
	    event_base_once(b, -1, EV_TIMEOUT, inv_flush_now, NULL, &(struct timeval){0, 0}) == 0)
		inv.flush_armed = 1;
	else
		idmap_flush(inv.ids);
}

static void
inv_touch(void)
{
	inv.last_change = time(NULL);
	inv.generation++;
}

static void
inv_tell(enum inv_class cls, enum inv_event ev, const void *row)
{
	if (inv.obs.changed)
		inv.obs.changed(cls, ev, row, inv.obs.arg);
}

/* mkdir -p: missing parents 0755 (like install -d), the state dir itself 0700. */
static int
inv_mkdirs(const char *dir)
{
	char p[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return errno = ENAMETOOLONG, -1;
	memcpy(p, dir, n + 1);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int
inv_init(const char *state_dir)
{
	char path[4096];

	memset(&inv, 0, sizeof(inv));
	if (inv_mkdirs(state_dir) < 0) {
		log_warn("inv", "cannot create state directory %s", state_dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/index.map", state_dir);
	if (idmap_open(path, INV_NCLASS, &inv.ids) < 0)
		return -1;
	inv.last_change = time(NULL);
	return 0;
}

static void
inv_free_row(enum inv_class cls, void *row)
{
	if (cls == INV_DISK)
		free(((struct inv_disk *)row)->parts);
	if (cls != INV_PARTITION)
		free(row);
}

void
inv_shutdown(void)
{
	size_t i;
	void *row;

	for (int c = 0; c < INV_NCLASS; c++) {
		VTAB_FOREACH(&inv.tabs[c], i, row)
		inv_free_row((enum inv_class)c, row);
		vtab_free(&inv.tabs[c]);
	}
	if (inv.ids) {
		idmap_close(inv.ids); /* writes what changed and waits */
	}
	statewr_stop();
	memset(&inv, 0, sizeof(inv));
}

void
inv_set_disk_owner(inv_owner_fn owner)
{
	inv.owner = owner;
}

void
inv_set_observer(const struct inv_observer *obs)
{
	if (obs)
		inv.obs = *obs;
	else
		memset(&inv.obs, 0, sizeof(inv.obs));
}

int
inv_index_for(enum inv_class cls, const char *key, uint32_t *index, char objid[INV_OBJID_LEN])
{
	if (!inv.ids || idmap_get(inv.ids, (unsigned)cls, key, index, objid) < 0) {
		log_warnx("inv", "cannot assign an index to %s", key);
		return -1;
	}
	return 0;
}

const struct vtab *
inv_table(enum inv_class cls)
{
	return &inv.tabs[cls];
}

const void *
inv_get(enum inv_class cls, uint32_t index)
{
	return vtab_find(&inv.tabs[cls], index);
}

const void *
inv_by_key(enum inv_class cls, const char *key)
{
	size_t i;
	void *row;

	if (cls == INV_PARTITION)
		return NULL;
	VTAB_FOREACH(&inv.tabs[cls], i, row)
	if (strcmp(((struct inv_hdr *)row)->key, key) == 0)
		return row;
	return NULL;
}

const struct inv_disk *
inv_disk_by_key(const char *key)
{
	return inv_by_key(INV_DISK, key);
}

const struct inv_disk *
inv_disk_by_devnode(const char *devnode)
{
	size_t i;
	struct inv_disk *d;

	VTAB_FOREACH(&inv.tabs[INV_DISK], i, d)
	if (strcmp(d->devnode, devnode) == 0)
		return d;
	return NULL;
}

/* The device node of partition n of devnode, if the kernel made one. */
void
inv_part_devnode(const char *devnode, uint32_t n, char *out, size_t len)
{
	size_t l = strlen(devnode);
	struct stat st;
	int digit = l > 0 && devnode[l - 1] >= '0' && devnode[l - 1] <= '9';

	snprintf(out, len, "%s%s%u", devnode, digit ? "p" : "", n);
	if (devnode[0] != '/' || stat(out, &st) < 0 || !S_ISBLK(st.st_mode))
		out[0] = '\0';
}

/* A basic volume for a file system at partition p (or the whole disk). */
static struct inv_volume *
inv_basic_volume(const struct inv_disk *d, const struct inv_part *p)
{
	struct inv_volume *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	if (p) {
		snprintf(v->key, sizeof(v->key), "%s/p%u/vol", d->key, p->number);
		v->size = p->size;
		snprintf(v->fs_type, sizeof(v->fs_type), "%s", p->fs_type);
		snprintf(v->fs_label, sizeof(v->fs_label), "%s", p->fs_label);
		snprintf(v->fs_uuid, sizeof(v->fs_uuid), "%s", p->fs_uuid);
		v->partition_index = p->index;
		inv_part_devnode(d->devnode, p->number, v->devnode, sizeof(v->devnode));
		snprintf(v->name, sizeof(v->name), "%.40s%s%u", d->name,
		         v->devnode[0] && strchr(v->devnode + strlen(d->devnode), 'p') ? "p" : "-",
		         p->number);
	} else {
		snprintf(v->key, sizeof(v->key), "%s/vol", d->key);
		v->size = d->size;
		snprintf(v->fs_type, sizeof(v->fs_type), "%s", d->fs_type);
		snprintf(v->fs_label, sizeof(v->fs_label), "%s", d->fs_label);
		snprintf(v->fs_uuid, sizeof(v->fs_uuid), "%s", d->fs_uuid);
		snprintf(v->devnode, sizeof(v->devnode), "%s", d->devnode);
		snprintf(v->name, sizeof(v->name), "%s", d->name);
	}
	if (v->fs_label[0])
		snprintf(v->name, sizeof(v->name), "%s", v->fs_label);
	snprintf(v->provider, sizeof(v->provider), "%s", d->provider);
	v->type = INV_VT_SIMPLE;
	v->health = d->status == INV_ST_ONLINE ? INV_H_HEALTHY : INV_H_UNKNOWN;
	v->status = d->status;
	v->disk_index = d->index;
	v->nplexes = 1;
	return v;
}

/* Bytes of a row of the classes inv_put() takes (flat structs, no pointers). */
static size_t
inv_flat_size(enum inv_class cls)
{
	switch (cls) {
	case INV_PACK:
		return sizeof(struct inv_pack);
	case INV_VOLUME:
		return sizeof(struct inv_volume);
	case INV_PLEX:
		return sizeof(struct inv_plex);
	case INV_VDISK:
		return sizeof(struct inv_vdisk);
	default:
		return 0; /* not comparable: always a change */
	}
}

/*
 * Put a row, replacing the one with the same key; reports an arrival, or a
 * modification when the contents differ (a row put again unchanged is no
 * news).  *changed: whether anything changed.
 */
static int
inv_put_row(enum inv_class cls, void *row, int *changed)
{
	struct inv_hdr *h = row;
	const struct inv_hdr *old = inv_by_key(cls, h->key);
	enum inv_event ev = old ? INV_EV_MODIFIED : INV_EV_ARRIVED;
	size_t size = inv_flat_size(cls);

	*changed = 0;
	if (inv_index_for(cls, h->key, &h->index, h->objid) < 0) {
		inv_free_row(cls, row);
		return -1;
	}
	*changed = !old || !size || memcmp(old, row, size) != 0;
	if (old)
		inv_free_row(cls, vtab_remove(&inv.tabs[cls], old->index));
	if (vtab_insert(&inv.tabs[cls], row) < 0) {
		inv_free_row(cls, row);
		*changed = 1; /* the old row is gone */
		return -1;
	}
	if (*changed)
		inv_tell(cls, ev, row);
	return 0;
}

int
inv_put(enum inv_class cls, void *row)
{
	int rc, changed;

	if (cls == INV_DISK || cls == INV_PARTITION) {
		inv_free_row(cls, row);
		return -1;
	}
	rc = inv_put_row(cls, row, &changed);
	if (changed)
		inv_touch();
	inv_flush_later();
	return rc;
}

int
inv_del(enum inv_class cls, uint32_t index)
{
	void *row = vtab_find(&inv.tabs[cls], index);

	if (!row || cls == INV_DISK || cls == INV_PARTITION)
		return -1;
	inv_tell(cls, INV_EV_REMOVED, row);
	inv_free_row(cls, vtab_remove(&inv.tabs[cls], index));
	inv_touch();
	return 0;
}

/* Basic volumes of disk d that are not in keep (NULL: all) go away. */
static void
inv_drop_basic_volumes(const struct inv_disk *d, const struct inv_disk *keep)
{
	struct vtab *t = &inv.tabs[INV_VOLUME];
	size_t i = 0;

	while (i < t->n) {
		struct inv_volume *v = t->rows[i];
		int kept = 0;

		if (v->disk_index != d->index || v->pack_index != 0) {
			i++;
			continue;
		}
		if (keep && keep->volume_index == v->index)
			kept = 1;
		for (size_t p = 0; keep && !kept && p < keep->nparts; p++)
			kept = keep->parts[p].volume_index == v->index;
		if (kept) {
			i++;
			continue;
		}
		inv_tell(INV_VOLUME, INV_EV_REMOVED, v);
		free(vtab_remove(t, v->index));
	}
}

/* Partitions of old that new (NULL: none) no longer has are reported gone. */
static void
inv_drop_partitions(const struct inv_disk *old, const struct inv_disk *new)
{
	for (size_t i = 0; i < old->nparts; i++) {
		const struct inv_part *p = &old->parts[i];
		int kept = 0;

		for (size_t j = 0; new &&j < new->nparts; j++)
			kept |= new->parts[j].index == p->index;
		if (!kept)
			inv_tell(INV_PARTITION, INV_EV_REMOVED, p);
		vtab_remove(&inv.tabs[INV_PARTITION], p->index);
	}
}

static int
inv_assign_parts(struct inv_disk *d)
{
	char key[300];

	for (size_t i = 0; i < d->nparts; i++) {
		struct inv_part *p = &d->parts[i];

		snprintf(key, sizeof(key), "%s/p%u", d->key, p->number);
		if (inv_index_for(INV_PARTITION, key, &p->index, p->objid) < 0)
			return -1;
		p->disk_index = d->index;
		p->volume_index = 0;
	}
	return 0;
}

/* Derive and put the basic volumes of d, linking them to their partitions. */
static void
inv_add_basic_volumes(struct inv_disk *d)
{
	struct inv_volume *v;
	int changed;

	d->volume_index = 0;
	if (d->nparts == 0 && d->fs_type[0] && (v = inv_basic_volume(d, NULL)) &&
	    inv_put_row(INV_VOLUME, v, &changed) == 0)
		d->volume_index = v->index;
	for (size_t i = 0; i < d->nparts; i++) {
		struct inv_part *p = &d->parts[i];

		if (p->fs_type[0] && (v = inv_basic_volume(d, p)) &&
		    inv_put_row(INV_VOLUME, v, &changed) == 0)
			p->volume_index = v->index;
	}
}

static int
inv_part_known(const struct inv_disk *old, uint32_t index)
{
	for (size_t i = 0; old && i < old->nparts; i++)
		if (old->parts[i].index == index)
			return 1;
	return 0;
}

int
inv_disk_update(struct inv_disk *d)
{
	struct inv_disk *old;
	const char *owner;
	uint32_t pack = 0;

	if (inv.owner && (owner = inv.owner(d, &pack)) && !d->provider[0])
		snprintf(d->provider, sizeof(d->provider), "%s", owner);
	if (!d->pack_index)
		d->pack_index = pack;

	if (inv_index_for(INV_DISK, d->key, &d->index, d->objid) < 0 || inv_assign_parts(d) < 0)
		goto fail;
	old = vtab_find(&inv.tabs[INV_DISK], d->index);
	if (old) {
		if (!d->pack_index) /* a provider's, not discovery's */
			d->pack_index = old->pack_index;
		inv_drop_partitions(old, d);
		vtab_remove(&inv.tabs[INV_DISK], old->index);
	}
	if (vtab_insert(&inv.tabs[INV_DISK], d) < 0)
		goto fail_old;
	for (size_t i = 0; i < d->nparts; i++)
		vtab_insert(&inv.tabs[INV_PARTITION], &d->parts[i]);
	if (!old)
		inv_tell(INV_DISK, INV_EV_ARRIVED, d);
	inv_add_basic_volumes(d);
	if (old)
		inv_drop_basic_volumes(d, d);
	for (size_t i = 0; i < d->nparts; i++)
		if (!inv_part_known(old, d->parts[i].index))
			inv_tell(INV_PARTITION, INV_EV_ARRIVED, &d->parts[i]);
	if (old)
		inv_free_row(INV_DISK, old);
	inv_touch();
	inv_flush_later();
	return 0;
fail_old:
	if (old)
		inv_free_row(INV_DISK, old);
fail:
	inv_free_row(INV_DISK, d);
	return -1;
}

int
inv_disk_set_pack(uint32_t index, uint32_t pack_index)
{
	struct inv_disk *d = vtab_find(&inv.tabs[INV_DISK], index);

	if (!d)
		return -1;
	if (d->pack_index != pack_index) {
		d->pack_index = pack_index;
		inv_touch();
	}
	return 0;
}

int
inv_disk_remove(uint32_t index)
{
	struct inv_disk *d = vtab_find(&inv.tabs[INV_DISK], index);

	if (!d)
		return -1;
	inv_drop_basic_volumes(d, NULL);
	inv_drop_partitions(d, NULL);
	inv_tell(INV_DISK, INV_EV_REMOVED, d);
	vtab_remove(&inv.tabs[INV_DISK], index);
	inv_free_row(INV_DISK, d);
	inv_touch();
	return 0;
}

time_t
inv_last_change(void)
{
	return inv.last_change;
}

uint64_t
inv_generation(void)
{
	return inv.generation;
}
