/* SPDX-License-Identifier: ISC */
/*
 * check_vds.c - a Monitoring Plugins (Nagios, Icinga) check for vdsd.
 *
 *   check_vds -m MODE [-w W] [-c C] [-W SECONDS] [-o OBJECT] [-t SECONDS]
 *             (-H HOST [-p PORT] [-C COMMUNITY] [-P 1|2c] | -- SNMP-OPTIONS AGENT)
 *
 * Modes: agent (reachability), jobs (failed jobs in a time window), free
 * (free space of disks and packs), volumes
 * (volumes not healthy), health (disks failing or failed, temperature).  One status line with
 * perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.  After "--" come the options of snmpget
 * (-v, -c, -u, -l, -a, -A, -x, -X, -t, -r) and the agent, parsed by the
 * client library with snmp_parse_args().
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cv_health.h"
#include "cv_hist.h"
#include "cv_range.h"
#include "vcunits.h"
#include "vdsclient.h"

enum cv_state { CV_OK = 0, CV_WARNING = 1, CV_CRITICAL = 2, CV_UNKNOWN = 3 };

static const char *const cv_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

struct cv_opts {
	const char *mode, *object, *host, *community, *version, *state_dir;
	const char *warn, *crit;
	unsigned timeout, window, port;
	struct cv_range thr_w, thr_c; /* -w and -c, parsed for the mode */
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
	    "                 (-H HOST [-p PORT] [-C COMMUNITY] [-P 1|2c] | -- SNMP-OPTIONS "
	    "AGENT)\n\n"
	    "Modes:\n"
	    "  agent    the agent answers and serves VDS-MIB (CRITICAL when not; UNKNOWN for\n"
	    "           wrong SNMPv3 credentials or no access)\n"
	    "  jobs     failed jobs that ended in the last -W seconds (default 3600);\n"
	    "           -w/-c: ranges of counts (default -w 0: any failure warns)\n"
	    "  free     free space of disks and packs; -w/-c: ranges of free space\n"
	    "           (default: none); -o disk:N, pack:N or a name checks one object\n"
	    "           (default: every online disk with a partition table, every pack)\n"
	    "  volumes  volumes not healthy: CRITICAL for failed, missing or offline,\n"
	    "           WARNING for degraded, rebuilding or unknown\n"
	    "  health   the disks' own health (SMART, NVMe): CRITICAL for failed, WARNING\n"
	    "           for failing; -w/-c: ranges of temperature in degrees Celsius\n"
	    "           (-w 50 -c 60: above 50 warns, above 60 is critical); disks\n"
	    "           without health data (loop, virtio, image files) do not alert\n\n"
	    "Thresholds (the Monitoring Plugins range syntax): N alerts above N (or\n"
	    "below 0), N: below N, ~:N above N, N:M outside N..M, @N:M inside it.\n"
	    "In free mode a single value is a minimum, as in check_disk (-w 20%% is\n"
	    "-w 20%%:), and values are a percentage of the size (20%%) or a size with its\n"
	    "unit as vdsctl reads it (10G, 500MiB, 2TB; a bare number is refused);\n"
	    "perfdata is in bytes with the ranges in bytes (N:).  A warning that would\n"
	    "alert after the critical (free -w 10%% -c 20%%, jobs -w 5 -c 2) is refused.\n"
	    "The status line names the objects past a threshold first.\n\n"
	    "jobs counts the most that three sources show: job rows (vdsd purges them\n"
	    "vdsJobPurgeTime, 900 s by default, after the job ends), vdsJobsFailed when\n"
	    "vdsd started in the window, and a history of vdsJobsFailed that check_vds\n"
	    "keeps between its runs in the state directory (-S).  When none spans the\n"
	    "window the status line says from when the count holds.\n\n"
	    "Options:\n"
	    "  -t, --timeout SECONDS   give up after this long (default 10): UNKNOWN\n"
	    "  -H, --hostname HOST     agent (instead of \"-- SNMP-OPTIONS AGENT\")\n"
	    "  -p, --port PORT         its UDP port with -H (default 161)\n"
	    "  -C, --community NAME    SNMP community with -H (default public)\n"
	    "  -S, --state-dir DIR     jobs mode's history (default\n"
	    "                          $NAGIOS_PLUGIN_STATE_DIRECTORY, else /var/tmp)\n"
	    "  -P, --protocol 1|2c     SNMP version with -H (default 2c)\n"
	    "  -h, --help, -V, --version\n\n"
	    "After \"--\": the options of snmpget(1) (-v 3 -u USER -l authPriv -a SHA -A ...)\n"
	    "and the agent.  With SNMPv2c a wrong community looks like an agent that does\n"
	    "not answer; SNMPv3 reports wrong credentials, and so does check_vds.\n\n"
	    "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also: bad arguments).\n",
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

/* The client library's error: UNKNOWN (the check could not be made). */
static void cv_agent_exit(struct cv_opts *o) __attribute__((noreturn));

static void
cv_agent_exit(struct cv_opts *o)
{
	cv_exit(CV_UNKNOWN, "%s", vc_errmsg(o->c));
}

/* -w and -c as ranges of kind into o->w and o->c; UNKNOWN when they are
 * not, or when the warning would alert later than the critical. */
static void
cv_thresholds(struct cv_opts *o, enum cvr_kind kind, int min_bare)
{
	struct cv_range *w = &o->thr_w, *c = &o->thr_c;
	char err[300];

	if ((o->warn && cvr_parse(o->warn, kind, min_bare, w, err, sizeof(err)) < 0) ||
	    (o->crit && cvr_parse(o->crit, kind, min_bare, c, err, sizeof(err)) < 0))
		cv_exit(CV_UNKNOWN, "%s", err);
	if (cvr_inverted(w, c))
		cv_exit(CV_UNKNOWN,
		        "the warning threshold %s alerts %s than the critical %s: a check would "
		        "be critical before it is a warning",
		        w->text, min_bare ? "at less free space" : "at a higher count", c->text);
}

/* The objects checked in free mode, to be named breaching ones first. */
struct cv_item {
	enum cv_state st;
	char text[200];
};

struct cv_items {
	struct cv_item *v;
	size_t n, cap;
};

/* Free space of one object: its state, its words and its perfdata. */
static void
cv_free_one(struct cv_opts *o, const struct cv_range *w, const struct cv_range *c, const char *kind,
            const char *name, uint64_t free, uint64_t size, struct cv_items *items)
{
	enum cv_state st = cvr_alert(c, (double)free, (double)size)   ? CV_CRITICAL
	                   : cvr_alert(w, (double)free, (double)size) ? CV_WARNING
	                                                              : CV_OK;
	char a[32], b[32], wp[40], cp[40];
	struct cv_item *it;

	if (items->n == items->cap) {
		size_t cap = items->cap ? items->cap * 2 : 16;
		struct cv_item *nv = realloc(items->v, cap * sizeof(*nv));

		if (!nv)
			cv_exit(CV_UNKNOWN, "out of memory");
		items->v = nv;
		items->cap = cap;
	}
	it = &items->v[items->n++];
	it->st = st;
	snprintf(it->text, sizeof(it->text), "%s %s %s free of %s (%.1f%%)%s%s%s", kind, name,
	         vc_format_size(free, a, sizeof(a)), vc_format_size(size, b, sizeof(b)),
	         size ? (double)free * 100.0 / (double)size : 0.0,
	         st == CV_OK         ? ""
	         : st == CV_CRITICAL ? " is critical ("
	                             : " is warning (",
	         st == CV_OK         ? ""
	         : st == CV_CRITICAL ? c->text
	                             : w->text,
	         st == CV_OK ? "" : ")");
	cv_perf(o, " '%s_%s_free'=%lluB;%s;%s;0;%llu", kind, name, (unsigned long long)free,
	        cvr_perf(w, (double)size, wp, sizeof(wp)),
	        cvr_perf(c, (double)size, cp, sizeof(cp)), (unsigned long long)size);
}

/* The status text: critical objects, then warning ones, then the others
 * ("; ok: ..." after breaching ones); returns the worst state. */
static enum cv_state
cv_items_text(const struct cv_items *items, char *text, size_t len)
{
	size_t used = 0;
	enum cv_state worst = CV_OK, prev = CV_OK;

	for (size_t i = 0; i < items->n; i++)
		worst = items->v[i].st > worst ? items->v[i].st : worst;
	text[0] = '\0';
	for (int st = CV_CRITICAL; st >= CV_OK; st--)
		for (size_t i = 0; i < items->n && used < len; i++) {
			if (items->v[i].st != (enum cv_state)st)
				continue;
			used += (size_t)snprintf(text + used, len - used, "%s%s",
			                         !used                          ? ""
			                         : st == CV_OK && prev != CV_OK ? "; ok: "
			                                                        : ", ",
			                         items->v[i].text);
			prev = (enum cv_state)st;
		}
	return worst;
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
	const struct cv_range *w = &o->thr_w, *c = &o->thr_c;
	struct cv_items items = {0};
	struct vc_disk *d;
	struct vc_pack *p;
	size_t nd, np;
	char text[2048];
	enum cv_state worst;

	if (vc_read_table(o->c, VC_T_DISK, (void **)&d, &nd) < 0)
		cv_agent_exit(o);
	if (vc_read_table(o->c, VC_T_PACK, (void **)&p, &np) < 0)
		cv_agent_exit(o);
	for (size_t i = 0; i < nd; i++) {
		int dflt = d[i].status == 1 && d[i].pstyle >= 3; /* online, mbr or gpt */

		if ((o->object || dflt) && cv_selected(o, "disk", d[i].index, d[i].name))
			cv_free_one(o, w, c, "disk", d[i].name, d[i].free, d[i].size, &items);
	}
	for (size_t i = 0; i < np; i++)
		if (cv_selected(o, "pack", p[i].index, p[i].name))
			cv_free_one(o, w, c, "pack", p[i].name, p[i].free, p[i].size, &items);
	free(d);
	free(p);
	if (!items.n)
		cv_exit(CV_UNKNOWN, "no disk or pack %s%s", o->object ? "matches " : "to check",
		        o->object ? o->object : "");
	worst = cv_items_text(&items, text, sizeof(text));
	free(items.v);
	cv_done(o, worst, text);
}

/* Failed job rows that ended since since; the last one's words in last. */
static size_t
cv_failed_rows(struct cv_opts *o, time_t since, char *last, size_t len)
{
	struct vc_job *j;
	size_t n, failed = 0;

	if (vc_read_table(o->c, VC_T_JOB, (void **)&j, &n) < 0)
		cv_agent_exit(o);
	for (size_t i = 0; i < n; i++) {
		if (j[i].status != VC_JS_FAILED || j[i].end_time < since)
			continue;
		failed++;
		snprintf(last, len, "; last: job %u: %s", j[i].handle,
		         j[i].error_msg[0] ? j[i].error_msg : j[i].error_name);
	}
	free(j);
	return failed;
}

/* The history of vdsJobsFailed in the state directory: 1 and *h when it
 * could be kept, 0 with the reason in note. */
static int
cv_history(struct cv_opts *o, const struct vc_service *svc, time_t now, struct cvh_count *h,
           char *note, size_t len)
{
	char path[1024], err[1100], peer[128];
	size_t k = 0;

	for (const char *p = vc_peer(o->c); *p && k + 1 < sizeof(peer); p++)
		peer[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		                    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'
		                ? *p
		                : '_';
	peer[k] = '\0';
	snprintf(path, sizeof(path), "%s/check_vds-jobs-%s.state", o->state_dir, peer);
	if (cvh_update(path, (int64_t)now, svc->start_time, svc->jobs_failed, o->window, h, err,
	               sizeof(err)) == 0)
		return 1;
	snprintf(note, len, "; no history of vdsJobsFailed (%s)", err);
	return 0;
}

/*
 * Failed jobs in the window, the most of what can be known: job rows
 * (purged vdsJobPurgeTime after the end, or forgotten); vdsJobsFailed when
 * vdsd started inside the window (it counts from the start); the history
 * of vdsJobsFailed kept in the state directory between runs.  When none
 * covers the whole window the text says from when the count holds.
 */
static void
cv_mode_jobs(struct cv_opts *o)
{
	const struct cv_range *w = &o->thr_w, *c = &o->thr_c;
	struct vc_service svc;
	struct cvh_count h;
	time_t now = time(NULL), since = now - (time_t)o->window;
	char text[1500], last[400] = "", note[1200] = "", when[32], wp[32], cp[32];
	size_t failed;
	int complete;
	enum cv_state st;

	if (vc_read_service(o->c, &svc) < 0)
		cv_agent_exit(o);
	failed = cv_failed_rows(o, since, last, sizeof(last));
	complete = o->window <= svc.purge_time;
	if (svc.start_time >= since) {
		failed = svc.jobs_failed > failed ? svc.jobs_failed : failed;
		complete = 1;
	}
	if (cv_history(o, &svc, now, &h, note, sizeof(note))) {
		failed = h.failed > failed ? h.failed : failed;
		complete |= h.complete;
	}
	if (!complete && !note[0]) {
		time_t from = (time_t)h.since;
		struct tm tm;

		gmtime_r(&from, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(note, sizeof(note),
		         " (at least: job rows are kept %u s and the history of vdsJobsFailed "
		         "goes back to %s)",
		         svc.purge_time, when);
	}
	st = cvr_alert(c, (double)failed, 0)   ? CV_CRITICAL
	     : cvr_alert(w, (double)failed, 0) ? CV_WARNING
	                                       : CV_OK;
	snprintf(text, sizeof(text), "%zu job%s failed in the last %u s%s%s", failed,
	         failed == 1 ? "" : "s", o->window, note, last);
	cv_perf(o, " failed=%zu;%s;%s;0;", failed, cvr_perf(w, 0, wp, sizeof(wp)),
	        cvr_perf(c, 0, cp, sizeof(cp)));
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
		cv_agent_exit(o);
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
cv_mode_health(struct cv_opts *o)
{
	struct vc_disk *d;
	struct vc_disk_health *h;
	size_t nd, nh;
	char text[1024], perf[1024];
	int st;

	if (vc_read_table(o->c, VC_T_DISK, (void **)&d, &nd) < 0)
		cv_agent_exit(o);
	if (vc_read_table(o->c, VC_T_DISK_HEALTH, (void **)&h, &nh) < 0) {
		free(d);
		cv_agent_exit(o);
	}
	st = cvh_evaluate(d, nd, h, nh, &o->thr_w, &o->thr_c, text, sizeof(text), perf,
	                  sizeof(perf));
	cv_perf(o, "%s", perf);
	free(d);
	free(h);
	cv_done(o, (enum cv_state)st, text);
}

static void
cv_mode_agent(struct cv_opts *o)
{
	struct vc_service s;
	char text[512];

	if (vc_read_service(o->c, &s) < 0) {
		enum vc_err e = vc_errcode(o->c);

		/* Not answering or not serving VDS-MIB is the agent's state; wrong
		 * credentials or access are the check's configuration. */
		cv_exit(e == VC_E_AUTH || e == VC_E_DENIED || e == VC_E_USAGE ? CV_UNKNOWN
		                                                              : CV_CRITICAL,
		        "%s", vc_errmsg(o->c));
	}
	snprintf(text, sizeof(text), "vdsd %s (%s) answers: %u disks, %u volumes, %u jobs running",
	         s.version, s.providers, s.disk_count, s.volume_count, s.jobs_running);
	cv_perf(o, " disks=%u;;;0; volumes=%u;;;0; jobs_running=%u;;;0; jobs_queued=%u;;;0;",
	        s.disk_count, s.volume_count, s.jobs_running, s.jobs_queued);
	cv_done(o, CV_OK, text);
}

/* A whole number from lo to hi, or UNKNOWN naming what. */
static unsigned
cv_number(const char *what, const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
		cv_exit(CV_UNKNOWN, "%s: \"%s\" is not a whole number from %lu to %lu", what, s, lo,
		        hi);
	return (unsigned)v;
}

static int
cv_options(struct cv_opts *o, int argc, char **argv)
{
	static const struct option longs[] = {
	    {"mode", 1, NULL, 'm'},     {"warning", 1, NULL, 'w'},   {"critical", 1, NULL, 'c'},
	    {"window", 1, NULL, 'W'},   {"object", 1, NULL, 'o'},    {"timeout", 1, NULL, 't'},
	    {"hostname", 1, NULL, 'H'}, {"community", 1, NULL, 'C'}, {"protocol", 1, NULL, 'P'},
	    {"port", 1, NULL, 'p'},     {"state-dir", 1, NULL, 'S'}, {"help", 0, NULL, 'h'},
	    {"version", 0, NULL, 'V'},  {NULL, 0, NULL, 0},
	};
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+m:w:c:W:o:t:H:C:P:p:S:hV", longs, NULL)) != -1) {
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
			o->window =
			    cv_number("-W (the window of jobs mode, seconds)", optarg, 1, 31536000);
			break;
		case 'o':
			o->object = optarg;
			break;
		case 't':
			o->timeout = cv_number("-t (the timeout, seconds)", optarg, 1, 3600);
			break;
		case 'p':
			o->port = cv_number("-p (the agent's UDP port)", optarg, 1, 65535);
			break;
		case 'S':
			o->state_dir = optarg;
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
		case ':':
			cv_exit(CV_UNKNOWN, "option %s needs a value; see check_vds --help",
			        argv[optind - 1]);
		default:
			cv_exit(CV_UNKNOWN, "unknown option %s; see check_vds --help",
			        argv[optind - 1]);
		}
	}
	if (!o->mode)
		cv_exit(CV_UNKNOWN, "no mode: -m agent|jobs|free|volumes|health (see --help)");
	if (strcmp(o->mode, "agent") && strcmp(o->mode, "jobs") && strcmp(o->mode, "free") &&
	    strcmp(o->mode, "volumes") && strcmp(o->mode, "health"))
		cv_exit(CV_UNKNOWN, "unknown mode \"%s\" (agent, jobs, free, volumes, health)",
		        o->mode);
	if ((o->warn || o->crit) && (!strcmp(o->mode, "agent") || !strcmp(o->mode, "volumes")))
		cv_exit(CV_UNKNOWN, "-w and -c have no meaning in %s mode", o->mode);
	if (o->version && strcmp(o->version, "1") && strcmp(o->version, "2c"))
		cv_exit(CV_UNKNOWN, "-P takes 1 or 2c (SNMPv3: \"-- -v3 -u USER ... AGENT\")");
	if (o->port && !o->host)
		cv_exit(CV_UNKNOWN, "-p goes with -H (after \"--\", give the port in the agent: "
		                    "HOST:PORT)");
	if (!strcmp(o->mode, "jobs") && !o->warn)
		o->warn = "0";
	if (!strcmp(o->mode, "jobs") || !strcmp(o->mode, "free") || !strcmp(o->mode, "health"))
		cv_thresholds(o, strcmp(o->mode, "free") ? CVR_COUNT : CVR_SIZE,
		              !strcmp(o->mode, "free"));
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
		if (o->port && strchr(o->host, ':') &&
		    strchr(o->host, ':') == strrchr(o->host, ':'))
			cv_exit(CV_UNKNOWN, "-H %s already names a port: leave out -p", o->host);
		if (o->port && strchr(o->host, ':'))
			snprintf(host, sizeof(host), "udp6:[%s]:%u", o->host, o->port);
		else if (o->port)
			snprintf(host, sizeof(host), "%s:%u", o->host, o->port);
		else
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
	int first;

	o.state_dir = getenv("NAGIOS_PLUGIN_STATE_DIRECTORY");
	if (!o.state_dir || !o.state_dir[0])
		o.state_dir = "/var/tmp";
	first = cv_options(&o, argc, argv);

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
	else if (!strcmp(o.mode, "health"))
		cv_mode_health(&o);
	cv_exit(CV_UNKNOWN, "unknown mode \"%s\" (agent, jobs, free, volumes, health)", o.mode);
}
