/* SPDX-License-Identifier: ISC */
/*
 * sim.c - the sim provider's operations.
 *
 * validate/prepare/commit run on the loop thread against struct sim_state
 * (sim_check.c, sim_apply.c).  run() works on a worker thread from its plan
 * only: it sleeps conf->sim_job_ms in steps, reports progress with a phase
 * text, honours a cancel between steps and passes its point of no return at
 * a realistic phase.  commit re-checks the job (the state may have changed),
 * applies it, publishes the change and hands the state file's new content
 * to the state writer (durable.h): the job finishes when it is on disk.  A
 * write that fails puts the state back to what the file holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durable.h"
#include "log.h"
#include "sim.h"
#include "sim_apply.h"
#include "sim_check.h"
#include "sim_fault.h"
#include "sim_gate.h"
#include "sim_inv.h"
#include "sim_store.h"

#define SIM_STEP_MS    100 /* about one progress report per 100 ms */
#define SIM_MAX_STEPS  200
#define SIM_MAX_PHASES 6

struct sim_prov {
	struct sim_state *st;
	struct durable_file *df; /* st->path, written off the loop */
	char state_dir[512];
	unsigned job_ms;
	char hold_dir[512]; /* simHoldDir: test gates, "" when none */
	int vdisk_provider; /* the vdisk provider is enabled: it takes other paths */
};

struct sim_phases {
	const char *text[SIM_MAX_PHASES];
	unsigned no_return; /* first phase past the point of no return */
};

struct sim_plan {
	struct job_params p;
	struct sim_phases ph;
	unsigned nphases, nsteps, step_ms;
	char hold_dir[512];
};

static void sim_landed(void *arg, int rc);

static const struct sim_phases sim_phase_table[] = {
    [JOB_CREATE_PARTITION] = {{"checking disk", "writing partition table",
                               "updating partition table", NULL},
                              1},
    [JOB_DELETE_PARTITION] = {{"checking partition", "removing partition",
                               "updating partition table", NULL},
                              1},
    [JOB_CREATE_VOLUME] = {{"allocating extents", "creating volume", "initialising plexes", NULL},
                           1},
    [JOB_DELETE_VOLUME] = {{"checking volume", "removing volume", "releasing extents", NULL}, 1},
    [JOB_SHRINK_VOLUME] = {{"checking file system", "moving data", "shrinking file system",
                            "shrinking volume", NULL},
                           2},
    [JOB_BREAK_PLEX] = {{"checking plexes", "splitting plex", "creating volume", NULL}, 1},
    [JOB_CREATE_VDISK] = {{"creating file", "writing header", "allocating blocks", "writing footer",
                           NULL},
                          3},
    [JOB_ATTACH_VDISK] = {{"opening file", "attaching", "scanning disk", NULL}, 1},
    [JOB_DETACH_VDISK] = {{"flushing", "detaching", NULL}, 1},
    [JOB_DELETE_VDISK] = {{"checking file", "deleting file", NULL}, 1},
    [JOB_EXTEND_VOLUME] = {{"checking space", "extending volume", "extending file system", NULL},
                           2},
    [JOB_CLEAN] = {{"checking disk", "wiping signatures", "rereading disk", NULL}, 1},
    [JOB_FORMAT] = {{"checking volume", "writing file system", "reading file system", NULL}, 1},
    [JOB_REPLACE_DISK] = {{"checking free space", "moving extents", "removing disk from pack",
                           NULL},
                          2},
    [JOB_RECOVER_PACK] = {{"checking volumes", "repairing plexes", "removing lost disks", NULL}, 1},
    [JOB_EXPAND_VDISK] = {{"checking file", "growing file", "moving footer", "growing device",
                           NULL},
                          1},
    [JOB_COMPACT_VDISK] = {{"checking file", "scanning blocks", "punching holes", NULL}, 2},
    [JOB_MERGE_VDISK] = {{"checking chain", "copying blocks", "emptying child", NULL}, 1},
    [JOB_ADD_PLEX] = {{"checking disks", "adding plex", "synchronising plex", NULL}, 1},
    [JOB_REMOVE_PLEX] = {{"checking plexes", "removing plex", "releasing extents", NULL}, 1},
    [JOB_REPAIR_PLEX] = {{"checking plex", "replacing devices", "resynchronising plex", NULL}, 1},
};

/* simJobDuration, simHoldDir, simFailDisk, simRemoveDisk: at start and on every reload. */
static void
sim_reload(void *state, const struct vds_conf *conf)
{
	struct sim_prov *sp = state;

	sp->job_ms = conf->sim_job_ms;
	snprintf(sp->hold_dir, sizeof(sp->hold_dir), "%s",
	         conf->sim_hold_dir ? conf->sim_hold_dir : "");
	/* at start st is not there yet: sim_init publishes everything after */
	if (sim_fault_set(&conf->sim_fail_disks, &conf->sim_remove_disks) && sp->st)
		sim_inv_sync(sp->st);
}

static int
sim_init(const struct vds_conf *conf, void **state)
{
	struct sim_prov *sp = calloc(1, sizeof(*sp));
	char *dump = NULL;
	size_t len;

	*state = NULL;
	if (!sp)
		return -1;
	snprintf(sp->state_dir, sizeof(sp->state_dir), "%s", conf->state_dir);
	sim_reload(sp, conf);
	sp->vdisk_provider = strlist_contains(&conf->providers, "vdisk");
	sp->st = sim_store_open(conf->state_dir);
	if (!sp->st) {
		free(sp);
		return -1;
	}
	if (sim_store_dump(sp->st, &dump, &len) < 0 ||
	    !(sp->df = durable_open(sp->st->path, dump, len, 0, sim_landed, sp))) {
		free(dump);
		sim_store_free(sp->st);
		free(sp);
		return -1;
	}
	free(dump);
	sim_inv_sync(sp->st);
	log_info("sim", "%zu disks, %zu packs, %zu volumes, %zu vdisks from %s", sp->st->ndisks,
	         sp->st->npacks, sp->st->nvols, sp->st->nvdisks, sp->st->path);
	*state = sp;
	return 0;
}

static void
sim_fini(void *state)
{
	struct sim_prov *sp = state;

	if (!sp)
		return;
	durable_close(sp->df);
	sim_store_free(sp->st);
	sim_fault_clear();
	free(sp);
}

static int
sim_is_sim(const char *provider)
{
	return strcmp(provider, "sim") == 0;
}

static int
sim_claims_vdisk(struct sim_prov *sp, const struct job_params *p)
{
	const struct inv_vdisk *v = p->vdisk ? inv_get(INV_VDISK, p->vdisk) : NULL;
	size_t l = strlen(sp->st->simdir);

	if (p->type != JOB_CREATE_VDISK)
		return v ? sim_is_sim(v->provider) : p->path[0] && sim_vdisk_find(sp->st, p->path);
	if (strncmp(p->path, sp->st->simdir, l) == 0 && p->path[l] == '/')
		return 1;
	return !sp->vdisk_provider;
}

static int
sim_claims(void *state, const struct job_params *p)
{
	const struct inv_disk *d;
	const struct inv_part *pt;
	const struct inv_pack *pk;
	const struct inv_volume *v;

	switch (p->type) {
	case JOB_CREATE_PARTITION:
		d = inv_get(INV_DISK, p->disk);
		return d && sim_is_sim(d->provider);
	case JOB_DELETE_PARTITION:
		pt = inv_get(INV_PARTITION, p->partition);
		d = pt ? inv_get(INV_DISK, pt->disk_index) : NULL;
		return d && sim_is_sim(d->provider);
	case JOB_CREATE_VOLUME:
		/* by disks alone: the pack is theirs (sim_checkvol.c) */
		if (!p->pack && p->ndisks) {
			d = inv_get(INV_DISK, p->disks[0]);
			return d && sim_is_sim(d->provider);
		}
		pk = inv_get(INV_PACK, p->pack);
		return pk && sim_is_sim(pk->provider);
	case JOB_DELETE_VOLUME:
	case JOB_SHRINK_VOLUME:
	case JOB_EXTEND_VOLUME:
	case JOB_BREAK_PLEX:
	case JOB_ADD_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		v = inv_get(INV_VOLUME, p->volume);
		return v && sim_is_sim(v->provider);
	case JOB_CREATE_VDISK:
	case JOB_ATTACH_VDISK:
	case JOB_DETACH_VDISK:
	case JOB_DELETE_VDISK:
		return sim_claims_vdisk(state, p);
	case JOB_CLEAN:
		d = inv_get(INV_DISK, p->disk);
		return d && sim_is_sim(d->provider);
	case JOB_FORMAT:
		if (p->volume) {
			v = inv_get(INV_VOLUME, p->volume);
			return v && sim_is_sim(v->provider);
		}
		pt = inv_get(INV_PARTITION, p->partition);
		d = pt ? inv_get(INV_DISK, pt->disk_index) : NULL;
		return d && sim_is_sim(d->provider);
	case JOB_REPLACE_DISK:
		d = inv_get(INV_DISK, p->disk);
		return d && sim_is_sim(d->provider);
	case JOB_RECOVER_PACK:
		pk = inv_get(INV_PACK, p->pack);
		return pk && sim_is_sim(pk->provider);
	case JOB_EXPAND_VDISK:
	case JOB_COMPACT_VDISK:
	case JOB_MERGE_VDISK:
		return sim_claims_vdisk(state, p);
	}
	return 0;
}

static enum vds_result
sim_validate(void *state, const struct job_params *p, char *why, size_t whylen)
{
	struct sim_prov *sp = state;
	struct sim_target t;

	return sim_check(sp->st, p, &t, why, whylen);
}

static enum vds_result
sim_prepare(void *state, const struct job_params *p, void **plan, char *msg, size_t msglen)
{
	struct sim_prov *sp = state;
	struct sim_target t;
	struct sim_plan *pl;
	enum vds_result r;

	*plan = NULL;
	if ((r = sim_check(sp->st, p, &t, msg, msglen)) != VDS_R_OK)
		return r;
	if (!(pl = calloc(1, sizeof(*pl))))
		return VDS_R_NO_MEMORY;
	pl->p = *p;
	pl->ph = sim_phase_table[p->type];
	if (p->type == JOB_CREATE_PARTITION && t.label != INV_PS_NONE) {
		pl->ph.text[1] = "writing label"; /* a new label replaces the table */
		pl->ph.text[2] = "creating partition";
	}
	if (p->type == JOB_CLEAN && p->full_clean) {
		pl->ph.text[2] = "zeroing blocks"; /* most of the time: every block written */
		pl->ph.text[3] = "rereading disk";
	}
	if (p->type == JOB_CREATE_VOLUME && (t.vtype == INV_VT_MIRROR || t.vtype == INV_VT_PARITY))
		pl->ph.text[2] =
		    t.vtype == INV_VT_MIRROR ? "synchronising plexes" : "initialising parity";
	while (pl->nphases < SIM_MAX_PHASES && pl->ph.text[pl->nphases])
		pl->nphases++;
	pl->nsteps = sp->job_ms / SIM_STEP_MS;
	if (pl->nsteps < pl->nphases)
		pl->nsteps = pl->nphases;
	if (pl->nsteps > SIM_MAX_STEPS)
		pl->nsteps = SIM_MAX_STEPS;
	pl->step_ms = sp->job_ms / pl->nsteps;
	snprintf(pl->hold_dir, sizeof(pl->hold_dir), "%s", sp->hold_dir);
	*plan = pl;
	return VDS_R_OK;
}

/* Worker thread: only the plan and the job handle. */
static enum vds_result
sim_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg,
        size_t msglen)
{
	struct sim_plan *pl = plan;
	int past = 0, reached = -1;

	(void)state;
	(void)out;
	for (unsigned i = 0; i < pl->nsteps; i++) {
		unsigned phase = i * pl->nphases / pl->nsteps;

		if (!past && (prov_job_cancelled(j) ||
		              (phase >= pl->ph.no_return && prov_job_no_return(j)))) {
			snprintf(msg, msglen, "cancelled while %s", pl->ph.text[phase]);
			return VDS_R_CANCELLED;
		}
		if (phase >= pl->ph.no_return)
			past = 1;
		prov_job_progress(j, i * 100 / pl->nsteps, pl->ph.text[phase]);
		if ((int)phase != reached) {
			reached = (int)phase;
			if (sim_gate_pass(pl->hold_dir, j, phase)) {
				snprintf(msg, msglen, "cancelled while %s", pl->ph.text[phase]);
				return VDS_R_CANCELLED;
			}
		}
		if (pl->step_ms && prov_job_sleep(j, pl->step_ms) && !past) {
			snprintf(msg, msglen, "cancelled while %s", pl->ph.text[phase]);
			return VDS_R_CANCELLED;
		}
	}
	return VDS_R_OK;
}

/*
 * Put the state back to the file's content, as last given to the writer
 * (landed 0: a commit failed half-way) or as on disk (1: a write failed),
 * and publish it.  From memory: no disk I/O on the loop.
 */
static void
sim_rollback(struct sim_prov *sp, int landed)
{
	struct sim_state *old = calloc(1, sizeof(*old));
	const char *buf;
	size_t len;

	buf = durable_content(sp->df, landed, &len);
	if (!old)
		goto fail;
	memcpy(old->path, sp->st->path, sizeof(old->path));
	memcpy(old->simdir, sp->st->simdir, sizeof(old->simdir));
	if (!buf || sim_store_undump(old, buf, len) < 0)
		goto fail;
	sim_store_free(sp->st);
	sp->st = old;
	sim_inv_sync(sp->st);
	return;
fail:
	free(old);
	log_warnx("sim", "cannot put the state of %s back: restart vdsd", sp->st->path);
}

/* A write of sim.state failed: the changes after the file's content are undone. */
static void
sim_landed(void *arg, int rc)
{
	if (rc < 0)
		sim_rollback(arg, 1);
}

static enum vds_result
sim_commit(void *state, void *plan, enum vds_result r, struct job_outputs *out, char *msg,
           size_t msglen)
{
	struct sim_prov *sp = state;
	struct sim_plan *pl = plan;
	struct sim_target t;
	char why[200], *dump = NULL;
	size_t len;

	if (r != VDS_R_OK)
		return r;
	if ((r = sim_check(sp->st, &pl->p, &t, why, sizeof(why))) != VDS_R_OK) {
		snprintf(msg, msglen, "changed while the job ran: %s", why);
		return r;
	}
	if ((r = sim_apply(sp->st, &pl->p, &t, out, msg, msglen)) != VDS_R_OK) {
		sim_rollback(sp, 0);
		memset(out, 0, sizeof(*out));
		return r;
	}
	/* serialised here, written and fsynced by the state writer: durable.h */
	if (sim_store_dump(sp->st, &dump, &len) < 0 || durable_write(sp->df, dump, len) < 0) {
		sim_rollback(sp, 0);
		memset(out, 0, sizeof(*out));
		snprintf(msg, msglen, "cannot save %s: out of memory", sp->st->path);
		return VDS_R_NO_MEMORY;
	}
	return VDS_R_OK;
}

static void
sim_free_plan(void *plan)
{
	free(plan);
}

const struct prov_ops sim_provider = {
    .name = "sim",
    .init = sim_init,
    .fini = sim_fini,
    .claims = sim_claims,
    .validate = sim_validate,
    .prepare = sim_prepare,
    .run = sim_run,
    .commit = sim_commit,
    .free_plan = sim_free_plan,
    .reload = sim_reload,
};
