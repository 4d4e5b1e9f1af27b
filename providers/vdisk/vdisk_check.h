/* SPDX-License-Identifier: ISC */
/*
 * vdisk_check.h - what the vdisk provider accepts.
 *
 * Two stages, so a SET is answered from cheap, stable facts and everything
 * that can change until the job starts is a job result:
 *   - at SET time (validate): parameters, path rules, the vdisk roots, an
 *     existing file, an unknown vdisk;
 *   - when the job starts (prepare): free space, attached or not, image
 *     present or missing.
 * Loop thread only.
 */
#ifndef VDS_VDISK_CHECK_H
#define VDS_VDISK_CHECK_H

#include <stddef.h>

#include "conf.h"
#include "provider.h"
#include "vdisk_store.h"
#include "vdisk_sync.h"

struct vdc_ctx {
	const struct vdr_set *recs;
	const struct strlist *roots; /* canonical directories */
};

/* 1 when path lies inside one of roots (strictly below it). */
int vdc_under_root(const struct strlist *roots, const char *path);

/*
 * A createVDisk: absolute normalised path below a root whose directory
 * exists and has no symbolic link in it, no file there yet, a known format
 * and type, a size the format can hold (differencing: a VHD over a VHD
 * vdisk of this provider, vdsJobParamVDisk, its size); no initial label on
 * a dynamic or differencing VHD.  Fills rec.
 */
enum vds_result vdc_create(const struct vdc_ctx *c, const struct job_params *p, struct vdr_rec *rec,
                           char *why, size_t len);

/* The vdisk an attach/detach/delete names (vdsJobParamVDisk or vdsJobParamPath). */
enum vds_result vdc_target(const struct vdc_ctx *c, const struct job_params *p,
                           const struct vdr_rec **rec, char *why, size_t len);

/*
 * The job against the vdisk's record (and the records of its chain):
 * attachVDisk (raw or fixed VHD: the kernel loops no other), deleteVDisk
 * (no differencing child), expandVDisk (no chain; a larger size the format
 * holds: o->vsize), compactVDisk (not fixed), mergeVDisk (a differencing
 * vdisk, that many levels, no other child between or on the ancestor:
 * o->anc); other types pass.  o may be NULL.
 */
struct vdc_op_out {
	uint64_t vsize;            /* expandVDisk: the new virtual size */
	const struct vdr_rec *anc; /* mergeVDisk: the ancestor written */
};

enum vds_result vdc_op(const struct vdc_ctx *c, const struct job_params *p,
                       const struct vdr_rec *rec, struct vdc_op_out *o, char *why, size_t len);
/* The job against the vdisk's state now (st: from vdsy_state; vsize: expand's new size). */
enum vds_result vdc_start(const struct job_params *p, const struct vdr_rec *rec, uint64_t vsize,
                          const struct vdsy_state *st, char *why, size_t len);

#endif
