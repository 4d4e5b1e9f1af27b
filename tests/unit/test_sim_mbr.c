/* SPDX-License-Identifier: ISC */
/*
 * test_sim_mbr.c - MBR extended and logical partitions on the sim provider
 * (its MBR disk sim1: partition 1, 100 GiB at 1 MiB): the container, logical
 * partitions by offset and by first fit, deletes that renumber, the state
 * file round trip, every refusal, and a state file whose logical partition
 * lies outside its container refused on load.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "simfix.h"
#include "staterr.h"

#define EXT (100 * GIB + MIB) /* where the container goes: right after partition 1 */

static struct job_params
mk(uint64_t offset, uint64_t size, const char *type)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .offset = offset, .size = size};

	p.disk = idx(INV_DISK, "sim:sim1");
	snprintf(p.partition_type, sizeof(p.partition_type), "%s", type);
	return p;
}

static struct job_params
rm(uint32_t number)
{
	struct job_params p = {.type = JOB_DELETE_PARTITION};

	CU_ASSERT_PTR_NOT_NULL_FATAL(part_of("sim:sim1", number));
	p.partition = part_of("sim:sim1", number)->index;
	return p;
}

static void
has(uint32_t number, uint64_t offset, uint64_t size, const char *type)
{
	const struct inv_part *pt = part_of("sim:sim1", number);

	CU_ASSERT_PTR_NOT_NULL_FATAL(pt);
	CU_ASSERT_EQUAL(pt->offset, offset);
	CU_ASSERT_EQUAL(pt->size, size);
	CU_ASSERT_STRING_EQUAL(pt->type, type);
	CU_ASSERT_EQUAL(pt->volume_index, 0);
}

static void
run_ok(const struct job_params *p, uint32_t number, uint64_t offset)
{
	struct contract_run run;

	CU_ASSERT_EQUAL_FATAL(job(p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, offset);
	CU_ASSERT_PTR_NOT_NULL_FATAL(part_of("sim:sim1", number));
	CU_ASSERT_EQUAL(run.out.partition, part_of("sim:sim1", number)->index);
}

/* 2: the container (10 GiB); 5 by an offset in its EBR room, 6 by an offset;
 * 3 and 4 by first fit after it; 7 by first fit with no primary slot left. */
static void
layout(void)
{
	struct job_params p;

	p = mk(0, 10 * GIB, "extended");
	run_ok(&p, 2, EXT);
	has(2, EXT, 10 * GIB, "0x05");
	p = mk(EXT, GIB, "");
	run_ok(&p, 5, EXT + MIB);
	p = mk(EXT + 3 * GIB, GIB, "0x82");
	run_ok(&p, 6, EXT + 3 * GIB);
	p = mk(0, GIB, "");
	run_ok(&p, 3, EXT + 10 * GIB);
	p = mk(0, GIB, "");
	run_ok(&p, 4, EXT + 11 * GIB);
	p = mk(0, GIB, "");
	run_ok(&p, 7, EXT + GIB + 2 * MIB); /* 1 MiB after 5 for its EBR */
	has(5, EXT + MIB, GIB, "0x83");
	has(6, EXT + 3 * GIB, GIB, "0x82");
	has(7, EXT + GIB + 2 * MIB, GIB, "0x83");
}

void
test_sim_mbr_logical(void)
{
	const struct inv_disk *d;
	uint64_t free_before;
	struct contract_run run;
	struct job_params p;

	up(0);
	free_before = inv_disk_by_key("sim:sim1")->free_bytes;
	layout();
	/* free: the primary gaps less 12 GiB, plus the container's areas for data:
	 * 2 GiB + 3 MiB .. 3 GiB - 1 MiB and 4 GiB + 1 MiB .. 10 GiB */
	d = inv_disk_by_key("sim:sim1");
	CU_ASSERT_EQUAL(d->free_bytes, free_before - 12 * GIB + 7 * GIB - 5 * MIB);
	CU_ASSERT_EQUAL(d->nparts, 7);
	/* the state file keeps them */
	sim_down();
	CU_ASSERT_EQUAL_FATAL(sim_up(0, NULL), 0);
	has(2, EXT, 10 * GIB, "0x05");
	has(7, EXT + GIB + 2 * MIB, GIB, "0x83");
	/* deleting 5: 6 and 7 move down, as the kernel numbers them */
	p = rm(5);
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	has(5, EXT + 3 * GIB, GIB, "0x82");
	has(6, EXT + GIB + 2 * MIB, GIB, "0x83");
	CU_ASSERT_PTR_NULL(part_of("sim:sim1", 7));
	CU_ASSERT_PTR_NOT_NULL(strstr(part_of("sim:sim1", 6)->uuid, "-06"));
	/* the freed area takes a logical one again (by offset, at its start) */
	p = mk(EXT + MIB, GIB, "");
	run_ok(&p, 7, EXT + MIB);
	for (int i = 0; i < 3; i++) {
		p = rm(5);
		CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	}
	p = rm(2);
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NULL(part_of("sim:sim1", 2));
	CU_ASSERT_EQUAL(inv_disk_by_key("sim:sim1")->nparts, 3);
	down();
}

void
test_sim_mbr_refusals(void)
{
	struct job_params p;
	char why[256];

	up(0);
	layout();
	p = mk(0, GIB, "0x0f"); /* a second container */
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_EXISTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "extended partition already (partition 2)"));
	p = mk(200 * GIB, GIB, ""); /* outside the container, no primary slot */
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no free primary slot"));
	p = mk(EXT + 3 * GIB + MIB, MIB, ""); /* inside logical 6 */
	CU_ASSERT_EQUAL(check(&p), VDS_R_NO_SPACE);
	p = mk(EXT + 3 * GIB - MIB, MIB, ""); /* in 6's EBR room */
	CU_ASSERT_EQUAL(check(&p), VDS_R_NO_SPACE);
	p = mk(0, 8 * GIB, ""); /* no area of the container is that big */
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_NO_SPACE);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "in its extended partition"));
	p = rm(2); /* it holds logical partitions */
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_NOT_EMPTY);
	p = (struct job_params){.type = JOB_FORMAT, .partition = part_of("sim:sim1", 2)->index};
	snprintf(p.fs_type, sizeof(p.fs_type), "ext4");
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_SUPPORTED);
	p = mk(0, GIB, "extended"); /* GPT has none */
	p.disk = idx(INV_DISK, "sim:sim0");
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	down();
}

/* sim.state is untrusted: logical partitions outside their container stop the load. */
void
test_sim_mbr_state(void)
{
	static const char *const bad[] = {
	    /* 5 moved before the container */
	    "/^part disk=sim1 number=5 /s/ offset=[0-9]* / offset=107374182400 /",
	    /* 5 grown past the container's end */
	    "/^part disk=sim1 number=5 /s/ size=[0-9]* / size=10737418240 /",
	    /* 5 right at the container's start: no room for its EBR */
	    "/^part disk=sim1 number=5 /s/ offset=[0-9]* / offset=107375230976 /",
	    /* numbers with a hole */
	    "s/^part disk=sim1 number=7 /part disk=sim1 number=9 /",
	    /* no container any more */
	    "/^part disk=sim1 number=2 /s/ type=0x05/ type=0x83/",
	};
	char path[128], cmd[700], last[512];

	up(0);
	layout();
	snprintf(path, sizeof(path), "%s/sim.state", dir);
	sim_down();
	snprintf(cmd, sizeof(cmd), "cp %s %s.good", path, path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		staterr_reset();
		CU_ASSERT_EQUAL(sim_up_edited(bad[i]), -1);
		CU_ASSERT(staterr_last(last, sizeof(last)) != 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(last, path));
		CU_ASSERT_PTR_NOT_NULL(strstr(last, "disk sim1: logical partition"));
	}
	drop_dir();
}
