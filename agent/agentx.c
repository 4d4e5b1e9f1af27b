/* SPDX-License-Identifier: ISC */
/*
 * agentx.c - Net-SNMP subagent glue on libevent.
 *
 * Net-SNMP tells us which fds it wants watched and when its next timeout is
 * (snmp_select_info2); we keep one persistent read event per fd and one
 * timer, and resync after every read, timeout and notification.  An fd
 * number can be reused after a reconnect (the old socket closed, the new one
 * got the same number): each watched fd remembers its socket's inode, and a
 * different inode means a fresh event.  Net-SNMP's log goes through log.c.
 *
 * Reconnecting.  When the master goes away Net-SNMP retries every
 * agentXPingInterval seconds (an alarm of its own, agentx_reopen_session).
 * vdsd retries at once when the master's socket reappears (inotify on its
 * directory), then, while the master does not accept yet, after 250 ms
 * doubling up to the ping interval.  It does so by rescheduling that
 * Net-SNMP alarm, which has no API of its own:
 * the newest repeating alarm without a client argument registered by the
 * disconnect (snmp_alarm.h's struct snmp_alarm is public).
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <event2/event.h>

#include "agentx.h"
#include "log.h"
#include "mib.h"

struct ax_watch {
	struct ax_watch *next;
	int fd;
	dev_t dev;
	ino_t ino;
	struct event *ev;
};

#define AX_RETRY_FIRST_MS 250

/*
 * Exported by Net-SNMP but not in its installed headers: the AgentX session
 * to the master (NULL while disconnected) and the alarm of a registration.
 */
extern netsnmp_session *main_session;
struct snmp_alarm *sa_find_specific(unsigned int clientreg);

static struct {
	struct event_base *base;
	struct event *timer;
	struct ax_watch *watches;
	int started;
	int connected;     /* main_session was set at the last sync */
	unsigned retry_ms; /* the next back-off; 0: connected */
	unsigned ping_ms;  /* agentXPingInterval: the longest back-off */
	int ino_fd;        /* inotify on the master socket's directory, or -1 */
	struct event *ino_ev;
	char sock_name[NAME_MAX + 1];
	agentx_state_fn on_state; /* told of each registration and loss */
} ax = {.ino_fd = -1};

static void ax_on_read(evutil_socket_t fd, short what, void *arg);

static int
ax_log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	char buf[1024];
	size_t len;

	snprintf(buf, sizeof(buf), "%s", m->msg ? m->msg : "");
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (len == 0)
		return 0;
	if (m->priority <= LOG_ERR)
		log_warnx("snmp", "%s", buf);
	else if (m->priority <= LOG_INFO)
		log_info("snmp", "%s", buf);
	else
		log_debug("snmp", "%s", buf);
	return 0;
}

static void
ax_unwatch(struct ax_watch **pp)
{
	struct ax_watch *w = *pp;

	*pp = w->next;
	event_free(w->ev);
	free(w);
}

static int
ax_watch(int fd, const struct stat *st)
{
	struct ax_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -1;
	w->fd = fd;
	w->dev = st->st_dev;
	w->ino = st->st_ino;
	w->ev = event_new(ax.base, fd, EV_READ | EV_PERSIST, ax_on_read, NULL);
	if (!w->ev || event_add(w->ev, NULL) < 0) {
		if (w->ev)
			event_free(w->ev);
		free(w);
		return -1;
	}
	w->next = ax.watches;
	ax.watches = w;
	log_debug("agentx", "watching fd %d", fd);
	return 0;
}

/*
 * Drop watches for fds Net-SNMP gave up and, when verify is set, for fds
 * whose number now names another socket.  Sockets are only (re)opened by
 * Net-SNMP's alarms (agentx_reopen_session), so the read path, which runs
 * per request, skips the fstat() of every fd.
 */
static void
ax_prune(netsnmp_large_fd_set *fds, int verify)
{
	struct ax_watch **pp = &ax.watches;
	struct stat st;

	while (*pp) {
		struct ax_watch *w = *pp;

		if (!NETSNMP_LARGE_FD_ISSET(w->fd, fds) ||
		    (verify &&
		     (fstat(w->fd, &st) < 0 || st.st_dev != w->dev || st.st_ino != w->ino))) {
			log_debug("agentx", "fd %d no longer watched", w->fd);
			ax_unwatch(pp);
			continue;
		}
		pp = &w->next;
	}
}

static int
ax_watched(int fd)
{
	for (struct ax_watch *w = ax.watches; w; w = w->next)
		if (w->fd == fd)
			return 1;
	return 0;
}

static void
ax_noop_alarm(unsigned int clientreg, void *clientarg)
{
}

/* Net-SNMP's reconnect alarm: the newest repeating alarm without client data. */
static struct snmp_alarm *
ax_reopen_alarm(void)
{
	unsigned top = snmp_alarm_register(3600, 0, ax_noop_alarm, NULL);

	if (!top)
		return NULL;
	snmp_alarm_unregister(top);
	for (unsigned r = top - 1; r > 0 && r + 64 > top; r--) {
		struct snmp_alarm *a = sa_find_specific(r);

		if (a && !a->clientarg && (a->flags & SA_REPEAT) && a->thecallback != ax_noop_alarm)
			return a;
	}
	return NULL;
}

/*
 * Make the reconnect alarm fire in ms, then every `every` ms (until it
 * connects; never 0, which would make it a one-shot alarm).
 */
static void
ax_retry_in(unsigned ms, unsigned every)
{
	struct snmp_alarm *a = ax_reopen_alarm();
	struct timeval now;

	if (!a || !every)
		return;
	netsnmp_get_monotonic_clock(&now);
	a->t.tv_sec = every / 1000;
	a->t.tv_usec = (suseconds_t)(every % 1000) * 1000;
	a->t_nextM.tv_sec = now.tv_sec + ms / 1000;
	a->t_nextM.tv_usec = now.tv_usec + (suseconds_t)(ms % 1000) * 1000;
	if (a->t_nextM.tv_usec >= 1000000) {
		a->t_nextM.tv_sec++;
		a->t_nextM.tv_usec -= 1000000;
	}
}

/* Note connects and disconnects (after every sync). */
static void
ax_track_session(void)
{
	int connected = main_session != NULL;
	int changed = connected != ax.connected;

	if (changed)
		log_info("agentx", connected ? "registered with the master" : "master gone");
	ax.connected = connected;
	if (changed && ax.on_state)
		ax.on_state(connected);
	if (connected)
		ax.retry_ms = 0;
}

/*
 * After the alarms ran: a try that followed the socket's reappearance
 * failed (the master binds before it listens): try again after a gap that
 * doubles up to the ping interval, Net-SNMP's own retry period.
 */
static void
ax_backoff(void)
{
	unsigned next;

	if (!ax.retry_ms || main_session)
		return;
	next = ax.retry_ms * 2;
	if (next >= ax.ping_ms) {
		next = ax.ping_ms;
		ax.retry_ms = 0; /* Net-SNMP's period from here on */
	} else {
		ax.retry_ms = next;
	}
	ax_retry_in(next, next);
}

/* The master's socket (re)appeared: connect now, back-off from the start. */
static void
ax_on_inotify(evutil_socket_t fd, short what, void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int seen = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && strcmp(ev->name, ax.sock_name) == 0)
				seen = 1;
			p += sizeof(*ev) + ev->len;
		}
	if (!seen || ax.connected || !ax.started)
		return;
	log_info("agentx", "master socket %s appeared: connecting now", ax.sock_name);
	ax.retry_ms = AX_RETRY_FIRST_MS / 2; /* doubled after this first try */
	ax_retry_in(0, AX_RETRY_FIRST_MS);
	agentx_update();
}

static void
ax_unwatch_socket_dir(void)
{
	if (ax.ino_ev)
		event_free(ax.ino_ev);
	ax.ino_ev = NULL;
	if (ax.ino_fd >= 0)
		close(ax.ino_fd);
	ax.ino_fd = -1;
}

static void
ax_watch_socket_dir(const char *sock)
{
	char dir[PATH_MAX], base[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", sock);
	snprintf(base, sizeof(base), "%s", sock);
	snprintf(ax.sock_name, sizeof(ax.sock_name), "%s", basename(base));
	ax.ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ax.ino_fd < 0 ||
	    inotify_add_watch(ax.ino_fd, dirname(dir), IN_CREATE | IN_MOVED_TO | IN_ATTRIB) < 0 ||
	    !(ax.ino_ev =
	          event_new(ax.base, ax.ino_fd, EV_READ | EV_PERSIST, ax_on_inotify, NULL)) ||
	    event_add(ax.ino_ev, NULL) < 0) {
		log_warn("agentx",
		         "cannot watch the directory of %s: reconnecting by back-off only", sock);
		ax_unwatch_socket_dir();
	}
}

static void
ax_sync(int verify)
{
	netsnmp_large_fd_set fds;
	struct timeval tv = {0, 0};
	struct stat st;
	int maxfd = 0, block = 1;

	if (!ax.started)
		return;
	ax_track_session();
	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	snmp_select_info2(&maxfd, &fds, &tv, &block);
	ax_prune(&fds, verify);
	for (int fd = 0; fd < maxfd; fd++)
		if (NETSNMP_LARGE_FD_ISSET(fd, &fds) && !ax_watched(fd) && fstat(fd, &st) == 0 &&
		    ax_watch(fd, &st) < 0)
			log_warnx("agentx", "cannot watch fd %d", fd);
	netsnmp_large_fd_set_cleanup(&fds);
	if (block)
		evtimer_del(ax.timer);
	else
		evtimer_add(ax.timer, &tv);
}

void
agentx_update(void)
{
	ax_sync(0);
}

/*
 * Net-SNMP reads its internal callback pipes with a blocking read(), and an
 * fd libevent reported ready may have been drained since (Net-SNMP serves
 * synchronous internal requests with a select loop of its own): read only
 * an fd that still has data.
 *
 * One AgentX request crosses two of those pipes before its answer goes out
 * (the AgentX session hands it to the agent's internal session and gets the
 * response back the same way).  What a read queued there is served here at
 * once, up to AX_DRAIN_ROUNDS rounds, instead of by a loop turn (epoll and a
 * resync) per pipe.
 */
#define AX_DRAIN_ROUNDS 8
#define AX_DRAIN_FDS    16

/* fd and the other watched fds with data (or a hang-up) now, into fds; how many. */
static int
ax_ready(int fd, netsnmp_large_fd_set *fds)
{
	struct pollfd p[AX_DRAIN_FDS] = {{.fd = fd, .events = POLLIN}};
	int n = 1, ready = 0;

	for (struct ax_watch *w = ax.watches; w && n < AX_DRAIN_FDS; w = w->next)
		if (w->fd != fd)
			p[n++] = (struct pollfd){.fd = w->fd, .events = POLLIN};
	if (poll(p, (nfds_t)n, 0) <= 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			NETSNMP_LARGE_FD_SET(p[i].fd, fds);
			ready++;
		}
	return ready;
}

static void
ax_on_read(evutil_socket_t fd, short what, void *arg)
{
	netsnmp_large_fd_set fds;

	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	for (int round = 0; round < AX_DRAIN_ROUNDS && ax_ready(fd, &fds) > 0; round++) {
		snmp_read2(&fds);
		NETSNMP_LARGE_FD_ZERO(&fds);
	}
	netsnmp_large_fd_set_cleanup(&fds);
	ax_sync(0);
}

/* RFC 2741's agentx-Notify-PDU; Net-SNMP does not install the header naming it. */
#define AX_MSG_NOTIFY 12

static const oid ax_uptime_oid[] = {1, 3, 6, 1, 2, 1, 1, 3, 0}; /* sysUpTime.0 */

/* The master's answer to a notification: nothing to do with it. */
static int
ax_notify_answered(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *arg)
{
	(void)op;
	(void)s;
	(void)reqid;
	(void)pdu;
	(void)arg;
	return 1;
}

int
agentx_notify(netsnmp_variable_list *vars)
{
	u_long uptime = netsnmp_get_agent_uptime();
	netsnmp_pdu *pdu;

	if (!main_session || !(pdu = snmp_pdu_create(AX_MSG_NOTIFY))) {
		snmp_free_varbind(vars);
		return -1;
	}
	if (!snmp_pdu_add_variable(pdu, ax_uptime_oid, OID_LENGTH(ax_uptime_oid), ASN_TIMETICKS,
	                           &uptime, sizeof(uptime))) {
		snmp_free_varbind(vars);
		snmp_free_pdu(pdu);
		return -1;
	}
	pdu->variables->next_variable = vars;
	pdu->version = main_session->version;
	pdu->sessid = main_session->sessid;
	if (!snmp_async_send(main_session, pdu, ax_notify_answered, NULL)) {
		snmp_free_pdu(pdu);
		return -1;
	}
	return 0;
}

static void
ax_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	snmp_timeout();
	run_alarms();
	ax_backoff();
	ax_sync(1);
}

static void
ax_configure(const struct vds_conf *conf)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
	                      conf->agentx_socket);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   (int)conf->agentx_ping);
	/* A short session timeout so a dead master is noticed within the ping interval. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_TIMEOUT, 1000000);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_RETRIES, 1);
	/* Our alarms run from the loop's timer, never from SIGALRM. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* vdsd.conf is ours, not Net-SNMP's; and no state under /var/lib/snmp. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
	                      conf->state_dir);
	setenv("MIBS", "", 1);
}

int
agentx_init(struct event_base *base, const struct vds_conf *conf)
{
	ax.base = base;
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, ax_log_cb, NULL);
	if (log_get_level() > 1)
		snmp_set_do_debugging(1);
	ax_configure(conf);
	if (init_agent("vdsd") != 0) {
		log_warnx("agentx", "cannot initialise the Net-SNMP agent library");
		return -1;
	}
	/* init_agent() puts Net-SNMP's defaults (a 15 s ping) back: set ours again. */
	ax_configure(conf);
	if (mib_register_all() < 0)
		return -1;
	init_snmp("vdsd");
	ax.timer = evtimer_new(base, ax_on_timeout, NULL);
	if (!ax.timer)
		return -1;
	ax.started = 1;
	ax.ping_ms = conf->agentx_ping * 1000;
	ax.connected = main_session != NULL;
	ax_watch_socket_dir(conf->agentx_socket);
	ax_sync(1);
	log_info("agentx", "subagent for %s (ping every %us)", conf->agentx_socket,
	         conf->agentx_ping);
	return 0;
}

void
agentx_set_state_cb(agentx_state_fn fn)
{
	ax.on_state = fn;
}

int
agentx_registered(void)
{
	return ax.started && ax.connected;
}

void
agentx_shutdown(void)
{
	if (!ax.started)
		return;
	while (ax.watches)
		ax_unwatch(&ax.watches);
	ax_unwatch_socket_dir();
	event_free(ax.timer);
	ax.timer = NULL;
	ax.started = 0;
	snmp_shutdown("vdsd");
	shutdown_agent();
}
