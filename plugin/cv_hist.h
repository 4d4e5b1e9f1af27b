/*
 * cv_hist.h - a history of the counter vdsJobsFailed that check_vds keeps
 * in a state file between its runs, so that jobs mode counts failures over
 * its window from the counter (never purged) instead of from job rows
 * (purged vdsJobPurgeTime after their end).  vdsServiceStartTime is the
 * counter's discontinuity: a sample of another start begins afresh.
 */
#ifndef VDS_CV_HIST_H
#define VDS_CV_HIST_H

#include <stddef.h>
#include <stdint.h>

struct cvh_count {
	uint32_t failed; /* failures counted in the window */
	int complete;    /* the history covers the whole window */
	int64_t since;   /* else: the time it covers from */
};

/* Read the samples ("TIME START FAILED" lines; the file is untrusted: bad
 * lines are skipped) of path, add (now, start, failed), count the failures
 * in (now - window, now] into *out and write back the samples still
 * needed.  0, or -1 with err set when the file cannot be written (*out is
 * counted all the same). */
int cvh_update(const char *path, int64_t now, int64_t start, uint32_t failed, unsigned window,
               struct cvh_count *out, char *err, size_t errlen);

#endif
