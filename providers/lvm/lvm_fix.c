/* SPDX-License-Identifier: ISC */
/*
 * lvm_fix.c - recovery after a failed state-changing LVM command.
 *
 * A killed lvconvert can leave device-mapper devices suspended (their I/O
 * queued: any reader hangs), tables loaded but not live, devices renamed,
 * and LVM's metadata either before the change or at an intermediate commit
 * with the extracted sub-volumes still listed.  Order matters:
 *  1. read the metadata with a report that ignores suspended devices;
 *  2. settle the kernel: when the change had reached the metadata, its
 *     loaded tables go live (forward), else they are dropped (dmsetup clear)
 *     and the old tables stay; suspended devices are resumed; both from the
 *     bottom up, a device only once every device it uses is live (resuming
 *     a dm-raid device over a suspended leg, or clearing its loaded table,
 *     would block in the kernel);
 *  3. lvchange --refresh the volume from the metadata;
 *  4. a split: finish it when LVM committed it (remove the leftovers it
 *     lists), roll it back from LVM's archive when it is half done in
 *     another way, reload the mirror when its live table is not dm-raid;
 *     a leg added, repaired or removed: the images the tool had made or
 *     extracted and left as LVs of their own go;
 *  5. vgmknodes (the /dev/VG links a killed tool did not make), vgck.
 * Every tool runs with a time limit (lvm_cmd.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "lvm_fix.h"

#define LF_MAX_DM 64

/* What a failed command left and what recovery did about it. */
enum lf_state { LF_NONE, LF_UNKNOWN, LF_UNCHANGED, LF_SPLIT, LF_HALF };

struct lf_fix {
	unsigned resumed, cleared, stuck, removed, nleft, finished, dropped;
	int forward, restored, vgck_failed, reloaded, mismatch;
	char archive[LVM_DEV_LEN];
	char left[160]; /* leftover pieces of a half-done split */
};

/* Run a helper command whose output does not matter; 0 when it succeeded. */
static int
lf_tool(struct lvm_cmd *c, int built)
{
	struct lvm_output o;
	int rc;

	if (built < 0)
		return -1;
	rc = lvm_cmd_run(c, &o);
	lvm_output_free(&o);
	return rc;
}

int
lvm_vg_lvs(const char *vg, struct lvm_scan *s)
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

int
lvm_lv_dm_health(const struct lvm_lv *lv, char *chars, size_t len)
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

/* ------------------------------------------------------------- the kernel */

/* vg's device-mapper devices. */
static size_t
lf_dm(const char *vg, struct lvm_dm *dm, size_t max)
{
	struct lvm_output o;
	struct lvm_cmd c;
	size_t n = 0;

	if (lvm_cmd_dminfo(&c) == 0 && lvm_cmd_run(&c, &o) == 0 && o.out)
		n = lvm_dm_list(o.out, vg, dm, max);
	lvm_output_free(&o);
	return n;
}

/* Does device i use a device of dm that still waits (pend)? */
static int
lf_waits(const struct lvm_dm *dm, const int *pend, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++)
		if (k != i && pend[k] && lvm_dm_uses(&dm[i], dm[k].name))
			return 1;
	return 0;
}

/*
 * Settle one device: drop its loaded table (clear) unless going forward,
 * then resume it when it is suspended or, going forward, has a loaded table
 * to make live.
 */
static void
lf_settle_one(struct lf_fix *fx, struct lvm_dm *d, int forward)
{
	struct lvm_cmd c;

	if (!forward && d->inactive && lf_tool(&c, lvm_cmd_dm(&c, "clear", d->name)) == 0) {
		fx->cleared++;
		d->inactive = 0;
	}
	if (!d->suspended && !(forward && d->inactive))
		return;
	if (lf_tool(&c, lvm_cmd_dm(&c, "resume", d->name)) == 0)
		fx->resumed++;
	else
		fx->stuck++;
}

/*
 * Settle vg's devices: forward makes loaded tables live, otherwise they are
 * dropped; each device only once every device it uses is settled.  Both
 * orders matter: resuming a dm-raid device, or clearing its loaded table,
 * blocks in the kernel while one of its legs is still suspended.
 */
static void
lf_settle(struct lf_fix *fx, const char *vg, int forward)
{
	struct lvm_dm dm[LF_MAX_DM];
	int pend[LF_MAX_DM];
	size_t n = lf_dm(vg, dm, LF_MAX_DM);
	int progress = 1;

	for (size_t i = 0; i < n; i++)
		pend[i] = dm[i].suspended || dm[i].inactive;
	while (progress) {
		progress = 0;
		for (size_t i = 0; i < n; i++) {
			if (!pend[i] || lf_waits(dm, pend, n, i))
				continue;
			pend[i] = 0;
			progress = 1;
			lf_settle_one(fx, &dm[i], forward);
		}
	}
	for (size_t i = 0; i < n; i++)
		fx->stuck += pend[i] != 0; /* a cycle: left alone */
}

/* Is dm device name that of vg/lv or of one of its sub-volumes ("VG-LV", "VG-LV_...")? */
static int
lf_in_family(const char *name, const char *vg, const char *lv)
{
	char fam[2 * LVM_DEV_LEN];
	size_t fl;

	lvm_dm_name(vg, lv, fam, sizeof(fam));
	fl = strlen(fam);
	return !strncmp(name, fam, fl) && (!name[fl] || name[fl] == '_');
}

/*
 * Remove unused devices of the volumes lvs (NULL-ended) and their
 * sub-volumes that no LV of s stands for: what a killed change left in the
 * kernel (a sub-volume not yet renamed, an extracted one not yet removed,
 * the new volume of a split that was rolled back).
 */
static void
lf_remove_strays(struct lf_fix *fx, const struct lvm_scan *s, const char *vg,
                 const char *const *lvs)
{
	struct lvm_dm dm[LF_MAX_DM];
	struct lvm_cmd c;
	size_t n = lf_dm(vg, dm, LF_MAX_DM), k, f;

	for (size_t i = 0; i < n; i++) {
		for (f = 0; lvs[f] && !lf_in_family(dm[i].name, vg, lvs[f]); f++)
			;
		if (!lvs[f])
			continue;
		for (k = 0; k < s->nlvs; k++) {
			const char *b = strrchr(s->lvs[k].dmpath, '/');

			if (!strcmp(s->lvs[k].vg, vg) && b && !strcmp(b + 1, dm[i].name))
				break;
		}
		if (k == s->nlvs && !dm[i].open &&
		    lf_tool(&c, lvm_cmd_dm(&c, "remove", dm[i].name)) == 0)
			fx->removed++;
	}
}

/* ------------------------------------------------------------- the split */

/* What a split left: the pieces of lv in sight (into fx->left), the new LV, the mirror. */
static enum lf_state
lf_split_state(struct lf_fix *fx, const struct lvm_plan *pl, const struct lvm_scan *s)
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
		return LF_HALF;
	if (lvm_scan_lv(s, pl->vg, pl->newname))
		return lvm_lv_type(lv) == INV_VT_MIRROR ? LF_HALF : LF_SPLIT;
	return lvm_lv_type(lv) == INV_VT_MIRROR ? LF_UNCHANGED : LF_HALF;
}

/*
 * LVM committed the split (the volume is no longer a mirror, the new volume
 * exists) but was killed before it removed the extracted pieces: remove
 * them, as lvconvert would have.  LVM refuses these names for user volumes,
 * so they can only be such leftovers.  0 when every one went.
 */
static int
lf_finish_split(struct lf_fix *fx, const struct lvm_plan *pl, const struct lvm_scan *s)
{
	const struct lvm_lv *lv = lvm_scan_lv(s, pl->vg, pl->lv);
	struct lvm_cmd c;
	int rc = 0;

	if (!lv || lvm_lv_type(lv) == INV_VT_MIRROR || !lvm_scan_lv(s, pl->vg, pl->newname))
		return -1;
	for (size_t i = 0; i < s->nlvs; i++) {
		if (strcmp(s->lvs[i].vg, pl->vg) || !lvm_lv_leftover(&s->lvs[i], pl->lv))
			continue;
		if (lf_tool(&c, lvm_cmd_lvremove(&c, pl->vg, s->lvs[i].name)) == 0)
			fx->finished++;
		else
			rc = -1;
	}
	return rc;
}

/* Restore the metadata LVM archived just before the split, and reload the mirror. */
static int
lf_rollback(struct lf_fix *fx, const struct lvm_plan *pl)
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
	if (rc < 0 || lf_tool(&c, lvm_cmd_cfgrestore(&c, pl->vg, fx->archive)) < 0)
		return -1;
	fx->restored = 1;
	/* the restored metadata may leave the mirror inactive: bring it up, reload it */
	lf_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->lv, 1));
	return lf_tool(&c, lvm_cmd_refresh(&c, pl->vg, pl->lv));
}

/*
 * The metadata says lv is a mirror, its live kernel table is not dm-raid:
 * reload it from scratch (deactivate, activate); fx->mismatch if it stays.
 */
static void
lf_reactivate(struct lf_fix *fx, const struct lvm_plan *pl)
{
	const struct lvm_lv *lv;
	struct lvm_scan s;
	struct lvm_cmd c;
	char dm[16];

	if (lvm_vg_lvs(pl->vg, &s) < 0)
		return;
	lv = lvm_scan_lv(&s, pl->vg, pl->lv);
	fx->mismatch = 0;
	if (lv && lvm_lv_type(lv) == INV_VT_MIRROR && lvm_lv_dm_health(lv, dm, sizeof(dm)) == 1) {
		fx->mismatch = 1; /* lvchange -an refuses while it is open: then it stays */
		if (lf_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->lv, 0)) == 0 &&
		    lf_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->lv, 1)) == 0) {
			fx->reloaded = 1;
			fx->mismatch = lvm_lv_dm_health(lv, dm, sizeof(dm)) != 0;
		}
	}
	lvm_scan_free(&s);
}

/* The split's outcome after a failure: finished or rolled back when it can be. */
static enum lf_state
lf_recover_split(struct lf_fix *fx, const struct lvm_plan *pl)
{
	struct lvm_cmd c;
	struct lvm_scan s;
	enum lf_state st;

	if (lvm_vg_lvs(pl->vg, &s) < 0)
		return LF_UNKNOWN;
	st = lf_split_state(fx, pl, &s);
	if (st == LF_HALF && lf_finish_split(fx, pl, &s) < 0)
		lf_rollback(fx, pl);
	lvm_scan_free(&s);
	lf_reactivate(fx, pl);
	if (lvm_vg_lvs(pl->vg, &s) < 0)
		return LF_UNKNOWN;
	lf_settle(fx, pl->vg, 0);
	lf_remove_strays(fx, &s, pl->vg, (const char *const[]){pl->lv, pl->newname, NULL});
	/* a split killed before it renamed the plex's device: the new volume is not active */
	if (lvm_scan_lv(&s, pl->vg, pl->newname))
		lf_tool(&c, lvm_cmd_activate(&c, pl->vg, pl->newname, 1));
	st = lf_split_state(fx, pl, &s);
	lvm_scan_free(&s);
	return fx->mismatch ? LF_HALF : st;
}

/* ---------------------------------------------------------- plex changes */

/*
 * A plex change killed half-way (lvconvert adding, repairing or removing
 * a leg) can leave the images it was adding or extracting as LVs of their
 * own ("<lv>_rimage_1", "<lv>_rmeta_1", "..._extracted"): no volume uses
 * them and no user can make a name with those suffixes, but they hold the
 * VG's extents and make the next try fail ("already exists").  They go;
 * fx->left names them.  So do the kernel devices it made for the volume's
 * images that no LV stands for ("vg-lv_rimage_0" of a linear volume: the
 * next try's "create ioctl ... Device or resource busy").  The volume
 * itself is what LVM's metadata says.
 */
static void
lf_drop_leftovers(struct lf_fix *fx, const struct lvm_plan *pl)
{
	struct lvm_scan s;
	struct lvm_cmd c;
	size_t used = 0;

	if (lvm_vg_lvs(pl->vg, &s) < 0)
		return;
	fx->left[0] = '\0';
	for (size_t i = 0; i < s.nlvs; i++) {
		if (strcmp(s.lvs[i].vg, pl->vg) || !lvm_lv_leftover(&s.lvs[i], pl->lv) ||
		    lf_tool(&c, lvm_cmd_lvremove(&c, pl->vg, s.lvs[i].name)) < 0)
			continue;
		if (used < sizeof(fx->left))
			used += (size_t)snprintf(fx->left + used, sizeof(fx->left) - used, "%s%s",
			                         fx->dropped ? "," : "", s.lvs[i].name);
		fx->dropped++;
	}
	/* the scan from before the removals serves: a removed LV's device went with it */
	lf_remove_strays(fx, &s, pl->vg, (const char *const[]){pl->lv, NULL});
	lvm_scan_free(&s);
}

/* ---------------------------------------------------------------- report */

static void
lf_report(const struct lf_fix *fx, const struct lvm_plan *pl, enum lf_state st, char *msg,
          size_t len)
{
	static const char *const state[] = {[LF_NONE] = "",
	                                    [LF_UNKNOWN] = "; state unknown: NEEDS REPAIR",
	                                    [LF_UNCHANGED] = "; the mirror is unchanged",
	                                    [LF_SPLIT] = "; the split completed",
	                                    [LF_HALF] = "; half split: NEEDS REPAIR"};
	size_t n = strlen(msg);

#define LF_SAY(...)                                                                                \
	do {                                                                                       \
		if (n < len)                                                                       \
			n += (size_t)snprintf(msg + n, len - n, __VA_ARGS__);                      \
	} while (0)
	if (fx->resumed || fx->cleared)
		LF_SAY("; %s: %u dm tables dropped, %u devices resumed",
		       fx->forward ? "change committed" : "change not committed", fx->cleared,
		       fx->resumed);
	if (fx->finished)
		LF_SAY("; finished the split (removed %u leftover volumes)", fx->finished);
	if (fx->dropped)
		LF_SAY("; removed %u leftover volumes of the change (%s)", fx->dropped, fx->left);
	if (fx->reloaded)
		LF_SAY("; reactivated %s/%s", pl->vg, pl->lv);
	if (fx->mismatch)
		LF_SAY("; kernel table is not the mirror");
	if (fx->restored)
		LF_SAY("; rolled back to %s", strrchr(fx->archive, '/') + 1);
	if (fx->removed)
		LF_SAY("; %u stale dm devices removed", fx->removed);
	LF_SAY("%s", state[st]);
	if (st == LF_HALF && fx->nleft)
		LF_SAY(" (%s/%s: %s)", pl->vg, pl->lv, fx->left);
	if (fx->stuck)
		LF_SAY("; %u dm devices stay SUSPENDED", fx->stuck);
	if (fx->vgck_failed)
		LF_SAY("; vgck %s FAILED", pl->vg);
#undef LF_SAY
}

/* Had the failed command's change on lv reached LVM's metadata, as s shows it? */
static int
lf_committed(const struct lvm_plan *pl, const char *lv, const struct lvm_scan *s)
{
	const struct lvm_lv *x = lvm_scan_lv(s, pl->vg, lv);
	struct lf_fix tmp;

	switch (pl->type) {
	case JOB_CREATE_VOLUME:
		return x != NULL;
	case JOB_DELETE_VOLUME:
		return x == NULL;
	case JOB_SHRINK_VOLUME:
	case JOB_EXTEND_VOLUME:
		return x && x->size != pl->size;
	case JOB_BREAK_PLEX:
		return lf_split_state(&tmp, pl, s) != LF_UNCHANGED;
	default:
		return 0;
	}
}

enum vds_result
lvm_recover(struct lvm_plan *pl, const char *lv, enum vds_result r, char *msg, size_t len)
{
	struct lf_fix fx;
	struct lvm_scan s;
	struct lvm_cmd c;
	enum lf_state st = LF_NONE;
	int exists = 0;

	if (r == VDS_R_OK || r == VDS_R_CANCELLED || r == VDS_R_INVALID_PARAM)
		return r;
	memset(&fx, 0, sizeof(fx));
	/* the metadata decides; settling the kernel does not change it */
	if (lvm_vg_lvs(pl->vg, &s) == 0) {
		fx.forward = lf_committed(pl, lv, &s);
		exists = lvm_scan_lv(&s, pl->vg, lv) != NULL;
		lvm_scan_free(&s);
	}
	lf_settle(&fx, pl->vg, fx.forward);
	if (exists)
		lf_tool(&c, lvm_cmd_refresh(&c, pl->vg, lv));
	if (pl->type == JOB_BREAK_PLEX)
		st = lf_recover_split(&fx, pl);
	else if (pl->type == JOB_ADD_PLEX || pl->type == JOB_REPAIR_PLEX ||
	         pl->type == JOB_REMOVE_PLEX)
		lf_drop_leftovers(&fx, pl);
	lf_settle(&fx, pl->vg, 0);
	lf_tool(&c, lvm_cmd_mknodes(&c, pl->vg)); /* a killed tool leaves /dev/VG links stale */
	fx.vgck_failed = lf_tool(&c, lvm_cmd_vgck(&c, pl->vg)) < 0;
	pl->needs_repair = st == LF_HALF || st == LF_UNKNOWN || fx.stuck || fx.vgck_failed;
	lf_report(&fx, pl, st, msg, len);
	if (pl->needs_repair || fx.resumed || fx.restored || fx.finished || fx.dropped)
		log_warnx("lvm", "recovery of %s/%s: %s", pl->vg, lv, msg);
	return r;
}
