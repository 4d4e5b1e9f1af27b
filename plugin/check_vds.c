/* SPDX-License-Identifier: ISC */
/*
 * check_vds.c - a Monitoring Plugins (Nagios, Icinga) check for vdsd.
 *
 *   check_vds -m MODE [-w W] [-c C] [-W SECONDS] [-o OBJECT] [-t SECONDS]
 *             (-H HOST [-C COMMUNITY] [-P 1|2c] | -- SNMP-OPTIONS AGENT)
 *
 * Modes: agent (reachability), jobs (failed jobs in a time window), free
 * (free space of disks and packs, thresholds in % or units), volumes
 * (volumes not healthy).  One status line with perfdata; exit 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN.  After "--" come the options of snmpget
 * (-v, -c, -u, -l, -a, -A, -x, -X, -t, -r) and the agent, parsed by the
 * client library with snmp_parse_args().
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vcunits.h"
#include "vdsclient.h"

enum cv_state { CV_OK = 0, CV_WARNING = 1, CV_CRITICAL = 2, CV_UNKNOWN = 3 };

static const char *const cv_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

/* A free-space threshold: below pct percent, or below bytes. */
struct cv_thr {
	int set, is_pct;
	double pct;
	uint64_t bytes;
};

struct cv_opts {
	const char *mode, *object, *host, *community, *version;
	const char *warn, *crit;
	unsigned timeout, window;
	struct vc_conn *c;
	char perf[2048];
	size_t perflen;
};

static void cv_exit(enum cv_state st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
cv_exit(enum cv_state st, const char *fmt, ...)
{
	va_list ap;

	printf("VDS %s - ", cv_names[st]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(st);
}

static void
cv_on_alarm(int sig)
{
	static const char msg[] = "VDS UNKNOWN - check timed out\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(CV_UNKNOWN);
	_exit(CV_UNKNOWN);
}

static void
cv_help(void)
{
	printf(
	    "check_vds %s - check vdsd (VDS-MIB) over SNMP\n\n"
	    "Usage: check_vds -m MODE [-w WARN] [-c CRIT] [-W SECONDS] [-o OBJECT] [-t SECONDS]\n"
	    "                 (-H HOST [-C COMMUNITY] [-P 1|2c] | -- SNMP-OPTIONS AGENT)\n\n"
	    "Modes:\n"
	    "  agent    the agent answers and serves VDS-MIB (CRITICAL when not)\n"
	    "  jobs     failed jobs that ended in the last -W seconds (default 3600);\n"
	    "           -w/-c: alert when more than that many (default -w 0)\n"
	    "  free     free space of disks and packs; -w/-c: alert when free is below\n"
	    "           a percentage of the size (20%%) or an amount (10G, 500MiB);\n"
	    "           -o disk:N, pack:N or a name checks one object (default: every\n"
	    "           online disk that has a partition table, and every pack)\n"
	    "  volumes  volumes not healthy: CRITICAL for failed, missing or offline,\n"
	    "           WARNING for degraded, rebuilding or unknown\n\n"
	    "Options:\n"
	    "  -t, --timeout SECONDS   give up after this long (default 10): UNKNOWN\n"
	    "  -H, --hostname HOST     agent (instead of \"-- SNMP-OPTIONS AGENT\")\n"
	    "  -C, --community NAME    SNMP community with -H (default public)\n"
	    "  -P, --protocol 1|2c     SNMP version with -H (default 2c)\n"
	    "  -h, --help, -V, --version\n\n"
	    "After \"--\": the options of snmpget(1) (-v 3 -u USER -l authPriv -a SHA -A ...)\n"
	    "and the agent.\n\n"
	    "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n",
	    PACKAGE_VERSION);
}

static void
cv_perf(struct cv_opts *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->perflen >= sizeof(o->perf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->perf + o->perflen, sizeof(o->perf) - o->perflen, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->perflen += (size_t)n;
}

static void
cv_done(struct cv_opts *o, enum cv_state st, const char *text)
{
	printf("VDS %s - %s%s%s\n", cv_names[st], text, o->perflen ? " |" : "", o->perf);
	vc_close(o->c);
	exit(st);
}

static int
cv_parse_thr(const char *s, struct cv_thr *t)
{
	size_t n = strlen(s);
	char *end;

	t->set = 1;
	if (n > 1 && s[n - 1] == '%') {
		t->is_pct = 1;
		t->pct = strtod(s, &end);
		return end == s + n - 1 && t->pct >= 0 && t->pct <= 100 ? 0 : -1;
	}
	return vc_parse_size(s, 1, &t->bytes);
}

/* Alert when free is below the threshold. */
static int
cv_below(const struct cv_thr *t, uint64_t free, uint64_t size)
{
	if (!t->set)
		return 0;
	if (t->is_pct)
		return size && (double)free * 100.0 / (double)size < t->pct;
	return free < t->bytes;
}

static uint64_t
cv_thr_bytes(const struct cv_thr *t, uint64_t size)
{
	return t->is_pct ? (uint64_t)(t->pct / 100.0 * (double)size) : t->bytes;
}

/* Free space of one object; updates *worst and the status text. */
static void
cv_free_one(struct cv_opts *o, const struct cv_thr *w, const struct cv_thr *c, const char *kind,
            const char *name, uint64_t free, uint64_t size, enum cv_state *worst, char *text,
            size_t len)
{
	enum cv_state st = cv_below(c, free, size)   ? CV_CRITICAL
	                   : cv_below(w, free, size) ? CV_WARNING
	                                             : CV_OK;
	char a[32], b[32];
	size_t used = strlen(text);

	if (st > *worst)
		*worst = st;
	snprintf(text + used, len - used, "%s%s %s %s free of %s (%.1f%%)", used ? ", " : "", kind,
	         name, vc_format_size(free, a, sizeof(a)), vc_format_size(size, b, sizeof(b)),
	         size ? (double)free * 100.0 / (double)size : 0.0);
	cv_perf(o, " '%s_%s_free'=%lluB;", kind, name, (unsigned long long)free);
	if (w->set)
		cv_perf(o, "%llu", (unsigned long long)cv_thr_bytes(w, size));
	cv_perf(o, ";");
	if (c->set)
		cv_perf(o, "%llu", (unsigned long long)cv_thr_bytes(c, size));
	cv_perf(o, ";0;%llu", (unsigned long long)size);
}

/* Does the object (kind, index, name) match -o? No -o: defaults. */
static int
cv_selected(const struct cv_opts *o, const char *kind, uint32_t idx, const char *name)
{
	char id[48];

	if (!o->object)
		return 1;
	snprintf(id, sizeof(id), "%s:%u", kind, idx);
	return !strcmp(o->object, id) || !strcmp(o->object, name);
}

static void
cv_mode_free(struct cv_opts *o)
{
	struct cv_thr w = {0}, c = {0};
	struct vc_disk *d;
	struct vc_pack *p;
	size_t nd, np, checked = 0;
	enum cv_state worst = CV_OK;
	char text[1024] = "";

	if ((o->warn && cv_parse_thr(o->warn, &w) < 0) ||
	    (o->crit && cv_parse_thr(o->crit, &c) < 0))
		cv_exit(CV_UNKNOWN, "thresholds are a percentage (20%%) or a size (10G)");
	if (vc_read_table(o->c, VC_T_DISK, (void **)&d, &nd) < 0)
		cv_exit(CV_UNKNOWN, "%s", vc_errmsg(o->c));
	if (vc_read_table(o->c, VC_T_PACK, (void **)&p, &np) < 0)
		cv_exit(CV_UNKNOWN, "%s", vc_errmsg(o->c));
	for (size_t i = 0; i < nd; i++) {
		int dflt = d[i].status == 1 && d[i].pstyle >= 3; /* online, mbr or gpt */

		if ((o->object || dflt) && cv_selected(o, "disk", d[i].index, d[i].name) &&
		    ++checked)
			cv_free_one(o, &w, &c, "disk", d[i].name, d[i].free, d[i].size, &worst,
			            text, sizeof(text));
	}
	for (size_t i = 0; i < np; i++)
		if (cv_selected(o, "pack", p[i].index, p[i].name) && ++checked)
			cv_free_one(o, &w, &c, "pack", p[i].name, p[i].free, p[i].size, &worst,
			            text, sizeof(text));
	free(d);
	free(p);
	if (!checked)
		cv_exit(CV_UNKNOWN, "no disk or pack %s%s", o->object ? "matches " : "to check",
		        o->object ? o->object : "");
	cv_done(o, worst, text);
}

static void
cv_mode_jobs(struct cv_opts *o)
{
	struct vc_job *j;
	size_t n, failed = 0;
	long w = o->warn ? atol(o->warn) : 0, c = o->crit ? atol(o->crit) : -1;
	time_t since = time(NULL) - (time_t)o->window;
	char text[1024], last[400] = "";
	enum cv_state st = CV_OK;

	if (vc_read_table(o->c, VC_T_JOB, (void **)&j, &n) < 0)
		cv_exit(CV_UNKNOWN, "%s", vc_errmsg(o->c));
	for (size_t i = 0; i < n; i++) {
		if (j[i].status != VC_JS_FAILED || j[i].end_time < since)
			continue;
		failed++;
		snprintf(last, sizeof(last), "; last: job %u: %s", j[i].handle,
		         j[i].error_msg[0] ? j[i].error_msg : j[i].error_name);
	}
	free(j);
	if (c >= 0 && (long)failed > c)
		st = CV_CRITICAL;
	else if ((long)failed > w)
		st = CV_WARNING;
	snprintf(text, sizeof(text), "%zu job%s failed in the last %u s%s", failed,
	         failed == 1 ? "" : "s", o->window, last);
	cv_perf(o, " failed=%zu;%ld;", failed, w);
	if (c >= 0)
		cv_perf(o, "%ld", c);
	cv_perf(o, ";0;");
	cv_done(o, st, text);
}

static void
cv_mode_volumes(struct cv_opts *o)
{
	static const char *const health[] = {"?",        "unknown",    "healthy",
	                                     "degraded", "rebuilding", "failed"};
	static const char *const status[] = {"?", "online", "offline", "probeError", "missing"};
	struct vc_volume *v;
	size_t n, bad = 0, used = 0;
	enum cv_state worst = CV_OK;
	char text[1024] = "";

	if (vc_read_table(o->c, VC_T_VOLUME, (void **)&v, &n) < 0)
		cv_exit(CV_UNKNOWN, "%s", vc_errmsg(o->c));
	for (size_t i = 0; i < n; i++) {
		uint32_t h = v[i].health <= 5 ? v[i].health : 0;
		uint32_t s = v[i].status <= 4 ? v[i].status : 0;
		enum cv_state st = (h == 5 || s >= 2) ? CV_CRITICAL : h != 2 ? CV_WARNING : CV_OK;

		if (st == CV_OK)
			continue;
		bad++;
		worst = st > worst ? st : worst;
		if (used < sizeof(text))
			used += snprintf(text + used, sizeof(text) - used, "%svolume %s is %s/%s",
			                 used ? ", " : "", v[i].name, health[h], status[s]);
	}
	if (!bad)
		snprintf(text, sizeof(text), "all %zu volumes healthy", n);
	cv_perf(o, " volumes=%zu;;;0; unhealthy=%zu;;;0;", n, bad);
	free(v);
	cv_done(o, worst, text);
}

static void
cv_mode_agent(struct cv_opts *o)
{
	struct vc_service s;
	char text[512];

	if (vc_read_service(o->c, &s) < 0)
		cv_exit(CV_CRITICAL, "%s", vc_errmsg(o->c));
	snprintf(text, sizeof(text), "vdsd %s (%s) answers: %u disks, %u volumes, %u jobs running",
	         s.version, s.providers, s.disk_count, s.volume_count, s.jobs_running);
	cv_perf(o, " disks=%u;;;0; volumes=%u;;;0; jobs_running=%u;;;0; jobs_queued=%u;;;0;",
	        s.disk_count, s.volume_count, s.jobs_running, s.jobs_queued);
	cv_done(o, CV_OK, text);
}

static int
cv_options(struct cv_opts *o, int argc, char **argv)
{
	static const struct option longs[] = {
	    {"mode", 1, NULL, 'm'},     {"warning", 1, NULL, 'w'},   {"critical", 1, NULL, 'c'},
	    {"window", 1, NULL, 'W'},   {"object", 1, NULL, 'o'},    {"timeout", 1, NULL, 't'},
	    {"hostname", 1, NULL, 'H'}, {"community", 1, NULL, 'C'}, {"protocol", 1, NULL, 'P'},
	    {"help", 0, NULL, 'h'},     {"version", 0, NULL, 'V'},   {NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "+m:w:c:W:o:t:H:C:P:hV", longs, NULL)) != -1) {
		switch (ch) {
		case 'm':
			o->mode = optarg;
			break;
		case 'w':
			o->warn = optarg;
			break;
		case 'c':
			o->crit = optarg;
			break;
		case 'W':
			o->window = (unsigned)atoi(optarg);
			break;
		case 'o':
			o->object = optarg;
			break;
		case 't':
			o->timeout = (unsigned)atoi(optarg);
			break;
		case 'H':
			o->host = optarg;
			break;
		case 'C':
			o->community = optarg;
			break;
		case 'P':
			o->version = optarg;
			break;
		case 'h':
			cv_help();
			exit(CV_OK);
		case 'V':
			printf("check_vds v%s (vdsd)\n", PACKAGE_VERSION);
			exit(CV_OK);
		default:
			cv_exit(CV_UNKNOWN, "bad arguments; see check_vds --help");
		}
	}
	if (!o->mode)
		cv_exit(CV_UNKNOWN, "no mode: -m agent|jobs|free|volumes (see --help)");
	return optind;
}

/* Open the session from "-- SNMP options AGENT" or from -H/-C/-P. */
static void
cv_connect(struct cv_opts *o, int argc, char **argv, int first)
{
	/* snmp_parse_args() wipes the community in place: writable copies. */
	char *sargv[8], err[300] = "", pv[8], vflag[] = "-v", cflag[] = "-c", comm[128], host[256];
	int rc;

	if (first < argc) {
		argv[first - 1] = argv[0];
		rc = vc_open(argc - first + 1, argv + first - 1, &o->c, err, sizeof(err));
	} else {
		if (!o->host)
			cv_exit(CV_UNKNOWN, "no agent: give -H HOST or \"-- SNMP-OPTIONS AGENT\"");
		snprintf(pv, sizeof(pv), "%s", o->version ? o->version : "2c");
		sargv[0] = argv[0];
		snprintf(comm, sizeof(comm), "%s", o->community ? o->community : "public");
		snprintf(host, sizeof(host), "%s", o->host);
		sargv[1] = vflag;
		sargv[2] = pv;
		sargv[3] = cflag;
		sargv[4] = comm;
		sargv[5] = host;
		sargv[6] = NULL;
		rc = vc_open(6, sargv, &o->c, err, sizeof(err));
	}
	if (rc == -1)
		cv_exit(CV_UNKNOWN, "bad SNMP options%s%s", err[0] ? ": " : "", err);
	if (rc < 0)
		cv_exit(CV_UNKNOWN, "%s", err[0] ? err : "cannot open the SNMP session");
}

int
main(int argc, char **argv)
{
	struct cv_opts o = {.timeout = 10, .window = 3600};
	int first = cv_options(&o, argc, argv);

	signal(SIGALRM, cv_on_alarm);
	alarm(o.timeout ? o.timeout : 10);
	cv_connect(&o, argc, argv, first);
	if (!strcmp(o.mode, "agent"))
		cv_mode_agent(&o);
	else if (!strcmp(o.mode, "jobs"))
		cv_mode_jobs(&o);
	else if (!strcmp(o.mode, "free"))
		cv_mode_free(&o);
	else if (!strcmp(o.mode, "volumes"))
		cv_mode_volumes(&o);
	cv_exit(CV_UNKNOWN, "unknown mode \"%s\" (agent, jobs, free, volumes)", o.mode);
}
