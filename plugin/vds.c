/* SPDX-License-Identifier: ISC */
/*
 * vds.c - collectd plugin for vdsd (VDS-MIB over SNMP), on the project's
 * client library.  Exports only module_register (plugin/vds.map).
 *
 *   LoadPlugin vds
 *   <Plugin vds>
 *     Agent "udp:127.0.0.1:161"
 *     Version "2c"              # 1, 2c or 3
 *     Community "public"
 *     # SNMPv3, named as in collectd's snmp plugin (the short names of
 *     # earlier versions in brackets):
 *     # Username (User), SecurityLevel noAuthNoPriv|authNoPriv|authPriv,
 *     # AuthProtocol MD5|SHA|SHA-256..., AuthPassphrase,
 *     # PrivacyProtocol (PrivProtocol) DES|AES..., PrivacyPassphrase
 *     # (PrivPassphrase), Context
 *     Timeout 2
 *     Retries 1
 *   </Plugin>
 *
 * Values (plugin "vds"): disk-NAME bytes-size/bytes-free, volume-NAME
 * bytes-size/gauge-health/gauge-status, pack-NAME bytes-size/bytes-free,
 * jobs count-STATUS, job-HANDLE percent.  Notifications: a job's end
 * (FAILURE when it failed, WARNING when cancelled, OKAY when it
 * succeeded), a disk or volume that arrives (OKAY) or leaves (WARNING).
 */
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "mib_oids.h"
#include "vcfields.h"
#include "vdsclient.h"

#define VDS_MAX_ARGS 24

struct vds_conf {
	char *opt[VDS_MAX_ARGS]; /* snmp_parse_args() style, strdup'ed */
	int nopt;
	char *agent;
};

/* What the previous read saw, to find arrivals, departures and job ends. */
struct vds_seen {
	uint32_t index;
	uint32_t status;
	char name[64];
};

struct vds_prev {
	struct vds_seen *rows;
	size_t n;
	int valid;
};

static struct vds_conf vds_cf;
static struct vc_conn *vds_conn;
static struct vds_prev vds_prev_disks, vds_prev_vols, vds_prev_jobs;

static const char *const vds_job_status[] = {"",          "created", "queued",   "running",
                                             "succeeded", "failed",  "cancelled"};

/* -1: no room, or FLAG given already (by another name of the option). */
static int
vds_add_opt(const char *flag, const char *value)
{
	if (vds_cf.nopt + 2 >= VDS_MAX_ARGS)
		return -1;
	for (int i = 0; i < vds_cf.nopt; i += 2)
		if (!strcmp(vds_cf.opt[i], flag))
			return -1;
	vds_cf.opt[vds_cf.nopt++] = strdup(flag);
	vds_cf.opt[vds_cf.nopt++] = strdup(value);
	return 0;
}

static int
vds_config(oconfig_item_t *ci)
{
	static const struct {
		const char *key, *flag;
	} keys[] = {
	    {"Version", "-v"},        {"Community", "-c"},
	    {"Username", "-u"},       {"User", "-u"},
	    {"SecurityLevel", "-l"},  {"AuthProtocol", "-a"},
	    {"AuthPassphrase", "-A"}, {"PrivacyProtocol", "-x"},
	    {"PrivProtocol", "-x"},   {"PrivacyPassphrase", "-X"},
	    {"PrivPassphrase", "-X"}, {"Context", "-n"},
	    {"Timeout", "-t"},        {"Retries", "-r"},
	};

	for (int i = 0; i < ci->children_num; i++) {
		oconfig_item_t *c = ci->children + i;
		char buf[256];
		size_t k;

		if (c->values_num != 1) {
			ERROR("vds plugin: %s needs one value", c->key);
			return -1;
		}
		if (c->values[0].type == OCONFIG_TYPE_NUMBER)
			snprintf(buf, sizeof(buf), "%g", c->values[0].value.number);
		else
			snprintf(buf, sizeof(buf), "%s", c->values[0].value.string);
		if (!strcasecmp(c->key, "Agent")) {
			free(vds_cf.agent);
			vds_cf.agent = strdup(buf);
			continue;
		}
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcasecmp(c->key, keys[k].key))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]) || vds_add_opt(keys[k].flag, buf) < 0) {
			ERROR("vds plugin: unknown or repeated option \"%s\"", c->key);
			return -1;
		}
	}
	return 0;
}

static int
vds_init(void)
{
	char *argv[VDS_MAX_ARGS + 2], err[300] = "";
	int argc = 0, rc;

	if (!vds_cf.agent) {
		ERROR("vds plugin: no Agent configured");
		return -1;
	}
	argv[argc++] = (char *)"collectd-vds";
	for (int i = 0; i < vds_cf.nopt; i++)
		argv[argc++] = vds_cf.opt[i];
	argv[argc++] = vds_cf.agent;
	argv[argc] = NULL;
	rc = vc_open(argc, argv, &vds_conn, err, sizeof(err));
	if (rc < 0) {
		ERROR("vds plugin: cannot open an SNMP session to %s: %s", vds_cf.agent,
		      err[0] ? err : "bad options");
		return -1;
	}
	return 0;
}

static void
vds_gauge(const char *pinst, const char *type, const char *tinst, double v)
{
	value_list_t vl = VALUE_LIST_INIT;
	value_t val = {.gauge = v};

	vl.values = &val;
	vl.values_len = 1;
	snprintf(vl.plugin, sizeof(vl.plugin), "vds");
	snprintf(vl.plugin_instance, sizeof(vl.plugin_instance), "%s", pinst);
	snprintf(vl.type, sizeof(vl.type), "%s", type);
	snprintf(vl.type_instance, sizeof(vl.type_instance), "%s", tinst);
	plugin_dispatch_values(&vl);
}

static void vds_notify(int severity, const char *pinst, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
vds_notify(int severity, const char *pinst, const char *type, const char *fmt, ...)
{
	notification_t n = {.severity = severity, .time = cdtime()};
	va_list ap;

	snprintf(n.host, sizeof(n.host), "%s", hostname_g);
	snprintf(n.plugin, sizeof(n.plugin), "vds");
	snprintf(n.plugin_instance, sizeof(n.plugin_instance), "%s", pinst);
	snprintf(n.type, sizeof(n.type), "%s", type);
	va_start(ap, fmt);
	vsnprintf(n.message, sizeof(n.message), fmt, ap);
	va_end(ap);
	plugin_dispatch_notification(&n);
}

static const struct vds_seen *
vds_find(const struct vds_seen *rows, size_t n, uint32_t index)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].index == index)
			return &rows[i];
	return NULL;
}

/* Compare now with prev (kind "disk"/"volume"); notify; now becomes prev. */
static void
vds_diff(struct vds_prev *prev, struct vds_seen *now, size_t n, const char *kind)
{
	char pinst[80];

	for (size_t i = 0; prev->valid && i < n; i++) {
		if (vds_find(prev->rows, prev->n, now[i].index))
			continue;
		snprintf(pinst, sizeof(pinst), "%s-%s", kind, now[i].name);
		vds_notify(NOTIF_OKAY, pinst, kind, "%s %s (index %u) arrived", kind, now[i].name,
		           now[i].index);
	}
	for (size_t i = 0; prev->valid && i < prev->n; i++) {
		if (vds_find(now, n, prev->rows[i].index))
			continue;
		snprintf(pinst, sizeof(pinst), "%s-%s", kind, prev->rows[i].name);
		vds_notify(NOTIF_WARNING, pinst, kind, "%s %s (index %u) is gone", kind,
		           prev->rows[i].name, prev->rows[i].index);
	}
	free(prev->rows);
	prev->rows = now;
	prev->n = n;
	prev->valid = 1;
}

static int
vds_read_disks(void)
{
	struct vc_disk *d;
	struct vds_seen *seen;
	size_t n;

	if (vc_read_table(vds_conn, VC_T_DISK, (void **)&d, &n) < 0)
		return -1;
	seen = calloc(n ? n : 1, sizeof(*seen));
	for (size_t i = 0; seen && i < n; i++) {
		char pinst[80];

		snprintf(pinst, sizeof(pinst), "disk-%s", d[i].name);
		vds_gauge(pinst, "bytes", "size", (double)d[i].size);
		vds_gauge(pinst, "bytes", "free", (double)d[i].free);
		seen[i].index = d[i].index;
		snprintf(seen[i].name, sizeof(seen[i].name), "%s", d[i].name);
	}
	free(d);
	if (seen)
		vds_diff(&vds_prev_disks, seen, n, "disk");
	return 0;
}

static int
vds_read_volumes(void)
{
	struct vc_volume *v;
	struct vds_seen *seen;
	size_t n;

	if (vc_read_table(vds_conn, VC_T_VOLUME, (void **)&v, &n) < 0)
		return -1;
	seen = calloc(n ? n : 1, sizeof(*seen));
	for (size_t i = 0; seen && i < n; i++) {
		char pinst[80];

		snprintf(pinst, sizeof(pinst), "volume-%s", v[i].name);
		vds_gauge(pinst, "bytes", "size", (double)v[i].size);
		vds_gauge(pinst, "gauge", "health", v[i].health);
		vds_gauge(pinst, "gauge", "status", v[i].status);
		seen[i].index = v[i].index;
		snprintf(seen[i].name, sizeof(seen[i].name), "%s", v[i].name);
	}
	free(v);
	if (seen)
		vds_diff(&vds_prev_vols, seen, n, "volume");
	return 0;
}

static int
vds_read_packs(void)
{
	struct vc_pack *p;
	size_t n;

	if (vc_read_table(vds_conn, VC_T_PACK, (void **)&p, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char pinst[80];

		snprintf(pinst, sizeof(pinst), "pack-%s", p[i].name);
		vds_gauge(pinst, "bytes", "size", (double)p[i].size);
		vds_gauge(pinst, "bytes", "free", (double)p[i].free);
	}
	free(p);
	return 0;
}

/* A job that was running at the last read and has ended now. */
static void
vds_job_ended(const struct vc_job *j)
{
	const char *type = vcf_label(vcf_field(vcf_table(VC_T_JOB), VDS_JOB_TYPE), j->type);
	char pinst[32];

	if (!type)
		type = "?";
	snprintf(pinst, sizeof(pinst), "job-%u", j->handle);
	if (j->status == VC_JS_FAILED)
		vds_notify(NOTIF_FAILURE, pinst, "job", "job %u (%s) failed: %s (%s)", j->handle,
		           type, j->error_msg, j->error_name);
	else if (j->status == VC_JS_CANCELLED)
		vds_notify(NOTIF_WARNING, pinst, "job", "job %u (%s) was cancelled", j->handle,
		           type);
	else
		vds_notify(NOTIF_OKAY, pinst, "job", "job %u (%s) succeeded", j->handle, type);
}

static int
vds_read_jobs(void)
{
	struct vc_job *j;
	struct vds_seen *seen;
	size_t n, count[7] = {0};

	if (vc_read_table(vds_conn, VC_T_JOB, (void **)&j, &n) < 0)
		return -1;
	seen = calloc(n ? n : 1, sizeof(*seen));
	for (size_t i = 0; seen && i < n; i++) {
		const struct vds_seen *was =
		    vds_find(vds_prev_jobs.rows, vds_prev_jobs.n, j[i].handle);
		char pinst[32];

		count[j[i].status <= 6 ? j[i].status : 0]++;
		if (j[i].status == VC_JS_RUNNING) {
			snprintf(pinst, sizeof(pinst), "job-%u", j[i].handle);
			vds_gauge(pinst, "percent", "", j[i].percent);
		}
		/* Ended since the last read: it was unfinished then, or new. */
		if (vc_job_finished(&j[i]) && vds_prev_jobs.valid &&
		    (!was || was->status < VC_JS_SUCCEEDED))
			vds_job_ended(&j[i]);
		seen[i].index = j[i].handle;
		seen[i].status = j[i].status;
	}
	for (int s = 1; s <= 6; s++)
		vds_gauge("jobs", "count", vds_job_status[s], (double)count[s]);
	free(j);
	if (seen) {
		free(vds_prev_jobs.rows);
		vds_prev_jobs.rows = seen;
		vds_prev_jobs.n = n;
		vds_prev_jobs.valid = 1;
	}
	return 0;
}

static int
vds_read(void)
{
	if (!vds_conn)
		return -1;
	if (vds_read_disks() < 0 || vds_read_volumes() < 0 || vds_read_packs() < 0 ||
	    vds_read_jobs() < 0) {
		WARNING("vds plugin: %s", vc_errmsg(vds_conn));
		return -1;
	}
	return 0;
}

static int
vds_shutdown(void)
{
	vc_close(vds_conn);
	vds_conn = NULL;
	free(vds_prev_disks.rows);
	free(vds_prev_vols.rows);
	free(vds_prev_jobs.rows);
	for (int i = 0; i < vds_cf.nopt; i++)
		free(vds_cf.opt[i]);
	free(vds_cf.agent);
	return 0;
}

void
module_register(void)
{
	plugin_register_complex_config("vds", vds_config);
	plugin_register_init("vds", vds_init);
	plugin_register_read("vds", vds_read);
	plugin_register_shutdown("vds", vds_shutdown);
}
