/* SPDX-License-Identifier: ISC */
/*
 * udev.c - block disks from libudev into the inventory.
 *
 * The translation of a device's properties into a struct inv_disk is pure
 * (udevmon_translate, through accessors); the usage flags read /proc and
 * sysfs; the rest is the monitor on the libevent loop.  Every model call
 * happens on the loop thread, from the monitor callback or udevmon_start.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "probe.h"
#include "probeq.h"
#include "rescan.h"
#include "udev.h"

#define UDEVMON_BATCH  256       /* events handled per wake-up before yielding */
#define UDEVMON_RCVBUF (8 << 20) /* bytes; needs CAP_NET_ADMIN, best effort */

struct udevmon {
	struct udev *udev;
	struct udev_monitor *mon;
	struct event *ev;
	char source[8];
};

/* The disk and its partitions: device numbers and holders/ directories. */
struct udevmon_devset {
	dev_t *devs;
	char **holders; /* NULL-terminated */
	size_t n;
};

/* ------------------------------------------------------------ translation */

static const char *
udevmon_nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static const char *
udevmon_prop(const struct udevmon_dev *dev, const char *name)
{
	return dev->prop ? udevmon_nonempty(dev->prop(dev->ctx, name)) : NULL;
}

static const char *
udevmon_attr(const struct udevmon_dev *dev, const char *name)
{
	return dev->attr ? udevmon_nonempty(dev->attr(dev->ctx, name)) : NULL;
}

/* Copy src without leading/trailing blanks (SCSI pads model and vendor). */
static void
udevmon_copy_trim(char *dst, size_t len, const char *src)
{
	size_t n;

	dst[0] = '\0';
	if (!src)
		return;
	while (*src == ' ' || *src == '\t' || *src == '\n')
		src++;
	n = strlen(src);
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t' || src[n - 1] == '\n'))
		n--;
	snprintf(dst, len, "%.*s", (int)n, src);
}

static int
udevmon_attr_true(const struct udevmon_dev *dev, const char *name)
{
	const char *v = udevmon_attr(dev, name);

	return v && strtoul(v, NULL, 10) != 0;
}

/*
 * A disk: not a RAM disk, and not a logical volume (a device-mapper device
 * LVM made: those are volumes, published by the lvm provider).
 */
static int
udevmon_is_candidate(const struct udevmon_dev *dev)
{
	const char *uuid;

	if (!dev->sysname || !dev->devnode || !dev->devnode[0])
		return 0;
	if (dev->devtype && strcmp(dev->devtype, "disk") != 0)
		return 0;
	if (!strncmp(dev->sysname, "dm-", 3) && (uuid = udevmon_attr(dev, "dm/uuid")) &&
	    !strncmp(uuid, "LVM-", 4))
		return 0;
	return strncmp(dev->sysname, "ram", 3) != 0 && strncmp(dev->sysname, "zram", 4) != 0;
}

/*
 * The identity key comes from what the kernel itself reports (sysfs), never
 * from udev's database: the same disk must get the same key, hence the same
 * index, whether or not udevd runs.
 */
static void
udevmon_key(const struct udevmon_dev *dev, struct inv_disk *d)
{
	const char *v, *off;
	char serial[128];

	if ((v = udevmon_attr(dev, "device/wwid")) || (v = udevmon_attr(dev, "wwid"))) {
		udevmon_copy_trim(serial, sizeof(serial), v);
		snprintf(d->key, sizeof(d->key), "wwn:%s", serial);
	} else if ((v = udevmon_attr(dev, "device/serial")) || (v = udevmon_attr(dev, "serial"))) {
		udevmon_copy_trim(serial, sizeof(serial), v);
		snprintf(d->key, sizeof(d->key), "serial:%s", serial);
	} else if (strncmp(dev->sysname, "loop", 4) == 0 &&
	           (v = udevmon_attr(dev, "loop/backing_file")))
		snprintf(d->key, sizeof(d->key), "loop:%s@%s", v,
		         (off = udevmon_attr(dev, "loop/offset")) ? off : "0");
	else
		snprintf(d->key, sizeof(d->key), "devpath:%s",
		         dev->devpath ? dev->devpath : dev->sysname);
}

int
udevmon_translate(const struct udevmon_dev *dev, struct inv_disk *d)
{
	const char *v;
	unsigned long long sectors = 0;

	memset(d, 0, sizeof(*d));
	if (!udevmon_is_candidate(dev))
		return 0;
	if ((v = udevmon_attr(dev, "size")))
		sectors = strtoull(v, NULL, 10);
	if (sectors == 0 || sectors > UINT64_MAX / 512)
		return 0;
	d->size = (uint64_t)sectors * 512; /* sysfs counts 512-byte units */
	snprintf(d->name, sizeof(d->name), "%s", dev->sysname);
	snprintf(d->devnode, sizeof(d->devnode), "%s", dev->devnode);
	if (!(v = udevmon_prop(dev, "ID_SERIAL_SHORT")) && !(v = udevmon_prop(dev, "ID_SERIAL")) &&
	    !(v = udevmon_attr(dev, "device/serial")))
		v = udevmon_attr(dev, "serial");
	udevmon_copy_trim(d->serial, sizeof(d->serial), v);
	if (!(v = udevmon_prop(dev, "ID_MODEL")))
		v = udevmon_attr(dev, "device/model");
	udevmon_copy_trim(d->model, sizeof(d->model), v);
	udevmon_key(dev, d);
	if (udevmon_attr_true(dev, "ro"))
		d->flags |= INV_DF_READONLY;
	if (udevmon_attr_true(dev, "removable"))
		d->flags |= INV_DF_REMOVABLE;
	d->source = INV_SRC_UDEV;
	d->status = INV_ST_ONLINE;
	d->pstyle = INV_PS_UNKNOWN;
	return 1;
}

/* ------------------------------------------------------------ usage flags */

static int
udevmon_has_dev(const dev_t *devs, size_t n, dev_t dev)
{
	for (size_t i = 0; i < n; i++)
		if (devs[i] == dev)
			return 1;
	return 0;
}

static int
udevmon_mounted(const dev_t *devs, size_t n, const char *mountinfo)
{
	FILE *f = fopen(mountinfo, "re");
	char line[4096];
	unsigned maj, min;
	int hit = 0;

	if (!f)
		return 0;
	while (!hit && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %*d %u:%u", &maj, &min) == 2)
			hit = udevmon_has_dev(devs, n, makedev(maj, min));
	fclose(f);
	return hit;
}

static int
udevmon_swapped(const dev_t *devs, size_t n, const char *swaps)
{
	FILE *f = fopen(swaps, "re");
	char line[4096], path[4096];
	struct stat st;
	int hit = 0;

	if (!f)
		return 0;
	while (!hit && fgets(line, sizeof(line), f))
		if (sscanf(line, "%4095s", path) == 1 && path[0] == '/' && stat(path, &st) == 0 &&
		    S_ISBLK(st.st_mode))
			hit = udevmon_has_dev(devs, n, st.st_rdev);
	fclose(f);
	return hit;
}

static int
udevmon_dir_nonempty(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	int hit = 0;

	if (!dir)
		return 0;
	while (!hit && (de = readdir(dir)))
		hit = de->d_name[0] != '.';
	closedir(dir);
	return hit;
}

static int
udevmon_holds(const dev_t *devs, size_t n, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && udevmon_has_dev(devs, n, st.st_dev);
}

unsigned
udevmon_usage_flags(const dev_t *devs, size_t ndevs, const char *mountinfo, const char *swaps,
                    const char *const *holders_dirs)
{
	unsigned flags = 0;

	if (udevmon_holds(devs, ndevs, "/") || udevmon_holds(devs, ndevs, "/boot"))
		flags |= INV_DF_SYSTEM;
	if (udevmon_mounted(devs, ndevs, mountinfo) || udevmon_swapped(devs, ndevs, swaps))
		flags |= INV_DF_INUSE;
	for (size_t i = 0; holders_dirs && holders_dirs[i]; i++)
		if (udevmon_dir_nonempty(holders_dirs[i]))
			flags |= INV_DF_INUSE;
	return flags;
}

static void
udevmon_devset_free(struct udevmon_devset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->holders[i]);
	free(s->holders);
	free(s->devs);
	memset(s, 0, sizeof(*s));
}

static int
udevmon_devset_add(struct udevmon_devset *s, dev_t dev, const char *dir)
{
	dev_t *devs = realloc(s->devs, (s->n + 1) * sizeof(*devs));
	char **h;

	if (!devs)
		return -1;
	s->devs = devs;
	if (!(h = realloc(s->holders, (s->n + 2) * sizeof(*h))))
		return -1;
	s->holders = h;
	if (asprintf(&h[s->n], "%s/holders", dir) < 0)
		return -1;
	s->devs[s->n++] = dev;
	h[s->n] = NULL;
	return 0;
}

/* The kernel's partitions of the disk at syspath: subdirectories with "partition". */
static void
udevmon_devset_parts(struct udevmon_devset *s, const char *syspath)
{
	DIR *dir = opendir(syspath);
	struct dirent *de;
	char path[4096];
	unsigned maj, min;
	FILE *f;

	while (dir && (de = readdir(dir))) {
		snprintf(path, sizeof(path), "%s/%s/partition", syspath, de->d_name);
		if (de->d_name[0] == '.' || access(path, F_OK) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/dev", syspath, de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		if (fscanf(f, "%u:%u", &maj, &min) == 2) {
			snprintf(path, sizeof(path), "%s/%s", syspath, de->d_name);
			udevmon_devset_add(s, makedev(maj, min), path);
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
}

static unsigned
udevmon_device_usage(struct udev_device *ud)
{
	struct udevmon_devset s = {0};
	const char *syspath = udev_device_get_syspath(ud);
	unsigned flags = 0;

	if (syspath && udevmon_devset_add(&s, udev_device_get_devnum(ud), syspath) == 0) {
		udevmon_devset_parts(&s, syspath);
		flags = udevmon_usage_flags(s.devs, s.n, "/proc/self/mountinfo", "/proc/swaps",
		                            (const char *const *)s.holders);
	}
	udevmon_devset_free(&s);
	return flags;
}

/* ---------------------------------------------------------------- monitor */

static const char *
udevmon_ud_prop(void *ctx, const char *name)
{
	return udev_device_get_property_value(ctx, name);
}

static const char *
udevmon_ud_attr(void *ctx, const char *name)
{
	return udev_device_get_sysattr_value(ctx, name);
}

static void
udevmon_forget(const char *devnode)
{
	const struct inv_disk *old = devnode ? inv_disk_by_devnode(devnode) : NULL;

	if (devnode)
		probeq_cancel(devnode); /* a probe still queued would bring it back */
	if (old && old->source == INV_SRC_UDEV) {
		log_info("udev", "disk %s (%s) removed", old->name, old->key);
		inv_disk_remove(old->index);
	}
}

/* Prober thread: read the label and file systems (probeq.h). */
static int
udevmon_probe(struct inv_disk *d, void *arg)
{
	uint64_t size = d->size;
	int rc = probe_disk(d->devnode, d);

	(void)arg;
	if (d->size == 0) /* udev's size stays when the probe cannot read one */
		d->size = size;
	return rc;
}

/* Loop thread: store the probed disk. */
static void
udevmon_apply(struct inv_disk *d, int rc, void *arg)
{
	const struct inv_disk *old;

	(void)arg;
	if (rc < 0)
		log_warnx("udev", "%s: %s", d->devnode, d->status_msg);
	old = inv_disk_by_devnode(d->devnode);
	if (old && old->source == INV_SRC_UDEV && strcmp(old->key, d->key) != 0)
		inv_disk_remove(old->index); /* same node, other medium or backing file */
	if (inv_disk_update(d) < 0)
		log_warnx("udev", "cannot store disk %s", d->devnode);
}

/*
 * Translate one disk and queue its probe, stored when applied; a device
 * that is no disk is forgotten.
 */
static void
udevmon_refresh(struct udev_device *ud)
{
	struct udevmon_dev dev = {
	    .sysname = udev_device_get_sysname(ud),
	    .devnode = udev_device_get_devnode(ud),
	    .devpath = udev_device_get_devpath(ud),
	    .devtype = udev_device_get_devtype(ud),
	    .prop = udevmon_ud_prop,
	    .attr = udevmon_ud_attr,
	    .ctx = ud,
	};
	struct inv_disk *d = malloc(sizeof(*d));

	if (!d || udevmon_translate(&dev, d) != 1) {
		if (dev.devtype && strcmp(dev.devtype, "disk") == 0)
			udevmon_forget(dev.devnode);
		free(d);
		return;
	}
	d->flags |= udevmon_device_usage(ud);
	if (probeq_submit(d, udevmon_probe, udevmon_apply, NULL) < 0)
		log_warnx("udev", "cannot probe %s: out of memory", dev.devnode);
}

static void
udevmon_handle(struct udev_device *ud)
{
	const char *action = udev_device_get_action(ud);
	const char *devtype = udev_device_get_devtype(ud);

	if (!devtype || strcmp(devtype, "disk") != 0)
		return;
	log_debug("udev", "%s %s", action ? action : "?", udev_device_get_sysname(ud));
	/* a logical volume made, changed or removed, a disk that came or went */
	rescan_request(udev_device_get_sysname(ud));
	if (action && strcmp(action, "remove") == 0)
		udevmon_forget(udev_device_get_devnode(ud));
	else
		udevmon_refresh(ud);
}

static void
udevmon_on_event(evutil_socket_t fd, short what, void *arg)
{
	struct udevmon *m = arg;
	struct udev_device *ud;

	for (int i = 0; i < UDEVMON_BATCH; i++) {
		errno = 0;
		if (!(ud = udev_monitor_receive_device(m->mon)))
			break;
		udevmon_handle(ud);
		udev_device_unref(ud);
	}
	if (errno == ENOBUFS) { /* the socket overflowed: events were lost */
		log_warnx("udev", "uevents lost, enumerating again");
		udevmon_rescan(m);
	}
}

static void
udevmon_drop_unseen(const struct strlist *seen)
{
	const struct vtab *t = inv_table(INV_DISK);
	const struct inv_disk *d;
	size_t i = 0;

	while (i < t->n) {
		d = t->rows[i];
		if (d->source == INV_SRC_UDEV && !strlist_contains(seen, d->devnode)) {
			log_info("udev", "disk %s (%s) gone", d->name, d->key);
			inv_disk_remove(d->index);
			continue; /* the table shifted down */
		}
		i++;
	}
}

int
udevmon_rescan(struct udevmon *m)
{
	struct udev_enumerate *e = udev_enumerate_new(m->udev);
	struct udev_list_entry *it;
	struct udev_device *ud;
	struct strlist seen = {0};
	int rc = -1;

	if (!e || udev_enumerate_add_match_subsystem(e, "block") < 0 ||
	    udev_enumerate_add_match_property(e, "DEVTYPE", "disk") < 0 ||
	    udev_enumerate_scan_devices(e) < 0) {
		log_warnx("udev", "cannot enumerate block devices");
		goto out;
	}
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e))
	{
		if (!(ud = udev_device_new_from_syspath(m->udev, udev_list_entry_get_name(it))))
			continue;
		if (udev_device_get_devnode(ud))
			strlist_add(&seen, udev_device_get_devnode(ud));
		udevmon_refresh(ud);
		udev_device_unref(ud);
	}
	udevmon_drop_unseen(&seen);
	rc = 0;
out:
	strlist_free(&seen);
	if (e)
		udev_enumerate_unref(e);
	return rc;
}

const char *
udevmon_source(const struct udevmon *m)
{
	return m->source;
}

int
udevmon_start(struct event_base *base, const struct vds_conf *conf, struct udevmon **out)
{
	struct udevmon *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return -1;
	/* udevd's socket: without udevd, its events never come; take the kernel's */
	snprintf(m->source, sizeof(m->source), "%s",
	         access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel");
	if (!(m->udev = udev_new()) ||
	    !(m->mon = udev_monitor_new_from_netlink(m->udev, m->source)) ||
	    udev_monitor_filter_add_match_subsystem_devtype(m->mon, "block", NULL) < 0 ||
	    udev_monitor_enable_receiving(m->mon) < 0) {
		log_warn("udev", "cannot open the udev monitor (%s)", m->source);
		goto fail;
	}
	udev_monitor_set_receive_buffer_size(m->mon, UDEVMON_RCVBUF); /* bursts: many loops */
	m->ev =
	    event_new(base, udev_monitor_get_fd(m->mon), EV_READ | EV_PERSIST, udevmon_on_event, m);
	if (!m->ev || event_add(m->ev, NULL) < 0)
		goto fail;
	log_info("udev", "monitoring block devices (%s events)", m->source);
	udevmon_rescan(m); /* after the monitor is on, so no event falls in between */
	*out = m;
	return 0;
fail:
	udevmon_stop(m);
	return -1;
}

void
udevmon_stop(struct udevmon *m)
{
	if (!m)
		return;
	if (m->ev)
		event_free(m->ev);
	if (m->mon)
		udev_monitor_unref(m->mon);
	if (m->udev)
		udev_unref(m->udev);
	free(m);
}
