/* SPDX-License-Identifier: ISC */
/*
 * durable.c - provider state written by the state writer thread, outcomes
 * delivered on the loop (see durable.h).
 *
 * The writer thread (statewr.c) calls dr_fill and dr_done; dr_done queues
 * the request for the loop and wakes it through an eventfd.  Everything
 * else runs on the loop thread.  dr.mu guards the outbound queue, the
 * eventfd and each file's fail_through.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "durable.h"
#include "log.h"
#include "staterr.h"
#include "statewr.h"

struct durable_file {
	char *path;
	durable_landed_fn fn;
	void *arg;
	char *landed, *latest; /* the content on disk; the content last given */
	size_t landed_len, latest_len;
	uint64_t queued;   /* the last write's sequence number */
	uint64_t answered; /* the last write delivered, and how it went */
	int answered_rc;
	uint64_t fail_through; /* dr.mu: writes up to this one are not written */
	unsigned flags;
};

struct dr_req {
	struct dr_req *next;
	struct durable_file *df;
	uint64_t seq;
	char *buf;
	size_t len;
	int rc, err, abandoned;
};

struct dr_waiter {
	struct dr_waiter *next;
	struct durable_file *df;
	uint64_t seq;
	void (*fn)(void *arg, int rc, const char *why);
	void *arg;
};

static struct {
	pthread_mutex_t mu;
	struct dr_req *out_head, *out_tail; /* delivered by the loop */
	int efd;
	struct event *ev;
	struct dr_waiter *waiters; /* loop thread */
	int bracket;
	struct durable_ticket last;
} dr = {.mu = PTHREAD_MUTEX_INITIALIZER, .efd = -1};

/* Writer thread: the content, unless an earlier write of the file failed. */
static int
dr_fill(FILE *f, void *arg)
{
	struct dr_req *r = arg;
	int skip;

	pthread_mutex_lock(&dr.mu);
	skip = r->seq <= r->df->fail_through;
	pthread_mutex_unlock(&dr.mu);
	if (skip) {
		r->abandoned = 1;
		errno = ECANCELED;
		return -1;
	}
	return fwrite(r->buf, 1, r->len, f) == r->len ? 0 : -1;
}

static void
dr_free(struct dr_req *r)
{
	free(r->buf);
	free(r);
}

/* Writer thread (or the caller of statewr_request when it was replaced). */
static void
dr_done(void *arg, int rc)
{
	static const uint64_t one = 1;
	struct dr_req *r = arg;

	if (rc > 0) { /* replaced by a newer write, which carries this content */
		dr_free(r);
		return;
	}
	r->rc = rc;
	r->err = errno;
	pthread_mutex_lock(&dr.mu);
	if (rc < 0 && !r->abandoned)
		r->df->fail_through = UINT64_MAX; /* until the loop has rolled back */
	if (dr.out_tail)
		dr.out_tail->next = r;
	else
		dr.out_head = r;
	dr.out_tail = r;
	if (dr.efd >= 0 && write(dr.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("durable", "eventfd write");
	pthread_mutex_unlock(&dr.mu);
}

static void
dr_answer(struct durable_file *df, uint64_t seq, int rc, const char *why)
{
	struct dr_waiter **pp = &dr.waiters, *w;

	df->answered = seq;
	df->answered_rc = rc;
	while ((w = *pp)) {
		if (w->df != df || w->seq > seq) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->fn(w->arg, rc, why);
		free(w);
	}
}

static void
dr_deliver_one(struct dr_req *r)
{
	struct durable_file *df = r->df;
	char why[600] = "";

	if (r->rc == 0) {
		free(df->landed);
		df->landed = r->buf;
		df->landed_len = r->len;
		r->buf = NULL;
		if (df->fn)
			df->fn(df->arg, 0);
	} else if (r->abandoned) {
		snprintf(why, sizeof(why), "cannot write %s: an earlier write of it failed",
		         df->path);
	} else {
		snprintf(why, sizeof(why), "cannot write %s: %s", df->path, strerror(r->err));
		staterr_problem(df->path, "write", "%s: the changes not on disk yet are undone",
		                strerror(r->err));
		/* the owner's state is the file's again */
		free(df->latest);
		df->latest = NULL;
		df->latest_len = 0;
		if ((df->latest = malloc(df->landed_len + 1))) {
			memcpy(df->latest, df->landed, df->landed_len);
			df->latest_len = df->landed_len;
		}
		if (df->fn)
			df->fn(df->arg, -1);
		pthread_mutex_lock(&dr.mu);
		df->fail_through = df->queued; /* built on the failed content */
		pthread_mutex_unlock(&dr.mu);
	}
	dr_answer(df, r->seq, r->rc == 0 ? 0 : -1, why);
	dr_free(r);
}

static void
dr_deliver(void)
{
	struct dr_req *r, *next;

	pthread_mutex_lock(&dr.mu);
	r = dr.out_head;
	dr.out_head = dr.out_tail = NULL;
	pthread_mutex_unlock(&dr.mu);
	for (; r; r = next) {
		next = r->next;
		dr_deliver_one(r);
	}
}

static void
dr_on_event(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("durable", "eventfd read");
	dr_deliver();
}

int
durable_init(struct event_base *base)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct event *ev =
	    efd >= 0 ? event_new(base, efd, EV_READ | EV_PERSIST, dr_on_event, NULL) : NULL;

	if (!ev || event_add(ev, NULL) < 0) {
		log_warn("durable", "cannot watch the state writer");
		if (ev)
			event_free(ev);
		if (efd >= 0)
			close(efd);
		return -1;
	}
	pthread_mutex_lock(&dr.mu);
	dr.efd = efd;
	dr.ev = ev;
	pthread_mutex_unlock(&dr.mu);
	return 0;
}

void
durable_fini(void)
{
	statewr_wait();
	statewr_sync(); /* a clean stop leaves every state file on disk */
	dr_deliver();
	pthread_mutex_lock(&dr.mu);
	if (dr.ev)
		event_free(dr.ev);
	if (dr.efd >= 0)
		close(dr.efd);
	dr.ev = NULL;
	dr.efd = -1;
	pthread_mutex_unlock(&dr.mu);
}

static char *
dr_dup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

struct durable_file *
durable_open(const char *path, const char *content, size_t len, unsigned flags,
             durable_landed_fn fn, void *arg)
{
	struct durable_file *df = calloc(1, sizeof(*df));

	if (!df || !(df->path = strdup(path)) || !(df->landed = dr_dup(content, len)) ||
	    !(df->latest = dr_dup(content, len))) {
		if (df) {
			free(df->path);
			free(df->landed);
		}
		free(df);
		return NULL;
	}
	df->landed_len = df->latest_len = len;
	df->flags = flags;
	df->fn = fn;
	df->arg = arg;
	return df;
}

void
durable_close(struct durable_file *df)
{
	struct dr_waiter **pp = &dr.waiters, *w;

	if (!df)
		return;
	statewr_wait();
	dr_deliver();
	while ((w = *pp)) { /* none after the job engine's durable_fini() */
		if (w->df != df) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->fn(w->arg, -1, "vdsd stopped before the state was written");
		free(w);
	}
	free(df->path);
	free(df->landed);
	free(df->latest);
	free(df);
}

int
durable_write(struct durable_file *df, char *buf, size_t len)
{
	struct dr_req *r = calloc(1, sizeof(*r));
	char *copy = dr_dup(buf, len);

	if (!r || !copy) {
		free(r);
		free(copy);
		free(buf);
		return -1;
	}
	free(df->latest);
	df->latest = copy;
	df->latest_len = len;
	r->df = df;
	r->seq = ++df->queued;
	r->buf = buf;
	r->len = len;
	if (dr.bracket)
		dr.last = (struct durable_ticket){df, r->seq};
	/* when the thread cannot start, dr_done has queued the failure */
	if (df->flags & DURABLE_SYNC)
		statewr_request(df->path, dr_fill, r, dr_done);
	else
		statewr_request_lazy(df->path, dr_fill, r, dr_done);
	return 0;
}

const char *
durable_content(const struct durable_file *df, int landed, size_t *len)
{
	*len = landed ? df->landed_len : df->latest_len;
	return landed ? df->landed : df->latest;
}

const char *
durable_path(const struct durable_file *df)
{
	return df->path;
}

void
durable_ticket_begin(void)
{
	dr.bracket = 1;
	dr.last = (struct durable_ticket){NULL, 0};
}

struct durable_ticket
durable_ticket_end(void)
{
	dr.bracket = 0;
	return dr.last;
}

int
durable_wait(struct durable_ticket t, void (*fn)(void *arg, int rc, const char *why), void *arg)
{
	struct dr_waiter *w, **pp = &dr.waiters;

	if (!t.df) {
		fn(arg, 0, "");
		return 0;
	}
	if (t.seq <= t.df->answered) { /* delivered already: that outcome */
		fn(arg, t.df->answered_rc, t.df->answered_rc ? "an earlier write failed" : "");
		return 0;
	}
	if (!(w = calloc(1, sizeof(*w))))
		return -1;
	w->df = t.df;
	w->seq = t.seq;
	w->fn = fn;
	w->arg = arg;
	while (*pp) /* answered in the order they wait: jobs finish in commit order */
		pp = &(*pp)->next;
	*pp = w;
	return 0;
}
