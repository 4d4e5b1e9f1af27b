/* SPDX-License-Identifier: ISC */
/*
 * jobtp.c - the job engine's unit tests' edge: a small provider ("tp") and
 * the harness around a real event_base and engine (jobtp.h).
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

#include "jobtp.h"
#include "log.h"

/* ------------------------------------------------------- test provider */

static pthread_mutex_t tp_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tp_cv = PTHREAD_COND_INITIALIZER;
static int tp_jobs_held; /* tp_jobs_hold(): run() waits before its first step */
static int tp_active, tp_disk_active[8];
int tp_max_active, tp_overlap, tp_prepared, tp_freed;

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

	pthread_mutex_lock(&tp_mu);
	while (tp_jobs_held)
		pthread_cond_wait(&tp_cv, &tp_mu);
	pthread_mutex_unlock(&tp_mu);
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

/*
 * tp's rescan: each read returns the next number of tp_reads (malloc'd);
 * while tp_rescan_held, a read waits inside (tp_rescan_waiting) until
 * tp_rescan_release().  Publish keeps the number and notes whether a job
 * of tp was active then (never allowed).
 */
static const struct prov_ops tp_ops;
static int tp_held, tp_waiting;
unsigned tp_reads, tp_shown, tp_discarded, tp_published_while_active;

static void *
tp_rescan(void *state)
{
	unsigned *v = malloc(sizeof(*v));

	pthread_mutex_lock(&tp_mu);
	*v = ++tp_reads;
	tp_waiting = 1;
	while (tp_held)
		pthread_cond_wait(&tp_cv, &tp_mu);
	tp_waiting = 0;
	pthread_mutex_unlock(&tp_mu);
	return v;
}

static void
tp_rescan_publish(void *state, void *scan)
{
	tp_published_while_active += job_engine_active(&tp_ops);
	tp_shown = *(unsigned *)scan;
	free(scan);
}

static void
tp_rescan_free(void *scan)
{
	tp_discarded++;
	free(scan);
}

void
tp_jobs_hold(int on)
{
	pthread_mutex_lock(&tp_mu);
	tp_jobs_held = on;
	pthread_cond_broadcast(&tp_cv);
	pthread_mutex_unlock(&tp_mu);
}

void
tp_rescan_hold(int on)
{
	pthread_mutex_lock(&tp_mu);
	tp_held = on;
	pthread_cond_broadcast(&tp_cv);
	pthread_mutex_unlock(&tp_mu);
}

int
tp_rescan_waiting(uint32_t unused)
{
	int w;

	(void)unused;
	pthread_mutex_lock(&tp_mu);
	w = tp_waiting;
	pthread_mutex_unlock(&tp_mu);
	return w;
}

static const struct prov_ops tp_ops = {
    .name = "tp",
    .claims = tp_claims,
    .validate = tp_validate,
    .prepare = tp_prepare,
    .run = tp_run,
    .commit = tp_commit,
    .free_plan = tp_free_plan,
    .rescan = tp_rescan,
    .rescan_publish = tp_rescan_publish,
    .rescan_free = tp_rescan_free,
};
static const struct prov_ops *const tp_list[] = {&tp_ops, NULL};

/* ----------------------------------------------------------- harness */

struct event_base *base;
static struct event *tick;
struct vds_conf conf;
char dir[64];
int completed;
static unsigned last_progress[64];
unsigned progress_calls, progress_backwards;

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

static const struct job_observer obs = {.completed = obs_completed, .progress = obs_progress};

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
}

void
quiet(int prio, const char *token, const char *msg)
{
}

void
engine_up(void)
{
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	job_set_observer(&obs);
}

/* Before each test: fresh state dir, conf, engine and counters. */
void
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
	tp_reads = tp_shown = tp_discarded = tp_published_while_active = 0;
	tp_rescan_hold(0);
	tp_jobs_hold(0);
	memset(tp_disk_active, 0, sizeof(tp_disk_active));
	memset(last_progress, 0, sizeof(last_progress));
	completed = 0;
	progress_calls = progress_backwards = 0;
	job_engine_set_providers(tp_list);
	engine_up();
}

void
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
int
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

int
is_finished(uint32_t h)
{
	struct job *j = job_find(h);

	return j && job_is_finished(j);
}

int
is_gone(uint32_t h)
{
	return job_find(h) == NULL;
}

int
is_past_no_return(uint32_t h)
{
	struct job *j = job_find(h);

	return j && j->run && j->run->percent_live >= 35; /* the provider's own report */
}

int
none_active(uint32_t h)
{
	struct job_counters c;

	job_get_counters(&c);
	return c.running == 0 && c.queued == 0;
}

struct job_params
params(unsigned disk, unsigned step_ms)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .disk = disk, .size = 100};

	p.stripe_size = step_ms;
	return p;
}
