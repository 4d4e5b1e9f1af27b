/*
 * staterr.c - count and log the damaged records the loaders quarantined.
 *
 * Loaders run on the loop thread at start and on worker or writer threads
 * later, so the counter and the last event sit behind a mutex.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "staterr.h"

static struct {
	pthread_mutex_t mu;
	unsigned long count;
	char last[512];
} se = {.mu = PTHREAD_MUTEX_INITIALIZER};

void
staterr_quarantine(const char *file, const char *record, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("state", "%s: %s: quarantined: %s", file, record, why);
	pthread_mutex_lock(&se.mu);
	se.count++;
	snprintf(se.last, sizeof(se.last), "%s: %s: %s", file, record, why);
	pthread_mutex_unlock(&se.mu);
}

unsigned long
staterr_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&se.mu);
	n = se.count;
	pthread_mutex_unlock(&se.mu);
	return n;
}

void
staterr_last(char *buf, size_t len)
{
	pthread_mutex_lock(&se.mu);
	snprintf(buf, len, "%s", se.last);
	pthread_mutex_unlock(&se.mu);
}

void
staterr_reset(void)
{
	pthread_mutex_lock(&se.mu);
	se.count = 0;
	se.last[0] = '\0';
	pthread_mutex_unlock(&se.mu);
}
