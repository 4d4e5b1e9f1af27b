/* SPDX-License-Identifier: ISC */
/*
 * vdisk.c - the vdisk provider's operations.
 *
 * createVDisk (raw, fixed VHD, dynamic and differencing VHD: vdisk_vhd.c),
 * attachVDisk, detachVDisk (loop or nbd), deleteVDisk, expandVDisk, compactVDisk and
 * mergeVDisk (a differencing VHD into an ancestor).  validate answers
 * the SET from cheap, stable facts (vdisk_check.c); prepare syncs the
 * vdisk table with the files and the kernel (vdisk_sync.c), checks the
 * state and copies what run() needs into the plan; run() does the file or
 * loop-device work on a worker from the plan alone; commit updates the
 * records, hands the state file's new content to the state writer
 * (durable.h, DURABLE_SYNC: the job finishes once it is fsynced; a write
 * that fails puts the records back to the file's and removes the images
 * they no longer list) and syncs the table again, so a row always shows
 * what the kernel and the file system say, whatever the job's outcome.
 *
 * Result codes: outside the roots VDS_R_NOT_ALLOWED, file exists
 * VDS_R_EXISTS (both also refuse the SET: inconsistentValue), not enough
 * space VDS_R_NO_SPACE, detach of a mounted or held disk VDS_R_IN_USE,
 * delete of an attached vdisk VDS_R_NOT_EMPTY (as the sim provider),
 * attach of an attached one VDS_R_IN_USE, detach of a detached one
 * VDS_R_INVALID_PARAM; expand of a disk in a differencing chain, and
 * attach of a dynamic or differencing VHD where the kernel has no nbd
 * device, VDS_R_NOT_SUPPORTED; a differencing child over a parent attached
 * read-write, a read-write attach of a parent, a merge into an attached
 * ancestor or of an attached child, an expand of a dynamic VHD attached
 * read-only, VDS_R_IN_USE.  Dynamic and differencing VHDs are attached as /dev/nbdN,
 * served by vdsd-nbd (vdisk_nbd.h); the others as loop devices.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "log.h"
#if ENABLE_BASIC
#include "../basic/basic_label.h" /* the one label writer: a new disk's label */
#endif
#include "vdisk.h"
#include "vdisk_check.h"
#include "vdisk_grow.h"
#include "vdisk_image.h"
#include "vdisk_loop.h"
#include "vdisk_nbd.h"
#include "vdisk_store.h"
#include "vdisk_sync.h"
#include "vdisk_vhd.h"

#define VDISK_SYSBLOCK "/sys/block"

struct vdisk_prov {
	struct vdr_set recs;
	struct durable_file *df; /* recs.file, written off the loop (fsynced) */
	struct strlist roots;    /* canonical */
	char state_dir[PATH_MAX];
	char nbd_helper[PATH_MAX]; /* vdsd-nbd: serves dynamic and differencing VHDs */
	int link;                  /* udev discovery is on: name the disk of an attached vdisk */
};

struct vdisk_plan {
	struct job_params p;
	struct vdr_rec rec;
	char devnode[VDL_DEVNODE_LEN]; /* detach: the device; attach: the new one */
	int dio;
	enum vds_result result;
	uint64_t vsize;     /* expandVDisk: the new virtual size */
	uint64_t reclaimed; /* compactVDisk */
	struct vdr_rec anc; /* mergeVDisk: the ancestor written */
	int reparented;     /* mergeVDisk: the child's file names anc now */
	char nbd_helper[PATH_MAX];
};

/* ---------------------------------------------------------------- set up */

static int
vdisk_roots(struct vdisk_prov *vp, const struct vds_conf *conf)
{
	char real[PATH_MAX];

	for (size_t i = 0; i < conf->vdisk_roots.n; i++) {
		const char *root = conf->vdisk_roots.v[i];

		if (!realpath(root, real)) {
			log_warnx("vdisk", "vdiskRoot %s: %s", root, strerror(errno));
			snprintf(real, sizeof(real), "%s", root);
		}
		if (strlist_add(&vp->roots, real) < 0)
			return -1;
	}
	if (vp->roots.n == 0)
		log_warnx("vdisk", "no vdiskRoot configured: createVDisk is refused everywhere");
	return 0;
}

/* vdiskRoot changed on reload: the new roots, canonical (the old kept on ENOMEM). */
static void
vdisk_reload(void *state, const struct vds_conf *conf)
{
	struct vdisk_prov *vp = state;
	struct strlist old = vp->roots;

	vp->roots = (struct strlist){0};
	if (vdisk_roots(vp, conf) < 0) {
		log_warnx("vdisk", "out of memory: vdiskRoot not reloaded");
		strlist_free(&vp->roots);
		vp->roots = old;
		return;
	}
	strlist_free(&old);
}

static void
vdisk_fini(void *state)
{
	struct vdisk_prov *vp = state;

	if (!vp)
		return;
	durable_close(vp->df);
	vdr_free(&vp->recs);
	strlist_free(&vp->roots);
	free(vp);
}

/*
 * A write of the state file failed (loop thread): the records are the
 * file's again, and an image created by a job whose record was not
 * written is not left behind (as when recording fails at once).
 */
static void
vdisk_landed(void *arg, int rc)
{
	struct vdisk_prov *vp = arg;
	struct vdr_set landed = {0};
	const char *buf;
	size_t len;

	if (rc == 0)
		return;
	buf = durable_content(vp->df, 1, &len);
	memcpy(landed.file, vp->recs.file, sizeof(landed.file));
	if (vdr_undump(&landed, buf, len) < 0) {
		log_warnx("vdisk", "cannot put the records of %s back: restart vdsd",
		          vp->recs.file);
		return;
	}
	for (size_t i = 0; i < vp->recs.n; i++)
		if (!vdr_find(&landed, vp->recs.v[i].path) && unlink(vp->recs.v[i].path) == 0)
			log_warnx("vdisk", "%s removed: its record could not be written",
			          vp->recs.v[i].path);
	vdr_free(&vp->recs);
	vp->recs = landed;
	if (vdsy_sync(&vp->recs, VDISK_SYSBLOCK, vp->link, NULL) < 0)
		log_warnx("vdisk", "cannot publish every vdisk");
}

static int
vdisk_init(const struct vds_conf *conf, void **state)
{
	struct vdisk_prov *vp = calloc(1, sizeof(*vp));
	char err[600], *dump = NULL;
	size_t len;

	*state = NULL;
	if (!vp)
		return -1;
	snprintf(vp->state_dir, sizeof(vp->state_dir), "%s", conf->state_dir);
	/* VDSD_NBD_HELPER: the tests' build tree; installed, pkglibexecdir's */
	snprintf(vp->nbd_helper, sizeof(vp->nbd_helper), "%s",
	         getenv("VDSD_NBD_HELPER") ? getenv("VDSD_NBD_HELPER")
	                                   : PKGLIBEXECDIR "/" VDN_HELPER_NAME);
	vp->link = conf->discovery;
	if (vdisk_roots(vp, conf) < 0 ||
	    vdr_load(&vp->recs, conf->state_dir, err, sizeof(err)) < 0) {
		log_warnx("vdisk", "%s", vp->recs.file[0] ? err : "out of memory");
		vdisk_fini(vp);
		return -1;
	}
	if (vdr_dump(&vp->recs, &dump, &len) < 0 ||
	    !(vp->df = durable_open(vp->recs.file, dump, len, DURABLE_SYNC, vdisk_landed, vp))) {
		free(dump);
		log_warnx("vdisk", "out of memory");
		vdisk_fini(vp);
		return -1;
	}
	free(dump);
	if (vdsy_sync(&vp->recs, VDISK_SYSBLOCK, vp->link, NULL) < 0)
		log_warnx("vdisk", "cannot publish every vdisk");
	log_info("vdisk", "%zu vdisks from %s, %zu roots", vp->recs.n, vp->recs.file, vp->roots.n);
	*state = vp;
	return 0;
}

/* ------------------------------------------------------------ claims */

static int
vdisk_is_vdisk_job(const struct job_params *p)
{
	return p->type == JOB_CREATE_VDISK || p->type == JOB_ATTACH_VDISK ||
	       p->type == JOB_DETACH_VDISK || p->type == JOB_DELETE_VDISK ||
	       p->type == JOB_EXPAND_VDISK || p->type == JOB_COMPACT_VDISK ||
	       p->type == JOB_MERGE_VDISK;
}

/* Below stateDir lives the sim provider's world (STATEDIR/sim). */
static int
vdisk_in_state_dir(const struct vdisk_prov *vp, const char *path)
{
	size_t l = strlen(vp->state_dir);

	return !strncmp(path, vp->state_dir, l) && path[l] == '/';
}

/*
 * createVDisk: every path but those in stateDir that no root covers (so a
 * path outside the roots gets a clear "not allowed" from this provider);
 * the others: a vdisk of this provider, by index or path.
 */
static int
vdisk_claims(void *state, const struct job_params *p)
{
	struct vdisk_prov *vp = state;
	const struct inv_vdisk *row;

	if (!vdisk_is_vdisk_job(p))
		return 0;
	if (p->type == JOB_CREATE_VDISK)
		return p->path[0] &&
		       (vdc_under_root(&vp->roots, p->path) || !vdisk_in_state_dir(vp, p->path));
	if (p->vdisk) {
		row = inv_get(INV_VDISK, p->vdisk);
		return row && !strcmp(row->provider, VDSY_PROVIDER);
	}
	return p->path[0] && vdr_find(&vp->recs, p->path) != NULL;
}

static enum vds_result
vdisk_validate(void *state, const struct job_params *p, char *why, size_t whylen)
{
	struct vdisk_prov *vp = state;
	const struct vdc_ctx c = {&vp->recs, &vp->roots};
	const struct vdr_rec *rec;
	struct vdr_rec nrec;
	enum vds_result r;

	why[0] = '\0';
	if (p->type == JOB_CREATE_VDISK)
		return vdc_create(&c, p, &nrec, why, whylen);
	if (!vdisk_is_vdisk_job(p)) {
		snprintf(why, whylen, "the vdisk provider has no object that job type %d names",
		         (int)p->type);
		return VDS_R_NOT_FOUND;
	}
	r = vdc_target(&c, p, &rec, why, whylen);
	return r == VDS_R_OK ? vdc_op(&c, p, rec, NULL, why, whylen) : r;
}

/* ----------------------------------------------------------- prepare */

/*
 * The parent a new differencing vdisk reads, or the ancestor a merge
 * writes: present, and written through no loop device (a merge: attached
 * in no way).
 */
static enum vds_result
vdisk_check_chain(const struct vdisk_plan *pl, const struct vdsy_view *v, char *msg, size_t msglen)
{
	int merge = pl->p.type == JOB_MERGE_VDISK;
	struct vdr_rec other = merge ? pl->anc : (struct vdr_rec){0};
	struct vdsy_state st;

	if (!merge)
		snprintf(other.path, sizeof(other.path), "%s", pl->rec.parent);
	if (!other.path[0])
		return VDS_R_OK;
	vdsy_state(&other, v, &st);
	if (st.status == INV_ST_MISSING) {
		snprintf(msg, msglen, "the image file %s is missing", other.path);
		return VDS_R_NOT_FOUND;
	}
	if (st.loop && (merge || !st.loop->read_only)) {
		snprintf(msg, msglen, "%s, which the %s, is attached%s as %s", other.path,
		         merge ? "merge writes" : "new differencing vdisk reads",
		         merge ? "" : " read-write", st.loop->devnode);
		return VDS_R_IN_USE;
	}
	return VDS_R_OK;
}

/* The job against the truth now; an attached vdisk's device into the plan. */
static enum vds_result
vdisk_check_start(struct vdisk_plan *pl, char *msg, size_t msglen)
{
	struct vdsy_view v;
	struct vdsy_state st;
	enum vds_result r;

	if (vdsy_view_read(&v, VDISK_SYSBLOCK) < 0)
		return VDS_R_NO_MEMORY;
	vdsy_state(&pl->rec, &v, &st);
	if (st.loop)
		snprintf(pl->devnode, sizeof(pl->devnode), "%s", st.loop->devnode);
	r = vdc_start(&pl->p, &pl->rec, pl->vsize, &st, msg, msglen);
	if (r == VDS_R_OK)
		r = vdisk_check_chain(pl, &v, msg, msglen);
	vdsy_view_free(&v);
	return r;
}

static enum vds_result
vdisk_prepare(void *state, const struct job_params *p, void **plan, char *msg, size_t msglen)
{
	struct vdisk_prov *vp = state;
	const struct vdc_ctx c = {&vp->recs, &vp->roots};
	const struct vdr_rec *rec;
	struct vdc_op_out o = {0};
	struct vdisk_plan *pl;
	enum vds_result r;

	*plan = NULL;
	if (vdsy_sync(&vp->recs, VDISK_SYSBLOCK, vp->link, NULL) < 0)
		log_warnx("vdisk", "cannot publish every vdisk");
	if (!(pl = calloc(1, sizeof(*pl))))
		return VDS_R_NO_MEMORY;
	pl->p = *p;
	snprintf(pl->nbd_helper, sizeof(pl->nbd_helper), "%s", vp->nbd_helper);
	if (p->type == JOB_CREATE_VDISK)
		r = vdc_create(&c, p, &pl->rec, msg, msglen);
	else if ((r = vdc_target(&c, p, &rec, msg, msglen)) == VDS_R_OK &&
	         (r = vdc_op(&c, p, rec, &o, msg, msglen)) == VDS_R_OK) {
		pl->rec = *rec;
		pl->vsize = o.vsize;
		if (o.anc)
			pl->anc = *o.anc;
	}
	if (r == VDS_R_OK)
		r = vdisk_check_start(pl, msg, msglen);
	if (r != VDS_R_OK) {
		free(pl);
		return r;
	}
	*plan = pl;
	return VDS_R_OK;
}

/* --------------------------------------------------- run (worker thread) */

struct vdisk_step {
	struct prov_job *j;
	const char *what;
	unsigned cap;          /* the highest percent shown (0: 99) */
	unsigned no_return_at; /* from this percent on a cancel is too late (0: never) */
};

static int
vdisk_on_step(void *arg, unsigned percent)
{
	struct vdisk_step *s = arg;
	unsigned cap = s->cap ? s->cap : 99;

	prov_job_progress(s->j, percent > cap ? cap : percent, s->what);
	if (s->no_return_at && percent >= s->no_return_at)
		return prov_job_no_return(s->j);
	return prov_job_cancelled(s->j);
}

static enum vds_result
vdisk_errno_result(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return VDS_R_NO_SPACE;
	case ECANCELED:
		return VDS_R_CANCELLED;
	case EEXIST:
		return VDS_R_EXISTS;
	case ENOENT:
		return VDS_R_NOT_FOUND;
	case EBUSY:
		return VDS_R_IN_USE;
	case EROFS:
		return VDS_R_READ_ONLY;
	case EACCES:
	case EPERM:
		return VDS_R_NOT_ALLOWED;
	case EFBIG:
		return VDS_R_INVALID_PARAM;
	case ENXIO:
		return VDS_R_DEVICE_GONE;
	case EIO:
		return VDS_R_IO_ERROR;
	default:
		return VDS_R_FAILED;
	}
}

#if ENABLE_BASIC
/* vdsJobParamInitLabel: the new disk's partition table, written as basic writes labels. */
static int
vdisk_write_label(int fd, const char *path, void *arg, char *msg, size_t msglen)
{
	const enum job_init_label *label = arg;
	struct fdisk_context *cxt = blabel_open(fd, path, 0, msg, msglen);
	enum vds_result r;

	if (!cxt)
		return -1;
	r = blabel_init(cxt, *label == JOB_LABEL_GPT ? INV_PS_GPT : INV_PS_MBR, msg, msglen);
	if (r == VDS_R_OK)
		r = blabel_write(cxt, path, msg, msglen);
	blabel_close(cxt);
	errno = r == VDS_R_OK ? 0 : EIO;
	return r == VDS_R_OK ? 0 : -1;
}
#endif

static enum vds_result
vdisk_run_create(struct vdisk_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	struct vdisk_step s = {j, pl->rec.type == INV_VDT_FIXED ? "allocating" : "creating", 0, 0};

	prov_job_progress(j, 0, s.what);
	if (pl->rec.format == INV_VF_VHD && pl->rec.type != INV_VDT_FIXED) {
		if (vhd_create(pl->rec.path, pl->rec.vsize,
		               pl->rec.parent[0] ? pl->rec.parent : NULL, msg, msglen) < 0)
			return vdisk_errno_result(errno);
	} else if (vdi_create(pl->rec.path, pl->rec.format, pl->rec.type, pl->rec.vsize,
	                      vdisk_on_step, &s, msg, msglen) < 0) {
		return vdisk_errno_result(errno);
	}
#if ENABLE_BASIC
	if (pl->p.init_label == JOB_LABEL_GPT || pl->p.init_label == JOB_LABEL_MBR) {
		prov_job_progress(j, 99, "writing partition table");
		if (vdi_label(pl->rec.path, pl->rec.format, pl->rec.vsize, vdisk_write_label,
		              &pl->p.init_label, msg, msglen) < 0)
			return vdisk_errno_result(errno);
	}
#endif
	prov_job_no_return(j); /* the image is complete: only recording is left */
	return VDS_R_OK;
}

static enum vds_result
vdisk_run_loop(struct vdisk_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	int rc;

	if (prov_job_cancelled(j)) {
		snprintf(msg, msglen, "cancelled before the loop device was touched");
		return VDS_R_CANCELLED;
	}
	prov_job_no_return(j);
	if (pl->p.type == JOB_ATTACH_VDISK && pl->rec.format == INV_VF_VHD &&
	    pl->rec.type != INV_VDT_FIXED) {
		/* the kernel loops no dynamic VHD: vdsd-nbd serves it as /dev/nbdN */
		prov_job_progress(j, 10, "starting nbd server");
		rc = vdn_attach(pl->nbd_helper, pl->rec.path, pl->p.read_only, pl->devnode, msg,
		                msglen);
		if (rc < 0 && errno == ENODEV)
			return VDS_R_NOT_SUPPORTED;
	} else if (pl->p.type == JOB_ATTACH_VDISK) {
		prov_job_progress(j, 10, "attaching");
		rc = vdl_attach(pl->rec.path, pl->rec.vsize, pl->p.read_only, pl->devnode, &pl->dio,
		                msg, msglen);
	} else if (!strncmp(pl->devnode, "/dev/nbd", 8)) {
		prov_job_progress(j, 10, "disconnecting nbd");
		rc = vdn_detach(VDISK_SYSBLOCK, pl->devnode, pl->rec.path, msg, msglen);
	} else {
		prov_job_progress(j, 10, "detaching");
		rc = vdl_detach(pl->devnode, pl->rec.path, msg, msglen);
	}
	return rc < 0 ? vdisk_errno_result(errno) : VDS_R_OK;
}

static enum vds_result
vdisk_run_delete(struct vdisk_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	if (prov_job_cancelled(j)) {
		snprintf(msg, msglen, "cancelled before %s was deleted", pl->rec.path);
		return VDS_R_CANCELLED;
	}
	prov_job_no_return(j);
	prov_job_progress(j, 10, "deleting file");
	if (unlink(pl->rec.path) < 0 && errno != ENOENT) {
		snprintf(msg, msglen, "cannot delete %s: %s", pl->rec.path, strerror(errno));
		return vdisk_errno_result(errno);
	}
	return VDS_R_OK;
}

static enum vds_result
vdisk_run_expand(struct vdisk_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	/* cancel until the file has grown; past that (the footer moves) no more */
	struct vdisk_step s = {j, pl->rec.type == INV_VDT_FIXED ? "allocating" : "growing file", 99,
	                       90};
	int rc;

	prov_job_progress(j, 0, s.what);
	if (pl->rec.format == INV_VF_VHD && pl->rec.type == INV_VDT_EXPANDABLE) {
		/* a dynamic VHD: its BAT and footers; attached, its server grows it and the device
		 */
		if (prov_job_no_return(j)) {
			snprintf(msg, msglen, "cancelled before %s was touched", pl->rec.path);
			return VDS_R_CANCELLED;
		}
		rc = pl->devnode[0] ? vdn_grow(VDISK_SYSBLOCK, pl->devnode, pl->rec.path, pl->vsize,
		                               msg, msglen)
		                    : vhd_expand(pl->rec.path, pl->vsize, msg, msglen);
		if (rc < 0)
			return vdisk_errno_result(errno);
		pl->rec.vsize = pl->vsize;
		return VDS_R_OK;
	}
	if (vdg_expand(pl->rec.path, pl->rec.format, pl->rec.type, pl->rec.vsize, pl->vsize,
	               vdisk_on_step, &s, msg, msglen) < 0)
		return vdisk_errno_result(errno);
	pl->rec.vsize = pl->vsize; /* the file is the new size from here on, whatever follows */
	if (pl->devnode[0]) {
		prov_job_progress(j, 95, "growing device");
		if (vdl_resize(pl->devnode, pl->rec.path, pl->vsize, msg, msglen) < 0)
			return vdisk_errno_result(errno);
	}
	return VDS_R_OK;
}

static enum vds_result
vdisk_run_compact(struct vdisk_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	struct vdisk_step s = {j, "punching zero blocks", 0, 0};

	prov_job_progress(j, 0, s.what);
	/* a dynamic or differencing VHD: a zero run reads as zeros wherever it lies */
	if (vdg_compact(
	        pl->rec.path,
	        pl->rec.format == INV_VF_VHD && pl->rec.type != INV_VDT_FIXED ? 0 : pl->rec.vsize,
	        vdisk_on_step, &s, &pl->reclaimed, msg, msglen) < 0)
		return vdisk_errno_result(errno);
	prov_job_no_return(j); /* done: only recording is left */
	return VDS_R_OK;
}

static enum vds_result
vdisk_run_merge(struct vdisk_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	/* cancel while blocks are copied; once the ancestor is written, no more */
	struct vdisk_step s = {j, "copying blocks", 95, 100};
	unsigned depth = pl->p.merge_depth ? pl->p.merge_depth : 1;
	struct vhd *v, *c;
	enum vds_result r = VDS_R_OK;

	prov_job_progress(j, 0, "checking chain");
	if (vhd_open(&v, pl->rec.path, 1, msg, msglen) < 0)
		return errno == EINVAL || errno == ELOOP ? VDS_R_FAILED : vdisk_errno_result(errno);
	/* the files' chain must be the records' (a parent found elsewhere is not ours) */
	c = v;
	for (unsigned i = 0; i < depth && c; i++)
		c = c->parent;
	if (!c || strcmp(c->path, pl->anc.path) != 0) {
		snprintf(msg, msglen,
		         "%s: the parents its file names are not the ones recorded "
		         "(%u levels up: %s)",
		         pl->rec.path, depth, pl->anc.path);
		r = VDS_R_FAILED;
	} else if (vhd_merge(v, depth, vdisk_on_step, &s, msg, msglen) < 0) {
		r = vdisk_errno_result(errno);
	}
	pl->reparented = strcmp(v->parent_path, pl->anc.path) == 0; /* even when it failed after */
	vhd_close(v);
	if (r == VDS_R_OK)
		prov_job_progress(j, 99, "emptying child");
	return r;
}

static enum vds_result
vdisk_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg,
          size_t msglen)
{
	struct vdisk_plan *pl = plan;

	(void)state;
	(void)out;
	switch (pl->p.type) {
	case JOB_CREATE_VDISK:
		return pl->result = vdisk_run_create(pl, j, msg, msglen);
	case JOB_ATTACH_VDISK:
	case JOB_DETACH_VDISK:
		return pl->result = vdisk_run_loop(pl, j, msg, msglen);
	case JOB_DELETE_VDISK:
		return pl->result = vdisk_run_delete(pl, j, msg, msglen);
	case JOB_EXPAND_VDISK:
		return pl->result = vdisk_run_expand(pl, j, msg, msglen);
	case JOB_COMPACT_VDISK:
		return pl->result = vdisk_run_compact(pl, j, msg, msglen);
	case JOB_MERGE_VDISK:
		return pl->result = vdisk_run_merge(pl, j, msg, msglen);
	default:
		snprintf(msg, msglen, "not a vdisk job");
		return pl->result = VDS_R_NOT_SUPPORTED;
	}
}

/* ------------------------------------------------------------ commit */

/* The records' new content to the state writer (durable.h): 0, or -1 (out of memory). */
static int
vdisk_record(struct vdisk_prov *vp)
{
	char *buf;
	size_t len;

	return vdr_dump(&vp->recs, &buf, &len) < 0 || durable_write(vp->df, buf, len) < 0 ? -1 : 0;
}

static enum vds_result
vdisk_commit_records(struct vdisk_prov *vp, struct vdisk_plan *pl, char *msg, size_t msglen)
{
	struct vdr_rec *rec;

	if (pl->p.type == JOB_CREATE_VDISK) {
		if (vdr_add(&vp->recs, &pl->rec) == 0 && vdisk_record(vp) == 0)
			return VDS_R_OK;
		vdr_del(&vp->recs, pl->rec.path);
		unlink(pl->rec.path); /* not recorded: do not leave it behind */
		snprintf(msg, msglen, "cannot record the vdisk in %s: out of memory",
		         vp->recs.file);
		return VDS_R_NO_MEMORY;
	}
	if (pl->p.type == JOB_EXPAND_VDISK && (rec = vdr_find(&vp->recs, pl->rec.path)) &&
	    rec->vsize != pl->rec.vsize) {
		rec->vsize = pl->rec.vsize; /* grown even when the device was not */
		if (vdisk_record(vp) < 0) {
			snprintf(msg, msglen, "%s grew, but %s could not be written: out of memory",
			         pl->rec.path, vp->recs.file);
			return VDS_R_NO_MEMORY;
		}
	}
	if (pl->reparented && (rec = vdr_find(&vp->recs, pl->rec.path))) {
		snprintf(rec->parent, sizeof(rec->parent), "%s", pl->anc.path); /* re-parented */
		if (vdisk_record(vp) < 0) {
			snprintf(msg, msglen,
			         "%s merged into %s, but %s could not be written: out of memory",
			         pl->rec.path, pl->anc.path, vp->recs.file);
			return VDS_R_NO_MEMORY;
		}
	}
	if (pl->p.type == JOB_DELETE_VDISK) {
		vdr_del(&vp->recs, pl->rec.path);
		if (vdisk_record(vp) < 0) {
			snprintf(msg, msglen,
			         "%s deleted, but %s could not be written: out of memory",
			         pl->rec.path, vp->recs.file);
			return VDS_R_NO_MEMORY;
		}
	}
	return VDS_R_OK;
}

static void
vdisk_outputs(const struct vdisk_plan *pl, struct job_outputs *out)
{
	/* mergeVDisk: the ancestor (the MIB's vdsJobOutVDisk) */
	const struct inv_vdisk *row =
	    vdsy_row(pl->p.type == JOB_MERGE_VDISK ? pl->anc.path : pl->rec.path);

	if (!row || pl->p.type == JOB_ATTACH_VDISK || pl->p.type == JOB_DETACH_VDISK ||
	    pl->p.type == JOB_DELETE_VDISK) /* the MIB: no output for these */
		return;
	out->reclaimed = pl->reclaimed;
	out->vdisk = row->index;
	snprintf(out->objid, sizeof(out->objid), "%s", row->objid);
}

static enum vds_result
vdisk_commit(void *state, void *plan, enum vds_result r, struct job_outputs *out, char *msg,
             size_t msglen)
{
	struct vdisk_prov *vp = state;
	struct vdisk_plan *pl = plan;

	if (r == VDS_R_OK || pl->p.type == JOB_EXPAND_VDISK || pl->reparented)
		r = vdisk_commit_records(vp, pl, msg, msglen) == VDS_R_OK ? r : VDS_R_IO_ERROR;
	if (vdsy_sync(&vp->recs, VDISK_SYSBLOCK, vp->link, pl->rec.path) < 0)
		log_warnx("vdisk", "cannot publish every vdisk");
	if (r != VDS_R_OK)
		return r;
	vdisk_outputs(pl, out);
	if (pl->p.type == JOB_ATTACH_VDISK)
		log_info("vdisk", "%s attached as %s%s%s", pl->rec.path, pl->devnode,
		         pl->p.read_only ? ", read-only" : "", pl->dio ? ", direct I/O" : "");
	return VDS_R_OK;
}

static void
vdisk_free_plan(void *plan)
{
	free(plan);
}

const struct prov_ops vdisk_provider = {
    .name = "vdisk",
    .init = vdisk_init,
    .fini = vdisk_fini,
    .claims = vdisk_claims,
    .validate = vdisk_validate,
    .prepare = vdisk_prepare,
    .run = vdisk_run,
    .commit = vdisk_commit,
    .free_plan = vdisk_free_plan,
    .reload = vdisk_reload,
};
