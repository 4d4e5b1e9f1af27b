/* SPDX-License-Identifier: ISC */
/*
 * test_lvm_ops.c - the lvm provider's plex and pack jobs on a real worker,
 * the LVM tools answered by the scripted runner (lvmscript.h) from outputs
 * in the shape lvm2 2.03 prints (tests/unit/lvm/ops-*): a volume group vgf
 * of /dev/vdc, vdd and vde holding the raid1 volume mf on vdc and vdd, and
 * vgo on /dev/vdb.  Each job is checked by the provider's own checks
 * against the model published from such a scan, then run: the command
 * lines in order, the progress taken from lvs' sync_percent, the job's
 * outputs as commit fills them, and the refusals and tool failures.
 *  - addVolumePlex, removeVolumePlex, repairVolumePlex;
 *  - createVolume raid5 and raid6 (their initial sync);
 *  - replaceDisk (pvmove --atomic, pvmove --abort when it fails);
 *  - recoverPack, with and without vdsJobParamAllowDataLoss;
 *  - clean of a disk in a volume group (its checks).
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm/lvm_pack.h"
#include "lvm/lvm_plex.h"
#include "lvmmodel.h"
#include "lvmscript.h"
#include "model.h"

#define VGS_A   "vgs --reportformat json --units b --nosuffix -o vg_name"
#define PVS_A   "pvs --reportformat json --units b --nosuffix -o pv_name"
#define SYNC_MF "lv_name,sync_percent vgf/mf"
/* The scan after a job: vgs, pvs and lvs answered from these fixtures. */
#define SCAN_RULES(vgs, pvs, lvs)                                                                  \
	{VGS_A, vgs, NULL, 0, 0, NULL, NULL}, {PVS_A, pvs, NULL, 0, 0, NULL, NULL},                \
	{                                                                                          \
		LVS_A, lvs, NULL, 0, 0, NULL, NULL                                                 \
	}
#define RULE_END                                                                                   \
	{                                                                                          \
		NULL, NULL, NULL, 0, 0, NULL, NULL                                                 \
	}

static const struct inv_plex *
plex(const char *key)
{
	return inv_by_key(INV_PLEX, key);
}

static uint32_t
volume(const char *key)
{
	const struct inv_volume *v = inv_by_key(INV_VOLUME, key);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return v->index;
}

/* A plex job on vgf/mf checked as the provider checks it; the plan in *pl. */
static enum vds_result
plex_check(const struct lvm_scan *s, enum job_type type, unsigned number, const char *onto,
           struct lvm_plan **pl, char *why, size_t len)
{
	struct job_params p = {.type = type, .volume = volume("lvm:vgf/mf")};
	char key[64];

	snprintf(key, sizeof(key), "lvm:vgf/mf#%u", number);
	if (number) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(plex(key));
		p.plex = plex(key)->index;
	}
	if (onto)
		p.disks[p.ndisks++] = disk(onto);
	*pl = plan_new(type);
	why[0] = '\0';
	return lvm_plex_check(s, &p, *pl, lvm_scan_lv(s, "vgf", "mf"), why, len);
}

/* --------------------------------------------------------------- plexes */

/*
 * Run a checked add or repair plex job: lvconvert (once the loop showed
 * "what"), the new leg's sync polled from 42.50 % to 100 %, dm-raid's
 * status dm, then the scan after it (vgs, pvs, lvs).
 */
static void
resync_job(struct lvm_plan *pl, const char *what, const char *dm, const char *vgs, const char *pvs,
           const char *lvs, struct script *sc, struct jobrun *jr)
{
	struct rule rules[] = {
	    {"lvconvert ", NULL, NULL, 0, 1, NULL, what},
	    {SYNC_MF, "ops-sync-42.json", NULL, 0, 1, NULL, NULL},
	    {SYNC_MF, "sync-mf-100.json", NULL, 0, 0, NULL, "synchronising plexes: 42.50%"},
	    {"status vgf-mf", NULL, dm, 0, 0, NULL, NULL},
	    SCAN_RULES(vgs, pvs, lvs),
	    RULE_END};
	char line[64];

	*sc = (struct script){.rules = rules};
	run_job(pl, sc, jr);
	sc->rules = NULL;
	CU_ASSERT_EQUAL(jr->r, VDS_R_OK);
	CU_ASSERT(logged(sc, SYNC_MF) > 0);
	CU_ASSERT(script_at(sc, "status vgf-mf") > logged(sc, SYNC_MF));
	/* each reported before what follows it ran (the rules wait for them) */
	snprintf(line, sizeof(line), "5 %s", what);
	CU_ASSERT(progressed(jr, line));
	CU_ASSERT(progressed(jr, "47 synchronising plexes: 42.50%"));
}

static void
test_add_plex(void)
{
	struct script sc;
	struct lvm_scan s;
	struct lvm_plan *pl;
	struct job_outputs out;
	struct jobrun jr;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_PTR_NULL(plex("lvm:vgf/mf#3"));
	CU_ASSERT_EQUAL_FATAL(plex_check(&s, JOB_ADD_PLEX, 0, "/dev/vde", &pl, why, sizeof(why)),
	                      VDS_R_OK);
	resync_job(pl, "adding plex", "0 98304 raid raid1 3 AAA 98304/98304 idle 0 0 -\n",
	           "ops-vgs.json", "ops-pvs.json", "ops-lvs-3legs.json", &sc, &jr);
	CU_ASSERT_EQUAL(script_at(&sc, "lvconvert -y --type raid1 -m 2 vgf/mf /dev/vde"), 0);
	commit_outputs(pl, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plex("lvm:vgf/mf#3"));
	CU_ASSERT_EQUAL(out.plex, plex("lvm:vgf/mf#3")->index);
	CU_ASSERT_STRING_EQUAL(plex("lvm:vgf/mf#3")->devices, "vde");
	CU_ASSERT_EQUAL(out.volume, volume("lvm:vgf/mf"));
	plan_free(pl);
	lvm_scan_free(&s);
}

static void
test_add_plex_refused(void)
{
	struct lvm_scan s;
	struct lvm_plan *pl;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL(plex_check(&s, JOB_ADD_PLEX, 0, "/dev/vdd", &pl, why, sizeof(why)),
	                VDS_R_IN_USE);
	CU_ASSERT_STRING_EQUAL(why, "/dev/vdd already holds plex 2 of mf");
	plan_free(pl);
	CU_ASSERT_EQUAL(plex_check(&s, JOB_ADD_PLEX, 0, "/dev/vdb", &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "disk is not in the pack: vdb");
	plan_free(pl);
	lvm_scan_free(&s);
}

/* lvconvert fails: its stderr decides the result, the message names it. */
static void
test_add_plex_tool_fails(void)
{
	struct rule rules[] = {{"lvconvert ", NULL, NULL, 5, 1, "err-nospace-pv.txt", NULL},
	                       {"info -c", NULL, "", 0, 0, NULL, NULL},
	                       {"status vgf-mf", NULL,
	                        "0 98304 raid raid1 2 AA 98304/98304 idle 0 0 -\n", 0, 0, NULL,
	                        NULL},
	                       {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       SCAN_RULES("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json"),
	                       RULE_END};
	struct script sc = {.rules = rules};
	struct lvm_scan s;
	struct lvm_plan *pl;
	struct jobrun jr;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL_FATAL(plex_check(&s, JOB_ADD_PLEX, 0, "/dev/vde", &pl, why, sizeof(why)),
	                      VDS_R_OK);
	run_job(pl, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_NO_SPACE);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(jr.msg,
	           "lvconvert: Insufficient free space: 66 extents needed, but only 63 available"));
	CU_ASSERT_EQUAL(script_at(&sc, "lvconvert -y --type raid1 -m 2 vgf/mf /dev/vde"), 0);
	CU_ASSERT(logged(&sc, SYNC_MF) < 0); /* no leg was added: no sync to wait for */
	CU_ASSERT(!pl->needs_repair);
	plan_free(pl);
	lvm_scan_free(&s);
}

static void
test_remove_plex(void)
{
	struct rule rules[] = {{"lvconvert ", NULL, NULL, 0, 1, NULL, "removing plex"},
	                       SCAN_RULES("ops-vgs.json", "ops-pvs.json", "ops-lvs-1leg.json"),
	                       RULE_END};
	struct script sc = {.rules = rules};
	struct lvm_scan s;
	struct lvm_plan *pl;
	struct job_outputs out;
	struct jobrun jr;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL_FATAL(plex_check(&s, JOB_REMOVE_PLEX, 2, NULL, &pl, why, sizeof(why)),
	                      VDS_R_OK);
	run_job(pl, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_OK);
	/* the leg on vdd goes: -m counts the legs beyond the first */
	CU_ASSERT_EQUAL(script_at(&sc, "lvconvert -y -m 0 vgf/mf /dev/vdd"), 0);
	CU_ASSERT(logged(&sc, "lv_name,sync_percent") < 0);
	CU_ASSERT(script_at(&sc, "status vgf-mf") < 0);
	CU_ASSERT(progressed(&jr, "5 removing plex"));
	commit_outputs(pl, &out);
	CU_ASSERT_EQUAL(out.plex, 0);
	CU_ASSERT_PTR_NULL(plex("lvm:vgf/mf#2"));
	CU_ASSERT_STRING_EQUAL(plex("lvm:vgf/mf#1")->devices, "vdc");
	plan_free(pl);
	lvm_scan_free(&s);
}

/* Of a degraded mirror (vdc gone): its one healthy leg stays, the dead one is repaired. */
static void
test_remove_plex_refused(void)
{
	struct lvm_scan s;
	struct lvm_plan *pl;
	char why[256];

	publish("ops-vgs-missing.json", "ops-pvs-missing.json", "ops-lvs-degraded.json", &s);
	CU_ASSERT_EQUAL(plex("lvm:vgf/mf#1")->health, INV_H_FAILED);
	CU_ASSERT_EQUAL(plex("lvm:vgf/mf#2")->health, INV_H_HEALTHY);
	CU_ASSERT_EQUAL(plex_check(&s, JOB_REMOVE_PLEX, 2, NULL, &pl, why, sizeof(why)),
	                VDS_R_IN_USE);
	CU_ASSERT_STRING_EQUAL(why, "plex 2 is the last healthy plex of mf");
	plan_free(pl);
	CU_ASSERT_EQUAL(plex_check(&s, JOB_REMOVE_PLEX, 1, NULL, &pl, why, sizeof(why)),
	                VDS_R_DEVICE_GONE);
	CU_ASSERT_STRING_EQUAL(why, "plex 1 has no disk lvm can name");
	plan_free(pl);
	CU_ASSERT_EQUAL(plex_check(&s, JOB_REPAIR_PLEX, 2, "/dev/vde", &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "plex 2 of mf is healthy: nothing to repair");
	plan_free(pl);
	lvm_scan_free(&s);
}

static void
test_repair_plex(void)
{
	struct script sc;
	struct lvm_scan s;
	struct lvm_plan *pl;
	struct job_outputs out;
	struct jobrun jr;
	char why[256];

	publish("ops-vgs-missing.json", "ops-pvs-missing.json", "ops-lvs-degraded.json", &s);
	CU_ASSERT_EQUAL_FATAL(plex_check(&s, JOB_REPAIR_PLEX, 1, "/dev/vde", &pl, why, sizeof(why)),
	                      VDS_R_OK);
	resync_job(pl, "repairing plex", "0 98304 raid raid1 2 AA 98304/98304 idle 0 0 -\n",
	           "ops-vgs-missing.json", "ops-pvs-missing.json", "ops-lvs-repaired.json", &sc,
	           &jr);
	CU_ASSERT_EQUAL(script_at(&sc, "lvconvert -y --repair vgf/mf /dev/vde"), 0);
	commit_outputs(pl, &out);
	CU_ASSERT_EQUAL(out.plex, plex("lvm:vgf/mf#1")->index);
	CU_ASSERT_STRING_EQUAL(plex("lvm:vgf/mf#1")->devices, "vde");
	CU_ASSERT_EQUAL(plex("lvm:vgf/mf#1")->health, INV_H_HEALTHY);
	plan_free(pl);
	lvm_scan_free(&s);
}

/* --------------------------------------------------------------- parity */

/* createVolume NAME (raid5 or raid6) on disks vdc..: lvcreate, its sync, dm-raid's word. */
static struct lvm_plan *
parity_job(const char *segtype, unsigned ndisks, const char *dm, const char *after,
           struct script *sc, struct jobrun *jr)
{
	struct lvm_plan *pl = plan_new(JOB_CREATE_VOLUME);
	unsigned parity = !strcmp(segtype, "raid6") ? 2 : 1;

	pl->cr = (struct lvm_create){.vg = "vgf",
	                             .segtype = segtype,
	                             .stripes = ndisks - parity,
	                             .parity = parity,
	                             .stripe_size = 65536,
	                             .npvs = ndisks};
	snprintf(pl->cr.name, sizeof(pl->cr.name), "r%c", segtype[4]);
	pl->cr.size = (uint64_t)(ndisks - parity) * 50331648;
	for (unsigned i = 0; i < ndisks; i++)
		snprintf(pl->cr.pvs[i], sizeof(pl->cr.pvs[i]), "/dev/vd%c", 'c' + i);
	snprintf(pl->lv, sizeof(pl->lv), "%s", pl->cr.name);
	pl->mirror = 1;
	sc->rules[3].text = dm;
	sc->rules[4].file = after;
	run_job(pl, sc, jr);
	return pl;
}

static void
test_create_parity(void)
{
	struct rule rules[] = {
	    {"lvcreate ", NULL, NULL, 0, 1, NULL, NULL},
	    {"lv_name,sync_percent vgf/r5", "ops-sync-r5-0.json", NULL, 0, 1, NULL, NULL},
	    {"lv_name,sync_percent vgf/r", "ops-sync-r5-100.json", NULL, 0, 0, NULL,
	     "synchronising plexes: 0.00%"},
	    {"status vgf-r", NULL, NULL, 0, 0, NULL, NULL},
	    {LVS_A, NULL, NULL, 0, 0, NULL, NULL},
	    RULE_END};
	struct script sc = {.rules = rules};
	struct lvm_plan *pl;
	struct jobrun jr;

	pl = parity_job("raid5", 3, "0 196608 raid raid5_ls 3 AAA 98304/98304 idle 0 0 -\n",
	                "ops-lvs-raid5.json", &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_OK);
	CU_ASSERT_EQUAL(script_at(&sc, "lvcreate -y -W n --type raid5 -i 2 -I 64k -L 100663296b "
	                               "-n r5 vgf /dev/vdc /dev/vdd /dev/vde"),
	                0);
	CU_ASSERT(progressed(&jr, "10 synchronising plexes: 0.00%"));
	CU_ASSERT(script_at(&sc, "status vgf-r5") > logged(&sc, "lv_name,sync_percent vgf/r5"));
	plan_free(pl);

	/* raid6 on five disks; its sync is over at once */
	sc = (struct script){.rules = rules};
	rules[0].uses = 1;
	rules[1].uses = -1;
	rules[2].seen = NULL;
	rules[2].file = "ops-sync-r6-100.json";
	pl = parity_job("raid6", 5, "0 294912 raid raid6_zr 5 AAAAA 98304/98304 idle 0 0 -\n",
	                "ops-lvs-raid6.json", &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_OK);
	CU_ASSERT_EQUAL(script_at(&sc, "lvcreate -y -W n --type raid6 -i 3 -I 64k -L 150994944b "
	                               "-n r6 vgf /dev/vdc /dev/vdd /dev/vde /dev/vdf /dev/vdg"),
	                0);
	CU_ASSERT(logged(&sc, "lv_name,sync_percent vgf/r6") > 0);
	plan_free(pl);

	/* md ends the sync with a device dead: the new volume is kept, the job fails */
	sc = (struct script){.rules = rules};
	rules[0].uses = 1;
	rules[2].file = "ops-sync-r5-100.json";
	pl = parity_job("raid5", 3, "0 196608 raid raid5_ls 3 ADA 98304/98304 idle 0 0 -\n",
	                "ops-lvs-raid5.json", &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_IO_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "vgf/r5 is degraded after its initial sync"));
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "dm-raid ADA"));
	CU_ASSERT(script_at(&sc, "lvremove") < 0);
	plan_free(pl);
}

/* ---------------------------------------------------------- replaceDisk */

static enum vds_result
replace_check(const struct lvm_scan *s, const char *from, const char *onto, struct lvm_plan **pl,
              char *why, size_t len)
{
	struct job_params p = {.type = JOB_REPLACE_DISK, .disk = disk(from)};

	if (onto)
		p.disks[p.ndisks++] = disk(onto);
	*pl = plan_new(JOB_REPLACE_DISK);
	why[0] = '\0';
	return lvm_pack_check(s, NULL, &p, *pl, why, len);
}

static void
test_replace_disk(void)
{
	struct rule rules[] = {
	    {"lv_name,sync_percent vgf/pvmove0", "ops-sync-pvmove-42.json", NULL, 0, 1, NULL, NULL},
	    {"lv_name,sync_percent vgf/pvmove0", "ops-sync-pvmove-87.json", NULL, 0, 0, NULL,
	     "moving extents: 42.50%"},
	    {"pvmove --atomic", "ops-pvmove-out.txt", NULL, 0, 1, NULL, "moving extents: 87.25%"},
	    {"vgreduce ", NULL, NULL, 0, 1, NULL, "removing disk from pack"},
	    SCAN_RULES("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json"),
	    RULE_END};
	struct script sc = {.rules = rules};
	struct lvm_scan s;
	struct lvm_plan *pl;
	struct job_outputs out;
	struct jobrun jr;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL_FATAL(replace_check(&s, "/dev/vdc", "/dev/vde", &pl, why, sizeof(why)),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL(pl->size, 13 * 4194304ULL); /* the extents in use on vdc */
	run_job(pl, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_OK);
	CU_ASSERT(script_at(&sc, "pvmove --atomic /dev/vdc /dev/vde") >= 0);
	CU_ASSERT(script_at(&sc, "vgreduce vgf /dev/vdc") >
	          script_at(&sc, "pvmove --atomic /dev/vdc /dev/vde"));
	CU_ASSERT(script_at(&sc, "pvmove --abort /dev/vdc") < 0);
	CU_ASSERT(progressed(&jr, "42 moving extents: 42.50%"));
	CU_ASSERT(progressed(&jr, "82 moving extents: 87.25%"));
	CU_ASSERT(progressed(&jr, "95 removing disk from pack"));
	commit_outputs(pl, &out);
	CU_ASSERT_EQUAL(out.plex + out.recovered + out.lost, 0);
	CU_ASSERT_STRING_EQUAL(out.details, "");
	plan_free(pl);
	lvm_scan_free(&s);
}

static void
test_replace_disk_refused(void)
{
	struct lvm_scan s;
	struct lvm_plan *pl;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL(replace_check(&s, "/dev/vdc", "/dev/vdb", &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "disk /dev/vdb is not in pack vgf");
	plan_free(pl);
	CU_ASSERT_EQUAL(replace_check(&s, "/dev/vdc", "/dev/vdf", &pl, why, sizeof(why)),
	                VDS_R_NOT_FOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "is no disk of pack vgf"));
	plan_free(pl);
	CU_ASSERT_EQUAL(replace_check(&s, "/dev/vdc", "/dev/vdc", &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	plan_free(pl);
	CU_ASSERT_EQUAL(replace_check(&s, "/dev/vdf", NULL, &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "disk /dev/vdf is in no pack");
	plan_free(pl);
	lvm_scan_free(&s);
	/* with a disk of the pack missing, the pack is recovered first */
	publish("ops-vgs-missing.json", "ops-pvs-missing.json", "ops-lvs-degraded.json", &s);
	CU_ASSERT_EQUAL(replace_check(&s, "/dev/vdd", NULL, &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "pack vgf has a missing disk: run recoverPack first");
	plan_free(pl);
	lvm_scan_free(&s);
}

static enum vds_result
clean_check(const struct lvm_scan *s, const struct vds_conf *conf, const char *dev,
            struct lvm_plan **pl, char *why, size_t len)
{
	struct job_params p = {.type = JOB_CLEAN, .disk = disk(dev)};

	*pl = plan_new(JOB_CLEAN);
	why[0] = '\0';
	return lvm_pack_check(s, conf, &p, *pl, why, len);
}

/*
 * clean of a disk in a volume group: only an empty one, out of its group
 * (vgreduce; vgremove when it is the last disk).  Checks only: the run
 * wipes the disk for real, which the VM lane tests (guest-lvm.sh) on its
 * own disks, never on this machine's.
 */
static void
test_clean_check(void)
{
	struct vds_conf conf;
	struct lvm_scan s;
	struct lvm_plan *pl;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL(clean_check(&s, NULL, "/dev/vdc", &pl, why, sizeof(why)), VDS_R_NOT_EMPTY);
	CU_ASSERT_STRING_EQUAL(why, "/dev/vdc holds 52 MiB of volumes of pack vgf: move them off "
	                            "(replaceDisk) or delete them first");
	plan_free(pl);
	CU_ASSERT_EQUAL(clean_check(&s, NULL, "/dev/vde", &pl, why, sizeof(why)), VDS_R_OK);
	CU_ASSERT_STRING_EQUAL(pl->vg, "vgf");
	CU_ASSERT_STRING_EQUAL(pl->pv, "/dev/vde");
	CU_ASSERT_EQUAL(pl->remove_vg, 0); /* vdc and vdd stay in vgf */
	plan_free(pl);
	CU_ASSERT_EQUAL(clean_check(&s, NULL, "/dev/vdb", &pl, why, sizeof(why)), VDS_R_OK);
	CU_ASSERT_EQUAL(pl->remove_vg, 1); /* vgo's only disk: the group goes */
	plan_free(pl);
	CU_ASSERT_EQUAL(clean_check(&s, NULL, "/dev/vdf", &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "disk /dev/vdf is in no pack");
	plan_free(pl);
	conf_defaults(&conf); /* no allowDevice: nothing may be written */
	CU_ASSERT_EQUAL(clean_check(&s, &conf, "/dev/vde", &pl, why, sizeof(why)),
	                VDS_R_NOT_ALLOWED);
	plan_free(pl);
	conf_free(&conf);
	lvm_scan_free(&s);
	publish("ops-vgs-missing.json", "ops-pvs-missing.json", "ops-lvs-degraded.json", &s);
	CU_ASSERT_EQUAL(clean_check(&s, NULL, "/dev/vde", &pl, why, sizeof(why)),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_STRING_EQUAL(why, "pack vgf has a missing disk: run recoverPack first");
	plan_free(pl);
	lvm_scan_free(&s);
}

/* pvmove fails: pvmove --abort, no vgreduce; the result from its stderr. */
static void
test_replace_disk_fails(void)
{
	struct rule rules[] = {
	    {"lv_name,sync_percent vgf/pvmove0", NULL, NULL, 5, 0, "err-nolv.txt", NULL},
	    {"pvmove --atomic", NULL, NULL, 5, 1, "err-pvmove-nospace.txt", NULL},
	    {"pvmove --abort", NULL, NULL, 0, 1, NULL, NULL},
	    SCAN_RULES("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json"),
	    RULE_END};
	struct script sc = {.rules = rules};
	struct lvm_scan s;
	struct lvm_plan *pl;
	struct jobrun jr;
	char why[256];

	publish("ops-vgs.json", "ops-pvs.json", "ops-lvs-2legs.json", &s);
	CU_ASSERT_EQUAL_FATAL(replace_check(&s, "/dev/vdc", NULL, &pl, why, sizeof(why)), VDS_R_OK);
	run_job(pl, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_NO_SPACE);
	CU_ASSERT_STRING_EQUAL(jr.msg,
	                       "pvmove: Insufficient free space: 13 extents needed, but only 0 "
	                       "available: pvmove --abort put every extent back on /dev/vdc, "
	                       "which stays in pack vgf");
	/* onto every other disk of the pack, as none were given */
	CU_ASSERT(script_at(&sc, "pvmove --atomic /dev/vdc /dev/vdd /dev/vde") >= 0);
	CU_ASSERT(script_at(&sc, "pvmove --abort /dev/vdc") >
	          script_at(&sc, "pvmove --atomic /dev/vdc /dev/vdd /dev/vde"));
	CU_ASSERT_PTR_NULL(strstr(sc.log, "vgreduce"));
	plan_free(pl);
	lvm_scan_free(&s);
}

/* ---------------------------------------------------------- recoverPack */

/* recoverPack of vgf (vdd gone): mf and r5 rebuilt, lin lost, keep untouched. */
static struct lvm_plan *
recover_job(int consent, struct rule *rules, struct script *sc, struct jobrun *jr)
{
	struct job_params p = {.type = JOB_RECOVER_PACK, .allow_data_loss = consent};
	const struct inv_pack *pk;
	struct lvm_scan s;
	struct lvm_plan *pl = plan_new(JOB_RECOVER_PACK);
	char why[256];

	publish("ops-vgs-recover.json", "ops-pvs-recover.json", "ops-lvs-recover.json", &s);
	pk = inv_by_key(INV_PACK, "lvm:vgf");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pk);
	CU_ASSERT_EQUAL(pk->health, INV_H_DEGRADED);
	p.pack = pk->index;
	CU_ASSERT_EQUAL_FATAL(lvm_pack_check(&s, NULL, &p, pl, why, sizeof(why)), VDS_R_OK);
	lvm_scan_free(&s);
	*sc = (struct script){.rules = rules};
	run_job(pl, sc, jr);
	return pl;
}

#define RECOVER_RULES(reduce, repair_status, repair_err)                                             \
	{                                                                                            \
		{"lvconvert -y --repair vgf/mf", NULL, NULL, repair_status, 1, repair_err, NULL},    \
		    {"lvconvert -y --repair vgf/r5", NULL, NULL, 0, 1, NULL, NULL},                  \
		    {SYNC_MF, "ops-sync-42.json", NULL, 0, 1, NULL, NULL},                           \
		    {SYNC_MF, "sync-mf-100.json", NULL, 0, 0, NULL, "rebuilding vgf/mf: 42.50%"},    \
		    {"lv_name,sync_percent vgf/r5", "ops-sync-r5-100.json", NULL, 0, 0, NULL, NULL}, \
		    {"vgreduce --removemissing", NULL, NULL, reduce, 1, NULL,                        \
		     "removing lost disks"},                                                         \
		    {LVS_A, "ops-lvs-recover.json", NULL, 0, 0, NULL, NULL},                         \
		    {VGS_A, "ops-vgs-recover.json", NULL, 0, 0, NULL, NULL},                         \
		    {PVS_A, "ops-pvs-recover.json", NULL, 0, 0, NULL, NULL}, RULE_END                \
	}

static void
test_recover_pack(void)
{
	struct rule rules[] = RECOVER_RULES(0, 0, NULL), again[] = RECOVER_RULES(0, 0, NULL);
	struct script sc;
	struct lvm_plan *pl;
	struct job_outputs out;
	struct jobrun jr;
	long mf, r5;

	/* no consent: the lost volume keeps its missing disk, vgreduce does not run */
	pl = recover_job(0, rules, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_OK);
	mf = script_at(&sc, "lvconvert -y --repair vgf/mf");
	r5 = script_at(&sc, "lvconvert -y --repair vgf/r5");
	CU_ASSERT(mf >= 0 && r5 > mf); /* a degraded raid5 is rebuilt too */
	CU_ASSERT(logged(&sc, SYNC_MF) > mf && logged(&sc, SYNC_MF) < r5);
	CU_ASSERT(script_at(&sc, "lvconvert -y --repair vgf/lin") < 0);
	CU_ASSERT(script_at(&sc, "lvconvert -y --repair vgf/keep") < 0);
	CU_ASSERT_PTR_NULL(strstr(sc.log, "vgreduce"));
	CU_ASSERT(progressed(&jr, "49 rebuilding vgf/mf: 42.50%"));
	commit_outputs(pl, &out);
	CU_ASSERT_EQUAL(out.recovered, 3); /* mf, r5 rebuilt; keep never damaged */
	CU_ASSERT_EQUAL(out.lost, 1);
	CU_ASSERT_STRING_EQUAL(out.details, "lost, kept with the missing disks: vgf/lin");
	plan_free(pl);

	/* with consent: vgreduce --removemissing --force, last */
	pl = recover_job(1, again, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_OK);
	r5 = script_at(&sc, "lvconvert -y --repair vgf/r5");
	CU_ASSERT(r5 >= 0 && script_at(&sc, "vgreduce --removemissing --force vgf") > r5);
	CU_ASSERT(progressed(&jr, "90 removing lost disks"));
	commit_outputs(pl, &out);
	CU_ASSERT_EQUAL(out.recovered, 3);
	CU_ASSERT_EQUAL(out.lost, 1);
	CU_ASSERT_STRING_EQUAL(out.details, "lost and removed: vgf/lin");
	plan_free(pl);
}

/* lvconvert --repair fails: the job fails with its reason, nothing is removed. */
static void
test_recover_pack_fails(void)
{
	struct rule rules[] = RECOVER_RULES(0, 5, "err-repair.txt");
	struct script sc;
	struct lvm_plan *pl;
	struct jobrun jr;

	pl = recover_job(1, rules, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_NO_SPACE);
	CU_ASSERT_STRING_EQUAL(jr.msg, "cannot rebuild vgf/mf (lvconvert: Insufficient suitable "
	                               "allocatable extents for logical volume mf: 13 more "
	                               "required): no disk left the pack");
	CU_ASSERT_PTR_NULL(strstr(sc.log, "vgreduce"));
	CU_ASSERT(script_at(&sc, "lvconvert -y --repair vgf/r5") < 0);
	plan_free(pl);
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("lvm plex and pack jobs", lvm_model_init, lvm_model_fini);
	CU_add_test(s, "addVolumePlex", test_add_plex);
	CU_add_test(s, "addVolumePlex refused", test_add_plex_refused);
	CU_add_test(s, "addVolumePlex: lvconvert fails", test_add_plex_tool_fails);
	CU_add_test(s, "removeVolumePlex", test_remove_plex);
	CU_add_test(s, "removeVolumePlex and repairVolumePlex refused", test_remove_plex_refused);
	CU_add_test(s, "repairVolumePlex", test_repair_plex);
	CU_add_test(s, "createVolume raid5 and raid6", test_create_parity);
	CU_add_test(s, "replaceDisk", test_replace_disk);
	CU_add_test(s, "replaceDisk refused", test_replace_disk_refused);
	CU_add_test(s, "replaceDisk: pvmove fails", test_replace_disk_fails);
	CU_add_test(s, "clean of a disk in a volume group: checks", test_clean_check);
	CU_add_test(s, "recoverPack", test_recover_pack);
	CU_add_test(s, "recoverPack: lvconvert --repair fails", test_recover_pack_fails);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
