/*
 * test_jobstore.c - job rows in sqlite: round trip, delete and the handle
 * floor, and rows left "running" by a dead vdsd coming back interrupted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <event2/event.h>

#include "job.h"
#include "jobstore.h"
#include "log.h"

static char dir[64];
static struct job *loaded[16];
static size_t nloaded;

static void
quiet(int prio, const char *token, const char *msg)
{
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-jobstore.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	nloaded = 0;
}

static void
teardown(void)
{
	char path[128];
	static const char *const files[] = {"jobs.db", "jobs.db-wal", "jobs.db-shm"};

	for (size_t i = 0; i < nloaded; i++)
		free(loaded[i]);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int
collect(struct job *j, void *arg)
{
	if (nloaded == 16) {
		free(j);
		return -1;
	}
	loaded[nloaded++] = j;
	return 0;
}

static struct job
row(uint32_t handle, enum job_status st)
{
	struct job j = {.handle = handle, .status = st, .percent = 42, .result = VDS_R_PENDING};

	j.hresult = VDS_HR_OPERATION_PENDING;
	j.create_ms = 1700000000123;
	j.start_ms = st >= JOB_ST_RUNNING ? 1700000000456 : 0;
	j.control = JOB_CTL_NONE;
	j.cancel_state = JOB_CS_NONE;
	j.params.type = JOB_SHRINK_VOLUME;
	j.params.volume = 5;
	j.params.size = 1 << 20;
	snprintf(j.owner, sizeof(j.owner), "ops");
	snprintf(j.details, sizeof(j.details), "shrinking file system");
	snprintf(j.provider, sizeof(j.provider), "sim");
	return j;
}

static void
test_round_trip(void)
{
	struct job a = row(7, JOB_ST_SUCCEEDED), b = row(3, JOB_ST_RUNNING);

	a.end_ms = 1700000009000;
	a.outputs.reclaimed = 123456789;
	snprintf(a.outputs.objid, sizeof(a.outputs.objid), "00000000-0000-0000-0000-000000000001");
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	CU_ASSERT_EQUAL(jobstore_save(&b), 0);
	a.percent = 100;
	CU_ASSERT_EQUAL(jobstore_save(&a), 0); /* replace, not a second row */
	jobstore_close();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nloaded, 2);
	/* finished rows first, by end time; unfinished last */
	CU_ASSERT_EQUAL(loaded[0]->handle, 7);
	CU_ASSERT_EQUAL(loaded[0]->percent, 100);
	CU_ASSERT_EQUAL(loaded[0]->end_ms, 1700000009000);
	CU_ASSERT_EQUAL(loaded[0]->outputs.reclaimed, 123456789);
	CU_ASSERT_STRING_EQUAL(loaded[0]->outputs.objid, a.outputs.objid);
	CU_ASSERT_EQUAL(loaded[1]->handle, 3);
	CU_ASSERT_EQUAL(loaded[1]->status, JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(loaded[1]->hresult, VDS_HR_OPERATION_PENDING);
	CU_ASSERT_EQUAL(loaded[1]->params.volume, 5);
	CU_ASSERT_EQUAL(loaded[1]->params.size, 1 << 20);
	CU_ASSERT_STRING_EQUAL(loaded[1]->owner, "ops");
	CU_ASSERT_STRING_EQUAL(loaded[1]->details, "shrinking file system");
	CU_ASSERT_PTR_NULL(loaded[1]->plan);
	CU_ASSERT_EQUAL(jobstore_handle_floor(), 7);
	jobstore_close();
}

static void
test_delete_keeps_floor(void)
{
	struct job a = row(90, JOB_ST_FAILED);

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	CU_ASSERT_EQUAL(jobstore_delete(90), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL(nloaded, 0);
	CU_ASSERT_EQUAL(jobstore_handle_floor(), 90);
	jobstore_close();
}

/* vdsd "died" with these rows on disk; the engine must account for each. */
static void
test_interrupted_on_restart(void)
{
	const struct prov_ops *const none[] = {NULL};
	struct job r = row(11, JOB_ST_RUNNING), q = row(12, JOB_ST_QUEUED);
	struct job c = row(13, JOB_ST_CREATED), d = row(14, JOB_ST_SUCCEEDED);
	struct event_base *base = event_base_new();
	struct vds_conf conf;
	struct job *j;

	d.end_ms = 1700000001000;
	d.keep_result = 1;
	d.result = VDS_R_OK;
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(
	    jobstore_save(&r) | jobstore_save(&q) | jobstore_save(&c) | jobstore_save(&d), 0);
	jobstore_close();

	conf_defaults(&conf);
	job_engine_set_providers(none);
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	for (uint32_t h = 11; h <= 12; h++) {
		j = job_find(h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		CU_ASSERT_EQUAL(j->status, JOB_ST_FAILED);
		CU_ASSERT_EQUAL(j->result, VDS_R_INTERRUPTED);
		CU_ASSERT_EQUAL(j->hresult, vds_result_hresult(VDS_R_INTERRUPTED));
		CU_ASSERT_STRING_EQUAL(j->error_message, "vdsd stopped while the job was running");
		CU_ASSERT_STRING_EQUAL(j->details, "");
		CU_ASSERT(j->end_ms > 1700000000456);
	}
	CU_ASSERT_EQUAL(job_find(13)->status, JOB_ST_CREATED);
	CU_ASSERT_EQUAL(job_find(14)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT(job_next_handle() > 14);
	job_engine_shutdown();

	/* the verdict was written back, not just shown */
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	for (size_t i = 0; i < nloaded; i++)
		if (loaded[i]->handle == 11 || loaded[i]->handle == 12)
			CU_ASSERT_EQUAL(loaded[i]->status, JOB_ST_FAILED);
	CU_ASSERT_EQUAL(nloaded, 4);
	jobstore_close();
	job_engine_set_providers(NULL);
	conf_free(&conf);
	event_base_free(base);
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	log_set_sink(quiet);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite_with_setup_and_teardown("jobstore", NULL, NULL, setup, teardown);
	CU_add_test(s, "round trip", test_round_trip);
	CU_add_test(s, "delete keeps the handle floor", test_delete_keeps_floor);
	CU_add_test(s, "interrupted on restart", test_interrupted_on_restart);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
