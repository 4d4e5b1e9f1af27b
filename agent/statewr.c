/* SPDX-License-Identifier: ISC */
/*
 * statewr.c - writer threads for whole state files (see statewr.h).
 *
 * Two threads: a write of one file (index.map) does not hold up one of
 * another (sim.state, whose job waits for it).  A file is never written by
 * both at once, and its requests are written in the order made.
 *
 * Lazy requests (statewr_request_lazy) are renamed into place unsynced
 * (atomic_write_lazy); a third thread, the syncer, fsyncs the newest
 * content of each such file SW_SYNC_MS after its first unsynced write:
 * one fsync per file and batch, never on a request's way to done().  An
 * unsynced content that a newer one replaced is never synced (nothing
 * refers to it).  Per file, sw_file.synced says whether the content at
 * path is on disk: only then does the next write keep it as path.prev, so
 * path.prev is always a content that survives a power loss.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "bgthread.h"
#include "clockms.h"
#include "log.h"
#include "staterr.h"
#include "statewr.h"

struct sw_req {
	struct sw_req *next;
	char *path;
	int (*fill)(FILE *f, void *arg);
	void *arg;
	void (*done)(void *arg, int rc);
	int lazy;
};

/* A file written lazily: what the syncer has to do for it. */
struct sw_file {
	struct sw_file *next;
	char *path;
	int fd;                /* the unsynced content at path, or -1 */
	int spare;             /* path.tmp, made ahead (atomic_spare), or -1 */
	int syncing;           /* the syncer is fsyncing a content of it now */
	uint64_t gen;          /* lazy writes so far */
	int synced;            /* the content at path is on disk (0 until known) */
	struct timespec since; /* first unsynced write */
};

#define SW_THREADS STATEWR_THREADS
#define SW_SYNC_MS 100
#define SW_CLOSING 16

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	struct sw_req *head;
	const char *writing[SW_THREADS]; /* the path each thread writes, or NULL */
	int busy, running, stop, failed;
	pthread_t thread[SW_THREADS];
	/* the syncer: files, its wake-up, a sync in progress, its thread */
	struct sw_file *files;
	pthread_cond_t sync_work, sync_idle;
	int syncing, sync_stop, sync_running;
	pthread_t syncer;
	/* replaced unsynced contents: their last close frees an inode, slow */
	int closing[SW_CLOSING], nclosing;
	int64_t sync_ms;
} sw = {.mu = PTHREAD_MUTEX_INITIALIZER,
        .sync_ms = SW_SYNC_MS,
        .work = PTHREAD_COND_INITIALIZER,
        .idle = PTHREAD_COND_INITIALIZER,
        .sync_work = PTHREAD_COND_INITIALIZER,
        .sync_idle = PTHREAD_COND_INITIALIZER};

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

/* Caller holds sw.mu: path's record, or NULL. */
static struct sw_file *
sw_find(const char *path)
{
	struct sw_file *f;

	for (f = sw.files; f && strcmp(f->path, path) != 0; f = f->next)
		;
	return f;
}

/* Caller holds sw.mu: path's record, made when new; NULL when out of memory. */
static struct sw_file *
sw_file(const char *path)
{
	struct sw_file *f = sw_find(path);

	if (f)
		return f;
	if (!(f = calloc(1, sizeof(*f))) || !(f->path = strdup(path))) {
		free(f);
		return NULL;
	}
	f->fd = f->spare = -1;
	f->next = sw.files;
	sw.files = f;
	return f;
}

/*
 * A lazy request: written unsynced, then handed to the syncer.  1 when the
 * syncer has to be woken (the file's first unsynced content starts its
 * clock, or replaced contents wait to be closed), else 0; -1 on error.
 * *old: a replaced content to close after done() (the syncer's list was
 * full), or -1.
 */
static int
sw_write_lazy(struct sw_req *r, int *old)
{
	struct sw_file *f;
	int keep, spare = -1, fd, rc, wake;

	*old = -1;
	pthread_mutex_lock(&sw.mu);
	if ((f = sw_file(r->path))) {
		keep = f->synced;
		spare = f->spare;
		f->spare = -1;
	}
	pthread_mutex_unlock(&sw.mu);
	if (!f)
		return atomic_write_gen(r->path, r->fill, r->arg); /* synced, the old way */
	rc = atomic_write_lazy(r->path, keep, r->fill, r->arg, spare, &fd);
	if (rc < 0)
		return -1;
	pthread_mutex_lock(&sw.mu);
	wake = f->fd < 0;
	if (f->fd >= 0) { /* replaced before it was synced: no longer at path */
		if (sw.nclosing < SW_CLOSING)
			sw.closing[sw.nclosing++] = f->fd;
		else
			*old = f->fd;
		wake = sw.nclosing >= SW_CLOSING / 2;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &f->since);
	}
	f->fd = fd;
	f->gen++;
	f->synced = 0;
	pthread_mutex_unlock(&sw.mu);
	return wake;
}

/* After a lazy write's done(): path.tmp for the next one. */
static void
sw_make_spare(const char *path)
{
	struct sw_file *f;
	int fd, busy = 0;

	/* the content at path.tmp may be the one an fsync in flight is writing */
	pthread_mutex_lock(&sw.mu);
	busy = (f = sw_find(path)) && f->syncing;
	pthread_mutex_unlock(&sw.mu);
	if ((fd = atomic_spare(path, !busy)) < 0)
		return;
	pthread_mutex_lock(&sw.mu);
	if ((f = sw_find(path)) && f->spare < 0) {
		f->spare = fd;
		fd = -1;
	}
	pthread_mutex_unlock(&sw.mu);
	if (fd >= 0)
		close(fd);
}

static int64_t
sw_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Caller holds sw.mu: the file whose unsynced content waited longest, or NULL. */
static struct sw_file *
sw_oldest_unsynced(void)
{
	struct sw_file *f, *best = NULL;

	for (f = sw.files; f; f = f->next)
		if (f->fd >= 0 && (!best || f->since.tv_sec < best->since.tv_sec ||
		                   (f->since.tv_sec == best->since.tv_sec &&
		                    f->since.tv_nsec < best->since.tv_nsec)))
			best = f;
	return best;
}

/*
 * The syncer: each file's newest unsynced content, SW_SYNC_MS after its
 * first unsynced write (at once when stopping or when statewr_sync() asks).
 */
static void *
sw_syncer(void *arg)
{
	(void)arg;
	bgthread_batch();
	pthread_mutex_lock(&sw.mu);
	for (;;) {
		struct sw_file *f = sw_oldest_unsynced();
		int64_t wait;
		uint64_t gen;
		int fd, rc, closing[SW_CLOSING], n = sw.nclosing;

		if (n) {
			memcpy(closing, sw.closing, sizeof(closing[0]) * (size_t)n);
			sw.nclosing = 0;
			sw.syncing++;
			pthread_mutex_unlock(&sw.mu);
			while (n--)
				close(closing[n]);
			pthread_mutex_lock(&sw.mu);
			sw.syncing--;
			continue;
		}
		if (!f) {
			pthread_cond_broadcast(&sw.sync_idle);
			if (sw.sync_stop)
				break;
			pthread_cond_wait(&sw.sync_work, &sw.mu);
			continue;
		}
		wait = sw.sync_stop || !f->since.tv_sec ? 0 : sw.sync_ms - sw_ms_since(&f->since);
		if (wait > 0) {
			struct timespec until;

			clock_deadline_ms(&until, wait);
			pthread_cond_timedwait(&sw.sync_work, &sw.mu, &until);
			continue;
		}
		fd = f->fd;
		gen = f->gen;
		f->fd = -1;
		f->syncing = 1;
		sw.syncing++;
		pthread_mutex_unlock(&sw.mu);
		rc = atomic_sync(f->path, fd); /* f is freed only by this thread */
		if (rc < 0) /* vdsStateLastProblem; .prev stays the last synced content */
			staterr_problem(f->path, "sync",
			                "%s: a power loss may lose its last changes",
			                strerror(errno));
		pthread_mutex_lock(&sw.mu);
		sw.syncing--;
		f->syncing = 0;
		if (rc == 0 && f->gen == gen)
			f->synced = 1;
	}
	pthread_mutex_unlock(&sw.mu);
	return NULL;
}

static void *
sw_main(void *arg)
{
	int me = (int)(intptr_t)arg;

	pthread_mutex_lock(&sw.mu);
	for (;;) {
		struct sw_req *r = sw_take();
		int rc, wake, old = -1;

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
		rc = r->lazy ? sw_write_lazy(r, &old) : atomic_write_gen(r->path, r->fill, r->arg);
		wake = rc > 0;
		if (rc > 0)
			rc = 0;
		if (rc < 0)
			log_warn("state", "cannot write %s", r->path);
		/* done() before the next write of the file starts: in order */
		if (r->done)
			r->done(r->arg, rc);
		if (old >= 0) /* the last close of a replaced content frees an inode: slow */
			close(old);
		if (r->lazy && rc == 0)
			sw_make_spare(r->path);
		pthread_mutex_lock(&sw.mu);
		sw.writing[me] = NULL;
		sw.busy--;
		if (rc < 0)
			sw.failed = 1;
		if (wake)
			pthread_cond_signal(&sw.sync_work);
		if (sw.head) /* that file is free for the other thread */
			pthread_cond_broadcast(&sw.work);
		pthread_mutex_unlock(&sw.mu);
		free(r->path);
		free(r);
		pthread_mutex_lock(&sw.mu);
	}
	pthread_mutex_unlock(&sw.mu);
	return NULL;
}

static int
sw_request(const char *path, int (*fill)(FILE *f, void *arg), void *arg,
           void (*done)(void *arg, int rc), int lazy)
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
	r->lazy = lazy;
	pthread_mutex_lock(&sw.mu);
	if (lazy && !sw.sync_running) {
		sw.sync_stop = 0;
		if (pthread_create(&sw.syncer, NULL, sw_syncer, NULL) == 0)
			sw.sync_running = 1;
		else
			r->lazy = 0; /* written and synced at once, the old way */
	}
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
	pthread_mutex_unlock(&sw.mu);
	/* one writer is enough (it wakes the other if need be); it takes sw.mu at once */
	pthread_cond_signal(&sw.work);
	if (old) /* its done() may lock what the caller's fill locks */
		sw_free(old, 1);
	return 0;
}

int
statewr_request(const char *path, int (*fill)(FILE *f, void *arg), void *arg,
                void (*done)(void *arg, int rc))
{
	return sw_request(path, fill, arg, done, 0);
}

int
statewr_request_lazy(const char *path, int (*fill)(FILE *f, void *arg), void *arg,
                     void (*done)(void *arg, int rc))
{
	return sw_request(path, fill, arg, done, 1);
}

void
statewr_set_sync_ms(unsigned ms)
{
	pthread_mutex_lock(&sw.mu);
	sw.sync_ms = ms;
	pthread_cond_signal(&sw.sync_work);
	pthread_mutex_unlock(&sw.mu);
}

/* Wait until the syncer has synced every lazy file; now: make them due first. */
static int
sw_sync_wait(int now)
{
	struct sw_file *f;
	int more;

	pthread_mutex_lock(&sw.mu);
	if (!sw.sync_running) {
		pthread_mutex_unlock(&sw.mu);
		return 0;
	}
	if (now)
		for (f = sw.files; f; f = f->next)
			if (f->fd >= 0)
				f->since.tv_sec = 0; /* due now */
	pthread_cond_signal(&sw.sync_work);
	do {
		pthread_cond_wait(&sw.sync_idle, &sw.mu);
		more = sw.syncing || sw.nclosing || sw_oldest_unsynced();
	} while (more);
	pthread_mutex_unlock(&sw.mu);
	return 0;
}

int
statewr_sync(void)
{
	return sw_sync_wait(1);
}

int
statewr_synced(void)
{
	return sw_sync_wait(0);
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

/* Sync what is left, stop the syncer, forget the files. */
static void
sw_stop_syncer(void)
{
	struct sw_file *f;

	pthread_mutex_lock(&sw.mu);
	if (sw.sync_running) {
		sw.sync_stop = 1;
		pthread_cond_signal(&sw.sync_work);
		pthread_mutex_unlock(&sw.mu);
		pthread_join(sw.syncer, NULL);
		pthread_mutex_lock(&sw.mu);
		sw.sync_running = 0;
	}
	while ((f = sw.files)) {
		sw.files = f->next;
		if (f->fd >= 0)
			close(f->fd);
		{ /* path.tmp, a spare or what an exchange left there: not left behind */
			char tmp[4200];

			if (f->spare >= 0)
				close(f->spare);
			snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
			unlink(tmp);
		}
		free(f->path);
		free(f);
	}
	while (sw.nclosing)
		close(sw.closing[--sw.nclosing]);
	pthread_mutex_unlock(&sw.mu);
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
	sw_stop_syncer();
}
