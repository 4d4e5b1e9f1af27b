/* SPDX-License-Identifier: ISC */
/*
 * worker.h - the thread pool that runs provider run() calls off the loop.
 *
 * The loop thread submits a prepared job; a worker thread calls the
 * provider's run() with a struct prov_job handle.  Progress and the outcome
 * come back through a mutex-protected queue and an eventfd watched by the
 * loop's event_base; the callbacks below are always called on the loop
 * thread, never on a worker.  Progress is coalesced: the loop sees the
 * latest percent and details, not every tick.
 */
#ifndef VDS_WORKER_H
#define VDS_WORKER_H

#include <stdint.h>

#include "provider.h"

struct event_base;

struct worker_ops {
	/* percent is 0..99 and never lower than the last one reported. */
	void (*progress)(uint32_t handle, unsigned percent, const char *details, void *arg);
	/*
	 * run() returned r.  out and msg are valid during the call only; the
	 * struct prov_job is freed right after it returns.
	 */
	void (*done)(uint32_t handle, enum vds_result r, struct job_outputs *out, const char *msg,
	             void *arg);
	void *arg;
};

/* Start nthreads workers (1 to 256) reporting to ops on base. */
int worker_init(struct event_base *base, unsigned nthreads, const struct worker_ops *ops);
/*
 * Make the pool nthreads (1 to 256) threads: more start at once; when it
 * shrinks, threads running a job finish it and the surplus leave idle.
 * Loop thread.  -1 if a thread cannot be started (the others still run).
 */
int worker_resize(unsigned nthreads);
/*
 * Ask every running job to cancel, drop the ones not started and join the
 * threads.  Outcomes not yet delivered are dropped; plans are not freed.
 */
void worker_shutdown(void);

/*
 * Queue ops->run(pstate, plan, ...) for handle.  The returned handle stays
 * valid until ops.done has been called for it; NULL when out of memory.
 */
struct prov_job *worker_submit(uint32_t handle, const struct prov_ops *ops, void *pstate,
                               void *plan);

enum worker_cancel_answer {
	WORKER_CANCEL_REQUESTED = 0, /* run() will see it between steps */
	WORKER_CANCEL_TOO_LATE = 1,  /* run() passed its point of no return */
};
enum worker_cancel_answer worker_cancel(struct prov_job *j);

#endif
