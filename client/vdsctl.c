/* SPDX-License-Identifier: ISC */
/*
 * vdsctl.c - command-line client of vdsd: `vdsctl [SNMP options] AGENT
 * COMMAND [ARGS]`.  The SNMP options and the agent are those of snmpget
 * (parsed by snmp_parse_args); list/show/status are here, the job commands
 * in ctl_job.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_args.h"
#include "ctl_job.h"
#include "ctl_obj.h"
#include "ctl_out.h"
#include "vcfields.h"
#include "vdsclient.h"

/* Net-SNMP options that take their value as the next argument. */
#define VCTL_VALUE_OPTS "vculaAxXtreEnZmMTyYOILPsSkK"

static const char *const vctl_cols[][10] = {
    [VC_T_DISK] = {"index", "name", "devNode", "size", "free", "partitionStyle", "status", "flags",
                   "packIndex", NULL},
    [VC_T_PARTITION] = {"index", "diskIndex", "number", "offset", "size", "fsType", "fsLabel",
                        "name", "volumeIndex", NULL},
    [VC_T_VOLUME] = {"index", "name", "type", "health", "status", "size", "fsType", "packIndex",
                     "diskIndex", NULL},
    [VC_T_PLEX] = {"index", "volumeIndex", "number", "health", "size", "syncPercent", "devices",
                   NULL},
    [VC_T_PACK] = {"index", "name", "health", "size", "free", "diskCount", "volumeCount", NULL},
    [VC_T_VDISK] = {"index", "path", "format", "type", "virtualSize", "attached", "devNode",
                    "diskIndex", NULL},
    [VC_T_JOB] = {"index", "type", "status", "percentComplete", "result", "owner", "errorMessage",
                  NULL},
    [VC_T_DISK_HEALTH] = {"index", "health", "healthSource", "temperature", "powerOnHours",
                          "healthReason", NULL},
};

static void
vctl_help(const char *prog)
{
	printf(
	    "Usage: %s [SNMP OPTIONS] AGENT COMMAND [ARGS] [--json] [--wait]\n\n"
	    "Manage the disks, partitions, volumes and virtual disks that vdsd publishes\n"
	    "over SNMP (VDS-MIB).  SNMP OPTIONS and AGENT are those of snmpget(1): -v 1|2c|3,\n"
	    "-c COMMUNITY, -u USER, -l LEVEL, -a/-A, -x/-X, -t TIMEOUT, -r RETRIES;\n"
	    "defaults come from Net-SNMP's snmp.conf (defVersion, defSecurityName...).\n\n"
	    "Commands:\n"
	    "  status                          the service: version, counts, job limits\n"
	    "  list disks|partitions|volumes|plexes|packs|vdisks|jobs|health\n"
	    "  show disk|partition|volume|plex|pack|vdisk|job|health INDEX|NAME|DEVICE\n"
	    "                                  (show disk: with its health and figures)\n"
	    "  create-partition DISK SIZE [--offset SIZE] [--type T] [--name NAME]\n"
	    "                [--label gpt|mbr]   (--label: a blank disk gets this table)\n"
	    "  delete-partition PARTITION\n"
	    "  create-volume SIZE (--pack N | --disks 1,2) [--layout simple|spanned|\n"
	    "                striped|mirror|parity] [--stripe SIZE] [--plexes N]\n"
	    "                [--parity 1|2] [--name NAME]  (--parity 2: raid6)\n"
	    "  delete-volume VOLUME\n"
	    "  shrink VOLUME SIZE              remove SIZE from the volume\n"
	    "  extend VOLUME SIZE              add SIZE to the volume (and its file system)\n"
	    "  break-plex VOLUME PLEX\n"
	    "  create-vdisk PATH SIZE [--fixed] [--format raw|vhd] [--label none|gpt|mbr]\n"
	    "  attach VDISK|PATH [--read-only]\n"
	    "  detach VDISK|PATH\n"
	    "  delete-vdisk VDISK|PATH\n"
	    "  add-plex VOLUME --disks LIST    one more plex (mirror leg) on the disks\n"
	    "  remove-plex VOLUME PLEX         drop a plex (never the last healthy one)\n"
	    "  repair-plex VOLUME PLEX --disks LIST  rebuild its failed devices there\n"
	    "  clean DISK [--force] [--full]   wipe its tables and signatures (--force: even\n"
	    "                with partitions; --full: zero every block too)\n"
	    "  format VOLUME --fs ext4|ext3|ext2|xfs|vfat|btrfs [--label L] [--unit SIZE]\n"
	    "                [--force] [--partition]  (--partition: VOLUME names a partition;\n"
	    "                --force: replace a file system)\n"
	    "  replace-disk DISK [--disks 1,2]  move its extents to other disks of its pack\n"
	    "  recover-pack PACK [--allow-data-loss]  after a disk was lost\n"
	    "  expand-vdisk VDISK|PATH NEW-SIZE  grow the image to NEW-SIZE\n"
	    "  compact-vdisk VDISK|PATH        give back the image's all-zero blocks\n"
	    "  create-diff-vdisk PATH PARENT   a differencing VHD over vdisk PARENT\n"
	    "  merge-vdisk VDISK|PATH [--depth N]  a differencing VHD into its parent(s)\n"
	    "  job show|wait|cancel|forget HANDLE\n\n"
	    "Options:\n"
	    "  --json         machine-readable output\n"
	    "  --wait         follow a started job to its end (a progress bar on a terminal)\n"
	    "  --interval MS  how often --wait polls (default 250)\n"
	    "  --yes          do not ask before a command that destroys data\n"
	    "                 (delete-*, shrink, break-plex, remove-plex, clean, format); needed\n"
	    "                 when standard input is not a terminal\n"
	    "  --help, --version\n\n"
	    "DISK, PARTITION, VOLUME, PACK, VDISK: an index, or the object's name\n"
	    "(sim0, a volume's or pack's name) or device node (/dev/sdb) as listed.\n\n"
	    "SIZE: a number with a unit: 100M, 1.5G, 2TiB (K/M/G/T/P and KiB..PiB are\n"
	    "powers of 1024, KB/MB/GB/TB powers of 1000); a bare number is MiB.\n\n"
	    "Exit status:\n"
	    "  0    success (with --wait or job wait: the job succeeded)\n"
	    "  1    the job failed\n"
	    "  2    the job was cancelled (--wait, job wait, job cancel --wait)\n"
	    "  3    usage error: unknown command or option, bad argument\n"
	    "  4    SNMP or agent error: no answer, authentication failed, access denied,\n"
	    "       an object that does not exist, a request the agent refused\n"
	    "  5    job cancel came too late: the job is past its point of no return\n"
	    "       and goes on (with --wait: and then succeeded)\n"
	    "  6    not confirmed: the question before destroying data was not\n"
	    "       answered yes; nothing was done\n"
	    "  130  interrupted (Ctrl-C) while waiting; the job keeps running\n",
	    prog);
}

/* The table named s ("disks" or "disk"); -1 after a usage error. */
static int
vctl_table_id(const struct ctl *x, const char *s)
{
	static const struct {
		const char *one, *many;
		int t;
	} names[] = {
	    {"disk", "disks", VC_T_DISK},       {"partition", "partitions", VC_T_PARTITION},
	    {"volume", "volumes", VC_T_VOLUME}, {"plex", "plexes", VC_T_PLEX},
	    {"pack", "packs", VC_T_PACK},       {"vdisk", "vdisks", VC_T_VDISK},
	    {"job", "jobs", VC_T_JOB},          {"health", "health", VC_T_DISK_HEALTH},
	};
	char dym[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].one) || !strcmp(s, names[i].many))
			return names[i].t;
	ctl_usage_error(x, "unknown object type '%s'%s", s,
	                ctl_did_you_mean(s,
	                                 "disks partitions volumes plexes packs vdisks jobs health "
	                                 "disk partition volume plex pack vdisk job",
	                                 "", dym, sizeof(dym)));
	return -1;
}

/* A --option left after our own were taken out: name it; CTL_EXIT_USAGE. */
static int
vctl_no_options(const struct ctl *x, int argc, char **argv)
{
	char dym[96];

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1])
			return ctl_usage_error(
			    x, "%s: unknown option '%s'%s", argv[0], argv[i],
			    ctl_did_you_mean(argv[i], CTL_GLOBAL_OPTIONS, "--", dym, sizeof(dym)));
	return 0;
}

/* The rows of table t with only the columns the text table shows. */
static int
vctl_read_shown(struct ctl *x, int t, void **rows, size_t *n)
{
	unsigned cols[16];
	size_t nc = 0;

	for (size_t i = 0; vctl_cols[t][i] && nc < 16; i++) {
		const struct vcf_field *f = vcf_field_by_name(vcf_table(t), vctl_cols[t][i]);

		if (f)
			cols[nc++] = f->col;
	}
	return vc_read_columns(x->c, (enum vc_table)t, cols, nc, rows, n);
}

static int
vctl_list(struct ctl *x, int argc, char **argv)
{
	int t, rc;
	void *rows;
	size_t n;

	if (vctl_no_options(x, argc, argv))
		return CTL_EXIT_USAGE;
	if (argc != 2)
		return ctl_usage_error(x, "usage: list disks|partitions|volumes|plexes|packs|"
		                          "vdisks|jobs|health");
	if ((t = vctl_table_id(x, argv[1])) < 0)
		return CTL_EXIT_USAGE;
	if (x->json)
		rc = vc_read_table(x->c, (enum vc_table)t, &rows, &n);
	else
		rc = vctl_read_shown(x, t, &rows, &n);
	if (rc < 0)
		return ctl_agent_error(x);
	if (x->json)
		out_json_rows(stdout, vcf_table(t), rows, n);
	else
		out_table(stdout, vcf_table(t), rows, n, vctl_cols[t]);
	free(rows);
	return CTL_EXIT_OK;
}

static int
vctl_show(struct ctl *x, int argc, char **argv)
{
	char row[4096]; /* larger than every row struct */
	uint32_t idx;
	int t, rc;

	if (vctl_no_options(x, argc, argv))
		return CTL_EXIT_USAGE;
	if (argc != 3)
		return ctl_usage_error(x, "usage: show disk|partition|volume|plex|pack|vdisk|job|"
		                          "health INDEX");
	if ((t = vctl_table_id(x, argv[1])) < 0)
		return CTL_EXIT_USAGE;
	/* a disk's health row is named like the disk */
	if ((rc = ctl_object(x, t == VC_T_DISK_HEALTH ? VC_T_DISK : t, argv[2], &idx)) != 0)
		return rc;
	if (vc_read_row(x->c, (enum vc_table)t, idx, row) < 0)
		return ctl_agent_error(x);
	if (x->json) {
		out_json_row(stdout, vcf_table(t), row);
		putchar('\n');
		return CTL_EXIT_OK;
	}
	out_list(stdout, vcf_table(t), row);
	/* show disk: its health and the figures its device reports, too */
	if (t == VC_T_DISK && vc_read_row(x->c, VC_T_DISK_HEALTH, idx, row) == 0)
		out_fields(stdout, vcf_table(VC_T_DISK_HEALTH), row);
	return CTL_EXIT_OK;
}

static int
vctl_status(struct ctl *x, int argc, char **argv)
{
	struct vc_service s;

	if (vctl_no_options(x, argc, argv))
		return CTL_EXIT_USAGE;
	if (argc != 1)
		return ctl_usage_error(x, "usage: status");
	if (vc_read_service(x->c, &s) < 0)
		return ctl_agent_error(x);
	if (x->json) {
		out_json_row(stdout, vcf_table(VC_T_SERVICE), &s);
		putchar('\n');
	} else {
		out_list(stdout, vcf_table(VC_T_SERVICE), &s);
	}
	return CTL_EXIT_OK;
}

static int
vctl_is_command(const char *s)
{
	return !strcmp(s, "list") || !strcmp(s, "show") || !strcmp(s, "status") ||
	       ctl_job_is_command(s);
}

/* The command word: the first known command among the words that are not
 * options or their values; the word after the agent when it is not known
 * (then a usage error names it); -1 when there is none. */
static int
vctl_find_command(const struct ctl *x, int argc, char **argv)
{
	char words[1024], dym[96];
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *prev = argv[i - 1];
		int is_value = i > 1 && prev[0] == '-' && prev[1] && !prev[2] &&
		               strchr(VCTL_VALUE_OPTS, prev[1]);

		if (is_value || (argv[i][0] == '-' && argv[i][1]))
			continue;
		if (vctl_is_command(argv[i]))
			return i;
		if (++npos < 2)
			continue;
		snprintf(words, sizeof(words), "list show status job ");
		ctl_job_words(0, words + strlen(words), sizeof(words) - strlen(words));
		ctl_usage_error(x, "unknown command '%s'%s", argv[i],
		                ctl_did_you_mean(argv[i], words, "", dym, sizeof(dym)));
		return -2;
	}
	ctl_usage_error(x, npos ? "no command given" : "no agent and command");
	return -1;
}

/* Take our own --options out of argv; 1 when the program should exit 0. */
static int
vctl_own_options(struct ctl *x, int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--json"))
			x->json = 1;
		else if (!strcmp(argv[i], "--wait"))
			x->wait = 1;
		else if (!strcmp(argv[i], "--yes"))
			x->yes = 1;
		else if (!strcmp(argv[i], "--interval") && i + 1 < *argc)
			x->interval_ms = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			vctl_help(x->prog);
			return 1;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vdsctl %s\n", PACKAGE_VERSION);
			return 1;
		} else
			argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

static int
vctl_run(struct ctl *x, int argc, char **argv)
{
	if (!strcmp(argv[0], "list"))
		return vctl_list(x, argc, argv);
	if (!strcmp(argv[0], "show"))
		return vctl_show(x, argc, argv);
	if (!strcmp(argv[0], "status"))
		return vctl_status(x, argc, argv);
	return ctl_job_main(x, argc, argv);
}

int
main(int argc, char **argv)
{
	struct ctl x = {.prog = "vdsctl", .interval_ms = 250};
	char err[300] = "";
	int ci, rc;

	if (vctl_own_options(&x, &argc, argv))
		return CTL_EXIT_OK;
	if (x.interval_ms < 10 || x.interval_ms > 60000)
		return ctl_usage_error(&x, "--interval must be from 10 to 60000 ms");
	if ((ci = vctl_find_command(&x, argc, argv)) < 0)
		return CTL_EXIT_USAGE;
	x.progress = isatty(STDERR_FILENO) && !x.json;
	rc = vc_open(ci, argv, &x.c, err, sizeof(err));
	if (rc == -2)
		return CTL_EXIT_OK;
	if (rc == -1)
		return err[0] ? ctl_usage_error(&x, "%s", err)
		              : ctl_usage_error(&x, "the SNMP options or the agent are not right");
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", x.prog, err);
		return CTL_EXIT_AGENT;
	}
	rc = vctl_run(&x, argc - ci, argv + ci);
	vc_close(x.c);
	return rc;
}
