/* SPDX-License-Identifier: ISC */
/*
 * mib_refusal.c - vdsLastRefusal: the last SET refused, as six scalars.
 * A new refusal replaces the old one and counts in vdsRefusalCount, which a
 * manager reads before and after its SET to tell its own refusal from an
 * older one.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "mib_oids.h"
#include "mib_refusal.h"

static struct {
	uint32_t count;
	int64_t ms; /* wall clock; 0 = none yet */
	uint32_t handle;
	oid name[MAX_OID_LEN];
	size_t len;
	int err; /* 0: none yet */
	char why[256];
} mr_last;

static const char *
mr_err_name(int err)
{
	switch (err) {
	case SNMP_ERR_WRONGTYPE:
		return "wrongType";
	case SNMP_ERR_WRONGLENGTH:
		return "wrongLength";
	case SNMP_ERR_WRONGVALUE:
		return "wrongValue";
	case SNMP_ERR_NOCREATION:
		return "noCreation";
	case SNMP_ERR_INCONSISTENTVALUE:
		return "inconsistentValue";
	case SNMP_ERR_RESOURCEUNAVAILABLE:
		return "resourceUnavailable";
	case SNMP_ERR_COMMITFAILED:
		return "commitFailed";
	case SNMP_ERR_NOTWRITABLE:
		return "notWritable";
	default:
		return "genErr";
	}
}

void
mib_refusal_record(const oid *name, size_t len, uint32_t handle, int err, const char *why)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	mr_last.count++;
	mr_last.ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	mr_last.handle = handle;
	mr_last.len = len < MAX_OID_LEN ? len : MAX_OID_LEN;
	memcpy(mr_last.name, name, mr_last.len * sizeof(oid));
	mr_last.err = err;
	snprintf(mr_last.why, sizeof(mr_last.why), "%s", why && *why ? why : mr_err_name(err));
	log_info("mib", "SET refused with %s (job %u): %s", mr_err_name(err), handle, mr_last.why);
}

static int
mr_count(const void *row, struct mib_value *v)
{
	v->type = ASN_COUNTER;
	v->n.u32 = mr_last.count;
	return 0;
}

static int
mr_time(const void *row, struct mib_value *v)
{
	v->type = ASN_OCTET_STR;
	v->len = mib_date_and_time(mr_last.ms / 1000, (int)(mr_last.ms % 1000), v->buf);
	v->str = v->buf;
	return 0;
}

static int
mr_handle(const void *row, struct mib_value *v)
{
	v->type = ASN_UNSIGNED;
	v->n.u32 = mr_last.handle;
	return 0;
}

static int
mr_object(const void *row, struct mib_value *v)
{
	static const oid zero_dot_zero[] = {0, 0};

	v->type = ASN_OBJECT_ID;
	v->str = mr_last.len ? (const void *)mr_last.name : (const void *)zero_dot_zero;
	v->len = (mr_last.len ? mr_last.len : 2) * sizeof(oid);
	return 0;
}

static int
mr_error(const void *row, struct mib_value *v)
{
	v->type = ASN_INTEGER;
	v->n.i = mr_last.err;
	return 0;
}

static int
mr_reason(const void *row, struct mib_value *v)
{
	return mib_value_str(v, mr_last.why);
}

#define R(sub, fn)                                                                                 \
	{                                                                                          \
		sub, MK_FN, 0, fn                                                                  \
	}
static const struct mib_col mr_cols[] = {
    R(VDS_REFUSAL_COUNT, mr_count),   R(VDS_REFUSAL_TIME, mr_time),
    R(VDS_REFUSAL_HANDLE, mr_handle), R(VDS_REFUSAL_OBJECT, mr_object),
    R(VDS_REFUSAL_ERROR, mr_error),   R(VDS_REFUSAL_REASON, mr_reason),
};

const struct mib_table mib_refusal_scalars = {
    .name = "vdsLastRefusal",
    .base = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_LAST_REFUSAL},
    .base_len = VDS_MIB_ROOT_LEN + 2,
    .scalar = 1,
    .cols = mr_cols,
    .ncols = sizeof(mr_cols) / sizeof(mr_cols[0]),
};
