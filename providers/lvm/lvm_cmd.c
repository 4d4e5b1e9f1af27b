/* SPDX-License-Identifier: ISC */
/*
 * lvm_cmd.c - argument vectors for the LVM and e2fsprogs tools, the
 * fork/execve runner (no shell; a small fixed environment) and the mapping
 * of the tools' failures to result codes.  Every name that goes into an
 * argument was checked by lvm_name_ok() or lvm_dev_ok() first.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "lvm_cmd.h"

static struct {
	lvm_runner_fn fn;
	void *arg;
} lc_runner;

/* ------------------------------------------------------------- checks */

int
lvm_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= LVM_NAME_LEN || s[0] == '-' || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_.-") == n;
}

int
lvm_dev_ok(const char *s)
{
	size_t n = strlen(s);

	if (n <= 5 || n >= LVM_DEV_LEN || strncmp(s, "/dev/", 5) != 0 || strstr(s, ".."))
		return 0;
	return strspn(s + 5,
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_.:/-") ==
	       n - 5;
}

const char *
lvm_tool(const char *name)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};
	static __thread char path[64];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return path;
	}
	snprintf(path, sizeof(path), "/usr/sbin/%s", name);
	return path;
}

/* ------------------------------------------------------------ building */

void
lvm_cmd_init(struct lvm_cmd *c, const char *tool)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = LVM_T_QUERY;
	lvm_cmd_add(c, "%s", tool);
}

int
lvm_cmd_add(struct lvm_cmd *c, const char *fmt, ...)
{
	size_t room = sizeof(c->store) - c->used;
	va_list ap;
	int n;

	if (c->argc >= LVM_ARGV_MAX || room == 0)
		goto out;
	va_start(ap, fmt);
	n = vsnprintf(c->store + c->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		goto out;
	c->argv[c->argc++] = c->store + c->used;
	c->argv[c->argc] = NULL;
	c->used += (size_t)n + 1;
	return 0;
out:
	c->overflow = 1;
	return -1;
}

/* "lvm SUBCOMMAND --config ..." */
static void
lc_lvm(struct lvm_cmd *c, const char *sub)
{
	lvm_cmd_init(c, lvm_tool("lvm"));
	c->timeout_ms = LVM_T_CHANGE;
	lvm_cmd_add(c, "%s", sub);
	lvm_cmd_add(c, "--config");
	lvm_cmd_add(c, "%s", LVM_CONFIG);
}

void
lvm_cmd_change(struct lvm_cmd *c, const char *sub)
{
	lc_lvm(c, sub);
}

/* The same for a read-only report: its own config and time limit. */
static void
lc_query(struct lvm_cmd *c, const char *sub)
{
	lvm_cmd_init(c, lvm_tool("lvm"));
	lvm_cmd_add(c, "%s", sub);
	lvm_cmd_add(c, "--config");
	lvm_cmd_add(c, "%s", LVM_CONFIG_QUERY);
}

static const char *const lc_fields[] = {
    [LVM_REP_VGS] = "vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,pv_count,lv_count,vg_attr",
    [LVM_REP_LVS] = "vg_name,lv_name,lv_uuid,lv_size,segtype,stripes,stripe_size,devices,"
                    "sync_percent,lv_health_status,lv_attr,lv_dm_path",
    [LVM_REP_PVS] = "pv_name,vg_name,pv_size,pv_free",
};

/* A read-only report SUB in JSON, sizes in bytes without a suffix. */
static void
lc_json(struct lvm_cmd *c, const char *sub)
{
	lc_query(c, sub);
	lvm_cmd_add(c, "--reportformat");
	lvm_cmd_add(c, "json");
	lvm_cmd_add(c, "--units");
	lvm_cmd_add(c, "b");
	lvm_cmd_add(c, "--nosuffix");
}

int
lvm_cmd_report(struct lvm_cmd *c, enum lvm_report what, const char *vg)
{
	static const char *const sub[] = {"vgs", "lvs", "pvs"};

	if (vg && !lvm_name_ok(vg))
		return -1;
	lc_json(c, sub[what]);
	if (what == LVM_REP_LVS)
		lvm_cmd_add(c, "-a");
	lvm_cmd_add(c, "-o");
	lvm_cmd_add(c, "%s", lc_fields[what]);
	if (vg)
		lvm_cmd_add(c, "%s", vg);
	return c->overflow ? -1 : 0;
}

/*
 * One "lvm fullreport" for the whole scan: the vg, lv (-a), seg and pv
 * reports of every VG and the orphan PVs in one process instead of three
 * (each LVM command scans every device again).  In a fullreport a
 * segment's columns (segtype, stripes, devices) belong to its seg report,
 * joined to the lv report by lv_uuid (lvm refuses them in the lv report).
 * Its pvseg report cannot be left out: it gets one field.
 */
int
lvm_cmd_fullreport(struct lvm_cmd *c)
{
	const char *const sub[][2] = {
	    {"vg", lc_fields[LVM_REP_VGS]},
	    {"lv", "vg_name,lv_name,lv_uuid,lv_size,sync_percent,lv_health_status,lv_attr,"
	           "lv_dm_path"},
	    {"seg", "lv_uuid,segtype,stripes,stripe_size,devices"},
	    {"pv", lc_fields[LVM_REP_PVS]},
	    {"pvseg", "pvseg_start"},
	};

	lc_json(c, "fullreport");
	lvm_cmd_add(c, "-a");
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		lvm_cmd_add(c, "--configreport");
		lvm_cmd_add(c, "%s", sub[i][0]);
		lvm_cmd_add(c, "-o");
		lvm_cmd_add(c, "%s", sub[i][1]);
	}
	return c->overflow ? -1 : 0;
}

static int
lc_vglv(struct lvm_cmd *c, const char *vg, const char *lv)
{
	if (!lvm_name_ok(vg) || !lvm_name_ok(lv))
		return -1;
	return lvm_cmd_add(c, "%s/%s", vg, lv);
}

int
lvm_cmd_sync(struct lvm_cmd *c, const char *vg, const char *lv)
{
	lc_query(c, "lvs");
	lvm_cmd_add(c, "--reportformat");
	lvm_cmd_add(c, "json");
	lvm_cmd_add(c, "-o");
	lvm_cmd_add(c, "lv_name,sync_percent");
	return lc_vglv(c, vg, lv) < 0 || c->overflow ? -1 : 0;
}

int
lvm_cmd_lvcreate(struct lvm_cmd *c, const struct lvm_create *cr)
{
	if (!lvm_name_ok(cr->vg) || !lvm_name_ok(cr->name) || cr->npvs > LVM_MAX_PVS)
		return -1;
	lc_lvm(c, "lvcreate");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, "-W");
	lvm_cmd_add(c, "n");
	lvm_cmd_add(c, "--type");
	lvm_cmd_add(c, "%s", cr->segtype);
	if (!strcmp(cr->segtype, "striped") || !strcmp(cr->segtype, "raid5") ||
	    !strcmp(cr->segtype, "raid6")) {
		lvm_cmd_add(c, "-i");
		lvm_cmd_add(c, "%u", cr->stripes);
		if (cr->stripe_size) {
			lvm_cmd_add(c, "-I");
			lvm_cmd_add(c, "%lluk", (unsigned long long)(cr->stripe_size / 1024));
		}
	}
	if (!strcmp(cr->segtype, "raid1")) {
		lvm_cmd_add(c, "-m");
		lvm_cmd_add(c, "%u", cr->mirrors);
	}
	lvm_cmd_add(c, "-L");
	lvm_cmd_add(c, "%llub", (unsigned long long)cr->size);
	lvm_cmd_add(c, "-n");
	lvm_cmd_add(c, "%s", cr->name);
	lvm_cmd_add(c, "%s", cr->vg);
	for (unsigned i = 0; i < cr->npvs; i++)
		if (!lvm_dev_ok(cr->pvs[i]) || lvm_cmd_add(c, "%s", cr->pvs[i]) < 0)
			return -1;
	return c->overflow ? -1 : 0;
}

/* lvreduce / lvextend -y [-f] -L SIZEb VG/LV */
static int
lc_lvresize(struct lvm_cmd *c, const char *tool, const char *vg, const char *lv, uint64_t size)
{
	lc_lvm(c, tool);
	lvm_cmd_add(c, "-y");
	if (!strcmp(tool, "lvreduce"))
		lvm_cmd_add(c, "-f");
	lvm_cmd_add(c, "-L");
	lvm_cmd_add(c, "%llub", (unsigned long long)size);
	return lc_vglv(c, vg, lv) < 0 || c->overflow ? -1 : 0;
}

int
lvm_cmd_lvreduce(struct lvm_cmd *c, const char *vg, const char *lv, uint64_t size)
{
	return lc_lvresize(c, "lvreduce", vg, lv, size);
}

int
lvm_cmd_lvextend(struct lvm_cmd *c, const char *vg, const char *lv, uint64_t size)
{
	return lc_lvresize(c, "lvextend", vg, lv, size);
}

int
lvm_cmd_split(struct lvm_cmd *c, const char *vg, const char *lv, const char *newname,
              const char *pv)
{
	if (!lvm_name_ok(newname) || (pv && !lvm_dev_ok(pv)))
		return -1;
	lc_lvm(c, "lvconvert");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, "--splitmirrors");
	lvm_cmd_add(c, "1");
	lvm_cmd_add(c, "--name");
	lvm_cmd_add(c, "%s", newname);
	if (lc_vglv(c, vg, lv) < 0)
		return -1;
	if (pv)
		lvm_cmd_add(c, "%s", pv);
	return c->overflow ? -1 : 0;
}

int
lvm_cmd_convert(struct lvm_cmd *c, enum lvm_convert how, const char *vg, const char *lv,
                unsigned mirrors, const char (*pvs)[LVM_DEV_LEN], unsigned npvs)
{
	lc_lvm(c, "lvconvert");
	lvm_cmd_add(c, "-y");
	if (how == LVM_CONVERT_REPAIR) {
		lvm_cmd_add(c, "--repair");
	} else {
		if (how == LVM_CONVERT_ADD) {
			lvm_cmd_add(c, "--type");
			lvm_cmd_add(c, "raid1");
		}
		lvm_cmd_add(c, "-m");
		lvm_cmd_add(c, "%u", mirrors);
	}
	if (lc_vglv(c, vg, lv) < 0 || npvs > LVM_MAX_PVS)
		return -1;
	for (unsigned i = 0; i < npvs; i++)
		if (!lvm_dev_ok(pvs[i]) || lvm_cmd_add(c, "%s", pvs[i]) < 0)
			return -1;
	return c->overflow ? -1 : 0;
}

/* "lvm SUBCOMMAND FLAG VG/LV" */
static int
lc_lv_flag(struct lvm_cmd *c, const char *sub, const char *flag, const char *vg, const char *lv)
{
	lc_lvm(c, sub);
	lvm_cmd_add(c, "%s", flag);
	return lc_vglv(c, vg, lv) < 0 || c->overflow ? -1 : 0;
}

int
lvm_cmd_lvremove(struct lvm_cmd *c, const char *vg, const char *lv)
{
	return lc_lv_flag(c, "lvremove", "-f", vg, lv);
}

int
lvm_cmd_refresh(struct lvm_cmd *c, const char *vg, const char *lv)
{
	return lc_lv_flag(c, "lvchange", "--refresh", vg, lv);
}

int
lvm_cmd_activate(struct lvm_cmd *c, const char *vg, const char *lv, int on)
{
	return lc_lv_flag(c, "lvchange", on ? "-ay" : "-an", vg, lv);
}

/* "lvm SUBCOMMAND VG" */
static int
lc_vg(struct lvm_cmd *c, const char *sub, const char *vg)
{
	if (!lvm_name_ok(vg))
		return -1;
	lc_lvm(c, sub);
	return lvm_cmd_add(c, "%s", vg);
}

int
lvm_cmd_vgcreate(struct lvm_cmd *c, const char *vg, const char (*pvs)[LVM_DEV_LEN], unsigned n)
{
	if (n == 0 || n > LVM_MAX_PVS || lc_vg(c, "vgcreate", vg) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (!lvm_dev_ok(pvs[i]) || lvm_cmd_add(c, "%s", pvs[i]) < 0)
			return -1;
	return c->overflow ? -1 : 0;
}

int
lvm_cmd_vgremove(struct lvm_cmd *c, const char *vg)
{
	if (!lvm_name_ok(vg))
		return -1;
	lc_lvm(c, "vgremove");
	lvm_cmd_add(c, "-f");
	return lvm_cmd_add(c, "%s", vg);
}

int
lvm_cmd_vgck(struct lvm_cmd *c, const char *vg)
{
	return lc_vg(c, "vgck", vg);
}

int
lvm_cmd_mknodes(struct lvm_cmd *c, const char *vg)
{
	return lc_vg(c, "vgmknodes", vg);
}

int
lvm_cmd_cfglist(struct lvm_cmd *c, const char *vg)
{
	if (!lvm_name_ok(vg))
		return -1;
	lc_query(c, "vgcfgrestore");
	lvm_cmd_add(c, "--list");
	return lvm_cmd_add(c, "%s", vg);
}

/* Only a file of LVM's archive directory, named as LVM names them. */
int
lvm_cmd_cfgrestore(struct lvm_cmd *c, const char *vg, const char *file)
{
	static const char dir[] = "/etc/lvm/archive/";
	const char *base = file + sizeof(dir) - 1;

	if (!lvm_name_ok(vg) || strncmp(file, dir, sizeof(dir) - 1) || !lvm_name_ok(base) ||
	    strncmp(base, vg, strlen(vg)) || base[strlen(vg)] != '_')
		return -1;
	lc_lvm(c, "vgcfgrestore");
	lvm_cmd_add(c, "-y");
	lvm_cmd_add(c, "-f");
	lvm_cmd_add(c, "%s", file);
	return lvm_cmd_add(c, "%s", vg);
}

/* "dmsetup status|resume|remove|clear NAME" for a device-mapper name. */
int
lvm_cmd_dm(struct lvm_cmd *c, const char *verb, const char *name)
{
	static const char *const verbs[] = {"status", "resume", "remove", "clear"};
	size_t i = 0;

	while (i < sizeof(verbs) / sizeof(verbs[0]) && strcmp(verb, verbs[i]))
		i++;
	if (!lvm_name_ok(name) || i == sizeof(verbs) / sizeof(verbs[0]))
		return -1;
	lvm_cmd_init(c, lvm_tool("dmsetup"));
	lvm_cmd_add(c, "%s", verb);
	return lvm_cmd_add(c, "%s", name);
}

/* Every device-mapper device as "NAME:ATTR:OPEN:USED,..." lines. */
int
lvm_cmd_dminfo(struct lvm_cmd *c)
{
	lvm_cmd_init(c, lvm_tool("dmsetup"));
	lvm_cmd_add(c, "info");
	lvm_cmd_add(c, "-c");
	lvm_cmd_add(c, "--noheadings");
	lvm_cmd_add(c, "--separator");
	lvm_cmd_add(c, ":");
	lvm_cmd_add(c, "-o");
	return lvm_cmd_add(c, "name,attr,open,devs_used");
}

int
lvm_cmd_e2fsck(struct lvm_cmd *c, const char *dev)
{
	if (!lvm_dev_ok(dev))
		return -1;
	lvm_cmd_init(c, lvm_tool("e2fsck"));
	c->timeout_ms = 0; /* as long as the file system needs */
	lvm_cmd_add(c, "-f");
	lvm_cmd_add(c, "-p");
	return lvm_cmd_add(c, "%s", dev);
}

int
lvm_cmd_resize2fs(struct lvm_cmd *c, const char *dev, uint64_t size)
{
	if (!lvm_dev_ok(dev) || (size && size < 1024))
		return -1;
	lvm_cmd_init(c, lvm_tool("resize2fs"));
	c->timeout_ms = 0;
	if (lvm_cmd_add(c, "%s", dev) < 0 || !size)
		return c->overflow ? -1 : 0;
	return lvm_cmd_add(c, "%lluK", (unsigned long long)(size / 1024));
}

int
lvm_cmd_blkid(struct lvm_cmd *c, const char *dev)
{
	if (!lvm_dev_ok(dev))
		return -1;
	lvm_cmd_init(c, lvm_tool("blkid"));
	lvm_cmd_add(c, "-p");
	lvm_cmd_add(c, "-o");
	lvm_cmd_add(c, "value");
	lvm_cmd_add(c, "-s");
	lvm_cmd_add(c, "TYPE");
	return lvm_cmd_add(c, "%s", dev);
}

/* -------------------------------------------------------------- results */

struct lc_pattern {
	const char *text;
	enum vds_result r;
};

static const struct lc_pattern lc_lvm_patterns[] = {
    {"insufficient free space", VDS_R_NO_SPACE},
    {"insufficient suitable", VDS_R_NO_SPACE},
    {"not enough", VDS_R_NO_SPACE},
    {"already exists", VDS_R_EXISTS},
    {"in use", VDS_R_IN_USE},
    {"open logical volume", VDS_R_IN_USE},
    {"read-only", VDS_R_READ_ONLY},
    {"not found", VDS_R_NOT_FOUND},
    {"failed to find", VDS_R_NOT_FOUND},
    {"unable to split", VDS_R_NOT_SUPPORTED},
    {"does not accept", VDS_R_NOT_SUPPORTED},
    {"not supported", VDS_R_NOT_SUPPORTED},
    {"invalid", VDS_R_INVALID_PARAM},
    {"input/output error", VDS_R_IO_ERROR},
};

static const struct lc_pattern lc_fs_patterns[] = {
    {"smaller than minimum", VDS_R_SHRINK_TOO_BIG},
    {"no space left", VDS_R_SHRINK_TOO_BIG},
    {"is mounted", VDS_R_IN_USE},
    {"bad magic number", VDS_R_FS_NO_SHRINK},
    {"input/output error", VDS_R_IO_ERROR},
};

/* The first non-empty line of stderr that looks like an error, for the message. */
static void
lc_message(const struct lvm_output *o, char *msg, size_t len)
{
	const char *s = o->err;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	snprintf(msg, len, "%.*s", (int)strcspn(s, "\n"), s);
}

static enum vds_result
lc_map(const struct lvm_output *o, const struct lc_pattern *pt, size_t n, char *msg, size_t len)
{
	if (o->exec_errno) {
		snprintf(msg, len, "cannot run the tool: %s", strerror(o->exec_errno));
		return VDS_R_NOT_SUPPORTED;
	}
	if (o->cancelled) {
		snprintf(msg, len, "cancelled while the tool ran");
		return VDS_R_CANCELLED;
	}
	if (o->hung || o->timed_out) {
		snprintf(msg, len, "the tool did not finish within %u s and was killed%s",
		         o->timeout_ms / 1000,
		         o->hung ? "; it does not exit (blocked in the kernel)" : "");
		return VDS_R_TIMEOUT;
	}
	if (o->status > 128) {
		snprintf(msg, len, "the tool was killed by signal %d", o->status - 128);
		return VDS_R_TOOL_FAILED;
	}
	lc_message(o, msg, len);
	for (size_t i = 0; i < n; i++)
		if (strcasestr(o->err, pt[i].text))
			return pt[i].r;
	if (!msg[0])
		snprintf(msg, len, "the tool exited with status %d", o->status);
	return VDS_R_TOOL_FAILED;
}

enum vds_result
lvm_cmd_result(const struct lvm_output *o, char *msg, size_t len)
{
	return lc_map(o, lc_lvm_patterns, sizeof(lc_lvm_patterns) / sizeof(lc_lvm_patterns[0]), msg,
	              len);
}

enum vds_result
lvm_cmd_fs_result(const struct lvm_output *o, char *msg, size_t len)
{
	return lc_map(o, lc_fs_patterns, sizeof(lc_fs_patterns) / sizeof(lc_fs_patterns[0]), msg,
	              len);
}

const char *
lvm_cmd_tool(const struct lvm_cmd *c)
{
	const char *b;

	if (!c->argc)
		return "?";
	b = strrchr(c->argv[0], '/');
	b = b ? b + 1 : c->argv[0];
	return !strcmp(b, "lvm") && c->argc > 1 ? c->argv[1] : b;
}

enum vds_result
lvm_cmd_failed(const struct lvm_cmd *c, const struct lvm_output *o, int fs, char *msg, size_t len)
{
	char why[512];
	enum vds_result r =
	    fs ? lvm_cmd_fs_result(o, why, sizeof(why)) : lvm_cmd_result(o, why, sizeof(why));

	snprintf(msg, len, "%s: %s", lvm_cmd_tool(c), why);
	return r;
}

/* --------------------------------------------------------------- runner */

void
lvm_cmd_set_runner(lvm_runner_fn fn, void *arg)
{
	lc_runner.fn = fn;
	lc_runner.arg = arg;
}

void
lvm_output_free(struct lvm_output *o)
{
	free(o->out);
	o->out = NULL;
	o->outlen = 0;
}

static int
lc_exec(const struct lvm_cmd *cmd, struct lvm_output *o)
{
	static const char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
	                                   "LVM_SUPPRESS_FD_WARNINGS=1", NULL};
	struct child c = {.argv = (const char *const *)cmd->argv,
	                  .envp = envp,
	                  .keep_out = 1,
	                  .j = cmd->j,
	                  .timeout_ms = cmd->timeout_ms};

	if (child_run(&c) < 0)
		return -1;
	o->out = c.out;
	o->outlen = c.outlen;
	snprintf(o->err, sizeof(o->err), "%s", c.tail);
	o->status = c.hung ? 128 + 9 : c.status;
	o->exec_errno = c.exec_errno;
	o->cancelled = c.cancelled;
	o->timed_out = c.timed_out;
	o->hung = c.hung;
	return o->status == 0 && !o->exec_errno ? 0 : -1;
}

int
lvm_cmd_run(const struct lvm_cmd *cmd, struct lvm_output *o)
{
	memset(o, 0, sizeof(*o));
	o->status = -1;
	o->timeout_ms = cmd->timeout_ms;
	if (cmd->overflow || cmd->argc == 0) {
		snprintf(o->err, sizeof(o->err), "command line too long");
		return -1;
	}
	return lc_runner.fn ? lc_runner.fn(lc_runner.arg, cmd, o) : lc_exec(cmd, o);
}
