/* SPDX-License-Identifier: ISC */
/*
 * mib_health.c - vdsDiskHealthTable: the rows of agent/health.c, a figure
 * the device did not report having no instance.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "health.h"
#include "mib_health.h"
#include "mib_oids.h"
#include "notify.h"

static const struct vtab *
mh_rows(void)
{
	return health_rows();
}

static void
mh_u32(struct mib_value *v, u_char type, uint32_t n)
{
	v->type = type;
	v->n.u32 = n;
}

/* Each figure: its value when the report has it (HF_*), else no instance. */
#define MH_FIGURE(fname, flag, body)                                                               \
	static int fname(const void *row, struct mib_value *v)                                     \
	{                                                                                          \
		const struct health_report *r = &((const struct health_row *)row)->r;              \
                                                                                                   \
		if (!(r->valid & (flag)))                                                          \
			return -1;                                                                 \
		body;                                                                              \
		return 0;                                                                          \
	}

MH_FIGURE(mh_smart, HF_SMART, (v->type = ASN_INTEGER, v->n.i = r->smart))
MH_FIGURE(mh_realloc, HF_REALLOCATED, mh_u32(v, ASN_GAUGE, r->reallocated))
MH_FIGURE(mh_pending, HF_PENDING, mh_u32(v, ASN_GAUGE, r->pending))
MH_FIGURE(mh_temp, HF_TEMPERATURE, (v->type = ASN_INTEGER, v->n.i = r->temperature))
MH_FIGURE(mh_poh, HF_POWER_ON, mh_u32(v, ASN_UNSIGNED, r->power_on_hours))
MH_FIGURE(mh_percent, HF_PERCENT, mh_u32(v, ASN_UNSIGNED, r->percent_used))
MH_FIGURE(mh_spare, HF_SPARE, mh_u32(v, ASN_UNSIGNED, r->spare))
MH_FIGURE(mh_spare_thr, HF_SPARE_THR, mh_u32(v, ASN_UNSIGNED, r->spare_threshold))
MH_FIGURE(mh_media, HF_MEDIA,
          (v->type = ASN_COUNTER64, v->n.c64.high = (u_long)(r->media_errors >> 32),
           v->n.c64.low = (u_long)(r->media_errors & 0xffffffffu)))

/* The warning bits as BITS, encoded as every MK_BITS8 column is. */
static int
mh_critical(const void *row, struct mib_value *v)
{
	static const struct mib_col bits = {VDS_DH_CRITICAL_WARNING, MK_BITS8,
	                                    offsetof(struct health_row, r.critical_warning), NULL};

	if (!(((const struct health_row *)row)->r.valid & HF_CRITICAL))
		return -1;
	return mib_table_value(&mib_disk_health_table, &bits, row, v);
}

#define H(sub, kind, field)                                                                        \
	{                                                                                          \
		sub, kind, offsetof(struct health_row, field), NULL                                \
	}
#define HFN(sub, fn)                                                                               \
	{                                                                                          \
		sub, MK_FN, 0, fn                                                                  \
	}
static const struct mib_col mh_cols[] = {
    H(VDS_DH_HEALTH, MK_INT, r.state),
    H(VDS_DH_HEALTH_PREVIOUS, MK_INT, previous),
    H(VDS_DH_HEALTH_REASON, MK_STR, r.reason),
    H(VDS_DH_HEALTH_SOURCE, MK_INT, r.source),
    H(VDS_DH_HEALTH_CHECK_TIME, MK_TIME, checked),
    HFN(VDS_DH_SMART_STATUS, mh_smart),
    HFN(VDS_DH_REALLOCATED_SECTORS, mh_realloc),
    HFN(VDS_DH_PENDING_SECTORS, mh_pending),
    HFN(VDS_DH_TEMPERATURE, mh_temp),
    HFN(VDS_DH_POWER_ON_HOURS, mh_poh),
    HFN(VDS_DH_CRITICAL_WARNING, mh_critical),
    HFN(VDS_DH_PERCENT_USED, mh_percent),
    HFN(VDS_DH_MEDIA_ERRORS, mh_media),
    HFN(VDS_DH_AVAILABLE_SPARE, mh_spare),
    HFN(VDS_DH_SPARE_THRESHOLD, mh_spare_thr),
};

const struct mib_table mib_disk_health_table = {
    .name = "vdsDiskHealthTable",
    .base = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_DISK_HEALTH_TABLE, 1},
    .base_len = VDS_MIB_ROOT_LEN + 3,
    .cols = mh_cols,
    .ncols = sizeof(mh_cols) / sizeof(mh_cols[0]),
    .rows = mh_rows,
};

void
mib_health_notify_changed(const struct health_row *h)
{
	static const oid cols[] = {VDS_DH_HEALTH, VDS_DH_HEALTH_PREVIOUS, VDS_DH_HEALTH_REASON};

	notify_send(VDS_NOTIF_DISK_HEALTH_CHANGED, &mib_disk_health_table, h, cols,
	            sizeof(cols) / sizeof(cols[0]));
}
