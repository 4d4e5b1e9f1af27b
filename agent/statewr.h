/* SPDX-License-Identifier: ISC */
/*
 * statewr.h - the state writer: threads that rewrite whole state files
 * (atomic_write_gen: tmp file, fsync, rename, keep .prev; or lazily, the
 * fsync later and batched) so the loop thread never waits on a write or an
 * fsync.
 *
 * Requests for the same path coalesce: a request not yet started is
 * replaced by a newer one, so a burst of changes costs one or two writes.
 */
#ifndef VDS_STATEWR_H
#define VDS_STATEWR_H

#include <stdio.h>

/* Writer threads: how many files are written at once (one file never twice). */
#define STATEWR_THREADS 2

/*
 * Rewrite path with fill(f, arg) on the writer thread; done(arg, rc) (may
 * be NULL) is called on the writer thread once the request is written (rc
 * 0) or failed (-1), or on the caller's thread, from a later
 * statewr_request() of the same path, when it was replaced by that newer
 * request before it started (1).  fill runs on the
 * writer thread: it must lock whatever it reads.  Returns 0, or -1 when
 * the thread cannot be started (nothing queued, done called with -1).
 */
int statewr_request(const char *path, int (*fill)(FILE *f, void *arg), void *arg,
                    void (*done)(void *arg, int rc));
/*
 * As statewr_request(), but the file is renamed into place without an
 * fsync (atomic_write_lazy) before done(arg, 0): from then on a SIGKILL of
 * vdsd loses nothing, a power loss may lose it until the syncer thread has
 * fsynced the file, at most about 100 ms later (plus the fsync's own time;
 * one fsync per file for a burst of writes).  path.prev is only ever a
 * content that was synced.
 */
int statewr_request_lazy(const char *path, int (*fill)(FILE *f, void *arg), void *arg,
                         void (*done)(void *arg, int rc));
/* Sync every lazily written file now and wait for it (a clean stop; tests). */
int statewr_sync(void);
/* Wait until the syncer, on its own clock, has synced every lazy file (tests). */
int statewr_synced(void);
/* How long the syncer lets a lazy write wait for more (100 ms; tests: longer). */
void statewr_set_sync_ms(unsigned ms);
/*
 * Wait until every request made so far is written.  Returns 0, or -1 when
 * a write failed since the last statewr_wait() (logged by then).
 */
int statewr_wait(void);
/* Wait, sync, then stop the threads (statewr_request() starts them again). */
void statewr_stop(void);

#endif
