/* SPDX-License-Identifier: ISC */
/*
 * loop.c - owns the event_base; SIGTERM/SIGINT stop the loop cleanly and
 * SIGHUP asks main for a configuration reload.  libevent's own messages go
 * through log.c.
 */
#include "config.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "log.h"
#include "loop.h"

#define LOOP_TICK_MS  250
#define LOOP_STALL_MS 1000

static struct {
	struct event_base *base;
	struct event *sig_term, *sig_int, *sig_hup, *tick;
	struct timespec last_tick;
	loop_reload_fn reload;
	void *arg;
} lp;

static void
loop_event_log(int severity, const char *msg)
{
	switch (severity) {
	case EVENT_LOG_DEBUG:
		log_debug("event", "%s", msg);
		break;
	case EVENT_LOG_MSG:
		log_info("event", "%s", msg);
		break;
	default:
		log_warnx("event", "%s", msg);
	}
}

static void
loop_on_signal(evutil_socket_t sig, short what, void *arg)
{
	if (sig == SIGHUP) {
		log_info("main", "SIGHUP: reloading the configuration");
		if (lp.reload)
			lp.reload(lp.arg);
		return;
	}
	log_info("main", "signal %d: shutting down", (int)sig);
	event_base_loopbreak(lp.base);
}

static struct event *
loop_signal(int sig)
{
	struct event *ev = evsignal_new(lp.base, sig, loop_on_signal, NULL);

	if (!ev || event_add(ev, NULL) < 0)
		fatalx("main", "cannot watch signal %d", sig);
	return ev;
}

static int64_t
loop_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* The loop must never block: say so when a tick comes much later than due. */
static void
loop_on_tick(evutil_socket_t fd, short what, void *arg)
{
	int64_t late = loop_ms_since(&lp.last_tick) - LOOP_TICK_MS;

	if (late > LOOP_STALL_MS)
		log_warnx("main", "the event loop was blocked for %lld ms", (long long)late);
	clock_gettime(CLOCK_MONOTONIC, &lp.last_tick);
}

struct event_base *
loop_init(loop_reload_fn reload, void *arg)
{
	event_set_log_callback(loop_event_log);
	if (evthread_use_pthreads() < 0)
		fatalx("main", "libevent has no pthread support");
	if (!(lp.base = event_base_new()))
		fatalx("main", "cannot create the event loop");
	lp.reload = reload;
	lp.arg = arg;
	signal(SIGPIPE, SIG_IGN);
	lp.sig_term = loop_signal(SIGTERM);
	lp.sig_int = loop_signal(SIGINT);
	lp.sig_hup = loop_signal(SIGHUP);
	lp.tick = event_new(lp.base, -1, EV_PERSIST, loop_on_tick, NULL);
	clock_gettime(CLOCK_MONOTONIC, &lp.last_tick);
	if (!lp.tick || event_add(lp.tick, &(struct timeval){0, LOOP_TICK_MS * 1000}) < 0)
		fatalx("main", "cannot start the loop watchdog");
	log_debug("main", "event loop uses %s", event_base_get_method(lp.base));
	return lp.base;
}

struct event_base *
loop_base(void)
{
	return lp.base;
}

int
loop_run(void)
{
	return event_base_dispatch(lp.base);
}

void
loop_stop(void)
{
	if (lp.base)
		event_base_loopbreak(lp.base);
}

void
loop_fini(void)
{
	struct event **evs[] = {&lp.sig_term, &lp.sig_int, &lp.sig_hup, &lp.tick};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (*evs[i]) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
	if (lp.base)
		event_base_free(lp.base);
	lp.base = NULL;
}
