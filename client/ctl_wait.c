/* SPDX-License-Identifier: ISC */
/*
 * ctl_wait.c - follow a job to its end (see ctl_wait.h).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl_out.h"
#include "ctl_wait.h"
#include "mib_oids.h"
#include "result.h"
#include "vcfields.h"
#include "vcunits.h"

#define CW_BAR 30

static volatile sig_atomic_t cw_interrupted;

struct cw_state {
	struct ctl *x;
	uint32_t h;
	uint64_t work;
	double t0;   /* when the job was first seen running */
	unsigned p0; /* its percent then */
	unsigned last_pct;
	uint32_t last_status;
	char last_details[VC_NAME];
	int drawn;
};

static void
cw_on_sigint(int sig)
{
	(void)sig;
	cw_interrupted = 1;
}

static double
cw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *
cw_label(unsigned col, uint32_t v)
{
	const char *l = vcf_label(vcf_field(vcf_table(VC_T_JOB), col), v);

	return l ? l : "?";
}

/* " 12.5 MiB/s ETA 0:07" or " 3.1 %/s ETA 0:30" once the rate is known. */
static void
cw_rate(const struct cw_state *w, unsigned pct, char *buf, size_t len)
{
	double dt = cw_now() - w->t0, rate;
	char sz[32];
	unsigned eta;

	buf[0] = '\0';
	if (!w->t0 || dt < 0.2 || pct <= w->p0 || pct >= 100)
		return;
	rate = (pct - w->p0) / dt; /* percent per second */
	eta = (unsigned)((100 - pct) / rate + 0.5);
	if (w->work)
		snprintf(buf, len, "  %s/s ETA %u:%02u",
		         vc_format_size((uint64_t)(rate / 100.0 * (double)w->work), sz, sizeof(sz)),
		         eta / 60, eta % 60);
	else
		snprintf(buf, len, "  %.1f %%/s ETA %u:%02u", rate, eta / 60, eta % 60);
}

static void
cw_draw(struct cw_state *w, const struct vc_job *j)
{
	char bar[CW_BAR + 1], rate[64];
	unsigned fill = j->percent * CW_BAR / 100;

	memset(bar, '#', fill);
	memset(bar + fill, '.', CW_BAR - fill);
	bar[CW_BAR] = '\0';
	cw_rate(w, j->percent, rate, sizeof(rate));
	fprintf(stderr, "\r\033[Kjob %u [%s] %3u%% %s%s%s", w->h, bar, j->percent,
	        cw_label(VDS_JOB_STATUS, j->status), rate, j->details[0] ? "  " : "");
	fprintf(stderr, "%.40s", j->details);
	w->drawn = 1;
}

/* Plain lines: on a change of status or details, or every 10 percent. */
static void
cw_line(struct cw_state *w, const struct vc_job *j)
{
	char rate[64];

	if (j->status == w->last_status && !strcmp(j->details, w->last_details) &&
	    j->percent < w->last_pct + 10)
		return;
	cw_rate(w, j->percent, rate, sizeof(rate));
	fprintf(stderr, "job %u: %s %u%%%s%s%s\n", w->h, cw_label(VDS_JOB_STATUS, j->status),
	        j->percent, rate, j->details[0] ? " - " : "", j->details);
	w->last_pct = j->percent;
}

static int
cw_cb(const struct vc_job *j, void *arg)
{
	struct cw_state *w = arg;

	if (cw_interrupted)
		return 1;
	if (!j || w->x->json)
		return 0;
	if (j->status == VC_JS_RUNNING && !w->t0) {
		w->t0 = cw_now();
		w->p0 = j->percent;
	}
	if (!vc_job_finished(j)) {
		if (w->x->progress)
			cw_draw(w, j);
		else
			cw_line(w, j);
	}
	w->last_status = j->status;
	snprintf(w->last_details, sizeof(w->last_details), "%s", j->details);
	return 0;
}

/* What a succeeded job made, for people. */
static void
cw_outputs(const struct vc_job *j, char *buf, size_t len)
{
	char sz[32];

	buf[0] = '\0';
	if (j->o_partition)
		snprintf(buf, len, ": partition %u at offset %s", j->o_partition,
		         vc_format_size(j->o_offset, sz, sizeof(sz)));
	else if (j->o_volume)
		snprintf(buf, len, ": volume %u", j->o_volume);
	else if (j->o_vdisk)
		snprintf(buf, len, ": virtual disk %u", j->o_vdisk);
	else if (j->o_reclaimed)
		snprintf(buf, len, ": reclaimed %s",
		         vc_format_size(j->o_reclaimed, sz, sizeof(sz)));
}

static int
cw_report(struct cw_state *w, const struct vc_job *j)
{
	const char *type = cw_label(VDS_JOB_TYPE, j->type);
	char outs[128];

	if (w->x->json) {
		out_json_row(stdout, vcf_table(VC_T_JOB), j);
		putchar('\n');
	}
	if (j->status == VC_JS_SUCCEEDED) {
		cw_outputs(j, outs, sizeof(outs));
		if (!w->x->json)
			printf("job %u (%s) succeeded%s\n", w->h, type, outs);
		return CTL_EXIT_OK;
	}
	if (j->status == VC_JS_CANCELLED) {
		fprintf(stderr, "%s: job %u (%s) was cancelled%s%s\n", w->x->prog, w->h, type,
		        j->error_msg[0] ? ": " : "", j->error_msg);
		return CTL_EXIT_CANCELLED;
	}
	fprintf(stderr, "%s: job %u (%s) failed: %s (%s, 0x%08X)\n", w->x->prog, w->h, type,
	        j->error_msg[0] ? j->error_msg : vds_result_text((enum vds_result)j->result),
	        j->error_name[0] ? j->error_name : vds_result_name((enum vds_result)j->result),
	        j->hresult);
	return CTL_EXIT_JOB_FAILED;
}

/* Stop polling once the agent has decided about the cancel. */
static int
cw_cancel_cb(const struct vc_job *j, void *arg)
{
	(void)arg;
	return cw_interrupted || (j && j->cancel_state != VC_CS_REQUESTED);
}

static int
cw_interrupted_msg(const struct ctl *x, uint32_t h)
{
	fprintf(stderr,
	        "%s: interrupted: job %u is still running on the agent; "
	        "'job wait %u' follows it again, 'job cancel %u' stops it\n",
	        x->prog, h, h, h);
	return CTL_EXIT_INTERRUPTED;
}

int
ctl_cancel_job(struct ctl *x, uint32_t h)
{
	struct sigaction sa = {.sa_handler = cw_on_sigint}, old;
	struct vc_job j;
	int rc;

	if (vc_job_cancel(x->c, h) < 0)
		return ctl_agent_error(x);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	rc = vc_job_wait(x->c, h, x->interval_ms, cw_cancel_cb, NULL, &j);
	sigaction(SIGINT, &old, NULL);
	if (cw_interrupted)
		return cw_interrupted_msg(x, h);
	if (rc < 0)
		return ctl_agent_error(x);
	if (j.cancel_state == VC_CS_TOO_LATE) {
		fprintf(stderr,
		        "%s: the cancel came too late: job %u (%s) is past its point of no "
		        "return and goes on%s\n",
		        x->prog, h, cw_label(VDS_JOB_TYPE, j.type),
		        vc_job_finished(&j) ? " (it has ended)" : "");
		if (x->wait) {
			rc = ctl_wait_job(x, h, 0);
			return rc == CTL_EXIT_OK ? CTL_EXIT_TOO_LATE : rc;
		}
		if (x->json) {
			out_json_row(stdout, vcf_table(VC_T_JOB), &j);
			putchar('\n');
		}
		return CTL_EXIT_TOO_LATE;
	}
	if (x->wait || j.status != VC_JS_CANCELLED)
		return ctl_wait_job(x, h, 0);
	if (x->json) {
		out_json_row(stdout, vcf_table(VC_T_JOB), &j);
		putchar('\n');
	} else {
		printf("cancelled job %u (%s)\n", h, cw_label(VDS_JOB_TYPE, j.type));
	}
	return CTL_EXIT_OK;
}

int
ctl_wait_job(struct ctl *x, uint32_t h, uint64_t work_bytes)
{
	struct cw_state w = {.x = x, .h = h, .work = work_bytes};
	struct sigaction sa = {.sa_handler = cw_on_sigint}, old;
	struct vc_job j;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	rc = vc_job_wait(x->c, h, x->interval_ms, cw_cb, &w, &j);
	sigaction(SIGINT, &old, NULL);
	if (w.drawn)
		fputs("\r\033[K", stderr);
	if (rc == 1 || (rc < 0 && cw_interrupted))
		return cw_interrupted_msg(x, h);
	if (rc < 0)
		return ctl_agent_error(x);
	return cw_report(&w, &j);
}
