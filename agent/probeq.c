/* SPDX-License-Identifier: ISC */
/*
 * probeq.c - the prober thread (see probeq.h).
 *
 * pq.mu guards the two queues (to probe, probed) and the thread's state;
 * the list of pending items, their cancel flags and the idle callback
 * belong to the loop thread.  The prober wakes the loop through an eventfd.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "probe.h"
#include "probeq.h"

#define PQ_BATCH 128

struct pq_item {
	struct pq_item *next;      /* to probe, or probed: under pq.mu */
	TAILQ_ENTRY(pq_item) pend; /* pending: loop thread */
	struct inv_disk *d;
	probeq_probe_fn probe;
	probeq_apply_fn apply;
	void *arg;
	int rc;
	int cancelled; /* loop thread */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct pq_item *todo, *todo_tail, *done, *done_tail;
	int running, stop, busy;
	unsigned unsignalled; /* probed since the loop was last woken */
	pthread_t thread;
	int efd;
	struct event *ev, *idle_timer;
	/* loop thread */
	TAILQ_HEAD(, pq_item) pending;
	unsigned npending;
	void (*idle_fn)(void *arg);
	void *idle_arg;
} pq = {.mu = PTHREAD_MUTEX_INITIALIZER,
        .work = PTHREAD_COND_INITIALIZER,
        .idle = PTHREAD_COND_INITIALIZER,
        .efd = -1,
        .pending = TAILQ_HEAD_INITIALIZER(pq.pending)};

static void *
pq_main(void *unused)
{
	static const uint64_t one = 1;
	struct pq_item *it;

	(void)unused;
	pthread_mutex_lock(&pq.mu);
	for (;;) {
		if (pq.stop) /* at shutdown: the disks still queued are not read */
			break;
		if (!(it = pq.todo)) {
			pthread_cond_broadcast(&pq.idle);
			pthread_cond_wait(&pq.work, &pq.mu);
			continue;
		}
		pq.todo = it->next;
		if (!pq.todo)
			pq.todo_tail = NULL;
		pq.busy = 1;
		pthread_mutex_unlock(&pq.mu);
		it->rc = it->probe(it->d, it->arg);
		pthread_mutex_lock(&pq.mu);
		pq.busy = 0;
		it->next = NULL;
		if (pq.done_tail)
			pq.done_tail->next = it;
		else
			pq.done = it;
		pq.done_tail = it;
		/*
		 * The loop applies results in batches: when nothing is left to
		 * probe, or every PQ_BATCH disks.  One batch, one end of a loop
		 * turn, one index.map write (not one per disk at a cold start).
		 */
		if (++pq.unsignalled < PQ_BATCH && pq.todo)
			continue;
		pq.unsignalled = 0;
		if (pq.efd >= 0 && write(pq.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_warn("probeq", "eventfd write");
	}
	pthread_cond_broadcast(&pq.idle);
	pthread_mutex_unlock(&pq.mu);
	return NULL;
}

static void
pq_free(struct pq_item *it)
{
	if (it->d) {
		probe_free_parts(it->d);
		free(it->d);
	}
	free(it);
}

static void
pq_idle_check(void)
{
	void (*fn)(void *) = pq.idle_fn;

	if (pq.npending || !fn)
		return;
	pq.idle_fn = NULL;
	if (pq.idle_timer)
		evtimer_del(pq.idle_timer);
	fn(pq.idle_arg);
}

/* Apply what the prober finished, in the order submitted.  Loop thread. */
static void
pq_deliver(void)
{
	struct pq_item *it, *next;

	pthread_mutex_lock(&pq.mu);
	it = pq.done;
	pq.done = pq.done_tail = NULL;
	pthread_mutex_unlock(&pq.mu);
	for (; it; it = next) {
		next = it->next;
		TAILQ_REMOVE(&pq.pending, it, pend);
		pq.npending--;
		if (!it->cancelled) {
			it->apply(it->d, it->rc, it->arg);
			it->d = NULL; /* taken */
		}
		pq_free(it);
	}
	pq_idle_check();
}

static void
pq_on_event(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("probeq", "eventfd read");
	pq_deliver();
}

static void
pq_on_idle_timeout(evutil_socket_t fd, short what, void *arg)
{
	void (*fn)(void *) = pq.idle_fn;

	(void)fd;
	(void)what;
	(void)arg;
	pq.idle_fn = NULL;
	if (fn) {
		log_warnx("probeq", "%u disks still being probed: going on without them",
		          pq.npending);
		fn(pq.idle_arg);
	}
}

int
probeq_init(struct event_base *base)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	pq.ev = efd >= 0 ? event_new(base, efd, EV_READ | EV_PERSIST, pq_on_event, NULL) : NULL;
	pq.idle_timer = evtimer_new(base, pq_on_idle_timeout, NULL);
	if (!pq.ev || !pq.idle_timer || event_add(pq.ev, NULL) < 0) {
		log_warn("probeq", "cannot watch the prober");
		if (efd >= 0)
			close(efd);
		pq.efd = -1;
		probeq_fini();
		return -1;
	}
	pthread_mutex_lock(&pq.mu);
	pq.efd = efd;
	pthread_mutex_unlock(&pq.mu);
	return 0;
}

void
probeq_fini(void)
{
	struct pq_item *it;

	pthread_mutex_lock(&pq.mu);
	if (pq.running) {
		pq.stop = 1;
		pthread_cond_signal(&pq.work);
		pthread_mutex_unlock(&pq.mu);
		pthread_join(pq.thread, NULL);
		pthread_mutex_lock(&pq.mu);
		pq.running = 0;
	}
	pq.todo = pq.todo_tail = pq.done = pq.done_tail = NULL;
	if (pq.efd >= 0)
		close(pq.efd);
	pq.efd = -1;
	pthread_mutex_unlock(&pq.mu);
	while ((it = TAILQ_FIRST(&pq.pending))) { /* every item is on this list */
		TAILQ_REMOVE(&pq.pending, it, pend);
		pq_free(it);
	}
	pq.npending = 0;
	pq.idle_fn = NULL;
	if (pq.ev)
		event_free(pq.ev);
	if (pq.idle_timer)
		event_free(pq.idle_timer);
	pq.ev = pq.idle_timer = NULL;
}

int
probeq_submit(struct inv_disk *d, probeq_probe_fn probe, probeq_apply_fn apply, void *arg)
{
	struct pq_item *it = calloc(1, sizeof(*it));

	if (!it) {
		probe_free_parts(d);
		free(d);
		return -1;
	}
	it->d = d;
	it->probe = probe;
	it->apply = apply;
	it->arg = arg;
	pthread_mutex_lock(&pq.mu);
	if (!pq.running) {
		pq.stop = 0;
		if (pthread_create(&pq.thread, NULL, pq_main, NULL) != 0) {
			pthread_mutex_unlock(&pq.mu);
			log_warnx("probeq", "cannot start the prober thread");
			pq_free(it);
			return -1;
		}
		pq.running = 1;
	}
	if (pq.todo_tail)
		pq.todo_tail->next = it;
	else
		pq.todo = it;
	pq.todo_tail = it;
	pthread_cond_signal(&pq.work);
	pthread_mutex_unlock(&pq.mu);
	TAILQ_INSERT_TAIL(&pq.pending, it, pend);
	pq.npending++;
	return 0;
}

void
probeq_cancel(const char *devnode)
{
	struct pq_item *it;

	/* devnode is identity: the prober never writes it */
	TAILQ_FOREACH(it, &pq.pending, pend)
	if (strcmp(it->d->devnode, devnode) == 0)
		it->cancelled = 1;
}

unsigned
probeq_pending(void)
{
	return pq.npending;
}

int
probeq_when_idle(unsigned timeout_ms, void (*fn)(void *arg), void *arg)
{
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};

	pq.idle_fn = fn;
	pq.idle_arg = arg;
	if (!pq.npending) {
		pq_idle_check();
		return 0;
	}
	return pq.idle_timer ? evtimer_add(pq.idle_timer, &tv) : 0;
}

void
probeq_drain(void)
{
	pthread_mutex_lock(&pq.mu);
	while (pq.running && (pq.todo || pq.busy))
		pthread_cond_wait(&pq.idle, &pq.mu);
	pthread_mutex_unlock(&pq.mu);
	pq_deliver();
}
