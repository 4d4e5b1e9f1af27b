/* SPDX-License-Identifier: ISC */
/*
 * test_basic.c - the basic provider on a GPT image file (built with
 * -DBASIC_ON_LOOP: on a loop device over it; with -DBASIC_ON_DISK: on the
 * real disk $VDS_TEST_DISKS names, in the VM lane, where the kernel makes
 * partition devices): the provider contract suite,
 * partition jobs checked by sfdisk and blkid after every operation, and
 * every safety refusal on the live system.  Needs root (loop devices,
 * mount); skipped otherwise.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "basicfix.h"

static void
quiet(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

static struct job_params
create(uint64_t off, uint64_t size)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .disk = fx_disk()->index};

	p.offset = off;
	p.size = size;
	return p;
}

static void
up(unsigned mib, const char *label)
{
	CU_ASSERT_EQUAL_FATAL(fx_up(mib, label), 0);
}

/* ---- partitions ---- */

static void
test_create_gpt(void)
{
	struct contract_run run;
	struct job_params p;
	struct sf_part sf;
	char buf[256];

	up(128, "gpt");
	CU_ASSERT_STRING_EQUAL(fx_disk()->provider, "basic");
	p = create(5 * MIB + 1234, 10 * MIB);
	snprintf(p.partition_type, sizeof(p.partition_type), "%s",
	         "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"); /* Linux swap */
	snprintf(p.name, sizeof(p.name), "data one");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 6 * MIB); /* aligned up to 1 MiB: the real offset */
	CU_ASSERT_EQUAL_FATAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.start, 6 * MIB);
	CU_ASSERT_EQUAL(sf.size, 10 * MIB);
	CU_ASSERT_STRING_EQUAL(sf.type, "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
	CU_ASSERT_STRING_EQUAL(sf.name, "data one");
	CU_ASSERT_TRUE(sf_ok(disk));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_part(1));
	CU_ASSERT_EQUAL(fx_part(1)->index, run.out.partition);
	CU_ASSERT_EQUAL(fx_part(1)->offset, 6 * MIB);
	/* first fit goes before it, into the 1..6 MiB gap */
	p = create(0, 4 * MIB);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 1 * MIB);
	CU_ASSERT_EQUAL_FATAL(sf_get(disk, 2, &sf), 0);
	CU_ASSERT_EQUAL(sf.start, 1 * MIB);
	CU_ASSERT_STRING_EQUAL(sf.type, "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
	CU_ASSERT_TRUE(sf_ok(disk));
	/* an offset inside a partition, and too much: no space, nothing written */
	p = create(7 * MIB, 1 * MIB);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_NO_SPACE);
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "sfdisk -d '%s' | grep -c start=", disk),
	                       "2");
	fx_down();
}

static void
test_create_label(void)
{
	struct contract_run run;
	struct job_params p;
	struct sf_part sf;
	char buf[256];
	char why[256];

	up(64, "");
	p = create(0, 8 * MIB);
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	p.init_label = JOB_LABEL_MBR;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blkid -p -s PTTYPE -o value '%s'", disk),
	                       "dos");
	CU_ASSERT_EQUAL_FATAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.start, run.out.offset);
	CU_ASSERT_STRING_EQUAL(sf.type, "83");
	CU_ASSERT_TRUE(sf_ok(disk));
	CU_ASSERT_EQUAL(fx_disk()->pstyle, INV_PS_MBR);
	/* a GPT label over a disk with partitions: refused */
	p.init_label = JOB_LABEL_GPT;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NOT_EMPTY);
	/* MBR: four primaries, then no slot */
	p.init_label = JOB_LABEL_NONE;
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	CU_ASSERT_TRUE(sf_ok(disk));
	fx_down();
}

/* A stale file system inside a new partition's range is wiped. */
static void
test_wipe_stale(void)
{
	struct contract_run run;
	struct job_params p;
	char buf[256];
	uint64_t off;
	uint32_t part;

	up(64, "gpt");
	p = create(0, 16 * MIB);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	off = run.out.offset;
	CU_ASSERT_EQUAL_FATAL(
	    sh("mkfs.ext4 -q -F -b 4096 -E offset=%llu '%s' 4096", (unsigned long long)off, disk),
	    0);
	part = run.out.partition;
	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = part};
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_NOT_EQUAL(sf_get(disk, 1, &(struct sf_part){0}), 0);
	CU_ASSERT_TRUE(sf_ok(disk));
	/* the data is still there after a delete (like sfdisk --delete) ... */
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blkid -p -O %llu -s TYPE -o value '%s'",
	                               (unsigned long long)off, disk),
	                       "ext4");
	/* ... and gone once a new partition covers it */
	p = create(0, 16 * MIB);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, off);
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blkid -p -O %llu -s TYPE -o value '%s'",
	                               (unsigned long long)off, disk),
	                       "");
	CU_ASSERT_EQUAL(fx_part(1)->fs_type[0], '\0');
	CU_ASSERT_EQUAL(run.out.volume, 0);
	fx_down();
}

/* ---- safety ---- */

static void
test_not_allowed(void)
{
	struct contract_run run;
	struct job_params p;
	char why[256], before[4096], after[4096];

	up(64, "gpt");
	p = create(0, 8 * MIB);
	strlist_free(&conf.allow);
	strlist_add(&conf.allow, "/nonexistent/*");
	capture(before, sizeof(before), "sfdisk -d '%s'", disk);
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NOT_ALLOWED);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_NOT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(capture(after, sizeof(after), "sfdisk -d '%s'", disk), before);
	fx_down();
}

/* The root disk: refused at run time before it is opened (a bug would give NO_SPACE). */
static void
test_system_disk(void)
{
	struct inv_disk *d = calloc(1, sizeof(*d));
	struct contract_run run;
	struct job_params p = {.type = JOB_CREATE_PARTITION};
	char root[64];

	up(64, "gpt");
	capture(root, sizeof(root), "findmnt -n -o SOURCE /");
	if (strncmp(root, "/dev/", 5) != 0 || access(root, F_OK) != 0) {
		fprintf(stderr,
		        "\n*** test_basic: no block device under /: system test skipped ***\n");
		free(d);
		fx_down();
		return;
	}
	snprintf(d->key, sizeof(d->key), "devpath:test-root");
	snprintf(d->name, sizeof(d->name), "root");
	snprintf(d->devnode, sizeof(d->devnode), "%s", root);
	d->source = INV_SRC_UDEV;
	d->status = INV_ST_ONLINE;
	d->pstyle = INV_PS_GPT;
	d->size = d->free_bytes = 1ULL << 50;
	CU_ASSERT_EQUAL_FATAL(inv_disk_update(d), 0);
	strlist_add(&conf.allow, root);
	p.disk = inv_disk_by_key("devpath:test-root")->index;
	p.size = 1ULL << 49; /* more than any real disk has */
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_SYSTEM_DEVICE);
	fx_down();
}

static uint32_t
make_part_with_fs(uint64_t size, uint64_t *off)
{
	struct contract_run run;
	struct job_params p = create(0, size);

	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	*off = run.out.offset;
	CU_ASSERT_EQUAL(sh("mkfs.ext4 -q -F -b 4096 -E offset=%llu '%s' %llu",
	                   (unsigned long long)*off, disk, (unsigned long long)(size / 4096)),
	                0);
	return run.out.partition;
}

static void
test_in_use(void)
{
	struct contract_run run;
	struct job_params p;
	uint64_t off;
	uint32_t part;
	char loop[32], before[4096];

	up(64, "gpt");
	part = make_part_with_fs(16 * MIB, &off);
	CU_ASSERT_EQUAL_FATAL(loop_attach(off, 16 * MIB, 0, loop, sizeof(loop)), 0);
	capture(before, sizeof(before), "sfdisk -d '%s'", disk);
	/* a loop device over the partition (not mounted): it is exposed */
	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = part};
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
	if (fx_mount(loop) == 0) {
		/* mounted: even a new partition elsewhere on the disk is refused */
		p = create(0, 8 * MIB);
		CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
		fx_umount();
	} else {
		fprintf(stderr, "\n*** test_basic: mount unusable: mounted case skipped ***\n");
	}
	if (sh("mkswap -q '%s' >/dev/null 2>&1 && swapon '%s' 2>/dev/null", loop, loop) == 0) {
		p = create(0, 8 * MIB);
		CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
		sh("swapoff '%s'", loop);
	} else {
		fprintf(stderr, "\n*** test_basic: swapon unusable: swap case skipped ***\n");
	}
	loop_detach(loop);
	{
		char after[4096];

		CU_ASSERT_STRING_EQUAL(capture(after, sizeof(after), "sfdisk -d '%s'", disk),
		                       before);
	}
	/* free again: the delete goes through */
	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = part};
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_TRUE(sf_ok(disk));
	fx_down();
}

static void
test_read_only(void)
{
	struct contract_run run;
	struct job_params p;

	up(64, "gpt");
	p = create(0, 8 * MIB);
#if defined(BASIC_ON_LOOP) || defined(BASIC_ON_DISK)
	sh("blockdev --setro '%s'", disk);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_READ_ONLY);
	sh("blockdev --setrw '%s'", disk);
#else
	if (sh("chattr +i '%s' 2>/dev/null", img) != 0) {
		fprintf(stderr,
		        "\n*** test_basic: chattr +i unusable: read-only case skipped ***\n");
	} else {
		CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_READ_ONLY);
		sh("chattr -i '%s'", img);
	}
#endif
	CU_ASSERT_NOT_EQUAL(sf_get(disk, 1, &(struct sf_part){0}), 0);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_TRUE(sf_ok(disk));
	fx_down();
}

#ifdef BASIC_ON_DISK
/* The kernel's own partition device of a real disk, mounted: everything refused. */
static void
test_kernel_part_mounted(void)
{
	struct contract_run run;
	struct job_params p;
	uint64_t off;
	uint32_t part;
	char dev[160], before[4096], after[4096];

	up(128, "gpt");
	part = make_part_with_fs(32 * MIB, &off);
	fx_reprobe();
	snprintf(dev, sizeof(dev), "%s1", disk);
	CU_ASSERT_STRING_EQUAL(
	    ((const struct inv_volume *)inv_get(INV_VOLUME, fx_part(1)->volume_index))->devnode,
	    dev);
	CU_ASSERT_EQUAL_FATAL(fx_mount(dev), 0);
	capture(before, sizeof(before), "sfdisk -d '%s'", disk);
	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = part};
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
	p = create(0, 8 * MIB);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
	p = (struct job_params){
	    .type = JOB_SHRINK_VOLUME, .volume = fx_part(1)->volume_index, .size = 8 * MIB};
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
	fx_umount();
	CU_ASSERT_STRING_EQUAL(capture(after, sizeof(after), "sfdisk -d '%s'", disk), before);
	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = part};
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_NOT_EQUAL(sh("test -b '%s'", dev), 0); /* the kernel dropped it */
	fx_down();
}
#endif

#ifdef BASIC_ON_LOOP
/* LO_FLAGS_PARTSCAN on the test's loop device: the kernel makes loopNpM. */
static int
partscan_on(void)
{
	struct loop_info64 li;
	int fd = open(disk, O_RDWR), rc = -1;

	if (fd >= 0 && ioctl(fd, LOOP_GET_STATUS64, &li) == 0) {
		li.lo_flags |= LO_FLAGS_PARTSCAN;
		rc = ioctl(fd, LOOP_SET_STATUS64, &li);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The kernel's partition n of the loop device (sysfs): 1 and where it is, or 0. */
static int
kpart(unsigned n, uint64_t *off, uint64_t *size)
{
	char buf[64];

	if (sh("test -e /sys/class/block/%sp%u", disk + 5, n) != 0)
		return 0;
	*off = strtoull(capture(buf, sizeof(buf), "cat /sys/class/block/%sp%u/start", disk + 5, n),
	                NULL, 10) *
	       512;
	*size = strtoull(capture(buf, sizeof(buf), "cat /sys/class/block/%sp%u/size", disk + 5, n),
	                 NULL, 10) *
	        512;
	return 1;
}

/* Does this kernel make loopNp1 for a partscan loop device with a GPT partition? */
static int
kernel_parts(void)
{
	const char *t = "/tmp/vds-test-partscan.img";
	char loop[64];
	int ok;

	if (sh("truncate -s 8M %s && echo 'start=2048,size=4096' | sfdisk -q -X gpt %s", t, t) != 0)
		return 0;
	capture(loop, sizeof(loop), "losetup --find --show -P %s", t);
	if (strncmp(loop, "/dev/loop", 9) != 0) {
		sh("rm -f %s", t);
		return 0;
	}
	ok = sh("test -e /sys/class/block/%sp1", loop + 5) == 0;
	sh("losetup -d '%s'; rm -f %s", loop, t);
	return ok;
}

/*
 * The kernel must use the written table.  With partition 1 open, BLKRRPART
 * fails (EBUSY): the changed partitions go to the kernel with BLKPG; when
 * even that cannot work (a stale kernel partition 2 in the way), the job
 * fails, saying the table was written, and the written table stays.
 */
static void
test_kernel_told(void)
{
	struct contract_run run;
	struct job_params p;
	struct sf_part sf;
	uint64_t off = 0, size = 0;
	char p1[48];
	int hold;

	if (!kernel_parts()) {
		fprintf(stderr, "\n*** test_basic: this kernel makes no loop partitions: "
		                "kernel-table case skipped ***\n");
		return;
	}
	up(64, "gpt");
	CU_ASSERT_EQUAL_FATAL(partscan_on(), 0);
	p = create(0, 8 * MIB);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(kpart(1, &off, &size), 1);
	CU_ASSERT_EQUAL(off, run.out.offset);
	snprintf(p1, sizeof(p1), "%sp1", disk);
	hold = open(p1, O_RDONLY); /* BLKRRPART: EBUSY from now on */
	CU_ASSERT_FATAL(hold >= 0);
	p = create(0, 8 * MIB);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.partition, 2);
	CU_ASSERT_EQUAL(kpart(2, &off, &size), 1);
	CU_ASSERT_EQUAL(off, run.out.offset);
	CU_ASSERT_EQUAL(size, 8 * MIB);
	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = 2};
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(kpart(2, &off, &size), 0);
	/* a stale partition 2 in the kernel (not on disk): BLKPG cannot add ours */
	CU_ASSERT_EQUAL(sh("addpart '%s' 2 %u %u", disk, 40 * 2048, 4 * 2048), 0);
	p = create(0, 8 * MIB);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
	CU_ASSERT_PTR_NOT_NULL(strstr(run.msg, "was written; the kernel still uses the old table"));
	CU_ASSERT_EQUAL(sf_get(disk, 2, &sf), 0); /* the written table stays */
	CU_ASSERT_EQUAL(sf.size, 8 * MIB);
	CU_ASSERT_EQUAL(kpart(2, &off, &size), 1);
	CU_ASSERT_EQUAL(off, 40 * MIB);
	close(hold);
	CU_ASSERT_TRUE(sf_ok(disk));
	fx_down();
}
#endif

/* ---- the contract suite on a fresh 128 MiB GPT disk ---- */

static int
env_setup(void **state)
{
	if (fx_up(128, "gpt") < 0)
		return -1;
	*state = bst;
	return 0;
}

static void
env_teardown(void *state)
{
	(void)state;
	CU_ASSERT_TRUE(sf_ok(disk));
	fx_down();
}

static const struct contract_env env = {env_setup, env_teardown};

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (geteuid() != 0 || access("/dev/loop-control", W_OK) != 0) {
		fprintf(stderr, "test_basic: SKIP: needs root and /dev/loop-control\n");
		return 77;
	}
#ifdef BASIC_ON_DISK
	if (!fx_real_disk()) {
		fprintf(stderr,
		        "test_basic_disk: SKIP: no real disk in VDS_TEST_DISKS (the VM lane, "
		        "tests/vm/guest-all.sh, runs it)\n");
		return 77;
	}
#endif
	log_set_sink(getenv("VDS_TEST_LOG") ? NULL : quiet);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("basic", NULL, NULL);
	CU_add_test(s, "create on GPT: real offset, type, name, first fit", test_create_gpt);
	CU_add_test(s, "initial label (MBR), primaries full", test_create_label);
	CU_add_test(s, "MBR: extended, logical 5-7 (sfdisk --json), delete renumbers",
	            test_mbr_logical);
	CU_add_test(s, "MBR refusals: second extended, no slot, no room, non-empty, format",
	            test_mbr_logical_refusals);
	CU_add_test(s, "stale signatures wiped in a new partition", test_wipe_stale);
	CU_add_test(s, "refused: outside the allow-list", test_not_allowed);
	CU_add_test(s, "refused: the root disk", test_system_disk);
	CU_add_test(s, "refused: exposed, mounted, swap", test_in_use);
	CU_add_test(s, "refused: read-only", test_read_only);
#ifdef BASIC_ON_LOOP
	CU_add_test(s, "the kernel uses the new table (BLKPG when busy) or the job fails",
	            test_kernel_told);
#endif
#ifdef BASIC_ON_DISK
	CU_add_test(s, "refused: a kernel partition mounted", test_kernel_part_mounted);
#endif
	CU_add_test(s, "shrink ext4: data kept, reclaimed, volume modified", test_shrink);
	CU_add_test(s, "shrink refusals: no-shrink fs, too big", test_shrink_refusals);
	CU_add_test(s, "shrink cancelled during the check", test_shrink_cancel);
	CU_add_test(s, "resize2fs killed / disk detached mid-job", test_shrink_killed);
	CU_add_test(s, "format ext4 then vfat (Force): blkid, fsck, the volume row", test_format);
	CU_add_test(s, "extend ext4: data kept, fills the partition; deleteVolume", test_extend);
	CU_add_test(s, "clean: no table or signature left; FullClean zeroes", test_clean);
#ifndef BASIC_ON_DISK
	CU_add_test(s, "xfs: format, no shrink, extend mounted under /run", test_xfs);
	CU_add_test(s, "btrfs: format, shrink and extend mounted under /run", test_btrfs);
#endif
	contract_add_suite(&basic_provider, &env);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
