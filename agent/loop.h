/* SPDX-License-Identifier: ISC */
/*
 * loop.h - the one libevent loop of vdsd: signals and the base every other
 * module adds its events to.
 */
#ifndef VDS_LOOP_H
#define VDS_LOOP_H

struct event_base;

typedef void (*loop_reload_fn)(void *arg);

/* Create the base, route libevent's logs, catch SIGTERM/SIGINT/SIGHUP. */
struct event_base *loop_init(loop_reload_fn reload, void *arg);
/* Run until SIGTERM/SIGINT or loop_stop(). */
int loop_run(void);
void loop_stop(void);
struct event_base *loop_base(void);
void loop_fini(void);

#endif
