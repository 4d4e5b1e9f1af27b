/* SPDX-License-Identifier: ISC */
/*
 * vdisk_check.c - validation of vdisk jobs.
 *
 * The image path must be exactly what the kernel will later show as the
 * loop device's backing file (that is how attached vdisks are found again),
 * so it must be absolute, normalised and free of symbolic links in its
 * directory part; that also keeps a link from leading out of the roots.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "vdisk_check.h"
#include "vdisk_image.h"

#define VDC_FAIL(code, ...)                                                                        \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (code);                                                                     \
	} while (0)

int
vdc_under_root(const struct strlist *roots, const char *path)
{
	for (size_t i = 0; i < roots->n; i++) {
		size_t l = strlen(roots->v[i]);

		while (l > 1 && roots->v[i][l - 1] == '/')
			l--;
		if (l == 1 && path[0] == '/' && path[1]) /* root "/" */
			return 1;
		if (!strncmp(path, roots->v[i], l) && path[l] == '/' && path[l + 1])
			return 1;
	}
	return 0;
}

static int
vdc_normalised(const char *path)
{
	size_t l = strlen(path);

	return path[0] == '/' && l > 1 && path[l - 1] != '/' && !strstr(path, "//") &&
	       !strstr(path, "/./") && !strstr(path, "/../") &&
	       strcmp(path + (l >= 2 ? l - 2 : 0), "/.") &&
	       strcmp(path + (l >= 3 ? l - 3 : 0), "/..");
}

/* The directory part of path exists, is a directory and holds no link. */
static enum vds_result
vdc_parent(const char *path, char *why, size_t len)
{
	char dir[VDR_PATH_LEN], real[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (!realpath(dir[0] ? dir : "/", real))
		VDC_FAIL(VDS_R_NOT_FOUND, "the directory %s: %s", dir, strerror(errno));
	if (strcmp(real, dir[0] ? dir : "/") != 0)
		VDC_FAIL(VDS_R_NOT_ALLOWED, "%s is reached through a symbolic link (%s)", dir,
		         real);
	return VDS_R_OK;
}

/* A record of this provider by vdisk index, or NULL. */
static const struct vdr_rec *
vdc_by_index(const struct vdc_ctx *c, uint32_t index)
{
	const struct inv_vdisk *row = index ? inv_get(INV_VDISK, index) : NULL;

	return row && !strcmp(row->provider, VDSY_PROVIDER) ? vdr_find(c->recs, row->path) : NULL;
}

/* A differencing VHD: its parent (vdsJobParamVDisk) and therefore its size. */
static enum vds_result
vdc_differencing(const struct vdc_ctx *c, const struct job_params *p, struct vdr_rec *rec,
                 char *why, size_t len)
{
	const struct vdr_rec *par = vdc_by_index(c, p->vdisk);

	if (rec->format != INV_VF_VHD)
		VDC_FAIL(VDS_R_INVALID_PARAM,
		         "a differencing vdisk is a VHD (vdsJobParamVDiskFormat "
		         "vhd(2))");
	if (!p->vdisk)
		VDC_FAIL(VDS_R_INVALID_PARAM,
		         "a differencing vdisk needs its parent in vdsJobParamVDisk");
	if (!par)
		VDC_FAIL(VDS_R_NOT_FOUND, "no vdisk with index %" PRIu32 " (the parent)", p->vdisk);
	if (par->format != INV_VF_VHD)
		VDC_FAIL(VDS_R_INVALID_PARAM,
		         "a differencing vdisk is a VHD over a VHD parent (%s is raw)", par->path);
	if (p->size && vdi_virtual_size(INV_VF_VHD, p->size) != par->vsize)
		VDC_FAIL(VDS_R_INVALID_PARAM,
		         "a differencing vdisk has its parent's size (%" PRIu64 " MiB): give 0",
		         par->vsize >> 20);
	rec->vsize = par->vsize;
	snprintf(rec->parent, sizeof(rec->parent), "%s", par->path);
	return VDS_R_OK;
}

static enum vds_result
vdc_format(const struct vdc_ctx *c, const struct job_params *p, struct vdr_rec *rec, char *why,
           size_t len)
{
	rec->type = p->vdisk_type ? p->vdisk_type : INV_VDT_EXPANDABLE;
	rec->format = p->vdisk_format                     ? p->vdisk_format
	              : rec->type == INV_VDT_DIFFERENCING ? INV_VF_VHD
	                                                  : INV_VF_RAW;
	if (rec->format != INV_VF_RAW && rec->format != INV_VF_VHD)
		VDC_FAIL(VDS_R_INVALID_PARAM, "unknown vdisk format %d", (int)rec->format);
	if (rec->type != INV_VDT_FIXED && rec->type != INV_VDT_EXPANDABLE &&
	    rec->type != INV_VDT_DIFFERENCING)
		VDC_FAIL(VDS_R_INVALID_PARAM, "unknown vdisk type %d", (int)rec->type);
	if (rec->format == INV_VF_VHD && rec->type != INV_VDT_FIXED &&
	    (p->init_label == JOB_LABEL_GPT || p->init_label == JOB_LABEL_MBR))
		VDC_FAIL(VDS_R_NOT_SUPPORTED,
		         "an initial label is written on raw images and fixed VHDs only: a "
		         "dynamic or differencing VHD gets none");
	if (rec->type == INV_VDT_DIFFERENCING)
		return vdc_differencing(c, p, rec, why, len);
	if (p->size == 0 || !(rec->vsize = vdi_virtual_size(rec->format, p->size)))
		VDC_FAIL(VDS_R_INVALID_PARAM, "size %" PRIu64 " bytes is out of range%s", p->size,
		         rec->format == INV_VF_VHD ? " (a VHD holds at most 2040 GiB)" : "");
	return VDS_R_OK;
}

enum vds_result
vdc_create(const struct vdc_ctx *c, const struct job_params *p, struct vdr_rec *rec, char *why,
           size_t len)
{
	struct stat sb;
	enum vds_result r;

	memset(rec, 0, sizeof(*rec));
	if (strlen(p->path) >= sizeof(rec->path) || !vdc_normalised(p->path))
		VDC_FAIL(VDS_R_INVALID_PARAM, "the vdisk path must be absolute and normalised");
	if (!vdc_under_root(c->roots, p->path))
		VDC_FAIL(VDS_R_NOT_ALLOWED, "%s is outside the configured vdiskRoot directories",
		         p->path);
	if ((r = vdc_format(c, p, rec, why, len)) != VDS_R_OK)
		return r;
#if !ENABLE_BASIC
	if (p->init_label == JOB_LABEL_GPT || p->init_label == JOB_LABEL_MBR)
		VDC_FAIL(VDS_R_NOT_SUPPORTED, "vdsd was built without libfdisk: it cannot write "
		                              "an initial label on a new vdisk");
#endif
	if ((r = vdc_parent(p->path, why, len)) != VDS_R_OK)
		return r;
	if (lstat(p->path, &sb) == 0 || vdr_find(c->recs, p->path))
		VDC_FAIL(VDS_R_EXISTS, "%s exists already", p->path);
	snprintf(rec->path, sizeof(rec->path), "%s", p->path);
	return VDS_R_OK;
}

enum vds_result
vdc_target(const struct vdc_ctx *c, const struct job_params *p, const struct vdr_rec **rec,
           char *why, size_t len)
{
	*rec = NULL;
	if (p->vdisk) {
		if (!(*rec = vdc_by_index(c, p->vdisk)))
			VDC_FAIL(VDS_R_NOT_FOUND, "no vdisk with index %" PRIu32, p->vdisk);
		if (p->path[0] && strcmp(p->path, (*rec)->path) != 0)
			VDC_FAIL(VDS_R_INVALID_PARAM, "vdisk %" PRIu32 " is %s, not %s", p->vdisk,
			         (*rec)->path, p->path);
		return VDS_R_OK;
	}
	if (!(*rec = vdr_find(c->recs, p->path)))
		VDC_FAIL(VDS_R_NOT_FOUND, "no vdisk at %s", p->path);
	return VDS_R_OK;
}

/* mergeVDisk: the ancestor depth levels up; every disk between has this chain's child only. */
static enum vds_result
vdc_merge(const struct vdc_ctx *c, const struct job_params *p, const struct vdr_rec *rec,
          struct vdc_op_out *o, char *why, size_t len)
{
	unsigned depth = p->merge_depth ? p->merge_depth : 1;
	const struct vdr_rec *up = rec;

	if (rec->type != INV_VDT_DIFFERENCING)
		VDC_FAIL(VDS_R_INVALID_PARAM, "%s is not a differencing vdisk: it has no parent",
		         rec->path);
	for (unsigned i = 0; i < depth; i++) {
		if (up->type != INV_VDT_DIFFERENCING)
			VDC_FAIL(VDS_R_INVALID_PARAM, "%s has only %u parent level(s), not %u",
			         rec->path, i, depth);
		if (i && vdr_children(c->recs, up->path) > 1)
			VDC_FAIL(VDS_R_NOT_EMPTY, "%s (between) has another differencing child",
			         up->path);
		if (!(up = vdr_find(c->recs, up->parent)))
			VDC_FAIL(VDS_R_NOT_FOUND, "a parent of %s is not a vdisk of vdsd's",
			         rec->path);
	}
	if (vdr_children(c->recs, up->path) > 1)
		VDC_FAIL(VDS_R_NOT_EMPTY,
		         "%s has another differencing child that the merge would corrupt",
		         up->path);
	if (o)
		o->anc = up;
	return VDS_R_OK;
}

enum vds_result
vdc_op(const struct vdc_ctx *c, const struct job_params *p, const struct vdr_rec *rec,
       struct vdc_op_out *o, char *why, size_t len)
{
	uint64_t v;

	switch (p->type) {
	case JOB_ATTACH_VDISK:
		if (!p->read_only && vdr_children(c->recs, rec->path))
			VDC_FAIL(VDS_R_IN_USE,
			         "%s is the parent of a differencing vdisk: a write to it would "
			         "change what its child reads (attach it read-only)",
			         rec->path);
		return VDS_R_OK;
	case JOB_DELETE_VDISK:
		if (vdr_children(c->recs, rec->path))
			VDC_FAIL(VDS_R_NOT_EMPTY, "%s is the parent of a differencing vdisk",
			         rec->path);
		return VDS_R_OK;
	case JOB_EXPAND_VDISK:
		if (rec->type == INV_VDT_DIFFERENCING || vdr_children(c->recs, rec->path))
			VDC_FAIL(
			    VDS_R_NOT_SUPPORTED,
			    "%s is in a differencing chain: every disk of a chain has one size",
			    rec->path);
		if (!(v = vdi_virtual_size(rec->format, p->size)))
			VDC_FAIL(VDS_R_INVALID_PARAM, "size %" PRIu64 " bytes is out of range%s",
			         p->size,
			         rec->format == INV_VF_VHD ? " (a VHD holds at most 2040 GiB)"
			                                   : "");
		if (v <= rec->vsize)
			VDC_FAIL(VDS_R_INVALID_PARAM,
			         "%s is %" PRIu64
			         " MiB: the new size must be larger (shrinking is not "
			         "supported)",
			         rec->path, rec->vsize >> 20);
		if (o)
			o->vsize = v;
		return VDS_R_OK;
	case JOB_COMPACT_VDISK:
		if (rec->type == INV_VDT_FIXED)
			VDC_FAIL(VDS_R_NOT_SUPPORTED,
			         "%s is fixed: compacting applies to expandable vdisks only",
			         rec->path);
		return VDS_R_OK;
	case JOB_MERGE_VDISK:
		return vdc_merge(c, p, rec, o, why, len);
	default:
		return VDS_R_OK;
	}
}

static enum vds_result
vdc_space(const struct vdr_rec *rec, uint64_t from, char *why, size_t len)
{
	char dir[VDR_PATH_LEN];
	struct statvfs sv;
	uint64_t need = vdi_file_size(rec->format, rec->vsize) - from, avail;

	snprintf(dir, sizeof(dir), "%s", rec->path);
	*strrchr(dir, '/') = '\0';
	if (statvfs(dir[0] ? dir : "/", &sv) < 0)
		VDC_FAIL(VDS_R_IO_ERROR, "statvfs %s: %s", dir, strerror(errno));
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (rec->type != INV_VDT_FIXED) /* a VHD's header and BAT; a raw image nothing */
		need = rec->format == INV_VF_VHD ? 8192 + rec->vsize / (512 * 1024) : 0;
	if (need > avail)
		VDC_FAIL(VDS_R_NO_SPACE, "%s needs %" PRIu64 " bytes, %s has %" PRIu64 " free",
		         rec->path, need, dir, avail);
	return VDS_R_OK;
}

enum vds_result
vdc_start(const struct job_params *p, const struct vdr_rec *rec, uint64_t vsize,
          const struct vdsy_state *st, char *why, size_t len)
{
	struct vdr_rec grown;

	switch (p->type) {
	case JOB_CREATE_VDISK:
		return vdc_space(rec, 0, why, len);
	case JOB_ATTACH_VDISK:
		if (st->loop)
			VDC_FAIL(VDS_R_IN_USE, "%s is attached already as %s", rec->path,
			         st->loop->devnode);
		if (st->status == INV_ST_MISSING)
			VDC_FAIL(VDS_R_NOT_FOUND, "the image file %s is missing", rec->path);
		return VDS_R_OK;
	case JOB_DETACH_VDISK:
		if (!st->loop)
			VDC_FAIL(VDS_R_INVALID_PARAM, "%s is not attached", rec->path);
		return VDS_R_OK;
	case JOB_DELETE_VDISK:
		if (st->loop)
			VDC_FAIL(VDS_R_NOT_EMPTY, "%s is attached as %s: detach it first",
			         rec->path, st->loop->devnode);
		return VDS_R_OK;
	case JOB_EXPAND_VDISK:
		if (st->status == INV_ST_MISSING)
			VDC_FAIL(VDS_R_NOT_FOUND, "the image file %s is missing", rec->path);
		if (st->loop && st->loop->read_only && rec->format == INV_VF_VHD &&
		    rec->type != INV_VDT_FIXED)
			VDC_FAIL(VDS_R_IN_USE,
			         "%s is attached read-only as %s: its server may not write the "
			         "block table the expand grows (attach it read-write)",
			         rec->path, st->loop->devnode);
		if (st->deleted)
			VDC_FAIL(VDS_R_NOT_FOUND, "%s was deleted while attached", rec->path);
		grown = *rec;
		grown.vsize = vsize;
		return vdc_space(&grown, vdi_file_size(rec->format, rec->vsize), why, len);
	case JOB_COMPACT_VDISK:
		if (st->status == INV_ST_MISSING)
			VDC_FAIL(VDS_R_NOT_FOUND, "the image file %s is missing", rec->path);
		if (st->loop && !st->loop->read_only)
			VDC_FAIL(
			    VDS_R_IN_USE,
			    "%s is attached read-write as %s: a write racing the compaction could "
			    "be lost (detach it, or attach it read-only)",
			    rec->path, st->loop->devnode);
		return VDS_R_OK;
	case JOB_MERGE_VDISK: /* the ancestor: vdisk.c's chain check */
		if (st->status == INV_ST_MISSING)
			VDC_FAIL(VDS_R_NOT_FOUND, "the image file %s is missing", rec->path);
		if (st->loop)
			VDC_FAIL(VDS_R_IN_USE,
			         "%s is attached%s as %s: its server holds the block table the "
			         "merge empties (detach it first)",
			         rec->path, st->loop->read_only ? " read-only" : "",
			         st->loop->devnode);
		return VDS_R_OK;
	default:
		VDC_FAIL(VDS_R_NOT_SUPPORTED, "the vdisk provider does not run job type %d",
		         (int)p->type);
	}
}
