/* SPDX-License-Identifier: ISC */
/*
 * test_udev.c - udev discovery: the property translation on fixtures, the
 * usage flags on fixture files, image disks from the config, and (as root,
 * with /dev/loop-control) a real loop device found by the enumeration and
 * by the monitor.  Loop devices are shared: only the one this test attached
 * is detached, by name, also on failure (atexit and signals).
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <event2/event.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "images.h"
#include "log.h"
#include "testutil.h"
#include "model.h"
#include "probeq.h"
#include "udev.h"

static char tdir[64];
static char loopdev[64]; /* attached by this test, "" when none */

/* ------------------------------------------------------------- fixtures */

struct kv {
	const char *k, *v;
};

struct fixture {
	const struct kv *props, *attrs;
};

static const char *
kv_get(const struct kv *t, const char *name)
{
	for (; t && t->k; t++)
		if (strcmp(t->k, name) == 0)
			return t->v;
	return NULL;
}

static const char *
fx_prop(void *ctx, const char *name)
{
	return kv_get(((struct fixture *)ctx)->props, name);
}

static const char *
fx_attr(void *ctx, const char *name)
{
	return kv_get(((struct fixture *)ctx)->attrs, name);
}

static int
translate(const char *sysname, const char *devtype, struct fixture *fx, struct inv_disk *d)
{
	char node[64], path[128];
	struct udevmon_dev dev = {
	    .sysname = sysname,
	    .devnode = node,
	    .devpath = path,
	    .devtype = devtype,
	    .prop = fx_prop,
	    .attr = fx_attr,
	    .ctx = fx,
	};

	snprintf(node, sizeof(node), "/dev/%s", sysname);
	snprintf(path, sizeof(path), "/devices/virtual/block/%s", sysname);
	return udevmon_translate(&dev, d);
}

static void
test_translate_ids(void)
{
	struct inv_disk d;
	const struct kv full[] = {{"ID_WWN", "0x5000c500a1b2c3d4"},
	                          {"ID_SERIAL", "ST2000_Z1234"},
	                          {"ID_SERIAL_SHORT", "Z1234"},
	                          {"ID_MODEL", "ST2000"},
	                          {NULL, NULL}};
	const struct kv attrs[] = {
	    {"size", "3907029168"},     {"ro", "0"},
	    {"removable", "1"},         {"device/wwid", "naa.5000c500a1b2c3d4 \n"},
	    {"device/serial", "Z1234"}, {NULL, NULL}};
	struct fixture fx = {full, attrs};

	/* The key comes from sysfs, not from udev's database. */
	CU_ASSERT_EQUAL_FATAL(translate("sda", "disk", &fx, &d), 1);
	CU_ASSERT_STRING_EQUAL(d.key, "wwn:naa.5000c500a1b2c3d4");
	CU_ASSERT_STRING_EQUAL(d.name, "sda");
	CU_ASSERT_STRING_EQUAL(d.devnode, "/dev/sda");
	CU_ASSERT_STRING_EQUAL(d.serial, "Z1234");
	CU_ASSERT_STRING_EQUAL(d.model, "ST2000");
	CU_ASSERT_EQUAL(d.size, 3907029168ULL * 512);
	CU_ASSERT_EQUAL(d.flags, INV_DF_REMOVABLE);
	CU_ASSERT_EQUAL(d.source, INV_SRC_UDEV);
	CU_ASSERT_EQUAL(d.status, INV_ST_ONLINE);
	CU_ASSERT_STRING_EQUAL(d.provider, "");

	/* Without udevd (no properties) the key is the same. */
	fx.props = NULL;
	CU_ASSERT_EQUAL_FATAL(translate("sda", "disk", &fx, &d), 1);
	CU_ASSERT_STRING_EQUAL(d.key, "wwn:naa.5000c500a1b2c3d4");

	fx.attrs = attrs + 1; /* no size: not a disk */
	CU_ASSERT_EQUAL(translate("sda", "disk", &fx, &d), 0);
	fx.attrs = attrs;
	fx.props = full; /* no wwid: the sysfs serial, whatever udev says */
	{
		const struct kv no_wwid[] = {
		    {"size", "8"}, {"device/serial", "Z1234"}, {NULL, NULL}};

		fx.attrs = no_wwid;
		CU_ASSERT_EQUAL_FATAL(translate("sda", "disk", &fx, &d), 1);
		CU_ASSERT_STRING_EQUAL(d.key, "serial:Z1234");
	}
}

static void
test_translate_sysfs(void)
{
	struct inv_disk d;
	const struct kv attrs[] = {{"size", "2048"},
	                           {"ro", "1"},
	                           {"serial", "overlayblk"},
	                           {"device/model", "  QEMU HARDDISK   "},
	                           {NULL, NULL}};
	struct fixture fx = {NULL, attrs};

	/* no udevd: identity from sysfs */
	CU_ASSERT_EQUAL_FATAL(translate("vda", NULL, &fx, &d), 1);
	CU_ASSERT_STRING_EQUAL(d.key, "serial:overlayblk");
	CU_ASSERT_STRING_EQUAL(d.serial, "overlayblk");
	CU_ASSERT_STRING_EQUAL(d.model, "QEMU HARDDISK");
	CU_ASSERT_EQUAL(d.flags, INV_DF_READONLY);
	CU_ASSERT_EQUAL(d.size, 2048 * 512);
}

static void
test_translate_loop(void)
{
	struct inv_disk d;
	const struct kv attrs[] = {{"size", "131072"},
	                           {"loop/backing_file", "/srv/img/a.img"},
	                           {"loop/offset", "4096"},
	                           {NULL, NULL}};
	const struct kv bare[] = {{"size", "8"}, {NULL, NULL}};
	struct fixture fx = {NULL, attrs};

	CU_ASSERT_EQUAL_FATAL(translate("loop3", "disk", &fx, &d), 1);
	CU_ASSERT_STRING_EQUAL(d.key, "loop:/srv/img/a.img@4096");
	fx.attrs = bare; /* nothing to identify it: devpath */
	CU_ASSERT_EQUAL_FATAL(translate("nbd0", "disk", &fx, &d), 1);
	CU_ASSERT_STRING_EQUAL(d.key, "devpath:/devices/virtual/block/nbd0");
	CU_ASSERT_STRING_EQUAL(d.serial, "");
}

static void
test_translate_not_disks(void)
{
	struct inv_disk d;
	const struct kv sized[] = {{"size", "1024"}, {NULL, NULL}};
	const struct kv zero[] = {{"size", "0"}, {"loop/backing_file", "/x"}, {NULL, NULL}};
	struct fixture fx = {NULL, sized};

	CU_ASSERT_EQUAL(translate("sda1", "partition", &fx, &d), 0);
	CU_ASSERT_EQUAL(translate("ram0", "disk", &fx, &d), 0);
	CU_ASSERT_EQUAL(translate("zram0", "disk", &fx, &d), 0);
	CU_ASSERT_EQUAL(translate("sdb", "disk", &fx, &d), 1); /* control: same attrs, a disk */
	fx.attrs = zero;
	CU_ASSERT_EQUAL(translate("loop7", "disk", &fx, &d), 0); /* detached loop */
	CU_ASSERT_EQUAL(translate("sr0", "disk", &fx, &d), 0);   /* empty drive */
	fx.attrs = NULL;
	CU_ASSERT_EQUAL(translate("sdc", "disk", &fx, &d), 0); /* no size at all */
}

/* A logical volume is a volume, not a disk; other device-mapper disks are disks. */
static void
test_translate_dm(void)
{
	struct inv_disk d;
	const struct kv lv[] = {
	    {"size", "98304"},
	    {"dm/uuid", "LVM-vLI09HE2Vts2q8cpTVmlHxUhkVqojbueMSfw32J87MFfKXKVCc5FFXnAGlIdNkyT"},
	    {NULL, NULL}};
	const struct kv mpath[] = {{"size", "98304"},
	                           {"dm/uuid", "mpath-3600508b400105e210000900000490000"},
	                           {NULL, NULL}};
	const struct kv plain[] = {{"size", "98304"}, {NULL, NULL}};
	struct fixture fx = {NULL, lv};

	CU_ASSERT_EQUAL(translate("dm-4", "disk", &fx, &d), 0);
	fx.attrs = mpath;
	CU_ASSERT_EQUAL(translate("dm-0", "disk", &fx, &d), 1);
	fx.attrs = plain; /* "dmsetup create" with no uuid, the VM lane's vdsflt */
	CU_ASSERT_EQUAL(translate("dm-1", "disk", &fx, &d), 1);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
test_usage_flags(void)
{
	char mi[128], sw[128], hold[128], holder[160], empty[128], swapdev[128];
	dev_t devs[2] = {makedev(7, 3), makedev(259, 9)};
	const char *holders_none[] = {empty, NULL}, *holders_one[] = {empty, hold, NULL};
	struct stat root, st;

	snprintf(mi, sizeof(mi), "%s/mountinfo", tdir);
	snprintf(sw, sizeof(sw), "%s/swaps", tdir);
	snprintf(hold, sizeof(hold), "%s/holders", tdir);
	snprintf(empty, sizeof(empty), "%s/holders-empty", tdir);
	snprintf(holder, sizeof(holder), "%s/dm-0", hold);
	mkdir(hold, 0700);
	mkdir(empty, 0700);
	write_file(holder, "");
	write_file(mi, "22 27 0:21 / /proc rw - proc proc rw\n"
	               "40 27 259:9 / /mnt rw - ext4 /dev/loop3p1 rw\n");
	write_file(sw, "Filename\tType\tSize\tUsed\tPriority\n");
	CU_ASSERT_EQUAL(udevmon_usage_flags(devs, 1, mi, sw, holders_none), 0);
	CU_ASSERT_EQUAL(udevmon_usage_flags(devs, 2, mi, sw, holders_none), INV_DF_INUSE);
	CU_ASSERT_EQUAL(udevmon_usage_flags(devs, 1, mi, sw, holders_one), INV_DF_INUSE);

	/* swap on a block device: any block node will do, the file is a fixture */
	snprintf(swapdev, sizeof(swapdev), "%s", "/dev/loop0");
	if (stat(swapdev, &st) == 0 && S_ISBLK(st.st_mode)) {
		char text[256];

		snprintf(text, sizeof(text), "Filename\tType\n%s partition 0 0 -2\n", swapdev);
		write_file(sw, text);
		devs[0] = st.st_rdev;
		CU_ASSERT_EQUAL(udevmon_usage_flags(devs, 1, "/nonexistent", sw, NULL),
		                INV_DF_INUSE);
	}
	CU_ASSERT_EQUAL_FATAL(stat("/", &root), 0);
	devs[0] = root.st_dev;
	CU_ASSERT_EQUAL(udevmon_usage_flags(devs, 1, "/nonexistent", "/nonexistent", NULL) &
	                    INV_DF_SYSTEM,
	                INV_DF_SYSTEM);
}

/* --------------------------------------------------------- image disks */

static void
test_images(void)
{
	struct vds_conf conf;
	char a[128], missing[128], key[160];
	const struct inv_disk *d;

	snprintf(a, sizeof(a), "%s/a.img", tdir);
	snprintf(missing, sizeof(missing), "%s/missing.img", tdir);
	CU_ASSERT_EQUAL_FATAL(sh("truncate -s 16M '%s' && printf 'label: gpt\\nsize=4MiB\\n' | "
	                         "sfdisk -q '%s'",
	                         a, a),
	                      0);
	conf_defaults(&conf);
	strlist_add(&conf.image_disks, a);
	strlist_add(&conf.image_disks, missing);
	CU_ASSERT_EQUAL(images_sync(&conf), 0); /* both queued to the prober */
	snprintf(key, sizeof(key), "image:%s", a);
	/* not read on this thread: no row until its probe is applied, never a half one */
	CU_ASSERT_PTR_NULL(inv_disk_by_key(key));
	CU_ASSERT_EQUAL(probeq_pending(), 2);
	probeq_drain();
	CU_ASSERT_EQUAL(probeq_pending(), 0);
	d = inv_disk_by_key(key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->name, "a.img");
	CU_ASSERT_STRING_EQUAL(d->devnode, a);
	CU_ASSERT_EQUAL(d->source, INV_SRC_IMAGE);
	CU_ASSERT_EQUAL(d->status, INV_ST_ONLINE);
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_GPT);
	CU_ASSERT_EQUAL(d->nparts, 1);
	snprintf(key, sizeof(key), "image:%s", missing);
	d = inv_disk_by_key(key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->status, INV_ST_MISSING);

	strlist_free(&conf.image_disks); /* reload without them: rows go */
	CU_ASSERT_EQUAL(images_sync(&conf), 0);
	probeq_drain();
	CU_ASSERT_PTR_NULL(inv_disk_by_key(key));
	/* a device gone while its probe was queued: the probe is not applied */
	strlist_add(&conf.image_disks, a);
	CU_ASSERT_EQUAL(images_sync(&conf), 0);
	probeq_cancel(a);
	probeq_drain();
	CU_ASSERT_PTR_NULL(inv_disk_by_devnode(a));
	conf_free(&conf);
}

/* ---------------------------------------------------------- loop device */

static void
loop_detach(void)
{
	if (loopdev[0]) {
		sh("losetup -d '%s'", loopdev);
		loopdev[0] = '\0';
	}
}

static void
on_signal(int sig)
{
	loop_detach();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
loop_usable(void)
{
	if (geteuid() != 0 || access("/dev/loop-control", W_OK) != 0) {
		fprintf(stderr, "\n*** test_udev: SKIPPING loop-device tests: need root and "
		                "/dev/loop-control ***\n");
		return 0;
	}
	return 1;
}

static int
loop_attach(const char *img)
{
	char buf[64];

	capture(buf, sizeof(buf), "losetup --find --show '%s'", img);
	if (strncmp(buf, "/dev/loop", 9) != 0)
		return -1;
	snprintf(loopdev, sizeof(loopdev), "%s", buf);
	return 0;
}

static void
make_loop_image(char *img, size_t len)
{
	snprintf(img, len, "%s/loop.img", tdir);
	CU_ASSERT_EQUAL_FATAL(sh("truncate -s 48M '%s' && printf 'label: gpt\\nsize=8MiB\\n"
	                         "size=16MiB, name=data\\n' | sfdisk -q '%s' && "
	                         "mkfs.ext4 -q -F -L loopfs -E offset=%d '%s' 16384",
	                         img, img, 9 << 20, img),
	                      0);
}

static void
check_loop_disk(const char *img, const struct inv_disk *d)
{
	char key[PATH_MAX + 16], buf[256];

	snprintf(key, sizeof(key), "loop:%s@0", img);
	CU_ASSERT_STRING_EQUAL(d->key, key);
	CU_ASSERT_STRING_EQUAL(d->name, loopdev + 5);
	CU_ASSERT_EQUAL(d->size, 48 << 20);
	CU_ASSERT_EQUAL(d->status, INV_ST_ONLINE);
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_GPT);
	CU_ASSERT_EQUAL_FATAL(d->nparts, 2);
	/* partition fs read by offset on the block device itself */
	capture(buf, sizeof(buf), "blkid -p -o value -s UUID -O %d -S %d '%s'", 9 << 20, 16 << 20,
	        loopdev);
	CU_ASSERT_STRING_EQUAL(d->parts[1].fs_uuid, buf);
	CU_ASSERT_STRING_EQUAL(d->parts[1].fs_label, "loopfs");
	CU_ASSERT_STRING_EQUAL(d->parts[1].name, "data");
}

/* When / sits on a whole disk (here /dev/vda), that disk is flagged SYSTEM. */
static void
check_root_disk(void)
{
	struct stat st;
	char buf[256], node[300];
	const struct inv_disk *d;

	CU_ASSERT_EQUAL_FATAL(stat("/", &st), 0);
	capture(buf, sizeof(buf), "sed -n 's/^DEVNAME=//p' /sys/dev/block/%u:%u/uevent 2>/dev/null",
	        major(st.st_dev), minor(st.st_dev));
	snprintf(node, sizeof(node), "/dev/%s", buf);
	if (!buf[0] || !(d = inv_disk_by_devnode(node))) {
		fprintf(stderr, "\n  (/ is not on a listed whole disk: SYSTEM flag not checked)\n");
		return;
	}
	CU_ASSERT(d->flags & INV_DF_SYSTEM);
	/*
	 * In use (mounted) only where this mount namespace lists the mount: in a
	 * chroot or a container the host's mount of / is not in mountinfo.
	 */
	capture(buf, sizeof(buf),
	        "awk '$3 == \"%u:%u\" { print \"listed\"; exit }' /proc/self/mountinfo",
	        major(st.st_dev), minor(st.st_dev));
	if (strcmp(buf, "listed") != 0) {
		fprintf(stderr, "\n  (the mount of / is not in /proc/self/mountinfo, a chroot or a"
		                " container: IN USE not checked)\n");
		return;
	}
	CU_ASSERT(d->flags & INV_DF_INUSE); /* mounted */
}

static void
test_loop_enumerate(void)
{
	struct event_base *base;
	struct udevmon *m = NULL;
	struct vds_conf conf;
	const struct inv_disk *d;
	char img[128];

	if (!loop_usable()) {
		CU_PASS("skipped: not root or no /dev/loop-control");
		return;
	}
	make_loop_image(img, sizeof(img));
	CU_ASSERT_EQUAL_FATAL(loop_attach(img), 0);
	conf_defaults(&conf);
	base = event_base_new();
	CU_ASSERT_EQUAL(udevmon_start(base, &conf, &m), 0);
	probeq_drain();
	d = inv_disk_by_devnode(loopdev);
	CU_ASSERT_PTR_NOT_NULL(d);
	if (d)
		check_loop_disk(img, d);
	d = inv_disk_by_devnode("/dev/zram0");
	CU_ASSERT_PTR_NULL(d);
	check_root_disk();
	udevmon_stop(m);
	event_base_free(base);
	conf_free(&conf);
	loop_detach();
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Run the loop until pred holds or ms pass; the time it took, or -1. */
static double
wait_for(struct event_base *base, int (*pred)(void), double ms)
{
	double t0 = now_ms();
	struct timeval tick = {0, 20000};

	while (now_ms() - t0 < ms) {
		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
		if (pred())
			return now_ms() - t0;
	}
	return -1;
}

static char want_key[PATH_MAX + 16];

static int
loop_present(void)
{
	const struct inv_disk *d = inv_disk_by_devnode(loopdev);

	return d && strcmp(d->key, want_key) == 0 && d->nparts == 2;
}

static int
loop_absent(void)
{
	return inv_disk_by_key(want_key) == NULL;
}

static void
test_loop_events(void)
{
	struct event_base *base;
	struct udevmon *m = NULL;
	struct vds_conf conf;
	char img[128], dev[64];
	double ms;

	if (!loop_usable()) {
		CU_PASS("skipped: not root or no /dev/loop-control");
		return;
	}
	make_loop_image(img, sizeof(img));
	conf_defaults(&conf);
	base = event_base_new();
	CU_ASSERT_EQUAL_FATAL(probeq_init(base), 0); /* probes applied by this loop */
	CU_ASSERT_EQUAL_FATAL(udevmon_start(base, &conf, &m), 0);
	if (loop_attach(img) == 0) {
		snprintf(want_key, sizeof(want_key), "loop:%s@0", img);
		/*
		 * The row comes (within 60 s: a deadline, not a speed test; the
		 * latency is a figure of bench/inventory.sh, printed here too).
		 */
		ms = wait_for(base, loop_present, 60000);
		fprintf(stderr, "\n  loop attach -> row: %.0f ms (%s events)\n", ms,
		        udevmon_source(m));
		CU_ASSERT(ms >= 0);
		snprintf(dev, sizeof(dev), "%s", loopdev);
		loop_detach();
		ms = wait_for(base, loop_absent, 60000);
		fprintf(stderr, "  loop detach -> row gone: %.0f ms\n", ms);
		CU_ASSERT(ms >= 0);
		CU_ASSERT_PTR_NULL(inv_disk_by_devnode(dev));
	} else {
		CU_FAIL("losetup --find --show failed");
	}
	udevmon_stop(m);
	probeq_fini();
	event_base_free(base);
	conf_free(&conf);
}

static int
suite_init(void)
{
	char state[96];

	snprintf(tdir, sizeof(tdir), "/tmp/vdsd-udev-XXXXXX");
	if (!mkdtemp(tdir))
		return -1;
	snprintf(state, sizeof(state), "%s/state", tdir);
	return inv_init(state);
}

static int
suite_clean(void)
{
	loop_detach();
	inv_shutdown();
	return tdir[0] ? sh("rm -rf '%s'", tdir) : 0;
}

int
main(void)
{
	CU_pSuite s;
	int failed;

	atexit(loop_detach);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGABRT, on_signal);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("udev", suite_init, suite_clean);
	CU_add_test(s, "translate: wwn, serial, model, flags", test_translate_ids);
	CU_add_test(s, "translate: sysfs identity without udevd", test_translate_sysfs);
	CU_add_test(s, "translate: loop and devpath keys", test_translate_loop);
	CU_add_test(s, "translate: what is not a disk", test_translate_not_disks);
	CU_add_test(s, "translate: logical volumes are not disks", test_translate_dm);
	CU_add_test(s, "usage flags: mounts, holders, root", test_usage_flags);
	CU_add_test(s, "image disks from the config", test_images);
	CU_add_test(s, "loop device found by enumeration", test_loop_enumerate);
	CU_add_test(s, "loop attach/detach seen by the monitor", test_loop_events);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)(CU_get_number_of_failures() + CU_get_number_of_suites_failed());
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
