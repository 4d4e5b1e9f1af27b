/* SPDX-License-Identifier: ISC */
/*
 * test_lvm_disk.c - the lvm provider on real disks: the provider contract
 * suite for volume providers, on a volume group "vdsct" this test makes on
 * the disks $VDS_TEST_DISKS names (a,b,...: two or more whole disks, which
 * it wipes) and removes again at exit.  Runs in the VM lane (real
 * device-mapper, tests/vm/guest-all.sh); skipped elsewhere.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "contract.h"
#include "log.h"
#include "lvm/lvm.h"
#include "model.h"
#include "testutil.h"

#define LD_VG  "vdsct"
#define LD_LVM "lvm %s --config '" LVM_CONF "' "
#define LVM_CONF                                                                                   \
	"activation { udev_sync=0 udev_rules=0 } devices { obtain_device_list_from_udev=0 }"

static char disks[512]; /* the disks, space-separated */
static char tdir[64];
static struct vds_conf conf;
static int vg_made;

static void
quiet(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

/* VDS_TEST_DISKS as a checked, space-separated list; the number of disks. */
static int
ld_disks(void)
{
	const char *l = getenv("VDS_TEST_DISKS");
	size_t n = 0;
	int count = 0;

	for (; l && *l && n + 2 < sizeof(disks); l++) {
		if (*l == ',') {
			disks[n++] = ' ';
			continue;
		}
		if (!strchr("/abcdefghijklmnopqrstuvwxyz0123456789_-", *l))
			return 0;
		if (n == 0 || disks[n - 1] == ' ')
			count++;
		disks[n++] = *l;
	}
	disks[n] = '\0';
	return count;
}

static void
ld_cleanup(void)
{
	if (!vg_made)
		return;
	sh(LD_LVM "-qf " LD_VG " >/dev/null 2>&1", "vgremove");
	sh(LD_LVM "-qf %s >/dev/null 2>&1", "pvremove", disks);
	vg_made = 0;
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
env_setup(void **state)
{
	snprintf(tdir, sizeof(tdir), "/tmp/vdsd-test-lvm.XXXXXX");
	if (!mkdtemp(tdir))
		return -1;
	conf_defaults(&conf);
	free(conf.state_dir);
	conf.state_dir = strdup(tdir);
	strlist_add(&conf.providers, "lvm");
	if (inv_init(tdir) < 0)
		return -1;
	return lvm_provider.init(&conf, state);
}

/* Undo what a test left: every volume in the test's volume group. */
static void
env_teardown(void *state)
{
	lvm_provider.fini(state);
	inv_shutdown();
	conf_free(&conf);
	nftw(tdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	CU_ASSERT_EQUAL(sh(LD_LVM LD_VG " >/dev/null 2>&1", "vgck"), 0);
	sh(LD_LVM "-qf " LD_VG " >/dev/null 2>&1", "lvremove");
}

static const struct contract_env env = {env_setup, env_teardown};

int
main(void)
{
	unsigned failed;

	if (ld_disks() < 2 || geteuid() != 0 || sh("lvm version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_lvm_disk: SKIP: needs root, lvm2 and two real disks in "
		                "VDS_TEST_DISKS (the VM lane, tests/vm/guest-all.sh, runs it)\n");
		return 77;
	}
	atexit(ld_cleanup);
	vg_made = 1;
	if (sh("wipefs -qaf %s && " LD_LVM "-qy %s >/dev/null && " LD_LVM "-q " LD_VG " %s", disks,
	       "pvcreate", disks, "vgcreate", disks) != 0) {
		fprintf(stderr, "test_lvm_disk: cannot make volume group " LD_VG " on %s\n", disks);
		return 1;
	}
	log_set_sink(getenv("VDS_TEST_LOG") ? NULL : quiet);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	contract_add_volume_suite(&lvm_provider, &env);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
