/* SPDX-License-Identifier: ISC */
/*
 * job.c - the job engine: state machine, scheduling, start and stop (the
 * table's rows, retention and setters: job_rows.c; shared: job_engine.h).
 *
 * Loop thread only.  created -> queued -> running -> succeeded | failed |
 * cancelled.  Per job: provider prepare() on the loop, run() on a worker
 * (worker.c), commit() and free_plan() back on the loop.  Scheduling is
 * FIFO with two rules: at most jobMaxRunning run at once, and a job never
 * overtakes or runs beside an earlier job that touches one of its objects
 * (jobrun order = queue order per object).  Rows are saved (jobstore.c) on
 * every status change; percent and details are batched by a 1 s timer.
 * A commit() that hands a state file to the writer (durable.h) leaves its
 * job running until the write landed: only then is the job finished and
 * announced, or failed when the write failed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "durable.h"
#include "job.h"
#include "job_engine.h"
#include "jobprov.h"
#include "jobrow.h"
#include "jobstore.h"
#include "log.h"
#include "model.h"
#include "rescan.h"
#include "worker.h"

struct job_engine je;

static void je_schedule(void);

int64_t
je_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A running row shows the live percent from the save that records it on. */
static unsigned
je_take_live(struct job *j)
{
	unsigned was = j->percent;

	if (j->status == JOB_ST_RUNNING && j->run && j->run->percent_live > j->percent)
		j->percent = j->run->percent_live;
	return was;
}

int
je_save(struct job *j)
{
	unsigned was = je_take_live(j);

	j->update_ms = je_now_ms();
	if (j->run)
		j->run->dirty = 0;
	if (jobstore_save(j) < 0) {
		log_warnx("job", "job %u: cannot save the row", j->handle);
		if (j->status == JOB_ST_RUNNING)
			j->percent = was; /* not recorded: not shown */
		return -1;
	}
	return 0;
}

const char *
job_status_name(enum job_status st)
{
	static const char *const names[] = {"?",         "created", "queued",   "running",
	                                    "succeeded", "failed",  "cancelled"};

	return st >= JOB_ST_CREATED && st <= JOB_ST_CANCELLED ? names[st] : "?";
}

int
job_is_finished(const struct job *j)
{
	return j->status >= JOB_ST_SUCCEEDED;
}

static void
je_set_outcome(struct job *j, enum vds_result r, const char *msg)
{
	const char *details = job_outputs(j)->details;

	j->result = r;
	j->hresult = vds_result_hresult(r);
	job_text_set(j, JT_DETAILS, r == VDS_R_OK ? details : NULL);
	if (r == VDS_R_OK) {
		j->status = JOB_ST_SUCCEEDED;
		j->percent = 100;
		job_text_set(j, JT_ERROR_NAME, NULL);
		job_text_set(j, JT_ERROR_MESSAGE, NULL);
		if (j->cancel_state == JOB_CS_REQUESTED)
			j->cancel_state = JOB_CS_TOO_LATE;
		return;
	}
	j->status = r == VDS_R_CANCELLED ? JOB_ST_CANCELLED : JOB_ST_FAILED;
	if (r == VDS_R_CANCELLED)
		j->cancel_state = JOB_CS_DONE;
	job_text_set(j, JT_ERROR_NAME, vds_result_name(r));
	job_text_set(j, JT_ERROR_MESSAGE, msg && *msg ? msg : vds_result_text(r));
}

/* Any state -> finished: row, counters, store, purge timer, observer. */
static void
je_finish(struct job *j, enum vds_result r, const char *msg)
{
	if (j->status == JOB_ST_RUNNING) {
		je.cnt.running--;
		TAILQ_REMOVE(&je.running, j, q);
	} else if (j->status == JOB_ST_QUEUED) {
		je.cnt.queued--;
		TAILQ_REMOVE(&je.runq, j, q);
	}
	je_set_outcome(j, r, msg);
	j->end_ms = je_now_ms();
	if (j->status == JOB_ST_SUCCEEDED)
		je.cnt.succeeded++;
	else if (j->status == JOB_ST_CANCELLED)
		je.cnt.cancelled++;
	else
		je.cnt.failed++;
	je_save(j);
	TAILQ_INSERT_TAIL(&je.finished, j, q);
	je.nfinished++;
	if (je.obs.completed) /* announced first; packed and logged after */
		je.obs.completed(j, je.obs.arg);
	job_pack(j); /* a retained row keeps its few nonzero bytes; ENOMEM: po stays */
	if (j->start_ms)
		log_info("job", "job %u: %s (%s) after %lld ms running", j->handle,
		         job_status_name(j->status), vds_result_name(r),
		         (long long)(j->end_ms - j->start_ms));
	else
		log_info("job", "job %u: %s (%s) without running", j->handle,
		         job_status_name(j->status), vds_result_name(r));
	je_arm_purge();
	je_retain();
}

/* --------------------------------------------------------- running jobs */

static void
je_start(struct job *j)
{
	struct job_run *run = j->run;
	char msg[256] = "";
	enum vds_result r;

	TAILQ_REMOVE(&je.runq, j, q);
	TAILQ_INSERT_TAIL(&je.running, j, q);
	je.cnt.queued--;
	je.cnt.running++;
	j->status = JOB_ST_RUNNING;
	j->start_ms = je_now_ms();
	/*
	 * Stored running before run() may change anything, so that a row found
	 * queued after a crash never started (already so when the SET stored
	 * it as it would start: job_create).
	 */
	if (run->stored != JOB_ST_RUNNING)
		je_save(j);
	run->stored = 0;
	if (!run->ops) {
		je_finish(j, VDS_R_NOT_SUPPORTED, "no enabled provider handles this job");
		return;
	}
	r = run->ops->prepare
	        ? run->ops->prepare(run->pstate, &run->po.params, &run->plan, msg, sizeof(msg))
	        : VDS_R_OK;
	if (r == VDS_R_OK &&
	    !(run->pj = worker_submit(j->handle, run->ops, run->pstate, run->plan)))
		r = VDS_R_NO_MEMORY;
	if (r != VDS_R_OK) {
		if (run->plan && run->ops->free_plan)
			run->ops->free_plan(run->plan);
		run->plan = NULL;
		je_finish(j, r, msg);
	}
}

/* Does j conflict with a running job or with an earlier queued one? */
static int
je_blocked(const struct job *j)
{
	const struct job *o;

	if (j->run->ops && rescan_reading(j->run->ops))
		return 1; /* its provider reads its storage: after that (rescan.h) */
	TAILQ_FOREACH(o, &je.running, q)
	if (jobprov_conflict(&j->run->po.params, &o->run->po.params))
		return 1;
	for (o = TAILQ_FIRST(&je.runq); o && o != j; o = TAILQ_NEXT(o, q))
		if (jobprov_conflict(&j->run->po.params, &o->run->po.params))
			return 1;
	return 0;
}

/* Would je_schedule start j now: a free slot, nothing in its way? */
static int
je_startable(const struct job *j)
{
	return je.cnt.running < je.conf->job_max_running && !je_blocked(j);
}

static void
je_schedule(void)
{
	struct job *j, *next;

	for (j = TAILQ_FIRST(&je.runq); j && je.cnt.running < je.conf->job_max_running; j = next) {
		next = TAILQ_NEXT(j, q);
		if (je_startable(j))
			je_start(j);
	}
}

static void
je_on_progress(uint32_t handle, unsigned percent, const char *details, void *arg)
{
	struct job *j = vtab_find(&je.tab, handle);
	int64_t now = je_now_ms();

	if (!j || j->status != JOB_ST_RUNNING)
		return;
	if (percent > j->run->percent_live && percent <= 99)
		j->run->percent_live = percent;
	if (details && *details)
		job_text_set(j, JT_DETAILS, details);
	j->update_ms = now;
	j->run->dirty = 1;
	if (je.flush_ev && !evtimer_pending(je.flush_ev, NULL)) {
		struct timeval sec = {1, 0};

		evtimer_add(je.flush_ev, &sec);
	}
	if (!j->notify_progress || !je.obs.progress ||
	    now - j->run->progress_sent_ms < (int64_t)je.conf->job_progress_interval * 1000)
		return;
	j->run->progress_sent_ms = now;
	je_save(j); /* a notification, too, carries only a recorded percent */
	je.obs.progress(j, je.obs.arg);
}

/* The announcements a commit held (job_observer.hold) may go. */
static void
je_release(unsigned held)
{
	if (je.obs.release)
		je.obs.release(held, je.obs.arg);
}

/* The state write of j's commit landed (rc 0) or failed. */
static void
je_on_landed(void *arg, int rc, const char *why)
{
	struct job *j = arg;
	unsigned held = j->run->held;

	j->run->landing = 0;
	if (rc < 0)
		memset(&j->run->po.outputs, 0, sizeof(j->run->po.outputs));
	je_finish(j, rc < 0 ? VDS_R_IO_ERROR : VDS_R_OK, why);
	je_release(held);
	je_schedule();
}

static void
je_on_done(uint32_t handle, enum vds_result r, struct job_outputs *out, const char *runmsg,
           void *arg)
{
	struct job *j = vtab_find(&je.tab, handle);
	struct job_run *run = j ? j->run : NULL;
	struct durable_ticket t;
	unsigned held;
	char msg[256];

	if (!j || j->status != JOB_ST_RUNNING || !run)
		return;
	run->pj = NULL;
	snprintf(msg, sizeof(msg), "%s", runmsg);
	held = run->held = je.obs.hold ? je.obs.hold(je.obs.arg) : 0;
	durable_ticket_begin();
	if (run->ops->commit) {
		r = run->ops->commit(run->pstate, run->plan, r, out, msg, sizeof(msg));
		jobprov_committed(run->ops);
	}
	t = durable_ticket_end();
	if (run->ops->free_plan)
		run->ops->free_plan(run->plan);
	run->plan = NULL;
	if (r == VDS_R_OK)
		run->po.outputs = *out;
	/* still running (its objects stay taken) until the change is on disk */
	if (r == VDS_R_OK && t.df && durable_wait(t, je_on_landed, j) == 0) {
		run->landing = 1;
		return;
	}
	je_finish(j, r == VDS_R_OK && t.df ? VDS_R_NO_MEMORY : r, msg);
	je_release(held); /* run is gone with a packed row */
	je_schedule();
}

/* Save the rows whose percent or details changed since their last save. */
static void
je_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job **dirty;
	unsigned *was;
	struct job *j;
	size_t i, n = 0;

	dirty = calloc(vtab_count(&je.tab) + 1, sizeof(*dirty));
	was = calloc(vtab_count(&je.tab) + 1, sizeof(*was));
	if (!dirty || !was)
		goto out;
	VTAB_FOREACH(&je.tab, i, j)
	if (j->run && j->run->dirty) {
		j->run->dirty = 0;
		was[n] = je_take_live(j);
		dirty[n++] = j;
	}
	if (n && jobstore_save_many(dirty, n) < 0) {
		log_warnx("job", "cannot save progress of %zu jobs", n);
		for (i = 0; i < n;
		     i++) /* not recorded: not shown; tried again at the next report */
			dirty[i]->percent = was[i];
	}
out:
	free(dirty);
	free(was);
}

/* ------------------------------------------------------- table and API */

void
job_engine_set_providers(const struct prov_ops *const *list)
{
	je.test_list = list;
}

void
job_engine_kick(void)
{
	if (je.conf)
		je_schedule();
}

int
job_engine_active(const struct prov_ops *ops)
{
	const struct job *j;

	TAILQ_FOREACH(j, &je.running, q)
	if (j->run && j->run->ops == ops)
		return 1;
	return 0;
}

enum vds_result
job_check(const struct job_params *p, char *why, size_t len)
{
	return jobprov_check(p, why, len);
}

/* Does p conflict with a running or queued job, or with one of ps[0..n-1]? */
static int
je_would_wait(const struct job_params *p, const struct job_params *const *ps, unsigned n)
{
	const struct job *o;

	TAILQ_FOREACH(o, &je.running, q)
	if (jobprov_conflict(p, &o->run->po.params))
		return 1;
	TAILQ_FOREACH(o, &je.runq, q)
	if (jobprov_conflict(p, &o->run->po.params))
		return 1;
	for (unsigned k = 0; k < n; k++)
		if (jobprov_conflict(p, ps[k]))
			return 1;
	return 0;
}

int
job_admit(const struct job_params *const *ps, unsigned n, char *why, size_t len)
{
	unsigned max_run = je.conf->job_max_running;
	unsigned slots = je.cnt.running < max_run ? max_run - je.cnt.running : 0;
	unsigned waiting = je.cnt.queued;

	/*
	 * What je_schedule would do once they are queued: the jobs queued now
	 * wait already (it started every one it could); a new one runs when a
	 * slot is free and nothing before it touches its objects, else waits.
	 */
	for (unsigned i = 0; i < n; i++) {
		if (slots && !je_would_wait(ps[i], ps, i))
			slots--;
		else
			waiting++;
	}
	if (waiting <= je.conf->job_max_queued)
		return 0;
	snprintf(why, len,
	         "starting %u job%s would make %u wait (%u running, jobMaxRunning %u, "
	         "jobMaxQueued %u)",
	         n, n == 1 ? "" : "s", waiting, je.cnt.running, max_run, je.conf->job_max_queued);
	return -1;
}

static void
je_enqueue(struct job *j)
{
	j->status = JOB_ST_QUEUED;
	TAILQ_INSERT_TAIL(&je.runq, j, q);
	je.cnt.queued++;
}

/*
 * createAndGo's ACTION: store j as its COMMIT will make it, running or
 * queued (je_schedule's rule), while the table shows it created until
 * then.  A crash before the COMMIT finds it interrupted, never a created
 * row that nobody will start; the COMMIT need not store it again.
 */
static int
je_save_at_commit(struct job *j)
{
	int run = j->run->ops && je_startable(j); /* without a provider it never runs */
	int rc;

	j->status = run ? JOB_ST_RUNNING : JOB_ST_QUEUED;
	j->start_ms = run ? je_now_ms() : 0;
	rc = je_save(j);
	j->run->stored = rc == 0 ? j->status : 0;
	j->status = JOB_ST_CREATED;
	j->start_ms = 0;
	return rc;
}

struct job *
job_create(uint32_t handle, const struct job_params *p, const char *owner, int keep,
           int notify_progress, int start_now)
{
	struct job *j;
	int rc;

	errno = EINVAL;
	if (!handle || handle > JOB_HANDLE_MAX || vtab_find(&je.tab, handle))
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j || !(j->run = calloc(1, sizeof(*j->run)))) {
		free(j);
		return NULL; /* ENOMEM */
	}
	j->handle = handle;
	j->run->po.params = *p;
	job_text_set(j, JT_OWNER, owner);
	j->keep_result = !!keep;
	j->notify_progress = !!notify_progress;
	j->control = JOB_CTL_NONE;
	j->cancel_state = JOB_CS_NONE;
	j->result = VDS_R_PENDING;
	j->hresult = VDS_HR_OPERATION_PENDING;
	j->create_ms = je_now_ms();
	j->status = JOB_ST_CREATED;
	/* vdsJobProvider stays empty until the row is made active (job_start). */
	if (jobprov_for(p, &j->run->ops, &j->run->pstate) && start_now == JOB_CREATE_START)
		snprintf(j->run->po.provider, sizeof(j->run->po.provider), "%s", j->run->ops->name);
	if (vtab_insert(&je.tab, j) < 0) {
		job_free(j);
		return NULL;
	}
	/* A manager may pick its own handle: vdsJobNextHandle never gives it out later. */
	if (handle >= je.next)
		je.next = handle >= JOB_HANDLE_MAX ? 1 : handle + 1;
	if (start_now == JOB_CREATE_START)
		je_enqueue(j);
	if (start_now == JOB_CREATE_AT_COMMIT)
		rc = je_save_at_commit(j);
	else
		rc = je_save(j);
	if (rc < 0) {
		/* Nothing acknowledged that is not recorded: the SET fails, nothing starts. */
		log_warnx("job", "job %u refused: its row cannot be recorded in the job store",
		          handle);
		if (start_now == JOB_CREATE_START) {
			TAILQ_REMOVE(&je.runq, j, q);
			je.cnt.queued--;
		}
		vtab_remove(&je.tab, handle);
		job_free(j);
		errno = EIO;
		return NULL;
	}
	if (start_now == JOB_CREATE_START)
		je_schedule();
	return j;
}

int
job_start(uint32_t handle)
{
	struct job *j = vtab_find(&je.tab, handle);
	struct job_run *run = j ? j->run : NULL;
	uint8_t stored;

	if (!j || j->status != JOB_ST_CREATED || !run)
		return -1;
	stored = run->stored;
	/* The parameters may have changed since createAndWait: choose now. */
	run->po.provider[0] = '\0';
	if (jobprov_for(&run->po.params, &run->ops, &run->pstate))
		snprintf(run->po.provider, sizeof(run->po.provider), "%s", run->ops->name);
	je_enqueue(j);
	je_schedule();
	/*
	 * One write to the store, not two: a job that started at once was saved
	 * running by je_start (or finished by je_finish); one that waits is
	 * saved queued, unless the SET stored it so already.
	 */
	if (j->status == JOB_ST_QUEUED) { /* (a finished job's run may be gone by now) */
		if (stored != JOB_ST_QUEUED)
			je_save(j);
		j->run->stored = 0;
	}
	return 0;
}

int
job_cancel(uint32_t handle)
{
	struct job *j = vtab_find(&je.tab, handle);

	if (!j)
		return JOB_CANCEL_NOT_FOUND;
	if (job_is_finished(j))
		return JOB_CANCEL_FINISHED;
	j->control = JOB_CTL_CANCEL;
	if (j->status != JOB_ST_RUNNING) {
		j->cancel_state = JOB_CS_DONE;
		je_finish(j, VDS_R_CANCELLED, "cancelled before it started");
		je_schedule();
		return JOB_CANCEL_DONE;
	}
	if (j->cancel_state == JOB_CS_TOO_LATE || j->run->landing ||
	    worker_cancel(j->run->pj) == WORKER_CANCEL_TOO_LATE) {
		j->cancel_state = JOB_CS_TOO_LATE;
		je_save(j);
		return JOB_CANCEL_TOO_LATE;
	}
	j->cancel_state = JOB_CS_REQUESTED;
	je_save(j);
	return JOB_CANCEL_REQUESTED;
}

void
job_set_observer(const struct job_observer *obs)
{
	size_t i;
	struct job *j;

	if (obs)
		je.obs = *obs;
	else
		memset(&je.obs, 0, sizeof(je.obs));
	/* Jobs found interrupted at start-up finished too: announce them once. */
	if (!je.obs.completed || je.interrupted_told)
		return;
	je.interrupted_told = 1;
	VTAB_FOREACH(&je.tab, i, j)
	if (j->result == VDS_R_INTERRUPTED && j->end_ms >= je.init_ms)
		je.obs.completed(j, je.obs.arg);
}

/* ------------------------------------------------------ start and stop */

/* A stored row comes back; one vdsd was running comes back interrupted. */
static int
je_load_one(struct job *j, void *arg)
{
	if (j->handle == 0 || j->handle > JOB_HANDLE_MAX || vtab_insert(&je.tab, j) < 0) {
		job_free(j);
		return 0;
	}
	if (j->run) /* active: it needs its provider */
		jobprov_for(&j->run->po.params, &j->run->ops, &j->run->pstate);
	if (j->status == JOB_ST_QUEUED || j->status == JOB_ST_RUNNING) {
		const char *why = j->status == JOB_ST_QUEUED
		                      ? "vdsd stopped while the job was queued: it never started"
		                      : "vdsd stopped while the job was running";

		j->status = JOB_ST_CREATED; /* not counted as queued or running */
		j->cancel_state =
		    j->cancel_state == JOB_CS_REQUESTED ? JOB_CS_NONE : j->cancel_state;
		je_finish(j, VDS_R_INTERRUPTED, why);
	} else if (job_is_finished(j)) {
		TAILQ_INSERT_TAIL(&je.finished, j, q);
		je.nfinished++;
		je_arm_purge();
	}
	return 0;
}

int
job_engine_init(struct event_base *base, const struct vds_conf *conf, const char *state_dir)
{
	static const struct worker_ops wops = {.progress = je_on_progress, .done = je_on_done};

	const struct prov_ops *const *test_list = je.test_list;

	memset(&je, 0, sizeof(je));
	je.test_list = test_list;
	je.base = base;
	je.init_ms = je_now_ms();
	je.conf = conf;
	TAILQ_INIT(&je.runq);
	TAILQ_INIT(&je.running);
	TAILQ_INIT(&je.finished);
	if (durable_init(base) < 0 || jobprov_init(conf, je.test_list) < 0 ||
	    jobstore_open(state_dir) < 0)
		goto out;
	je.flush_ev = evtimer_new(base, je_flush_cb, NULL);
	je.purge_ev = evtimer_new(base, je_purge_cb, NULL);
	if (!je.flush_ev || !je.purge_ev || jobstore_load(je_load_one, NULL) < 0)
		goto out;
	je.next = jobstore_handle_floor() + 1;
	if (je.next > JOB_HANDLE_MAX)
		je.next = 1;
	je_retain();
	if (worker_init(base, conf->job_max_running, &wops) < 0)
		goto out;
	return 0;
out:
	job_engine_shutdown();
	return -1;
}

void
job_engine_reload(void)
{
	if (worker_resize(je.conf->job_max_running) < 0)
		log_warnx("job", "fewer worker threads than jobMaxRunning %u",
		          je.conf->job_max_running);
	jobprov_reload(je.conf);
	je_retain();
	je_arm_purge();
	je_schedule();
}

void
job_engine_shutdown(void)
{
	struct job *j;
	size_t i;

	worker_shutdown();
	durable_fini(); /* the jobs whose state write is in flight finish now */
	if (je.flush_ev) {
		je_flush_cb(-1, 0, NULL);
		event_free(je.flush_ev);
	}
	je.flush_ev = NULL;
	if (je.purge_ev)
		event_free(je.purge_ev);
	je.purge_ev = NULL;
	VTAB_FOREACH(&je.tab, i, j)
	{
		if (j->run && j->run->plan && j->run->ops->free_plan)
			j->run->ops->free_plan(j->run->plan);
		job_free(j);
	}
	vtab_free(&je.tab);
	memset(&je.tab, 0, sizeof(je.tab));
	jobprov_fini();
	jobstore_close();
}
