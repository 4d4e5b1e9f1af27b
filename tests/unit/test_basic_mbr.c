/* SPDX-License-Identifier: ISC */
/*
 * test_basic_mbr.c - MBR extended and logical partitions through the basic
 * provider (part of test_basic, test_basic_loop and, in the VM lane,
 * test_basic_disk): an extended container and logical partitions made and
 * deleted, the label read back with `sfdisk --json` after every step, and
 * a refusal for each rule (one container a disk, no primary slot, no room,
 * a non-empty container, no file system in it, no container on GPT).
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "basicfix.h"

#define SECT(mib) ((unsigned long long)(mib)*2048) /* 512-byte sectors */

/*
 * `sfdisk --json` of the disk as "N start size type" (sectors, sfdisk's
 * hex type) a partition, sorted by number, joined by ";".
 */
static char *
sf_json(char *buf, size_t len)
{
	return capture(buf, len,
	               "sfdisk --json '%s' | jq -r --arg d '%s' '.partitiontable.partitions[] | "
	               "\"\\(.node | ltrimstr($d) | ltrimstr(\"p\")) \\(.start) \\(.size) "
	               "\\(.type)\"' | sort -n | paste -sd ';'",
	               disk, disk);
}

static struct job_params
mk(uint64_t off_mib, uint64_t size_mib, const char *type)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .disk = fx_disk()->index};

	p.offset = off_mib * MIB;
	p.size = size_mib * MIB;
	snprintf(p.partition_type, sizeof(p.partition_type), "%s", type);
	return p;
}

static struct job_params
rm(uint32_t number)
{
	struct job_params p = {.type = JOB_DELETE_PARTITION};

	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_part(number));
	p.partition = fx_part(number)->index;
	return p;
}

/* The model's row of partition number: where sfdisk has it, with type. */
static void
model_has(uint32_t number, unsigned off_mib, unsigned size_mib, const char *type)
{
	const struct inv_part *pt = fx_part(number);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pt);
	CU_ASSERT_EQUAL(pt->offset, off_mib * MIB);
	CU_ASSERT_EQUAL(pt->size, size_mib * MIB);
	CU_ASSERT_STRING_EQUAL(pt->type, type);
	CU_ASSERT_EQUAL(pt->volume_index, 0);
}

static void
expect_label(const char *want)
{
	char buf[1024];

	CU_ASSERT_STRING_EQUAL(sf_json(buf, sizeof(buf)), want);
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "sfdisk: %s\nwanted: %s\n", buf, want);
	CU_ASSERT_TRUE(sf_ok(disk));
}

/*
 * 1 (8 MiB at 1), extended 2 (64 MiB at 9), logical 5 by an offset in the
 * container's EBR room (16 MiB: at 10), logical 6 by an offset (10 MiB at
 * 30), primaries 3 and 4 by first fit (at 73 and 83), then logical 7 by
 * first fit with no primary slot left (8 MiB: the 27..30 gap is too small,
 * so at 41).
 */
static void
make_layout(void)
{
	struct contract_run run;
	struct job_params p;
	char want[1024];

	p = mk(0, 8, "");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	p = mk(0, 64, "extended");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 9 * MIB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_part(2));
	CU_ASSERT_EQUAL(run.out.partition, fx_part(2)->index);
	CU_ASSERT_EQUAL(run.out.volume, 0);
	model_has(2, 9, 64, "0x05");
	p = mk(9, 16, "0x83");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 10 * MIB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_part(5));
	CU_ASSERT_EQUAL(run.out.partition, fx_part(5)->index);
	p = mk(30, 10, "linux");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 30 * MIB);
	snprintf(want, sizeof(want), "1 %llu %llu 83;2 %llu %llu 5;5 %llu %llu 83;6 %llu %llu 83",
	         SECT(1), SECT(8), SECT(9), SECT(64), SECT(10), SECT(16), SECT(30), SECT(10));
	expect_label(want);
	model_has(5, 10, 16, "0x83");
	model_has(6, 30, 10, "0x83");
	for (int i = 0; i < 2; i++) {
		p = mk(0, 10, "");
		CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
		CU_ASSERT_EQUAL(run.out.offset, (73 + 10 * (uint64_t)i) * MIB);
	}
	p = mk(0, 8, "");
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 41 * MIB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx_part(7));
	CU_ASSERT_EQUAL(run.out.partition, fx_part(7)->index);
}

void
test_mbr_logical(void)
{
	struct contract_run run;
	struct job_params p;
	char want[1024];

	CU_ASSERT_EQUAL_FATAL(fx_up(128, "dos"), 0);
	make_layout();
	snprintf(want, sizeof(want),
	         "1 %llu %llu 83;2 %llu %llu 5;3 %llu %llu 83;4 %llu %llu 83;5 %llu %llu 83;"
	         "6 %llu %llu 83;7 %llu %llu 83",
	         SECT(1), SECT(8), SECT(9), SECT(64), SECT(73), SECT(10), SECT(83), SECT(10),
	         SECT(10), SECT(16), SECT(30), SECT(10), SECT(41), SECT(8));
	expect_label(want);
	sh("sfdisk --json '%s'", disk); /* into the test log */
	/* deleting logical 5: the later ones move down (6 -> 5, 7 -> 6), as the kernel numbers them
	 */
	p = rm(5);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	snprintf(want, sizeof(want),
	         "1 %llu %llu 83;2 %llu %llu 5;3 %llu %llu 83;4 %llu %llu 83;5 %llu %llu 83;"
	         "6 %llu %llu 83",
	         SECT(1), SECT(8), SECT(9), SECT(64), SECT(73), SECT(10), SECT(83), SECT(10),
	         SECT(30), SECT(10), SECT(41), SECT(8));
	expect_label(want);
	model_has(5, 30, 10, "0x83");
	model_has(6, 41, 8, "0x83");
	CU_ASSERT_PTR_NULL(fx_part(7));
	for (int i = 0; i < 2; i++) {
		p = rm(5);
		CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	}
	/* the empty container goes */
	p = rm(2);
	CU_ASSERT_EQUAL_FATAL(fx_job(&p, &run), VDS_R_OK);
	snprintf(want, sizeof(want), "1 %llu %llu 83;3 %llu %llu 83;4 %llu %llu 83", SECT(1),
	         SECT(8), SECT(73), SECT(10), SECT(83), SECT(10));
	expect_label(want);
	CU_ASSERT_PTR_NULL(fx_part(2));
	fx_down();
}

/* Every refusal leaves the label as it was. */
void
test_mbr_logical_refusals(void)
{
	struct contract_run run;
	struct job_params p;
	char before[1024], buf[1024], why[256], loop[32];

	CU_ASSERT_EQUAL_FATAL(fx_up(128, "dos"), 0);
	make_layout();
	sf_json(before, sizeof(before));
	/* logical 6 exposed (a loop device over it): deleting 5 would renumber it */
	CU_ASSERT_EQUAL_FATAL(loop_attach(30 * MIB, 10 * MIB, 0, loop, sizeof(loop)), 0);
	p = rm(5);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_IN_USE);
	loop_detach(loop);
	/* a second container (0x0f, the LBA one, is one too) */
	p = mk(0, 4, "0x0f");
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "extended partition already"));
	/* no primary slot left outside the container */
	p = mk(100, 4, "");
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_NO_SPACE);
	/* inside a logical partition, bigger than the container, no area big enough */
	p = mk(12, 1, "");
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_NO_SPACE);
	p = mk(20, 100, "");
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	p = mk(0, 30, "");
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_NO_SPACE);
	CU_ASSERT_PTR_NOT_NULL(strstr(run.msg, "in the extended partition"));
	/* a container that holds logical partitions stays; it takes no file system */
	p = rm(2);
	CU_ASSERT_EQUAL(fx_job(&p, &run), VDS_R_NOT_EMPTY);
	p = (struct job_params){.type = JOB_FORMAT, .partition = fx_part(2)->index};
	snprintf(p.fs_type, sizeof(p.fs_type), "ext4");
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_NOT_SUPPORTED);
	CU_ASSERT_STRING_EQUAL(sf_json(buf, sizeof(buf)), before);
	fx_down();
	/* GPT has no extended partition */
	CU_ASSERT_EQUAL_FATAL(fx_up(64, "gpt"), 0);
	p = mk(0, 4, "extended");
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	p = mk(0, 4, "0x05");
	CU_ASSERT_EQUAL(basic_provider.validate(bst, &p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	fx_down();
}
