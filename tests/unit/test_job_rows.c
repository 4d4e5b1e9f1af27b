/* SPDX-License-Identifier: ISC */
/*
 * test_job_rows.c - the job table's rules on a real event_base, run by the
 * test provider of jobtp.c: jobMaxRunning/jobMaxQueued and admission, jobs
 * on one disk run one after the other, destroy, purge and keepResult, the
 * retention cap, vdsJobNextHandle, the setters, and rows across a restart.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <event2/event.h>

#include "job.h"
#include "jobrow.h"
#include "jobtp.h"
#include "log.h"

/* job_admit of n jobs on disks no other job touches. */
static int
admit(unsigned n)
{
	struct job_params p[8];
	const struct job_params *ps[8];
	char why[256];

	for (unsigned i = 0; i < n && i < 8; i++) {
		p[i] = params(100 + i, 20);
		ps[i] = &p[i];
	}
	return job_admit(ps, n, why, sizeof(why));
}

static void
test_limits(void)
{
	struct job_params p;
	struct job_counters c;

	for (uint32_t h = 1; h <= 5; h++) {
		CU_ASSERT_EQUAL(admit(1), 0);
		p = params(h, 20);
		CU_ASSERT_PTR_NOT_NULL(job_create(h, &p, "", 0, 0, 1));
	}
	job_get_counters(&c);
	CU_ASSERT_EQUAL(c.running, 2);
	CU_ASSERT_EQUAL(c.queued, 3);
	CU_ASSERT_EQUAL(admit(1), -1);
	CU_ASSERT_EQUAL(admit(0), 0);
	CU_ASSERT(loop_until(none_active, 0, 60000));
	job_get_counters(&c);
	CU_ASSERT_EQUAL(c.succeeded, 5);
	CU_ASSERT_EQUAL(tp_max_active, 2);
	CU_ASSERT_EQUAL(admit(1), 0);
	CU_ASSERT_EQUAL(admit(5), 0);
	CU_ASSERT_EQUAL(admit(6), -1);
}

/*
 * issue 13: jobs that cannot run beside a running one on the same disk
 * wait, and count against jobMaxQueued even when running slots are free
 * (2 running + 3 queued: 1 + 4 fitted the sum, not the queue).
 */
static void
test_admit_counts_jobs_that_would_wait(void)
{
	struct job_params run = params(1, 20), same[4], other = params(2, 20);
	const struct job_params *ps[5];
	char why[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(1, &run, "", 0, 0, 1));
	for (unsigned i = 0; i < 4; i++) {
		same[i] = params(1, 20);
		ps[i] = &same[i];
	}
	CU_ASSERT_EQUAL(job_admit(ps, 3, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(job_admit(ps, 4, why, sizeof(why)), -1);
	/* One free slot: a job elsewhere runs in it, a second one waits. */
	ps[3] = &other;
	CU_ASSERT_EQUAL(job_admit(ps, 4, why, sizeof(why)), 0);
	ps[4] = &other;
	CU_ASSERT_EQUAL(job_admit(ps, 5, why, sizeof(why)), -1);
	CU_ASSERT(loop_until(none_active, 0, 60000));
}

static void
test_serialised_on_same_disk(void)
{
	struct job_params a = params(1, 10), b = params(1, 10), c = params(2, 10);
	struct job *ja, *jb, *jc;

	/* b names disk 1 only through its disks list */
	b.disk = 0;
	b.type = JOB_CREATE_VOLUME;
	b.pack = 9;
	b.disks[0] = 1;
	b.ndisks = 1;
	ja = job_create(1, &a, "", 0, 0, 1);
	jb = job_create(2, &b, "", 0, 0, 1);
	jc = job_create(3, &c, "", 0, 0, 1);
	CU_ASSERT_FATAL(ja && jb && jc);
	CU_ASSERT_EQUAL(ja->status, JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(jb->status, JOB_ST_QUEUED); /* a worker is free, but disk 1 is busy */
	CU_ASSERT_EQUAL(jc->status, JOB_ST_RUNNING);
	CU_ASSERT(loop_until(none_active, 0, 60000));
	CU_ASSERT_EQUAL(tp_overlap, 0);
	CU_ASSERT(jb->start_ms >= ja->end_ms);
	CU_ASSERT_EQUAL(jb->status, JOB_ST_SUCCEEDED);
}

static void
test_destroy(void)
{
	struct job_params p = params(1, 10);

	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(7, &p, "", 0, 0, 1));
	CU_ASSERT_EQUAL(job_destroy(7), -1);
	CU_ASSERT(loop_until(is_finished, 7, 60000));
	CU_ASSERT_EQUAL(job_destroy(7), 0);
	CU_ASSERT_PTR_NULL(job_find(7));
	CU_ASSERT_EQUAL(job_destroy(7), -2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(8, &p, "", 0, 0, 0));
	CU_ASSERT_EQUAL(job_destroy(8), 0); /* created rows go at once */
}

static void
test_purge_and_keep(void)
{
	struct job_params p = params(1, 1), q = params(2, 1);

	job_engine_shutdown();
	conf.job_purge_time = 1;
	engine_up();
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(1, &p, "", 0, 0, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(2, &q, "", 1, 0, 1));
	CU_ASSERT(loop_until(none_active, 0, 60000));
	CU_ASSERT_PTR_NOT_NULL(job_find(1));
	CU_ASSERT(loop_until(is_gone, 1, 60000));
	usleep(200000);
	event_base_loop(base, EVLOOP_NONBLOCK);
	CU_ASSERT_PTR_NOT_NULL(job_find(2)); /* keepResult */
	CU_ASSERT_EQUAL(job_set_keep(2, 0), 0);
	CU_ASSERT(loop_until(is_gone, 2, 60000));
}

static void
test_retained_cap(void)
{
	struct job_params p;

	job_engine_shutdown();
	conf.job_max_retained = 2;
	engine_up();
	for (uint32_t h = 1; h <= 4; h++) {
		p = params(1, 1);
		CU_ASSERT_PTR_NOT_NULL(job_create(h, &p, "", h == 1, 0, 1));
		CU_ASSERT(loop_until(is_finished, h, 5000));
	}
	CU_ASSERT_EQUAL(vtab_count(job_table()), 2);
	CU_ASSERT_PTR_NOT_NULL(job_find(1)); /* kept */
	CU_ASSERT_PTR_NULL(job_find(2));     /* oldest not kept */
	CU_ASSERT_PTR_NULL(job_find(3));
	CU_ASSERT_PTR_NOT_NULL(job_find(4));
}

static void
test_next_handle(void)
{
	struct job_params p = params(1, 1);
	uint32_t a = job_next_handle(), b, c;

	CU_ASSERT_NOT_EQUAL(a, 0);
	b = job_next_handle();
	CU_ASSERT_NOT_EQUAL(a, b);
	CU_ASSERT_PTR_NOT_NULL(job_create(b + 1, &p, "", 0, 0, 0));
	c = job_next_handle();
	CU_ASSERT_NOT_EQUAL(c, b + 1);
	CU_ASSERT_NOT_EQUAL(c, b);
	CU_ASSERT_PTR_NULL(job_create(0, &p, "", 0, 0, 0));
	CU_ASSERT_PTR_NULL(job_create(JOB_HANDLE_MAX + 1, &p, "", 0, 0, 0));
}

/*
 * Found by fuzz_jobset: handles a manager chose itself (createAndGo on a free
 * handle of its own) must not come back from vdsJobNextHandle once their
 * rows are gone.
 */
static void
test_next_handle_after_own_handles(void)
{
	struct job_params p = params(1, 1);
	uint32_t h;

	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(1, &p, "", 0, 0, 0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(2, &p, "", 0, 0, 0));
	CU_ASSERT_EQUAL(job_destroy(2), 0);
	h = job_next_handle();
	CU_ASSERT_TRUE(h > 2);
	CU_ASSERT_EQUAL(job_destroy(1), 0);
	CU_ASSERT_TRUE(job_next_handle() > h);
}

static void
test_setters(void)
{
	struct job_params p = params(1, 1);
	struct job *j = job_create(3, &p, "a", 0, 0, 0);

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL(job_set_owner(3, "bob"), 0);
	CU_ASSERT_STRING_EQUAL(job_text(j, JT_OWNER), "bob");
	CU_ASSERT_EQUAL(job_set_notify_progress(3, 1), 0);
	CU_ASSERT_EQUAL(j->notify_progress, 1);
	CU_ASSERT_EQUAL(job_set_keep(3, 1), 0);
	CU_ASSERT_EQUAL(j->keep_result, 1);
	CU_ASSERT_EQUAL(job_set_owner(33, "x"), -1);
}

static void
test_restart_keeps_rows(void)
{
	struct job_params p = params(3, 1);
	struct job *j;
	uint32_t next;

	snprintf(p.path, sizeof(p.path), "/tmp/x.img");
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(40, &p, "carol", 1, 1, 1));
	CU_ASSERT(loop_until(is_finished, 40, 60000));
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(41, &p, "", 0, 0, 0));
	job_engine_shutdown();
	engine_up();
	j = job_find(40);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(j->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL(j->percent, 100);
	CU_ASSERT_EQUAL(job_outputs(j)->offset, 4242);
	CU_ASSERT_EQUAL(job_params(j)->disk, 3);
	CU_ASSERT_STRING_EQUAL(job_params(j)->path, "/tmp/x.img");
	CU_ASSERT_STRING_EQUAL(job_text(j, JT_OWNER), "carol");
	CU_ASSERT_STRING_EQUAL(job_po(j)->provider, "tp");
	CU_ASSERT_EQUAL(j->keep_result, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_find(41));
	CU_ASSERT_EQUAL(job_find(41)->status, JOB_ST_CREATED);
	next = job_next_handle();
	CU_ASSERT(next > 41);
	/* a created row still starts after the restart */
	CU_ASSERT_EQUAL(job_start(41), 0);
	CU_ASSERT(loop_until(is_finished, 41, 60000));
	CU_ASSERT_EQUAL(job_find(41)->status, JOB_ST_SUCCEEDED);
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"limits", test_limits},
	    {"admission counts the jobs that would wait", test_admit_counts_jobs_that_would_wait},
	    {"serialised on same disk", test_serialised_on_same_disk},
	    {"destroy", test_destroy},
	    {"purge and keep", test_purge_and_keep},
	    {"retained cap", test_retained_cap},
	    {"next handle", test_next_handle},
	    {"next handle after own handles", test_next_handle_after_own_handles},
	    {"setters", test_setters},
	    {"restart keeps rows", test_restart_keeps_rows},
	};

	log_set_sink(quiet);
	return cu_run("job rows", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
