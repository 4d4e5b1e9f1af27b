/* SPDX-License-Identifier: ISC */
/*
 * test_sim.c - the sim provider: default inventory, persistence of state and
 * indexes, validation of every job type, every job type run through
 * prepare/run (real worker pool)/commit, and the provider contract suite.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "contract.h"
#include "log.h"
#include "model.h"
#include "sim/sim.h"
#include "simfix.h"

/* ---- inventory ---- */

static void
test_defaults(void)
{
	const struct inv_disk *d;
	const struct inv_pack *pk;
	const struct inv_volume *v;
	const struct inv_plex *px;
	const struct inv_vdisk *vd;
	char path[128];

	up(0);
	snprintf(path, sizeof(path), "%s/sim.state", dir);
	CU_ASSERT_EQUAL(access(path, R_OK), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = inv_disk_by_key("sim:sim0"));
	CU_ASSERT_EQUAL(d->size, 64 * GIB);
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_GPT);
	CU_ASSERT_EQUAL(d->source, INV_SRC_SIM);
	CU_ASSERT_STRING_EQUAL(d->provider, "sim");
	CU_ASSERT_STRING_EQUAL(d->devnode, "/dev/sim/sim0");
	CU_ASSERT_STRING_EQUAL(d->serial, "SIM-0001");
	CU_ASSERT_EQUAL(d->sector_size, 512);
	CU_ASSERT_EQUAL(strlen(d->table_id), 36);
	CU_ASSERT_EQUAL_FATAL(d->nparts, 2);
	CU_ASSERT_STRING_EQUAL(d->parts[0].fs_type, "vfat");
	CU_ASSERT_EQUAL(d->parts[0].offset, MIB);
	CU_ASSERT_EQUAL(d->parts[0].size, 512 * MIB);
	CU_ASSERT_STRING_EQUAL(d->parts[1].fs_type, "ext4");
	CU_ASSERT_EQUAL(d->parts[1].size, 20 * GIB);
	CU_ASSERT_NOT_EQUAL(d->parts[1].volume_index, 0);
	CU_ASSERT_EQUAL(strlen(d->parts[1].uuid), 36);
	CU_ASSERT_EQUAL(d->free_bytes, 64 * GIB - 513 * MIB - 20 * GIB - MIB);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = inv_disk_by_key("sim:sim1"));
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_MBR);
	CU_ASSERT_EQUAL_FATAL(d->nparts, 1);
	CU_ASSERT_EQUAL(d->parts[0].size, 100 * GIB);
	CU_ASSERT_STRING_EQUAL(d->parts[0].type, "0x83");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk = inv_by_key(INV_PACK, "sim:pack:pack0"));
	CU_ASSERT_EQUAL(pk->ndisks, 2);
	CU_ASSERT_EQUAL(pk->nvolumes, 2);
	CU_ASSERT_EQUAL(pk->size, 2 * (500 * GIB - 2 * MIB));
	CU_ASSERT_EQUAL(pk->free_bytes, pk->size - 110 * GIB);
	CU_ASSERT_EQUAL(inv_disk_by_key("sim:sim2")->pack_index, pk->index);
	CU_ASSERT_EQUAL(inv_disk_by_key("sim:sim3")->pack_index, pk->index);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d = inv_disk_by_key("sim:sim4"));
	CU_ASSERT_EQUAL(d->size, 1024 * GIB);
	CU_ASSERT_EQUAL(d->pstyle, INV_PS_NONE);
	CU_ASSERT_EQUAL(d->free_bytes, d->size);
	CU_ASSERT_PTR_NULL(inv_disk_by_key("sim:vd0")); /* detached vdisk */
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_by_key(INV_VOLUME, "sim:vol:mirror0"));
	CU_ASSERT_EQUAL(v->type, INV_VT_MIRROR);
	CU_ASSERT_EQUAL(v->nplexes, 2);
	CU_ASSERT_EQUAL(v->size, 50 * GIB);
	CU_ASSERT_EQUAL(v->pack_index, pk->index);
	CU_ASSERT_PTR_NOT_NULL_FATAL(px = inv_by_key(INV_PLEX, "sim:plex:mirror0:2"));
	CU_ASSERT_EQUAL(px->volume_index, v->index);
	CU_ASSERT_STRING_EQUAL(px->devices, "sim3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = inv_by_key(INV_VOLUME, "sim:vol:stripe0"));
	CU_ASSERT_EQUAL(v->type, INV_VT_STRIPED);
	CU_ASSERT_EQUAL(v->stripe_size, 65536);
	CU_ASSERT_EQUAL(vtab_count(inv_table(INV_PLEX)), 3);
	CU_ASSERT_EQUAL(vtab_count(inv_table(INV_DISK)), 5);
	snprintf(path, sizeof(path), "sim:vdisk:%s/sim/disk0.vhd", dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vd = inv_by_key(INV_VDISK, path));
	CU_ASSERT_FALSE(vd->attached);
	CU_ASSERT_EQUAL(vd->virtual_size, 10 * GIB);
	CU_ASSERT_EQUAL(vd->type, INV_VDT_EXPANDABLE);
	CU_ASSERT_EQUAL(vd->format, INV_VF_VHD);
	down();
}

static void
test_state_file(void)
{
	char path[128], line[256], cmd[600];
	FILE *f;

	up(0);
	snprintf(path, sizeof(path), "%s/sim.state", dir);
	sim_down();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "r"));
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	CU_ASSERT_EQUAL(line[0], '#');
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	CU_ASSERT_EQUAL(strncmp(line, "sim 2 next-serial=", 18), 0);
	fclose(f);
	/* A damaged file without a sound previous generation stops the
	 * provider and is kept aside as it is. */
	snprintf(line, sizeof(line), "%s.prev", path);
	unlink(line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(path, "a"));
	fputs("disk name=bad size=notanumber\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(sim_up(0, NULL), -1);
	inv_shutdown();
	conf_free(&conf);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	snprintf(cmd, sizeof(cmd), "grep -q notanumber %s.damaged-*", path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	/* Cut in half with a previous generation: that one is restored. */
	CU_ASSERT_EQUAL_FATAL(sim_up(0, NULL), 0); /* the default inventory again */
	sim_down();
	CU_ASSERT_EQUAL_FATAL(sim_up(0, NULL), 0);
	sim_down();
	snprintf(cmd, sizeof(cmd), "cp %s %s.prev && truncate -s $(($(stat -c %%s %s) / 2)) %s",
	         path, path, path, path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT_EQUAL(sim_up(0, NULL), 0);
	sim_down();
	snprintf(cmd, sizeof(cmd), "ls %s.damaged-* | wc -l | grep -qx 2", path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	drop_dir();
}

/* References between sim objects that contradict each other stop the load. */
static void
test_state_refs(void)
{
	static const char *const bad[] = {
	    "s/^\\(plex volume=mirror0 number=2 devices=\\)sim3/\\1sim2/",    /* one disk, 2 legs */
	    "s/^\\(plex volume=mirror0 number=\\)2/\\11/",                    /* plex 1 twice */
	    "s/^\\(plex volume=stripe0 number=1 devices=\\).*/\\1sim2,sim4/", /* not in the pack */
	    "s/^\\(plex volume=stripe0 number=1 devices=\\).*/\\1sim2,sim2/", /* twice in a plex */
	    "/^volume name=mirror0/s/ size=[0-9]* / size=1099511627776 /",    /* > its disks */
	    "/^vdisk /s/disk=vd0/disk=sim4/", /* sim4 is no vdisk's */
	};
	char path[128], cmd[700];

	up(0);
	snprintf(path, sizeof(path), "%s/sim.state", dir);
	sim_down();
	snprintf(cmd, sizeof(cmd), "cp %s %s.good", path, path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(sim_up_edited(bad[i]), -1);
	drop_dir();
}

struct snap {
	size_t n;
	char key[64][300];
	uint32_t index[64];
	char objid[64][INV_OBJID_LEN];
};

static void
snap_take(struct snap *s)
{
	s->n = 0;
	for (int c = 0; c < INV_NCLASS; c++) {
		const struct vtab *t = inv_table(c);
		const uint32_t *row;
		size_t i;

		VTAB_FOREACH(t, i, row)
		{
			/* index, objid, key lead every row but a partition. */
			const char *objid = (const char *)(row + 1);
			const char *key = c == INV_PARTITION ? "part" : objid + INV_OBJID_LEN;

			if (s->n >= 64)
				break;
			snprintf(s->key[s->n], sizeof(s->key[0]), "%d:%s", c, key);
			s->index[s->n] = *row;
			snprintf(s->objid[s->n], INV_OBJID_LEN, "%s", objid);
			s->n++;
		}
	}
}

static void
test_reload(void)
{
	static struct snap a, b;
	struct contract_run run;
	const struct inv_part *p;
	struct job_params jp = {
	    .type = JOB_CREATE_PARTITION, .size = 10 * MIB, .init_label = JOB_LABEL_GPT};

	up(0);
	jp.disk = idx(INV_DISK, "sim:sim4");
	CU_ASSERT_EQUAL_FATAL(job(&jp, &run), VDS_R_OK);
	snap_take(&a);
	sim_down();
	CU_ASSERT_EQUAL_FATAL(sim_up(0, NULL), 0);
	snap_take(&b);
	CU_ASSERT_EQUAL_FATAL(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		CU_ASSERT_STRING_EQUAL(a.key[i], b.key[i]);
		CU_ASSERT_EQUAL(a.index[i], b.index[i]);
		CU_ASSERT_STRING_EQUAL(a.objid[i], b.objid[i]);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(p = part_of("sim:sim4", 1));
	CU_ASSERT_EQUAL(p->offset, MIB);
	CU_ASSERT_EQUAL(p->index, run.out.partition);
	CU_ASSERT_EQUAL(inv_disk_by_key("sim:sim4")->pstyle, INV_PS_GPT);
	down();
}

/* ---- validation ---- */

static void
test_validate_partition(void)
{
	uint32_t sim0, sim1, sim2, sim4;
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = GIB};

	up(0);
	sim0 = idx(INV_DISK, "sim:sim0");
	sim1 = idx(INV_DISK, "sim:sim1");
	sim2 = idx(INV_DISK, "sim:sim2");
	sim4 = idx(INV_DISK, "sim:sim4");
	p.disk = sim0;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.offset = 2 * MIB; /* inside the EFI partition */
	CU_ASSERT_EQUAL(check(&p), VDS_R_NO_SPACE);
	p.offset = 0;
	p.size = 50 * GIB;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NO_SPACE);
	p.size = 0;
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.size = GIB;
	snprintf(p.partition_type, sizeof(p.partition_type), "0x83");
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM); /* MBR type on GPT */
	p.disk = sim1;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.partition_type[0] = '\0';
	p.init_label = JOB_LABEL_GPT; /* relabel a disk that has partitions */
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_EMPTY);
	p.init_label = 0;
	p.disk = sim2;
	CU_ASSERT_EQUAL(check(&p), VDS_R_IN_USE);
	p.disk = sim4;
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM); /* no label */
	p.init_label = JOB_LABEL_MBR;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.disk = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);

	p = (struct job_params){.type = JOB_DELETE_PARTITION};
	p.partition = part_of("sim:sim0", 1)->index;
	CU_ASSERT_EQUAL(check(&p), VDS_R_IN_USE); /* mounted EFI */
	p.partition = part_of("sim:sim0", 2)->index;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.partition = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);
	down();
}

static void
test_validate_volume(void)
{
	uint32_t pack, mirror, stripe, data, efi;
	struct job_params p = {.type = JOB_CREATE_VOLUME, .size = 10 * GIB};

	up(0);
	pack = idx(INV_PACK, "sim:pack:pack0");
	mirror = idx(INV_VOLUME, "sim:vol:mirror0");
	stripe = idx(INV_VOLUME, "sim:vol:stripe0");
	data = vol_of("sim:sim0", 2);
	efi = vol_of("sim:sim0", 1);
	p.pack = pack;
	p.volume_type = INV_VT_MIRROR;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.size = 600 * GIB;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NO_SPACE);
	p.size = GIB;
	snprintf(p.name, sizeof(p.name), "mirror0");
	CU_ASSERT_EQUAL(check(&p), VDS_R_EXISTS);
	p.name[0] = '\0';
	p.volume_type = INV_VT_SIMPLE;
	p.stripe_size = 65536; /* conflicts with a simple volume */
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.volume_type = INV_VT_STRIPED;
	p.stripe_size = 3000;
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.stripe_size = 0;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.volume_type = INV_VT_PARITY; /* needs 3 disks, the pack has 2 */
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.volume_type = INV_VT_SIMPLE;
	p.ndisks = 1;
	p.disks[0] = idx(INV_DISK, "sim:sim0"); /* not in the pack */
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.disks[0] = idx(INV_DISK, "sim:sim3");
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.disks[0] = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);
	p.pack = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);

	p = (struct job_params){.type = JOB_DELETE_VOLUME, .volume = mirror};
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.volume = efi;
	CU_ASSERT_EQUAL(check(&p), VDS_R_IN_USE);

	p = (struct job_params){.type = JOB_SHRINK_VOLUME, .volume = data, .size = GIB};
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.size = 15 * GIB; /* 20 GiB with 6 GiB used */
	CU_ASSERT_EQUAL(check(&p), VDS_R_SHRINK_TOO_BIG);
	p.size = 14 * GIB;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.size = 1000;
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.size = GIB;
	p.volume = stripe; /* xfs */
	CU_ASSERT_EQUAL(check(&p), VDS_R_FS_NO_SHRINK);
	p.volume = efi; /* vfat */
	CU_ASSERT_EQUAL(check(&p), VDS_R_FS_NO_SHRINK);
	p.volume = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);

	p = (struct job_params){.type = JOB_BREAK_PLEX, .volume = mirror};
	p.plex = idx(INV_PLEX, "sim:plex:mirror0:1");
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.plex = idx(INV_PLEX, "sim:plex:stripe0:1"); /* another volume's plex */
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.volume = stripe; /* not a mirror */
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	p.volume = mirror;
	p.plex = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);
	down();
}

static void
test_validate_vdisk(void)
{
	struct job_params p = {.type = JOB_CREATE_VDISK, .size = 64 * MIB};
	struct contract_run run;
	uint32_t vd;

	up(0);
	snprintf(p.path, sizeof(p.path), "%s/sim/new.img", dir);
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	snprintf(p.path, sizeof(p.path), "%s/sim/disk0.vhd", dir);
	CU_ASSERT_EQUAL(check(&p), VDS_R_EXISTS);
	snprintf(p.path, sizeof(p.path), "relative.img");
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);
	snprintf(p.path, sizeof(p.path), "/srv/x.img");
	p.size = 0;
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM);

	snprintf(p.path, sizeof(p.path), "sim:vdisk:%s/sim/disk0.vhd", dir);
	vd = idx(INV_VDISK, p.path);
	p = (struct job_params){.type = JOB_DETACH_VDISK, .vdisk = vd};
	CU_ASSERT_EQUAL(check(&p), VDS_R_INVALID_PARAM); /* not attached */
	p.type = JOB_DELETE_VDISK;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.type = JOB_ATTACH_VDISK;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(check(&p), VDS_R_IN_USE); /* attached already */
	p.type = JOB_DELETE_VDISK;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_EMPTY);
	p.type = JOB_DETACH_VDISK;
	CU_ASSERT_EQUAL(check(&p), VDS_R_OK);
	p.vdisk = 9999;
	CU_ASSERT_EQUAL(check(&p), VDS_R_NOT_FOUND);
	down();
}

static void
test_claims(void)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = MIB};

	up(0);
	p.disk = idx(INV_DISK, "sim:sim0");
	CU_ASSERT_TRUE(sim_provider.claims(sim, &p));
	p.disk = 9999;
	CU_ASSERT_FALSE(sim_provider.claims(sim, &p));
	p = (struct job_params){.type = JOB_SHRINK_VOLUME, .volume = vol_of("sim:sim0", 2)};
	CU_ASSERT_TRUE(sim_provider.claims(sim, &p));
	p = (struct job_params){.type = JOB_CREATE_VDISK, .size = MIB};
	snprintf(p.path, sizeof(p.path), "/srv/images/a.img");
	CU_ASSERT_TRUE(sim_provider.claims(sim, &p)); /* no vdisk provider */
	sim_down();
	CU_ASSERT_EQUAL_FATAL(sim_up(0, "vdisk"), 0);
	CU_ASSERT_FALSE(sim_provider.claims(sim, &p));
	snprintf(p.path, sizeof(p.path), "%s/sim/a.img", dir);
	CU_ASSERT_TRUE(sim_provider.claims(sim, &p));
	down();
}

/* ---- contract suite environment: jobs of 200 ms ---- */

static int
env_setup(void **state)
{
	fresh_dir();
	if (sim_up(200, NULL) < 0)
		return -1;
	*state = sim;
	return 0;
}

static void
env_teardown(void *state)
{
	(void)state;
	down();
}

static const struct contract_env env = {env_setup, env_teardown};

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	log_set_sink(quiet);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("sim", NULL, NULL);
	CU_add_test(s, "default inventory on first run", test_defaults);
	CU_add_test(s, "state file format and a damaged file", test_state_file);
	CU_add_test(s, "contradicting references in the state file", test_state_refs);
	CU_add_test(s, "reload: same inventory, same indexes", test_reload);
	CU_add_test(s, "validate partition jobs", test_validate_partition);
	CU_add_test(s, "validate volume jobs", test_validate_volume);
	CU_add_test(s, "validate vdisk jobs", test_validate_vdisk);
	CU_add_test(s, "claims", test_claims);
	CU_add_test(s, "partition jobs: real offset, outputs", test_job_partition);
	CU_add_test(s, "MBR: extended, logical 5-7, delete renumbers, state kept",
	            test_sim_mbr_logical);
	CU_add_test(s, "MBR refusals: second extended, no slot, no room, non-empty, format",
	            test_sim_mbr_refusals);
	CU_add_test(s, "MBR: a logical partition outside its container stops the load",
	            test_sim_mbr_state);
	CU_add_test(s, "volume jobs: create, break, shrink, delete", test_job_volume);
	CU_add_test(s, "createVolume by disks: their pack or a new one", test_job_volume_by_disks);
	CU_add_test(s, "no vdsVolumeModified for unchanged volumes",
	            test_partition_no_false_modified);
	CU_add_test(s, "vdisk jobs: create, attach, detach, delete", test_job_vdisk);
	CU_add_test(s, "commit re-checks the state", test_commit_recheck);
	CU_add_test(s, "progress details and the point of no return", test_progress);
	CU_add_test(s, "btrfs resized to no less than 256 MiB", test_btrfs_floor);
	CU_add_test(s, "commit writes sim.state off the loop", test_sim_commit_off_loop);
	contract_add_suite(&sim_provider, &env);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
