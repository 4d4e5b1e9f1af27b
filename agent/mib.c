/* SPDX-License-Identifier: ISC */
/*
 * mib.c - the service scalars and the list of VDS-MIB subtrees, registered
 * in OID order.
 */
#include "config.h"

#include <string.h>

#include "mib.h"
#include "mib_health.h"
#include "mib_inv.h"
#include "mib_job.h"
#include "mib_oids.h"
#include "mib_refusal.h"
#include "model.h"
#include "staterr.h"

static struct mib_service_info ms_info;

void
mib_service_set_info(const struct mib_service_info *info)
{
	ms_info = *info;
}

static int
ms_uint(struct mib_value *v, u_char type, uint32_t n)
{
	v->type = type;
	v->n.u32 = n;
	return 0;
}

static int
ms_version(const void *row, struct mib_value *v)
{
	return mib_value_str(v, PACKAGE_VERSION);
}

static int
ms_providers(const void *row, struct mib_value *v)
{
	return mib_value_str(v, ms_info.providers);
}

static int
ms_time(struct mib_value *v, time_t t)
{
	v->type = ASN_OCTET_STR;
	v->len = mib_date_and_time((int64_t)t, 0, v->buf);
	v->str = v->buf;
	return 0;
}

static int
ms_start_time(const void *row, struct mib_value *v)
{
	/* To the tenth of a second (the counters' discontinuity indicator). */
	v->type = ASN_OCTET_STR;
	v->len = mib_date_and_time(ms_info.start_ms / 1000, (int)(ms_info.start_ms % 1000), v->buf);
	v->str = v->buf;
	return 0;
}

static int
ms_last_change(const void *row, struct mib_value *v)
{
	return ms_time(v, inv_last_change());
}

static int
ms_disk_count(const void *row, struct mib_value *v)
{
	return ms_uint(v, ASN_GAUGE, (uint32_t)vtab_count(inv_table(INV_DISK)));
}

static int
ms_volume_count(const void *row, struct mib_value *v)
{
	return ms_uint(v, ASN_GAUGE, (uint32_t)vtab_count(inv_table(INV_VOLUME)));
}

/* Job figures, numbered as the service arcs. */
static int
ms_job_figure(struct mib_value *v, int arc, u_char type)
{
	if (!ms_info.job_count)
		return -1;
	return ms_uint(v, type, ms_info.job_count(arc));
}

#define MS_JOB_FN(fname, arc, type)                                                                \
	static int fname(const void *row, struct mib_value *v)                                     \
	{                                                                                          \
		return ms_job_figure(v, arc, type);                                                \
	}
MS_JOB_FN(ms_running, VDS_SVC_JOBS_RUNNING, ASN_GAUGE)
MS_JOB_FN(ms_queued, VDS_SVC_JOBS_QUEUED, ASN_GAUGE)
MS_JOB_FN(ms_succeeded, VDS_SVC_JOBS_SUCCEEDED, ASN_COUNTER)
MS_JOB_FN(ms_failed, VDS_SVC_JOBS_FAILED, ASN_COUNTER)
MS_JOB_FN(ms_cancelled, VDS_SVC_JOBS_CANCELLED, ASN_COUNTER)

static int
ms_next_handle(const void *row, struct mib_value *v)
{
	if (!ms_info.next_handle)
		return -1;
	return ms_uint(v, ASN_UNSIGNED, ms_info.next_handle());
}

static int
ms_limit(struct mib_value *v, const unsigned *p)
{
	if (!p)
		return -1;
	return ms_uint(v, ASN_UNSIGNED, *p);
}

#define MS_LIMIT_FN(fname, field)                                                                  \
	static int fname(const void *row, struct mib_value *v)                                     \
	{                                                                                          \
		return ms_limit(v, ms_info.field);                                                 \
	}
MS_LIMIT_FN(ms_max_running, max_running)
MS_LIMIT_FN(ms_max_queued, max_queued)
MS_LIMIT_FN(ms_purge_time, purge_time)
MS_LIMIT_FN(ms_max_retained, max_retained)

/* Damaged state records (staterr keeps them; writer threads add to them). */
static int
ms_state_quarantined(const void *row, struct mib_value *v)
{
	return ms_uint(v, ASN_COUNTER, (uint32_t)staterr_count());
}

static int
ms_state_last_problem(const void *row, struct mib_value *v)
{
	static char last[256]; /* VdsName: 255 octets at most; read at once */

	staterr_last(last, sizeof(last));
	return mib_value_str(v, last);
}

static int
ms_state_last_problem_time(const void *row, struct mib_value *v)
{
	char last[1];

	return ms_time(v, staterr_last(last, sizeof(last)));
}

/* What the last reload could not apply (daemon.c's dm_reload). */
static int
ms_restart_needed(const void *row, struct mib_value *v)
{
	return mib_value_str(v, ms_info.restart_needed ? ms_info.restart_needed : "");
}

#define S(sub, fn)                                                                                 \
	{                                                                                          \
		sub, MK_FN, 0, fn                                                                  \
	}
static const struct mib_col ms_cols[] = {
    S(VDS_SVC_VERSION, ms_version),
    S(VDS_SVC_PROVIDERS, ms_providers),
    S(VDS_SVC_START_TIME, ms_start_time),
    S(VDS_SVC_LAST_CHANGE, ms_last_change),
    S(VDS_SVC_DISK_COUNT, ms_disk_count),
    S(VDS_SVC_VOLUME_COUNT, ms_volume_count),
    S(VDS_SVC_JOBS_RUNNING, ms_running),
    S(VDS_SVC_JOBS_QUEUED, ms_queued),
    S(VDS_SVC_JOBS_SUCCEEDED, ms_succeeded),
    S(VDS_SVC_JOBS_FAILED, ms_failed),
    S(VDS_SVC_JOBS_CANCELLED, ms_cancelled),
    S(VDS_SVC_JOB_NEXT_HANDLE, ms_next_handle),
    S(VDS_SVC_JOB_MAX_RUNNING, ms_max_running),
    S(VDS_SVC_JOB_MAX_QUEUED, ms_max_queued),
    S(VDS_SVC_JOB_PURGE_TIME, ms_purge_time),
    S(VDS_SVC_JOB_MAX_RETAINED, ms_max_retained),
    S(VDS_SVC_STATE_QUARANTINED, ms_state_quarantined),
    S(VDS_SVC_STATE_LAST_PROBLEM, ms_state_last_problem),
    S(VDS_SVC_STATE_LAST_PROBLEM_TIME, ms_state_last_problem_time),
    S(VDS_SVC_RESTART_NEEDED, ms_restart_needed),
};

const struct mib_table mib_service_scalars = {
    .name = "vdsService",
    .base = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_SERVICE},
    .base_len = VDS_MIB_ROOT_LEN + 2,
    .scalar = 1,
    .cols = ms_cols,
    .ncols = sizeof(ms_cols) / sizeof(ms_cols[0]),
};

static const struct mib_table *const mib_tables[] = {
    &mib_service_scalars, &mib_disk_table,        &mib_part_table,  &mib_volume_table,
    &mib_plex_table,      &mib_pack_table,        &mib_vdisk_table, &mib_job_table,
    &mib_refusal_scalars, &mib_disk_health_table,
};

const struct mib_table *const *
mib_all_tables(size_t *n)
{
	*n = sizeof(mib_tables) / sizeof(mib_tables[0]);
	return mib_tables;
}

int
mib_register_all(void)
{
	for (size_t i = 0; i < sizeof(mib_tables) / sizeof(mib_tables[0]); i++)
		if (mib_table_register(mib_tables[i]) < 0)
			return -1;
	return 0;
}
