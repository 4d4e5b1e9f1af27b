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
#include "sim.h"

#define MIB 1048576ULL
#define GIB (1024 * MIB)

static char dir[64];
static struct vds_conf conf;
static void *sim;

static void
quiet(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Open the inventory and start sim over dir (created by fresh_dir). */
static int
sim_up(unsigned job_ms, const char *extra_provider)
{
	conf_defaults(&conf);
	free(conf.state_dir);
	conf.state_dir = strdup(dir);
	conf.sim_job_ms = job_ms;
	strlist_add(&conf.providers, "sim");
	if (extra_provider)
		strlist_add(&conf.providers, extra_provider);
	if (inv_init(dir) < 0)
		return -1;
	return sim_provider.init(&conf, &sim);
}

static void
sim_down(void)
{
	sim_provider.fini(sim);
	sim = NULL;
	inv_shutdown();
	conf_free(&conf);
}

static void
fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-sim.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static void
drop_dir(void)
{
	nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static void
up(unsigned job_ms)
{
	fresh_dir();
	CU_ASSERT_EQUAL_FATAL(sim_up(job_ms, NULL), 0);
}

static void
down(void)
{
	sim_down();
	drop_dir();
}

static uint32_t
idx(enum inv_class cls, const char *key)
{
	const void *row = cls == INV_DISK ? (const void *)inv_disk_by_key(key) : inv_by_key(cls, key);

	return row ? *(const uint32_t *)row : 0;
}

static const struct inv_part *
part_of(const char *diskkey, uint32_t number)
{
	const struct inv_disk *d = inv_disk_by_key(diskkey);

	for (size_t i = 0; d && i < d->nparts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

static uint32_t
vol_of(const char *diskkey, uint32_t number)
{
	const struct inv_part *p = part_of(diskkey, number);

	return p ? p->volume_index : 0;
}

static enum vds_result
check(const struct job_params *p)
{
	char why[256];

	return sim_provider.validate(sim, p, why, sizeof(why));
}

static enum vds_result
job(const struct job_params *p, struct contract_run *run)
{
	run->cancel_at = -1;
	return contract_job(&sim_provider, sim, p, run);
}

#include "test_sim_cases.h"

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
	CU_add_test(s, "reload: same inventory, same indexes", test_reload);
	CU_add_test(s, "validate partition jobs", test_validate_partition);
	CU_add_test(s, "validate volume jobs", test_validate_volume);
	CU_add_test(s, "validate vdisk jobs", test_validate_vdisk);
	CU_add_test(s, "claims", test_claims);
	CU_add_test(s, "partition jobs: real offset, outputs", test_job_partition);
	CU_add_test(s, "volume jobs: create, break, shrink, delete", test_job_volume);
	CU_add_test(s, "vdisk jobs: create, attach, detach, delete", test_job_vdisk);
	CU_add_test(s, "commit re-checks the state", test_commit_recheck);
	CU_add_test(s, "progress details and the point of no return", test_progress);
	contract_add_suite(&sim_provider, &env);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
