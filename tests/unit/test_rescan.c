/* SPDX-License-Identifier: ISC */
/*
 * test_rescan.c - agent/rescan.c on a real event_base and job engine with
 * the test provider tp (jobtp.h), whose rescan can be held at its middle:
 *  - a request is read on the rescan thread and published on the loop;
 *  - a burst of requests is one read;
 *  - a read asked for while a job of the provider runs waits for its end;
 *  - a job of the provider does not start while a read is in flight; it
 *    starts when the read lands;
 *  - a request that a job's commit answered (its scan, taken at its end,
 *    is newer) is not read;
 *  - a read in progress at the stop is waited for and dropped.
 * Deadlines only bound a hang: every wait is on a state, not a time.
 */
#include "config.h"

#include <CUnit/Basic.h>

#include "jobtp.h"
#include "log.h"
#include "rescan.h"

#define DEADLINE_MS 60000

static unsigned want_shown;

static int
shown(uint32_t unused)
{
	(void)unused;
	return tp_shown >= want_shown;
}

static void
rs_setup(void)
{
	setup();
	conf.rescan_interval = 0; /* no clock: only the requests below */
	CU_ASSERT_EQUAL_FATAL(rescan_init(base, &conf), 0);
}

static void
rs_teardown(void)
{
	rescan_fini();
	teardown();
}

static void
test_request_published(void)
{
	rescan_request("test");
	want_shown = 1;
	CU_ASSERT_FATAL(loop_until(shown, 0, DEADLINE_MS));
	CU_ASSERT_EQUAL(tp_reads, 1);
	CU_ASSERT_EQUAL(tp_shown, 1);
	CU_ASSERT_EQUAL(rescan_published(), 1);
	CU_ASSERT_EQUAL(tp_discarded, 0);
}

static void
test_burst_is_one_read(void)
{
	for (int i = 0; i < 50; i++)
		rescan_request("burst");
	want_shown = 1;
	CU_ASSERT_FATAL(loop_until(shown, 0, DEADLINE_MS));
	/* nothing asked since: nothing more is read */
	CU_ASSERT_EQUAL(tp_reads, 1);
	CU_ASSERT_EQUAL(rescan_published(), 1);
}

static int
deferred(uint32_t unused)
{
	(void)unused;
	return rescan_deferred() > 0;
}

static void
test_job_waits_for_read(void)
{
	struct job_params p = params(2, 0);
	struct job *j;

	tp_rescan_hold(1);
	rescan_request("before the job");
	CU_ASSERT_FATAL(loop_until(tp_rescan_waiting, 0, DEADLINE_MS)); /* read 1 began */
	/* a job of tp asked for now waits for the read */
	CU_ASSERT_PTR_NOT_NULL_FATAL((j = job_create(1, &p, "", 0, 0, 1)));
	CU_ASSERT_EQUAL(j->status, JOB_ST_QUEUED);
	CU_ASSERT_EQUAL(tp_prepared, 0);
	tp_rescan_hold(0);
	/* the read lands (published: no job ran), then the job starts and ends */
	CU_ASSERT_FATAL(loop_until(is_finished, 1, DEADLINE_MS));
	CU_ASSERT_EQUAL(job_find(1)->result, VDS_R_OK);
	CU_ASSERT_EQUAL(tp_shown, 1);
	CU_ASSERT_EQUAL(rescan_published(), 1);
	CU_ASSERT_EQUAL(tp_published_while_active, 0);
}

static int
answered(uint32_t unused)
{
	(void)unused;
	return rescan_answered() > 0;
}

static void
test_answered_by_commit(void)
{
	struct job_params p = params(2, 0);

	/* a request while a job runs (held before its first step) is put off */
	tp_jobs_hold(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(1, &p, "", 0, 0, 1));
	rescan_request("during the job");
	CU_ASSERT_FATAL(loop_until(deferred, 0, DEADLINE_MS));
	/* the job commits: its scan, taken at its end, answers the request */
	tp_jobs_hold(0);
	CU_ASSERT_FATAL(loop_until(is_finished, 1, DEADLINE_MS));
	CU_ASSERT_FATAL(loop_until(answered, 0, DEADLINE_MS));
	CU_ASSERT_EQUAL(tp_reads, 0);
	/* a request after the commit is read and published */
	rescan_request("after the job");
	want_shown = 1;
	CU_ASSERT_FATAL(loop_until(shown, 0, DEADLINE_MS));
	CU_ASSERT_EQUAL(tp_reads, 1);
	CU_ASSERT_EQUAL(tp_discarded, 0);
	CU_ASSERT_EQUAL(tp_published_while_active, 0);
}

static void
test_stop_during_read(void)
{
	tp_rescan_hold(1);
	rescan_request("then stop");
	CU_ASSERT_FATAL(loop_until(tp_rescan_waiting, 0, DEADLINE_MS));
	tp_rescan_hold(0);
	rescan_fini(); /* waits for the read; its result is not published */
	CU_ASSERT_EQUAL(tp_reads, 1);
	CU_ASSERT_EQUAL(rescan_published(), 0);
	CU_ASSERT_EQUAL(tp_discarded, 1);
	CU_ASSERT_EQUAL(tp_shown, 0);
	rescan_request("after the stop");             /* ignored */
	CU_ASSERT_EQUAL(rescan_init(base, &conf), 0); /* for rs_teardown */
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"a request is read and published", test_request_published},
	    {"a burst of requests is one read", test_burst_is_one_read},
	    {"a job waits for a read in flight", test_job_waits_for_read},
	    {"a request a job's commit answered is not read", test_answered_by_commit},
	    {"a read at the stop is dropped", test_stop_during_read},
	};

	log_set_sink(quiet);
	return cu_run("rescan", rs_setup, rs_teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
