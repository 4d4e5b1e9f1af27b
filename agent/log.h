/* SPDX-License-Identifier: ISC */
/*
 * log.h - the one logging module of vdsd.
 *
 * Every message goes through log_vlog(), which writes to stderr (foreground)
 * or syslog (daemon), or to a sink a test installed.  Net-SNMP and libevent
 * messages are routed here by agentx.c and loop.c.
 */
#ifndef VDS_LOG_H
#define VDS_LOG_H

#include <stdarg.h>

#define VDS_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum log_target { LOG_TO_STDERR, LOG_TO_SYSLOG };

typedef void (*log_sink_fn)(int prio, const char *token, const char *msg);

void log_init(enum log_target target, int debug_level, const char *progname);
void log_set_level(int debug_level);
int log_get_level(void);
/* Replace the output with sink (NULL restores the configured target). */
void log_set_sink(log_sink_fn sink);

void log_vlog(int prio, const char *token, const char *fmt, va_list ap) VDS_PRINTF(3, 0);
/* log_warn appends strerror(errno); log_warnx does not. */
void log_warn(const char *token, const char *fmt, ...) VDS_PRINTF(2, 3);
void log_warnx(const char *token, const char *fmt, ...) VDS_PRINTF(2, 3);
void log_info(const char *token, const char *fmt, ...) VDS_PRINTF(2, 3);
void log_debug(const char *token, const char *fmt, ...) VDS_PRINTF(2, 3);
/* Fatal: logs and exits with status 1. */
void fatalx(const char *token, const char *fmt, ...) VDS_PRINTF(2, 3) __attribute__((noreturn));

#endif
