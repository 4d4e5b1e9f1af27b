/* SPDX-License-Identifier: ISC */
/*
 * sdnotify.c - systemd's readiness protocol, spoken directly (it is a
 * stable interface: systemd's sd_notify(3) and "The Notify Protocol"):
 * one datagram of newline-separated KEY=VALUE fields to the AF_UNIX
 * socket named by $NOTIFY_SOCKET, a file system path ("/run/...") or an
 * abstract name ("@..."), sent with MSG_DONTWAIT (never blocks the loop).
 * The service manager learns the sender from the kernel's credentials.
 * libsystemd is not linked for this: it brought libgcrypt, liblzma,
 * libzstd, liblz4 and libcap into vdsd, ~850 kB of resident pages for one
 * sendto().  A failed send is logged once and otherwise ignored: the
 * service manager's view is not vdsd's business to retry.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sdnotify.h"

static struct {
	int tried; /* NOTIFY_SOCKET read (once: it does not change) */
	int fd;    /* -1: no service manager to tell */
	int warned;
	struct sockaddr_un addr;
	socklen_t len;
} sdn = {.fd = -1};

/* The socket to $NOTIFY_SOCKET, opened on the first message. */
static int
sdn_open(void)
{
	const char *e = getenv("NOTIFY_SOCKET");
	size_t n;

	sdn.tried = 1;
	if (!e || !*e)
		return -1; /* not started by a service manager */
	n = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || n < 2 ||
	    n > sizeof(sdn.addr.sun_path) - (e[0] == '/')) {
		log_warnx("main",
		          "NOTIFY_SOCKET=\"%s\" is neither an AF_UNIX path nor an abstract @name:"
		          " the service manager is not told how vdsd is doing",
		          e);
		return -1;
	}
	memset(&sdn.addr, 0, sizeof(sdn.addr));
	sdn.addr.sun_family = AF_UNIX;
	memcpy(sdn.addr.sun_path, e, n);
	if (e[0] == '@')
		sdn.addr.sun_path[0] = '\0'; /* abstract: the length ends the name, no NUL */
	sdn.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (e[0] == '/'));
	sdn.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sdn.fd < 0)
		log_warn("main", "cannot notify the service manager: socket");
	return sdn.fd;
}

static void
sdn_send(const char *what, const char *status)
{
	char msg[640];
	int n;

	if (!sdn.tried)
		sdn_open();
	if (sdn.fd < 0)
		return;
	n = snprintf(msg, sizeof(msg), "%s%s%s", what,
	             status ? (what[0] ? "\nSTATUS=" : "STATUS=") : "", status ? status : "");
	if (n >= (int)sizeof(msg))
		n = (int)sizeof(msg) - 1; /* a status that long is cut, not dropped */
	if (sendto(sdn.fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT,
	           (struct sockaddr *)&sdn.addr, sdn.len) < 0 &&
	    !sdn.warned) {
		sdn.warned = 1;
		log_warnx("main", "cannot notify the service manager at %s (%s): %s",
		          getenv("NOTIFY_SOCKET"), what[0] ? what : "STATUS", strerror(errno));
	}
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
