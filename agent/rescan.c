/* SPDX-License-Identifier: ISC */
/*
 * rescan.c - the providers' storage read again outside their jobs (rescan.h).
 *
 * Each provider with a rescan op has a slot.  On the loop: "want" (a
 * rescan was asked for and not begun), "inflight" (handed to the thread)
 * and the provider's commit count when it was handed over.  Under the
 * mutex: "todo" (for the thread) and "done" with its result (for the loop,
 * through an eventfd).  One thread reads the slots in turn, so no two
 * rescans of a provider ever overlap.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "job.h"
#include "jobprov.h"
#include "log.h"
#include "provider.h"
#include "rescan.h"

#define RS_MAX 16

struct rs_slot {
	const struct prov_ops *ops;
	void *state;
	/* loop thread */
	int want, inflight;
	unsigned long want_commits; /* the provider's commits when it was first wanted */
	unsigned long commits;      /* ... when the read was handed over */
	/* under rs.mu */
	int todo, done;
	void *result;
};

static struct {
	struct event *settle, *tick, *wake;
	int efd;
	pthread_t tid;
	int started, stopping;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rs_slot slot[RS_MAX];
	size_t n;
	unsigned long published, deferred, answered;
} rs = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .efd = -1};

/* ------------------------------------------------------------- thread */

static struct rs_slot *
rs_next_todo(void)
{
	for (size_t i = 0; i < rs.n; i++)
		if (rs.slot[i].todo)
			return &rs.slot[i];
	return NULL;
}

static void *
rs_main(void *arg)
{
	static const uint64_t one = 1;
	struct rs_slot *s;
	void *result;

	(void)arg;
	pthread_mutex_lock(&rs.mu);
	for (;;) {
		while (!rs.stopping && !(s = rs_next_todo()))
			pthread_cond_wait(&rs.cv, &rs.mu);
		if (rs.stopping)
			break;
		s->todo = 0;
		pthread_mutex_unlock(&rs.mu);
		result = s->ops->rescan(s->state);
		pthread_mutex_lock(&rs.mu);
		s->result = result;
		s->done = 1;
		if (write(rs.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_warn("rescan", "eventfd write");
	}
	pthread_mutex_unlock(&rs.mu);
	return NULL;
}

/* --------------------------------------------------------------- loop */

static void
rs_arm(unsigned ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

	if (rs.settle && !evtimer_pending(rs.settle, NULL))
		evtimer_add(rs.settle, &tv);
}

/* The settle timer: hand every wanted, idle provider to the thread. */
static void
rs_submit(evutil_socket_t fd, short what, void *arg)
{
	int busy = 0;

	(void)fd;
	(void)what;
	(void)arg;
	for (size_t i = 0; i < rs.n; i++) {
		struct rs_slot *s = &rs.slot[i];

		if (!s->want || s->inflight)
			continue;
		if (jobprov_commits(s->ops) != s->want_commits) {
			/* a job's commit since: its scan, taken at its end, is newer than the ask
			 */
			log_debug("rescan", "%s: a job's scan answers the rescan", s->ops->name);
			rs.answered++;
			s->want = 0;
			continue;
		}
		if (job_engine_active(s->ops)) {
			rs.deferred++;
			busy = 1; /* its job's commit shows what it changed; read after it */
			continue;
		}
		s->want = 0;
		s->inflight = 1;
		s->commits = jobprov_commits(s->ops);
		pthread_mutex_lock(&rs.mu);
		s->todo = 1;
		pthread_cond_signal(&rs.cv);
		pthread_mutex_unlock(&rs.mu);
	}
	if (busy)
		rs_arm(RESCAN_BUSY_RETRY_MS);
}

static void
rs_want(struct rs_slot *s)
{
	if (s->want)
		return;
	s->want = 1;
	s->want_commits = jobprov_commits(s->ops);
}

/*
 * A read came back.  A job's commit since it began, or a job running now
 * (whose commit will come): the job's own scan is newer, this one is
 * dropped and not read again.
 */
static void
rs_land(struct rs_slot *s, void *result)
{
	s->inflight = 0;
	if (job_engine_active(s->ops) || jobprov_commits(s->ops) != s->commits) {
		log_debug("rescan", "%s: a job ran during the rescan, its scan wins", s->ops->name);
		if (result)
			s->ops->rescan_free(result);
	} else if (result) {
		s->ops->rescan_publish(s->state, result);
		rs.published++;
	}
	if (s->want)
		rs_arm(RESCAN_SETTLE_MS);
	job_engine_kick(); /* the jobs of this provider held back by the read */
}

static void
rs_drain(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("rescan", "eventfd read");
	for (size_t i = 0; i < rs.n; i++) {
		struct rs_slot *s = &rs.slot[i];
		void *result;
		int done;

		pthread_mutex_lock(&rs.mu);
		done = s->done;
		result = s->result;
		s->done = 0;
		s->result = NULL;
		pthread_mutex_unlock(&rs.mu);
		if (done)
			rs_land(s, result);
	}
}

void
rescan_request(const char *why)
{
	if (!rs.started)
		return;
	log_debug("rescan", "asked: %s", why);
	for (size_t i = 0; i < rs.n; i++)
		rs_want(&rs.slot[i]);
	rs_arm(RESCAN_SETTLE_MS);
}

static void
rs_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	rescan_request("rescanInterval");
}

static void
rs_set_interval(unsigned sec)
{
	struct timeval tv = {.tv_sec = sec};

	evtimer_del(rs.tick);
	if (sec)
		evtimer_add(rs.tick, &tv);
}

void
rescan_reload(const struct vds_conf *conf)
{
	if (!rs.started)
		return;
	rs_set_interval(conf->rescan_interval);
	rescan_request("reload");
}

int
rescan_reading(const struct prov_ops *ops)
{
	for (size_t i = 0; i < rs.n; i++)
		if (rs.slot[i].ops == ops)
			return rs.slot[i].inflight;
	return 0;
}

unsigned long
rescan_published(void)
{
	return rs.published;
}

unsigned long
rescan_deferred(void)
{
	return rs.deferred;
}

unsigned long
rescan_answered(void)
{
	return rs.answered;
}

int
rescan_init(struct event_base *base, const struct vds_conf *conf)
{
	const struct prov_ops *ops;
	void *state;

	rs.n = 0;
	rs.published = rs.deferred = rs.answered = 0;
	for (size_t i = 0; (ops = jobprov_nth(i, &state)); i++)
		if (ops->rescan && ops->rescan_publish && ops->rescan_free && rs.n < RS_MAX)
			rs.slot[rs.n++] = (struct rs_slot){.ops = ops, .state = state};
	if (!rs.n)
		return 0; /* no provider reads its storage again: nothing to start */
	rs.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (rs.efd < 0) {
		log_warn("rescan", "eventfd");
		return -1;
	}
	rs.wake = event_new(base, rs.efd, EV_READ | EV_PERSIST, rs_drain, NULL);
	rs.settle = evtimer_new(base, rs_submit, NULL);
	rs.tick = event_new(base, -1, EV_PERSIST, rs_tick, NULL);
	if (!rs.wake || !rs.settle || !rs.tick || event_add(rs.wake, NULL) < 0)
		goto fail;
	rs.stopping = 0;
	if (pthread_create(&rs.tid, NULL, rs_main, NULL) != 0) {
		log_warnx("rescan", "cannot start the rescan thread");
		goto fail;
	}
	rs.started = 1;
	rs_set_interval(conf->rescan_interval);
	return 0;
fail:
	rescan_fini();
	return -1;
}

void
rescan_fini(void)
{
	if (rs.started) {
		pthread_mutex_lock(&rs.mu);
		rs.stopping = 1;
		pthread_cond_broadcast(&rs.cv);
		pthread_mutex_unlock(&rs.mu);
		pthread_join(rs.tid, NULL);
		rs.started = 0;
	}
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.slot[i].result)
			rs.slot[i].ops->rescan_free(rs.slot[i].result);
		rs.slot[i] = (struct rs_slot){0};
	}
	rs.n = 0;
	if (rs.wake)
		event_free(rs.wake);
	if (rs.settle)
		event_free(rs.settle);
	if (rs.tick)
		event_free(rs.tick);
	rs.wake = rs.settle = rs.tick = NULL;
	if (rs.efd >= 0)
		close(rs.efd);
	rs.efd = -1;
}
