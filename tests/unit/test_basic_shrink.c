/* SPDX-License-Identifier: ISC */
/*
 * test_basic_shrink.c - shrinkVolume on a basic ext4 volume, checked by
 * e2fsck, sfdisk, blkid and debugfs (data written before reads back the
 * same after), and the faults: cancel during the check, resize2fs killed,
 * the disk removed while the job waits for its lock.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basicfix.h"

static uint32_t
ext4_part(uint64_t size, uint64_t *off)
{
	struct contract_run run;
	struct job_params p = {
	    .type = JOB_CREATE_PARTITION, .disk = fx_disk()->index, .size = size};

	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	*off = run.out.offset;
	CU_ASSERT_EQUAL_FATAL(sh("mkfs.ext4 -q -F -b 4096 -E offset=%llu '%s' %llu",
	                         (unsigned long long)*off, disk, (unsigned long long)(size / 4096)),
	                      0);
	fx_reprobe();
	CU_ASSERT_STRING_EQUAL(fx_part(1)->fs_type, "ext4");
	return fx_part(1)->volume_index;
}

static int
fsck_clean(uint64_t off)
{
	return sh("e2fsck -fn '%s?offset=%llu' >/dev/null 2>&1", disk, (unsigned long long)off) ==
	       0;
}

#ifdef BASIC_ON_LOOP
#define OWN_LOOPS 1
#else
#define OWN_LOOPS 0
#endif

static unsigned
loops_count(void)
{
	char buf[1024];
	unsigned n = 0;

	capture(buf, sizeof(buf), "losetup -n -O NAME -j '%s'", img);
	for (char *c = buf; *c; c++)
		n += *c == '\n';
	return buf[0] ? n + 1 : 0;
}

/*
 * The loop devices over the image once the ones detached are gone: a
 * detach while something (udev's probe after a mkfs, blkid) still holds
 * the device only marks it, and the kernel lets go at the last close.
 * Waits for that (up to 60 s), not for a time.
 */
static unsigned
loops_over_img(void)
{
	unsigned n = loops_count();

	for (int i = 0; i < 6000 && n > OWN_LOOPS; i++) {
		usleep(10000);
		n = loops_count();
	}
	return n;
}

void
test_shrink(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_SHRINK_VOLUME};
	struct sf_part sf;
	uint64_t off, free0;
	char buf[64];

	CU_ASSERT_EQUAL_FATAL(fx_up(512, "gpt"), 0);
	p.volume = ext4_part(256 * MIB, &off);
	fx_put_file(off, "a.bin", 24);
	fx_put_file(off, "b.bin", 8);
	free0 = fx_disk()->free_bytes;
	vol_modified = 0;
	p.size = 100 * MIB + 5; /* rounded to the 1 MiB grain: 101 MiB reclaimed */
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_FALSE(run.went_back);
	CU_ASSERT(run.nprogress >= 1);
	CU_ASSERT_EQUAL(run.out.reclaimed, 101 * MIB);
	CU_ASSERT_EQUAL(run.out.volume, p.volume);
	CU_ASSERT(vol_modified >= 1);
	CU_ASSERT_EQUAL_FATAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.start, off);
	CU_ASSERT_EQUAL(sf.size, 155 * MIB);
	CU_ASSERT_TRUE(sf_ok(disk));
	CU_ASSERT_TRUE(fsck_clean(off));
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blkid -p -O %llu -s TYPE -o value '%s'",
	                               (unsigned long long)off, disk),
	                       "ext4");
	CU_ASSERT_TRUE(fx_file_same(off, "a.bin"));
	CU_ASSERT_TRUE(fx_file_same(off, "b.bin"));
	CU_ASSERT_EQUAL(fx_part(1)->size, 155 * MIB);
	CU_ASSERT_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, p.volume))->size,
	                155 * MIB);
	CU_ASSERT_EQUAL(fx_disk()->free_bytes, free0 + 101 * MIB);
	CU_ASSERT_EQUAL(loops_over_img(), OWN_LOOPS);
#ifdef BASIC_ON_DISK
	/* through the kernel's partition device, which now has the new size */
	CU_ASSERT_STRING_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, p.volume))->devnode,
	                       capture(buf, sizeof(buf), "echo '%s'1", disk));
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blockdev --getsize64 '%s'1", disk),
	                       "162529280");
	CU_ASSERT_EQUAL(sh("e2fsck -fn '%s'1 >/dev/null 2>&1", disk), 0);
#endif
	fx_down();
}

void
test_shrink_refusals(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_SHRINK_VOLUME};
	struct sf_part sf;
	uint64_t off;
	char why[256], loop[32];

	CU_ASSERT_EQUAL_FATAL(fx_up(256, "gpt"), 0);
	p.volume = ext4_part(64 * MIB, &off);
	p.size = 64 * MIB;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_SHRINK_TOO_BIG);
	/* full of data: resize2fs -P says no, before anything changes */
	fx_put_file(off, "big.bin", 40);
	p.size = 48 * MIB;
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_SHRINK_TOO_BIG);
	CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.size, 64 * MIB);
	CU_ASSERT_TRUE(fsck_clean(off));
	CU_ASSERT_TRUE(fx_file_same(off, "big.bin"));
	/* a file system that cannot shrink */
	CU_ASSERT_EQUAL_FATAL(loop_attach(off, 64 * MIB, 0, loop, sizeof(loop)), 0);
	CU_ASSERT_EQUAL_FATAL(sh("wipefs -qa '%s' && mkfs.minix '%s' >/dev/null 2>&1", loop, loop),
	                      0);
	loop_detach(loop);
	fx_reprobe();
	CU_ASSERT_STRING_EQUAL(fx_part(1)->fs_type, "minix");
	p.volume = fx_part(1)->volume_index;
	p.size = 8 * MIB;
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_FS_NO_SHRINK);
	CU_ASSERT_EQUAL(loops_over_img(), OWN_LOOPS);
	fx_down();
}

void
test_shrink_cancel(void)
{
	struct contract_run run = {.cancel_at = 0};
	struct job_params p = {.type = JOB_SHRINK_VOLUME, .size = 32 * MIB};
	struct sf_part sf;
	uint64_t off;

	CU_ASSERT_EQUAL_FATAL(fx_up(256, "gpt"), 0);
	p.volume = ext4_part(128 * MIB, &off);
	fx_put_file(off, "a.bin", 8);
	CU_ASSERT_EQUAL(contract_job(&basic_provider, bst, &p, &run), VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(run.cancel_answer, WORKER_CANCEL_REQUESTED);
	CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
	CU_ASSERT_EQUAL(sf.size, 128 * MIB);
	CU_ASSERT_TRUE(sf_ok(disk));
	CU_ASSERT_TRUE(fsck_clean(off));
	CU_ASSERT_TRUE(fx_file_same(off, "a.bin"));
	CU_ASSERT_EQUAL(loops_over_img(), OWN_LOOPS);
	fx_down();
}

/* ---- resize2fs killed by a watcher thread ---- */

static volatile int killer_stop, killed;

static int
child_is(const char *pid, const char *comm, const char *arg)
{
	char path[64], buf[512];
	int ppid = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!strstr(buf, comm) || sscanf(strrchr(buf, ')') + 1, " %*c %d", &ppid) != 1 ||
	    ppid != getpid())
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (strcmp(buf + i, arg) == 0)
			return 1;
	return 0;
}

/* Kill (by PID) our own child "resize2fs -p" once it has run for a moment. */
static void *
killer(void *arg)
{
	(void)arg;
	while (!killer_stop && !killed) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (d && !killed && (de = readdir(d)))
			if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
			    child_is(de->d_name, "(resize2fs)", "-p")) {
				usleep(2000);
				killed = kill(atoi(de->d_name), SIGKILL) == 0;
			}
		if (d)
			closedir(d);
		usleep(1000);
	}
	return NULL;
}

static void
spread_data(uint64_t off, uint64_t size)
{
	char loop[32];

	CU_ASSERT_EQUAL_FATAL(loop_attach(off, size, 0, loop, sizeof(loop)), 0);
	if (fx_mount(loop) == 0) {
		/* top-level directories land in different block groups (Orlov) */
		for (int i = 0; i < 6; i++)
			sh("mkdir %s/mnt/d%d && head -c 8M /dev/urandom > %s/mnt/d%d/f", tdir, i,
			   tdir, i);
		fx_umount();
	}
	loop_detach(loop);
}

/* The lock holder removes the disk while the job waits for the lock. */
static void
remove_while_locked(void)
{
	char mark[128];

	snprintf(mark, sizeof(mark), "%s/locked", tdir);
#ifdef BASIC_ON_LOOP
	sh("flock -s '%s' -c 'touch %s; sleep 1; losetup -d %s' &", disk, mark, disk);
#else
	sh("flock -s '%s' -c 'touch %s; sleep 1; mv %s %s.gone' &", img, mark, img, img);
#endif
	for (int i = 0; i < 200 && access(mark, F_OK) != 0; i++)
		usleep(10000);
}

void
test_shrink_killed(void)
{
	struct contract_run run;
	struct job_params p = {.type = JOB_SHRINK_VOLUME, .size = 96 * MIB};
	struct sf_part sf;
	pthread_t th;
	uint64_t off;

	CU_ASSERT_EQUAL_FATAL(fx_up(512, "gpt"), 0);
	p.volume = ext4_part(256 * MIB, &off);
	spread_data(off, 256 * MIB);
	killer_stop = killed = 0;
	pthread_create(&th, NULL, killer, NULL);
	fx_job(&p, &run);
	killer_stop = 1;
	pthread_join(th, NULL);
	if (killed) {
		CU_ASSERT_EQUAL(run.result, VDS_R_TOOL_FAILED);
		CU_ASSERT_PTR_NOT_NULL(strstr(run.msg, "signal 9"));
		CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
		CU_ASSERT_EQUAL(sf.size, 256 * MIB); /* the partition is left as it was */
		CU_ASSERT_TRUE(sf_ok(disk));
		if (!fsck_clean(off))
			fprintf(stderr, "\n*** resize2fs killed: e2fsck -fn finds damage ***\n");
		/* a re-run repairs: check, shrink, partition */
		CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_OK);
		CU_ASSERT_EQUAL(sf_get(disk, 1, &sf), 0);
		CU_ASSERT_EQUAL(sf.size, 160 * MIB);
		CU_ASSERT_TRUE(fsck_clean(off));
	} else {
		fprintf(stderr, "\n*** test_basic: resize2fs not killed (job: %s) ***\n",
		        vds_result_name(run.result));
	}
	CU_ASSERT_EQUAL(loops_over_img(), OWN_LOOPS);
	/* the disk goes away while the job waits for its lock */
	p = (struct job_params){
	    .type = JOB_CREATE_PARTITION, .disk = fx_disk()->index, .size = 8 * MIB};
#ifdef BASIC_ON_DISK
	/* a virtio disk cannot be removed from inside the guest: the lvm faults use dm-error */
	fprintf(stderr, "\n*** test_basic_disk: disk-removed case not run on a real disk ***\n");
	fx_down();
	return;
#endif
	remove_while_locked();
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_DEVICE_GONE);
#ifndef BASIC_ON_LOOP
	sleep(1);
	sh("mv '%s.gone' '%s'", img, img);
#endif
	usleep(1200000);
	CU_ASSERT_EQUAL(sh("sfdisk --verify '%s' >/dev/null 2>&1", img), 0);
	CU_ASSERT_NOT_EQUAL(sf_get(img, 2, &sf), 0); /* nothing was written */
	fx_down();
}
