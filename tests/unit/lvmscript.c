/* SPDX-License-Identifier: ISC */
/*
 * lvmscript.c - the scripted LVM runner and job harness of the lvm tests.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lvmscript.h"
#include "worker.h"

char *
fixture(const char *name)
{
	char path[512];
	FILE *f;
	char *buf = calloc(1, 65536);
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", LVM_FIXTURES, name);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The script's log and rules, and the progress of the job that runs (sr_jr). */
static pthread_mutex_t sr_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sr_cv = PTHREAD_COND_INITIALIZER;
static struct jobrun *sr_jr;

/* Wait (10 s at most) until the loop has received progress with details what. */
static void
sr_wait_seen(const char *what)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&sr_mu);
	while (sr_jr && !strstr(sr_jr->progress, what))
		if (pthread_cond_timedwait(&sr_cv, &sr_mu, &until) != 0)
			break;
	pthread_mutex_unlock(&sr_mu);
}

/* cmd's argv[1..] without the --config pair, joined with ' '. */
static void
sr_line(const struct lvm_cmd *cmd, char *line, size_t len)
{
	size_t n = 0;

	line[0] = '\0';
	for (size_t i = 1; i < cmd->argc && n < len; i++) {
		if (!strcmp(cmd->argv[i], "--config")) {
			i++; /* and its value */
			continue;
		}
		n += (size_t)snprintf(line + n, len - n, "%s%s", n ? " " : "", cmd->argv[i]);
	}
}

/* Answer line from sc's rules (or the default scan fixtures); logged when log is set. */
static int
sr_answer(struct script *sc, const char *line, struct lvm_output *o, int log)
{
	struct rule *r;

	pthread_mutex_lock(&sr_mu);
	if (log)
		sc->loglen += (size_t)snprintf(sc->log + sc->loglen, sizeof(sc->log) - sc->loglen,
		                               "%s\n", line);
	for (r = sc->rules; r->match; r++) {
		if (!strstr(line, r->match) || r->uses < 0)
			continue;
		if (r->uses > 0 && --r->uses == 0)
			r->uses = -1;
		break;
	}
	pthread_mutex_unlock(&sr_mu);
	if (r->match) {
		if (r->seen)
			sr_wait_seen(r->seen);
		o->out = r->file ? fixture(r->file) : r->text ? strdup(r->text) : NULL;
		o->status = r->status;
		if (r->err) {
			char *e = fixture(r->err);

			snprintf(o->err, sizeof(o->err), "%s", e);
			free(e);
		} else if (r->status > 128) {
			snprintf(o->err, sizeof(o->err), "  (killed)");
		}
		return r->status == 0 ? 0 : -1;
	}
	if (!strncmp(line, "vgs ", 4) || !strncmp(line, "pvs ", 4)) { /* the scan after a job */
		o->out = fixture(line[0] == 'v' ? "vgs.json" : "pvs-used.json");
		return o->status = 0;
	}
	o->status = 5;
	snprintf(o->err, sizeof(o->err), "  no rule for: %s", line);
	return -1;
}

/* The sections of a recorded report: what its "report" array holds. */
static int
sr_sections(const char *json, const char **from, size_t *len)
{
	const char *a = json ? strstr(json, "\"report\"") : NULL, *z;

	if (!a || !(a = strchr(a, '[')) || !(z = strrchr(a, ']')))
		return -1;
	*from = a + 1;
	*len = (size_t)(z - a - 1);
	return 0;
}

/*
 * "lvm fullreport": the vg, lv and pv reports the rules give for the vgs,
 * lvs -a and pvs commands the scan used to run, as one report of three
 * sections (lvm_json parses them wherever they are, as it does LVM's own
 * fullreport, which puts them per VG).
 */
static int
sr_fullreport(struct script *sc, struct lvm_output *o)
{
	char line[1024], *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	int rc = 0;

	if (!f)
		return -1;
	fputs("{\"report\": [", f);
	for (int w = LVM_REP_VGS; w <= LVM_REP_PVS && rc == 0; w++) {
		struct lvm_cmd c;
		struct lvm_output part = {0};
		const char *sec;
		size_t len;

		lvm_cmd_report(&c, w, NULL);
		sr_line(&c, line, sizeof(line));
		rc = sr_answer(sc, line, &part, 0);
		if (rc == 0 && sr_sections(part.out, &sec, &len) == 0)
			fprintf(f, "%s%.*s", w ? "," : "", (int)len, sec);
		else if (rc == 0)
			rc = -1;
		if (rc < 0) {
			o->status = part.status ? part.status : 5;
			memcpy(o->err, part.err, sizeof(o->err));
		}
		free(part.out);
	}
	fputs("]}\n", f);
	fclose(f);
	if (rc < 0) {
		free(out);
		return -1;
	}
	o->out = out;
	return o->status = 0;
}

int
script_run(void *arg, const struct lvm_cmd *cmd, struct lvm_output *o)
{
	struct script *sc = arg;
	char line[1024];

	sr_line(cmd, line, sizeof(line));
	if (!strncmp(line, "fullreport ", 11)) {
		pthread_mutex_lock(&sr_mu);
		sc->loglen += (size_t)snprintf(sc->log + sc->loglen, sizeof(sc->log) - sc->loglen,
		                               "%s\n", line);
		pthread_mutex_unlock(&sr_mu);
		return sr_fullreport(sc, o);
	}
	return sr_answer(sc, line, o, 1);
}

static enum vds_result
jr_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg, size_t len)
{
	(void)state;
	(void)out;
	return lvm_run_job(plan, j, msg, len);
}

static const struct prov_ops jr_ops = {.name = "lvm-test", .run = jr_run};

static void
jr_progress(uint32_t h, unsigned pc, const char *d, void *arg)
{
	struct jobrun *jr = arg;

	(void)h;
	pthread_mutex_lock(&sr_mu);
	if (jr->proglen < sizeof(jr->progress))
		jr->proglen +=
		    (size_t)snprintf(jr->progress + jr->proglen, sizeof(jr->progress) - jr->proglen,
		                     "%u %s\n", pc, d ? d : "");
	pthread_cond_broadcast(&sr_cv);
	pthread_mutex_unlock(&sr_mu);
}

static void
jr_done(uint32_t h, enum vds_result r, struct job_outputs *out, const char *msg, void *arg)
{
	struct jobrun *jr = arg;

	(void)h, (void)out;
	jr->r = r;
	snprintf(jr->msg, sizeof(jr->msg), "%s", msg ? msg : "");
	jr->done = 1;
}

void
run_job(struct lvm_plan *pl, struct script *sc, struct jobrun *jr)
{
	const struct worker_ops wops = {jr_progress, jr_done, jr};
	struct event_base *base = event_base_new();
	time_t t0 = time(NULL);

	memset(jr, 0, sizeof(*jr));
	pthread_mutex_lock(&sr_mu);
	sr_jr = jr;
	pthread_mutex_unlock(&sr_mu);
	lvm_cmd_set_runner(script_run, sc);
	CU_ASSERT_FATAL(worker_init(base, 1, &wops) == 0);
	CU_ASSERT_PTR_NOT_NULL(worker_submit(1, &jr_ops, NULL, pl));
	while (!jr->done && time(NULL) - t0 < 300) /* a deadline, not an expectation */
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	worker_shutdown();
	event_base_free(base);
	lvm_cmd_set_runner(NULL, NULL);
	pthread_mutex_lock(&sr_mu);
	sr_jr = NULL;
	pthread_mutex_unlock(&sr_mu);
	CU_ASSERT(jr->done);
}

struct lvm_plan *
plan_new(enum job_type type)
{
	struct lvm_plan *pl = calloc(1, sizeof(*pl));

	pl->type = type;
	snprintf(pl->vg, sizeof(pl->vg), "vgf");
	snprintf(pl->lv, sizeof(pl->lv), "mf");
	return pl;
}

void
plan_free(struct lvm_plan *pl)
{
	lvm_scan_free(&pl->after);
	free(pl);
}

long
script_at(const struct script *sc, const char *what)
{
	char line[512];
	const char *p;

	snprintf(line, sizeof(line), "%s\n", what);
	for (p = sc->log; (p = strstr(p, line)); p++)
		if (p == sc->log || p[-1] == '\n')
			return p - sc->log;
	return -1;
}

long
logged(const struct script *sc, const char *what)
{
	const char *p = strstr(sc->log, what);

	return p ? p - sc->log : -1;
}

int
progressed(const struct jobrun *jr, const char *line)
{
	char l[160];

	snprintf(l, sizeof(l), "%s\n", line);
	return strstr(jr->progress, l) != NULL;
}
