/* SPDX-License-Identifier: ISC */
/*
 * mib_jobcols.c - vdsJobTable's columns as the generic table handler reads
 * them; its writes are mib_job.c's.
 */
#include "config.h"

#include <string.h>

#include "job.h"
#include "jobparam.h"
#include "jobrow.h"
#include "mib_job.h"
#include "mib_oids.h"

#define MJ_MIB (1024ULL * 1024ULL)

/* ------------------------------------------------------------------ reads */

static int
mj_rowstatus(const void *row, struct mib_value *v)
{
	const struct job *j = row;
	char why[256]; /* providers write into it: never NULL */

	v->type = ASN_INTEGER;
	if (j->status != JOB_ST_CREATED)
		v->n.i = RS_ACTIVE;
	else
		v->n.i = job_check(job_params(j), why, sizeof(why)) == VDS_R_OK ? RS_NOT_IN_SERVICE
		                                                                : RS_NOT_READY;
	return 0;
}

static int
mj_time(struct mib_value *v, int64_t ms)
{
	v->type = ASN_OCTET_STR;
	v->len = mib_date_and_time(ms / 1000, (int)(ms % 1000), v->buf);
	v->str = v->buf;
	return 0;
}

static int
mj_mib(struct mib_value *v, uint64_t bytes, uint64_t unit)
{
	v->type = ASN_UNSIGNED;
	v->n.u32 = (uint32_t)(bytes / unit);
	return 0;
}

#define MJ_FN(name, expr)                                                                          \
	static int name(const void *row, struct mib_value *v)                                      \
	{                                                                                          \
		const struct job *j = row;                                                         \
		return expr;                                                                       \
	}
/* The text columns: in an allocation of their own, when a row has any. */
MJ_FN(mj_error_name, mib_value_str(v, job_text(j, JT_ERROR_NAME)))
MJ_FN(mj_error_message, mib_value_str(v, job_text(j, JT_ERROR_MESSAGE)))
MJ_FN(mj_details, mib_value_str(v, job_text(j, JT_DETAILS)))
MJ_FN(mj_owner, mib_value_str(v, job_text(j, JT_OWNER)))
MJ_FN(mj_create_time, mj_time(v, j->create_ms))
MJ_FN(mj_start_time, mj_time(v, j->start_ms))
MJ_FN(mj_end_time, mj_time(v, j->end_ms))
MJ_FN(mj_update_time, mj_time(v, j->update_ms))
MJ_FN(mj_offset_mib, mj_mib(v, job_params(j)->offset, MJ_MIB))
MJ_FN(mj_size_mib, mj_mib(v, job_params(j)->size, MJ_MIB))
MJ_FN(mj_stripe_kib, mj_mib(v, job_params(j)->stripe_size, 1024))

static int
mj_disks(const void *row, struct mib_value *v)
{
	const struct job *j = row;
	/* A list of up to 16 indexes does not fit v->buf; the loop is single-threaded. */
	static char list[JOB_DISKS_TEXT_LEN];

	/* Bounded by the array whatever ndisks says (the store checks it too). */
	job_disks_format(job_params(j), list, sizeof(list));
	return mib_value_str(v, list);
}

#define J(sub, kind, field)                                                                        \
	{                                                                                          \
		sub, kind, offsetof(struct job, field), NULL                                       \
	}
/* A column of struct job that is a byte (its small enums and flags). */
#define J8(sub, kind, field)                                                                       \
	{                                                                                          \
		sub, kind, MIB_U8 | offsetof(struct job, field), NULL                              \
	}
/* A column of the job's parameters or outputs (struct job_po). */
#define JP(sub, kind, field)                                                                       \
	{                                                                                          \
		sub, kind, MIB_PART | offsetof(struct job_po, field), NULL                         \
	}
#define JF(sub, fn)                                                                                \
	{                                                                                          \
		sub, MK_FN, 0, fn                                                                  \
	}
static const struct mib_col mj_cols[] = {
    JF(VDS_JOB_ROW_STATUS, mj_rowstatus),
    JP(VDS_JOB_TYPE, MK_INT, params.type),
    J8(VDS_JOB_STATUS, MK_INT, status),
    J8(VDS_JOB_PERCENT, MK_U32, percent),
    J8(VDS_JOB_RESULT, MK_INT, result),
    J(VDS_JOB_HRESULT, MK_U32, hresult),
    JF(VDS_JOB_ERROR_NAME, mj_error_name),
    JF(VDS_JOB_ERROR_MESSAGE, mj_error_message),
    JF(VDS_JOB_DETAILS, mj_details),
    JF(VDS_JOB_OWNER, mj_owner),
    J8(VDS_JOB_KEEP_RESULT, MK_BOOL, keep_result),
    J8(VDS_JOB_CONTROL, MK_INT, control),
    J8(VDS_JOB_CANCEL_STATE, MK_INT, cancel_state),
    J8(VDS_JOB_NOTIFY_PROGRESS, MK_BOOL, notify_progress),
    JP(VDS_JOB_RESULT_TYPE, MK_INT, params.type),
    JP(VDS_JOB_PROVIDER, MK_STR, provider),
    JF(VDS_JOB_CREATE_TIME, mj_create_time),
    JF(VDS_JOB_START_TIME, mj_start_time),
    JF(VDS_JOB_END_TIME, mj_end_time),
    JF(VDS_JOB_LAST_UPDATE_TIME, mj_update_time),
    JP(VDS_JOB_P_DISK, MK_U32, params.disk),
    JF(VDS_JOB_P_OFFSET_MIB, mj_offset_mib),
    JF(VDS_JOB_P_SIZE_MIB, mj_size_mib),
    JP(VDS_JOB_P_PARTITION_TYPE, MK_STR, params.partition_type),
    JP(VDS_JOB_P_PARTITION, MK_U32, params.partition),
    JP(VDS_JOB_P_PACK, MK_U32, params.pack),
    JP(VDS_JOB_P_VOLUME_TYPE, MK_INT, params.volume_type),
    JF(VDS_JOB_P_DISKS, mj_disks),
    JF(VDS_JOB_P_STRIPE_KIB, mj_stripe_kib),
    JP(VDS_JOB_P_VOLUME, MK_U32, params.volume),
    JP(VDS_JOB_P_PLEX, MK_U32, params.plex),
    JP(VDS_JOB_P_PATH, MK_STR, params.path),
    JP(VDS_JOB_P_VDISK_TYPE, MK_INT, params.vdisk_type),
    JP(VDS_JOB_P_VDISK_FORMAT, MK_INT, params.vdisk_format),
    JP(VDS_JOB_P_VDISK, MK_U32, params.vdisk),
    JP(VDS_JOB_P_NAME, MK_STR, params.name),
    JP(VDS_JOB_P_INIT_LABEL, MK_INT, params.init_label),
    JP(VDS_JOB_P_READ_ONLY, MK_BOOL, params.read_only),
    JP(VDS_JOB_P_PLEX_COUNT, MK_U32, params.plex_count),
    JP(VDS_JOB_O_OFFSET, MK_BYTES, outputs.offset),
    JP(VDS_JOB_O_PARTITION, MK_U32, outputs.partition),
    JP(VDS_JOB_O_VOLUME, MK_U32, outputs.volume),
    JP(VDS_JOB_O_RECLAIMED, MK_BYTES, outputs.reclaimed),
    JP(VDS_JOB_O_VDISK, MK_U32, outputs.vdisk),
    JP(VDS_JOB_O_OBJECT_ID, MK_STR, outputs.objid),
    JP(VDS_JOB_P_FS_TYPE, MK_STR, params.fs_type),
    JP(VDS_JOB_P_ALLOC_UNIT, MK_U32, params.alloc_unit),
    JP(VDS_JOB_P_FORCE, MK_BOOL, params.force),
    JP(VDS_JOB_P_FULL_CLEAN, MK_BOOL, params.full_clean),
    JP(VDS_JOB_P_ALLOW_DATA_LOSS, MK_BOOL, params.allow_data_loss),
    JP(VDS_JOB_P_MERGE_DEPTH, MK_U32, params.merge_depth),
    JP(VDS_JOB_P_PARITY_COUNT, MK_U32, params.parity_count),
    JP(VDS_JOB_O_PLEX, MK_U32, outputs.plex),
    JP(VDS_JOB_O_RECOVERED, MK_U32, outputs.recovered),
    JP(VDS_JOB_O_LOST, MK_U32, outputs.lost),
};

static const void *
mj_po(const void *row)
{
	return job_po(row);
}

const struct mib_table mib_job_table = {
    .name = "vdsJobTable",
    .base = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_JOB_TABLE, 1},
    .base_len = VDS_MIB_ROOT_LEN + 3,
    .cols = mj_cols,
    .ncols = sizeof(mj_cols) / sizeof(mj_cols[0]),
    .rows = job_table,
    .part = mj_po,
    .set = mib_job_set,
};
