/* SPDX-License-Identifier: ISC */
/*
 * clockms.h - the two clock readings vdsd's threads keep needing:
 * CLOCK_MONOTONIC in milliseconds, and a deadline some milliseconds from
 * now for pthread_cond_timedwait() (CLOCK_REALTIME, its default clock).
 */
#ifndef VDS_CLOCKMS_H
#define VDS_CLOCKMS_H

#include <stdint.h>
#include <time.h>

static inline int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void
clock_deadline_ms(struct timespec *until, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, until);
	until->tv_sec += (time_t)(ms / 1000);
	until->tv_nsec += (long)(ms % 1000) * 1000000;
	if (until->tv_nsec >= 1000000000) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000;
	}
}

#endif
