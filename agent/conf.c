/* SPDX-License-Identifier: ISC */
/*
 * conf.c - parse vdsd.conf.
 *
 * A table of directives, each with a type and a field; no Net-SNMP here so
 * the parser is testable on its own and errors carry file and line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

enum conf_kind { CK_PATH, CK_UINT, CK_LIST, CK_BOOL };

struct conf_directive {
	const char *name;
	enum conf_kind kind;
	size_t off;
	unsigned min, max;
	int restart; /* 1: read once at start; a changed value needs a restart */
};

#define F(field) offsetof(struct vds_conf, field)

/*
 * Every directive either takes effect on SIGHUP (restart 0: the daemon
 * passes the new value on, see conf_take_reloadable) or is named in the log
 * at reload as needing a restart (restart 1).
 */
static const struct conf_directive conf_directives[] = {
    {"agentXSocket", CK_PATH, F(agentx_socket), 0, 0, 1},
    {"agentXPingInterval", CK_UINT, F(agentx_ping), 1, 3600, 1},
    {"stateDir", CK_PATH, F(state_dir), 0, 0, 1},
    {"provider", CK_LIST, F(providers), 0, 0, 1},
    {"allowDevice", CK_LIST, F(allow), 0, 0, 0},
    {"imageDisk", CK_LIST, F(image_disks), 0, 0, 0},
    {"vdiskRoot", CK_LIST, F(vdisk_roots), 0, 0, 0},
    {"discovery", CK_BOOL, F(discovery), 0, 1, 1},
    {"jobMaxRunning", CK_UINT, F(job_max_running), 1, 256, 0},
    {"jobMaxQueued", CK_UINT, F(job_max_queued), 0, 100000, 0},
    {"jobPurgeTime", CK_UINT, F(job_purge_time), 0, 31536000, 0},
    {"jobMaxRetained", CK_UINT, F(job_max_retained), 1, 1000000, 0},
    {"jobProgressInterval", CK_UINT, F(job_progress_interval), 1, 3600, 0},
    {"healthInterval", CK_UINT, F(health_interval), 0, 604800, 0},
    {"rescanInterval", CK_UINT, F(rescan_interval), 0, 86400, 0},
    {"rebuildProgress", CK_BOOL, F(rebuild_progress), 0, 1, 0},
    {"simJobDuration", CK_UINT, F(sim_job_ms), 0, 3600000, 0},
    {"simHoldDir", CK_PATH, F(sim_hold_dir), 0, 0, 0},
    {"simFailDisk", CK_LIST, F(sim_fail_disks), 0, 0, 0},
    {"simRemoveDisk", CK_LIST, F(sim_remove_disks), 0, 0, 0},
};

#define CONF_NDIRECTIVES (sizeof(conf_directives) / sizeof(conf_directives[0]))

static const char *const conf_known_providers[] = {"sim", "basic", "vdisk", "lvm"};

void
conf_defaults(struct vds_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->agentx_socket = strdup("/var/agentx/master");
	conf->agentx_ping = 5;
	conf->state_dir = strdup(LOCALSTATEDIR "/lib/vdsd");
	conf->discovery = 1;
	conf->job_max_running = 4;
	conf->health_interval = 600;
	conf->rescan_interval = 60;
	conf->job_max_queued = 64;
	conf->job_purge_time = 900;
	conf->job_max_retained = 10000;
	conf->job_progress_interval = 5;
	conf->sim_job_ms = 3000;
}

int
strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	l->v = v;
	if (!(l->v[l->n] = strdup(s)))
		return -1;
	l->n++;
	return 0;
}

int
strlist_contains(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
conf_free(struct vds_conf *conf)
{
	free(conf->agentx_socket);
	free(conf->state_dir);
	free(conf->sim_hold_dir);
	strlist_free(&conf->providers);
	strlist_free(&conf->allow);
	strlist_free(&conf->image_disks);
	strlist_free(&conf->vdisk_roots);
	strlist_free(&conf->sim_fail_disks);
	strlist_free(&conf->sim_remove_disks);
	memset(conf, 0, sizeof(*conf));
}

static int
conf_field_differs(const struct conf_directive *d, const struct vds_conf *a,
                   const struct vds_conf *b)
{
	const char *fa = (const char *)a + d->off, *fb = (const char *)b + d->off;
	const struct strlist *la = (const void *)fa, *lb = (const void *)fb;
	const char *sa, *sb;

	switch (d->kind) {
	case CK_PATH:
		sa = *(char *const *)fa;
		sb = *(char *const *)fb;
		return (sa || sb) && (!sa || !sb || strcmp(sa, sb) != 0);
	case CK_UINT:
		return *(const unsigned *)fa != *(const unsigned *)fb;
	case CK_BOOL:
		return *(const int *)fa != *(const int *)fb;
	case CK_LIST:
		if (la->n != lb->n)
			return 1;
		for (size_t i = 0; i < la->n; i++)
			if (strcmp(la->v[i], lb->v[i]) != 0)
				return 1;
		return 0;
	}
	return 1;
}

size_t
conf_restart_needed(const struct vds_conf *cur, const struct vds_conf *next, char *names,
                    size_t len)
{
	size_t n = 0, off = 0;

	if (len)
		names[0] = '\0';
	for (size_t i = 0; i < CONF_NDIRECTIVES; i++) {
		const struct conf_directive *d = &conf_directives[i];

		if (!d->restart || !conf_field_differs(d, cur, next))
			continue;
		if (off < len)
			off += (size_t)snprintf(names + off, len - off, "%s%s", n ? ", " : "",
			                        d->name);
		n++;
	}
	return n;
}

static void
conf_swap(void *a, void *b, size_t size)
{
	unsigned char tmp[sizeof(struct strlist)];

	memcpy(tmp, a, size);
	memcpy(a, b, size);
	memcpy(b, tmp, size);
}

void
conf_take_reloadable(struct vds_conf *cur, struct vds_conf *next)
{
	static const size_t size[] = {[CK_PATH] = sizeof(char *),
	                              [CK_UINT] = sizeof(unsigned),
	                              [CK_LIST] = sizeof(struct strlist),
	                              [CK_BOOL] = sizeof(int)};

	for (size_t i = 0; i < CONF_NDIRECTIVES; i++) {
		const struct conf_directive *d = &conf_directives[i];

		if (!d->restart)
			conf_swap((char *)cur + d->off, (char *)next + d->off, size[d->kind]);
	}
}

int
conf_device_allowed(const struct vds_conf *conf, const char *devnode)
{
	for (size_t i = 0; i < conf->allow.n; i++)
		if (fnmatch(conf->allow.v[i], devnode, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}

static int
conf_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
conf_parse_bool(const char *s, int *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1") ||
	    !strcasecmp(s, "on"))
		*out = 1;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0") ||
	         !strcasecmp(s, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int
conf_check_value(const struct conf_directive *d, const char *value, char *err, size_t errlen)
{
	size_t i;

	if (d->kind == CK_PATH && value[0] != '/') {
		snprintf(err, errlen, "%s needs an absolute path, not \"%s\"", d->name, value);
		return -1;
	}
	if ((strcmp(d->name, "imageDisk") == 0 || strcmp(d->name, "vdiskRoot") == 0) &&
	    value[0] != '/') {
		snprintf(err, errlen, "%s needs an absolute path, not \"%s\"", d->name, value);
		return -1;
	}
	if (strcmp(d->name, "provider") != 0)
		return 0;
	for (i = 0; i < sizeof(conf_known_providers) / sizeof(conf_known_providers[0]); i++)
		if (strcmp(value, conf_known_providers[i]) == 0)
			return 0;
	snprintf(err, errlen, "unknown provider \"%s\" (known: sim, basic, vdisk, lvm)", value);
	return -1;
}

static int
conf_apply(const struct conf_directive *d, struct vds_conf *conf, const char *value, char *err,
           size_t errlen)
{
	char *base = (char *)conf + d->off;

	if (conf_check_value(d, value, err, errlen) < 0)
		return -1;
	switch (d->kind) {
	case CK_PATH:
		free(*(char **)base);
		*(char **)base = strdup(value);
		return *(char **)base ? 0 : -1;
	case CK_LIST:
		if (strlist_contains((struct strlist *)base, value))
			return 0;
		return strlist_add((struct strlist *)base, value);
	case CK_UINT:
		if (conf_parse_uint(value, d->min, d->max, (unsigned *)base) == 0)
			return 0;
		snprintf(err, errlen, "%s needs a whole number from %u to %u, not \"%s\"", d->name,
		         d->min, d->max, value);
		return -1;
	case CK_BOOL:
		if (conf_parse_bool(value, (int *)base) == 0)
			return 0;
		snprintf(err, errlen, "%s needs yes or no, not \"%s\"", d->name, value);
		return -1;
	}
	return -1;
}

/* Split "name value" in place; value is the rest of the line, trimmed. */
static int
conf_split(char *line, char **name, char **value)
{
	char *p = line, *end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	*name = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	*value = p;
	return 1;
}

int
conf_parse_line(struct vds_conf *conf, const char *line, char *err, size_t errlen)
{
	char buf[4096], *name, *value;
	size_t i;

	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", line);
	if (!conf_split(buf, &name, &value))
		return 0;
	for (i = 0; i < CONF_NDIRECTIVES; i++) {
		if (strcasecmp(name, conf_directives[i].name) != 0)
			continue;
		if (*value == '\0') {
			snprintf(err, errlen, "%s needs a value", conf_directives[i].name);
			return -1;
		}
		return conf_apply(&conf_directives[i], conf, value, err, errlen);
	}
	snprintf(err, errlen, "unknown directive \"%s\"", name);
	return -1;
}

int
conf_load(const char *path, int must_exist, struct vds_conf *conf, char *err, size_t errlen)
{
	char line[4096], why[512];
	unsigned lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		if (errno == ENOENT && !must_exist)
			goto done;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		conf_free(conf);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			goto fail;
		}
		if (conf_parse_line(conf, line, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	fclose(f);
done:
	if (conf->providers.n == 0 && strlist_add(&conf->providers, "sim") < 0) {
		snprintf(err, errlen, "out of memory");
		conf_free(conf);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	conf_free(conf);
	return -1;
}
