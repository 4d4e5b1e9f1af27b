/* SPDX-License-Identifier: ISC */
/*
 * test_fsmount.c - agent/fsmount.c on a real kernel: where a block device
 * is mounted (its device number in mountinfo, or its source for btrfs,
 * which shows a device of its own; a blank in the path escaped there), and
 * the private mount under /run/vdsd made and removed.  Root and loop
 * devices (77 otherwise).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "curun.h"
#include "fsmount.h"

static char dir[64], img[128], loop[64], mnt[128];

static int
sh(const char *cmd)
{
	return system(cmd);
}

/* An image of mib MiB made by cmd ("mkfs.ext4 -q -F %s", or NULL: zeroes) over a loop device. */
static int
make_loop(unsigned mib, const char *mkfs)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "truncate -s %uM '%s'", mib, img);
	if (sh(cmd) != 0)
		return -1;
	if (mkfs) {
		snprintf(cmd, sizeof(cmd), "%s '%s' >/dev/null 2>&1", mkfs, img);
		if (sh(cmd) != 0)
			return -1;
	}
	snprintf(cmd, sizeof(cmd), "losetup -f --show '%s' 2>/dev/null", img);
	if (!(p = popen(cmd, "r")))
		return -1;
	if (!fgets(loop, sizeof(loop), p))
		loop[0] = '\0';
	pclose(p);
	loop[strcspn(loop, "\n")] = '\0';
	return loop[0] ? 0 : -1;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-fsmount.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(mnt, sizeof(mnt), "%s/mount point", dir); /* a blank: \040 in mountinfo */
	CU_ASSERT_EQUAL_FATAL(mkdir(mnt, 0700), 0);
	loop[0] = '\0';
}

static void
teardown(void)
{
	char cmd[256];

	umount2(mnt, 0);
	if (loop[0]) {
		snprintf(cmd, sizeof(cmd), "losetup -d '%s'", loop);
		sh(cmd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	sh(cmd);
}

static void
test_mountpoint_ext4(void)
{
	char at[FSM_DIR_LEN];

	CU_ASSERT_EQUAL_FATAL(make_loop(32, "mkfs.ext4 -q -F"), 0);
	CU_ASSERT_EQUAL(fsm_mountpoint(loop, at), -1);
	CU_ASSERT_EQUAL_FATAL(mount(loop, mnt, "ext4", 0, NULL), 0);
	CU_ASSERT_EQUAL(fsm_mountpoint(loop, at), 0);
	CU_ASSERT_STRING_EQUAL(at, mnt);
	CU_ASSERT_EQUAL(umount2(mnt, 0), 0);
	CU_ASSERT_EQUAL(fsm_mountpoint(loop, at), -1);
	CU_ASSERT_EQUAL(fsm_mountpoint(img, at), -1); /* not a block device */
}

static void
test_mountpoint_btrfs(void)
{
	char at[FSM_DIR_LEN];

	if (sh("command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems") != 0) {
		fprintf(stderr, "(no btrfs here: not tested) ");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(make_loop(160, "mkfs.btrfs -q -f"), 0);
	CU_ASSERT_EQUAL_FATAL(mount(loop, mnt, "btrfs", 0, NULL), 0);
	CU_ASSERT_EQUAL(fsm_mountpoint(loop, at), 0);
	CU_ASSERT_STRING_EQUAL(at, mnt);
}

static void
test_private_mount(void)
{
	char at[FSM_DIR_LEN], found[FSM_DIR_LEN], msg[256];
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(make_loop(32, "mkfs.ext4 -q -F"), 0);
	CU_ASSERT_EQUAL_FATAL(fsm_mount(loop, "ext4", "grow", at, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL(strncmp(at, FSM_RUN_DIR "/fs.", strlen(FSM_RUN_DIR "/fs.")), 0);
	CU_ASSERT_EQUAL(fsm_mountpoint(loop, found), 0);
	CU_ASSERT_STRING_EQUAL(found, at);
	CU_ASSERT_EQUAL(fsm_umount(at, loop, VDS_R_OK, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL(fsm_mountpoint(loop, found), -1);
	CU_ASSERT_EQUAL(stat(at, &st), -1); /* removed */
	/* the result of what ran is kept */
	CU_ASSERT_EQUAL_FATAL(fsm_mount(loop, "ext4", "grow", at, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL(fsm_umount(at, loop, VDS_R_TOOL_FAILED, msg, sizeof(msg)),
	                VDS_R_TOOL_FAILED);
	CU_ASSERT_EQUAL(stat(at, &st), -1);
}

static void
test_private_mount_fails(void)
{
	char at[FSM_DIR_LEN], msg[256];
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(make_loop(32, NULL), 0); /* no file system */
	CU_ASSERT_EQUAL(fsm_mount(loop, "ext4", "grow", at, msg, sizeof(msg)), VDS_R_IO_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot mount"));
	CU_ASSERT_EQUAL(stat(at, &st), -1); /* no directory left behind */
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"ext4: its mount point, a blank in it", test_mountpoint_ext4},
	    {"btrfs: found by its source", test_mountpoint_btrfs},
	    {"private mount under /run/vdsd, removed", test_private_mount},
	    {"private mount of no file system: nothing left", test_private_mount_fails},
	};

	if (geteuid() != 0 || sh("losetup -f >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_fsmount: SKIP: needs root and loop devices\n");
		return 77;
	}
	return cu_run("fsmount", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
