/* SPDX-License-Identifier: ISC */
/*
 * test_vdisk_grow.c - expandVDisk and compactVDisk on image files
 * (providers/vdisk/vdisk_grow.c), checked with stat, pread and qemu-img: a
 * fixed VHD grown (footer moved, old one zeroed, data kept), a cancelled
 * grow cut back to the old file, a sparse raw image compacted (zero blocks
 * punched, data kept, a second pass gives nothing), a cancelled compact.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vdisk/vdisk_grow.h"
#include "vdisk/vdisk_image.h"
#include "vdiskfix.h"

#define MIB (1024ULL * 1024)

void vdisk_grow_suite(void);

static char dir[64];

static int
stop(void *arg, unsigned percent)
{
	(void)arg;
	(void)percent;
	return 1;
}

static const char *
in_dir(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
put(const char *path, uint64_t at, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pwrite(fd, buf, n, (off_t)at) == (ssize_t)n);
	CU_ASSERT(fsync(fd) == 0);
	close(fd);
}

static void
get(const char *path, uint64_t at, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pread(fd, buf, n, (off_t)at) == (ssize_t)n);
	close(fd);
}

static uint64_t
file_len(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static void
test_expand_vhd(void)
{
	char msg[256], path[128], out[64];
	uint8_t foot[VDI_FOOTER_SIZE], zero[VDI_FOOTER_SIZE] = {0};
	uint64_t old = vdi_virtual_size(INV_VF_VHD, 16 * MIB);
	uint64_t vsize = vdi_virtual_size(INV_VF_VHD, 40 * MIB), got;
	const char data[] = "written before the grow";

	snprintf(path, sizeof(path), "%s", in_dir("g.vhd"));
	CU_ASSERT_EQUAL_FATAL(
	    vdi_create(path, INV_VF_VHD, INV_VDT_FIXED, old, NULL, NULL, msg, sizeof(msg)), 0);
	put(path, MIB, data, sizeof(data));
	/* cancelled while allocating: the file is as it was */
	errno = 0;
	CU_ASSERT_EQUAL(
	    vdg_expand(path, INV_VF_VHD, INV_VDT_FIXED, old, vsize, stop, NULL, msg, sizeof(msg)),
	    -1);
	CU_ASSERT_EQUAL(errno, ECANCELED);
	CU_ASSERT_EQUAL(file_len(path), old + VDI_FOOTER_SIZE);
	get(path, old, foot, sizeof(foot));
	CU_ASSERT(vdi_vhd_parse(foot, &got) == 0 && got == old);
	/* a wrong recorded size is refused, nothing written */
	CU_ASSERT_EQUAL(vdg_expand(path, INV_VF_VHD, INV_VDT_FIXED, old - 512, vsize, NULL, NULL,
	                           msg, sizeof(msg)),
	                -1);
	CU_ASSERT_EQUAL(file_len(path), old + VDI_FOOTER_SIZE);
	/* grown */
	CU_ASSERT_EQUAL_FATAL(
	    vdg_expand(path, INV_VF_VHD, INV_VDT_FIXED, old, vsize, NULL, NULL, msg, sizeof(msg)),
	    0);
	CU_ASSERT_EQUAL(file_len(path), vsize + VDI_FOOTER_SIZE);
	get(path, vsize, foot, sizeof(foot));
	CU_ASSERT(vdi_vhd_parse(foot, &got) == 0 && got == vsize);
	get(path, old, foot, sizeof(foot));
	CU_ASSERT_EQUAL(memcmp(foot, zero, sizeof(zero)), 0);
	get(path, MIB, out, sizeof(data));
	CU_ASSERT_EQUAL(memcmp(out, data, sizeof(data)), 0);
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out),
	                            "qemu-img info --output=json -f vpc %s | "
	                            "sed -n 's/.*\"virtual-size\": *\\([0-9]*\\).*/\\1/p'",
	                            path),
	                0);
	CU_ASSERT_EQUAL(strtoull(out, NULL, 10), vsize);
}

static void
test_compact_raw(void)
{
	char msg[256], path[128], byte = 'x', out = 0;
	uint8_t *zeros = calloc(1, 4 * MIB);
	uint64_t reclaimed = 1, b0;
	struct stat sb;

	CU_ASSERT_FATAL(zeros != NULL);
	snprintf(path, sizeof(path), "%s", in_dir("c.img"));
	CU_ASSERT_EQUAL_FATAL(
	    vdi_create(path, INV_VF_RAW, INV_VDT_EXPANDABLE, 8 * MIB, NULL, NULL, msg, sizeof(msg)),
	    0);
	put(path, 0, zeros, 4 * MIB); /* allocated, all zero */
	put(path, 6 * MIB + 5, &byte, 1);
	free(zeros);
	CU_ASSERT_FATAL(stat(path, &sb) == 0);
	b0 = (uint64_t)sb.st_blocks * 512;
	errno = 0;
	CU_ASSERT_EQUAL(vdg_compact(path, 8 * MIB, stop, NULL, &reclaimed, msg, sizeof(msg)), -1);
	CU_ASSERT_EQUAL(errno, ECANCELED);
	CU_ASSERT_EQUAL(vdg_compact(path, 8 * MIB, NULL, NULL, &reclaimed, msg, sizeof(msg)), 0);
	/* the cancelled pass stopped after its first 1 MiB read: 3 MiB at least are left */
	CU_ASSERT(reclaimed >= 3 * MIB);
	CU_ASSERT_FATAL(stat(path, &sb) == 0);
	CU_ASSERT(b0 - (uint64_t)sb.st_blocks * 512 >= 4 * MIB);
	get(path, 6 * MIB + 5, &out, 1);
	CU_ASSERT_EQUAL(out, 'x');
	CU_ASSERT_EQUAL(file_len(path), 8 * MIB);
	CU_ASSERT_EQUAL(vdg_compact(path, 8 * MIB, NULL, NULL, &reclaimed, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(reclaimed, 0);
}

/*
 * Data that starts inside a punch block, after a hole (a 4 KiB extent of
 * zeros 4 KiB past a block's start): the scan looked for the hole from the
 * block's start, found it there, and went round for ever.  alarm(): a
 * regression fails the test instead of hanging it.
 */
static void
test_compact_unaligned_extent(void)
{
	char msg[256], path[128];
	uint8_t zeros[4096] = {0};
	uint64_t reclaimed = 0;

	snprintf(path, sizeof(path), "%s", in_dir("u.img"));
	CU_ASSERT_EQUAL_FATAL(
	    vdi_create(path, INV_VF_RAW, INV_VDT_EXPANDABLE, 8 * MIB, NULL, NULL, msg, sizeof(msg)),
	    0);
	put(path, VDG_BLOCK + 4096, zeros, sizeof(zeros));
	alarm(60);
	CU_ASSERT_EQUAL(vdg_compact(path, 8 * MIB, NULL, NULL, &reclaimed, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(vdg_compact(path, 0, NULL, NULL, &reclaimed, msg, sizeof(msg)), 0);
	alarm(0);
	CU_ASSERT_EQUAL(file_len(path), 8 * MIB);
	unlink(path);
}

static int
grow_init(void)
{
	snprintf(dir, sizeof(dir), "/var/tmp/vdsd-grow.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
grow_clean(void)
{
	unlink(in_dir("g.vhd"));
	unlink(in_dir("c.img"));
	return rmdir(dir);
}

void
vdisk_grow_suite(void)
{
	CU_pSuite s = CU_add_suite("vdisk grow and compact", grow_init, grow_clean);

	CU_add_test(s, "compact: data starting inside a block after a hole",
	            test_compact_unaligned_extent);
	CU_add_test(s, "expand a fixed VHD: footer moved, cancel cuts back", test_expand_vhd);
	CU_add_test(s, "compact a sparse raw image", test_compact_raw);
}
