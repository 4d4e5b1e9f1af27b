/* SPDX-License-Identifier: ISC */
/*
 * holdq.c - announcements held until what they announce is recorded.
 */
#include "config.h"

#include <stdlib.h>

#include "holdq.h"

struct holdq_item {
	struct holdq_item *next;
	unsigned held; /* 0: may go */
	void *data;
};

void
holdq_init(struct holdq *q, void (*emit)(void *data, void *arg), void *arg)
{
	q->head = NULL;
	q->tail = &q->head;
	q->open = q->last = 0;
	q->pending = 0;
	q->emit = emit;
	q->arg = arg;
}

static void
hq_emit_ready(struct holdq *q)
{
	struct holdq_item *it;

	while ((it = q->head) && !it->held) {
		if (!(q->head = it->next))
			q->tail = &q->head;
		q->pending--;
		q->emit(it->data, q->arg);
		free(it);
	}
}

void
holdq_put(struct holdq *q, void *data)
{
	struct holdq_item *it;

	if ((!q->open && !q->head) || !(it = malloc(sizeof(*it)))) {
		q->emit(data, q->arg);
		return;
	}
	it->next = NULL;
	it->held = q->open;
	it->data = data;
	*q->tail = it;
	q->tail = &it->next;
	q->pending++;
}

unsigned
holdq_hold(struct holdq *q)
{
	if (!++q->last)
		q->last = 1;
	return q->open = q->last;
}

void
holdq_release(struct holdq *q, unsigned h)
{
	if (!h)
		return;
	for (struct holdq_item *it = q->head; it; it = it->next)
		if (it->held == h)
			it->held = 0;
	if (q->open == h)
		q->open = 0;
	hq_emit_ready(q);
}

void
holdq_flush(struct holdq *q)
{
	for (struct holdq_item *it = q->head; it; it = it->next)
		it->held = 0;
	q->open = 0;
	hq_emit_ready(q);
}
