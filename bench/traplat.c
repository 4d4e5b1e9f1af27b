/* SPDX-License-Identifier: ISC */
/*
 * traplat.c - SET-to-notification timings of the benchmark client (see
 * snmplat.c for the command line).  The client is itself the trap sink:
 * a UDP socket on 127.0.0.1:TRAPPORT (the master's trap2sink) with
 * SO_TIMESTAMPNS, so every notification carries the kernel's receive time
 * (CLOCK_REALTIME, ns) and the figure does not depend on when the client
 * gets round to reading it.  The SET's send time is taken on the same clock
 * just before the request is built and sent (a few us early at most).
 *
 *   trapjobs N WINDOW TRAPPORT NEXTOID ENTRYOID DISK
 *	N createAndGo jobs on sim disk DISK: createPartition of 1 MiB, and
 *	deletePartition of each partition a completion reported, so the disk
 *	never fills.  At most WINDOW jobs are outstanding (1: each SET waits
 *	for the previous job's vdsJobCompleted).  Statistics of the SET round
 *	trip and of SET-sent to vdsJobCompleted-received.
 *   trapset N TRAPPORT SCALAROID TRAPOID
 *	N SETs of SCALAROID to 1..N, each waiting for the notification TRAPOID
 *	whose first payload varbind's last sub-identifier is the value set
 *	(bench/notifyref.c, the reference); the same two statistics.
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "snmplat.h"

#define TL_TIMEOUT_MS 5000

static const oid tl_trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; /* snmpTrapOID.0 */
static time_t tl_base;                                              /* s, CLOCK_REALTIME */

/* ms on CLOCK_REALTIME since tl_base (keeps us resolution in a double). */
static double
tl_ms(const struct timespec *ts)
{
	return (ts->tv_sec - tl_base) * 1e3 + ts->tv_nsec / 1e6;
}

static double
tl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return tl_ms(&ts);
}

static int
tl_open(const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), on = 1, buf = 4 << 20;

	tl_base = time(NULL);
	a.sin_port = htons((uint16_t)atoi(port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("cannot open the trap socket");
	return fd;
}

/* The next SNMPv2 notification within timeout_ms (0: only one already here), or NULL. */
static netsnmp_pdu *
tl_recv(int fd, int timeout_ms, double *at)
{
	static u_char buf[65536];
	union {
		char b[CMSG_SPACE(sizeof(struct timespec)) + 64];
		struct cmsghdr align;
	} ctl;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (poll(&p, 1, timeout_ms) > 0) {
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr m = {.msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = ctl.b,
		                   .msg_controllen = sizeof(ctl.b)};
		ssize_t n = recvmsg(fd, &m, 0);
		u_char community[128], *d;
		size_t clen = sizeof(community), len;
		long version;
		netsnmp_pdu *pdu;

		if (n <= 0)
			die("recvmsg on the trap socket");
		*at = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				*at = tl_ms(&ts);
			}
		if (*at < 0)
			die("no kernel timestamp on a notification");
		len = (size_t)n;
		d = snmp_comstr_parse(buf, &len, community, &clen, &version);
		if (!d || version != SNMP_VERSION_2c)
			continue;
		pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
		pdu->version = version;
		if (snmp_pdu_parse(pdu, d, &len) == 0 && pdu->command == SNMP_MSG_TRAP2)
			return pdu;
		snmp_free_pdu(pdu);
	}
	return NULL;
}

/* The first payload varbind (after sysUpTime.0 and snmpTrapOID.0) of a trap t. */
static netsnmp_variable_list *
tl_payload(const netsnmp_pdu *pdu, const oid *t, size_t tlen)
{
	netsnmp_variable_list *v = pdu->variables;

	if (!v || !(v = v->next_variable) ||
	    snmp_oid_compare(v->name, v->name_length, tl_trap_oid, OID_LENGTH(tl_trap_oid)) ||
	    v->type != ASN_OBJECT_ID ||
	    snmp_oid_compare(v->val.objid, v->val_len / sizeof(oid), t, tlen))
		return NULL;
	return v->next_variable;
}

/* The value of column col of a job row among the varbinds from v on; 0 if absent. */
static unsigned long
tl_col(const netsnmp_variable_list *v, size_t elen, oid col)
{
	for (; v; v = v->next_variable)
		if (v->name_length == elen + 2 && v->name[elen] == col && v->val.integer)
			return (unsigned long)*v->val.integer;
	return 0;
}

struct tl_job {
	unsigned long handle, partition; /* partition: 0 for a create */
	double sent;
};

/* trapjobs N WINDOW TRAPPORT NEXTOID ENTRYOID DISK */
int
cmd_trapjobs(int argc, char **argv)
{
	int n = argc == 6 ? atoi(argv[0]) : 0, window = argc == 6 ? atoi(argv[1]) : 0, fd;
	oid next[MAX_OID_LEN], entry[MAX_OID_LEN], trap[MAX_OID_LEN];
	size_t nlen, elen, tlen;
	double *rtt, *lat;
	struct tl_job *out;
	unsigned long *parts;
	int nout = 0, nparts = 0, sent = 0, done = 0, failed = 0;
	char dspec[64], pspec[64];

	if (n <= 0 || window < 1 || window > 64)
		die("trapjobs N WINDOW(1..64) TRAPPORT NEXTOID ENTRYOID DISK");
	fd = tl_open(argv[2]);
	nlen = parse_oid(argv[3], next);
	elen = parse_oid(argv[4], entry);
	/* vdsJobCompleted: vdsNotifications.10, vdsJobEntry is vdsMIB.1.8.1 */
	tlen = elen - 3;
	memcpy(trap, entry, tlen * sizeof(oid));
	trap[tlen++] = 0;
	trap[tlen++] = 10;
	snprintf(dspec, sizeof(dspec), "30=u:%s", argv[5]);
	rtt = calloc(n, sizeof(double));
	lat = calloc(n, sizeof(double));
	out = calloc(window, sizeof(*out));
	parts = calloc(window, sizeof(*parts));
	while (done < n) {
		int block = nout >= window || sent >= n;
		double at;
		netsnmp_pdu *pdu;

		while ((pdu = tl_recv(fd, block ? TL_TIMEOUT_MS : 0, &at))) {
			netsnmp_variable_list *v = tl_payload(pdu, trap, tlen);
			unsigned long h = v && v->name_length == elen + 2 ? v->name[elen + 1] : 0;
			int k;

			for (k = 0; k < nout && out[k].handle != h; k++)
				;
			if (k < nout) {
				lat[done++] = at - out[k].sent;
				if (tl_col(v, elen, 4) != 4)
					failed++;
				else if (!out[k].partition)
					parts[nparts++] = tl_col(v, elen, 51);
				out[k] = out[--nout];
				block = 0;
			}
			snmp_free_pdu(pdu);
		}
		if (block)
			die("no vdsJobCompleted within 5 s");
		if (sent < n && nout < window) {
			struct colspec c[4];
			char *create[4] = {"2=i:4", "3=i:1", dspec, "32=u:1"};
			char *del[3] = {"2=i:4", "3=i:2", pspec};
			unsigned long h, part = nparts ? parts[--nparts] : 0;
			int nc;
			double t0, m0;

			if (!get_u(next, nlen, &h))
				die("cannot read the next handle");
			snprintf(pspec, sizeof(pspec), "34=u:%lu", part);
			nc = part ? parse_cols(3, del, c) : parse_cols(4, create, c);
			m0 = now_ms();
			t0 = tl_now();
			if (!set_row(entry, elen, h, sent, c, nc))
				die("a job SET was refused");
			rtt[sent++] = now_ms() - m0;
			out[nout++] = (struct tl_job){.handle = h, .partition = part, .sent = t0};
		}
	}
	report("SET round trip", rtt, n, 0);
	report("SET-to-vdsJobCompleted", lat, n, failed);
	return failed ? 1 : 0;
}

/* trapset N TRAPPORT SCALAROID TRAPOID */
int
cmd_trapset(int argc, char **argv)
{
	int n = argc == 4 ? atoi(argv[0]) : 0, fd;
	oid scalar[MAX_OID_LEN], trap[MAX_OID_LEN];
	size_t slen, tlen;
	double *rtt, *lat;

	if (n <= 0)
		die("trapset N TRAPPORT SCALAROID TRAPOID");
	fd = tl_open(argv[1]);
	slen = parse_oid(argv[2], scalar);
	tlen = parse_oid(argv[3], trap);
	rtt = calloc(n, sizeof(double));
	lat = calloc(n, sizeof(double));
	for (int i = 0; i < n; i++) {
		netsnmp_pdu *req = snmp_pdu_create(SNMP_MSG_SET), *r, *pdu;
		long val = i + 1;
		double t0, m0, at = -1;

		snmp_pdu_add_variable(req, scalar, slen, ASN_INTEGER, &val, sizeof(val));
		m0 = now_ms();
		t0 = tl_now();
		r = ask(wr_sess, req);
		rtt[i] = now_ms() - m0;
		if (!r || r->errstat != SNMP_ERR_NOERROR)
			die("the reference SET was refused");
		snmp_free_pdu(r);
		while ((pdu = tl_recv(fd, TL_TIMEOUT_MS, &at))) {
			netsnmp_variable_list *v = tl_payload(pdu, trap, tlen);
			int mine = v && v->name_length && v->name[v->name_length - 1] == (oid)val;

			snmp_free_pdu(pdu);
			if (mine)
				break;
		}
		if (!pdu)
			die("no notification from the reference within 5 s");
		lat[i] = at - t0;
	}
	report("SET round trip", rtt, n, 0);
	report("SET-to-notification", lat, n, 0);
	return 0;
}
