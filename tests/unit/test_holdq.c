/* SPDX-License-Identifier: ISC */
/*
 * test_holdq.c - announcements held until recorded (agent/holdq.h): in the
 * order put, a held item and everything behind it wait for its release.
 */
#include "config.h"

#include <CUnit/Basic.h>

#include "curun.h"
#include "holdq.h"

static struct holdq q;
static int out[16];
static unsigned nout;
static int items[16];

static void
emit(void *data, void *arg)
{
	(void)arg;
	if (nout < 16)
		out[nout] = *(int *)data;
	nout++;
}

static void
setup(void)
{
	holdq_init(&q, emit, NULL);
	nout = 0;
	for (int i = 0; i < 16; i++)
		items[i] = i;
}

static void
teardown(void)
{
	holdq_flush(&q);
}

static void
put(int i)
{
	holdq_put(&q, &items[i]);
}

/* Nothing held: every item goes at once. */
static void
test_at_once(void)
{
	put(1);
	put(2);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[1], 2);
	CU_ASSERT_EQUAL(q.pending, 0);
	holdq_release(&q, 0); /* no hold: nothing */
	CU_ASSERT_EQUAL(nout, 2);
}

/* A hold's items wait for its release; an item put behind them waits too. */
static void
test_held_and_behind(void)
{
	unsigned h = holdq_hold(&q);

	CU_ASSERT_NOT_EQUAL(h, 0);
	put(1);
	put(2);
	CU_ASSERT_EQUAL(nout, 0);
	holdq_release(&q, h + 1); /* another hold's release frees nothing */
	CU_ASSERT_EQUAL(nout, 0);
	holdq_release(&q, h);
	CU_ASSERT_EQUAL(nout, 2);
	/* released: the next ones go at once */
	put(3);
	CU_ASSERT_EQUAL(nout, 3);
	CU_ASSERT_EQUAL(out[2], 3);

	h = holdq_hold(&q);
	put(4);
	q.open = 0; /* as when a later hold took over: 5 is not held itself */
	put(5);
	CU_ASSERT_EQUAL(nout, 3); /* 5 waits behind 4 */
	CU_ASSERT_EQUAL(q.pending, 2);
	holdq_release(&q, h);
	CU_ASSERT_EQUAL(nout, 5);
	CU_ASSERT_EQUAL(out[3], 4);
	CU_ASSERT_EQUAL(out[4], 5);
}

/* Two holds released out of order: the later one's items wait for the earlier. */
static void
test_out_of_order(void)
{
	unsigned a = holdq_hold(&q), b;

	put(1);
	b = holdq_hold(&q); /* a's commit is over; b's begins */
	CU_ASSERT_NOT_EQUAL(a, b);
	put(2);
	holdq_release(&q, b);
	CU_ASSERT_EQUAL(nout, 0);
	holdq_release(&q, a);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[1], 2);
	CU_ASSERT_EQUAL(q.open, 0);
}

/* Hold numbers wrap without giving out 0 (which means "not held"). */
static void
test_wrap(void)
{
	unsigned h;

	q.last = ~0u;
	h = holdq_hold(&q);
	CU_ASSERT_EQUAL(h, 1);
	put(7);
	CU_ASSERT_EQUAL(nout, 0);
	holdq_release(&q, h);
	CU_ASSERT_EQUAL(nout, 1);
}

/* Stopping: whatever waits goes. */
static void
test_flush(void)
{
	holdq_hold(&q);
	put(1);
	put(2);
	holdq_flush(&q);
	CU_ASSERT_EQUAL(nout, 2);
	CU_ASSERT_EQUAL(q.pending, 0);
	put(3);
	CU_ASSERT_EQUAL(nout, 3);
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"at once", test_at_once},
	    {"held and behind", test_held_and_behind},
	    {"out of order", test_out_of_order},
	    {"wrap", test_wrap},
	    {"flush", test_flush},
	};

	return cu_run("holdq", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
