/* SPDX-License-Identifier: ISC */
/*
 * ctl_job.h - vdsctl's job commands: create-partition, delete-partition,
 * create-volume, delete-volume, shrink, break-plex, create-vdisk, attach,
 * detach, delete-vdisk, expand-vdisk, compact-vdisk, create-diff-vdisk,
 * merge-vdisk (each starts a job, --wait follows it) and
 * job show/wait/cancel/forget.
 */
#ifndef VDS_CTL_JOB_H
#define VDS_CTL_JOB_H

#include "vdsclient.h"

/* vdsctl's exit status. */
enum ctl_exit {
	CTL_EXIT_OK = 0,            /* done; a waited-for job succeeded */
	CTL_EXIT_JOB_FAILED = 1,    /* the job failed */
	CTL_EXIT_CANCELLED = 2,     /* the job was cancelled */
	CTL_EXIT_USAGE = 3,         /* bad command line */
	CTL_EXIT_AGENT = 4,         /* SNMP or agent error, object not found */
	CTL_EXIT_TOO_LATE = 5,      /* job cancel: the job was past its point of no return */
	CTL_EXIT_NOT_CONFIRMED = 6, /* the question before destroying data was not answered yes */
	CTL_EXIT_INTERRUPTED = 130, /* Ctrl-C while waiting; the job goes on */
};

struct ctl {
	struct vc_conn *c;
	const char *prog;
	int json, wait, progress; /* progress: draw a bar (stderr is a terminal) */
	int yes;                  /* --yes: do not ask before destroying data */
	unsigned interval_ms;
};

/* vdsctl's own options, taken by every command (space-separated). */
#define CTL_GLOBAL_OPTIONS "json wait interval yes help version"

/* The job commands' names (options 0) or every option any of them takes
 * (options 1), space-separated, into buf. */
void ctl_job_words(int options, char *buf, size_t len);
/* 1 when name is a job command (or "job"). */
int ctl_job_is_command(const char *name);
/* Run the job command argv[0] with its arguments; the exit status. */
int ctl_job_main(struct ctl *x, int argc, char **argv);
/* Print "prog: msg" for a usage error; CTL_EXIT_USAGE. */
int ctl_usage_error(const struct ctl *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print the client library's error; CTL_EXIT_AGENT. */
int ctl_agent_error(const struct ctl *x);
/* Parse a row index ("disk 3"); 0 and *v, or -1 after printing why. */
int ctl_index(const struct ctl *x, const char *what, const char *s, uint32_t *v);

#endif
