/* SPDX-License-Identifier: ISC */
/*
 * mib_job.c - vdsJobTable's writes: through RowStatus (RFC 2579) the way
 * DISMAN-PING-MIB launches work (its reads are mib_jobcols.c's).
 *
 * RESERVE1 checks each varbind on its own (type, length, range, writable);
 * RESERVE2 checks each touched row as a whole against the job engine and
 * the model; ACTION records new rows; COMMIT starts them and applies the
 * rest.  Nothing here waits on storage.  The staging area is per SET
 * transaction: the master runs one at a time.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "jobparam.h"
#include "log.h"
#include "mib_job.h"
#include "mib_jobmemo.h"
#include "mib_oids.h"
#include "mib_refusal.h"

#define MJ_MIB (1024ULL * 1024ULL)

struct js_row {
	struct js_row *next;
	uint32_t handle;
	int exists;
	int rowstatus; /* 0: not in this PDU */
	int created;   /* recorded at ACTION */
	int starting;  /* admitted to start at RESERVE2 */
	int retry;     /* a retry of the SET that created the row: answered, ignored */
	struct mjm_sig sig;
	struct job_params p;
	int params_set;
	char owner[128];
	int owner_set;
	int keep, keep_set;
	int notify, notify_set;
	int control, control_set;
};

static struct js_row *js_staged;
static char js_why[256];     /* the reason of the refusal being reported */
static unsigned js_starting; /* rows of this SET admitted to start so far */

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
    {VDS_JOB_P_VOLUME_TYPE, ASN_INTEGER, 1, 5},
    {VDS_JOB_P_DISKS, ASN_OCTET_STR, 0, 255},
    {VDS_JOB_P_STRIPE_KIB, ASN_UNSIGNED, 0, 1048576},
    {VDS_JOB_P_VOLUME, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_PLEX, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_PATH, ASN_OCTET_STR, 1, 255},
    {VDS_JOB_P_VDISK_TYPE, ASN_INTEGER, 1, 3},
    {VDS_JOB_P_VDISK_FORMAT, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_VDISK, ASN_UNSIGNED, 0, UINT32_MAX},
    {VDS_JOB_P_NAME, ASN_OCTET_STR, 0, 63},
    {VDS_JOB_P_INIT_LABEL, ASN_INTEGER, 1, 3},
    {VDS_JOB_P_READ_ONLY, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_PLEX_COUNT, ASN_UNSIGNED, 0, 32},
    {VDS_JOB_P_FS_TYPE, ASN_OCTET_STR, 0, 15},
    {VDS_JOB_P_ALLOC_UNIT, ASN_UNSIGNED, 0, 67108864},
    {VDS_JOB_P_FORCE, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_FULL_CLEAN, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_ALLOW_DATA_LOSS, ASN_INTEGER, 1, 2},
    {VDS_JOB_P_MERGE_DEPTH, ASN_UNSIGNED, 0, 64},
    {VDS_JOB_P_PARITY_COUNT, ASN_UNSIGNED, 0, 2},
};

static const struct mj_wspec *
mj_wspec_for(oid col)
{
	for (size_t i = 0; i < sizeof(mj_writable) / sizeof(mj_writable[0]); i++)
		if (mj_writable[i].col == col)
			return &mj_writable[i];
	return NULL;
}

/* Refuse with err for the reason fmt (recorded when the error is reported). */
static int __attribute__((format(printf, 2, 3))) mj_refuse(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(js_why, sizeof(js_why), fmt, ap);
	va_end(ap);
	return err;
}

/* "the job is running", "the job has failed", ... */
static const char *
mj_job_state(const struct job *j)
{
	switch (j->status) {
	case JOB_ST_QUEUED:
		return "the job is queued";
	case JOB_ST_RUNNING:
		return "the job is running";
	case JOB_ST_SUCCEEDED:
		return "the job has succeeded";
	case JOB_ST_FAILED:
		return "the job has failed";
	case JOB_ST_CANCELLED:
		return "the job was cancelled";
	default:
		return "the job is not started";
	}
}

static const char *
mj_type_name(u_char type)
{
	return type == ASN_INTEGER    ? "INTEGER"
	       : type == ASN_UNSIGNED ? "Unsigned32"
	                              : "OCTET STRING";
}

static void
mj_staged_free(void)
{
	while (js_staged) {
		struct js_row *r = js_staged;

		js_staged = r->next;
		mjm_sig_free(&r->sig);
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
		r->p = *job_params(j);
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
		if (job_disks_parse(text, p) < 0)
			return mj_refuse(SNMP_ERR_WRONGVALUE,
			                 "not a list of at most %d disk indexes such as 1,2,5",
			                 JOB_MAX_DISKS);
		break;
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
			return mj_refuse(SNMP_ERR_WRONGVALUE,
			                 "not an absolute path without /./ or /../");
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
	case VDS_JOB_P_FS_TYPE:
		snprintf(p->fs_type, sizeof(p->fs_type), "%s", text);
		break;
	case VDS_JOB_P_ALLOC_UNIT:
		p->alloc_unit = (uint32_t)u;
		break;
	case VDS_JOB_P_FORCE:
		p->force = u == 1;
		break;
	case VDS_JOB_P_FULL_CLEAN:
		p->full_clean = u == 1;
		break;
	case VDS_JOB_P_ALLOW_DATA_LOSS:
		p->allow_data_loss = u == 1;
		break;
	case VDS_JOB_P_MERGE_DEPTH:
		p->merge_depth = (unsigned)u;
		break;
	case VDS_JOB_P_PARITY_COUNT:
		p->parity_count = (unsigned)u;
		break;
	default:
		return mj_refuse(SNMP_ERR_NOTWRITABLE, "not a writable column");
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
			return mj_refuse(SNMP_ERR_WRONGVALUE,
			                 "the text has a non-printable character");
		mj_copy_str(text, sizeof(text), vb);
	}
	if (col >= VDS_JOB_P_DISK || col == VDS_JOB_TYPE)
		r->params_set = 1;
	switch (col) {
	case VDS_JOB_ROW_STATUS:
		if (u == RS_NOT_READY)
			return mj_refuse(SNMP_ERR_WRONGVALUE,
			                 "notReady(3) is never written (RFC 2579)");
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
		return mj_refuse(SNMP_ERR_NOCREATION, "not a column of a job handle 1..%u",
		                 JOB_HANDLE_MAX);
	if (!(w = mj_wspec_for(vb->name[bl])))
		return mib_table_col(&mib_job_table, vb->name[bl])
		           ? mj_refuse(SNMP_ERR_NOTWRITABLE, "a read-only column")
		           : mj_refuse(SNMP_ERR_NOCREATION, "not a column of vdsJobEntry");
	if (vb->type != w->type)
		return mj_refuse(SNMP_ERR_WRONGTYPE, "the column is %s, not %s",
		                 mj_type_name(w->type), mj_type_name(vb->type));
	if (w->type == ASN_OCTET_STR) {
		if (vb->val_len < w->min || vb->val_len > w->max)
			return mj_refuse(SNMP_ERR_WRONGLENGTH, "%zu octets, not %lu..%lu",
			                 vb->val_len, w->min, w->max);
	} else {
		v = w->type == ASN_INTEGER && *vb->val.integer < 0
		        ? ULONG_MAX
		        : (unsigned long)*vb->val.integer;
		if (v < w->min || v > w->max)
			return mj_refuse(SNMP_ERR_WRONGVALUE, "%ld is not in %lu..%lu",
			                 *vb->val.integer, w->min, w->max);
	}
	if (!(r = mj_staged_row((uint32_t)vb->name[bl + 1])))
		return mj_refuse(SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	*rowp = r;
	if (mjm_sig_add(&r->sig, vb) < 0)
		return mj_refuse(SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	return mj_stage_value(r, vb->name[bl], vb);
}

static int
mj_check_start(struct js_row *r)
{
	char why[256];
	const struct job_params **ps;
	unsigned n = 0;
	int fits;

	if (job_check(&r->p, why, sizeof(why)) != VDS_R_OK)
		return mj_refuse(SNMP_ERR_INCONSISTENTVALUE, "%s", why);
	/*
	 * Several rows of one SET may start: admitted together, in the order
	 * COMMIT starts them (the staging order).
	 */
	if (!(ps = calloc(js_starting + 1, sizeof(*ps))))
		return mj_refuse(SNMP_ERR_RESOURCEUNAVAILABLE, "out of memory");
	for (struct js_row *o = js_staged; o; o = o->next)
		if (o->starting)
			ps[n++] = &o->p;
	ps[n++] = &r->p;
	fits = job_admit(ps, n, why, sizeof(why)) == 0;
	free(ps);
	if (!fits)
		return mj_refuse(SNMP_ERR_RESOURCEUNAVAILABLE, "%s", why);
	r->starting = 1;
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
			return mj_refuse(SNMP_ERR_NOCREATION,
			                 "no such row: create it with vdsJobRowStatus "
			                 "createAndGo(4) or createAndWait(5)");
		if (rs == RS_ACTIVE || rs == RS_NOT_IN_SERVICE)
			return mj_refuse(SNMP_ERR_INCONSISTENTVALUE,
			                 "no such row: active and notInService need a row "
			                 "made by createAndWait(5)");
		if (r->control == JOB_CTL_CANCEL)
			return mj_refuse(SNMP_ERR_INCONSISTENTVALUE,
			                 "cancel(2) on a row being created");
		return rs == RS_CREATE_AND_GO ? mj_check_start(r) : SNMP_ERR_NOERROR;
	}
	if (rs == RS_CREATE_AND_GO || rs == RS_CREATE_AND_WAIT) {
		/* The manager lost the response and sent the SET again. */
		if (!mjm_is_retry(r->handle, &r->sig))
			return mj_refuse(SNMP_ERR_INCONSISTENTVALUE,
			                 "handle %u is in use (read vdsJobNextHandle for a free "
			                 "one)",
			                 r->handle);
		r->retry = 1;
		return SNMP_ERR_NOERROR;
	}
	if (rs == RS_DESTROY)
		return job_is_finished(j) || j->status == JOB_ST_CREATED
		           ? SNMP_ERR_NOERROR
		           : mj_refuse(SNMP_ERR_INCONSISTENTVALUE,
		                       "%s: cancel it before destroying the row", mj_job_state(j));
	if (j->status != JOB_ST_CREATED && r->params_set)
		return mj_refuse(SNMP_ERR_INCONSISTENTVALUE,
		                 "%s: its type and parameters cannot change", mj_job_state(j));
	if (j->status != JOB_ST_CREATED && rs == RS_NOT_IN_SERVICE)
		return mj_refuse(SNMP_ERR_INCONSISTENTVALUE,
		                 "%s: its row cannot go back to notInService", mj_job_state(j));
	if (r->control == JOB_CTL_CANCEL && job_is_finished(j))
		return mj_refuse(SNMP_ERR_INCONSISTENTVALUE, "%s: nothing to cancel",
		                 mj_job_state(j));
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
	if (!job_create(r->handle, &r->p, r->owner, r->keep, r->notify,
	                r->rowstatus == RS_CREATE_AND_GO ? JOB_CREATE_AT_COMMIT : JOB_CREATE_WAIT))
		return errno == EIO ? mj_refuse(SNMP_ERR_COMMITFAILED,
		                                "the row cannot be recorded in the job store")
		                    : mj_refuse(SNMP_ERR_RESOURCEUNAVAILABLE,
		                                "the row cannot be created: %s", strerror(errno));
	r->created = 1;
	return SNMP_ERR_NOERROR;
}

/* COMMIT: cannot fail; start jobs and apply the other columns. */
static void
mj_commit(struct js_row *r)
{
	struct job *j = job_find(r->handle);

	if (!j || r->retry)
		return;
	if (r->rowstatus == RS_DESTROY) {
		job_destroy(r->handle);
		mjm_forget(r->handle);
		return;
	}
	if (r->created)
		mjm_remember(r->handle, &r->sig);
	else
		mjm_forget(r->handle); /* changed since: a copy of the first SET is no retry */
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

/* Report err on req's varbind and record it as the last refusal, with js_why. */
static void
mj_report(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req, int err)
{
	const netsnmp_variable_list *vb = req->requestvb;
	size_t bl = mib_job_table.base_len;
	uint32_t h = 0;

	if (vb->name_length == bl + 2 && vb->name[bl + 1] <= JOB_HANDLE_MAX)
		h = (uint32_t)vb->name[bl + 1];
	mib_refusal_record(vb->name, vb->name_length, h, err, js_why);
	js_why[0] = '\0';
	netsnmp_set_request_error(reqinfo, req, err);
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
				mj_report(reqinfo, req, err);
				break;
			}
		return;
	}
}

int
mib_job_set(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
            netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct js_row *r;
	int err;

	switch (reqinfo->mode) {
	case MODE_SET_RESERVE1:
		mj_staged_free();
		js_why[0] = '\0';
		for (netsnmp_request_info *req = requests; req; req = req->next)
			if ((err = mj_reserve1(req->requestvb, &r)) != SNMP_ERR_NOERROR) {
				mj_report(reqinfo, req, err);
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
