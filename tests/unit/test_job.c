/* SPDX-License-Identifier: ISC */
/*
 * test_job.c - the job engine's state machine on a real event_base, run by
 * the test provider of jobtp.c (the edge; the engine is the code under
 * test): success and failure, cancel at every stage, createAndWait, a
 * shutdown while jobs run, and percent never shown before it is stored.
 * The table's rules (limits, purge, handles, restart) are test_job_rows.c's.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include <CUnit/Basic.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "jobtp.h"
#include "log.h"

static void
test_success(void)
{
	struct job_params p = params(1, 2);
	struct job *j = job_create(10, &p, "alice", 0, 1, 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT(j->status == JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(j->hresult, VDS_HR_OPERATION_PENDING);
	CU_ASSERT_FATAL(loop_until(is_finished, 10, 60000));
	CU_ASSERT_EQUAL(j->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL(j->result, VDS_R_OK);
	CU_ASSERT_EQUAL(j->hresult, 0);
	CU_ASSERT_EQUAL(j->percent, 100);
	CU_ASSERT_EQUAL(job_outputs(j)->offset, 4242);
	CU_ASSERT_EQUAL(job_outputs(j)->partition, 7);
	/* a finished row keeps its parameters and outputs packed */
	CU_ASSERT_PTR_NULL(j->run);
	CU_ASSERT_PTR_NOT_NULL(j->packed);
	CU_ASSERT_STRING_EQUAL(job_po(j)->provider, "tp");
	CU_ASSERT_STRING_EQUAL(job_text(j, JT_OWNER), "alice");
	CU_ASSERT_STRING_EQUAL(job_text(j, JT_ERROR_NAME), "");
	CU_ASSERT_STRING_EQUAL(job_text(j, JT_DETAILS), "");
	CU_ASSERT(j->create_ms > 0 && j->create_ms <= j->start_ms && j->start_ms <= j->end_ms);
	CU_ASSERT_EQUAL(completed, 1);
	CU_ASSERT(progress_calls > 0);
	CU_ASSERT_EQUAL(progress_backwards, 0);
	CU_ASSERT_EQUAL(tp_prepared, 1);
	CU_ASSERT_EQUAL(tp_freed, 1);
}

static void
test_check(void)
{
	struct job_params p = params(1, 1);
	char why[128] = "";

	CU_ASSERT_EQUAL(job_check(&p, why, sizeof(why)), VDS_R_OK);
	p.disk = 0;
	CU_ASSERT_EQUAL(job_check(&p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "vdsJobParamDisk"));
	p = params(1, 1);
	p.size = 5000;
	CU_ASSERT_EQUAL(job_check(&p, why, sizeof(why)), VDS_R_NO_SPACE);
	CU_ASSERT_STRING_EQUAL(why, "only 1000 bytes free");
	p = params(1, 1);
	snprintf(p.name, sizeof(p.name), "unclaimed");
	CU_ASSERT_EQUAL(job_check(&p, why, sizeof(why)), VDS_R_NOT_SUPPORTED);
	p = (struct job_params){.type = JOB_SHRINK_VOLUME, .volume = 3};
	CU_ASSERT_EQUAL(job_check(&p, why, sizeof(why)), VDS_R_INVALID_PARAM);
	p.type = 99;
	CU_ASSERT_EQUAL(job_check(&p, why, sizeof(why)), VDS_R_INVALID_PARAM);
}

static void
test_prepare_and_commit_fail(void)
{
	struct job_params p = params(1, 1), q = params(2, 1);
	struct job *a, *b;

	snprintf(p.name, sizeof(p.name), "prepfail");
	snprintf(q.name, sizeof(q.name), "commitfail");
	a = job_create(1, &p, "", 0, 0, 1);
	b = job_create(2, &q, "", 0, 0, 1);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT_EQUAL(a->status, JOB_ST_FAILED);
	CU_ASSERT_EQUAL(a->result, VDS_R_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(job_text(a, JT_ERROR_MESSAGE), "disk vanished");
	CU_ASSERT_STRING_EQUAL(job_text(a, JT_ERROR_NAME), "VDS_E_OBJECT_NOT_FOUND");
	CU_ASSERT_FATAL(loop_until(is_finished, 2, 60000));
	CU_ASSERT_EQUAL(b->status, JOB_ST_FAILED);
	CU_ASSERT_EQUAL(b->result, VDS_R_IO_ERROR);
	CU_ASSERT_EQUAL(b->hresult, vds_result_hresult(VDS_R_IO_ERROR));
	CU_ASSERT_STRING_EQUAL(job_text(b, JT_ERROR_MESSAGE), "write failed");
	CU_ASSERT_NOT_EQUAL(b->percent, 100);
	CU_ASSERT_EQUAL(job_outputs(b)->offset, 0);
	CU_ASSERT_EQUAL(tp_freed, tp_prepared);
}

static void
test_cancel_running(void)
{
	struct job_params p = params(1, 50);
	struct job *j = job_create(5, &p, "", 0, 0, 1);

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL(job_cancel(5), JOB_CANCEL_REQUESTED);
	CU_ASSERT_EQUAL(j->cancel_state, JOB_CS_REQUESTED);
	CU_ASSERT_FATAL(loop_until(is_finished, 5, 60000));
	CU_ASSERT_EQUAL(j->status, JOB_ST_CANCELLED);
	CU_ASSERT_EQUAL(j->result, VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(j->hresult, 0x8004240DU);
	CU_ASSERT_EQUAL(j->cancel_state, JOB_CS_DONE);
	CU_ASSERT_EQUAL(job_cancel(5), JOB_CANCEL_FINISHED);
	CU_ASSERT_EQUAL(job_cancel(999), JOB_CANCEL_NOT_FOUND);
}

static void
test_cancel_too_late(void)
{
	struct job_params p = params(1, 30);
	struct job *j;

	p.plex_count = 1;
	j = job_create(6, &p, "", 0, 0, 1);
	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_FATAL(loop_until(is_past_no_return, 6, 60000));
	CU_ASSERT_EQUAL(job_cancel(6), JOB_CANCEL_TOO_LATE);
	CU_ASSERT_EQUAL(j->cancel_state, JOB_CS_TOO_LATE);
	CU_ASSERT_FATAL(loop_until(is_finished, 6, 60000));
	CU_ASSERT_EQUAL(j->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL(j->cancel_state, JOB_CS_TOO_LATE);
}

static void
test_cancel_created_and_queued(void)
{
	struct job_params p = params(1, 20);
	struct job *c, *q;

	c = job_create(1, &p, "", 0, 0, 0);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(c->status, JOB_ST_CREATED);
	CU_ASSERT_EQUAL(job_create(1, &p, "", 0, 0, 1), NULL); /* handle in use */
	job_create(2, &p, "", 0, 0, 1);
	q = job_create(3, &p, "", 0, 0, 1); /* same disk: waits */
	CU_ASSERT_FATAL(q != NULL);
	CU_ASSERT_EQUAL(q->status, JOB_ST_QUEUED);
	CU_ASSERT_EQUAL(job_cancel(3), JOB_CANCEL_DONE);
	CU_ASSERT_EQUAL(q->status, JOB_ST_CANCELLED);
	CU_ASSERT_EQUAL(job_cancel(1), JOB_CANCEL_DONE);
	CU_ASSERT_EQUAL(c->status, JOB_ST_CANCELLED);
	CU_ASSERT_EQUAL(c->start_ms, 0);
	CU_ASSERT_EQUAL(completed, 2);
	CU_ASSERT(loop_until(none_active, 0, 60000));
}

static void
test_create_and_wait_then_start(void)
{
	struct job_params p = params(1, 1);
	struct job *j = job_create(4, &p, "", 0, 0, 0);

	CU_ASSERT_FATAL(j != NULL);
	CU_ASSERT_EQUAL(tp_prepared, 0);
	CU_ASSERT_EQUAL(job_start(4), 0);
	CU_ASSERT_EQUAL(job_start(4), -1);
	CU_ASSERT(loop_until(is_finished, 4, 60000));
	CU_ASSERT_EQUAL(j->status, JOB_ST_SUCCEEDED);
}

static void
test_shutdown_while_running(void)
{
	struct job_params p = params(1, 200);
	struct job *j;

	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(50, &p, "", 0, 0, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(51, &p, "", 0, 0, 1)); /* queued */
	job_engine_shutdown();
	CU_ASSERT_EQUAL(tp_freed, tp_prepared);
	engine_up();
	for (uint32_t h = 50; h <= 51; h++) {
		j = job_find(h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		CU_ASSERT_EQUAL(j->status, JOB_ST_FAILED);
		CU_ASSERT_EQUAL(j->result, VDS_R_INTERRUPTED);
		CU_ASSERT_EQUAL(j->hresult, vds_result_hresult(VDS_R_INTERRUPTED));
		/* 51 waited behind 50 (same disk): it never started, and says so */
		CU_ASSERT_STRING_EQUAL(job_text(j, JT_ERROR_MESSAGE),
		                       h == 50 ? "vdsd stopped while the job was running"
		                               : "vdsd stopped while the job was queued: it never "
		                                 "started");
		CU_ASSERT(j->end_ms >= j->create_ms);
	}
}

/* Column col of job h in jobs.db, as a restart after a crash would read it; -1: no row. */
static int
stored(uint32_t h, const char *col)
{
	char path[128], sql[96];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1;

	snprintf(path, sizeof(path), "%s/jobs.db", dir);
	snprintf(sql, sizeof(sql), "SELECT %s FROM jobs WHERE handle = ?", col);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, h) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int
stored_percent(uint32_t h)
{
	return stored(h, "percent");
}

static int
stored_status(uint32_t h)
{
	return stored(h, "status");
}

/*
 * createAndGo: its ACTION stores the row as the COMMIT will make it
 * (running, or queued when it would wait) while the table shows it created
 * until the COMMIT, which need not store it again; a guess the COMMIT
 * finds wrong is stored anew.  A crash before the COMMIT finds the job
 * interrupted, not a created row that nobody will start.
 */
static void
test_stored_as_commit_makes_it(void)
{
	struct job_params p = params(1, 200), q = params(2, 200);
	struct job *a, *b, *c;

	a = job_create(70, &p, "", 0, 0, JOB_CREATE_AT_COMMIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->status, JOB_ST_CREATED);
	CU_ASSERT_EQUAL(a->start_ms, 0);
	CU_ASSERT_EQUAL(stored_status(70), JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(job_start(70), 0);
	CU_ASSERT_EQUAL(a->status, JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(stored_status(70), JOB_ST_RUNNING);
	/* the same disk: it will wait behind 70 */
	b = job_create(71, &p, "", 0, 0, JOB_CREATE_AT_COMMIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->status, JOB_ST_CREATED);
	CU_ASSERT_EQUAL(stored_status(71), JOB_ST_QUEUED);
	/* guessed running, but another job took its disk before its COMMIT */
	c = job_create(72, &q, "", 0, 0, JOB_CREATE_AT_COMMIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(stored_status(72), JOB_ST_RUNNING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_create(73, &q, "", 0, 0, JOB_CREATE_START));
	CU_ASSERT_EQUAL(job_start(72), 0);
	CU_ASSERT_EQUAL(c->status, JOB_ST_QUEUED);
	CU_ASSERT_EQUAL(stored_status(72), JOB_ST_QUEUED);
	/* stopped before 71's COMMIT: as stored, it never started */
	job_engine_shutdown();
	engine_up();
	b = job_find(71);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->result, VDS_R_INTERRUPTED);
	CU_ASSERT_STRING_EQUAL(job_text(b, JT_ERROR_MESSAGE),
	                       "vdsd stopped while the job was queued: it never started");
	CU_ASSERT_STRING_EQUAL(job_text(job_find(70), JT_ERROR_MESSAGE),
	                       "vdsd stopped while the job was running");
}

/*
 * The MIB: percent never goes back, across a crash too.  Every percent the
 * row shows is in the store already, so a restart cannot show less.
 */
static void
watch_percent(uint32_t h, int notify, unsigned step_ms)
{
	struct job_params p = params(1, step_ms);
	struct job *j = job_create(h, &p, "", 0, notify, 1);
	unsigned shown = 0, changes = 0, ahead = 0;
	time_t t0 = time(NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	while (!job_is_finished(j) && time(NULL) - t0 < 60) {
		event_base_loop(base, EVLOOP_ONCE);
		if (j->percent == shown || job_is_finished(j))
			continue;
		shown = j->percent;
		changes++;
		if (stored_percent(h) < (int)shown)
			ahead++;
	}
	CU_ASSERT(job_is_finished(j));
	CU_ASSERT(changes > 0);
	CU_ASSERT_EQUAL(ahead, 0);
	CU_ASSERT_EQUAL(j->status, JOB_ST_SUCCEEDED);
}

/*
 * The MIB: percent never goes back, across a crash too.  Every percent the
 * row shows is in the store already, so a restart cannot show less.  Shown
 * by the 1 s batch (a job of 10 x 250 ms outlives it), or at once with a
 * progress notification.
 */
static void
test_percent_recorded_before_shown(void)
{
	watch_percent(60, 0, 250);
	watch_percent(61, 1, 20);
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"success", test_success},
	    {"check", test_check},
	    {"prepare and commit fail", test_prepare_and_commit_fail},
	    {"cancel running", test_cancel_running},
	    {"cancel too late", test_cancel_too_late},
	    {"cancel created and queued", test_cancel_created_and_queued},
	    {"createAndWait then start", test_create_and_wait_then_start},
	    {"shutdown while running", test_shutdown_while_running},
	    {"stored as its COMMIT makes it", test_stored_as_commit_makes_it},
	    {"percent recorded before it is shown", test_percent_recorded_before_shown},
	};

	log_set_sink(quiet);
	return cu_run("job", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
