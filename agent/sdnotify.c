/* SPDX-License-Identifier: ISC */
/*
 * sdnotify.c - systemd's readiness protocol through libsystemd's
 * sd_notify(): a datagram on the AF_UNIX socket named by $NOTIFY_SOCKET,
 * sent with MSG_DONTWAIT (never blocks the loop).  A failed send is logged
 * once and otherwise ignored: the service manager's view is not vdsd's
 * business to retry.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "sdnotify.h"

static void
sdn_send(const char *what, const char *status)
{
#ifdef HAVE_LIBSYSTEMD
	static int warned;
	char msg[640];
	int r;

	snprintf(msg, sizeof(msg), "%s%s%s", what,
	         status ? (what[0] ? "\nSTATUS=" : "STATUS=") : "", status ? status : "");
	r = sd_notify(0, msg);
	if (r < 0 && !warned) {
		warned = 1;
		log_warnx("main", "cannot notify the service manager (%s): error %d", what, -r);
	}
#else
	(void)what;
	(void)status;
#endif
}

void
sdn_ready(const char *status)
{
	sdn_send("READY=1", status);
}

void
sdn_status(const char *status)
{
	sdn_send("", status);
}

void
sdn_reloading(void)
{
	struct timespec ts;
	char msg[64];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	         (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
	sdn_send(msg, NULL);
}

void
sdn_stopping(const char *status)
{
	sdn_send("STOPPING=1", status);
}
