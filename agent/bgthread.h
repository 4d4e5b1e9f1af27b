/* SPDX-License-Identifier: ISC */
/*
 * bgthread.h - a thread whose work is in the background (fsyncs, WAL
 * checkpoints) asks, as it starts, never to preempt the thread that woke
 * it: SCHED_BATCH keeps its fair share of the CPU but takes no CPU from a
 * running thread at wake-up, so the loop and the job path keep theirs.
 */
#ifndef VDS_BGTHREAD_H
#define VDS_BGTHREAD_H

#include <pthread.h>
#include <sched.h>

static inline void
bgthread_batch(void)
{
#ifdef SCHED_BATCH
	struct sched_param sp = {.sched_priority = 0};

	/* a hint: no harm if refused */
	(void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
#endif
}

#endif
