/* SPDX-License-Identifier: ISC */
/*
 * ctl_jobbuild.c - each job command's arguments into the job's parameter
 * columns (see ctl_jobbuild.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_jobbuild.h"
#include "ctl_obj.h"
#include "mib_oids.h"
#include "vcfields.h"
#include "vcunits.h"

const char *
cj_opt(const struct cj_args *a, const char *key)
{
	for (int i = 0; i < a->nopt; i++)
		if (!strcmp(a->key[i], key))
			return a->val[i];
	return NULL;
}

/* SIZE as whole MiB (rounded up); what names it in messages. */
int
cj_mib(const struct ctl *x, const char *what, const char *s, uint32_t *mib)
{
	uint64_t b;

	if (vc_parse_size(s, VC_MIB, &b) < 0)
		return ctl_usage_error(x, "%s \"%s\" is not a size (examples: 100M, 1.5G, 2TiB)",
		                       what, s),
		       -1;
	b = (b + VC_MIB - 1) / VC_MIB;
	if (b == 0 || b > 0xFFFFFFFFULL)
		return ctl_usage_error(x, "%s \"%s\" is out of range (1 MiB to 4 PiB)", what, s),
		       -1;
	*mib = (uint32_t)b;
	return 0;
}

/* An enumeration value from its label, e.g. "mirror" -> 4. */
int
cj_enum(const struct ctl *x, unsigned col, const char *what, const char *s, uint32_t *v)
{
	const struct vcf_field *f = vcf_field(vcf_table(VC_T_JOB), col);

	for (uint32_t i = 1; f->labels[i]; i++)
		if (!strcmp(f->labels[i], s)) {
			*v = i;
			return 0;
		}
	return ctl_usage_error(x, "%s \"%s\" is not known", what, s), -1;
}

/* A vdisk argument: an image path, or an index or device node. */
int
cj_vdisk(const struct ctl *x, const char *s, struct vc_job *req)
{
	if (s[0] == '/' && strncmp(s, "/dev/", 5) != 0) {
		snprintf(req->p_path, sizeof(req->p_path), "%s", s);
		return 0;
	}
	return ctl_object(x, VC_T_VDISK, s, &req->p_vdisk);
}

int
cj_build_cpart(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o;

	int rc;

	if ((rc = ctl_object(x, VC_T_DISK, a->pos[0], &r->p_disk)))
		return rc;
	if (cj_mib(x, "size", a->pos[1], &r->p_size_mib) < 0)
		return -1;
	if ((o = cj_opt(a, "offset")) && cj_mib(x, "offset", o, &r->p_offset_mib) < 0)
		return -1;
	snprintf(r->p_ptype, sizeof(r->p_ptype), "%s", (o = cj_opt(a, "type")) ? o : "");
	snprintf(r->p_name, sizeof(r->p_name), "%s", (o = cj_opt(a, "name")) ? o : "");
	if ((o = cj_opt(a, "label")) &&
	    cj_enum(x, VDS_JOB_P_INIT_LABEL, "label", o, &r->p_init_label) < 0)
		return -1;
	return 0;
}

int
cj_build_dpart(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	return ctl_object(x, VC_T_PARTITION, a->pos[0], &r->p_partition);
}

int
cj_build_cvol(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o;

	if (cj_mib(x, "size", a->pos[0], &r->p_size_mib) < 0)
		return -1;
	int rc;

	if ((o = cj_opt(a, "pack")) && (rc = ctl_object(x, VC_T_PACK, o, &r->p_pack)))
		return rc;
	snprintf(r->p_disks, sizeof(r->p_disks), "%s", (o = cj_opt(a, "disks")) ? o : "");
	if (!r->p_pack && !r->p_disks[0])
		return ctl_usage_error(x, "create-volume needs --pack N or --disks LIST"), -1;
	if ((o = cj_opt(a, "layout")) &&
	    cj_enum(x, VDS_JOB_P_VOLUME_TYPE, "layout", o, &r->p_voltype) < 0)
		return -1;
	if ((o = cj_opt(a, "stripe"))) {
		uint64_t b;

		if (vc_parse_size(o, 1024, &b) < 0 || b < 1024 || b / 1024 > 1048576)
			return ctl_usage_error(x, "stripe size \"%s\" is not valid", o), -1;
		r->p_stripe_kib = (uint32_t)(b / 1024);
	}
	if ((o = cj_opt(a, "plexes")) && ctl_index(x, "plex count", o, &r->p_plex_count) < 0)
		return -1;
	if ((o = cj_opt(a, "parity")) && ctl_index(x, "parity count", o, &r->p_parity_count) < 0)
		return -1;
	snprintf(r->p_name, sizeof(r->p_name), "%s", (o = cj_opt(a, "name")) ? o : "");
	return 0;
}

int
cj_build_vol(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	return ctl_object(x, VC_T_VOLUME, a->pos[0], &r->p_volume);
}

/* VOLUME SIZE: shrink (the size to remove) and extend (the size to add). */
int
cj_build_resize(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	int rc;

	if ((rc = ctl_object(x, VC_T_VOLUME, a->pos[0], &r->p_volume)))
		return rc;
	return cj_mib(x, "size", a->pos[1], &r->p_size_mib);
}

int
cj_build_break(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	int rc;

	if ((rc = ctl_object(x, VC_T_VOLUME, a->pos[0], &r->p_volume)))
		return rc;
	return ctl_index(x, "plex", a->pos[1], &r->p_plex);
}

/* VOLUME [PLEX] --disks LIST: add-plex (npos 1) and repair-plex (npos 2). */
int
cj_build_plex_disks(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o = cj_opt(a, "disks");
	int rc;

	if (!o)
		return ctl_usage_error(x, "name the new plex's disks with --disks LIST"), -1;
	snprintf(r->p_disks, sizeof(r->p_disks), "%s", o);
	if (a->npos == 1)
		return ctl_object(x, VC_T_VOLUME, a->pos[0], &r->p_volume);
	if ((rc = ctl_object(x, VC_T_VOLUME, a->pos[0], &r->p_volume)))
		return rc;
	return ctl_index(x, "plex", a->pos[1], &r->p_plex);
}

int
cj_build_replace(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o;
	int rc;

	if ((rc = ctl_object(x, VC_T_DISK, a->pos[0], &r->p_disk)))
		return rc;
	snprintf(r->p_disks, sizeof(r->p_disks), "%s", (o = cj_opt(a, "disks")) ? o : "");
	return 0;
}

/* Asks first only with --allow-data-loss: without it nothing is removed. */
int
cj_build_recover(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	char what[300];
	int rc;

	if ((rc = ctl_object(x, VC_T_PACK, a->pos[0], &r->p_pack)))
		return rc;
	if (!cj_opt(a, "allow-data-loss"))
		return 0;
	r->p_allow_data_loss = 1;
	snprintf(what, sizeof(what), "recover-pack %s --allow-data-loss", a->pos[0]);
	return ctl_confirm(x, what, "the volumes of the pack that have no complete copy left");
}

int
cj_build_cvdisk(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o;

	if (a->pos[0][0] != '/')
		return ctl_usage_error(x, "the image path \"%s\" must be absolute", a->pos[0]), -1;
	snprintf(r->p_path, sizeof(r->p_path), "%s", a->pos[0]);
	if (cj_mib(x, "size", a->pos[1], &r->p_size_mib) < 0)
		return -1;
	r->p_vdisk_type = cj_opt(a, "fixed") ? 1 : 0;
	if ((o = cj_opt(a, "format")) &&
	    cj_enum(x, VDS_JOB_P_VDISK_FORMAT, "format", o, &r->p_vdisk_format) < 0)
		return -1;
	if ((o = cj_opt(a, "label")) &&
	    cj_enum(x, VDS_JOB_P_INIT_LABEL, "label", o, &r->p_init_label) < 0)
		return -1;
	return 0;
}

int
cj_build_vdisk(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	if (cj_opt(a, "read-only"))
		r->p_read_only = 1;
	return cj_vdisk(x, a->pos[0], r);
}

int
cj_build_clean(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	r->p_force = cj_opt(a, "force") ? 1 : 0;
	r->p_full_clean = cj_opt(a, "full") ? 1 : 0;
	return ctl_object(x, VC_T_DISK, a->pos[0], &r->p_disk);
}

/* VOLUME (or, with --partition, PARTITION) --fs TYPE [--label L] [--unit SIZE] [--force]. */
int
cj_build_format(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o;
	uint64_t b;
	int rc = cj_opt(a, "partition") ? ctl_object(x, VC_T_PARTITION, a->pos[0], &r->p_partition)
	                                : ctl_object(x, VC_T_VOLUME, a->pos[0], &r->p_volume);

	if (rc)
		return rc;
	if (!(o = cj_opt(a, "fs")))
		return ctl_usage_error(x, "format needs --fs ext4|ext3|ext2|xfs|vfat|btrfs"), -1;
	snprintf(r->p_fs_type, sizeof(r->p_fs_type), "%s", o);
	snprintf(r->p_name, sizeof(r->p_name), "%s", (o = cj_opt(a, "label")) ? o : "");
	if ((o = cj_opt(a, "unit"))) {
		if (vc_parse_size(o, 1, &b) < 0 || b == 0 || b > 67108864)
			return ctl_usage_error(x, "allocation unit \"%s\" is not 1 to 64M bytes",
			                       o),
			       -1;
		r->p_alloc_unit = (uint32_t)b;
	}
	r->p_force = cj_opt(a, "force") ? 1 : 0;
	return 0;
}

/* VDISK|PATH NEW-SIZE: expandVDisk. */
int
cj_build_expand(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	int rc;

	if ((rc = cj_vdisk(x, a->pos[0], r)))
		return rc;
	return cj_mib(x, "size", a->pos[1], &r->p_size_mib);
}

/* PATH PARENT: a differencing VHD over vdisk PARENT. */
int
cj_build_diff(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	if (a->pos[0][0] != '/')
		return ctl_usage_error(x, "the image path \"%s\" must be absolute", a->pos[0]), -1;
	snprintf(r->p_path, sizeof(r->p_path), "%s", a->pos[0]);
	r->p_vdisk_type = 3;   /* differencing */
	r->p_vdisk_format = 2; /* vhd */
	return ctl_object(x, VC_T_VDISK, a->pos[1], &r->p_vdisk);
}

int
cj_build_merge(const struct ctl *x, struct cj_args *a, struct vc_job *r)
{
	const char *o = cj_opt(a, "depth");

	if (o && ctl_index(x, "merge depth", o, &r->p_merge_depth) < 0)
		return -1;
	return cj_vdisk(x, a->pos[0], r);
}
