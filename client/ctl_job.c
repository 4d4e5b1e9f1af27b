/* SPDX-License-Identifier: ISC */
/*
 * ctl_job.c - vdsctl's job commands (see ctl_job.h): build the job request
 * from the command line, start it with one SET, explain a refusal in terms
 * of the objects involved, and follow the job with --wait.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_args.h"
#include "ctl_job.h"
#include "ctl_jobbuild.h"
#include "ctl_obj.h"
#include "ctl_out.h"
#include "ctl_wait.h"
#include "mib_oids.h"
#include "vcfields.h"
#include "vcunits.h"

struct cj_cmd {
	const char *name;
	unsigned type;    /* VdsJobType */
	int npos;         /* positional arguments */
	const char *opts; /* allowed --options, space-separated; "!" = flag */
	const char *synopsis;
	/* 0, or the exit status (-1: usage) after printing why */
	int (*build)(const struct ctl *x, struct cj_args *a, struct vc_job *req);
	const char *loses; /* the data it destroys (ask first), NULL when none */
};

int
ctl_usage_error(const struct ctl *x, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", x->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", x->prog);
	return CTL_EXIT_USAGE;
}

int
ctl_agent_error(const struct ctl *x)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", x->prog, vc_errmsg(x->c));
	return CTL_EXIT_AGENT;
}

int
ctl_index(const struct ctl *x, const char *what, const char *s, uint32_t *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (!*s || *end || n == 0 || n > 0xFFFFFFFFUL || s[0] == '-') {
		ctl_usage_error(x, "%s \"%s\" is not an index (a whole number from 1)", what, s);
		return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

static const struct cj_cmd cj_cmds[] = {
    {"create-partition", 1, 2, "offset type name label",
     "DISK SIZE [--offset SIZE] [--type T] [--name N] [--label gpt|mbr]", cj_build_cpart, NULL},
    {"delete-partition", 2, 1, "", "PARTITION", cj_build_dpart, "the data on the partition"},
    {"create-volume", 3, 1, "pack disks layout stripe plexes parity name",
     "SIZE (--pack N | --disks 1,2) [--layout L] [--stripe SIZE] [--plexes N] [--parity 1|2] "
     "[--name N]",
     cj_build_cvol, NULL},
    {"delete-volume", 4, 1, "", "VOLUME", cj_build_vol, "the data on the volume"},
    {"shrink", 5, 2, "", "VOLUME SIZE-TO-REMOVE", cj_build_resize,
     "data in the part of the volume removed, if the file system cannot move it"},
    {"extend", 11, 2, "", "VOLUME SIZE-TO-ADD", cj_build_resize, NULL},
    {"break-plex", 6, 2, "", "VOLUME PLEX", cj_build_break,
     "the redundancy of the volume; the plex becomes a volume of its own"},
    {"create-vdisk", 7, 2, "!fixed format label",
     "PATH SIZE [--fixed] [--format raw|vhd] [--label none|gpt|mbr]", cj_build_cvdisk, NULL},
    {"attach", 8, 1, "!read-only", "VDISK|PATH [--read-only]", cj_build_vdisk, NULL},
    {"detach", 9, 1, "", "VDISK|PATH", cj_build_vdisk, NULL},
    {"delete-vdisk", 10, 1, "", "VDISK|PATH", cj_build_vdisk, "the image file and its data"},
    {"clean", 17, 1, "!force !full", "DISK [--force] [--full]", cj_build_clean,
     "every partition, volume and file system on the disk"},
    {"format", 18, 1, "fs label unit !force !partition",
     "VOLUME --fs TYPE [--label L] [--unit SIZE] [--force] [--partition]", cj_build_format,
     "the data on the volume"},
    {"replace-disk", 15, 1, "disks", "DISK [--disks 1,2]", cj_build_replace, NULL},
    {"recover-pack", 16, 1, "!allow-data-loss", "PACK [--allow-data-loss]", cj_build_recover, NULL},
    {"expand-vdisk", 19, 2, "", "VDISK|PATH NEW-SIZE", cj_build_expand, NULL},
    {"compact-vdisk", 20, 1, "", "VDISK|PATH", cj_build_vdisk, NULL},
    {"create-diff-vdisk", 7, 2, "", "PATH PARENT-VDISK", cj_build_diff, NULL},
    {"merge-vdisk", 21, 1, "depth", "VDISK|PATH [--depth N]", cj_build_merge,
     "the parent's blocks the child replaces (and the disks between go out of date)"},
    {"add-plex", 12, 1, "disks", "VOLUME --disks 1,2", cj_build_plex_disks, NULL},
    {"remove-plex", 13, 2, "", "VOLUME PLEX", cj_build_break,
     "the copy of the data the plex holds (the volume keeps its other plexes)"},
    {"repair-plex", 14, 2, "disks", "VOLUME PLEX --disks 1,2", cj_build_plex_disks, NULL},
};
#define CJ_NCMDS (sizeof(cj_cmds) / sizeof(cj_cmds[0]))

/* Is --key allowed by opts; *flag when it takes no value. */
static int
cj_allowed(const char *opts, const char *key, int *flag)
{
	size_t kl = strlen(key);

	for (const char *p = opts; *p;) {
		int f = *p == '!';
		size_t l;

		p += f;
		l = strcspn(p, " ");
		if (l == kl && !strncmp(p, key, kl)) {
			*flag = f;
			return 1;
		}
		p += l;
		p += *p == ' ';
	}
	return 0;
}

static int
cj_parse(const struct ctl *x, const struct cj_cmd *cmd, int argc, char **argv, struct cj_args *a)
{
	for (int i = 1; i < argc; i++) {
		char *eq;
		int flag;

		if (strncmp(argv[i], "--", 2) != 0 || !argv[i][2]) {
			if (a->npos == CJ_MAX_POS || a->npos == cmd->npos)
				return ctl_usage_error(x, "%s: unexpected argument \"%s\"",
				                       cmd->name, argv[i]);
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if ((eq = strchr(argv[i], '=')))
			*eq = '\0';
		if (!cj_allowed(cmd->opts, argv[i] + 2, &flag) || a->nopt == CJ_MAX_OPT) {
			char words[256], dym[96];

			snprintf(words, sizeof(words), "%s %s", cmd->opts, CTL_GLOBAL_OPTIONS);
			return ctl_usage_error(
			    x, "%s: unknown option '%s'%s", cmd->name, argv[i],
			    ctl_did_you_mean(argv[i], words, "--", dym, sizeof(dym)));
		}
		a->key[a->nopt] = argv[i] + 2;
		if (flag)
			a->val[a->nopt++] = "1";
		else if (eq)
			a->val[a->nopt++] = eq + 1;
		else if (i + 1 < argc)
			a->val[a->nopt++] = argv[++i];
		else
			return ctl_usage_error(x, "%s: %s needs a value", cmd->name, argv[i]);
	}
	if (a->npos < cmd->npos)
		return ctl_usage_error(x, "usage: %s %s", cmd->name, cmd->synopsis);
	return 0;
}

void
ctl_job_words(int options, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < CJ_NCMDS && used < len; i++) {
		const char *w = options ? cj_cmds[i].opts : cj_cmds[i].name;

		if (*w)
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", w);
	}
}

int
ctl_job_is_command(const char *name)
{
	for (size_t i = 0; i < CJ_NCMDS; i++)
		if (!strcmp(cj_cmds[i].name, name))
			return 1;
	return !strcmp(name, "job");
}

/* After VC_E_REJECTED: the first referenced object that does not exist. */
static int
cj_explain_missing(struct ctl *x, const struct vc_job *r)
{
	static const struct {
		enum vc_table t;
		size_t off;
		const char *what;
	} refs[] = {
	    {VC_T_DISK, offsetof(struct vc_job, p_disk), "disk"},
	    {VC_T_PARTITION, offsetof(struct vc_job, p_partition), "partition"},
	    {VC_T_VOLUME, offsetof(struct vc_job, p_volume), "volume"},
	    {VC_T_PLEX, offsetof(struct vc_job, p_plex), "plex"},
	    {VC_T_PACK, offsetof(struct vc_job, p_pack), "pack"},
	    {VC_T_VDISK, offsetof(struct vc_job, p_vdisk), "virtual disk"},
	};
	char row[4096]; /* larger than every row struct */
	uint32_t idx;

	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		memcpy(&idx, (const char *)r + refs[i].off, sizeof(idx));
		if (!idx || vc_read_row(x->c, refs[i].t, idx, row) == 0)
			continue;
		if (vc_errcode(x->c) != VC_E_NOT_FOUND)
			return ctl_agent_error(x);
		fprintf(stderr, "%s: %s %u does not exist\n", x->prog, refs[i].what, idx);
		return CTL_EXIT_AGENT;
	}
	return -1;
}

/* After VC_E_REJECTED: not enough room for the size asked. */
static int
cj_explain_space(struct ctl *x, const struct vc_job *r)
{
	char a[32], b[32];
	struct vc_disk d;
	struct vc_volume v;
	uint64_t want = (uint64_t)r->p_size_mib * VC_MIB;

	if (r->type == 1 && vc_read_row(x->c, VC_T_DISK, r->p_disk, &d) == 0 && d.free < want) {
		fprintf(stderr, "%s: disk %u (%s) has %s free, not enough for a partition of %s\n",
		        x->prog, d.index, d.name, vc_format_size(d.free, a, sizeof(a)),
		        vc_format_size(want, b, sizeof(b)));
		return CTL_EXIT_AGENT;
	}
	if (r->type == 5 && vc_read_row(x->c, VC_T_VOLUME, r->p_volume, &v) == 0 &&
	    v.size <= want) {
		fprintf(stderr, "%s: volume %u is %s, cannot remove %s from it\n", x->prog, v.index,
		        vc_format_size(v.size, a, sizeof(a)), vc_format_size(want, b, sizeof(b)));
		return CTL_EXIT_AGENT;
	}
	return -1;
}

static int
cj_refused(struct ctl *x, const struct vc_job *r)
{
	char saved[600];
	int rc;

	if (vc_errcode(x->c) != VC_E_REJECTED)
		return ctl_agent_error(x);
	snprintf(saved, sizeof(saved), "%s", vc_errmsg(x->c));
	if ((rc = cj_explain_missing(x, r)) >= 0 || (rc = cj_explain_space(x, r)) >= 0)
		return rc;
	fprintf(stderr, "%s: %s\n", x->prog, saved);
	return CTL_EXIT_AGENT;
}

/* Ask before cmd, named with the arguments as given ("shrink vol1 10G"). */
static int
cj_confirm(const struct ctl *x, const struct cj_cmd *cmd, const struct cj_args *a)
{
	char what[512];
	size_t used = (size_t)snprintf(what, sizeof(what), "%s", cmd->name);

	for (int i = 0; i < a->npos && used < sizeof(what); i++)
		used += (size_t)snprintf(what + used, sizeof(what) - used, " %s", a->pos[i]);
	return ctl_confirm(x, what, cmd->loses);
}

static int
cj_start(struct ctl *x, const struct cj_cmd *cmd, int argc, char **argv)
{
	struct cj_args a = {0};
	struct vc_job req = {0};
	char host[64] = "";
	uint32_t h;

	int rc;

	if (cj_parse(x, cmd, argc, argv, &a) != 0)
		return CTL_EXIT_USAGE;
	if ((rc = cmd->build(x, &a, &req)) != 0)
		return rc < 0 ? CTL_EXIT_USAGE : rc;
	/* Ask only about objects that exist. */
	if (cmd->loses && (rc = cj_explain_missing(x, &req)) >= 0)
		return rc;
	if (cmd->loses && (rc = cj_confirm(x, cmd, &a)) != 0)
		return rc;
	req.type = cmd->type;
	gethostname(host, sizeof(host) - 1);
	snprintf(req.owner, sizeof(req.owner), "vdsctl@%s", host);
	if (vc_job_start(x->c, &req, &h) < 0)
		return cj_refused(x, &req);
	if (!x->wait) {
		if (x->json)
			printf("{\"handle\":%u}\n", h);
		else
			printf("started job %u (%s); follow it with: %s ... job wait %u\n", h,
			       vcf_label(vcf_field(vcf_table(VC_T_JOB), VDS_JOB_TYPE), req.type),
			       x->prog, h);
		return CTL_EXIT_OK;
	}
	if (!x->json)
		printf("started job %u\n", h);
	fflush(stdout); /* before the progress lines on stderr */
	return ctl_wait_job(x, h, (uint64_t)req.p_size_mib * VC_MIB);
}

static int
cj_jobcmd(struct ctl *x, int argc, char **argv)
{
	struct vc_job j;
	uint32_t h;
	char dym[96];

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return ctl_usage_error(
			    x, "job: unknown option '%s'%s", argv[i],
			    ctl_did_you_mean(argv[i], CTL_GLOBAL_OPTIONS, "--", dym, sizeof(dym)));
	if (argc != 3)
		return ctl_usage_error(x, "usage: job show|wait|cancel|forget HANDLE");
	if (ctl_index(x, "job handle", argv[2], &h) < 0)
		return CTL_EXIT_USAGE;
	if (!strcmp(argv[1], "show")) {
		if (vc_job_get(x->c, h, &j) < 0)
			return ctl_agent_error(x);
		if (x->json) {
			out_json_row(stdout, vcf_table(VC_T_JOB), &j);
			putchar('\n');
		} else {
			out_list(stdout, vcf_table(VC_T_JOB), &j);
		}
		return CTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "wait"))
		return ctl_wait_job(x, h, 0);
	if (!strcmp(argv[1], "cancel"))
		return ctl_cancel_job(x, h);
	if (!strcmp(argv[1], "forget")) {
		if (vc_job_destroy(x->c, h) < 0)
			return ctl_agent_error(x);
		printf("removed job %u\n", h);
		return CTL_EXIT_OK;
	}
	if (!*ctl_did_you_mean(argv[1], "show wait cancel forget", "", dym, sizeof(dym)))
		snprintf(dym, sizeof(dym), " (show, wait, cancel, forget)");
	return ctl_usage_error(x, "unknown job command '%s'%s", argv[1], dym);
}

int
ctl_job_main(struct ctl *x, int argc, char **argv)
{
	if (!strcmp(argv[0], "job"))
		return cj_jobcmd(x, argc, argv);
	for (size_t i = 0; i < CJ_NCMDS; i++)
		if (!strcmp(cj_cmds[i].name, argv[0]))
			return cj_start(x, &cj_cmds[i], argc, argv);
	return ctl_usage_error(x, "unknown command \"%s\"", argv[0]);
}
