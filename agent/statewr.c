/* SPDX-License-Identifier: ISC */
/*
 * statewr.c - writer threads for whole state files (see statewr.h).
 *
 * Two threads: a write of one file (index.map) does not hold up one of
 * another (sim.state, whose job waits for it).  A file is never written by
 * both at once, and its requests are written in the order made.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "log.h"
#include "statewr.h"

struct sw_req {
	struct sw_req *next;
	char *path;
	int (*fill)(FILE *f, void *arg);
	void *arg;
	void (*done)(void *arg, int rc);
};

#define SW_THREADS STATEWR_THREADS

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct sw_req *head;
	const char *writing[SW_THREADS]; /* the path each thread writes, or NULL */
	int busy, running, stop, failed;
	pthread_t thread[SW_THREADS];
} sw = {.mu = PTHREAD_MUTEX_INITIALIZER,
        .work = PTHREAD_COND_INITIALIZER,
        .idle = PTHREAD_COND_INITIALIZER};

static void
sw_free(struct sw_req *r, int rc)
{
	if (r->done)
		r->done(r->arg, rc);
	free(r->path);
	free(r);
}

/* Caller holds sw.mu: the oldest request whose file no thread is writing. */
static struct sw_req *
sw_take(void)
{
	struct sw_req **pp, *r;

	for (pp = &sw.head; (r = *pp); pp = &r->next) {
		int taken = 0;

		for (int t = 0; t < SW_THREADS; t++)
			taken |= sw.writing[t] && strcmp(sw.writing[t], r->path) == 0;
		if (!taken) {
			*pp = r->next;
			return r;
		}
	}
	return NULL;
}

static void *
sw_main(void *arg)
{
	int me = (int)(intptr_t)arg;

	pthread_mutex_lock(&sw.mu);
	for (;;) {
		struct sw_req *r = sw_take();
		int rc;

		if (!r) {
			if (!sw.head && !sw.busy)
				pthread_cond_broadcast(&sw.idle);
			if (sw.stop && !sw.head)
				break;
			pthread_cond_wait(&sw.work, &sw.mu);
			continue;
		}
		sw.writing[me] = r->path; /* freed only after this is cleared */
		sw.busy++;
		pthread_mutex_unlock(&sw.mu);
		rc = atomic_write_gen(r->path, r->fill, r->arg);
		if (rc < 0)
			log_warn("state", "cannot write %s", r->path);
		/* done() before the next write of the file starts: in order */
		if (r->done)
			r->done(r->arg, rc);
		pthread_mutex_lock(&sw.mu);
		sw.writing[me] = NULL;
		sw.busy--;
		if (rc < 0)
			sw.failed = 1;
		pthread_cond_broadcast(&sw.work); /* that file is free for the other thread */
		pthread_mutex_unlock(&sw.mu);
		free(r->path);
		free(r);
		pthread_mutex_lock(&sw.mu);
	}
	pthread_mutex_unlock(&sw.mu);
	return NULL;
}

int
statewr_request(const char *path, int (*fill)(FILE *f, void *arg), void *arg,
                void (*done)(void *arg, int rc))
{
	struct sw_req *r = calloc(1, sizeof(*r)), **pp, *old = NULL;

	if (!r || !(r->path = strdup(path))) {
		free(r);
		if (done)
			done(arg, -1);
		return -1;
	}
	r->fill = fill;
	r->arg = arg;
	r->done = done;
	pthread_mutex_lock(&sw.mu);
	if (!sw.running) {
		sw.stop = 0;
		for (int t = 0; t < SW_THREADS; t++)
			if (pthread_create(&sw.thread[t], NULL, sw_main, (void *)(intptr_t)t) !=
			    0) {
				sw.stop = 1; /* the ones started leave; none is left running */
				pthread_cond_broadcast(&sw.work);
				pthread_mutex_unlock(&sw.mu);
				while (t--)
					pthread_join(sw.thread[t], NULL);
				sw_free(r, -1);
				return -1;
			}
		sw.running = 1;
	}
	for (pp = &sw.head; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->path, path) == 0) { /* not started yet: the newer wins */
			old = *pp;
			r->next = old->next;
			break;
		}
	*pp = r;
	pthread_cond_broadcast(&sw.work);
	pthread_mutex_unlock(&sw.mu);
	if (old) /* its done() may lock what the caller's fill locks */
		sw_free(old, 1);
	return 0;
}

int
statewr_wait(void)
{
	int failed;

	pthread_mutex_lock(&sw.mu);
	while (sw.running && (sw.head || sw.busy))
		pthread_cond_wait(&sw.idle, &sw.mu);
	failed = sw.failed;
	sw.failed = 0;
	pthread_mutex_unlock(&sw.mu);
	return failed ? -1 : 0;
}

void
statewr_stop(void)
{
	pthread_mutex_lock(&sw.mu);
	if (!sw.running) {
		pthread_mutex_unlock(&sw.mu);
		return;
	}
	sw.stop = 1;
	pthread_cond_broadcast(&sw.work);
	pthread_mutex_unlock(&sw.mu);
	for (int t = 0; t < SW_THREADS; t++)
		pthread_join(sw.thread[t], NULL);
	pthread_mutex_lock(&sw.mu);
	sw.running = 0;
	pthread_mutex_unlock(&sw.mu);
}
