/* SPDX-License-Identifier: ISC */
/*
 * lvm_pack.c - replaceDisk and recoverPack on volume groups (lvm_pack.h).
 *
 * replaceDisk: pvmove --atomic of the disk onto the others (or the ones
 * given), the copy of its pvmove volume as progress, then vgreduce.  A cancel, or a
 * pvmove that failed or was killed, is answered by pvmove --abort: with
 * --atomic every extent goes back to the disk, the pack is as before.
 * recoverPack: from a fresh scan, each mirror with a plex on a missing
 * physical volume and a complete one left is rebuilt (lvconvert --repair,
 * its resync as progress); a volume with no complete copy is lost.  Then
 * vgreduce --removemissing (--force with vdsJobParamAllowDataLoss, which
 * removes the lost volumes), skipped when volumes are lost without consent.
 * clean of a disk in a volume group: one that holds no extent leaves it
 * (vgreduce, or vgremove when it was the last disk), pvremove, and is wiped
 * as basic wipes a disk (signatures, every block with FullClean).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "lvm_pack.h"

#define LP_CONFIG  LVM_CONFIG " global { use_lvmpolld=0 }"
#define LP_POLL_MS 500
#define LP_MAX_LVS 32
#define LP_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

/* ------------------------------------------------------------- checks */

static int
lp_missing(const char *name)
{
	return strstr(name, "unknown") != NULL;
}

/* A disk of the job as a physical volume: devnode into dev; its PV or NULL. */
static const struct lvm_pv *
lp_disk_pv(const struct lvm_scan *s, uint32_t index, const struct inv_disk **dp)
{
	const struct inv_disk *d = index ? inv_get(INV_DISK, index) : NULL;

	*dp = d;
	return d ? lvm_scan_pv(s, d->devnode) : NULL;
}

static enum vds_result
lp_usable(const struct vds_conf *conf, const struct inv_disk *d, char *why, size_t len)
{
	if (d->flags & INV_DF_SYSTEM)
		LP_FAIL(VDS_R_SYSTEM_DEVICE, "%s holds the running system", d->devnode);
	if (conf && !conf_device_allowed(conf, d->devnode))
		LP_FAIL(VDS_R_NOT_ALLOWED, "%s is not allowed by allowDevice", d->devnode);
	if (!lvm_dev_ok(d->devnode))
		LP_FAIL(VDS_R_INVALID_PARAM, "unusable device name %s", d->devnode);
	return VDS_R_OK;
}

/* The job's disk (index) as a usable physical volume of a pack: *dp, *pvp, pl->vg, pl->pv. */
static enum vds_result
lp_pack_disk(const struct lvm_scan *s, const struct vds_conf *conf, uint32_t index,
             struct lvm_plan *pl, const struct inv_disk **dp, const struct lvm_pv **pvp, char *why,
             size_t len)
{
	const struct lvm_pv *pv = lp_disk_pv(s, index, dp);
	enum vds_result r;

	*pvp = pv;
	if (!*dp)
		LP_FAIL(VDS_R_NOT_FOUND, "no disk with index %u", index);
	if (!pv || !pv->vg[0])
		LP_FAIL(VDS_R_INVALID_PARAM, "disk %s is in no pack", (*dp)->devnode);
	if ((r = lp_usable(conf, *dp, why, len)) != VDS_R_OK)
		return r;
	snprintf(pl->vg, sizeof(pl->vg), "%s", pv->vg);
	snprintf(pl->pv, sizeof(pl->pv), "%s", pv->name);
	return VDS_R_OK;
}

static enum vds_result
lp_check_replace(const struct lvm_scan *s, const struct vds_conf *conf, const struct job_params *p,
                 struct lvm_plan *pl, char *why, size_t len)
{
	const struct inv_disk *d, *o;
	const struct lvm_pv *pv, *q;
	uint64_t room = 0;
	enum vds_result r;

	if ((r = lp_pack_disk(s, conf, p->disk, pl, &d, &pv, why, len)) != VDS_R_OK)
		return r;
	pl->size = pv->size - pv->free; /* what moves */
	for (size_t i = 0; i < s->npvs; i++) {
		q = &s->pvs[i];
		if (strcmp(q->vg, pv->vg) != 0 || q == pv)
			continue;
		if (lp_missing(q->name))
			LP_FAIL(VDS_R_INVALID_PARAM,
			        "pack %s has a missing disk: run recoverPack first", pv->vg);
		if (!p->ndisks && pl->cr.npvs < LVM_MAX_PVS) {
			snprintf(pl->cr.pvs[pl->cr.npvs++], LVM_DEV_LEN, "%s", q->name);
			room += q->free;
		}
	}
	for (unsigned i = 0; i < p->ndisks; i++) {
		if (!(q = lp_disk_pv(s, p->disks[i], &o)))
			LP_FAIL(VDS_R_NOT_FOUND,
			        "disk %u of vdsJobParamDisks is no disk of pack %s", p->disks[i],
			        pv->vg);
		if (q == pv)
			LP_FAIL(VDS_R_INVALID_PARAM, "vdsJobParamDisks names %s, the disk to empty",
			        d->devnode);
		if (strcmp(q->vg, pv->vg) != 0)
			LP_FAIL(VDS_R_INVALID_PARAM, "disk %s is not in pack %s", o->devnode,
			        pv->vg);
		if ((r = lp_usable(conf, o, why, len)) != VDS_R_OK)
			return r;
		snprintf(pl->cr.pvs[pl->cr.npvs++], LVM_DEV_LEN, "%s", q->name);
		room += q->free;
	}
	if (!pl->cr.npvs)
		LP_FAIL(VDS_R_INVALID_PARAM, "disk %s is the only disk of pack %s", d->devnode,
		        pv->vg);
	if (room < pl->size)
		LP_FAIL(VDS_R_NO_SPACE, "%llu MiB to move off %s, %llu MiB free on the other disks",
		        (unsigned long long)(pl->size >> 20), d->devnode,
		        (unsigned long long)(room >> 20));
	return VDS_R_OK;
}

static enum vds_result
lp_check_recover(const struct lvm_scan *s, const struct job_params *p, struct lvm_plan *pl,
                 char *why, size_t len)
{
	const struct inv_pack *pk = p->pack ? inv_get(INV_PACK, p->pack) : NULL;

	if (!pk || sscanf(pk->key, "lvm:%63s", pl->vg) != 1 || !lvm_name_ok(pl->vg))
		LP_FAIL(VDS_R_NOT_FOUND, "no lvm pack with index %u", p->pack);
	if (!lvm_scan_vg(s, pl->vg))
		LP_FAIL(VDS_R_NOT_FOUND, "volume group %s is gone", pl->vg);
	pl->allow_data_loss = p->allow_data_loss;
	return VDS_R_OK;
}

/*
 * clean of a disk in a volume group: only one that holds no extent of a
 * volume (move them off first: replaceDisk, or delete the volumes), whose
 * pack is whole, allowed and not the system's.
 */
static enum vds_result
lp_check_clean(const struct lvm_scan *s, const struct vds_conf *conf, const struct job_params *p,
               struct lvm_plan *pl, char *why, size_t len)
{
	const struct inv_disk *d;
	const struct lvm_pv *pv;
	enum vds_result r;

	if ((r = lp_pack_disk(s, conf, p->disk, pl, &d, &pv, why, len)) != VDS_R_OK)
		return r;
	if (pv->size > pv->free)
		LP_FAIL(VDS_R_NOT_EMPTY,
		        "%s holds %llu MiB of volumes of pack %s: move them off (replaceDisk) or "
		        "delete them first",
		        d->devnode, (unsigned long long)((pv->size - pv->free) >> 20), pv->vg);
	pl->size = d->size;
	pl->full_clean = p->full_clean;
	pl->remove_vg = 1;
	for (size_t i = 0; i < s->npvs; i++) {
		if (strcmp(s->pvs[i].vg, pv->vg) != 0 || &s->pvs[i] == pv)
			continue;
		if (lp_missing(s->pvs[i].name))
			LP_FAIL(VDS_R_INVALID_PARAM,
			        "pack %s has a missing disk: run recoverPack first", pv->vg);
		pl->remove_vg = 0;
	}
	return VDS_R_OK;
}

enum vds_result
lvm_pack_check(const struct lvm_scan *s, const struct vds_conf *conf, const struct job_params *p,
               struct lvm_plan *pl, char *why, size_t len)
{
	if (p->type == JOB_REPLACE_DISK)
		return lp_check_replace(s, conf, p, pl, why, len);
	if (p->type == JOB_CLEAN)
		return lp_check_clean(s, conf, p, pl, why, len);
	return lp_check_recover(s, p, pl, why, len);
}

/* ------------------------------------------------------------- running */

static enum vds_result
lp_run(struct lvm_cmd *c, int built, char *msg, size_t len)
{
	struct lvm_output o;
	enum vds_result r = VDS_R_OK;

	if (built < 0 || c->overflow) {
		snprintf(msg, len, "refusing to build a command from unchecked names");
		return VDS_R_INVALID_PARAM;
	}
	if (lvm_cmd_run(c, &o) < 0)
		r = lvm_cmd_failed(c, &o, 0, msg, len);
	lvm_output_free(&o);
	return r;
}

struct lp_bg {
	struct lvm_cmd c;
	struct lvm_output o;
	int rc, done; /* done: read and written with __atomic */
};

static void *
lp_bg_main(void *arg)
{
	struct lp_bg *bg = arg;

	bg->rc = lvm_cmd_run(&bg->c, &bg->o);
	__atomic_store_n(&bg->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The copy of the pvmove volume, x 100; -1 when unknown. */
static int
lp_copied(const char *vg)
{
	struct lvm_output o;
	struct lvm_cmd c;
	int sync = -1;

	if (lvm_cmd_sync(&c, vg, "pvmove0") == 0 && lvm_cmd_run(&c, &o) == 0 &&
	    lvm_json_sync(o.out, &sync) < 0)
		sync = -1;
	lvm_output_free(&o);
	return sync;
}

/*
 * pvmove --atomic PV [DEST...] through the command runner on a thread of
 * its own (killed on a cancel, no time limit), while this one reports the
 * copy of its pvmove volume as the job's 5..94 %: pvmove's own "Moved:"
 * lines are buffered when its output is a pipe.  0, or -1 when it failed
 * (bg->o says how).
 */
static int
lp_pvmove(struct lvm_plan *pl, struct prov_job *j, struct lp_bg *bg)
{
	char details[64];
	pthread_t t;

	lvm_cmd_init(&bg->c, lvm_tool("lvm"));
	lvm_cmd_add(&bg->c, "pvmove");
	lvm_cmd_add(&bg->c, "--config");
	lvm_cmd_add(&bg->c, "%s", LP_CONFIG);
	lvm_cmd_add(&bg->c, "--atomic");
	lvm_cmd_add(&bg->c, "%s", pl->pv);
	for (unsigned i = 0; i < pl->cr.npvs; i++)
		lvm_cmd_add(&bg->c, "%s", pl->cr.pvs[i]);
	bg->c.timeout_ms = 0; /* as long as the copy takes */
	bg->c.j = j;
	bg->o.status = -1;
	if (bg->c.overflow) {
		snprintf(bg->o.err, sizeof(bg->o.err), "command line too long");
		return -1;
	}
	if (pthread_create(&t, NULL, lp_bg_main, bg) != 0) {
		snprintf(bg->o.err, sizeof(bg->o.err), "cannot start a thread for pvmove");
		return -1;
	}
	while (!__atomic_load_n(&bg->done, __ATOMIC_ACQUIRE)) {
		int sync = lp_copied(pl->vg);

		if (sync >= 0 && sync <= 10000) {
			snprintf(details, sizeof(details), "moving extents: %d.%02d%%", sync / 100,
			         sync % 100);
			prov_job_progress(j, 5 + (unsigned)sync * 89 / 10000, details);
		}
		prov_job_sleep(j, LP_POLL_MS);
	}
	pthread_join(t, NULL);
	return bg->rc;
}

/* The pvmove left in the volume group, if any: abort it (--atomic: all goes back). */
static enum vds_result
lp_abort(struct lvm_plan *pl, char *why, size_t len)
{
	struct lvm_cmd c;

	lvm_cmd_change(&c, "pvmove");
	lvm_cmd_add(&c, "--abort");
	return lp_run(&c, lvm_cmd_add(&c, "%s", pl->pv), why, len);
}

static enum vds_result
lp_replace(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lp_bg *bg = calloc(1, sizeof(*bg));
	struct lvm_cmd c;
	char why[200], tail[200];
	enum vds_result r;

	prov_job_progress(j, 1, "checking free space");
	if (prov_job_cancelled(j)) {
		free(bg);
		snprintf(msg, len, "cancelled before any change");
		return VDS_R_CANCELLED;
	}
	if (!bg)
		return VDS_R_NO_MEMORY;
	if (pl->size) {
		prov_job_progress(j, 5, "moving extents");
		if (lp_pvmove(pl, j, bg) < 0) {
			/* cancelled: the tool was killed for it; else its own failure */
			r = lvm_cmd_failed(&bg->c, &bg->o, 0, tail, sizeof(tail));
			lvm_output_free(&bg->o);
			if (lp_abort(pl, why, sizeof(why)) == VDS_R_OK)
				snprintf(msg, len,
				         "%s: pvmove --abort put every extent back on %s, which "
				         "stays in pack %s",
				         r == VDS_R_CANCELLED ? "cancelled while moving extents"
				                              : tail,
				         pl->pv, pl->vg);
			else
				snprintf(msg, len,
				         "%s; pvmove --abort failed too (%s): the move is left in "
				         "pack %s, run pvmove to finish it or pvmove --abort",
				         tail, why, pl->vg);
			log_warnx("lvm", "replaceDisk %s: %s", pl->pv, msg);
			free(bg);
			return r;
		}
		lvm_output_free(&bg->o);
	}
	free(bg);
	if (prov_job_no_return(j)) {
		snprintf(msg, len, "cancelled after the move: %s is empty, still in pack %s",
		         pl->pv, pl->vg);
		return VDS_R_CANCELLED;
	}
	prov_job_progress(j, 95, "removing disk from pack");
	lvm_cmd_change(&c, "vgreduce");
	lvm_cmd_add(&c, "%s", pl->vg);
	return lp_run(&c, lvm_cmd_add(&c, "%s", pl->pv), msg, len);
}

/* Wait for the resync of a repaired mirror: the job's 20..89 %. */
static void
lp_wait_sync(const char *vg, const char *lv, struct prov_job *j)
{
	char details[96];
	struct lvm_output o;
	struct lvm_cmd c;
	int sync = 0;

	for (;;) {
		int rc = -1;

		if (lvm_cmd_sync(&c, vg, lv) == 0 && lvm_cmd_run(&c, &o) == 0)
			rc = lvm_json_sync(o.out, &sync);
		lvm_output_free(&o);
		if (rc < 0 || sync < 0 || sync >= 10000 || prov_job_stopping())
			return;
		snprintf(details, sizeof(details), "rebuilding %s/%s: %d.%02d%%", vg, lv,
		         sync / 100, sync % 100);
		prov_job_progress(j, 20 + (unsigned)sync * 69 / 10000, details);
		prov_job_sleep(j, LP_POLL_MS);
	}
}

/*
 * How many of its n images a raid volume can lose and still hold all its
 * data (and so be rebuilt by lvconvert --repair): a mirror all but one,
 * raid4/5 one, raid6 two, raid10 one (any one: two may share a stripe);
 * 0 for raid0 and for volumes without images.
 */
static size_t
lp_spare(const struct lvm_lv *lv, size_t n)
{
	if (lvm_lv_type(lv) == INV_VT_MIRROR)
		return n ? n - 1 : 0;
	if (!strncmp(lv->segtype, "raid6", 5))
		return 2;
	if (!strncmp(lv->segtype, "raid4", 5) || !strncmp(lv->segtype, "raid5", 5) ||
	    !strcmp(lv->segtype, "raid10"))
		return 1;
	return 0;
}

/* Into rep/lost: the volumes to rebuild and the ones with no complete copy. */
static int
lp_classify(const struct lvm_scan *s, struct lvm_plan *pl, char (*rep)[LVM_NAME_LEN + 2],
            size_t *nrep)
{
	size_t nmissing = 0, used = 0;

	for (size_t i = 0; i < s->npvs; i++)
		nmissing += !strcmp(s->pvs[i].vg, pl->vg) && lp_missing(s->pvs[i].name);
	*nrep = 0;
	for (size_t i = 0; i < s->nlvs; i++) {
		const struct lvm_lv *lv = &s->lvs[i], *img[LVM_RUN_LEGS];
		size_t n, ok = 0;

		if (strcmp(lv->vg, pl->vg) != 0 || !lvm_lv_visible(lv))
			continue;
		/* a raid volume by its images (a parity one's own devices are its images) */
		if (!(n = lvm_lv_images(s, lv, img, LVM_RUN_LEGS))) {
			img[0] = lv;
			n = 1;
		}
		for (size_t k = 0; k < n; k++)
			ok += img[k] && !lp_missing(img[k]->devices);
		if (ok == n) {
			pl->recovered++;
			continue;
		}
		if (ok && n - ok <= lp_spare(lv, n) && *nrep < LP_MAX_LVS) {
			snprintf(rep[(*nrep)++], LVM_NAME_LEN + 2, "%s", lv->name);
			continue;
		}
		pl->lost++;
		used += (size_t)snprintf(pl->lostnames + used,
		                         used < sizeof(pl->lostnames) ? sizeof(pl->lostnames) - used
		                                                      : 0,
		                         "%s%s/%s", used ? ", " : "", pl->vg, lv->name);
	}
	return (int)nmissing;
}

static enum vds_result
lp_recover(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	char(*rep)[LVM_NAME_LEN + 2] = calloc(LP_MAX_LVS, sizeof(*rep));
	struct lvm_scan s;
	struct lvm_cmd c;
	size_t nrep = 0;
	enum vds_result r;
	int nmissing;

	prov_job_progress(j, 1, "checking volumes");
	if (!rep)
		return VDS_R_NO_MEMORY;
	if ((r = lvm_scan_load(&s, msg, len)) != VDS_R_OK)
		goto out;
	nmissing = lp_classify(&s, pl, rep, &nrep);
	lvm_scan_free(&s);
	r = VDS_R_INVALID_PARAM;
	if (!nmissing) {
		snprintf(msg, len, "pack %s has no missing disk: nothing to recover", pl->vg);
		goto out;
	}
	r = VDS_R_CANCELLED;
	if (prov_job_cancelled(j) || prov_job_no_return(j)) {
		snprintf(msg, len, "cancelled before any change");
		goto out;
	}
	for (size_t i = 0; i < nrep; i++) {
		char what[200];

		snprintf(what, sizeof(what), "rebuilding %s/%s", pl->vg, rep[i]);
		prov_job_progress(j, 10, what);
		lvm_cmd_change(&c, "lvconvert");
		lvm_cmd_add(&c, "-y");
		lvm_cmd_add(&c, "--repair");
		if ((r = lp_run(&c, lvm_cmd_add(&c, "%s/%s", pl->vg, rep[i]), msg, len)) !=
		    VDS_R_OK) {
			snprintf(what, sizeof(what), "%s", msg);
			snprintf(msg, len, "cannot rebuild %s/%s (%s): no disk left the pack",
			         pl->vg, rep[i], what);
			goto out;
		}
		lp_wait_sync(pl->vg, rep[i], j);
		pl->recovered++;
	}
	r = VDS_R_OK;
	if (pl->lost && !pl->allow_data_loss)
		goto out; /* every missing disk stays: the lost volumes still name them */
	prov_job_progress(j, 90, "removing lost disks");
	lvm_cmd_change(&c, "vgreduce");
	lvm_cmd_add(&c, "--removemissing");
	if (pl->lost)
		lvm_cmd_add(&c, "--force");
	r = lp_run(&c, lvm_cmd_add(&c, "%s", pl->vg), msg, len);
out:
	free(rep);
	return r;
}

/* The disk, out of LVM, opened exclusively: signatures erased, zeroed with FullClean. */
static enum vds_result
lp_wipe(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	int fd = open(pl->pv, O_RDWR | O_EXCL | O_CLOEXEC);
	enum vds_result r;

	if (fd < 0) {
		snprintf(msg, len, "%s left pack %s but cannot be opened to wipe it: %m", pl->pv,
		         pl->vg);
		return errno == EBUSY ? VDS_R_IN_USE : VDS_R_IO_ERROR;
	}
	prov_job_progress(j, 30, "wiping signatures");
	r = fsu_clean(fd, pl->pv, pl->size, pl->full_clean, j, 35, 95, NULL, msg, len);
	/* partitions a table the wipe erased described: the kernel drops them */
	if (r == VDS_R_OK && ioctl(fd, BLKRRPART) < 0 && errno != EINVAL && errno != ENOTTY)
		log_warnx("lvm", "%s: the kernel keeps its old partitions: %m", pl->pv);
	close(fd);
	return r;
}

/*
 * clean: the disk still empty (a fresh scan), then past the point of no
 * return out of its volume group (vgreduce, or vgremove of the group it
 * was the last disk of), pvremove, and wiped like any disk (lp_wipe).
 */
static enum vds_result
lp_clean(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_scan s;
	const struct lvm_pv *pv;
	struct lvm_cmd c;
	enum vds_result r;

	prov_job_progress(j, 2, "checking disk");
	if ((r = lvm_scan_load(&s, msg, len)) != VDS_R_OK)
		return r;
	pv = lvm_scan_pv(&s, pl->pv);
	if (!pv || strcmp(pv->vg, pl->vg) != 0 || pv->size > pv->free) {
		snprintf(msg, len, "%s changed since the job was checked: %s", pl->pv,
		         !pv                      ? "no longer a physical volume"
		         : strcmp(pv->vg, pl->vg) ? "in another pack"
		                                  : "it holds extents of a volume now");
		r = VDS_R_BUSY;
	}
	lvm_scan_free(&s);
	if (r != VDS_R_OK)
		return r;
	if (prov_job_cancelled(j) || prov_job_no_return(j)) {
		snprintf(msg, len, "cancelled before any change");
		return VDS_R_CANCELLED;
	}
	prov_job_progress(j, 10, "removing disk from pack");
	if (pl->remove_vg) {
		lvm_cmd_change(&c, "vgremove");
		r = lp_run(&c, lvm_cmd_add(&c, "%s", pl->vg), msg, len);
	} else {
		lvm_cmd_change(&c, "vgreduce");
		lvm_cmd_add(&c, "%s", pl->vg);
		r = lp_run(&c, lvm_cmd_add(&c, "%s", pl->pv), msg, len);
	}
	if (r != VDS_R_OK)
		return r;
	prov_job_progress(j, 20, "removing physical volume");
	lvm_cmd_change(&c, "pvremove");
	if ((r = lp_run(&c, lvm_cmd_add(&c, "%s", pl->pv), msg, len)) != VDS_R_OK)
		return r;
	return lp_wipe(pl, j, msg, len);
}

enum vds_result
lvm_pack_run(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	if (pl->type == JOB_REPLACE_DISK)
		return lp_replace(pl, j, msg, len);
	if (pl->type == JOB_CLEAN)
		return lp_clean(pl, j, msg, len);
	return lp_recover(pl, j, msg, len);
}

void
lvm_pack_outputs(const struct lvm_plan *pl, struct job_outputs *out)
{
	if (pl->type != JOB_RECOVER_PACK)
		return;
	out->recovered = pl->recovered;
	out->lost = pl->lost;
	if (pl->lost)
		snprintf(out->details, sizeof(out->details), "%s: %s",
		         pl->allow_data_loss ? "lost and removed"
		                             : "lost, kept with the missing disks",
		         pl->lostnames);
}
