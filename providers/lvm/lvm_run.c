/* SPDX-License-Identifier: ISC */
/*
 * lvm_run.c - the worker half of lvm jobs: lvcreate (with the initial sync
 * of a mirror as progress), lvremove, shrink (e2fsck, resize2fs, lvreduce),
 * extend (lvextend, then e2fsck when offline and resize2fs), format (mkfs), lvconvert
 * --splitmirrors and the plex lvconverts (add, remove, --repair, with the
 * resync as progress); lvm_fix.c recovers from a failed change.  Only the plan
 * and the job handle are used.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsmount.h"
#include "fsspec.h"
#include "fsutil.h"
#include "log.h"
#include "lvm_dm.h"
#include "lvm_fix.h"
#include "lvm_pack.h"
#include "lvm_run.h"

#define LR_POLL_MS 500

/* Run a built command; VDS_R_OK or the mapped failure (fs: resize2fs rules). */
static enum vds_result
lr_run(struct lvm_cmd *c, int built, int fs, char *msg, size_t len)
{
	struct lvm_output o;
	enum vds_result r = VDS_R_OK;

	if (built < 0) {
		snprintf(msg, len, "refusing to build a command from unchecked names");
		return VDS_R_INVALID_PARAM;
	}
	log_debug("lvm", "running %s %s", c->argv[0], c->argc > 1 ? c->argv[1] : "");
	if (lvm_cmd_run(c, &o) < 0)
		r = lvm_cmd_failed(c, &o, fs, msg, len);
	lvm_output_free(&o);
	return r;
}

/* Past this point a cancel is answered "too late". */
static enum vds_result
lr_point_of_no_return(struct prov_job *j, char *msg, size_t len)
{
	if (prov_job_cancelled(j) || prov_job_no_return(j)) {
		snprintf(msg, len, "cancelled before any change");
		return VDS_R_CANCELLED;
	}
	return VDS_R_OK;
}

static int
lr_sync(const struct lvm_plan *pl, int *sync)
{
	struct lvm_output o;
	struct lvm_cmd c;
	int rc = -1;

	if (lvm_cmd_sync(&c, pl->vg, pl->cr.name) == 0 && lvm_cmd_run(&c, &o) == 0)
		rc = lvm_json_sync(o.out, sync);
	lvm_output_free(&o);
	return rc;
}

/* The initial sync of a new mirror is the job's progress (10..99). */
static void
lr_wait_sync(const struct lvm_plan *pl, struct prov_job *j)
{
	char details[64];
	int sync = 0;

	while (lr_sync(pl, &sync) == 0 && sync >= 0 && sync < 10000) {
		snprintf(details, sizeof(details), "synchronising plexes: %d.%02d%%", sync / 100,
		         sync % 100);
		prov_job_progress(j, 10 + (unsigned)sync * 89 / 10000, details);
		prov_job_sleep(j, LR_POLL_MS);
	}
}

/* Each plex's disk of the new mirror, while LVM still knows them. */
static void
lr_note_legs(struct lvm_plan *pl)
{
	const struct lvm_lv *lv, *px[LVM_RUN_LEGS];
	struct lvm_scan s;
	size_t n;

	if (lvm_vg_lvs(pl->vg, &s) < 0)
		return;
	if ((lv = lvm_scan_lv(&s, pl->vg, pl->cr.name))) {
		n = lvm_lv_plexes(&s, lv, px, LVM_RUN_LEGS);
		for (size_t i = 0; i < n; i++)
			if (px[i])
				lvm_devices_nth(px[i]->devices, 0, pl->legs[i],
				                sizeof(pl->legs[i]));
	}
	lvm_scan_free(&s);
}

/* Is plex i (0-based) of lv failed: LVM lost its disk, or dm-raid marks it dead? */
static int
lr_leg_failed(const struct lvm_lv *img, const char *dm, size_t i)
{
	return lvm_lv_image_failed(img) || (i < strlen(dm) && dm[i] == 'D');
}

/* The failed plexes as "plex 1 (/dev/x)" into out; their count. */
static unsigned
lr_failed_legs(const struct lvm_plan *pl, const struct lvm_scan *s, const struct lvm_lv *lv,
               const char *dm, char *out, size_t len)
{
	const struct lvm_lv *px[LVM_RUN_LEGS];
	size_t n = lvm_lv_plexes(s, lv, px, LVM_RUN_LEGS), used = 0;
	unsigned failed = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && i < LVM_RUN_LEGS; i++) {
		if (!lr_leg_failed(px[i], dm, i))
			continue;
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%splex %zu (%s)",
		                         failed ? ", " : "", i + 1,
		                         pl->legs[i][0] ? pl->legs[i] : "unknown disk");
		failed++;
		if (used >= len)
			break;
	}
	return failed;
}

/*
 * md ends a resync when a leg fails, so "100 %" does not mean in sync: the
 * mirror is healthy only when LVM and dm-raid both say every leg is.  A
 * degraded mirror stays (the model shows it degraded, for repair) and the
 * job fails VDS_R_IO_ERROR: a leg md failed is one that returned I/O
 * errors; whether its disk is gone or only failing is not known here.
 */
static enum vds_result
lr_check_mirror(const struct lvm_plan *pl, char *msg, size_t len)
{
	char dm[LVM_RUN_LEGS + 8], legs[300];
	const struct lvm_lv *lv;
	struct lvm_scan s;
	enum vds_result r = VDS_R_OK;
	unsigned failed;

	if (lvm_vg_lvs(pl->vg, &s) < 0) {
		snprintf(msg, len, "cannot read the state of the new mirror %s/%s", pl->vg,
		         pl->cr.name);
		return VDS_R_IO_ERROR;
	}
	if (!(lv = lvm_scan_lv(&s, pl->vg, pl->cr.name))) {
		snprintf(msg, len, "the new mirror %s/%s is gone", pl->vg, pl->cr.name);
		r = VDS_R_DEVICE_GONE;
		goto out;
	}
	lvm_lv_dm_health(lv, dm, sizeof(dm));
	failed = lr_failed_legs(pl, &s, lv, dm, legs, sizeof(legs));
	if (failed || lv->health[0] || strspn(dm, "A") != strlen(dm)) {
		snprintf(msg, len,
		         "mirror %s/%s is degraded after its initial sync: %s%s (dm-raid %s, lvs "
		         "health %s); it is kept for repair",
		         pl->vg, pl->cr.name, failed ? legs : "a plex",
		         failed ? " failed" : " is not in sync", dm[0] ? dm : "unknown",
		         lv->health[0] ? lv->health : "ok");
		r = VDS_R_IO_ERROR;
	}
out:
	lvm_scan_free(&s);
	return r;
}

static enum vds_result
lr_create(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;
	char why[256];

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	if (pl->new_vg) {
		prov_job_progress(j, 1, "creating volume group");
		r = lr_run(&c, lvm_cmd_vgcreate(&c, pl->cr.vg, pl->cr.pvs, pl->cr.npvs), 0, msg,
		           len);
		if (r != VDS_R_OK)
			return r;
	}
	prov_job_progress(j, 1, "creating volume");
	if ((r = lr_run(&c, lvm_cmd_lvcreate(&c, &pl->cr), 0, msg, len)) != VDS_R_OK) {
		/* the volume group made for it holds nothing: no empty pack is left behind */
		if (pl->new_vg &&
		    lr_run(&c, lvm_cmd_vgremove(&c, pl->cr.vg), 0, why, sizeof(why)) != VDS_R_OK)
			log_warnx("lvm", "cannot remove the new volume group %s: %s", pl->cr.vg,
			          why);
		return lvm_recover(pl, pl->cr.name, r, msg, len);
	}
	if (!pl->mirror)
		return VDS_R_OK;
	lr_note_legs(pl);
	lr_wait_sync(pl, j);
	return lr_check_mirror(pl, msg, len);
}

static enum vds_result
lr_delete(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 10, "removing volume");
	r = lr_run(&c, lvm_cmd_lvremove(&c, pl->vg, pl->lv), 0, msg, len);
	return lvm_recover(pl, pl->lv, r, msg, len);
}

/* The file system type on dev ("" for none); -1 when blkid failed. */
static int
lr_fstype(const char *dev, char *type, size_t len)
{
	struct lvm_output o;
	struct lvm_cmd c;
	int rc = -1;

	type[0] = '\0';
	if (lvm_cmd_blkid(&c, dev) < 0)
		return -1;
	if (lvm_cmd_run(&c, &o) == 0 && o.out) {
		snprintf(type, len, "%.*s", (int)strcspn(o.out, "\n"), o.out);
		rc = 0;
	} else if (o.status == 2) { /* blkid -p: nothing found */
		rc = 0;
	}
	lvm_output_free(&o);
	return rc;
}

/*
 * Refuse to shrink or format an open volume (lvreduce would shrink it),
 * asked of device-mapper itself: an lvm scan of every disk would take
 * longer than the change.
 */
static enum vds_result
lr_check_closed(struct lvm_plan *pl, char *msg, size_t len)
{
	uint64_t size;
	int open;

	if (lvm_dm_usage(pl->dev, &open, &size) < 0) {
		if (errno == ENOENT || errno == ENXIO) {
			snprintf(msg, len, "volume %s/%s is gone", pl->vg, pl->lv);
			return VDS_R_DEVICE_GONE;
		}
		snprintf(msg, len, "cannot ask device-mapper about %s: %s", pl->dev,
		         strerror(errno));
		return VDS_R_TOOL_FAILED;
	}
	if (open) {
		snprintf(msg, len, "volume %s/%s is open (mounted or in use)", pl->vg, pl->lv);
		return VDS_R_IN_USE;
	}
	if (size != pl->size) {
		snprintf(msg, len, "volume %s/%s changed size", pl->vg, pl->lv);
		return VDS_R_BUSY;
	}
	return VDS_R_OK;
}

/*
 * The volume's file system into fs ("" for none): VDS_R_OK when this job
 * can resize it (a shrink: ext2/3/4, offline; an extend: what fsspec says
 * grows, ext2/3/4 by resize2fs, xfs and btrfs mounted), else the failure
 * (no_fs: the code for another file system).
 */
static enum vds_result
lr_ext_fs(struct lvm_plan *pl, char *fs, size_t fslen, enum vds_result no_fs, char *msg, size_t len)
{
	const struct fsspec *spec;
	int shrink = pl->type == JOB_SHRINK_VOLUME;

	if (lr_fstype(pl->dev, fs, fslen) < 0) {
		snprintf(msg, len, "cannot identify the file system on %s", pl->dev);
		return VDS_R_TOOL_FAILED;
	}
	spec = fsspec_find(fs);
	if (fs[0] && !(spec && (shrink ? spec->shrinks == 1 : spec->grows))) {
		snprintf(msg, len, "a %s file system cannot %s here", fs,
		         shrink ? "shrink" : "grow");
		return no_fs;
	}
	return VDS_R_OK;
}

/* e2fsck -f -p (1: errors it corrected is fine); killable: a cancel stops it. */
static enum vds_result
lr_fsck(struct lvm_plan *pl, struct prov_job *j, int killable, char *msg, size_t len)
{
	struct lvm_output o;
	struct lvm_cmd c;
	enum vds_result r = VDS_R_OK;

	prov_job_progress(j, 10, "checking file system");
	if (lvm_cmd_e2fsck(&c, pl->dev) < 0) {
		snprintf(msg, len, "refusing to build a command from unchecked names");
		return VDS_R_INVALID_PARAM;
	}
	c.j = killable ? j : NULL;
	if (lvm_cmd_run(&c, &o) < 0 && !(o.status == 1 && !o.exec_errno))
		r = lvm_cmd_failed(&c, &o, 1, msg, len);
	lvm_output_free(&o);
	return r == VDS_R_TOOL_FAILED ? VDS_R_IO_ERROR : r;
}

static enum vds_result
lr_shrink_fs(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	char fs[32];
	enum vds_result r;

	if ((r = lr_ext_fs(pl, fs, sizeof(fs), VDS_R_FS_NO_SHRINK, msg, len)) != VDS_R_OK)
		return r;
	if (!fs[0])
		return lr_point_of_no_return(j, msg, len);
	if ((r = lr_fsck(pl, j, 1, msg, len)) != VDS_R_OK ||
	    (r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 40, "shrinking file system");
	return lr_run(&c, lvm_cmd_resize2fs(&c, pl->dev, pl->new_size), 1, msg, len);
}

static enum vds_result
lr_shrink(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;

	prov_job_progress(j, 1, "checking volume");
	if ((r = lr_check_closed(pl, msg, len)) != VDS_R_OK)
		return r;
	if ((r = lr_shrink_fs(pl, j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 80, "shrinking volume");
	r = lr_run(&c, lvm_cmd_lvreduce(&c, pl->vg, pl->lv, pl->new_size), 0, msg, len);
	return lvm_recover(pl, pl->lv, r, msg, len);
}

/*
 * format: the volume closed and its size unchanged, no file system on it
 * unless Force, then past the point of no return signatures erased, mkfs
 * and the new file system read back (fsu_format).  mkfs opens the volume
 * itself and refuses one mounted meanwhile.
 */
static enum vds_result
lr_format(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	const struct fsspec *spec = fsspec_find(pl->fs_type);
	char fs[32];
	enum vds_result r;

	prov_job_progress(j, 1, "checking volume");
	if (!spec) {
		snprintf(msg, len, "unknown file system %s", pl->fs_type);
		return VDS_R_INVALID_PARAM;
	}
	if ((r = lr_check_closed(pl, msg, len)) != VDS_R_OK)
		return r;
	if (lr_fstype(pl->dev, fs, sizeof(fs)) < 0) {
		snprintf(msg, len, "cannot identify the file system on %s", pl->dev);
		return VDS_R_TOOL_FAILED;
	}
	if (fs[0] && !pl->force) {
		snprintf(msg, len, "%s holds a %s file system: set vdsJobParamForce", pl->dev, fs);
		return VDS_R_EXISTS;
	}
	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	return fsu_format(pl->dev, spec, pl->label, pl->alloc_unit, j, msg, len);
}

/*
 * lvextend, then the file system grows to the new size: ext2/3/4 by
 * resize2fs (online when mounted, else after e2fsck), xfs and btrfs at
 * their mount point or on a private mount (agent/fsmount.c).
 */
static enum vds_result
lr_extend(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	const struct fsspec *spec;
	struct lvm_cmd c;
	char fs[32];
	int open;
	enum vds_result r;

	prov_job_progress(j, 1, "checking volume");
	if ((r = lr_ext_fs(pl, fs, sizeof(fs), VDS_R_NOT_SUPPORTED, msg, len)) != VDS_R_OK ||
	    (r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 20, "extending volume");
	r = lr_run(&c, lvm_cmd_lvextend(&c, pl->vg, pl->lv, pl->new_size), 0, msg, len);
	if (r != VDS_R_OK)
		return lvm_recover(pl, pl->lv, r, msg, len);
	if (!fs[0])
		return VDS_R_OK;
	if ((spec = fsspec_find(fs)) && spec->grows == 2) {
		r = fsm_grow(spec, pl->dev, j, 60, 95, msg, len);
	} else {
		if (lvm_dm_usage(pl->dev, &open, NULL) < 0)
			open = 0; /* unknown: checked as offline (e2fsck refuses a mounted one) */
		/* offline, resize2fs wants a checked file system; mounted, it grows online */
		if (!open && (r = lr_fsck(pl, j, 0, msg, len)) != VDS_R_OK)
			return r;
		prov_job_progress(j, 60, "extending file system");
		r = lr_run(&c, lvm_cmd_resize2fs(&c, pl->dev, 0), 1, msg, len);
	}
	if (r != VDS_R_OK) {
		char why[200];

		snprintf(why, sizeof(why), "%s", msg);
		snprintf(msg, len, "the volume grew, its file system did not: %s", why);
	}
	return r;
}

static enum vds_result
lr_break(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 10, "splitting plex");
	r = lr_run(&c, lvm_cmd_split(&c, pl->vg, pl->lv, pl->newname, pl->pv[0] ? pl->pv : NULL), 0,
	           msg, len);
	return lvm_recover(pl, pl->lv, r, msg, len);
}

/*
 * addVolumePlex, removeVolumePlex, repairVolumePlex: one lvconvert; a new or
 * rebuilt leg then syncs (the progress) and must come out in sync.
 */
static enum vds_result
lr_plex(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	static const char *const what[] = {"adding plex", "removing plex", "repairing plex"};
	enum lvm_convert how = pl->type == JOB_ADD_PLEX      ? LVM_CONVERT_ADD
	                       : pl->type == JOB_REMOVE_PLEX ? LVM_CONVERT_REMOVE
	                                                     : LVM_CONVERT_REPAIR;
	char one[1][LVM_DEV_LEN];
	struct lvm_cmd c;
	enum vds_result r;
	int built;

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 5, what[how]);
	if (how == LVM_CONVERT_REMOVE) {
		snprintf(one[0], sizeof(one[0]), "%s", pl->pv);
		built = lvm_cmd_convert(&c, how, pl->vg, pl->lv, pl->cr.mirrors, one, 1);
	} else {
		built = lvm_cmd_convert(&c, how, pl->vg, pl->lv, pl->cr.mirrors, pl->cr.pvs,
		                        pl->cr.npvs);
	}
	if ((r = lr_run(&c, built, 0, msg, len)) != VDS_R_OK)
		return lvm_recover(pl, pl->lv, r, msg, len);
	if (!pl->mirror)
		return VDS_R_OK;
	lr_note_legs(pl);
	lr_wait_sync(pl, j);
	return lr_check_mirror(pl, msg, len);
}

enum vds_result
lvm_run_job(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	enum vds_result r;
	char why[200];

	switch (pl->type) {
	case JOB_CREATE_VOLUME:
		r = lr_create(pl, j, msg, len);
		break;
	case JOB_DELETE_VOLUME:
		r = lr_delete(pl, j, msg, len);
		break;
	case JOB_FORMAT:
		r = lr_format(pl, j, msg, len);
		break;
	case JOB_SHRINK_VOLUME:
		r = lr_shrink(pl, j, msg, len);
		break;
	case JOB_BREAK_PLEX:
		r = lr_break(pl, j, msg, len);
		break;
	case JOB_EXTEND_VOLUME:
		r = lr_extend(pl, j, msg, len);
		break;
	case JOB_REPLACE_DISK:
	case JOB_RECOVER_PACK:
	case JOB_CLEAN:
		r = lvm_pack_run(pl, j, msg, len);
		break;
	case JOB_ADD_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		r = lr_plex(pl, j, msg, len);
		break;
	default:
		snprintf(msg, len, "the lvm provider does not run this job type");
		return VDS_R_NOT_SUPPORTED;
	}
	if (pl->type == JOB_FORMAT) {
		/* no LVM metadata changed: only the volume's file system, read here */
		fsu_read_fs(pl->dev, pl->fs_after.type, pl->fs_after.label, pl->fs_after.uuid);
		pl->fs_after.read = 1;
		return r;
	}
	prov_job_progress(j, 99, "reading the volume groups");
	pl->have_after = lvm_scan_load(&pl->after, why, sizeof(why)) == VDS_R_OK;
	if (!pl->have_after)
		log_warnx("lvm", "cannot read the volume groups after the job: %s", why);
	return r;
}
