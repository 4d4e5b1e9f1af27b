/* SPDX-License-Identifier: ISC */
/*
 * holdq.h - announcements that wait for what they announce to be recorded.
 *
 * Items go out in the order they were put.  An item put while a hold is
 * open belongs to that hold and waits until it is released; an item put
 * behind a waiting one waits too, so no reader learns of a later change
 * before an earlier one.  The notifications of object changes a
 * provider's commit caused are held until its state write landed
 * (notify.c, job_observer.hold).
 */
#ifndef VDS_HOLDQ_H
#define VDS_HOLDQ_H

#include <stddef.h>

struct holdq_item;

struct holdq {
	struct holdq_item *head, **tail;
	unsigned open; /* the hold that new items join, 0: none */
	unsigned last; /* the last hold given out (never 0) */
	size_t pending;
	void (*emit)(void *data, void *arg); /* sends (and frees) data */
	void *arg;
};

void holdq_init(struct holdq *q, void (*emit)(void *data, void *arg), void *arg);
/*
 * Emit data now when nothing is waiting and no hold is open, else queue it
 * (in the open hold).  Out of memory it is emitted now rather than lost.
 */
void holdq_put(struct holdq *q, void *data);
/* Open a hold: items put from now on wait for holdq_release() of it. */
unsigned holdq_hold(struct holdq *q);
/* The items of hold h may go (0: none); emits what is no longer waiting. */
void holdq_release(struct holdq *q, unsigned h);
/* Release every hold and emit everything (stopping). */
void holdq_flush(struct holdq *q);

#endif
