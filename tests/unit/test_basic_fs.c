/* SPDX-License-Identifier: ISC */
/*
 * test_basic_fs.c - format, extendVolume, deleteVolume and clean on basic
 * disks, checked by independent tools: blkid -p, e2fsck -fn, fsck.vfat -n,
 * xfs_repair -n, btrfs check, sfdisk, wipefs -n, cmp against /dev/zero;
 * data written before an extend or a shrink read back after it.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basicfix.h"

static uint32_t
new_part(uint64_t size, uint64_t *off)
{
	struct contract_run run;
	struct job_params p = {
	    .type = JOB_CREATE_PARTITION, .disk = fx_disk()->index, .size = size};

	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	*off = run.out.offset;
	return run.out.partition;
}

static const char *
blkid_at(uint64_t off, const char *tag, char *buf, size_t len)
{
	return capture(buf, len, "blkid -p -O %llu -s %s -o value '%s'", (unsigned long long)off,
	               tag, disk);
}

static int
have(const char *tool)
{
	return sh("command -v %s >/dev/null 2>&1", tool) == 0;
}

void
test_format(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_FORMAT, .alloc_unit = 4096};
	char why[256], buf[128], loop[32];
	uint64_t off;
	uint32_t vol;

	CU_ASSERT_EQUAL_FATAL(fx_up(256, "gpt"), 0);
	p.partition = new_part(64 * MIB, &off);
	CU_ASSERT_EQUAL(fx_part(1)->volume_index, 0);
	snprintf(p.fs_type, sizeof(p.fs_type), "ext4");
	snprintf(p.name, sizeof(p.name), "fsdata");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT(run.nprogress >= 1);
	CU_ASSERT_FALSE(run.went_back);
	vol = fx_part(1)->volume_index;
	CU_ASSERT(vol != 0);
	CU_ASSERT_EQUAL(run.out.volume, vol);
	CU_ASSERT_STRING_EQUAL(blkid_at(off, "TYPE", buf, sizeof(buf)), "ext4");
	CU_ASSERT_STRING_EQUAL(blkid_at(off, "LABEL", buf, sizeof(buf)), "fsdata");
	CU_ASSERT_EQUAL(
	    sh("e2fsck -fn '%s?offset=%llu' >/dev/null 2>&1", disk, (unsigned long long)off), 0);
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf),
	                               "dumpe2fs -h '%s?offset=%llu' 2>/dev/null | "
	                               "sed -n 's/^Block size: *//p'",
	                               disk, (unsigned long long)off),
	                       "4096");
	CU_ASSERT_STRING_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, vol))->fs_label,
	                       "fsdata");
	CU_ASSERT_STRING_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, vol))->fs_uuid,
	                       blkid_at(off, "UUID", buf, sizeof(buf)));
	/* again: an existing file system wants Force */
	p.volume = vol;
	p.partition = 0;
	snprintf(p.fs_type, sizeof(p.fs_type), "vfat");
	snprintf(p.name, sizeof(p.name), "NEWFAT");
	p.alloc_unit = 0;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_EXISTS);
	snprintf(p.fs_type, sizeof(p.fs_type), "xfs");
	p.force = 1;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	snprintf(p.fs_type, sizeof(p.fs_type), "vfat");
	if (have("mkfs.vfat")) {
		CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
		CU_ASSERT_STRING_EQUAL(blkid_at(off, "TYPE", buf, sizeof(buf)), "vfat");
		CU_ASSERT_STRING_EQUAL(blkid_at(off, "LABEL", buf, sizeof(buf)), "NEWFAT");
		/* the old ext4's magic is gone (vfat does not write there) */
		CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "od -An -tx1 -j %llu -N2 '%s'",
		                               (unsigned long long)off + 1080, disk),
		                       " 00 00");
		CU_ASSERT_EQUAL_FATAL(loop_attach(off, 64 * MIB, 1, loop, sizeof(loop)), 0);
		CU_ASSERT_EQUAL(sh("fsck.vfat -n '%s' >/dev/null 2>&1", loop), 0);
		loop_detach(loop);
		CU_ASSERT_EQUAL(run.out.volume, vol);
		CU_ASSERT_STRING_EQUAL(
		    ((const struct inv_volume *)inv_get(INV_VOLUME, vol))->fs_type, "vfat");
	}
	fx_down();
}

void
test_extend(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_FORMAT, .alloc_unit = 4096};
	struct sf_part sf;
	char why[256], buf[64];
	uint64_t off;

	CU_ASSERT_EQUAL_FATAL(fx_up(256, "gpt"), 0);
	p.partition = new_part(64 * MIB, &off);
	snprintf(p.fs_type, sizeof(p.fs_type), "ext4");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	fx_put_file(off, "a.bin", 16);
	memset(&p, 0, sizeof(p));
	p.type = JOB_EXTEND_VOLUME;
	p.volume = run.out.volume;
	p.size = fx_disk()->size; /* more than follows the partition, whatever the disk */
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	p.size = 32 * MIB;
	vol_modified = 0;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.volume, p.volume);
	CU_ASSERT_EQUAL_FATAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.start, off);
	CU_ASSERT_EQUAL(sf.size, 96 * MIB);
	CU_ASSERT_TRUE(sf_ok(disk));
	CU_ASSERT_EQUAL(
	    sh("e2fsck -fn '%s?offset=%llu' >/dev/null 2>&1", disk, (unsigned long long)off), 0);
	/* the file system fills its partition: 96 MiB of 4 KiB blocks */
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf),
	                               "dumpe2fs -h '%s?offset=%llu' 2>/dev/null | "
	                               "sed -n 's/^Block count: *//p'",
	                               disk, (unsigned long long)off),
	                       "24576");
	CU_ASSERT_TRUE(fx_file_same(off, "a.bin"));
	CU_ASSERT_EQUAL(fx_part(1)->size, 96 * MIB);
	CU_ASSERT(vol_modified >= 1);
	/* deleteVolume: the partition goes with it */
	memset(&p, 0, sizeof(p));
	p.type = JOB_DELETE_VOLUME;
	p.volume = fx_part(1)->volume_index;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(fx_disk()->nparts, 0);
	CU_ASSERT_NOT_EQUAL(sf_get(disk, 1, &sf), 0);
	fx_down();
}

void
test_clean(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_FORMAT};
	char why[256], buf[64];
	uint64_t off, off2;

	CU_ASSERT_EQUAL_FATAL(fx_up(64, "gpt"), 0);
	p.partition = new_part(16 * MIB, &off);
	snprintf(p.fs_type, sizeof(p.fs_type), "ext4");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	new_part(8 * MIB, &off2);
	memset(&p, 0, sizeof(p));
	p.type = JOB_CLEAN;
	p.disk = fx_disk()->index;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NOT_EMPTY);
	p.force = 1;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	/* no table (neither GPT copy, nor the protective MBR), nothing for blkid */
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "wipefs -n '%s' | wc -l", disk), "0");
	CU_ASSERT_NOT_EQUAL(sh("sfdisk --json '%s' >/dev/null 2>&1", disk), 0);
	CU_ASSERT_NOT_EQUAL(sh("blkid -p '%s' >/dev/null 2>&1", disk), 0);
	CU_ASSERT_EQUAL(fx_disk()->nparts, 0);
	CU_ASSERT_EQUAL(fx_disk()->pstyle, INV_PS_NONE);
	/* the file system's data is still there without FullClean */
	CU_ASSERT_NOT_EQUAL(
	    sh("cmp -s -n %llu -i %llu:0 '%s' /dev/zero", 16 * MIB, (unsigned long long)off, disk),
	    0);
	p.full_clean = 1;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT(run.nprogress >= 2);
	CU_ASSERT_EQUAL(sh("cmp -s -n %llu '%s' /dev/zero", 64 * MIB, disk), 0);
	fx_down();
}

#ifndef BASIC_ON_DISK
/* A new partition of size bytes formatted fs (label, "" for none) by a job; its volume. */
static uint32_t
formatted_part(uint64_t size, const char *fs, const char *label, uint64_t *off)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_FORMAT};
	char buf[128];

	p.partition = new_part(size, off);
	snprintf(p.fs_type, sizeof(p.fs_type), "%s", fs);
	snprintf(p.name, sizeof(p.name), "%s", label);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_STRING_EQUAL(blkid_at(*off, "TYPE", buf, sizeof(buf)), fs);
	if (label[0])
		CU_ASSERT_STRING_EQUAL(blkid_at(*off, "LABEL", buf, sizeof(buf)), label);
	return run.out.volume;
}

/* xfs grows only mounted: the job mounts it under /run for xfs_growfs. */
void
test_xfs(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_SHRINK_VOLUME};
	char why[256], buf[128], loop[32];
	uint64_t off;

	if (!have("mkfs.xfs") || !have("xfs_growfs") ||
	    sh("grep -qw xfs /proc/filesystems || modprobe -q xfs") != 0) {
		fprintf(stderr, "(no xfs here: not tested) ");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(fx_up(512, "gpt"), 0);
	p.volume = formatted_part(320 * MIB, "xfs", "xfsvol", &off);
	p.size = 16 * MIB;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_FS_NO_SHRINK);
	p.type = JOB_EXTEND_VOLUME;
	p.size = 64 * MIB;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(loop_attach(off, 384 * MIB, 1, loop, sizeof(loop)), 0);
	CU_ASSERT_EQUAL(sh("xfs_repair -n '%s' >/dev/null 2>&1", loop), 0);
	/* data blocks times block size: the whole 384 MiB partition */
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf),
	                               "xfs_db -r -c 'sb 0' -c 'p dblocks' -c 'p blocksize' '%s' | "
	                               "awk '{ v[NR] = $3 } END { print v[1] * v[2] }'",
	                               loop),
	                       "402653184");
	loop_detach(loop);
	CU_ASSERT_NOT_EQUAL(sh("grep -q ' /run/vdsd/fs' /proc/mounts"), 0);
	fx_down();
}

/* The btrfs at off (size bytes): btrfs check passes, and its device's size as btrfs records it. */
static uint64_t
btrfs_size(uint64_t off, uint64_t size)
{
	char loop[32], buf[64];
	uint64_t total = 0;

	if (loop_attach(off, size, 1, loop, sizeof(loop)) != 0)
		return 0;
	if (sh("btrfs check --readonly '%s' >/dev/null 2>&1", loop) == 0)
		total = strtoull(capture(buf, sizeof(buf),
		                         "btrfs inspect-internal dump-super '%s' | "
		                         "awk '$1 == \"dev_item.total_bytes\" { print $2 }'",
		                         loop),
		                 NULL, 10);
	loop_detach(loop);
	return total;
}

/* name's copy in tdir (put_btrfs_file) and the file in the btrfs at off read back the same. */
static int
btrfs_file_same(uint64_t off, uint64_t size, const char *name)
{
	char loop[32];
	int same;

	if (loop_attach(off, size, 1, loop, sizeof(loop)) != 0 || fx_mount(loop) != 0)
		return 0;
	same = sh("cmp -s '%s/mnt/%s' '%s/%s.copy'", tdir, name, tdir, name) == 0;
	fx_umount();
	loop_detach(loop);
	return same;
}

static void
put_btrfs_file(uint64_t off, uint64_t size, const char *name, unsigned mib)
{
	char loop[32];

	CU_ASSERT_EQUAL_FATAL(loop_attach(off, size, 0, loop, sizeof(loop)), 0);
	CU_ASSERT_EQUAL_FATAL(fx_mount(loop), 0);
	CU_ASSERT_EQUAL(sh("head -c %uM /dev/urandom >'%s/%s.copy' && "
	                   "cp '%s/%s.copy' '%s/mnt/%s' && sync -f '%s/mnt'",
	                   mib, tdir, name, tdir, name, tdir, name, tdir),
	                0);
	fx_umount();
	loop_detach(loop);
}

/*
 * btrfs resizes only mounted: the job mounts it under /run.  A shrink asks
 * btrfs for the smallest size first (too much data: refused before
 * anything changes); no resize, either way, goes below the kernel's 256 MiB.
 */
void
test_btrfs(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_SHRINK_VOLUME};
	struct sf_part sf;
	char why[256];
	uint64_t off;

	if (!have("mkfs.btrfs") || !have("btrfs") ||
	    sh("grep -qw btrfs /proc/filesystems || modprobe -q btrfs") != 0) {
		fprintf(stderr, "(no btrfs here: not tested) ");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(fx_up(768, "gpt"), 0);
	p.volume = formatted_part(512 * MIB, "btrfs", "btrvol", &off);
	put_btrfs_file(off, 512 * MIB, "a.bin", 40);
	p.size = 300 * MIB; /* 212 MiB left: under the kernel's floor */
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_SHRINK_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "256 MiB"));
	p.size = 192 * MIB;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.reclaimed, 192 * MIB);
	CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.size, 320 * MIB);
	CU_ASSERT_TRUE(sf_ok(disk));
	CU_ASSERT_EQUAL(btrfs_size(off, 320 * MIB), 320 * MIB);
	CU_ASSERT_TRUE(btrfs_file_same(off, 320 * MIB, "a.bin"));
	CU_ASSERT_EQUAL(fx_part(1)->size, 320 * MIB);

	/* more data than the smaller size holds: btrfs says so, nothing changes */
	put_btrfs_file(off, 320 * MIB, "b.bin", 120); /* min-dev-size then about 293 MiB */
	p.size = 48 * MIB;
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_SHRINK_TOO_BIG);
	CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.size, 320 * MIB);
	CU_ASSERT_EQUAL(btrfs_size(off, 320 * MIB), 320 * MIB);
	CU_ASSERT_TRUE(btrfs_file_same(off, 320 * MIB, "b.bin"));

	p.type = JOB_EXTEND_VOLUME;
	p.size = 64 * MIB;
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.size, 384 * MIB);
	CU_ASSERT_EQUAL(btrfs_size(off, 384 * MIB), 384 * MIB);
	CU_ASSERT_TRUE(btrfs_file_same(off, 384 * MIB, "a.bin"));
	CU_ASSERT_TRUE(btrfs_file_same(off, 384 * MIB, "b.bin"));
	CU_ASSERT_NOT_EQUAL(sh("grep -q ' /run/vdsd/fs' /proc/mounts"), 0);

	/* growing too: a 128 MiB btrfs grows only to 256 MiB or more */
	p = (struct job_params){.type = JOB_EXTEND_VOLUME, .size = 64 * MIB};
	p.volume = formatted_part(128 * MIB, "btrfs", "", &off);
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no less than 256 MiB"));
	fx_down();
}
#endif
