/* SPDX-License-Identifier: ISC */
/*
 * daemon.c - start-up order, reload and shutdown of vdsd.
 *
 * Order: configuration, logging, (daemonise), loop, inventory, AgentX,
 * providers and job engine, discovery; only then do inventory changes send
 * notifications, so the disks found at start-up are not "arrivals".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agentx.h"
#include "daemon.h"
#include "health.h"
#include "images.h"
#include "job.h"
#include "jobprov.h"
#include "log.h"
#include "loop.h"
#include "mib_inv.h"
#include "model.h"
#include "notify.h"
#include "notify_rebuild.h"
#include "probeq.h"
#include "rescan.h"
#include "sdnotify.h"
#include "udev.h"
#include "vtab.h"

static struct {
	const struct daemon_opts *opts;
	struct vds_conf conf;
	struct udevmon *udev;
	char providers[128];
	char restart_needed[256]; /* vdsServiceRestartNeeded: set by each reload */
	struct event_base *base;
	int failed; /* the start could not be completed once the disks were probed */
} dm;

#define DM_DISCOVERY_WAIT_MS 30000 /* registration waits this long for the probes at most */

const struct vds_conf *
daemon_conf(void)
{
	return &dm.conf;
}

static int
dm_load(struct vds_conf *c, char *err, size_t errlen)
{
	conf_defaults(c);
	/* -t checks a file: a missing one is an error even when it is the default */
	if (conf_load(dm.opts->config, dm.opts->config_given || dm.opts->check_only, c, err,
	              errlen) < 0)
		return -1;
	if (dm.opts->agentx_socket) {
		free(c->agentx_socket);
		c->agentx_socket = strdup(dm.opts->agentx_socket);
	}
	return 0;
}

/*
 * The service manager's one-line status: what vdsd waits for, or what it
 * serves (as of the last readiness, registration or reload).
 */
static void
dm_status(char *buf, size_t len)
{
	struct job_counters c;

	if (!agentx_registered()) {
		snprintf(buf, len, "waiting for the AgentX master at %s", dm.conf.agentx_socket);
		return;
	}
	job_get_counters(&c);
	snprintf(buf, len, "serving %zu disks, %u jobs running, %u queued",
	         vtab_count(inv_table(INV_DISK)), c.running, c.queued);
}

/* AgentX registration gained or lost: say so in the status. */
static void
dm_on_agentx(int registered)
{
	char st[512];

	(void)registered;
	dm_status(st, sizeof(st));
	sdn_status(st);
}

/*
 * SIGHUP: a bad file keeps the old configuration.  Every directive takes
 * effect now, except those read only at start: those are named in the log
 * and in vdsServiceRestartNeeded until a restart or a reload without them.
 */
static void
dm_reload(void *arg)
{
	struct vds_conf n;
	char err[512];
	const char *names = dm.restart_needed;
	char st[512];

	sdn_reloading();
	if (dm_load(&n, err, sizeof(err)) < 0) {
		log_warnx("main", "configuration not reloaded, keeping the old one: %s", err);
		snprintf(st, sizeof(st), "configuration not reloaded, keeping the old one: %s",
		         err);
		sdn_ready(st);
		return;
	}
	/* against the running values: a file changed back clears it */
	if (conf_restart_needed(&dm.conf, &n, dm.restart_needed, sizeof(dm.restart_needed)))
		log_warnx("main", "%s changed in %s: needs a restart, the old value stays in use",
		          names, dm.opts->config);
	conf_take_reloadable(&dm.conf, &n);
	conf_free(&n);
	images_sync(&dm.conf);
	job_engine_reload();
	if (dm.udev)
		udevmon_rescan(dm.udev);
	health_reload(&dm.conf);
	rescan_reload(&dm.conf);
	notify_rebuild_config(dm.conf.rebuild_progress, dm.conf.job_progress_interval);
	log_info("main", "configuration reloaded from %s%s%s", dm.opts->config,
	         names[0] ? "; needs a restart: " : "", names);
	dm_status(st, sizeof(st));
	sdn_ready(st);
}

static uint32_t
dm_job_count(int which)
{
	struct job_counters c;

	job_get_counters(&c);
	switch (which) {
	case VDS_SVC_JOBS_RUNNING:
		return c.running;
	case VDS_SVC_JOBS_QUEUED:
		return c.queued;
	case VDS_SVC_JOBS_SUCCEEDED:
		return c.succeeded;
	case VDS_SVC_JOBS_FAILED:
		return c.failed;
	default:
		return c.cancelled;
	}
}

static void
dm_service_info(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	struct mib_service_info info = {
	    .providers = dm.providers,
	    .start_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
	    .job_count = dm_job_count,
	    .next_handle = job_next_handle,
	    .max_running = &dm.conf.job_max_running,
	    .max_queued = &dm.conf.job_max_queued,
	    .purge_time = &dm.conf.job_purge_time,
	    .max_retained = &dm.conf.job_max_retained,
	    .restart_needed = dm.restart_needed,
	};
	size_t off = 0;

	for (size_t i = 0; i < dm.conf.providers.n; i++)
		off += (size_t)snprintf(dm.providers + off, sizeof(dm.providers) - off, "%s%s",
		                        i ? "," : "", dm.conf.providers.v[i]);
	mib_service_set_info(&info);
}

/* The disks found at start are probed (or DM_DISCOVERY_WAIT_MS passed). */
static void
dm_discovered(void *arg)
{
	char st[512];

	(void)arg;
	if (agentx_init(dm.base, &dm.conf) < 0) {
		dm.failed = 1;
		loop_stop();
		return;
	}
	job_set_observer(&notify_job_observer);
	inv_set_observer(&notify_inv_observer);
	/*
	 * Ready: registered with the master (agentx_init registers while it is
	 * there), or serving all but SNMP while it is down: vdsd connects when
	 * the master comes, the status says it waits.
	 */
	dm_status(st, sizeof(st));
	sdn_ready(st);
}

static int
dm_start(struct event_base *base)
{
	if (inv_init(dm.conf.state_dir) < 0)
		return -1;
	dm_service_info();
	agentx_set_state_cb(dm_on_agentx);
	if (job_engine_init(base, &dm.conf, dm.conf.state_dir) < 0) {
		log_warnx("main", "cannot start the job engine");
		return -1;
	}
	inv_set_disk_owner(jobprov_owner);
	if (rescan_init(base, &dm.conf) < 0)
		log_warnx("main", "storage changed outside vdsd shows only after its next job");
	if (probeq_init(base) < 0)
		return -1;
	if (dm.conf.discovery && udevmon_start(base, &dm.conf, &dm.udev) < 0)
		log_warnx("main", "udev discovery unavailable; only image and provider disks");
	images_sync(&dm.conf);
	notify_rebuild_config(dm.conf.rebuild_progress, dm.conf.job_progress_interval);
	if (health_init(base, &dm.conf) < 0)
		log_warnx("main", "disk health unavailable: every disk reads unknown");
	/*
	 * The disks are probed off the loop (probeq.h); the subagent registers
	 * once those found at start are in the inventory, so no manager sees a
	 * partial one, and they are not announced as added.  systemd hears
	 * "ready" then (dm_discovered), not before.
	 */
	dm.base = base;
	probeq_when_idle(DM_DISCOVERY_WAIT_MS, dm_discovered, NULL);
	return dm.failed ? -1 : 0;
}

static void
dm_stop(void)
{
	health_shutdown();
	inv_set_observer(NULL);
	probeq_fini(); /* before the inventory and the job engine its results go to */
	notify_rebuild_free();
	inv_set_disk_owner(NULL);
	if (dm.udev)
		udevmon_stop(dm.udev);
	dm.udev = NULL;
	rescan_fini(); /* before the providers it reads */
	job_engine_shutdown();
	agentx_shutdown();
	inv_shutdown();
}

int
daemon_main(const struct daemon_opts *o)
{
	struct event_base *base;
	char err[512];
	int rc = 1;

	dm.opts = o;
	if (dm_load(&dm.conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "vdsd: %s\n", err);
		return 1;
	}
	if (o->check_only) {
		printf("vdsd: %s: configuration is valid\n", o->config);
		conf_free(&dm.conf);
		return 0;
	}
	log_init(o->foreground ? LOG_TO_STDERR : LOG_TO_SYSLOG, o->debug, "vdsd");
	/* only the default file may be missing (conf_load refuses a named one) */
	if (access(o->config, F_OK) < 0 && errno == ENOENT)
		log_info("main", "%s does not exist: the built-in defaults apply", o->config);
	if (!o->foreground && daemon(0, 0) < 0) {
		log_warn("main", "cannot become a daemon");
		goto out;
	}
	base = loop_init(dm_reload, NULL);
	if (dm_start(base) == 0) {
		log_info("main", "vdsd %s started (providers: %s)", PACKAGE_VERSION, dm.providers);
		loop_run();
		rc = dm.failed ? 1 : 0;
	}
	sdn_stopping("stopping");
	dm_stop();
	loop_fini();
	log_info("main", "vdsd stopped");
out:
	conf_free(&dm.conf);
	return rc;
}
