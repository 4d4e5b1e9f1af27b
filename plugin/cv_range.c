/*
 * cv_range.c - Monitoring Plugins ranges for check_vds (see cv_range.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cv_range.h"
#include "vcunits.h"

/* One end: a count, a size with a unit, or N%; 0 or -1. */
static int
cvr_value(const char *s, enum cvr_kind kind, double *v, int *pct)
{
	size_t n = strlen(s);
	char *end;
	uint64_t b;

	*pct = n > 1 && s[n - 1] == '%';
	if (*pct || kind == CVR_COUNT) {
		errno = 0;
		*v = strtod(s, &end);
		if (errno || end == s || end != s + n - (size_t)*pct || *v < 0 || !isfinite(*v))
			return -1;
		return *pct && (kind == CVR_COUNT || *v > 100) ? -1 : 0;
	}
	/* a size needs its unit: a bare number is bytes in some tools, MiB in others */
	if (!n || s[n - 1] < 'A' || vc_parse_size(s, 0, &b) < 0)
		return -1;
	*v = (double)b;
	return 0;
}

int
cvr_parse(const char *s, enum cvr_kind kind, int min_bare, struct cv_range *r, char *err,
          size_t errlen)
{
	char buf[64], *colon, *lo, *hi;
	int lp = 0, hp = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->text, sizeof(r->text), "%s", s);
	snprintf(buf, sizeof(buf), "%s", s);
	lo = buf;
	if ((r->inside = *lo == '@'))
		lo++;
	if (!(colon = strchr(lo, ':'))) {
		hi = lo;
		lo = NULL;
		if (min_bare) {
			lo = hi;
			hi = NULL;
		}
	} else {
		*colon = '\0';
		hi = colon + 1;
	}
	r->lo_inf = lo && !strcmp(lo, "~");
	r->hi_inf = !hi || !*hi;
	if ((lo && !r->lo_inf && cvr_value(lo, kind, &r->lo, &lp) < 0) ||
	    (!r->hi_inf && cvr_value(hi, kind, &r->hi, &hp) < 0) ||
	    (lo && !r->lo_inf && !r->hi_inf && lp != hp)) {
		snprintf(err, errlen,
		         kind == CVR_COUNT
		             ? "threshold \"%s\" is not a range of counts (5, 5:, ~:5, 2:5, @2:5)"
		             : "threshold \"%s\" is not a range of sizes with a unit or of "
		               "percentages (20%%, 10G, 10G:, 5%%:20%%, @1G:2G; a bare number "
		               "has no unit)",
		         s);
		return -1;
	}
	r->pct = lp || hp;
	if (!r->lo_inf && !r->hi_inf && lo && r->lo > r->hi) {
		snprintf(err, errlen, "threshold \"%s\": its start is above its end", s);
		return -1;
	}
	r->set = 1;
	return 0;
}

static void
cvr_bounds(const struct cv_range *r, double size, double *lo, double *hi)
{
	double m = r->pct ? size / 100.0 : 1.0;

	*lo = r->lo_inf ? -INFINITY : r->lo * m;
	*hi = r->hi_inf ? INFINITY : r->hi * m;
}

int
cvr_alert(const struct cv_range *r, double value, double size)
{
	double lo, hi;

	if (!r->set)
		return 0;
	cvr_bounds(r, size, &lo, &hi);
	return r->inside ? value >= lo && value <= hi : value < lo || value > hi;
}

const char *
cvr_perf(const struct cv_range *r, double size, char *buf, size_t len)
{
	double lo, hi;
	char a[32] = "", b[32] = "";

	if (!r->set) {
		buf[0] = '\0';
		return buf;
	}
	cvr_bounds(r, size, &lo, &hi);
	if (r->lo_inf)
		snprintf(a, sizeof(a), "~:");
	else if (lo != 0 || r->hi_inf)
		snprintf(a, sizeof(a), "%.0f:", floor(lo));
	if (!r->hi_inf)
		snprintf(b, sizeof(b), "%.0f", floor(hi));
	snprintf(buf, len, "%s%s%s", r->inside ? "@" : "", a, b);
	return buf;
}

int
cvr_inverted(const struct cv_range *w, const struct cv_range *c)
{
	if (!w->set || !c->set || w->inside || c->inside || w->pct != c->pct)
		return 0;
	if (w->hi_inf && c->hi_inf && !w->lo_inf && !c->lo_inf) /* minimums */
		return w->lo < c->lo;
	if (!w->hi_inf && !c->hi_inf && w->lo == 0 && c->lo == 0) /* maximums */
		return w->hi > c->hi;
	return 0;
}
