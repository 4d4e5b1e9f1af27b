/*
 * lvm_run.c - the worker half of lvm jobs: lvcreate (with the initial sync
 * of a mirror as progress), lvremove, shrink (e2fsck, resize2fs, lvreduce)
 * and lvconvert --splitmirrors.  Only the plan and the job handle are used.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "lvm_run.h"

#define LR_POLL_MS 500
#define LR_MAX_DM  64

/* What a failed command left and what recovery did about it. */
enum lr_state { LR_NONE, LR_UNKNOWN, LR_UNCHANGED, LR_SPLIT, LR_HALF };

struct lr_fix {
	unsigned resumed, stuck, removed, nleft;
	int restored, vgck_failed, reloaded, mismatch;
	char archive[LVM_DEV_LEN];
	char left[160]; /* leftover pieces of a half-done split */
};

static int lr_lvs(const char *vg, struct lvm_scan *s);
static int lr_dm_health(const struct lvm_lv *lv, char *chars, size_t len);

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
		r = fs ? lvm_cmd_fs_result(&o, msg, len) : lvm_cmd_result(&o, msg, len);
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

/* ------------------------------------------------------------ recovery */

/* Run a helper command whose output does not matter; 0 when it succeeded. */
static int
lr_tool(struct lvm_cmd *c, int built)
{
	struct lvm_output o;
	int rc;

	if (built < 0)
		return -1;
	rc = lvm_cmd_run(c, &o);
	lvm_output_free(&o);
	return rc;
}

/* vg's device-mapper devices. */
static size_t
lr_dm(const char *vg, struct lvm_dm *dm, size_t max)
{
	struct lvm_output o;
	struct lvm_cmd c;
	size_t n = 0;

	if (lvm_cmd_dminfo(&c) == 0 && lvm_cmd_run(&c, &o) == 0 && o.out)
		n = lvm_dm_list(o.out, vg, dm, max);
	lvm_output_free(&o);
	return n;
}

/* Resume vg's suspended devices (a suspended device hangs its I/O). */
static void
lr_resume(struct lr_fix *fx, const char *vg)
{
	struct lvm_dm dm[LR_MAX_DM];
	struct lvm_cmd c;
	size_t n = lr_dm(vg, dm, LR_MAX_DM);

	fx->stuck = 0;
	for (size_t i = 0; i < n; i++) {
		if (!dm[i].suspended)
			continue;
		if (lr_tool(&c, lvm_cmd_dm(&c, "resume", dm[i].name)) == 0)
			fx->resumed++;
		else
			fx->stuck++;
	}
}

/* Remove vg's unused devices that no LV of s stands for (left by a rolled-back change). */
static void
lr_remove_strays(struct lr_fix *fx, const struct lvm_scan *s, const char *vg)
{
	struct lvm_dm dm[LR_MAX_DM];
	struct lvm_cmd c;
	size_t n = lr_dm(vg, dm, LR_MAX_DM), k;

	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < s->nlvs; k++) {
			const char *b = strrchr(s->lvs[k].dmpath, '/');

			if (!strcmp(s->lvs[k].vg, vg) && b && !strcmp(b + 1, dm[i].name))
				break;
		}
		if (k == s->nlvs && !dm[i].open &&
		    lr_tool(&c, lvm_cmd_dm(&c, "remove", dm[i].name)) == 0)
			fx->removed++;
	}
}

/* What a split left: the pieces of lv in sight (into fx->left), the new LV, the mirror. */
static enum lr_state
lr_split_state(struct lr_fix *fx, const struct lvm_plan *pl, const struct lvm_scan *s)
{
	const struct lvm_lv *lv = lvm_scan_lv(s, pl->vg, pl->lv);
	size_t used = 0;

	fx->left[0] = '\0';
	fx->nleft = 0;
	for (size_t i = 0; i < s->nlvs; i++)
		if (!strcmp(s->lvs[i].vg, pl->vg) && lvm_lv_leftover(&s->lvs[i], pl->lv) &&
		    used < sizeof(fx->left)) {
			used += (size_t)snprintf(fx->left + used, sizeof(fx->left) - used, "%s%s",
			                         fx->nleft++ ? "," : "", s->lvs[i].name);
		}
	if (fx->nleft || !lv)
		return LR_HALF;
	if (lvm_scan_lv(s, pl->vg, pl->newname))
		return lvm_lv_type(lv) == INV_VT_MIRROR ? LR_HALF : LR_SPLIT;
	return lvm_lv_type(lv) == INV_VT_MIRROR ? LR_UNCHANGED : LR_HALF;
}

/* Restore the metadata LVM archived just before the split, and reload the mirror. */
static int
lr_rollback(struct lr_fix *fx, const struct lvm_plan *pl)
{
	char name[LVM_NAME_LEN + 8], vglv[2 * LVM_NAME_LEN + 2];
	const char *want[] = {"--splitmirrors", name, vglv, NULL};
	struct lvm_output o;
	struct lvm_cmd c;
	int rc = -1;

	snprintf(name, sizeof(name), "--name %s", pl->newname);
	snprintf(vglv, sizeof(vglv), "%s/%s", pl->vg, pl->lv);
	if (lvm_cmd_cfglist(&c, pl->vg) == 0 && lvm_cmd_run(&c, &o) == 0)
		rc = lvm_cfg_before(o.out, want, fx->archive, sizeof(fx->archive));
	lvm_output_free(&o);
	if (rc < 0 || lr_tool(&c, lvm_cmd_cfgrestore(&c, pl->vg, fx->archive)) < 0)
		return -1;
	fx->restored = 1;
	/* the restored metadata may leave the mirror inactive: bring it up, reload it */
	lr_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->lv, 1));
	return lr_tool(&c, lvm_cmd_refresh(&c, pl->vg, pl->lv));
}

/*
 * The metadata says lv is a mirror, its live kernel table is not dm-raid
 * (a conversion killed between the table reload and the metadata commit):
 * reload it from scratch (deactivate, activate); fx->mismatch if it stays.
 */
static void
lr_reactivate(struct lr_fix *fx, const struct lvm_plan *pl)
{
	const struct lvm_lv *lv;
	struct lvm_scan s;
	struct lvm_cmd c;
	char dm[16];

	if (lr_lvs(pl->vg, &s) < 0)
		return;
	lv = lvm_scan_lv(&s, pl->vg, pl->lv);
	fx->mismatch = 0;
	if (lv && lvm_lv_type(lv) == INV_VT_MIRROR && lr_dm_health(lv, dm, sizeof(dm)) == 1) {
		fx->mismatch = 1; /* lvchange -an refuses while it is open: then it stays */
		if (lr_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->lv, 0)) == 0 &&
		    lr_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->lv, 1)) == 0) {
			fx->reloaded = 1;
			fx->mismatch = lr_dm_health(lv, dm, sizeof(dm)) != 0;
		}
	}
	lvm_scan_free(&s);
}

/* The split's outcome after a failure; rolls a half-done split back when it can. */
static enum lr_state
lr_recover_split(struct lr_fix *fx, const struct lvm_plan *pl)
{
	struct lvm_scan s;
	enum lr_state st;

	if (lr_lvs(pl->vg, &s) < 0)
		return LR_UNKNOWN;
	st = lr_split_state(fx, pl, &s);
	lvm_scan_free(&s);
	if (st == LR_HALF)
		lr_rollback(fx, pl);
	lr_reactivate(fx, pl);
	if (!fx->restored && !fx->reloaded)
		return fx->mismatch ? LR_HALF : st;
	if (lr_lvs(pl->vg, &s) < 0)
		return LR_UNKNOWN;
	lr_resume(fx, pl->vg);
	lr_remove_strays(fx, &s, pl->vg);
	st = lr_split_state(fx, pl, &s);
	lvm_scan_free(&s);
	return fx->mismatch ? LR_HALF : st;
}

/* What recovery did and left, after msg's failure text. */
static void
lr_report(const struct lr_fix *fx, const struct lvm_plan *pl, enum lr_state st, char *msg,
          size_t len)
{
	static const char *const state[] = {[LR_NONE] = "",
	                                    [LR_UNKNOWN] = "; state unknown: NEEDS REPAIR",
	                                    [LR_UNCHANGED] = "; the mirror is unchanged",
	                                    [LR_SPLIT] = "; the split completed",
	                                    [LR_HALF] = "; half split: NEEDS REPAIR"};
	size_t n = strlen(msg);

	if (fx->resumed && n < len)
		n += (size_t)snprintf(msg + n, len - n, "; resumed %u dm devices", fx->resumed);
	if (fx->reloaded && n < len)
		n += (size_t)snprintf(msg + n, len - n, "; reactivated %s/%s", pl->vg, pl->lv);
	if (fx->mismatch && n < len)
		n += (size_t)snprintf(msg + n, len - n, "; kernel table is not the mirror");
	if (fx->restored && n < len)
		n += (size_t)snprintf(msg + n, len - n, "; rolled back to %s (%u stale dm removed)",
		                      strrchr(fx->archive, '/') + 1, fx->removed);
	if (n < len)
		n += (size_t)snprintf(msg + n, len - n, "%s", state[st]);
	if (st == LR_HALF && fx->nleft && n < len)
		n += (size_t)snprintf(msg + n, len - n, " (%s/%s: %s)", pl->vg, pl->lv, fx->left);
	if (fx->stuck && n < len)
		n +=
		    (size_t)snprintf(msg + n, len - n, "; %u dm devices stay SUSPENDED", fx->stuck);
	if (fx->vgck_failed && n < len)
		snprintf(msg + n, len - n, "; vgck %s FAILED", pl->vg);
}

/*
 * After a state-changing command failed (a killed tool above all): resume
 * whatever it left suspended, reload the volume from the metadata, roll a
 * half-done split back from LVM's own archive of the metadata before it,
 * check the VG and say in msg what was done and what state it is in.
 */
static enum vds_result
lr_recover(struct lvm_plan *pl, const char *lv, enum vds_result r, char *msg, size_t len)
{
	struct lr_fix fx;
	struct lvm_scan s;
	struct lvm_cmd c;
	enum lr_state st = LR_NONE;

	if (r == VDS_R_OK || r == VDS_R_CANCELLED || r == VDS_R_INVALID_PARAM)
		return r;
	memset(&fx, 0, sizeof(fx));
	lr_resume(&fx, pl->vg);
	if (lr_lvs(pl->vg, &s) == 0 && lvm_scan_lv(&s, pl->vg, lv))
		lr_tool(&c, lvm_cmd_refresh(&c, pl->vg, lv));
	lvm_scan_free(&s);
	if (pl->type == JOB_BREAK_PLEX)
		st = lr_recover_split(&fx, pl);
	lr_resume(&fx, pl->vg);
	fx.vgck_failed = lr_tool(&c, lvm_cmd_vgck(&c, pl->vg)) < 0;
	pl->needs_repair = st == LR_HALF || st == LR_UNKNOWN || fx.stuck || fx.vgck_failed;
	lr_report(&fx, pl, st, msg, len);
	if (pl->needs_repair || fx.resumed || fx.restored)
		log_warnx("lvm", "recovery of %s/%s: %s", pl->vg, lv, msg);
	return r;
}

/* Every LV of vg (lvs -a): 0, or -1 when lvs failed. */
static int
lr_lvs(const char *vg, struct lvm_scan *s)
{
	struct lvm_output o;
	struct lvm_cmd c;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (lvm_cmd_report(&c, LVM_REP_LVS, vg) == 0 && lvm_cmd_run(&c, &o) == 0)
		rc = lvm_json_lvs(o.out, s);
	lvm_output_free(&o);
	if (rc < 0)
		lvm_scan_free(s);
	return rc;
}

/* Each plex's disk of the new mirror, while LVM still knows them. */
static void
lr_note_legs(struct lvm_plan *pl)
{
	const struct lvm_lv *lv, *px[LVM_RUN_LEGS];
	struct lvm_scan s;
	size_t n;

	if (lr_lvs(pl->vg, &s) < 0)
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

/*
 * dm-raid's health characters of a volume ("AA", "DA") into chars: 0; 1 when
 * its device has another target (chars ""); -1 when there is no status.
 */
static int
lr_dm_health(const struct lvm_lv *lv, char *chars, size_t len)
{
	const char *name = strrchr(lv->dmpath, '/');
	struct lvm_output o;
	struct lvm_cmd c;
	int rc = -1;

	chars[0] = '\0';
	if (!name || lvm_cmd_dm(&c, "status", name + 1) < 0)
		return -1;
	if (lvm_cmd_run(&c, &o) == 0 && o.out)
		rc = lvm_dm_raid_health(o.out, chars, len) == 0 ? 0 : 1;
	if (rc != 0)
		chars[0] = '\0';
	lvm_output_free(&o);
	return rc;
}

/* Is plex i (0-based) of lv failed: LVM lost its disk, or dm-raid marks it dead? */
static int
lr_leg_failed(const struct lvm_lv *img, const char *dm, size_t i)
{
	if (!img || strstr(img->devices, "unknown"))
		return 1;
	if (strlen(img->attr) > 8 && (img->attr[8] == 'p' || img->attr[8] == 'r'))
		return 1;
	return i < strlen(dm) && dm[i] == 'D';
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

	if (lr_lvs(pl->vg, &s) < 0) {
		snprintf(msg, len, "cannot read the state of the new mirror %s/%s", pl->vg,
		         pl->cr.name);
		return VDS_R_IO_ERROR;
	}
	if (!(lv = lvm_scan_lv(&s, pl->vg, pl->cr.name))) {
		snprintf(msg, len, "the new mirror %s/%s is gone", pl->vg, pl->cr.name);
		r = VDS_R_DEVICE_GONE;
		goto out;
	}
	lr_dm_health(lv, dm, sizeof(dm));
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

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 1, "creating volume");
	if ((r = lr_run(&c, lvm_cmd_lvcreate(&c, &pl->cr), 0, msg, len)) != VDS_R_OK)
		return lr_recover(pl, pl->cr.name, r, msg, len);
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
	return lr_recover(pl, pl->lv, r, msg, len);
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

/* Refuse to shrink an open volume: lvreduce would do it. */
static enum vds_result
lr_check_closed(struct lvm_plan *pl, char *msg, size_t len)
{
	struct lvm_scan s;
	const struct lvm_lv *lv;
	enum vds_result r = lvm_scan_load(&s, msg, len);

	if (r != VDS_R_OK)
		return r;
	lv = lvm_scan_lv(&s, pl->vg, pl->lv);
	if (!lv) {
		snprintf(msg, len, "volume %s/%s is gone", pl->vg, pl->lv);
		r = VDS_R_DEVICE_GONE;
	} else if (strlen(lv->attr) > 5 && lv->attr[5] == 'o') {
		snprintf(msg, len, "volume %s/%s is open (mounted or in use)", pl->vg, pl->lv);
		r = VDS_R_IN_USE;
	} else if (lv->size != pl->size) {
		snprintf(msg, len, "volume %s/%s changed size", pl->vg, pl->lv);
		r = VDS_R_BUSY;
	}
	lvm_scan_free(&s);
	return r;
}

static enum vds_result
lr_shrink_fs(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	char fs[32];
	enum vds_result r;

	if (lr_fstype(pl->dev, fs, sizeof(fs)) < 0) {
		snprintf(msg, len, "cannot identify the file system on %s", pl->dev);
		return VDS_R_TOOL_FAILED;
	}
	if (!fs[0])
		return lr_point_of_no_return(j, msg, len);
	if (strcmp(fs, "ext2") && strcmp(fs, "ext3") && strcmp(fs, "ext4")) {
		snprintf(msg, len, "a %s file system cannot shrink", fs);
		return VDS_R_FS_NO_SHRINK;
	}
	prov_job_progress(j, 10, "checking file system");
	if ((r = lr_run(&c, lvm_cmd_e2fsck(&c, pl->dev), 1, msg, len)) != VDS_R_OK)
		return r == VDS_R_TOOL_FAILED ? VDS_R_IO_ERROR : r;
	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
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
	return lr_recover(pl, pl->lv, r, msg, len);
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
	return lr_recover(pl, pl->lv, r, msg, len);
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
	case JOB_SHRINK_VOLUME:
		r = lr_shrink(pl, j, msg, len);
		break;
	case JOB_BREAK_PLEX:
		r = lr_break(pl, j, msg, len);
		break;
	default:
		snprintf(msg, len, "the lvm provider does not run this job type");
		return VDS_R_NOT_SUPPORTED;
	}
	prov_job_progress(j, 99, "reading the volume groups");
	pl->have_after = lvm_scan_load(&pl->after, why, sizeof(why)) == VDS_R_OK;
	if (!pl->have_after)
		log_warnx("lvm", "cannot read the volume groups after the job: %s", why);
	return r;
}
