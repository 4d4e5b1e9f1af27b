/* SPDX-License-Identifier: ISC */
/*
 * test_job.c - the job engine's state machine on a real event_base, with a
 * small provider defined here (the edge; the engine is the code under test).
 *
 * The test provider's run() takes its behaviour from the job parameters:
 * stripe_size = milliseconds per step (10 steps), plex_count = 1 passes the
 * point of no return after step 2, name "prepfail"/"commitfail"/"unclaimed"
 * make prepare/commit/claims fail, size > 1000 fails validate().
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "log.h"

/* ------------------------------------------------------- test provider */

static pthread_mutex_t tp_mu = PTHREAD_MUTEX_INITIALIZER;
static int tp_active, tp_max_active, tp_disk_active[8], tp_overlap;
static int tp_prepared, tp_freed;

struct tp_plan {
	struct job_params p;
};

static int
tp_claims(void *state, const struct job_params *p)
{
	return strcmp(p->name, "unclaimed") != 0;
}

static enum vds_result
tp_validate(void *state, const struct job_params *p, char *why, size_t len)
{
	if (p->size > 1000) {
		snprintf(why, len, "only 1000 bytes free");
		return VDS_R_NO_SPACE;
	}
	return VDS_R_OK;
}

static enum vds_result
tp_prepare(void *state, const struct job_params *p, void **plan, char *msg, size_t len)
{
	struct tp_plan *pl;

	if (!strcmp(p->name, "prepfail")) {
		snprintf(msg, len, "disk vanished");
		return VDS_R_NOT_FOUND;
	}
	pl = calloc(1, sizeof(*pl));
	pl->p = *p;
	*plan = pl;
	tp_prepared++;
	return VDS_R_OK;
}

static void
tp_enter(unsigned disk, int delta)
{
	pthread_mutex_lock(&tp_mu);
	tp_active += delta;
	if (tp_active > tp_max_active)
		tp_max_active = tp_active;
	tp_disk_active[disk % 8] += delta;
	if (tp_disk_active[disk % 8] > 1)
		tp_overlap = 1;
	pthread_mutex_unlock(&tp_mu);
}

static enum vds_result
tp_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg, size_t len)
{
	struct tp_plan *pl = plan;
	enum vds_result r = VDS_R_OK;

	tp_enter(pl->p.disk, 1);
	for (unsigned step = 0; step < 10; step++) {
		if ((pl->p.plex_count == 1 && step == 2 && prov_job_no_return(j)) ||
		    prov_job_cancelled(j)) {
			r = VDS_R_CANCELLED;
			break;
		}
		/* step 5 reports less than step 4: the engine must not go back */
		prov_job_progress(j, step == 5 ? 20 : step * 10 + 5, "working");
		prov_job_sleep(j, (unsigned)pl->p.stripe_size);
	}
	out->offset = 4242;
	out->partition = 7;
	tp_enter(pl->p.disk, -1);
	return r;
}

static enum vds_result
tp_commit(void *state, void *plan, enum vds_result r, struct job_outputs *out, char *msg,
          size_t len)
{
	struct tp_plan *pl = plan;

	if (r == VDS_R_OK && !strcmp(pl->p.name, "commitfail")) {
		snprintf(msg, len, "write failed");
		return VDS_R_IO_ERROR;
	}
	return r;
}

static void
tp_free_plan(void *plan)
{
	free(plan);
	tp_freed++;
}

static const struct prov_ops tp_ops = {
    .name = "tp",
    .claims = tp_claims,
    .validate = tp_validate,
    .prepare = tp_prepare,
    .run = tp_run,
    .commit = tp_commit,
    .free_plan = tp_free_plan,
};
static const struct prov_ops *const tp_list[] = {&tp_ops, NULL};

/* ----------------------------------------------------------- harness */

static struct event_base *base;
static struct event *tick;
static struct vds_conf conf;
static char dir[64];
static int completed;
static unsigned last_progress[64], progress_calls, progress_backwards;

static void
obs_completed(const struct job *j, void *arg)
{
	completed++;
}

static void
obs_progress(const struct job *j, void *arg)
{
	progress_calls++;
	if (j->percent < last_progress[j->handle % 64] || j->percent > 99)
		progress_backwards++;
	last_progress[j->handle % 64] = j->percent;
}

static const struct job_observer obs = {obs_completed, obs_progress, NULL};

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

static void
quiet(int prio, const char *token, const char *msg)
{
}

static void
engine_up(void)
{
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	job_set_observer(&obs);
}

/* Before each test: fresh state dir, conf, engine and counters. */
static void
setup(void)
{
	struct timeval tv = {0, 5000};

	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-job.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	conf_defaults(&conf);
	conf.job_max_running = 2;
	conf.job_max_queued = 3;
	conf.job_progress_interval = 0;
	base = event_base_new();
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &tv);
	tp_active = tp_max_active = tp_overlap = tp_prepared = tp_freed = 0;
	memset(tp_disk_active, 0, sizeof(tp_disk_active));
	memset(last_progress, 0, sizeof(last_progress));
	completed = 0;
	progress_calls = progress_backwards = 0;
	job_engine_set_providers(tp_list);
	engine_up();
}

static void
teardown(void)
{
	char path[128];
	static const char *const files[] = {"jobs.db", "jobs.db-wal", "jobs.db-shm", "jobs.floor"};

	job_engine_shutdown();
	event_free(tick);
	event_base_free(base);
	conf_free(&conf);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Run the loop until *flag-like predicate holds; 0 on timeout. */
static int
loop_until(int (*pred)(uint32_t), uint32_t h, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!pred(h)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return 0;
		event_base_loop(base, EVLOOP_ONCE);
	}
	return 1;
}

static int
is_finished(uint32_t h)
{
	struct job *j = job_find(h);

	return j && job_is_finished(j);
}

static int
is_gone(uint32_t h)
{
	return job_find(h) == NULL;
}

static int
is_past_no_return(uint32_t h)
{
	struct job *j = job_find(h);

	return j && j->run && j->run->percent_live >= 35; /* the provider's own report */
}

static int
none_active(uint32_t h)
{
	struct job_counters c;

	job_get_counters(&c);
	return c.running == 0 && c.queued == 0;
}

static struct job_params
params(unsigned disk, unsigned step_ms)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .disk = disk, .size = 100};

	p.stripe_size = step_ms;
	return p;
}

/* -------------------------------------------------------------- tests */

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
	CU_ASSERT_STRING_EQUAL(job_text(j->owner), "alice");
	CU_ASSERT_STRING_EQUAL(job_text(j->error_name), "");
	CU_ASSERT_STRING_EQUAL(job_text(j->details), "");
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
	CU_ASSERT_STRING_EQUAL(job_text(a->error_message), "disk vanished");
	CU_ASSERT_STRING_EQUAL(job_text(a->error_name), "VDS_E_OBJECT_NOT_FOUND");
	CU_ASSERT_FATAL(loop_until(is_finished, 2, 60000));
	CU_ASSERT_EQUAL(b->status, JOB_ST_FAILED);
	CU_ASSERT_EQUAL(b->result, VDS_R_IO_ERROR);
	CU_ASSERT_EQUAL(b->hresult, vds_result_hresult(VDS_R_IO_ERROR));
	CU_ASSERT_STRING_EQUAL(job_text(b->error_message), "write failed");
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
	CU_ASSERT_STRING_EQUAL(job_text(j->owner), "bob");
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
	CU_ASSERT_STRING_EQUAL(job_text(j->owner), "carol");
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
		CU_ASSERT_STRING_EQUAL(job_text(j->error_message),
		                       h == 50 ? "vdsd stopped while the job was running"
		                               : "vdsd stopped while the job was queued: it never "
		                                 "started");
		CU_ASSERT(j->end_ms >= j->create_ms);
	}
}

/* The percent job h has in jobs.db, as a restart after a crash would read it. */
static int
stored_percent(uint32_t h)
{
	char path[128];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int pc = -1;

	snprintf(path, sizeof(path), "%s/jobs.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT percent FROM jobs WHERE handle = ?", -1, &st, NULL) ==
	        SQLITE_OK &&
	    sqlite3_bind_int64(st, 1, h) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		pc = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return pc;
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
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
	    {"success", test_success},
	    {"check", test_check},
	    {"prepare and commit fail", test_prepare_and_commit_fail},
	    {"cancel running", test_cancel_running},
	    {"cancel too late", test_cancel_too_late},
	    {"cancel created and queued", test_cancel_created_and_queued},
	    {"createAndWait then start", test_create_and_wait_then_start},
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
	    {"shutdown while running", test_shutdown_while_running},
	    {"percent recorded before it is shown", test_percent_recorded_before_shown},
	};
	CU_pSuite s;
	unsigned fails;

	log_set_sink(quiet);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite_with_setup_and_teardown("job", NULL, NULL, setup, teardown);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
