/* SPDX-License-Identifier: ISC */
/*
 * vcunits.c - human sizes in and out (see vcunits.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "vcunits.h"

struct vcu_unit {
	const char *name;
	double mult;
};

static const struct vcu_unit vcu_units[] = {
    {"k", 1024.0},
    {"kib", 1024.0},
    {"kb", 1e3},
    {"m", 1048576.0},
    {"mib", 1048576.0},
    {"mb", 1e6},
    {"g", 1073741824.0},
    {"gib", 1073741824.0},
    {"gb", 1e9},
    {"t", 1099511627776.0},
    {"tib", 1099511627776.0},
    {"tb", 1e12},
    {"p", 1125899906842624.0},
    {"pib", 1125899906842624.0},
    {"pb", 1e15},
};

static int
vcu_mult(const char *u, uint64_t def_unit, double *mult)
{
	if (!*u) {
		*mult = (double)def_unit;
		return 0;
	}
	if (!strcasecmp(u, "b")) {
		*mult = 1.0;
		return 0;
	}
	for (size_t i = 0; i < sizeof(vcu_units) / sizeof(vcu_units[0]); i++) {
		if (!strcasecmp(u, vcu_units[i].name)) {
			*mult = vcu_units[i].mult;
			return 0;
		}
	}
	return -1;
}

int
vc_parse_size(const char *s, uint64_t def_unit, uint64_t *bytes)
{
	char *end;
	double v, mult, r;

	*bytes = 0;
	if (!s || (!isdigit((unsigned char)*s) && *s != '.'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	while (*end == ' ')
		end++;
	if (vcu_mult(end, def_unit, &mult) < 0)
		return -1;
	r = v * mult;
	if (r >= 18446744073709551615.0)
		return -1;
	*bytes = (uint64_t)llround(r);
	return 0;
}

const char *
vc_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024.0 && i < 5) {
		v /= 1024.0;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, names[i]);
	return buf;
}
