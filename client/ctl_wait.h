/* SPDX-License-Identifier: ISC */
/*
 * ctl_wait.h - follow a job to its end (vdsctl --wait, job wait): a progress
 * bar on a terminal, plain progress lines otherwise, a closing sentence, and
 * Ctrl-C that leaves the job running.
 */
#ifndef VDS_CTL_WAIT_H
#define VDS_CTL_WAIT_H

#include <stdint.h>

#include "ctl_job.h"

/* Wait for job h; work_bytes (0 = unknown) gives a rate in bytes/s.
 * Returns the exit status (enum ctl_exit). */
int ctl_wait_job(struct ctl *x, uint32_t h, uint64_t work_bytes);

/* job cancel: ask job h to cancel, then poll it until the agent has
 * decided (vdsJobCancelState leaves requested).  Too late: says so and
 * returns CTL_EXIT_TOO_LATE (with --wait after following the job).
 * Cancelled: CTL_EXIT_OK, or with --wait CTL_EXIT_CANCELLED.  A job that
 * ended otherwise first: as ctl_wait_job. */
int ctl_cancel_job(struct ctl *x, uint32_t h);

#endif
