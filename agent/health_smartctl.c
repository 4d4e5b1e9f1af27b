/* SPDX-License-Identifier: ISC */
/*
 * health_smartctl.c - ATA SMART from `smartctl -j -H -A DEV` (json-c).
 * Its output is untrusted: a field missing or of the wrong type is a
 * figure not reported, never a zero.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "child.h"
#include "health_smartctl.h"

#define HS_TIMEOUT_MS 30000

static struct json_object *
hs_get(struct json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

static int
hs_uint(struct json_object *o, const char *path, uint32_t *v)
{
	struct json_object *x = hs_get(o, path);
	int64_t n;

	if (!x || !json_object_is_type(x, json_type_int))
		return -1;
	n = json_object_get_int64(x);
	if (n < -273 || n > (int64_t)UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

int
health_smartctl_parse(const char *json, struct health_report *r)
{
	struct json_object *root = json_tokener_parse(json), *tab, *passed;
	int bad_now = 0;
	uint32_t t;

	memset(r, 0, sizeof(r[0]));
	if (!root || !(tab = hs_get(root, "ata_smart_attributes.table")) ||
	    !json_object_is_type(tab, json_type_array)) {
		json_object_put(root);
		return -1;
	}
	r->source = HEALTH_SRC_ATA;
	if ((passed = hs_get(root, "smart_status.passed")) &&
	    json_object_is_type(passed, json_type_boolean)) {
		r->smart =
		    json_object_get_boolean(passed) ? HEALTH_SMART_PASSED : HEALTH_SMART_FAILED;
		r->valid |= HF_SMART;
	}
	if (hs_uint(root, "temperature.current", &t) == 0) {
		r->temperature = (int32_t)t;
		r->valid |= HF_TEMPERATURE;
	}
	if (hs_uint(root, "power_on_time.hours", &r->power_on_hours) == 0)
		r->valid |= HF_POWER_ON;
	for (size_t i = 0; i < json_object_array_length(tab); i++) {
		struct json_object *a = json_object_array_get_idx(tab, i), *wf;
		uint32_t id, raw;

		if ((wf = hs_get(a, "when_failed")) && json_object_is_type(wf, json_type_string) &&
		    !strcmp(json_object_get_string(wf), "now"))
			bad_now = 1;
		if (hs_uint(a, "id", &id) < 0 || hs_uint(a, "raw.value", &raw) < 0)
			continue;
		if (id == 5) {
			r->reallocated = raw;
			r->valid |= HF_REALLOCATED;
		} else if (id == 197) {
			r->pending = raw;
			r->valid |= HF_PENDING;
		}
	}
	json_object_put(root);
	health_judge_ata(r, bad_now);
	return 0;
}

int
health_smartctl_read(const char *devnode, struct health_report *r)
{
	static const char *const paths[] = {"/usr/sbin/smartctl", "/sbin/smartctl"};
	const char *argv[] = {NULL, "-j", "-H", "-A", devnode, NULL};
	struct child c;
	int rc = -1;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !argv[0]; i++)
		if (access(paths[i], X_OK) == 0)
			argv[0] = paths[i];
	if (!argv[0])
		return -1;
	memset(&c, 0, sizeof(c));
	c.argv = argv;
	c.keep_out = 1;
	c.timeout_ms = HS_TIMEOUT_MS;
	/* smartctl's exit status is a bit mask that also reports a failing
	 * disk: its JSON is what counts, when there is one */
	if (child_run(&c) == 0 && c.out && !c.timed_out && !c.hung)
		rc = health_smartctl_parse(c.out, r);
	child_free(&c);
	return rc;
}
