/* SPDX-License-Identifier: ISC */
/*
 * snmplat.c - a small synchronous SNMPv2c client for the benchmarks in
 * bench/: it times single requests against one agent on 127.0.0.1 so the
 * figures show the agent, not the start-up of a snmpget process.
 *
 *   snmplat PORT get N NAME=OID [NAME=OID]
 *	N GETs (alternating between the OIDs when two are given); latency
 *	statistics per OID.
 *   snmplat PORT jobs N NEXTOID STATUSCOL COL=T:VALUE...
 *	N times: read NEXTOID (a next-handle scalar, not timed), SET the row
 *	H with the varbinds COL.H (T is i, u or s; "%d" in VALUE becomes the
 *	job number), then GET STATUSCOL.H until it answers.  Statistics of the
 *	SET round trip and of SET-sent-to-row-visible.
 *   snmplat PORT fill N JOBTABLE NEXTOID DISK
 *	N finished job rows as pairs: createPartition of 1 MiB on DISK, wait
 *	for it, then deletePartition of what it made.
 *   snmplat PORT walk REPS MAXREP NAME=OID
 *	REPS GETBULK walks of the subtree OID; rows (varbinds of the first
 *	column), varbinds, median and best time, rows/s and varbinds/s.
 *   snmplat PORT waitchange OID POLL_MS TIMEOUT_MS CMD [ARG...]
 *	Read OID, run CMD (its stdout is echoed), then GET OID every POLL_MS
 *	until the value differs; prints the time from starting CMD and from
 *	CMD's exit.
 *   snmplat PORT trapjobs N WINDOW TRAPPORT NEXTOID ENTRYOID DISK
 *   snmplat PORT trapset N TRAPPORT SCALAROID TRAPOID
 *	SET-to-notification timings, with a receiver on udp:127.0.0.1:TRAPPORT
 *	(bench/traplat.c).
 *
 * Writes use community "private", reads "public".  Times are in ms.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmplat.h"

void *rd_sess, *wr_sess;

double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void
die(const char *what)
{
	fprintf(stderr, "snmplat: %s\n", what);
	exit(2);
}

size_t
parse_oid(const char *s, oid *o)
{
	size_t n = 0;
	char *end;

	while (*s == '.')
		s++;
	while (*s && n < MAX_OID_LEN) {
		o[n++] = strtoul(s, &end, 10);
		if (end == s || (*end && *end != '.'))
			die("bad numeric OID");
		s = *end ? end + 1 : end;
	}
	return n;
}

static void *
open_sess(const char *port, const char *community)
{
	netsnmp_session s, *ss;
	char peer[64];
	void *h;

	snmp_sess_init(&s);
	snprintf(peer, sizeof(peer), "udp:127.0.0.1:%s", port);
	s.peername = peer;
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)community;
	s.community_len = strlen(community);
	s.timeout = 2000000;
	s.retries = 0;
	h = snmp_sess_open(&s);
	if (!h || !(ss = snmp_sess_session(h)))
		die("cannot open the session");
	return h;
}

/* One request; returns the response (caller frees) or NULL. */
netsnmp_pdu *
ask(void *sess, netsnmp_pdu *req)
{
	netsnmp_pdu *resp = NULL;

	if (snmp_sess_synch_response(sess, req, &resp) != STAT_SUCCESS) {
		if (resp)
			snmp_free_pdu(resp);
		return NULL;
	}
	return resp;
}

static netsnmp_pdu *
get1(const oid *o, size_t len)
{
	netsnmp_pdu *p = snmp_pdu_create(SNMP_MSG_GET);

	snmp_add_null_var(p, o, len);
	return ask(rd_sess, p);
}

/* GET an integer-like value; 1 when it answered with a value. */
int
get_u(const oid *o, size_t len, unsigned long *v)
{
	netsnmp_pdu *r = get1(o, len);
	int ok = 0;

	if (r && r->errstat == SNMP_ERR_NOERROR && r->variables) {
		switch (r->variables->type) {
		case ASN_INTEGER:
		case ASN_UNSIGNED:
		case ASN_COUNTER:
		case ASN_TIMETICKS:
			*v = (unsigned long)*r->variables->val.integer;
			ok = 1;
			break;
		default:
			break;
		}
	}
	if (r)
		snmp_free_pdu(r);
	return ok;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * n);

	return n ? v[k ? k - 1 : 0] : NAN;
}

void
report(const char *name, double *v, size_t n, unsigned errors)
{
	qsort(v, n, sizeof(*v), cmp_d);
	printf("%s: n=%zu median=%.3f p90=%.3f p99=%.3f max=%.3f ms errors=%u\n", name, n,
	       pct(v, n, 0.5), pct(v, n, 0.9), pct(v, n, 0.99), n ? v[n - 1] : NAN, errors);
}

struct target {
	const char *name;
	oid o[MAX_OID_LEN];
	size_t len;
};

static void
parse_target(const char *arg, struct target *t)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (!eq)
		die("expected NAME=OID");
	name = strndup(arg, eq - arg);
	t->name = name;
	t->len = parse_oid(eq + 1, t->o);
}

static int
cmd_get(int argc, char **argv)
{
	struct target t[2];
	int n = atoi(argv[0]), k = argc - 1;
	double *lat[2];
	unsigned err[2] = {0, 0};
	size_t cnt[2] = {0, 0};

	if (k < 1 || k > 2 || n <= 0)
		die("get N NAME=OID [NAME=OID]");
	for (int i = 0; i < k; i++) {
		parse_target(argv[1 + i], &t[i]);
		lat[i] = calloc(n, sizeof(double));
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < k; j++) {
			double t0 = now_ms();
			netsnmp_pdu *r = get1(t[j].o, t[j].len);
			double dt = now_ms() - t0;

			if (!r || r->errstat || !r->variables ||
			    r->variables->type == SNMP_NOSUCHOBJECT ||
			    r->variables->type == SNMP_NOSUCHINSTANCE)
				err[j]++;
			else
				lat[j][cnt[j]++] = dt;
			if (r)
				snmp_free_pdu(r);
		}
	for (int j = 0; j < k; j++)
		report(t[j].name, lat[j], cnt[j], err[j]);
	return 0;
}

int
set_row(const oid *entry, size_t elen, uint32_t h, int num, const struct colspec *c, int nc)
{
	netsnmp_pdu *p = snmp_pdu_create(SNMP_MSG_SET), *r;
	oid o[MAX_OID_LEN];
	char buf[512];
	int ok;

	memcpy(o, entry, elen * sizeof(oid));
	o[elen + 1] = h;
	for (int i = 0; i < nc; i++) {
		o[elen] = c[i].col;
		snprintf(buf, sizeof(buf), c[i].val, num);
		if (snmp_add_var(p, o, elen + 2, c[i].type, buf))
			die("bad SET value");
	}
	r = ask(wr_sess, p);
	ok = r && r->errstat == SNMP_ERR_NOERROR;
	if (r && !ok)
		fprintf(stderr, "snmplat: SET of row %u: %s (index %ld)\n", h,
		        snmp_errstring(r->errstat), r->errindex);
	if (r)
		snmp_free_pdu(r);
	return ok;
}

int
parse_cols(int argc, char **argv, struct colspec *c)
{
	for (int i = 0; i < argc; i++) {
		char *colon = strchr(argv[i], ':'), *eq = strchr(argv[i], '=');

		if (!eq || !colon || colon != eq + 2)
			die("column spec is COL=T:VALUE");
		c[i].col = strtoul(argv[i], NULL, 10);
		c[i].type = eq[1];
		c[i].val = colon + 1;
	}
	return argc;
}

static void
split_entry(const char *arg, oid *o, size_t *len)
{
	*len = parse_oid(arg, o);
}

/* jobs N NEXTOID ENTRYOID STATUSCOL COL=T:V... */
static int
cmd_jobs(int argc, char **argv)
{
	int n = atoi(argv[0]), nc;
	oid next[MAX_OID_LEN], entry[MAX_OID_LEN], st[MAX_OID_LEN];
	size_t nlen, elen;
	struct colspec c[32];
	double *set = calloc(n, sizeof(double)), *vis = calloc(n, sizeof(double));
	unsigned serr = 0, gets = 0;
	size_t ok = 0;

	if (argc < 5 || argc - 4 > 32)
		die("jobs N NEXTOID ENTRYOID STATUSCOL COL=T:V...");
	nlen = parse_oid(argv[1], next);
	split_entry(argv[2], entry, &elen);
	nc = parse_cols(argc - 4, argv + 4, c);
	memcpy(st, entry, elen * sizeof(oid));
	st[elen] = strtoul(argv[3], NULL, 10);
	for (int i = 0; i < n; i++) {
		unsigned long h, v;
		double t0, t1;

		if (!get_u(next, nlen, &h))
			die("cannot read the next handle");
		t0 = now_ms();
		if (!set_row(entry, elen, h, i, c, nc)) {
			serr++;
			continue;
		}
		t1 = now_ms();
		st[elen + 1] = h;
		while (gets++, !get_u(st, elen + 2, &v))
			if (now_ms() - t0 > 5000)
				die("row not visible after 5 s");
		set[ok] = t1 - t0;
		vis[ok++] = now_ms() - t0;
		if (ok % 100 == 0) {
			/* latency against queue depth: each block of 100 */
			double b[100];

			memcpy(b, vis + ok - 100, sizeof(b));
			qsort(b, 100, sizeof(double), cmp_d);
			printf(
			    "  jobs %4zu-%4zu: set-to-visible median=%.3f p99=%.3f max=%.3f ms\n",
			    ok - 99, ok, b[49], b[98], b[99]);
		}
	}
	printf("status GETs needed: %.3f per job\n", ok ? (double)gets / ok : 0.0);
	report("SET round trip", set, ok, serr);
	report("SET-to-row-visible", vis, ok, serr);
	return 0;
}

/* fill N ENTRYOID NEXTOID DISK: createPartition then deletePartition pairs. */
static int
cmd_fill(int argc, char **argv)
{
	int n = atoi(argv[0]), made = 0;
	oid entry[MAX_OID_LEN], next[MAX_OID_LEN], o[MAX_OID_LEN];
	size_t elen, nlen;
	const char *disk = argv[3];
	char dspec[64], pspec[64];
	double t0 = now_ms();

	if (argc != 4)
		die("fill N ENTRYOID NEXTOID DISK");
	split_entry(argv[1], entry, &elen);
	nlen = parse_oid(argv[2], next);
	snprintf(dspec, sizeof(dspec), "30=u:%s", disk);
	while (made < n) {
		struct colspec c[4];
		unsigned long h, v = 0, part = 0;
		char *cs[4] = {"2=i:4", "3=i:1", dspec, "32=u:1"};

		if (!get_u(next, nlen, &h))
			die("cannot read the next handle");
		parse_cols(4, cs, c);
		if (!set_row(entry, elen, h, 0, c, 4))
			die("createPartition refused");
		made++;
		memcpy(o, entry, elen * sizeof(oid));
		o[elen + 1] = h;
		for (o[elen] = 4; !get_u(o, elen + 2, &v) || v < 4;)
			;
		o[elen] = 51;
		if (v != 4 || !get_u(o, elen + 2, &part) || !part || made >= n)
			continue;
		if (!get_u(next, nlen, &h))
			die("cannot read the next handle");
		snprintf(pspec, sizeof(pspec), "34=u:%lu", part);
		{
			char *ds[3] = {"2=i:4", "3=i:2", pspec};

			parse_cols(3, ds, c);
		}
		if (!set_row(entry, elen, h, 0, c, 3))
			die("deletePartition refused");
		made++;
	}
	printf("fill: %d job rows in %.1f s\n", made, (now_ms() - t0) / 1e3);
	return 0;
}

/* One GETBULK walk of the subtree; counts varbinds and first-column rows. */
static int
walk_once(const struct target *t, int maxrep, size_t *rows, size_t *vbs)
{
	oid cur[MAX_OID_LEN];
	size_t clen = t->len;
	int done = 0;
	oid firstcol = 0;

	memcpy(cur, t->o, clen * sizeof(oid));
	*rows = *vbs = 0;
	while (!done) {
		netsnmp_pdu *p = snmp_pdu_create(SNMP_MSG_GETBULK), *r;
		netsnmp_variable_list *v;

		p->non_repeaters = 0;
		p->max_repetitions = maxrep;
		snmp_add_null_var(p, cur, clen);
		r = ask(rd_sess, p);
		if (!r || r->errstat)
			return -1;
		for (v = r->variables; v; v = v->next_variable) {
			if (v->type == SNMP_ENDOFMIBVIEW || v->name_length <= t->len ||
			    snmp_oid_compare(v->name, t->len, t->o, t->len) != 0) {
				done = 1;
				break;
			}
			(*vbs)++;
			/* rows: entries of the first column met (table.1.COL.INDEX) */
			if (v->name_length > t->len + 2 && *vbs == 1)
				firstcol = v->name[t->len + 1];
			if (v->name_length > t->len + 2 && v->name[t->len + 1] == firstcol)
				(*rows)++;
			memcpy(cur, v->name, v->name_length * sizeof(oid));
			clen = v->name_length;
		}
		if (!r->variables)
			done = 1;
		snmp_free_pdu(r);
	}
	return 0;
}

static int
cmd_walk(int argc, char **argv)
{
	int reps = atoi(argv[0]), maxrep = atoi(argv[1]);
	struct target t;
	double *tm = calloc(reps, sizeof(double));
	size_t rows = 0, vbs = 0;

	if (argc != 3 || reps <= 0)
		die("walk REPS MAXREP NAME=OID");
	parse_target(argv[2], &t);
	for (int i = 0; i < reps; i++) {
		double t0 = now_ms();

		if (walk_once(&t, maxrep, &rows, &vbs) < 0)
			die("walk failed");
		tm[i] = now_ms() - t0;
	}
	qsort(tm, reps, sizeof(double), cmp_d);
	{
		double med = pct(tm, reps, 0.5);

		printf("%s walk (max-repetitions %d): rows=%zu varbinds=%zu median=%.2f min=%.2f "
		       "max=%.2f ms over %d walks; %.0f rows/s, %.0f varbinds/s\n",
		       t.name, maxrep, rows, vbs, med, tm[0], tm[reps - 1], reps,
		       rows / (med / 1e3), vbs / (med / 1e3));
	}
	return 0;
}

/* The value of OID as text ("" when absent). */
static void
get_text(const oid *o, size_t len, char *buf, size_t blen)
{
	netsnmp_pdu *r = get1(o, len);

	buf[0] = 0;
	if (r && r->errstat == SNMP_ERR_NOERROR && r->variables)
		snprint_value(buf, blen, r->variables->name, r->variables->name_length,
		              r->variables);
	if (r)
		snmp_free_pdu(r);
}

static int
cmd_waitchange(int argc, char **argv)
{
	oid o[MAX_OID_LEN];
	size_t len = parse_oid(argv[0], o);
	int poll = atoi(argv[1]), timeout = atoi(argv[2]), st;
	char base[256], cur[256], out[256];
	double t0, t1, t2;
	int pfd[2];
	ssize_t got = 0, k;
	pid_t pid;

	if (argc < 4)
		die("waitchange OID POLL_MS TIMEOUT_MS CMD...");
	get_text(o, len, base, sizeof(base));
	if (pipe(pfd) < 0)
		die("pipe");
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	close(pfd[1]);
	while ((k = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += k;
	out[got] = 0;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	t1 = now_ms();
	printf("%s", out);
	fflush(stdout);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("the command failed");
	for (;;) {
		get_text(o, len, cur, sizeof(cur));
		t2 = now_ms();
		if (strcmp(cur, base) != 0)
			break;
		if (t2 - t0 > timeout) {
			printf("timeout\n");
			return 1;
		}
		usleep(poll * 1000);
	}
	printf("changed %.3f ms after the command started, %.3f ms after it exited (%s -> %s)\n",
	       t2 - t0, t2 - t1, base, cur);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 4)
		die("usage: snmplat PORT get|jobs|fill|walk|waitchange|trapjobs|trapset ARGS...");
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	init_snmp("snmplat");
	rd_sess = open_sess(argv[1], "public");
	wr_sess = open_sess(argv[1], "private");
	cmd = argv[2];
	argc -= 3;
	argv += 3;
	if (!strcmp(cmd, "get"))
		return cmd_get(argc, argv);
	if (!strcmp(cmd, "jobs"))
		return cmd_jobs(argc, argv);
	if (!strcmp(cmd, "fill"))
		return cmd_fill(argc, argv);
	if (!strcmp(cmd, "walk"))
		return cmd_walk(argc, argv);
	if (!strcmp(cmd, "waitchange"))
		return cmd_waitchange(argc, argv);
	if (!strcmp(cmd, "trapjobs"))
		return cmd_trapjobs(argc, argv);
	if (!strcmp(cmd, "trapset"))
		return cmd_trapset(argc, argv);
	die("unknown command");
	return 2;
}
