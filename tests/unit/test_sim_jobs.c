/* SPDX-License-Identifier: ISC */
/*
 * test_sim_jobs.c - every sim job type run through prepare, run (on the real
 * worker pool) and commit: real offsets, outputs, model changes, re-checks
 * at commit, progress and the point of no return.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "simfix.h"

/* ---- jobs ---- */

static unsigned vol_modified;

static void
count_volume_events(enum inv_class cls, enum inv_event ev, const void *row, void *arg)
{
	(void)row;
	(void)arg;
	if (cls == INV_VOLUME && ev == INV_EV_MODIFIED)
		vol_modified++;
}

/* A new partition on sim0 changes no volume: no vdsVolumeModified for them. */
void
test_partition_no_false_modified(void)
{
	static const struct inv_observer obs = {count_volume_events, NULL};
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = 10 * MIB};
	struct contract_run run;
	uint32_t data;

	up(0);
	data = vol_of("sim:sim0", 2);
	p.disk = idx(INV_DISK, "sim:sim0");
	vol_modified = 0;
	inv_set_observer(&obs);
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(vol_modified, 0);
	/* a real change still is one: shrinking the data volume */
	p = (struct job_params){.type = JOB_SHRINK_VOLUME, .volume = data, .size = GIB};
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT(vol_modified >= 1);
	inv_set_observer(NULL);
	down();
}

void
test_job_partition(void)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = 10 * MIB};
	struct contract_run run;
	const struct inv_part *pt;

	up(0);
	p.disk = idx(INV_DISK, "sim:sim4");
	p.offset = 1000000; /* rounded up to 1 MiB: the real offset differs */
	p.init_label = JOB_LABEL_GPT;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, MIB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt = part_of("sim:sim4", 1));
	CU_ASSERT_EQUAL(run.out.partition, pt->index);
	CU_ASSERT_EQUAL(run.out.volume, 0); /* no file system yet */
	CU_ASSERT_STRING_EQUAL(run.out.objid, pt->objid);
	CU_ASSERT_EQUAL(inv_disk_by_key("sim:sim4")->pstyle, INV_PS_GPT);

	p = (struct job_params){.type = JOB_CREATE_PARTITION, .size = 3 * MIB + 1};
	p.disk = idx(INV_DISK, "sim:sim0"); /* first fit: after the 20 GiB partition */
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.offset, 513 * MIB + 20 * GIB);
	CU_ASSERT_EQUAL(part_of("sim:sim0", 3)->size, 4 * MIB);

	p = (struct job_params){.type = JOB_DELETE_PARTITION, .partition = run.out.partition};
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NULL(part_of("sim:sim0", 3));
	down();
}

/* validate's reason for p, "" when accepted. */
static const char *
why_not(const struct job_params *p)
{
	static char why[256];

	why[0] = '\0';
	if (sim_provider.validate(sim, p, why, sizeof(why)) == VDS_R_OK)
		why[0] = '\0';
	return why;
}

/* createVolume by vdsJobDisks alone: the pack is the disks' own, or a new one. */
void
test_job_volume_by_disks(void)
{
	struct job_params p = {.type = JOB_CREATE_VOLUME, .size = GIB, .ndisks = 2};
	struct contract_run run;
	const struct inv_volume *v;
	const struct inv_disk *d;
	uint32_t pack0, pack1;

	up(0);
	pack0 = idx(INV_PACK, "sim:pack:pack0");
	p.volume_type = INV_VT_MIRROR;
	p.disks[0] = idx(INV_DISK, "sim:sim2");
	p.disks[1] = idx(INV_DISK, "sim:sim3");
	CU_ASSERT_TRUE(sim_provider.claims(sim, &p));
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_get(INV_VOLUME, run.out.volume));
	CU_ASSERT_EQUAL(v->pack_index, pack0);
	CU_ASSERT_EQUAL(v->nplexes, 2);

	/* one disk in pack0, one in none */
	p.disks[1] = idx(INV_DISK, "sim:sim4");
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why_not(&p), "disk sim2 is in pack pack0 and disk sim4 in no pack: "
	                                    "a volume's disks belong to one pack");
	/* a disk in no pack with partitions cannot start a pack */
	p.volume_type = INV_VT_SIMPLE;
	p.ndisks = 1;
	p.disks[0] = idx(INV_DISK, "sim:sim0");
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(why_not(&p), "disk sim0 is in no pack and holds 2 partitions"));

	/* a disk in no pack and without partitions: a new pack of it */
	p.disks[0] = idx(INV_DISK, "sim:sim4");
	p.size = 10 * GIB;
	CU_ASSERT_TRUE(sim_provider.claims(sim, &p));
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	pack1 = idx(INV_PACK, "sim:pack:pack1");
	CU_ASSERT_NOT_EQUAL_FATAL(pack1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_get(INV_VOLUME, run.out.volume));
	CU_ASSERT_EQUAL(v->pack_index, pack1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = inv_get(INV_DISK, p.disks[0]));
	CU_ASSERT_EQUAL(d->pack_index, pack1);
	CU_ASSERT_EQUAL(((const struct inv_pack *)inv_get(INV_PACK, pack1))->ndisks, 1);
	CU_ASSERT_EQUAL(((const struct inv_pack *)inv_get(INV_PACK, pack1))->nvolumes, 1);
	/* the disk is in pack1 now: a second volume by it goes there too */
	p.size = GIB;
	p.name[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(
	    ((const struct inv_volume *)inv_get(INV_VOLUME, run.out.volume))->pack_index, pack1);
	CU_ASSERT_PTR_NULL(inv_by_key(INV_PACK, "sim:pack:pack2"));
	down();
}

void
test_job_volume(void)
{
	struct job_params p = {.type = JOB_CREATE_VOLUME, .size = GIB};
	struct contract_run run;
	const struct inv_volume *v;
	uint64_t free0;
	uint32_t m1;

	up(0);
	p.pack = idx(INV_PACK, "sim:pack:pack0");
	p.volume_type = INV_VT_MIRROR;
	snprintf(p.name, sizeof(p.name), "m1");
	free0 = ((const struct inv_pack *)inv_get(INV_PACK, p.pack))->free_bytes;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	m1 = run.out.volume;
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_get(INV_VOLUME, m1));
	CU_ASSERT_STRING_EQUAL(v->name, "m1");
	CU_ASSERT_EQUAL(v->type, INV_VT_MIRROR);
	CU_ASSERT_EQUAL(v->nplexes, 2);
	CU_ASSERT_STRING_EQUAL(run.out.objid, v->objid);
	CU_ASSERT_EQUAL(((const struct inv_pack *)inv_get(INV_PACK, p.pack))->free_bytes,
	                free0 - 2 * GIB);

	p = (struct job_params){.type = JOB_BREAK_PLEX, .volume = m1};
	p.plex = idx(INV_PLEX, "sim:plex:m1:2");
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_get(INV_VOLUME, run.out.volume));
	CU_ASSERT_STRING_EQUAL(v->name, "m1-plex2");
	CU_ASSERT_EQUAL(v->type, INV_VT_SIMPLE);
	CU_ASSERT_EQUAL(v->size, GIB);
	CU_ASSERT_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, m1))->nplexes, 1);
	CU_ASSERT_PTR_NULL(inv_by_key(INV_PLEX, "sim:plex:m1:2"));
	CU_ASSERT_PTR_NOT_NULL(inv_by_key(INV_PLEX, "sim:plex:m1-plex2:1"));

	p = (struct job_params){.type = JOB_SHRINK_VOLUME, .size = 1000 * MIB};
	p.volume = idx(INV_VOLUME, "sim:vol:mirror0");
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.reclaimed, 1000 * MIB);
	CU_ASSERT_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, p.volume))->size,
	                50 * GIB - 1000 * MIB);
	p.volume = vol_of("sim:sim0", 2); /* a basic volume: its partition shrinks */
	p.size = GIB + 5;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.reclaimed, GIB);
	CU_ASSERT_EQUAL(part_of("sim:sim0", 2)->size, 19 * GIB);
	CU_ASSERT_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, p.volume))->size, 19 * GIB);

	/* extend: a basic volume into the free space after its partition, a dynamic one in its pack
	 */
	p = (struct job_params){.type = JOB_EXTEND_VOLUME, .volume = p.volume, .size = 2 * GIB};
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.volume, p.volume);
	CU_ASSERT_EQUAL(part_of("sim:sim0", 2)->size, 21 * GIB);
	p.size = 100000 * GIB;
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_NO_SPACE);
	CU_ASSERT_EQUAL(part_of("sim:sim0", 2)->size, 21 * GIB);
	p = (struct job_params){.type = JOB_EXTEND_VOLUME, .volume = m1, .size = GIB};
	free0 = ((const struct inv_pack *)inv_get(INV_PACK, idx(INV_PACK, "sim:pack:pack0")))
	            ->free_bytes;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(((const struct inv_volume *)inv_get(INV_VOLUME, m1))->size, 2 * GIB);
	CU_ASSERT_EQUAL(
	    ((const struct inv_pack *)inv_get(INV_PACK, idx(INV_PACK, "sim:pack:pack0")))
	        ->free_bytes,
	    free0 - GIB);
	p.size = 0;
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_INVALID_PARAM);

	p = (struct job_params){.type = JOB_DELETE_VOLUME, .volume = m1};
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NULL(inv_get(INV_VOLUME, m1));
	CU_ASSERT_PTR_NULL(inv_by_key(INV_PLEX, "sim:plex:m1:1"));
	down();
}

void
test_job_vdisk(void)
{
	struct job_params p = {.type = JOB_CREATE_VDISK, .size = 64 * MIB};
	struct contract_run run;
	const struct inv_vdisk *v;
	const struct inv_disk *d;
	uint32_t vd;

	up(0);
	snprintf(p.path, sizeof(p.path), "%s/sim/new.img", dir);
	p.vdisk_type = INV_VDT_FIXED;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	vd = run.out.vdisk;
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_get(INV_VDISK, vd));
	CU_ASSERT_FALSE(v->attached);
	CU_ASSERT_EQUAL(v->format, INV_VF_RAW);
	CU_ASSERT_EQUAL(v->allocated_size, 64 * MIB);

	p = (struct job_params){.type = JOB_ATTACH_VDISK, .vdisk = vd};
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	v = inv_get(INV_VDISK, vd);
	CU_ASSERT_TRUE_FATAL(v->attached);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = inv_get(INV_DISK, v->disk_index));
	CU_ASSERT_EQUAL(d->source, INV_SRC_VDISK);
	CU_ASSERT_EQUAL(d->size, 64 * MIB);
	CU_ASSERT_STRING_EQUAL(d->devnode, v->devnode);
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_NONE); /* no vdsJobParamInitLabel: blank */

	p = (struct job_params){.type = JOB_CREATE_PARTITION, .disk = d->index, .size = 8 * MIB};
	p.init_label = JOB_LABEL_MBR;
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(inv_get(INV_PARTITION, run.out.partition) != NULL, 1);

	p = (struct job_params){.type = JOB_DETACH_VDISK, .vdisk = vd};
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_FALSE(((const struct inv_vdisk *)inv_get(INV_VDISK, vd))->attached);
	CU_ASSERT_EQUAL(vtab_count(inv_table(INV_DISK)), 5);
	p.type = JOB_DELETE_VDISK;
	CU_ASSERT_EQUAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NULL(inv_get(INV_VDISK, vd));

	/* vdsJobParamInitLabel gpt: the attached disk has a GPT */
	p = (struct job_params){.type = JOB_CREATE_VDISK, .size = 16 * MIB};
	snprintf(p.path, sizeof(p.path), "%s/sim/gpt.img", dir);
	p.init_label = JOB_LABEL_GPT;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	vd = run.out.vdisk;
	p = (struct job_params){.type = JOB_ATTACH_VDISK, .vdisk = vd};
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	v = inv_get(INV_VDISK, vd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = inv_get(INV_DISK, v->disk_index));
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_GPT);
	CU_ASSERT_NOT_EQUAL(d->table_id[0], '\0');
	down();
}

/* Two jobs validated against the same free space: the second commit fails. */
void
test_commit_recheck(void)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = 40 * GIB};
	struct job_outputs o1 = {0}, o2 = {0};
	void *plan1, *plan2;
	char msg[256];

	up(0);
	p.disk = idx(INV_DISK, "sim:sim0");
	CU_ASSERT_EQUAL_FATAL(sim_provider.prepare(sim, &p, &plan1, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(sim_provider.prepare(sim, &p, &plan2, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL(sim_provider.commit(sim, plan1, VDS_R_OK, &o1, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL(sim_provider.commit(sim, plan2, VDS_R_OK, &o2, msg, sizeof(msg)),
	                VDS_R_NO_SPACE);
	CU_ASSERT_EQUAL(o2.partition, 0);
	/* A failed or cancelled run changes nothing. */
	CU_ASSERT_EQUAL(sim_provider.commit(sim, plan1, VDS_R_CANCELLED, &o2, msg, sizeof(msg)),
	                VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(inv_disk_by_key("sim:sim0")->nparts, 3);
	sim_provider.free_plan(plan1);
	sim_provider.free_plan(plan2);
	down();
}

/* A btrfs is resized, either way, to no less than 256 MiB: the kernel's floor (fsspec). */
void
test_btrfs_floor(void)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = GIB};
	struct contract_run run;
	char why[256];

	up(0);
	p.disk = idx(INV_DISK, "sim:sim4");
	p.init_label = JOB_LABEL_GPT;
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	p = (struct job_params){.type = JOB_FORMAT, .partition = run.out.partition};
	snprintf(p.fs_type, sizeof(p.fs_type), "btrfs");
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	p = (struct job_params){.type = JOB_SHRINK_VOLUME, .volume = run.out.volume};
	p.size = GIB - 200 * MIB;
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_SHRINK_TOO_BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no less than 256 MiB"));
	p.size = GIB - 300 * MIB;
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_OK);
	/* growing too: a 128 MiB btrfs grows only to 256 MiB or more */
	p = (struct job_params){.type = JOB_CREATE_PARTITION, .size = 128 * MIB};
	p.disk = idx(INV_DISK, "sim:sim4");
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	p = (struct job_params){.type = JOB_FORMAT, .partition = run.out.partition};
	snprintf(p.fs_type, sizeof(p.fs_type), "btrfs");
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	p = (struct job_params){
	    .type = JOB_EXTEND_VOLUME, .volume = run.out.volume, .size = 32 * MIB};
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no less than 256 MiB"));
	p.size = 128 * MIB;
	CU_ASSERT_EQUAL(sim_provider.validate(sim, &p, why, sizeof(why)), VDS_R_OK);
	down();
}

/* 1 s jobs: progress in steps; a cancel late in a shrink is too late. */
void
test_progress(void)
{
	struct job_params p = {.type = JOB_SHRINK_VOLUME, .size = GIB};
	struct contract_run run = {.cancel_at = 80};
	char gate[128];

	up(1000);
	p.volume = vol_of("sim:sim0", 2);
	contract_job(&sim_provider, sim, &p, &run);
	CU_ASSERT(run.nprogress >= 5);
	CU_ASSERT_FALSE(run.went_back);
	CU_ASSERT_EQUAL(run.cancel_answer, WORKER_CANCEL_TOO_LATE);
	CU_ASSERT_EQUAL(run.result, VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.reclaimed, GIB);
	/* held at "moving data" (phase 1, before the point of no return) */
	snprintf(gate, sizeof(gate), "%s/hold-1-1", dir);
	CU_ASSERT_EQUAL_FATAL(close(open(gate, O_CREAT | O_WRONLY, 0600)), 0);
	run = (struct contract_run){.cancel_at = 20};
	contract_job(&sim_provider, sim, &p, &run);
	unlink(gate);
	CU_ASSERT_EQUAL(run.cancel_answer, WORKER_CANCEL_REQUESTED);
	CU_ASSERT_EQUAL(run.result, VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(part_of("sim:sim0", 2)->size, 19 * GIB);
	down();
}
