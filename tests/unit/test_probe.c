/* SPDX-License-Identifier: ISC */
/*
 * test_probe.c - probe_disk() against image files made by sfdisk and
 * mkfs.ext4; every expected value comes from sfdisk or blkid(8) run on the
 * same image, never from what probe.c produced before.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "testutil.h"
#include "probe.h"

static char tdir[64];

static void
img_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", tdir, name);
}

/* One partition line of `sfdisk -d`. */
struct sf_part {
	unsigned number;
	unsigned long long start, size; /* sectors */
	char type[48];
	int bootable;
};

/* Parse `sfdisk -d img` (its node names are img1, img2, ...). */
static size_t
sf_parts(const char *img, struct sf_part *out, size_t max)
{
	char cmd[1024], line[1024];
	size_t n = 0, plen = strlen(img);
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sfdisk -d '%s' 2>/dev/null", img);
	if (!(p = popen(cmd, "r")))
		return 0;
	while (n < max && fgets(line, sizeof(line), p)) {
		char *s;

		if (strncmp(line, img, plen) != 0 || !isdigit((unsigned char)line[plen]))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].number = (unsigned)strtoul(line + plen, NULL, 10);
		if ((s = strstr(line, "start=")))
			out[n].start = strtoull(s + 6, NULL, 10);
		if ((s = strstr(line, "size=")))
			out[n].size = strtoull(s + 5, NULL, 10);
		if ((s = strstr(line, "type=")))
			sscanf(s + 5, "%47[^, \n]", out[n].type);
		out[n].bootable = strstr(line, "bootable") || strstr(line, "LegacyBIOSBootable");
		n++;
	}
	pclose(p);
	return n;
}

static const struct inv_part *
find_part(const struct inv_disk *d, unsigned number)
{
	for (size_t i = 0; i < d->nparts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

/* Value of KEY in `blkid -p -o export` of a byte range of img. */
static char *
blkid_value(char *buf, size_t len, const char *img, unsigned long long off, unsigned long long size,
            const char *key)
{
	return capture(buf, len, "blkid -p -o export -O %llu -S %llu '%s' | sed -n 's/^%s=//p'",
	               off, size, img, key);
}

static unsigned long long
sf_free_bytes(const char *img)
{
	char buf[512], *s;

	capture(buf, sizeof(buf), "sfdisk -F '%s' | head -1", img);
	s = strstr(buf, " bytes");
	while (s && s > buf && isdigit((unsigned char)s[-1]))
		s--;
	return s ? strtoull(s, NULL, 10) : ~0ULL;
}

static int
is_extended(const char *type)
{
	return !strcasecmp(type, "5") || !strcasecmp(type, "f") || !strcasecmp(type, "85");
}

/* The partition type as vdsd shows it: GPT GUID as is, MBR as "0xNN". */
static void
sf_type_expected(const char *type, int gpt, char *out, size_t len)
{
	if (gpt)
		snprintf(out, len, "%s", type);
	else
		snprintf(out, len, "0x%02lx", strtoul(type, NULL, 16));
}

static void
check_part(const char *img, const struct inv_disk *d, const struct sf_part *sp)
{
	const struct inv_part *p = find_part(d, sp->number);
	char want[256], buf[256];
	int gpt = d->pstyle == INV_PS_GPT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->offset, sp->start * 512);
	CU_ASSERT_EQUAL(p->size, sp->size * 512);
	sf_type_expected(sp->type, gpt, want, sizeof(want));
	CU_ASSERT_EQUAL(strcasecmp(p->type, want), 0);
	CU_ASSERT_EQUAL(p->bootable, (unsigned)sp->bootable);
	capture(buf, sizeof(buf), "sfdisk --part-uuid '%s' %u 2>/dev/null", img, sp->number);
	if (gpt)
		CU_ASSERT_EQUAL(strcasecmp(p->uuid, buf), 0);
	capture(buf, sizeof(buf), "sfdisk --part-label '%s' %u 2>/dev/null", img, sp->number);
	CU_ASSERT_STRING_EQUAL(p->name, gpt ? buf : "");
	blkid_value(buf, sizeof(buf), img, p->offset, p->size, "TYPE");
	CU_ASSERT_STRING_EQUAL(p->fs_type, buf);
	blkid_value(buf, sizeof(buf), img, p->offset, p->size, "LABEL");
	CU_ASSERT_STRING_EQUAL(p->fs_label, buf);
	blkid_value(buf, sizeof(buf), img, p->offset, p->size, "UUID");
	CU_ASSERT_STRING_EQUAL(p->fs_uuid, buf);
}

/* Compare every field of a probed, labelled image with sfdisk's view. */
static void
check_labelled(const char *img, enum inv_pstyle style, size_t want_parts)
{
	struct inv_disk d = {0};
	struct sf_part sp[16];
	size_t n = sf_parts(img, sp, 16), listed = 0;
	char buf[256], *id;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(probe_disk(img, &d), 0);
	CU_ASSERT_EQUAL(d.status, INV_ST_ONLINE);
	CU_ASSERT_EQUAL(d.pstyle, style);
	CU_ASSERT_EQUAL(stat(img, &st), 0);
	CU_ASSERT_EQUAL(d.size, (uint64_t)st.st_size);
	CU_ASSERT_EQUAL(d.sector_size, 512);
	id = capture(buf, sizeof(buf), "sfdisk --disk-id '%s'", img);
	if (style == INV_PS_MBR && strncmp(id, "0x", 2) == 0)
		id += 2; /* blkid's PTUUID form, as lsblk shows it */
	CU_ASSERT_EQUAL(strcasecmp(d.table_id, id), 0);
	CU_ASSERT_STRING_EQUAL(d.fs_type, "");
	CU_ASSERT_EQUAL(d.free_bytes, sf_free_bytes(img));
	for (size_t i = 0; i < n; i++) {
		check_part(img, &d, &sp[i]);
		if (is_extended(sp[i].type) && find_part(&d, sp[i].number)) {
			/* a container: listed, no file system, no volume */
			CU_ASSERT_STRING_EQUAL(find_part(&d, sp[i].number)->fs_type, "");
			CU_ASSERT_EQUAL(find_part(&d, sp[i].number)->volume_index, 0);
		}
		listed++;
	}
	CU_ASSERT_EQUAL(listed, want_parts);
	CU_ASSERT_EQUAL(d.nparts, want_parts);
	probe_free_parts(&d);
}

static void
make_gpt(const char *img)
{
	CU_ASSERT_EQUAL_FATAL(
	    sh("truncate -s 64M '%s' && printf 'label: gpt\\n"
	       "size=10MiB, type=L, name=\"root part\"\\n"
	       "size=20MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=data\\n"
	       "start=40MiB, size=8MiB, type=S\\n' | sfdisk -q '%s' && "
	       "sfdisk -q --part-attrs '%s' 3 LegacyBIOSBootable && "
	       "mkfs.ext4 -q -F -L gdata -E offset=%d '%s' 20480",
	       img, img, img, 11 * 1024 * 1024, img),
	    0);
}

static void
test_gpt(void)
{
	char img[128];

	img_path(img, sizeof(img), "gpt.img");
	make_gpt(img);
	check_labelled(img, INV_PS_GPT, 3);
}

static void
test_mbr_logical(void)
{
	char img[128];

	img_path(img, sizeof(img), "mbr.img");
	CU_ASSERT_EQUAL_FATAL(
	    sh("truncate -s 64M '%s' && printf 'label: dos\\n"
	       "size=10MiB, type=83, bootable\\nsize=30MiB, type=5\\nsize=8MiB, type=82\\n' |"
	       " sfdisk -q '%s' && printf 'size=8MiB, type=83\\nsize=6MiB, type=c\\n' |"
	       " sfdisk -q --append '%s' && mkfs.ext4 -q -F -L boot -E offset=1048576 '%s' 10240 &&"
	       " mkfs.ext4 -q -F -L logical -E offset=%d '%s' 6144",
	       img, img, img, img, 12 * 1024 * 1024, img),
	    0);
	check_labelled(img, INV_PS_MBR, 5); /* 1, the container 2, 3, 4 and logical 5 */
}

static void
test_whole_disk_fs(void)
{
	struct inv_disk d = {0};
	char img[128], buf[256];

	img_path(img, sizeof(img), "whole.img");
	CU_ASSERT_EQUAL_FATAL(sh("truncate -s 32M '%s' && mkfs.ext4 -q -F -L whole '%s'", img, img),
	                      0);
	CU_ASSERT_EQUAL_FATAL(probe_disk(img, &d), 0);
	CU_ASSERT_EQUAL(d.pstyle, INV_PS_NONE);
	CU_ASSERT_EQUAL(d.nparts, 0);
	CU_ASSERT_STRING_EQUAL(d.fs_type, blkid_value(buf, sizeof(buf), img, 0, 32 << 20, "TYPE"));
	CU_ASSERT_STRING_EQUAL(d.fs_label,
	                       blkid_value(buf, sizeof(buf), img, 0, 32 << 20, "LABEL"));
	CU_ASSERT_STRING_EQUAL(d.fs_uuid, blkid_value(buf, sizeof(buf), img, 0, 32 << 20, "UUID"));
	CU_ASSERT_STRING_EQUAL(d.fs_type, "ext4");
	CU_ASSERT_EQUAL(d.free_bytes, 0);
	CU_ASSERT_EQUAL(d.size, 32 << 20);
}

static void
test_zeroed(void)
{
	struct inv_disk d = {0};
	char img[128], buf[256];

	img_path(img, sizeof(img), "zero.img");
	CU_ASSERT_EQUAL_FATAL(sh("truncate -s 8M '%s'", img), 0);
	/* blkid finds nothing either */
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blkid -p -o export '%s'", img), "");
	CU_ASSERT_EQUAL_FATAL(probe_disk(img, &d), 0);
	CU_ASSERT_EQUAL(d.status, INV_ST_ONLINE);
	CU_ASSERT_EQUAL(d.pstyle, INV_PS_NONE);
	CU_ASSERT_EQUAL(d.nparts, 0);
	CU_ASSERT_PTR_NULL(d.parts);
	CU_ASSERT_STRING_EQUAL(d.fs_type, "");
	CU_ASSERT_STRING_EQUAL(d.table_id, "");
	CU_ASSERT_EQUAL(d.size, 8 << 20);
	CU_ASSERT_EQUAL(d.free_bytes, d.size);
}

/* Primary GPT destroyed: blkid and sfdisk fall back to the backup. */
static void
test_gpt_backup(void)
{
	char img[128];

	img_path(img, sizeof(img), "gpt-backup.img");
	make_gpt(img);
	CU_ASSERT_EQUAL_FATAL(
	    sh("dd if=/dev/urandom of='%s' bs=512 seek=1 count=33 conv=notrunc status=none", img),
	    0);
	check_labelled(img, INV_PS_GPT, 3);
}

static void
expect_error(const char *img, enum inv_status status)
{
	struct inv_disk d = {0};

	snprintf(d.devnode, sizeof(d.devnode), "%s", img);
	CU_ASSERT_EQUAL(probe_disk(img, &d), -1);
	CU_ASSERT_EQUAL(d.status, status);
	CU_ASSERT_NOT_EQUAL(d.status_msg[0], '\0');
	CU_ASSERT_EQUAL(d.nparts, 0);
	CU_ASSERT_PTR_NULL(d.parts);
	CU_ASSERT_STRING_EQUAL(d.devnode, img); /* identity untouched */
}

static void
test_bad_input(void)
{
	char img[128], buf[256];

	img_path(img, sizeof(img), "gpt-dead.img"); /* both GPT headers destroyed */
	make_gpt(img);
	CU_ASSERT_EQUAL_FATAL(
	    sh("dd if=/dev/urandom of='%s' bs=512 seek=1 count=33 conv=notrunc "
	       "status=none && dd if=/dev/urandom of='%s' bs=512 seek=%d count=33 "
	       "conv=notrunc status=none",
	       img, img, 131072 - 33),
	    0);
	CU_ASSERT_STRING_EQUAL(capture(buf, sizeof(buf), "blkid -p -o value -s PTTYPE '%s'", img),
	                       "PMBR");
	expect_error(img, INV_ST_PROBE_ERROR);

	img_path(img, sizeof(img), "gpt-trunc.img"); /* cut inside the partition entries */
	make_gpt(img);
	CU_ASSERT_EQUAL_FATAL(sh("truncate -s 20000 '%s'", img), 0);
	expect_error(img, INV_ST_PROBE_ERROR);

	img_path(img, sizeof(img), "empty.img");
	CU_ASSERT_EQUAL_FATAL(sh("truncate -s 0 '%s'", img), 0);
	expect_error(img, INV_ST_PROBE_ERROR);

	expect_error(tdir, INV_ST_PROBE_ERROR); /* a directory */
	img_path(img, sizeof(img), "no-such.img");
	expect_error(img, INV_ST_MISSING);
	expect_error("/dev/null", INV_ST_PROBE_ERROR); /* a character device */
}

/* A second probe of the same struct replaces the parts (no leak, no stale data). */
static void
test_reprobe(void)
{
	struct inv_disk d = {0};
	char gpt[128], zero[128];

	img_path(gpt, sizeof(gpt), "gpt.img");
	img_path(zero, sizeof(zero), "zero.img");
	CU_ASSERT_EQUAL_FATAL(probe_disk(gpt, &d), 0);
	CU_ASSERT_EQUAL(d.nparts, 3);
	CU_ASSERT_EQUAL(probe_disk(gpt, &d), 0);
	CU_ASSERT_EQUAL(d.nparts, 3);
	CU_ASSERT_EQUAL(probe_disk(zero, &d), 0);
	CU_ASSERT_EQUAL(d.nparts, 0);
	CU_ASSERT_STRING_EQUAL(d.table_id, "");
	CU_ASSERT_EQUAL(d.pstyle, INV_PS_NONE);
	probe_free_parts(&d);
}

static int
suite_init(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/vdsd-probe-XXXXXX");
	return mkdtemp(tdir) ? 0 : -1;
}

static int
suite_clean(void)
{
	return tdir[0] ? sh("rm -rf '%s'", tdir) : 0;
}

int
main(void)
{
	CU_pSuite s;
	int failed;

	if (sh("command -v sfdisk mkfs.ext4 blkid >/dev/null") != 0) {
		fprintf(stderr, "test_probe: SKIP: sfdisk, mkfs.ext4 or blkid missing\n");
		return 77;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("probe", suite_init, suite_clean);
	CU_add_test(s, "GPT: partitions, names, attrs, fs by offset", test_gpt);
	CU_add_test(s, "MBR: bootable, extended, logical", test_mbr_logical);
	CU_add_test(s, "whole-disk file system", test_whole_disk_fs);
	CU_add_test(s, "zero-filled: no label", test_zeroed);
	CU_add_test(s, "GPT primary damaged: backup used", test_gpt_backup);
	CU_add_test(s, "bad input gives an error status", test_bad_input);
	CU_add_test(s, "probing again replaces the result", test_reprobe);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)(CU_get_number_of_failures() + CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
