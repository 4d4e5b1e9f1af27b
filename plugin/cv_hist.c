/*
 * cv_hist.c - check_vds's history of vdsJobsFailed (see cv_hist.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "cv_hist.h"

#define CVH_MAX 4096 /* samples kept at most (a check every minute: 2.8 days) */

struct cvh_sample {
	int64_t t, start;
	uint32_t failed;
};

struct cvh_keep {
	const struct cvh_sample *s;
	size_t n;
};

/* Valid samples of path in time order, the oldest dropped beyond CVH_MAX-1. */
static size_t
cvh_load(const char *path, int64_t now, struct cvh_sample *s)
{
	FILE *f = fopen(path, "r");
	char line[128];
	size_t n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct cvh_sample x;
		char *end;
		unsigned long long fv;

		errno = 0;
		x.t = strtoll(line, &end, 10);
		x.start = strtoll(end, &end, 10);
		fv = strtoull(end, &end, 10);
		if (errno || *end != '\n' || x.t <= 0 || x.t > now || x.start <= 0 ||
		    x.start > x.t || fv > UINT32_MAX || (n && x.t <= s[n - 1].t))
			continue;
		x.failed = (uint32_t)fv;
		if (n == CVH_MAX - 1) {
			memmove(s, s + 1, (n - 1) * sizeof(*s));
			n--;
		}
		s[n++] = x;
	}
	fclose(f);
	return n;
}

static int
cvh_fill(FILE *f, void *arg)
{
	const struct cvh_keep *k = arg;

	for (size_t i = 0; i < k->n; i++)
		if (fprintf(f, "%" PRId64 " %" PRId64 " %" PRIu32 "\n", k->s[i].t, k->s[i].start,
		            k->s[i].failed) < 0)
			return -1;
	return 0;
}

/* Failures from sample from to the last one (s[n-1]), in out. */
static void
cvh_count(const struct cvh_sample *s, size_t n, size_t from, int64_t cut, struct cvh_count *out)
{
	out->failed = 0;
	out->complete = s[from].t <= cut;
	out->since = s[from].t;
	if (!out->complete && s[from].start >= cut) {
		/* vdsd started inside the window: the counter holds all since then */
		out->failed = s[from].failed;
		out->since = s[from].start;
	}
	for (size_t i = from + 1; i < n; i++) {
		if (s[i].start == s[i - 1].start && s[i].failed >= s[i - 1].failed) {
			out->failed += s[i].failed - s[i - 1].failed;
			continue;
		}
		/* restarted between them: what failed before the restart is lost */
		out->failed += s[i].failed;
		out->complete = 0;
		if (s[i].start > out->since)
			out->since = s[i].start;
	}
}

int
cvh_update(const char *path, int64_t now, int64_t start, uint32_t failed, unsigned window,
           struct cvh_count *out, char *err, size_t errlen)
{
	struct cvh_sample *s = calloc(CVH_MAX, sizeof(*s));
	struct cvh_keep keep;
	int64_t cut = now - (int64_t)window;
	size_t n, from = 0;
	int rc = 0;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		memset(out, 0, sizeof(*out));
		return -1;
	}
	n = cvh_load(path, now, s);
	if (n && s[n - 1].t == now)
		n--; /* two checks in one second: the newer sample wins */
	s[n++] = (struct cvh_sample){.t = now, .start = start, .failed = failed};
	for (size_t i = 0; i < n; i++)
		if (s[i].t <= cut)
			from = i; /* the newest sample at or before the window's start */
	cvh_count(s, n, from, cut, out);
	keep = (struct cvh_keep){.s = s + from, .n = n - from};
	if (atomic_write(path, cvh_fill, &keep) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(s);
	return rc;
}
