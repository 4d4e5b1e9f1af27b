/* SPDX-License-Identifier: ISC */
/*
 * statewr.c - a writer thread for whole state files (see statewr.h).
 */
#include "config.h"

#include <pthread.h>
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

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct sw_req *head;
	int busy, running, stop, failed;
	pthread_t thread;
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

static void *
sw_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&sw.mu);
	for (;;) {
		struct sw_req *r = sw.head;
		int rc;

		if (!r) {
			pthread_cond_broadcast(&sw.idle);
			if (sw.stop)
				break;
			pthread_cond_wait(&sw.work, &sw.mu);
			continue;
		}
		sw.head = r->next;
		sw.busy = 1;
		pthread_mutex_unlock(&sw.mu);
		rc = atomic_write_gen(r->path, r->fill, r->arg);
		if (rc < 0)
			log_warn("state", "cannot write %s", r->path);
		sw_free(r, rc);
		pthread_mutex_lock(&sw.mu);
		sw.busy = 0;
		if (rc < 0)
			sw.failed = 1;
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
		if (pthread_create(&sw.thread, NULL, sw_main, NULL) != 0) {
			pthread_mutex_unlock(&sw.mu);
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
	pthread_cond_signal(&sw.work);
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
	pthread_cond_signal(&sw.work);
	pthread_mutex_unlock(&sw.mu);
	pthread_join(sw.thread, NULL);
	pthread_mutex_lock(&sw.mu);
	sw.running = 0;
	pthread_mutex_unlock(&sw.mu);
}
