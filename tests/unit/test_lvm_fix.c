/* SPDX-License-Identifier: ISC */
/*
 * test_lvm_fix.c - recovery after lvconvert --splitmirrors was killed, on
 * a real worker with the tools answered from outputs recorded in the VM
 * lane right after such a kill (tests/unit/lvm/kill-*: dmsetup info and
 * lvs JSON of LVM 2.03.16 on Linux 6.1, the split of vgf/mf into mfb
 * killed by strace's fault injection at a chosen ioctl):
 *  - before LVM committed the split (4 devices suspended, tables loaded):
 *    the loaded tables are dropped and the devices resumed, leaves first,
 *    the mirror stays;
 *  - after the commit, before the rename of the split plex: the loaded
 *    tables go live, the leftovers LVM listed are removed, the plex's
 *    device under its old name goes, the new volume is activated;
 *  - the older cases: a half split rolled back from LVM's archive, or left
 *    "NEEDS REPAIR" when there is none, and a mirror whose kernel table is
 *    not dm-raid reloaded;
 *  - addVolumePlex with lvconvert killed after it made the new leg's
 *    images (tests/unit/lvm/addkill-*: the state the lane's guest-plex
 *    kill at the last suspend left, "mf_rimage_1 already exists" at the
 *    next try, written in lvm2 2.03.16's JSON layout): the images go,
 *    and the kernel device made for image 0 that no LV stands for ("create
 *    ioctl ... busy" at the next try); an LV of another name stays.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm/lvm_json.h"
#include "lvmscript.h"

/* breakVolumePlex vgf/mf plex 2 -> mfb with lvconvert killed; *needs_repair from the plan. */
static void
split_job(struct script *sc, struct jobrun *jr, int *needs_repair)
{
	struct lvm_plan *pl = plan_new(JOB_BREAK_PLEX);

	snprintf(pl->newname, sizeof(pl->newname), "mfb");
	snprintf(pl->pv, sizeof(pl->pv), "/dev/vdd");
	run_job(pl, sc, jr);
	CU_ASSERT_EQUAL(jr->r, VDS_R_TOOL_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr->msg, "the tool was killed by signal 9"));
	CU_ASSERT_PTR_NULL(strstr(jr->msg, "SUSPENDED"));
	CU_ASSERT(script_at(sc, "vgmknodes vgf") >= 0);
	CU_ASSERT(script_at(sc, "vgck vgf") > script_at(sc, "vgmknodes vgf"));
	*needs_repair = pl->needs_repair;
	plan_free(pl);
}

/* The recorded dmsetup info: flags, what each device uses, vg's devices only. */
static void
test_dminfo(void)
{
	char *info = fixture("kill-back-dminfo0.txt"), name[64];
	struct lvm_dm dm[16];
	size_t n = lvm_dm_list(info, "vgf", dm, 16), top = n;

	CU_ASSERT_EQUAL_FATAL(n, 5);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(dm[i].name, "vgf-mf"))
			top = i;
	CU_ASSERT_FATAL(top < n);
	CU_ASSERT(dm[top].suspended && dm[top].inactive);
	CU_ASSERT(lvm_dm_uses(&dm[top], "vgf-mf_rimage_1"));
	CU_ASSERT(lvm_dm_uses(&dm[top], "vgf-mf_rmeta_0"));
	CU_ASSERT(!lvm_dm_uses(&dm[top], "vgf-mf_rmeta"));
	CU_ASSERT(!lvm_dm_uses(&dm[top], "vgf-mf"));
	CU_ASSERT_EQUAL(lvm_dm_list(info, "vgf-x", dm, 16), 0);
	lvm_dm_name("vg-a", "lv-b_rimage_0", name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(name, "vg--a-lv--b_rimage_0");
	free(info);
}

/* addVolumePlex killed once the new leg's images existed as LVs of their own. */
static void
test_add_plex_leftovers(void)
{
	struct rule rules[] = {{"lvconvert ", NULL, NULL, 128 + 9, 1, NULL, NULL},
	                       {"info -c", NULL,
	                        "vgf-mf:L--w:0:\nvgf-mf_rimage_1:L--w:0:\nvgf-mf_rmeta_1:L--w:0:\n"
	                        "vgf-mfdata:L--w:0:\nvgf-mf_rimage_0:L--w:0:\n",
	                        0, 0, NULL, NULL},
	                       {LVS_A, "addkill-lvs0.json", NULL, 0, 2, NULL, NULL},
	                       {LVS_A, "addkill-lvs1.json", NULL, 0, 0, NULL, NULL},
	                       {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"lvremove -f vgf/mf_rimage_1", NULL, NULL, 0, 1, NULL, NULL},
	                       {"lvremove -f vgf/mf_rmeta_1", NULL, NULL, 0, 1, NULL, NULL},
	                       {"remove vgf-mf_rimage_0", NULL, NULL, 0, 1, NULL, NULL},
	                       {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {NULL, NULL, NULL, 0, 0, NULL, NULL}};
	struct script sc = {.rules = rules};
	struct lvm_plan *pl = plan_new(JOB_ADD_PLEX);
	struct jobrun jr;

	pl->cr.mirrors = 1;
	snprintf(pl->cr.pvs[pl->cr.npvs++], LVM_DEV_LEN, "/dev/vdd");
	run_job(pl, &sc, &jr);
	CU_ASSERT_EQUAL(jr.r, VDS_R_TOOL_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "the tool was killed by signal 9"));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(jr.msg, "removed 2 leftover volumes of the change (mf_rimage_1,mf_rmeta_1)"));
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf_rimage_1") >= 0);
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf_rmeta_1") >= 0);
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mfdata") < 0); /* not the change's */
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf") < 0);
	/* the kernel device made for the linear volume's image 0, which no LV stands for */
	CU_ASSERT(script_at(&sc, "remove vgf-mf_rimage_0") >= 0);
	CU_ASSERT(script_at(&sc, "remove vgf-mfdata") < 0);
	CU_ASSERT(script_at(&sc, "remove vgf-mf") < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "1 stale dm devices removed"));
	CU_ASSERT(script_at(&sc, "vgck vgf") > script_at(&sc, "lvremove -f vgf/mf_rmeta_1"));
	CU_ASSERT(!pl->needs_repair);
	plan_free(pl);
}

/* Killed with four devices suspended, before the commit: back to the mirror. */
static void
test_killed_before_commit(void)
{
	struct rule rules[] = {{"lvconvert ", NULL, NULL, 128 + 9, 1, NULL, NULL},
	                       {"info -c", "kill-back-dminfo0.txt", NULL, 0, 1, NULL, NULL},
	                       {"info -c", "kill-back-dminfo1.txt", NULL, 0, 0, NULL, NULL},
	                       {"clear vgf-", NULL, NULL, 0, 0, NULL, NULL},
	                       {"resume vgf-", NULL, NULL, 0, 0, NULL, NULL},
	                       {LVS_A, "kill-back-lvs0.json", NULL, 0, 0, NULL, NULL},
	                       {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"status vgf-mf", NULL,
	                        "0 98304 raid raid1 2 AA 98304/98304 idle 0 0 -\n", 0, 0, NULL,
	                        NULL},
	                       {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {NULL, NULL, NULL, 0, 0, NULL, NULL}};
	struct script sc = {.rules = rules};
	struct jobrun jr;
	int repair;

	split_job(&sc, &jr, &repair);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "change not committed: 2 dm tables dropped, "
	                                      "4 devices resumed; the mirror is unchanged"));
	CU_ASSERT(!repair);
	/*
	 * Leaves first, each settled before what uses it: a leg's loaded table
	 * dropped before it resumes; the top device's loaded table dropped only
	 * once its suspended legs are live (clearing it over a suspended leg
	 * blocked in the kernel for the tool's whole time limit), then resumed.
	 */
	CU_ASSERT(script_at(&sc, "clear vgf-mf_rimage_0") >= 0);
	CU_ASSERT(script_at(&sc, "clear vgf-mf_rimage_0") <
	          script_at(&sc, "resume vgf-mf_rimage_0"));
	CU_ASSERT(script_at(&sc, "clear vgf-mf") >= 0);
	CU_ASSERT(script_at(&sc, "resume vgf-mf_rimage_0") < script_at(&sc, "clear vgf-mf"));
	CU_ASSERT(script_at(&sc, "resume vgf-mf_rimage_1") < script_at(&sc, "clear vgf-mf"));
	CU_ASSERT(script_at(&sc, "resume vgf-mf_rmeta_1") < script_at(&sc, "clear vgf-mf"));
	CU_ASSERT(script_at(&sc, "clear vgf-mf") < script_at(&sc, "resume vgf-mf"));
	CU_ASSERT(script_at(&sc, "resume vgf-mf_rmeta_0") < 0); /* it was not suspended */
	CU_ASSERT(script_at(&sc, "vgcfgrestore -y") < 0);
	CU_ASSERT(script_at(&sc, "lvremove") < 0);
}

/* Killed after the commit, before the plex's device got its new name: finished. */
static void
test_killed_after_commit(void)
{
	struct rule rules[] = {{"lvconvert ", NULL, NULL, 128 + 9, 1, NULL, NULL},
	                       {"info -c", "kill-fwd-dminfo0.txt", NULL, 0, 1, NULL, NULL},
	                       {"info -c", "kill-fwd-dminfo1.txt", NULL, 0, 0, NULL, NULL},
	                       {"resume vgf-", NULL, NULL, 0, 0, NULL, NULL},
	                       {LVS_A, "kill-fwd-lvs0.json", NULL, 0, 2, NULL, NULL},
	                       {LVS_A, "lvs-split-done.json", NULL, 0, 0, NULL, NULL},
	                       {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"lvremove -f vgf/mf_", NULL, NULL, 0, 3, NULL, NULL},
	                       {"remove vgf-mf_", NULL, NULL, 0, 0, NULL, NULL},
	                       {"lvchange -ay vgf/mfb", NULL, NULL, 0, 1, NULL, NULL},
	                       {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {NULL, NULL, NULL, 0, 0, NULL, NULL}};
	struct script sc = {.rules = rules};
	struct jobrun jr;
	int repair;

	split_job(&sc, &jr, &repair);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(jr.msg, "change committed: 0 dm tables dropped, 5 devices resumed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "finished the split (removed 3 leftover volumes)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "the split completed"));
	CU_ASSERT(!repair);
	CU_ASSERT(script_at(&sc, "clear vgf-mf") < 0);
	/* the loaded tables go live leaves first: the top device's linear table last */
	CU_ASSERT(script_at(&sc, "resume vgf-mf_rimage_0") < script_at(&sc, "resume vgf-mf"));
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf_rimage_0") >= 0);
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf_rmeta_0") >= 0);
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf_rmeta_1_extracted") >= 0);
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mf") < 0);
	CU_ASSERT(script_at(&sc, "lvremove -f vgf/mfb") < 0);
	/* the plex's device under its old name (LVM was killed before the rename) goes first */
	CU_ASSERT(script_at(&sc, "remove vgf-mf_rimage_1") >= 0);
	CU_ASSERT(script_at(&sc, "remove vgf-mf_rimage_1") <
	          script_at(&sc, "lvchange -ay vgf/mfb"));
	CU_ASSERT(script_at(&sc, "remove vgf-mf") < 0);
	CU_ASSERT(script_at(&sc, "vgcfgrestore -y") < 0);
}

/* A half split LVM cannot finish (the volume is still a mirror): rolled back from the archive. */
static void
test_killed_rollback(void)
{
	struct rule rules[] = {{"lvconvert ", NULL, NULL, 128 + 9, 1, NULL, NULL},
	                       {"info -c", "kill-back-dminfo1.txt", NULL, 0, 0, NULL, NULL},
	                       {LVS_A, "lvs-half-split.json", NULL, 0, 2, NULL, NULL},
	                       {LVS_A, "lvs-mirror-ok.json", NULL, 0, 0, NULL, NULL},
	                       {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"lvchange -ay vgf/mf", NULL, NULL, 0, 1, NULL, NULL},
	                       {"vgcfgrestore --list vgf", "cfglist.txt", NULL, 0, 0, NULL, NULL},
	                       {"vgcfgrestore -y -f /etc/lvm/archive/vgf_00012-166293104.vg vgf",
	                        NULL, NULL, 0, 1, NULL, NULL},
	                       {"status vgf-mf", NULL,
	                        "0 98304 raid raid1 2 AA 98304/98304 resync 0 0 -\n", 0, 0, NULL,
	                        NULL},
	                       {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	                       {NULL, NULL, NULL, 0, 0, NULL, NULL}};
	struct script sc = {.rules = rules};
	struct jobrun jr;
	int repair;

	split_job(&sc, &jr, &repair);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "rolled back to vgf_00012-166293104.vg"));
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "the mirror is unchanged"));
	CU_ASSERT_PTR_NULL(strstr(jr.msg, "REPAIR"));
	CU_ASSERT(!repair);
	CU_ASSERT(script_at(&sc, "lvremove") < 0); /* a mirror is not finished */
}

/* No archive to roll back to: consistent, nothing suspended, NEEDS REPAIR said. */
static void
test_killed_no_archive(void)
{
	struct rule rules[] = {
	    {"lvconvert ", NULL, NULL, 128 + 9, 1, NULL, NULL},
	    {"info -c", "kill-back-dminfo1.txt", NULL, 0, 0, NULL, NULL},
	    {LVS_A, "lvs-half-split.json", NULL, 0, 0, NULL, NULL},
	    {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	    {"vgcfgrestore --list vgf", NULL, "", 0, 0, NULL, NULL},
	    {"status vgf-mf", NULL, "0 98304 linear 254:2 0\n", 0, 0, NULL, NULL},
	    {"lvchange -an vgf/mf", NULL, NULL, 5, 0, NULL, NULL},
	    {"lvchange -ay vgf/mfb", NULL, NULL, 0, 0, NULL, NULL},
	    {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	    {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	    {NULL, NULL, NULL, 0, 0, NULL, NULL}};
	struct script sc = {.rules = rules};
	struct jobrun jr;
	int repair;

	split_job(&sc, &jr, &repair);
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    jr.msg,
	    "half split: NEEDS REPAIR (vgf/mf: mf_rimage_0,mf_rmeta_0,mf_rmeta_1_extracted)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "; kernel table is not the mirror"));
	CU_ASSERT(repair);
	CU_ASSERT(script_at(&sc, "vgcfgrestore -y") < 0);
	CU_ASSERT(script_at(&sc, "lvremove") < 0);
}

/* The metadata says mirror, the kernel has another table: reactivated. */
static void
test_killed_reload(void)
{
	struct rule rules[] = {
	    {"lvconvert ", NULL, NULL, 128 + 9, 1, NULL, NULL},
	    {"info -c", "kill-back-dminfo1.txt", NULL, 0, 0, NULL, NULL},
	    {LVS_A, "lvs-mirror-ok.json", NULL, 0, 0, NULL, NULL},
	    {"lvchange --refresh vgf/mf", NULL, NULL, 0, 0, NULL, NULL},
	    {"status vgf-mf", NULL, "0 98304 linear 254:2 0\n", 0, 1, NULL, NULL},
	    {"status vgf-mf", NULL, "0 98304 raid raid1 2 AA 98304/98304 idle 0 0 -\n", 0, 0, NULL,
	     NULL},
	    {"lvchange -an vgf/mf", NULL, NULL, 0, 1, NULL, NULL},
	    {"lvchange -ay vgf/mf", NULL, NULL, 0, 1, NULL, NULL},
	    {"vgmknodes vgf", NULL, NULL, 0, 0, NULL, NULL},
	    {"vgck vgf", NULL, NULL, 0, 0, NULL, NULL},
	    {NULL, NULL, NULL, 0, 0, NULL, NULL}};
	struct script sc = {.rules = rules};
	struct jobrun jr;
	int repair;

	split_job(&sc, &jr, &repair);
	CU_ASSERT_PTR_NOT_NULL(strstr(jr.msg, "; reactivated vgf/mf; the mirror is unchanged"));
	CU_ASSERT(!repair);
	CU_ASSERT(script_at(&sc, "vgcfgrestore -y") < 0);
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("lvm recovery", NULL, NULL);
	CU_add_test(s, "dmsetup info: flags and dependencies", test_dminfo);
	CU_add_test(s, "split killed before the commit", test_killed_before_commit);
	CU_add_test(s, "split killed after the commit", test_killed_after_commit);
	CU_add_test(s, "half split rolled back", test_killed_rollback);
	CU_add_test(s, "half split, no archive", test_killed_no_archive);
	CU_add_test(s, "mirror table reloaded", test_killed_reload);
	CU_add_test(s, "add plex killed: leftover images removed", test_add_plex_leftovers);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
