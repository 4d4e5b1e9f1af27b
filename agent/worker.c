/* SPDX-License-Identifier: ISC */
/*
 * worker.c - pthread pool for provider run() calls, and the struct prov_job
 * functions of provider.h.
 *
 * One mutex guards everything shared with the workers: the list of jobs
 * waiting for a thread, the outbound queue to the loop, and each job's
 * cancel/no-return flags and pending progress.  A job sits at most once in
 * the outbound queue; flags say what the loop has to look at (progress,
 * done), so a provider that reports progress in a tight loop costs the loop
 * one wake-up, not one per call.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "worker.h"

#define WQ_PROGRESS 0x01
#define WQ_DONE     0x02

#define WORKER_MAX 256 /* jobMaxRunning's largest value */

enum worker_slot { WS_FREE = 0, WS_LIVE, WS_EXITED };

struct prov_job {
	uint32_t handle;
	const struct prov_ops *ops;
	void *pstate, *plan;
	/* Everything below is under wk.mu. */
	struct prov_job *next; /* waiting list or outbound queue */
	int in_queue;
	unsigned qflags;
	int cancel, no_return;
	unsigned percent;
	char details[128];
	/* Written by the worker before WQ_DONE, read by the loop after. */
	enum vds_result result;
	struct job_outputs out;
	char msg[256];
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work_cv;
	pthread_cond_t sleep_cv;                /* prov_job_sleep(); broadcast on any cancel */
	struct prov_job *wait_head, *wait_tail; /* submitted, no thread yet */
	struct prov_job *out_head, *out_tail;   /* for the loop */
	/* A thread keeps its slot until joined; slots never move. */
	pthread_t tid[WORKER_MAX];
	enum worker_slot slot[WORKER_MAX]; /* under mu */
	unsigned live;                     /* WS_LIVE slots */
	unsigned target;                   /* the pool size asked for */
	int stopping;
	int efd;
	struct event *ev;
	struct worker_ops ops;
} wk = {.mu = PTHREAD_MUTEX_INITIALIZER, .work_cv = PTHREAD_COND_INITIALIZER, .efd = -1};

/* sleep_cv waits on CLOCK_MONOTONIC so a clock step does not stretch a sleep. */
static int
worker_init_sleep_cv(void)
{
	static int done;
	pthread_condattr_t attr;

	if (done)
		return 0;
	if (pthread_condattr_init(&attr) || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&wk.sleep_cv, &attr))
		return -1;
	pthread_condattr_destroy(&attr);
	done = 1;
	return 0;
}

/*
 * Caller holds wk.mu.  1 when j was queued now: the caller then wakes the
 * loop with worker_kick() once it has let go of wk.mu (the loop's first
 * step is to take it).
 */
static int
worker_post(struct prov_job *j, unsigned flag)
{
	j->qflags |= flag;
	if (j->in_queue)
		return 0;
	j->in_queue = 1;
	j->next = NULL;
	if (wk.out_tail)
		wk.out_tail->next = j;
	else
		wk.out_head = j;
	wk.out_tail = j;
	return 1;
}

static void
worker_kick(void)
{
	static const uint64_t one = 1;

	if (write(wk.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("worker", "eventfd write");
}

/*
 * The next job, or NULL when this thread is to stop: at shutdown, or when
 * the pool shrank and it is surplus (it leaves idle, never in mid-job).
 */
static struct prov_job *
worker_take(void)
{
	struct prov_job *j;

	while (!wk.stopping && !wk.wait_head && wk.live <= wk.target)
		pthread_cond_wait(&wk.work_cv, &wk.mu);
	if (wk.stopping || !wk.wait_head)
		return NULL;
	j = wk.wait_head;
	wk.wait_head = j->next;
	if (!wk.wait_head)
		wk.wait_tail = NULL;
	j->next = NULL;
	return j;
}

static void *
worker_main(void *arg)
{
	size_t slot = (size_t)(uintptr_t)arg;
	struct prov_job *j;
	enum vds_result r;

	pthread_mutex_lock(&wk.mu);
	while ((j = worker_take())) {
		pthread_mutex_unlock(&wk.mu);
		r = j->ops->run(j->pstate, j->plan, j, &j->out, j->msg, sizeof(j->msg));
		pthread_mutex_lock(&wk.mu);
		j->result = r;
		if (worker_post(j, WQ_DONE)) { /* j is the loop's from here */
			pthread_mutex_unlock(&wk.mu);
			worker_kick();
			pthread_mutex_lock(&wk.mu);
		}
	}
	if (!wk.stopping)
		wk.live--;
	wk.slot[slot] = WS_EXITED;
	pthread_mutex_unlock(&wk.mu);
	return NULL;
}

static void
worker_free(struct prov_job *j)
{
	free(j);
}

/* Apply one dequeued job on the loop thread. */
static void
worker_deliver(struct prov_job *j, unsigned flags, unsigned percent, const char *details)
{
	if ((flags & WQ_PROGRESS) && wk.ops.progress)
		wk.ops.progress(j->handle, percent, details, wk.ops.arg);
	if (!(flags & WQ_DONE))
		return;
	if (wk.ops.done)
		wk.ops.done(j->handle, j->result, &j->out, j->msg, wk.ops.arg);
	worker_free(j);
}

static void
worker_drain(evutil_socket_t fd, short what, void *arg)
{
	struct prov_job *j, *next;
	char details[sizeof(j->details)];
	unsigned flags, percent;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("worker", "eventfd read");
	pthread_mutex_lock(&wk.mu);
	j = wk.out_head;
	wk.out_head = wk.out_tail = NULL;
	while (j) {
		next = j->next;
		j->in_queue = 0;
		flags = j->qflags;
		j->qflags = 0;
		percent = j->percent;
		memcpy(details, j->details, sizeof(details));
		pthread_mutex_unlock(&wk.mu);
		/* After WQ_DONE no worker touches j any more. */
		worker_deliver(j, flags, percent, details);
		pthread_mutex_lock(&wk.mu);
		j = next;
	}
	pthread_mutex_unlock(&wk.mu);
}

/* Join the threads that left after a shrink, freeing their slots.  Loop thread. */
static void
worker_reap(void)
{
	for (unsigned i = 0; i < WORKER_MAX; i++) {
		int exited;

		pthread_mutex_lock(&wk.mu);
		exited = wk.slot[i] == WS_EXITED;
		pthread_mutex_unlock(&wk.mu);
		if (!exited)
			continue;
		pthread_join(wk.tid[i], NULL); /* it has returned: no wait */
		pthread_mutex_lock(&wk.mu);
		wk.slot[i] = WS_FREE;
		pthread_mutex_unlock(&wk.mu);
	}
}

/* Start threads until wk.live reaches wk.target.  Loop thread. */
static int
worker_grow(void)
{
	int rc = 0;

	worker_reap();
	pthread_mutex_lock(&wk.mu);
	for (unsigned i = 0; i < WORKER_MAX && wk.live < wk.target; i++) {
		if (wk.slot[i] != WS_FREE)
			continue;
		rc = pthread_create(&wk.tid[i], NULL, worker_main, (void *)(uintptr_t)i);
		if (rc) {
			errno = rc;
			log_warn("worker", "pthread_create");
			rc = -1;
			break;
		}
		wk.slot[i] = WS_LIVE;
		wk.live++;
	}
	pthread_mutex_unlock(&wk.mu);
	return rc;
}

static unsigned
worker_clamp(unsigned n)
{
	return n < 1 ? 1 : n > WORKER_MAX ? WORKER_MAX : n;
}

int
worker_resize(unsigned nthreads)
{
	unsigned n = worker_clamp(nthreads), was;

	pthread_mutex_lock(&wk.mu);
	was = wk.target;
	wk.target = n;
	/* shrinking: idle surplus threads see live > target and leave */
	pthread_cond_broadcast(&wk.work_cv);
	pthread_mutex_unlock(&wk.mu);
	if (n != was)
		log_info("worker", "%u worker threads (were %u)", n, was);
	return worker_grow();
}

int
worker_init(struct event_base *base, unsigned nthreads, const struct worker_ops *ops)
{
	wk.ops = *ops;
	wk.stopping = 0;
	if (worker_init_sleep_cv() < 0)
		goto out;
	wk.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (wk.efd < 0) {
		log_warn("worker", "eventfd");
		goto out;
	}
	wk.ev = event_new(base, wk.efd, EV_READ | EV_PERSIST, worker_drain, NULL);
	if (!wk.ev || event_add(wk.ev, NULL) < 0)
		goto out;
	wk.target = worker_clamp(nthreads);
	if (worker_grow() < 0)
		goto out;
	return 0;
out:
	worker_shutdown();
	return -1;
}

static void
worker_free_list(struct prov_job *j)
{
	struct prov_job *next;

	for (; j; j = next) {
		next = j->next;
		worker_free(j);
	}
}

void
worker_shutdown(void)
{
	pthread_mutex_lock(&wk.mu);
	wk.stopping = 1;
	pthread_cond_broadcast(&wk.sleep_cv);
	pthread_cond_broadcast(&wk.work_cv);
	pthread_mutex_unlock(&wk.mu);
	for (unsigned i = 0; i < WORKER_MAX; i++)
		if (wk.slot[i] != WS_FREE)
			pthread_join(wk.tid[i], NULL);
	memset(wk.slot, 0, sizeof(wk.slot));
	wk.live = wk.target = 0;
	worker_free_list(wk.wait_head);
	worker_free_list(wk.out_head);
	wk.wait_head = wk.wait_tail = wk.out_head = wk.out_tail = NULL;
	if (wk.ev)
		event_free(wk.ev);
	wk.ev = NULL;
	if (wk.efd >= 0)
		close(wk.efd);
	wk.efd = -1;
}

struct prov_job *
worker_submit(uint32_t handle, const struct prov_ops *ops, void *pstate, void *plan)
{
	struct prov_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->handle = handle;
	j->ops = ops;
	j->pstate = pstate;
	j->plan = plan;
	pthread_mutex_lock(&wk.mu);
	if (wk.wait_tail)
		wk.wait_tail->next = j;
	else
		wk.wait_head = j;
	wk.wait_tail = j;
	pthread_mutex_unlock(&wk.mu);
	/* after the unlock: the thread woken takes wk.mu at once */
	pthread_cond_signal(&wk.work_cv);
	return j;
}

enum worker_cancel_answer
worker_cancel(struct prov_job *j)
{
	enum worker_cancel_answer a = WORKER_CANCEL_REQUESTED;

	pthread_mutex_lock(&wk.mu);
	if (j->no_return)
		a = WORKER_CANCEL_TOO_LATE;
	else {
		j->cancel = 1;
		pthread_cond_broadcast(&wk.sleep_cv);
	}
	pthread_mutex_unlock(&wk.mu);
	return a;
}

void
prov_job_progress(struct prov_job *j, unsigned percent, const char *details)
{
	int kick;

	if (percent > 99)
		percent = 99;
	pthread_mutex_lock(&wk.mu);
	if (percent > j->percent)
		j->percent = percent;
	if (details)
		snprintf(j->details, sizeof(j->details), "%s", details);
	kick = worker_post(j, WQ_PROGRESS);
	pthread_mutex_unlock(&wk.mu);
	if (kick)
		worker_kick();
}

int
prov_job_cancelled(struct prov_job *j)
{
	int c;

	pthread_mutex_lock(&wk.mu);
	c = (j->cancel || wk.stopping) && !j->no_return;
	pthread_mutex_unlock(&wk.mu);
	return c;
}

int
prov_job_no_return(struct prov_job *j)
{
	int cancelled;

	/* One step under the lock: a cancel either wins here or is too late. */
	pthread_mutex_lock(&wk.mu);
	cancelled = (j->cancel || wk.stopping) && !j->no_return;
	if (!cancelled)
		j->no_return = 1;
	pthread_mutex_unlock(&wk.mu);
	return cancelled;
}

int
prov_job_sleep(struct prov_job *j, unsigned ms)
{
	struct timespec until;
	int c;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wk.mu);
	while (!(c = (j->cancel || wk.stopping) && !j->no_return))
		if (pthread_cond_timedwait(&wk.sleep_cv, &wk.mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&wk.mu);
	return c;
}

uint32_t
prov_job_handle(const struct prov_job *j)
{
	return j->handle; /* set at submit, never changed */
}

int
prov_job_stopping(void)
{
	int s;

	pthread_mutex_lock(&wk.mu);
	s = wk.stopping;
	pthread_mutex_unlock(&wk.mu);
	return s;
}
