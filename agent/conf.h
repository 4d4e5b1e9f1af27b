/* SPDX-License-Identifier: ISC */
/*
 * conf.h - vdsd.conf: one directive per line, snmpd.conf style.
 *
 *   agentXSocket PATH          AgentX master socket (default /var/agentx/master)
 *   agentXPingInterval SEC     ping the master / retry connecting (default 5)
 *   stateDir PATH              persistent state (default /var/lib/vdsd)
 *   provider NAME              enable a provider; repeatable (default: sim)
 *   allowDevice PATTERN        fnmatch(3) pattern of device nodes providers
 *                              may write to; repeatable (default: none)
 *   imageDisk PATH             an image file shown as a disk; repeatable
 *   vdiskRoot PATH             a directory where the vdisk provider may create
 *                              virtual disks; repeatable (default: none)
 *   discovery yes|no           udev discovery of block devices (default yes)
 *   jobMaxRunning N            jobs running at once (default 4)
 *   jobMaxQueued N             jobs waiting to run (default 64)
 *   jobPurgeTime SEC           finished rows kept this long (default 900)
 *   jobMaxRetained N           finished rows kept at most (default 10000)
 *   jobProgressInterval SEC    least gap between progress notifications (5)
 *   simJobDuration MSEC        how long a sim job runs (default 3000)
 *   healthInterval SEC         read the disks' health this often; 0: only
 *                              at start, on arrival and on reload (600)
 *   rescanInterval SEC         read the providers' storage again this often
 *                              (lvm: volume groups changed without vdsd);
 *                              0: only on uevents and reload (default 60)
 *   rebuildProgress yes|no     send vdsVolumeRebuildProgress (default no)
 *   simHoldDir PATH            tests only: sim jobs wait at a phase while a
 *                              gate file exists there (see providers/sim/sim.c)
 *   simFailDisk NAME           tests only: the sim disk NAME has failed; its
 *                              plexes, volumes and pack degrade (sim_fault.h);
 *                              repeatable
 *   simRemoveDisk NAME         tests only: the sim disk NAME is gone from the
 *                              system (hot-removed), its pack too when it was
 *                              the last one (sim_fault.h); repeatable
 *
 * '#' starts a comment.  Errors name the file, the line and the reason.
 * On SIGHUP every directive takes effect except agentXSocket,
 * agentXPingInterval, stateDir, provider and discovery, which need a restart
 * (a change to them is logged as such).
 */
#ifndef VDS_CONF_H
#define VDS_CONF_H

#include <stddef.h>

/* SYSCONFDIR comes from configure (--sysconfdir; /etc in packages) */
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define VDS_DEFAULT_CONFIG SYSCONFDIR "/vdsd/vdsd.conf"

struct strlist {
	char **v;
	size_t n;
};

struct vds_conf {
	char *agentx_socket;
	unsigned agentx_ping;
	char *state_dir;
	struct strlist providers;
	struct strlist allow;
	struct strlist image_disks;
	struct strlist vdisk_roots;
	int discovery;
	unsigned job_max_running;
	unsigned job_max_queued;
	unsigned job_purge_time;
	unsigned job_max_retained;
	unsigned job_progress_interval;
	unsigned sim_job_ms;
	unsigned health_interval; /* seconds, 0: no periodic reads */
	unsigned rescan_interval; /* seconds, 0: no periodic rescans */
	int rebuild_progress;     /* send vdsVolumeRebuildProgress */
	char *sim_hold_dir;       /* NULL: no gates */
	struct strlist sim_fail_disks;
	struct strlist sim_remove_disks;
};

/* Fill conf with the defaults; conf_free() releases it. */
void conf_defaults(struct vds_conf *conf);
/*
 * Parse path into conf (which must hold the defaults).  On error returns -1,
 * writes "file:line: reason" into err and leaves conf freed and zeroed.
 * A missing file is an error only when must_exist is set.
 */
int conf_load(const char *path, int must_exist, struct vds_conf *conf, char *err, size_t errlen);
/* Parse one directive line; used by conf_load and the tests. */
int conf_parse_line(struct vds_conf *conf, const char *line, char *err, size_t errlen);
void conf_free(struct vds_conf *conf);
/*
 * Reload: how many directives that are read only at start differ between
 * cur and next; their names, comma-separated, into names.
 */
size_t conf_restart_needed(const struct vds_conf *cur, const struct vds_conf *next, char *names,
                           size_t len);
/*
 * Reload: swap the value of every directive that takes effect on reload
 * between cur and next (next then holds the old ones, for conf_free).
 */
void conf_take_reloadable(struct vds_conf *cur, struct vds_conf *next);

int strlist_add(struct strlist *l, const char *s);
int strlist_contains(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);
/* 1 when devnode matches one of the allowDevice patterns. */
int conf_device_allowed(const struct vds_conf *conf, const char *devnode);

#endif
