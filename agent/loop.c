/*
 * loop.c - owns the event_base; SIGTERM/SIGINT stop the loop cleanly and
 * SIGHUP asks main for a configuration reload.  libevent's own messages go
 * through log.c.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "log.h"
#include "loop.h"

static struct {
	struct event_base *base;
	struct event *sig_term, *sig_int, *sig_hup;
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
	struct event **evs[] = {&lp.sig_term, &lp.sig_int, &lp.sig_hup};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (*evs[i]) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
	if (lp.base)
		event_base_free(lp.base);
	lp.base = NULL;
}
