/* SPDX-License-Identifier: ISC */
/*
 * health_sim.c - simulated disk health, steered by a test file (see
 * health_sim.h): a health source of the core beside health_dev.c and
 * health_smartctl.c, for the sim provider's disks, which have no device.
 * The file is untrusted input: unknown lines and bad numbers make the disk
 * read unknown with the reason, never healthy.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health_sim.h"

static void
sh_defaults(struct health_report *r)
{
	memset(r, 0, sizeof(*r));
	r->state = HEALTH_HEALTHY;
	r->source = HEALTH_SRC_SIM;
	r->valid = HF_SMART | HF_REALLOCATED | HF_PENDING | HF_TEMPERATURE | HF_POWER_ON;
	r->smart = HEALTH_SMART_PASSED;
	r->temperature = 35;
	r->power_on_hours = 1000;
	snprintf(r->reason, sizeof(r->reason), "simulated: healthy");
}

static const struct {
	const char *name;
	unsigned flag;
	size_t off;
	int wide; /* uint64_t, else 32 bits */
} sh_figures[] = {
    {"smart", HF_SMART, offsetof(struct health_report, smart), 0},
    {"reallocated", HF_REALLOCATED, offsetof(struct health_report, reallocated), 0},
    {"pending", HF_PENDING, offsetof(struct health_report, pending), 0},
    {"temperature", HF_TEMPERATURE, offsetof(struct health_report, temperature), 0},
    {"power_on_hours", HF_POWER_ON, offsetof(struct health_report, power_on_hours), 0},
    {"critical_warning", HF_CRITICAL, offsetof(struct health_report, critical_warning), 0},
    {"percent_used", HF_PERCENT, offsetof(struct health_report, percent_used), 0},
    {"media_errors", HF_MEDIA, offsetof(struct health_report, media_errors), 1},
    {"spare", HF_SPARE, offsetof(struct health_report, spare), 0},
    {"spare_threshold", HF_SPARE_THR, offsetof(struct health_report, spare_threshold), 0},
};

static int
sh_state(const char *s, enum health_state *st)
{
	static const char *const names[] = {"unknown", "healthy", "failing", "failed"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*st = (enum health_state)(HEALTH_UNKNOWN + i);
			return 0;
		}
	return -1;
}

static int
sh_figure(struct health_report *r, const char *key, const char *val)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(val, &end, 10);
	if (errno || end == val || *end || n < -273 || n > (long long)UINT32_MAX)
		return -1;
	for (size_t i = 0; i < sizeof(sh_figures) / sizeof(sh_figures[0]); i++) {
		void *p = (char *)r + sh_figures[i].off;

		if (strcmp(key, sh_figures[i].name))
			continue;
		if (sh_figures[i].wide)
			*(uint64_t *)p = (uint64_t)n;
		else
			*(uint32_t *)p = (uint32_t)n;
		r->valid |= sh_figures[i].flag;
		return 0;
	}
	return -1;
}

static int
sh_parse(FILE *f, struct health_report *r, char *err, size_t errlen)
{
	char line[256];
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *key = line, *val;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (lineno == 1) {
			if (sh_state(line, &r->state) < 0)
				goto bad;
			snprintf(r->reason, sizeof(r->reason), "simulated: %s", line);
			continue;
		}
		if (!line[0])
			continue;
		if (!(val = strchr(line, ' ')))
			goto bad;
		*val++ = '\0';
		if (!strcmp(key, "reason"))
			snprintf(r->reason, sizeof(r->reason), "%s", val);
		else if (sh_figure(r, key, val) < 0)
			goto bad;
	}
	if (lineno == 0) {
		snprintf(err, errlen, "empty");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "line %d not understood", lineno);
	return -1;
}

void
health_sim_read(const char *dir, const char *name, struct health_report *r)
{
	char path[1024], err[64];
	FILE *f;

	sh_defaults(r);
	if (!dir || !dir[0] ||
	    (size_t)snprintf(path, sizeof(path), "%s/health-%s", dir, name) >= sizeof(path))
		return;
	if (!(f = fopen(path, "re"))) {
		if (errno != ENOENT) {
			r->state = HEALTH_UNKNOWN;
			r->valid = 0;
			snprintf(r->reason, sizeof(r->reason), "cannot read %s", path);
		}
		return;
	}
	if (sh_parse(f, r, err, sizeof(err)) < 0) {
		r->state = HEALTH_UNKNOWN;
		r->valid = 0;
		snprintf(r->reason, sizeof(r->reason), "%s: %s", path, err);
	}
	fclose(f);
}
