/* SPDX-License-Identifier: ISC */
/*
 * basicfix.c - fixture of the basic provider tests (see basicfix.h).
 *
 * Loop devices and mounts made here are listed and undone at exit (also
 * when a test fails), each by its own name and only while its backing file
 * is still this test's image: loop devices are shared with everyone.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basicfix.h"
#include "images.h"
#include "probeq.h"
#include "probe.h"

#define FX_MAX_LOOPS 32

char tdir[64];
char img[128];
char disk[128];
char diskkey[300];
struct vds_conf conf;
void *bst;
unsigned vol_modified;

static char loops[FX_MAX_LOOPS][32];
static char mounted[192];
static int cleanup_set;

/* ---- loop devices and mounts, undone exactly ---- */

static int
loop_ours(const char *dev)
{
	char path[128], back[256];

	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", dev + 5);
	capture(back, sizeof(back), "cat '%s' 2>/dev/null", path);
	return img[0] && strcmp(back, img) == 0;
}

void
loop_detach(const char *dev)
{
	for (int i = 0; i < FX_MAX_LOOPS; i++)
		if (loops[i][0] && strcmp(loops[i], dev) == 0) {
			if (loop_ours(dev))
				sh("losetup -d '%s' 2>/dev/null", dev);
			loops[i][0] = '\0';
		}
}

void
fx_umount(void)
{
	if (mounted[0]) {
		sh("umount '%s' 2>/dev/null", mounted);
		mounted[0] = '\0';
	}
}

static void
fx_cleanup(void)
{
	fx_umount();
	for (int i = 0; i < FX_MAX_LOOPS; i++)
		if (loops[i][0])
			loop_detach(loops[i]);
}

int
loop_attach(uint64_t off, uint64_t size, int ro, char *dev, size_t len)
{
	char buf[64], lim[64] = "";

	if (size)
		snprintf(lim, sizeof(lim), "--sizelimit %llu", (unsigned long long)size);
	capture(buf, sizeof(buf), "losetup --find --show %s --offset %llu %s '%s'", ro ? "-r" : "",
	        (unsigned long long)off, lim, img);
	if (strncmp(buf, "/dev/loop", 9) != 0)
		return -1;
	for (int i = 0; i < FX_MAX_LOOPS; i++)
		if (!loops[i][0]) {
			snprintf(loops[i], sizeof(loops[i]), "%s", buf);
			break;
		}
	snprintf(dev, len, "%s", buf);
	return 0;
}

int
fx_mount(const char *dev)
{
	snprintf(mounted, sizeof(mounted), "%s/mnt", tdir);
	sh("mkdir -p '%s'", mounted);
	if (sh("mount '%s' '%s' 2>/dev/null", dev, mounted) != 0) {
		mounted[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- sfdisk ---- */

int
sf_get(const char *path, unsigned number, struct sf_part *out)
{
	char cmd[512], line[1024];
	unsigned long long st, sz;
	FILE *p;
	int found = -1;

	memset(out, 0, sizeof(*out));
	snprintf(cmd, sizeof(cmd), "sfdisk -d '%s' 2>/dev/null", path);
	if (!(p = popen(cmd, "r")))
		return -1;
	while (found < 0 && fgets(line, sizeof(line), p)) {
		char *c = strstr(line, " : start="), *q = c, *t;

		if (!c)
			continue;
		while (q > line && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if ((unsigned)atoi(q) != number ||
		    sscanf(c, " : start= %llu, size= %llu", &st, &sz) != 2)
			continue;
		out->start = st * 512;
		out->size = sz * 512;
		if ((t = strstr(c, "type=")))
			sscanf(t + 5, "%47[^,\n]", out->type);
		if ((t = strstr(c, "name=\"")))
			sscanf(t + 6, "%71[^\"]", out->name);
		found = 0;
	}
	pclose(p);
	return found;
}

int
sf_ok(const char *path)
{
	return sh("sfdisk --verify '%s' >/dev/null 2>&1", path) == 0 &&
	       sh("sfdisk --json '%s' 2>/dev/null | grep -q partitiontable", path) == 0;
}

/* ---- the provider over the image ---- */

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
fx_observer(enum inv_class cls, enum inv_event ev, const void *row, void *arg)
{
	(void)row;
	(void)arg;
	if (cls == INV_VOLUME && ev == INV_EV_MODIFIED)
		vol_modified++;
}

/* The loop device (or real disk) shown as udev would show it (no udevd here). */
#if defined(BASIC_ON_LOOP) || defined(BASIC_ON_DISK)
static int
fx_udev_disk(void)
{
	struct inv_disk *d = calloc(1, sizeof(*d));

	if (!d)
		return -1;
	snprintf(d->key, sizeof(d->key), "%s", diskkey);
	snprintf(d->name, sizeof(d->name), "%s", disk + 5);
	snprintf(d->devnode, sizeof(d->devnode), "%s", disk);
	d->source = INV_SRC_UDEV;
	probe_disk(disk, d);
	return inv_disk_update(d);
}
#endif

#ifdef BASIC_ON_LOOP
static int
fx_loop_disk(void)
{
	if (loop_attach(0, 0, 0, disk, sizeof(disk)) < 0)
		return -1;
	snprintf(diskkey, sizeof(diskkey), "loop:%s@0", img);
	return fx_udev_disk();
}
#endif

#ifdef BASIC_ON_DISK
const char *
fx_real_disk(void)
{
	static char dev[128];
	const char *l = getenv("VDS_TEST_DISKS");

	snprintf(dev, sizeof(dev), "%.*s", (int)strcspn(l ? l : "", ","), l ? l : "");
	return dev[0] == '/' ? dev : NULL;
}

/* Blank the real disk (signatures, label; the kernel drops its partitions), then label it. */
static int
fx_blank_disk(unsigned mib, const char *label)
{
	char buf[64];

	snprintf(img, sizeof(img), "%s", fx_real_disk());
	snprintf(disk, sizeof(disk), "%s", img);
	snprintf(diskkey, sizeof(diskkey), "devpath:%s", img);
	if (strtoull(capture(buf, sizeof(buf), "blockdev --getsize64 '%s'", img), NULL, 10) <
	        mib * MIB ||
	    sh("wipefs -qaf '%s' && dd if=/dev/zero of='%s' bs=1M count=2 conv=fsync status=none "
	       "&& blockdev --rereadpt '%s'",
	       img, img, img) != 0)
		return -1;
	return label[0] ? sh("echo 'label: %s' | sfdisk -q '%s' >/dev/null 2>&1", label, img) : 0;
}
#endif

int
fx_up(unsigned mib, const char *label)
{
	struct inv_observer obs = {fx_observer, NULL};
	char pat[160];

	if (!cleanup_set && (cleanup_set = 1))
		atexit(fx_cleanup);
	snprintf(tdir, sizeof(tdir), "/tmp/vdsd-test-basic.XXXXXX");
	if (!mkdtemp(tdir))
		return -1;
#ifdef BASIC_ON_DISK
	if (fx_blank_disk(mib, label) != 0)
		return -1;
#else
	snprintf(img, sizeof(img), "%s/disk.img", tdir);
	if (sh("truncate -s %uM '%s'", mib, img) != 0 ||
	    (label[0] && sh("echo 'label: %s' | sfdisk -q '%s' >/dev/null 2>&1", label, img) != 0))
		return -1;
#endif
	conf_defaults(&conf);
	free(conf.state_dir);
	conf.state_dir = strdup(tdir);
	strlist_add(&conf.providers, "basic");
	vol_modified = 0;
	if (inv_init(tdir) < 0)
		return -1;
	inv_set_observer(&obs);
#if defined(BASIC_ON_LOOP)
	if (fx_loop_disk() < 0)
		return -1;
	strlist_add(&conf.allow, disk);
#elif defined(BASIC_ON_DISK)
	if (fx_udev_disk() < 0)
		return -1;
	strlist_add(&conf.allow, disk);
#else
	snprintf(disk, sizeof(disk), "%s", img);
	snprintf(diskkey, sizeof(diskkey), "image:%s", img);
	snprintf(pat, sizeof(pat), "%s/*.img", tdir);
	strlist_add(&conf.allow, pat);
	strlist_add(&conf.image_disks, img);
	images_sync(&conf);
	probeq_drain(); /* the image's row, probed off the loop */
#endif
	(void)pat;
	if (basic_provider.init(&conf, &bst) < 0)
		return -1;
	basic_adopt(bst);
	return 0;
}

void
fx_down(void)
{
	fx_cleanup();
	basic_provider.fini(bst);
	bst = NULL;
	inv_set_observer(NULL);
	inv_shutdown();
	conf_free(&conf);
#ifndef BASIC_ON_DISK
	sh("chattr -i '%s' 2>/dev/null", img);
#endif
	nftw(tdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	img[0] = '\0';
}

void
fx_reprobe(void)
{
	const struct inv_disk *old = fx_disk();
	struct inv_disk *d = calloc(1, sizeof(*d));

	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	snprintf(d->key, sizeof(d->key), "%s", old->key);
	snprintf(d->name, sizeof(d->name), "%s", old->name);
	snprintf(d->devnode, sizeof(d->devnode), "%s", old->devnode);
	snprintf(d->provider, sizeof(d->provider), "%s", old->provider);
	d->source = old->source;
	probe_disk(disk, d);
	CU_ASSERT_EQUAL(inv_disk_update(d), 0);
}

const struct inv_disk *
fx_disk(void)
{
	return inv_disk_by_key(diskkey);
}

const struct inv_part *
fx_part(uint32_t number)
{
	const struct inv_disk *d = fx_disk();

	for (size_t i = 0; d && i < d->nparts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

enum vds_result
fx_job(const struct job_params *p, struct contract_run *run)
{
	run->cancel_at = -1;
	return contract_job(&basic_provider, bst, p, run);
}

/* Write n MiB of random data as /name through debugfs; keep a copy in tdir. */
void
fx_put_file(uint64_t off, const char *name, unsigned mib)
{
	CU_ASSERT_EQUAL_FATAL(sh("head -c %uM /dev/urandom > '%s/%s'", mib, tdir, name), 0);
	CU_ASSERT_EQUAL_FATAL(sh("debugfs -w -R 'write %s/%s %s' '%s?offset=%llu' >/dev/null 2>&1",
	                         tdir, name, name, disk, (unsigned long long)off),
	                      0);
}

int
fx_file_same(uint64_t off, const char *name)
{
	sh("rm -f '%s/back'", tdir);
	sh("debugfs -R 'dump %s %s/back' '%s?offset=%llu' >/dev/null 2>&1", name, tdir, disk,
	   (unsigned long long)off);
	return sh("cmp -s '%s/%s' '%s/back'", tdir, name, tdir) == 0;
}
