/*
 * cv_range.h - Monitoring Plugins thresholds for check_vds: the range
 * syntax of the plugin guidelines ("10", "10:", "~:10", "10:20", "@10:20")
 * over counts, sizes with an explicit unit ("10G", "500MiB", as vdsctl
 * reads them) or percentages of a size ("20%"), and their perfdata form.
 */
#ifndef VDS_CV_RANGE_H
#define VDS_CV_RANGE_H

#include <stddef.h>
#include <stdint.h>

enum cvr_kind {
	CVR_COUNT, /* a whole number */
	CVR_SIZE,  /* bytes, given with a unit */
};

struct cv_range {
	int set;
	int inside;         /* '@': alert inside [lo, hi], else outside */
	int lo_inf, hi_inf; /* '~' start, open end */
	int pct;            /* lo and hi are percentages of the size */
	double lo, hi;
	char text[64]; /* as given, for messages */
};

/* Parse s.  With min_bare (free space: low is bad, as check_disk) a value
 * without ':' is a minimum ("20%" is "20%:"); else it is "0:N" as the
 * guidelines say.  0, or -1 with a sentence in err. */
int cvr_parse(const char *s, enum cvr_kind kind, int min_bare, struct cv_range *r, char *err,
              size_t errlen);
/* 1 when value (of size, for percentages) is an alert for r. */
int cvr_alert(const struct cv_range *r, double value, double size);
/* The range in perfdata form, in the value's unit ("10737418240:"); "" when
 * unset. */
const char *cvr_perf(const struct cv_range *r, double size, char *buf, size_t len);
/* A warning range that alerts less readily than the critical one makes no
 * sense for simple minimum (or maximum) ranges of one kind: 1 then. */
int cvr_inverted(const struct cv_range *warn, const struct cv_range *crit);

#endif
