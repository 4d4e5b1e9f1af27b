/* SPDX-License-Identifier: ISC */
/*
 * staterr.c - count and log the damaged records the loaders quarantined.
 *
 * Loaders run on the loop thread at start and on worker or writer threads
 * later, and the MIB reads them on the loop thread (vdsStateQuarantined,
 * vdsStateLastProblem), so the counter and the last event sit behind a
 * mutex, held only to copy them.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "staterr.h"

static struct {
	pthread_mutex_t mu;
	unsigned long count;
	char last[512];
	time_t when;
} se = {.mu = PTHREAD_MUTEX_INITIALIZER};

/*
 * in with every byte outside printable ASCII as \xNN: a damaged file's
 * bytes quoted in a reason never reach the log or a manager raw.
 */
static void
se_clean(char *out, size_t len, const char *in)
{
	size_t w = 0;

	for (; *in && w + 5 < len; in++) {
		unsigned char c = (unsigned char)*in;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[w++] = (char)c;
		else
			w += (size_t)snprintf(out + w, len - w, "\\x%02x", c);
	}
	out[w] = '\0';
}

static void
se_record(int damaged, const char *file, const char *record, const char *fmt, va_list ap)
{
	char raw[300], why[300], rec[64];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	se_clean(why, sizeof(why), raw);
	se_clean(rec, sizeof(rec), record);
	log_warnx("state", "%s: %s: %s%s", file, rec, damaged ? "quarantined: " : "", why);
	pthread_mutex_lock(&se.mu);
	se.count += damaged ? 1 : 0;
	snprintf(se.last, sizeof(se.last), "%s: %s: %s", file, rec, why);
	se.when = time(NULL);
	pthread_mutex_unlock(&se.mu);
}

void
staterr_quarantine(const char *file, const char *record, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	se_record(1, file, record, fmt, ap);
	va_end(ap);
}

void
staterr_problem(const char *file, const char *record, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	se_record(0, file, record, fmt, ap);
	va_end(ap);
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

time_t
staterr_last(char *buf, size_t len)
{
	time_t when;

	pthread_mutex_lock(&se.mu);
	snprintf(buf, len, "%s", se.last);
	when = se.when;
	pthread_mutex_unlock(&se.mu);
	return when;
}

void
staterr_reset(void)
{
	pthread_mutex_lock(&se.mu);
	se.count = 0;
	se.last[0] = '\0';
	se.when = 0;
	pthread_mutex_unlock(&se.mu);
}
