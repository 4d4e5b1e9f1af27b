/* SPDX-License-Identifier: ISC */
/*
 * statewr.h - the state writer: threads that rewrite whole state files
 * (atomic_write_gen: tmp file, fsync, rename, keep .prev) so the loop
 * thread never waits on a write or an fsync.
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
 * Wait until every request made so far is written.  Returns 0, or -1 when
 * a write failed since the last statewr_wait() (logged by then).
 */
int statewr_wait(void);
/* Wait, then stop the thread (statewr_request() starts it again). */
void statewr_stop(void);

#endif
