/* SPDX-License-Identifier: ISC */
/*
 * log.c - stderr/syslog logging with a subsystem token on every line.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static enum log_target log_target = LOG_TO_STDERR;
static int log_level;
static log_sink_fn log_sink;

void
log_init(enum log_target target, int debug_level, const char *progname)
{
	log_target = target;
	log_level = debug_level;
	if (target == LOG_TO_SYSLOG)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(int debug_level)
{
	log_level = debug_level;
}

int
log_get_level(void)
{
	return log_level;
}

void
log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

static const char *
log_prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return "FATAL";
	case LOG_ERR:
		return "ERROR";
	case LOG_WARNING:
		return "WARN";
	case LOG_NOTICE:
	case LOG_INFO:
		return "INFO";
	default:
		return "DEBUG";
	}
}

void
log_vlog(int prio, const char *token, const char *fmt, va_list ap)
{
	char msg[1024];
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (prio == LOG_DEBUG && log_level < 1)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_sink) {
		log_sink(prio, token, msg);
		return;
	}
	if (log_target == LOG_TO_SYSLOG) {
		syslog(prio, "[%s] %s", token, msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ %-5s [%s] %s\n", stamp, ts.tv_nsec / 1000000L,
	        log_prio_name(prio), token, msg);
}

static void log_emit(int prio, const char *token, const char *fmt, ...) VDS_PRINTF(3, 4);

static void
log_emit(int prio, const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(prio, token, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *token, const char *fmt, ...)
{
	char buf[900];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_emit(LOG_WARNING, token, "%s: %s", buf, strerror(saved));
}

#define LOG_DEFINE(name, prio)                                                                     \
	void name(const char *token, const char *fmt, ...)                                         \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_vlog(prio, token, fmt, ap);                                                    \
		va_end(ap);                                                                        \
	}

LOG_DEFINE(log_warnx, LOG_WARNING)
LOG_DEFINE(log_info, LOG_INFO)
LOG_DEFINE(log_debug, LOG_DEBUG)

void
fatalx(const char *token, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, token, fmt, ap);
	va_end(ap);
	exit(1);
}
