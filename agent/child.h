/* SPDX-License-Identifier: ISC */
/*
 * child.h - external tools as child processes, for the providers' worker
 * threads: fixed argv and environment, no shell, stdin on /dev/null,
 * stdout collected or streamed, the tail of stderr kept for messages.
 * While a tool runs the worker watches three things: its output, the job
 * (a cancel that may still be honoured sends SIGTERM, then SIGKILL) and a
 * deadline (SIGKILL).  A tool that does not exit even after SIGKILL (a
 * process blocked in the kernel, on a suspended device-mapper device for
 * one) is left behind and reported as hung, so the worker never waits for
 * it forever; it is reaped by a later child_run() once it ends.
 */
#ifndef VDS_CHILD_H
#define VDS_CHILD_H

#include <stddef.h>

#include "provider.h"

struct child {
	const char *const *argv; /* argv[0]: absolute path of the tool */
	const char *const *envp; /* NULL: PATH and LC_ALL=C */
	int merge;               /* stderr goes where stdout goes */
	int keep_out;            /* collect stdout into out/outlen */
	/* Every chunk of stdout (merged: of both) as it comes; may be NULL. */
	void (*data)(void *arg, const char *buf, size_t n);
	void *arg;
	struct prov_job *j;  /* killed when j is cancelled; NULL: never */
	unsigned timeout_ms; /* killed after it; 0: no limit */
	/* Results. */
	char *out; /* keep_out: stdout, NUL-terminated, malloc'd (NULL when empty) */
	size_t outlen;
	char tail[1024]; /* the last of stderr (merged: of all output) */
	int status;      /* exit code, 128 + signal when killed, -1 when not run or hung */
	int exec_errno;  /* errno of a failed execve (tool missing), else 0 */
	int cancelled;   /* killed because of a cancel */
	int timed_out;   /* killed because the deadline passed */
	int hung;        /* did not exit after SIGKILL: left behind */
};

/* Run c->argv to its end.  0 when it ran (see status and flags), -1 when it could not start. */
int child_run(struct child *c);
/* Free c->out. */
void child_free(struct child *c);
/* Children left behind that have not ended yet (reaping them on the way). */
unsigned child_hung_count(void);

#endif
