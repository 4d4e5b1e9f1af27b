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

static enum vds_result
lr_create(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 1, "creating volume");
	if ((r = lr_run(&c, lvm_cmd_lvcreate(&c, &pl->cr), 0, msg, len)) != VDS_R_OK)
		return r;
	if (pl->mirror)
		lr_wait_sync(pl, j);
	return VDS_R_OK;
}

static enum vds_result
lr_delete(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 10, "removing volume");
	return lr_run(&c, lvm_cmd_lvremove(&c, pl->vg, pl->lv), 0, msg, len);
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
	return lr_run(&c, lvm_cmd_lvreduce(&c, pl->vg, pl->lv, pl->new_size), 0, msg, len);
}

static enum vds_result
lr_break(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len)
{
	struct lvm_cmd c;
	enum vds_result r;

	if ((r = lr_point_of_no_return(j, msg, len)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 10, "splitting plex");
	return lr_run(&c, lvm_cmd_split(&c, pl->vg, pl->lv, pl->newname, pl->pv[0] ? pl->pv : NULL),
	              0, msg, len);
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
