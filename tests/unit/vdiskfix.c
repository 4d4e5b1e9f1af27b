/* SPDX-License-Identifier: ISC */
/*
 * vdiskfix.c - fixture of the vdisk provider tests.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <event2/event.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "model.h"
#include "vdisk/vdisk.h"
#include "vdisk/vdisk_loop.h"
#include "vdiskfix.h"
#include "worker.h"

char vf_dir[64];
char vf_root[128];
void *vf_state;
static struct vds_conf vf_conf;
static int vf_atexit_done;

static int
vf_rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

size_t
vf_our_loops(void)
{
	struct vdl_dev *devs = calloc(VDL_MAX, sizeof(*devs));
	size_t n = devs ? vdl_scan("/sys/block", devs, VDL_MAX) : 0, ours = 0;
	size_t l = strlen(vf_dir);

	for (size_t i = 0; i < n; i++)
		if (l && !strncmp(devs[i].backing, vf_dir, l) && devs[i].backing[l] == '/')
			ours++;
	free(devs);
	return ours;
}

void
vf_detach_ours(void)
{
	struct vdl_dev *devs = calloc(VDL_MAX, sizeof(*devs));
	size_t n = devs ? vdl_scan("/sys/block", devs, VDL_MAX) : 0;
	size_t l = strlen(vf_dir);
	char cmd[128], out[256];

	for (size_t i = 0; i < n; i++)
		if (l && !strncmp(devs[i].backing, vf_dir, l) && devs[i].backing[l] == '/') {
			snprintf(cmd, sizeof(cmd), "%s", devs[i].devnode);
			run_capture(out, sizeof(out), "umount %s 2>/dev/null; losetup -d %s", cmd,
			            cmd);
		}
	free(devs);
}

/* Unmount what a test mounted below vf_dir, detach its loop devices, remove it. */
static void
vf_clean_dir(void)
{
	if (!vf_dir[0])
		return;
	run_capture(NULL, 0,
	            "awk '$2 ~ \"^%s/\" { print $2 }' /proc/mounts | sort -r | xargs -r umount",
	            vf_dir);
	vf_detach_ours();
	nftw(vf_dir, vf_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	vf_dir[0] = '\0';
}

static void
vf_atexit(void)
{
	vf_clean_dir();
}

static int
vf_start(void)
{
	char state[128];

	snprintf(state, sizeof(state), "%s/state", vf_dir);
	conf_defaults(&vf_conf);
	free(vf_conf.state_dir);
	vf_conf.state_dir = strdup(state);
	strlist_add(&vf_conf.providers, "vdisk");
	strlist_add(&vf_conf.vdisk_roots, vf_root);
	if (inv_init(state) < 0)
		return -1;
	return vdisk_provider.init(&vf_conf, &vf_state);
}

static void
vf_stop(void)
{
	vdisk_provider.fini(vf_state);
	vf_state = NULL;
	inv_shutdown();
	conf_free(&vf_conf);
}

int
vf_up(void)
{
	char state[128];

	if (!vf_atexit_done && atexit(vf_atexit) == 0)
		vf_atexit_done = 1;
	if (vf_dir[0]) /* a test stopped half-way (a fatal assertion) */
		vf_down();
	snprintf(vf_dir, sizeof(vf_dir), "/tmp/vdsd-test-vdisk.XXXXXX");
	if (!mkdtemp(vf_dir))
		return -1;
	snprintf(vf_root, sizeof(vf_root), "%s/images", vf_dir);
	snprintf(state, sizeof(state), "%s/state", vf_dir);
	if (mkdir(vf_root, 0700) < 0 || mkdir(state, 0700) < 0)
		return -1;
	return vf_start();
}

void
vf_down(void)
{
	vf_stop();
	vf_clean_dir();
}

int
vf_restart(void)
{
	vf_stop();
	return vf_start();
}

const char *
vf_path(const char *name)
{
	static char path[4][256]; /* four in one call's arguments */
	static unsigned k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", vf_root, name);
	return path[k];
}

enum vds_result
vf_job(const struct job_params *p, struct contract_run *run)
{
	return contract_job(&vdisk_provider, vf_state, p, run);
}

enum vds_result
vf_create(const char *name, uint64_t size, int format, int type, uint32_t *index)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_CREATE_VDISK, .size = size};
	enum vds_result r;

	snprintf(p.path, sizeof(p.path), "%s", vf_path(name));
	p.vdisk_format = format;
	p.vdisk_type = type;
	r = vf_job(&p, &run);
	if (index)
		*index = run.out.vdisk;
	return r;
}

enum vds_result
vf_simple(int type, uint32_t vdisk)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = type, .vdisk = vdisk};

	return vf_job(&p, &run);
}

/* ---- a prepared plan on a real worker ---- */

struct vf_ctx {
	struct contract_run *run;
	int done;
};

static void
vf_progress(uint32_t h, unsigned percent, const char *details, void *arg)
{
	struct vf_ctx *c = arg;

	(void)h;
	(void)details;
	if (c->run->nprogress && percent < c->run->last_percent)
		c->run->went_back = 1;
	c->run->nprogress++;
	c->run->last_percent = percent;
}

static void
vf_done(uint32_t h, enum vds_result r, struct job_outputs *out, const char *msg, void *arg)
{
	struct vf_ctx *c = arg;

	(void)h;
	(void)out;
	c->run->result = r;
	snprintf(c->run->msg, sizeof(c->run->msg), "%s", msg ? msg : "");
	c->done = 1;
}

enum vds_result
vf_run_prepared(void *plan, struct contract_run *run)
{
	struct vf_ctx c = {.run = run};
	const struct worker_ops wops = {vf_progress, vf_done, &c};
	struct event_base *base = event_base_new();
	time_t t0 = time(NULL);
	enum vds_result r;

	run->result = VDS_R_TIMEOUT;
	if (worker_init(base, 1, &wops) == 0 && worker_submit(1, &vdisk_provider, vf_state, plan))
		while (!c.done && time(NULL) - t0 < 20) {
			event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
			nanosleep(&(struct timespec){0, 1000000}, NULL);
		}
	worker_shutdown();
	event_base_free(base);
	r = contract_commit(&vdisk_provider, vf_state, plan, run);
	vdisk_provider.free_plan(plan);
	return run->result = r;
}
