/* SPDX-License-Identifier: ISC */
/*
 * daemon.h - the daemon's life: configuration, start-up order, the loop,
 * SIGHUP reload and an orderly shutdown.  Kept apart from main.c so tests
 * and benchmarks can run a daemon in-process.
 */
#ifndef VDS_DAEMON_H
#define VDS_DAEMON_H

#include "conf.h"

struct daemon_opts {
	const char *config;
	int config_given;
	int foreground;
	int debug;
	int check_only;
	const char *agentx_socket;
};

int daemon_main(const struct daemon_opts *o);
/* The configuration in force (SIGHUP may change parts of it). */
const struct vds_conf *daemon_conf(void);

#endif
