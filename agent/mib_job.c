/* SPDX-License-Identifier: ISC */
/*
 * mib_job.c - vdsJobTable: read through the generic table handler, written
 * through RowStatus (RFC 2579) the way DISMAN-PING-MIB launches work.
 *
 * RESERVE1 checks each varbind on its own (type, length, range, writable);
 * RESERVE2 checks each touched row as a whole against the job engine and
 * the model; ACTION records new rows; COMMIT starts them and applies the
 * rest.  Nothing here waits on storage.  The staging area is per SET
 * transaction: the master runs one at a time.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "jobparam.h"
#include "log.h"
#include "mib_job.h"
#include "mib_oids.h"

#define MJ_MIB             (1024ULL * 1024ULL)
#define RS_ACTIVE          1
#define RS_NOT_IN_SERVICE  2
#define RS_NOT_READY       3
#define RS_CREATE_AND_GO   4
#define RS_CREATE_AND_WAIT 5
#define RS_DESTROY         6

struct js_row {
	struct js_row *next;
	uint32_t handle;
	int exists;
	int rowstatus; /* 0: not in this PDU */
	int created;   /* recorded at ACTION */
	struct job_params p;
	int params_set;
	char owner[128];
	int owner_set;
	int keep, keep_set;
	int notify, notify_set;
	int control, control_set;
};

static struct js_row *js_staged;
static unsigned js_starting; /* rows of this SET admitted to start so far */

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
		v->n.i = job_check(&j->params, why, sizeof(why)) == VDS_R_OK ? RS_NOT_IN_SERVICE
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
MJ_FN(mj_create_time, mj_time(v, j->create_ms))
MJ_FN(mj_start_time, mj_time(v, j->start_ms))
MJ_FN(mj_end_time, mj_time(v, j->end_ms))
MJ_FN(mj_update_time, mj_time(v, j->update_ms))
MJ_FN(mj_offset_mib, mj_mib(v, j->params.offset, MJ_MIB))
MJ_FN(mj_size_mib, mj_mib(v, j->params.size, MJ_MIB))
MJ_FN(mj_stripe_kib, mj_mib(v, j->params.stripe_size, 1024))

static int
mj_disks(const void *row, struct mib_value *v)
{
	const struct job *j = row;
	/* A list of up to 16 indexes does not fit v->buf; the loop is single-threaded. */
	static char list[JOB_DISKS_TEXT_LEN];

	/* Bounded by the array whatever ndisks says (the store checks it too). */
	job_disks_format(&j->params, list, sizeof(list));
	v->type = ASN_OCTET_STR;
	v->str = list;
	v->len = strlen(list);
	return 0;
}

#define J(sub, kind, field)                                                                        \
	{                                                                                          \
		sub, kind, offsetof(struct job, field), NULL                                       \
	}
#define JF(sub, fn)                                                                                \
	{                                                                                          \
		sub, MK_FN, 0, fn                                                                  \
	}
static const struct mib_col mj_cols[] = {
    JF(VDS_JOB_ROW_STATUS, mj_rowstatus),
    J(VDS_JOB_TYPE, MK_INT, params.type),
    J(VDS_JOB_STATUS, MK_INT, status),
    J(VDS_JOB_PERCENT, MK_U32, percent),
    J(VDS_JOB_RESULT, MK_INT, result),
    J(VDS_JOB_HRESULT, MK_U32, hresult),
    J(VDS_JOB_ERROR_NAME, MK_PSTR, error_name),
    J(VDS_JOB_ERROR_MESSAGE, MK_PSTR, error_message),
    J(VDS_JOB_DETAILS, MK_PSTR, details),
    J(VDS_JOB_OWNER, MK_PSTR, owner),
    J(VDS_JOB_KEEP_RESULT, MK_BOOL, keep_result),
    J(VDS_JOB_CONTROL, MK_INT, control),
    J(VDS_JOB_CANCEL_STATE, MK_INT, cancel_state),
    J(VDS_JOB_NOTIFY_PROGRESS, MK_BOOL, notify_progress),
    J(VDS_JOB_RESULT_TYPE, MK_INT, params.type),
    J(VDS_JOB_PROVIDER, MK_STR, provider),
    JF(VDS_JOB_CREATE_TIME, mj_create_time),
    JF(VDS_JOB_START_TIME, mj_start_time),
    JF(VDS_JOB_END_TIME, mj_end_time),
    JF(VDS_JOB_LAST_UPDATE_TIME, mj_update_time),
    J(VDS_JOB_P_DISK, MK_U32, params.disk),
    JF(VDS_JOB_P_OFFSET_MIB, mj_offset_mib),
    JF(VDS_JOB_P_SIZE_MIB, mj_size_mib),
    J(VDS_JOB_P_PARTITION_TYPE, MK_STR, params.partition_type),
    J(VDS_JOB_P_PARTITION, MK_U32, params.partition),
    J(VDS_JOB_P_PACK, MK_U32, params.pack),
    J(VDS_JOB_P_VOLUME_TYPE, MK_INT, params.volume_type),
    JF(VDS_JOB_P_DISKS, mj_disks),
    JF(VDS_JOB_P_STRIPE_KIB, mj_stripe_kib),
    J(VDS_JOB_P_VOLUME, MK_U32, params.volume),
    J(VDS_JOB_P_PLEX, MK_U32, params.plex),
    J(VDS_JOB_P_PATH, MK_STR, params.path),
    J(VDS_JOB_P_VDISK_TYPE, MK_INT, params.vdisk_type),
    J(VDS_JOB_P_VDISK_FORMAT, MK_INT, params.vdisk_format),
    J(VDS_JOB_P_VDISK, MK_U32, params.vdisk),
    J(VDS_JOB_P_NAME, MK_STR, params.name),
    J(VDS_JOB_P_INIT_LABEL, MK_INT, params.init_label),
    J(VDS_JOB_P_READ_ONLY, MK_BOOL, params.read_only),
    J(VDS_JOB_P_PLEX_COUNT, MK_U32, params.plex_count),
    J(VDS_JOB_O_OFFSET, MK_BYTES, outputs.offset),
    J(VDS_JOB_O_PARTITION, MK_U32, outputs.partition),
    J(VDS_JOB_O_VOLUME, MK_U32, outputs.volume),
    J(VDS_JOB_O_RECLAIMED, MK_BYTES, outputs.reclaimed),
    J(VDS_JOB_O_VDISK, MK_U32, outputs.vdisk),
    J(VDS_JOB_O_OBJECT_ID, MK_STR, outputs.objid),
};

static int mj_set(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests);

const struct mib_table mib_job_table = {
    .name = "vdsJobTable",
    .base = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_JOB_TABLE, 1},
    .base_len = VDS_MIB_ROOT_LEN + 3,
    .cols = mj_cols,
    .ncols = sizeof(mj_cols) / sizeof(mj_cols[0]),
    .rows = job_table,
    .set = mj_set,
};

/* ----------------------------------------------------------------- writes */

struct mj_wspec {
	oid col;
	u_char type;
	unsigned long min, max; /* value range, or length range for strings */
};

static const struct mj_wspec mj_writable[] = {
    {VDS_JOB_ROW_STATUS, ASN_INTEGER, 1, 6},
    {VDS_JOB_TYPE, ASN_INTEGER, 1, JOB_TYPE_LAST},
    {VDS_JOB_OWNER, ASN_OCTET_STR, 0, 127},
    {VDS_JOB_KEEP_RESULT, ASN_INTEGER, 1, 2},
    {VDS_JOB_CONTROL, ASN_INTEGER, 1, 2},
    {VDS_JOB_NOTIFY_PROGRESS, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_DISK, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_OFFSET_MIB, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_SIZE_MIB, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_PARTITION_TYPE, ASN_OCTET_STR, 0, 39},
    {VDS_JOB_P_PARTITION, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_PACK, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_VOLUME_TYPE, ASN_INTEGER, 1, 4},
    {VDS_JOB_P_DISKS, ASN_OCTET_STR, 0, 255},
    {VDS_JOB_P_STRIPE_KIB, ASN_UNSIGNED, 0, 1048576},
    {VDS_JOB_P_VOLUME, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_PLEX, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_PATH, ASN_OCTET_STR, 1, 255},
    {VDS_JOB_P_VDISK_TYPE, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_VDISK_FORMAT, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_VDISK, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_NAME, ASN_OCTET_STR, 0, 63},
    {VDS_JOB_P_INIT_LABEL, ASN_INTEGER, 1, 3},
    {VDS_JOB_P_READ_ONLY, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_PLEX_COUNT, ASN_UNSIGNED, 0, 32},
};

static const struct mj_wspec *
mj_wspec_for(oid col)
{
	for (size_t i = 0; i < sizeof(mj_writable) / sizeof(mj_writable[0]); i++)
		if (mj_writable[i].col == col)
			return &mj_writable[i];
	return NULL;
}

static void
mj_staged_free(void)
{
	while (js_staged) {
		struct js_row *r = js_staged;

		js_staged = r->next;
		free(r);
	}
}

static struct js_row *
mj_staged_row(uint32_t handle)
{
	struct js_row *r;
	struct job *j;

	for (r = js_staged; r; r = r->next)
		if (r->handle == handle)
			return r;
	if (!(r = calloc(1, sizeof(*r))))
		return NULL;
	r->handle = handle;
	if ((j = job_find(handle))) {
		r->exists = 1;
		r->p = j->params;
	} else {
		/* The DEFVALs of the enumerated parameters. */
		r->p.volume_type = INV_VT_SIMPLE;
		r->p.vdisk_type = INV_VDT_EXPANDABLE;
		r->p.vdisk_format = INV_VF_RAW;
		r->p.init_label = JOB_LABEL_NONE;
	}
	r->next = js_staged;
	js_staged = r;
	return r;
}

/* Text a person could type: printable, no control characters. */
static int
mj_printable(const u_char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isprint(s[i]))
			return 0;
	return 1;
}

static void
mj_copy_str(char *dst, size_t dstlen, const netsnmp_variable_list *vb)
{
	size_t n = vb->val_len < dstlen - 1 ? vb->val_len : dstlen - 1;

	memcpy(dst, vb->val.string, n);
	dst[n] = '\0';
}

/* The job parameters: sizes written in MiB/KiB are kept in bytes. */
static int
mj_stage_param(struct js_row *r, oid col, unsigned long u, const char *text)
{
	struct job_params *p = &r->p;

	switch (col) {
	case VDS_JOB_P_DISK:
		p->disk = (uint32_t)u;
		break;
	case VDS_JOB_P_OFFSET_MIB:
		p->offset = (uint64_t)u * MJ_MIB;
		break;
	case VDS_JOB_P_SIZE_MIB:
		p->size = (uint64_t)u * MJ_MIB;
		break;
	case VDS_JOB_P_PARTITION_TYPE:
		snprintf(p->partition_type, sizeof(p->partition_type), "%s", text);
		break;
	case VDS_JOB_P_PARTITION:
		p->partition = (uint32_t)u;
		break;
	case VDS_JOB_P_PACK:
		p->pack = (uint32_t)u;
		break;
	case VDS_JOB_P_VOLUME_TYPE:
		p->volume_type = (enum inv_voltype)u;
		break;
	case VDS_JOB_P_DISKS:
		return job_disks_parse(text, p) < 0 ? SNMP_ERR_WRONGVALUE : SNMP_ERR_NOERROR;
	case VDS_JOB_P_STRIPE_KIB:
		p->stripe_size = (uint64_t)u * 1024;
		break;
	case VDS_JOB_P_VOLUME:
		p->volume = (uint32_t)u;
		break;
	case VDS_JOB_P_PLEX:
		p->plex = (uint32_t)u;
		break;
	case VDS_JOB_P_PATH:
		if (text[0] != '/' || strstr(text, "/../") || strstr(text, "/./"))
			return SNMP_ERR_WRONGVALUE;
		snprintf(p->path, sizeof(p->path), "%s", text);
		break;
	case VDS_JOB_P_VDISK_TYPE:
		p->vdisk_type = (enum inv_vdisk_type)u;
		break;
	case VDS_JOB_P_VDISK_FORMAT:
		p->vdisk_format = (enum inv_vdisk_format)u;
		break;
	case VDS_JOB_P_VDISK:
		p->vdisk = (uint32_t)u;
		break;
	case VDS_JOB_P_NAME:
		snprintf(p->name, sizeof(p->name), "%s", text);
		break;
	case VDS_JOB_P_INIT_LABEL:
		p->init_label = (enum job_init_label)u;
		break;
	case VDS_JOB_P_READ_ONLY:
		p->read_only = u == 1;
		break;
	case VDS_JOB_P_PLEX_COUNT:
		p->plex_count = (unsigned)u;
		break;
	default:
		return SNMP_ERR_NOTWRITABLE;
	}
	return SNMP_ERR_NOERROR;
}

/* Store one checked value into the staged row; SNMP_ERR_WRONGVALUE if it is not acceptable. */
static int
mj_stage_value(struct js_row *r, oid col, const netsnmp_variable_list *vb)
{
	unsigned long u = vb->type == ASN_OCTET_STR ? 0 : *vb->val.integer;
	char text[256];

	if (vb->type == ASN_OCTET_STR) {
		if (!mj_printable(vb->val.string, vb->val_len))
			return SNMP_ERR_WRONGVALUE;
		mj_copy_str(text, sizeof(text), vb);
	}
	if (col >= VDS_JOB_P_DISK || col == VDS_JOB_TYPE)
		r->params_set = 1;
	switch (col) {
	case VDS_JOB_ROW_STATUS:
		if (u == RS_NOT_READY)
			return SNMP_ERR_WRONGVALUE;
		r->rowstatus = (int)u;
		break;
	case VDS_JOB_TYPE:
		r->p.type = (enum job_type)u;
		break;
	case VDS_JOB_OWNER:
		snprintf(r->owner, sizeof(r->owner), "%s", text);
		r->owner_set = 1;
		break;
	case VDS_JOB_KEEP_RESULT:
		r->keep = u == 1;
		r->keep_set = 1;
		break;
	case VDS_JOB_CONTROL:
		r->control = (int)u;
		r->control_set = 1;
		break;
	case VDS_JOB_NOTIFY_PROGRESS:
		r->notify = u == 1;
		r->notify_set = 1;
		break;
	default:
		return mj_stage_param(r, col, u, text);
	}
	return SNMP_ERR_NOERROR;
}

/* RESERVE1: each varbind on its own. */
static int
mj_reserve1(const netsnmp_variable_list *vb, struct js_row **rowp)
{
	size_t bl = mib_job_table.base_len;
	const struct mj_wspec *w;
	struct js_row *r;
	unsigned long v;

	*rowp = NULL;
	if (vb->name_length != bl + 2 || vb->name[bl + 1] == 0 || vb->name[bl + 1] > JOB_HANDLE_MAX)
		return SNMP_ERR_NOCREATION;
	if (!(w = mj_wspec_for(vb->name[bl])))
		return mib_table_col(&mib_job_table, vb->name[bl]) ? SNMP_ERR_NOTWRITABLE
		                                                   : SNMP_ERR_NOCREATION;
	if (vb->type != w->type)
		return SNMP_ERR_WRONGTYPE;
	if (w->type == ASN_OCTET_STR) {
		if (vb->val_len < w->min || vb->val_len > w->max)
			return SNMP_ERR_WRONGLENGTH;
	} else {
		v = w->type == ASN_INTEGER && *vb->val.integer < 0
		        ? ULONG_MAX
		        : (unsigned long)*vb->val.integer;
		if (v < w->min || v > w->max)
			return SNMP_ERR_WRONGVALUE;
	}
	if (!(r = mj_staged_row((uint32_t)vb->name[bl + 1])))
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	*rowp = r;
	return mj_stage_value(r, vb->name[bl], vb);
}

static int
mj_check_start(struct js_row *r)
{
	char why[256];
	enum vds_result res = job_check(&r->p, why, sizeof(why));

	if (res != VDS_R_OK) {
		log_info("mib", "job %u refused: %s", r->handle, why);
		return SNMP_ERR_INCONSISTENTVALUE;
	}
	/* Several rows of one SET may start: each counts against the limits. */
	if (job_admit(js_starting + 1) < 0)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	js_starting++;
	return SNMP_ERR_NOERROR;
}

/* RESERVE2: each touched row as a whole, against the engine and the model. */
static int
mj_reserve2(struct js_row *r)
{
	const struct job *j = job_find(r->handle);
	int rs = r->rowstatus;

	if (!j) {
		if (rs == RS_DESTROY)
			return SNMP_ERR_NOERROR;
		if (rs == 0)
			return SNMP_ERR_NOCREATION;
		if (rs == RS_ACTIVE || rs == RS_NOT_IN_SERVICE || r->control == JOB_CTL_CANCEL)
			return SNMP_ERR_INCONSISTENTVALUE;
		return rs == RS_CREATE_AND_GO ? mj_check_start(r) : SNMP_ERR_NOERROR;
	}
	if (rs == RS_CREATE_AND_GO || rs == RS_CREATE_AND_WAIT)
		return SNMP_ERR_INCONSISTENTVALUE;
	if (rs == RS_DESTROY)
		return job_is_finished(j) || j->status == JOB_ST_CREATED
		           ? SNMP_ERR_NOERROR
		           : SNMP_ERR_INCONSISTENTVALUE;
	if (j->status != JOB_ST_CREATED && (r->params_set || rs == RS_NOT_IN_SERVICE))
		return SNMP_ERR_INCONSISTENTVALUE;
	if (r->control == JOB_CTL_CANCEL && job_is_finished(j))
		return SNMP_ERR_INCONSISTENTVALUE;
	if (j->status == JOB_ST_CREATED && rs == RS_ACTIVE)
		return mj_check_start(r);
	return SNMP_ERR_NOERROR;
}

/* ACTION: record new rows (not started yet). */
static int
mj_action(struct js_row *r)
{
	if (r->exists || (r->rowstatus != RS_CREATE_AND_GO && r->rowstatus != RS_CREATE_AND_WAIT))
		return SNMP_ERR_NOERROR;
	/*
	 * The row is committed to the job store before the SET is answered.
	 * When it cannot be (file system full, read-only), the assignment
	 * failed in the second phase of the SET: commitFailed (RFC 3416
	 * 4.2.5), after which the agent runs UNDO; nothing was started.
	 */
	if (!job_create(r->handle, &r->p, r->owner, r->keep, r->notify, 0))
		return errno == EIO ? SNMP_ERR_COMMITFAILED : SNMP_ERR_RESOURCEUNAVAILABLE;
	r->created = 1;
	return SNMP_ERR_NOERROR;
}

/* COMMIT: cannot fail; start jobs and apply the other columns. */
static void
mj_commit(struct js_row *r)
{
	struct job *j = job_find(r->handle);

	if (!j)
		return;
	if (r->rowstatus == RS_DESTROY) {
		job_destroy(r->handle);
		return;
	}
	if (r->exists && r->params_set)
		job_set_params(r->handle, &r->p);
	if (r->exists && r->owner_set)
		job_set_owner(r->handle, r->owner);
	if (r->exists && r->keep_set)
		job_set_keep(r->handle, r->keep);
	if (r->exists && r->notify_set)
		job_set_notify_progress(r->handle, r->notify);
	if (r->rowstatus == RS_CREATE_AND_GO || r->rowstatus == RS_ACTIVE)
		job_start(r->handle);
	if (r->control == JOB_CTL_CANCEL)
		job_cancel(r->handle);
}

static struct js_row *
mj_row_of(const netsnmp_request_info *req)
{
	size_t bl = mib_job_table.base_len;

	if (req->requestvb->name_length != bl + 2)
		return NULL;
	for (struct js_row *r = js_staged; r; r = r->next)
		if (r->handle == req->requestvb->name[bl + 1])
			return r;
	return NULL;
}

/* Run fn once per staged row, reporting an error on that row's first varbind. */
static void
mj_each_row(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests,
            int (*fn)(struct js_row *))
{
	for (struct js_row *r = js_staged; r; r = r->next) {
		int err = fn(r);

		if (err == SNMP_ERR_NOERROR)
			continue;
		for (netsnmp_request_info *req = requests; req; req = req->next)
			if (mj_row_of(req) == r) {
				netsnmp_set_request_error(reqinfo, req, err);
				break;
			}
		return;
	}
}

static int
mj_set(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
       netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct js_row *r;
	int err;

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		mj_staged_free();
		for (netsnmp_request_info *req = requests; req; req = req->next)
			if ((err = mj_reserve1(req->requestvb, &r)) != SNMP_ERR_NOERROR) {
				netsnmp_set_request_error(reqinfo, req, err);
				break;
			}
		break;
	case MODE_SET_RESERVE2:
		js_starting = 0;
		mj_each_row(reqinfo, requests, mj_reserve2);
		break;
	case MODE_SET_ACTION:
		mj_each_row(reqinfo, requests, mj_action);
		break;
	case MODE_SET_COMMIT:
		for (r = js_staged; r; r = r->next)
			mj_commit(r);
		mj_staged_free();
		break;
	case MODE_SET_UNDO:
		for (r = js_staged; r; r = r->next)
			if (r->created)
				job_destroy(r->handle);
		mj_staged_free();
		break;
	case MODE_SET_FREE:
		mj_staged_free();
		break;
	}
	return SNMP_ERR_NOERROR;
}
