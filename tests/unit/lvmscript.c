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

int
script_run(void *arg, const struct lvm_cmd *cmd, struct lvm_output *o)
{
	struct script *sc = arg;
	struct rule *r;
	char line[1024];
	size_t n = 0;

	line[0] = '\0';
	for (size_t i = 1; i < cmd->argc; i++) {
		if (!strcmp(cmd->argv[i], "--config")) {
			i++; /* and its value */
			continue;
		}
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "",
		                      cmd->argv[i]);
	}
	pthread_mutex_lock(&sr_mu);
	sc->loglen +=
	    (size_t)snprintf(sc->log + sc->loglen, sizeof(sc->log) - sc->loglen, "%s\n", line);
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
