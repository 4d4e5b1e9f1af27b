/* SPDX-License-Identifier: ISC */
/*
 * wgate.c - a gate in the state writer thread (see wgate.h).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "statewr.h"
#include "wgate.h"

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int inside, open;
} wg = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static int
wg_fill(FILE *f, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wg.mu);
	wg.inside++;
	pthread_cond_broadcast(&wg.cv);
	while (!wg.open)
		pthread_cond_wait(&wg.cv, &wg.mu);
	pthread_mutex_unlock(&wg.mu);
	return fputs("gate\n", f) < 0 ? -1 : 0;
}

void
wgate_hold(const char *dir)
{
	wgate_hold_n(dir, STATEWR_THREADS);
}

void
wgate_hold_n(const char *dir, int n)
{
	char path[600];

	pthread_mutex_lock(&wg.mu);
	wg.inside = wg.open = 0;
	pthread_mutex_unlock(&wg.mu);
	for (int t = 0; t < n; t++) { /* one gate (file) for each thread */
		snprintf(path, sizeof(path), "%s/wgate%d", dir, t);
		CU_ASSERT_EQUAL_FATAL(statewr_request(path, wg_fill, NULL, NULL), 0);
	}
	pthread_mutex_lock(&wg.mu);
	while (wg.inside < n) /* an event, not a delay: n writers took one each */
		pthread_cond_wait(&wg.cv, &wg.mu);
	pthread_mutex_unlock(&wg.mu);
}

void
wgate_release(void)
{
	pthread_mutex_lock(&wg.mu);
	wg.open = 1;
	pthread_cond_broadcast(&wg.cv);
	pthread_mutex_unlock(&wg.mu);
}
