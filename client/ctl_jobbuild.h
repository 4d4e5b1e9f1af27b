/* SPDX-License-Identifier: ISC */
/*
 * ctl_jobbuild.h - vdsctl's job commands, part two: the command line of
 * each job command turned into the job's parameter columns (the builders
 * ctl_job.c's command table names), and the helpers they share.
 */
#ifndef VDS_CTL_JOBBUILD_H
#define VDS_CTL_JOBBUILD_H

#include <stdint.h>

#include "ctl_job.h"
#include "vdsclient.h"

#define CJ_MAX_POS 4
#define CJ_MAX_OPT 12

struct cj_args {
	char *pos[CJ_MAX_POS];
	int npos;
	const char *key[CJ_MAX_OPT];
	const char *val[CJ_MAX_OPT];
	int nopt;
};

/*
 * The value of --key, or NULL; a size in MiB (cj_mib), an enumeration's
 * label (cj_enum) or a vdisk by index or path (cj_vdisk), each 0 or -1 /
 * an exit status after printing why.  The builders: 0, or the exit status
 * (-1: usage) after printing why.
 */
const char *cj_opt(const struct cj_args *a, const char *key);
int cj_mib(const struct ctl *x, const char *what, const char *s, uint32_t *mib);
int cj_enum(const struct ctl *x, unsigned col, const char *what, const char *s, uint32_t *v);
int cj_vdisk(const struct ctl *x, const char *s, struct vc_job *req);
int cj_build_cpart(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_dpart(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_cvol(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_vol(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_resize(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_break(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_plex_disks(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_replace(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_recover(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_cvdisk(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_vdisk(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_clean(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_format(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_expand(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_diff(const struct ctl *x, struct cj_args *a, struct vc_job *r);
int cj_build_merge(const struct ctl *x, struct cj_args *a, struct vc_job *r);

#endif
