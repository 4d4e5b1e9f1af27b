/* SPDX-License-Identifier: ISC */
/*
 * vcjobs.c - jobs of the VDS client library: start one with a single SET
 * (createAndGo), read, cancel, keep, remove and wait for it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "mib_oids.h"
#include "vcfields.h"
#include "vdsclient.h"
#include "vcpriv.h"

static size_t
vc_job_oid(oid *name, unsigned col, uint32_t handle)
{
	size_t n = vc_prefix(VC_T_JOB, name);

	name[n++] = col;
	name[n++] = handle;
	return n;
}

static void
vc_add_int(netsnmp_pdu *pdu, u_char type, unsigned col, uint32_t handle, long v)
{
	oid name[VC_PREFIX_MAX + 2];

	snmp_pdu_add_variable(pdu, name, vc_job_oid(name, col, handle), type, &v, sizeof(v));
}

/* The request's columns: type, owner and every parameter that is set. */
static void
vc_add_params(netsnmp_pdu *pdu, const struct vc_job *req, uint32_t h)
{
	const struct vcf_table *t = vcf_table(VC_T_JOB);
	oid name[VC_PREFIX_MAX + 2];

	for (size_t i = 0; i < t->nfields; i++) {
		const struct vcf_field *f = &t->fields[i];
		const char *s = vcf_str(req, f);

		/* parameters: 30..49 and, after the first outputs, 56..69 */
		if (f->col != VDS_JOB_TYPE && f->col != VDS_JOB_OWNER &&
		    (f->col < VDS_JOB_P_DISK || f->col >= VDS_JOB_O_OFFSET) &&
		    (f->col < VDS_JOB_P_FS_TYPE || f->col >= VDS_JOB_O_PLEX))
			continue;
		if (f->kind == VCF_STR && s[0])
			snmp_pdu_add_variable(pdu, name, vc_job_oid(name, f->col, h), ASN_OCTET_STR,
			                      s, strlen(s));
		else if (f->kind != VCF_STR && vcf_u32(req, f))
			vc_add_int(pdu,
			           f->kind == VCF_INT || f->kind == VCF_BOOL ? ASN_INTEGER
			                                                     : ASN_UNSIGNED,
			           f->col, h, (long)vcf_u32(req, f));
	}
}

/* SET a list of columns; 0 done, -1 error (message says what). */
static int
vc_set(struct vc_conn *c, netsnmp_pdu *pdu, const char *what)
{
	netsnmp_pdu *resp;
	int rc = 0;

	if (vc_request(c, pdu, &resp) < 0)
		return -1;
	c->reason[0] = '\0';
	if (resp->errstat != SNMP_ERR_NOERROR) {
		rc = vc_status_error(c, resp, what);
		vc_refusal_read(c, resp);
	}
	snmp_free_pdu(resp);
	return rc;
}

static int
vc_next_handle(struct vc_conn *c, uint32_t *h)
{
	struct vc_service s;

	if (vc_read_service(c, &s) < 0)
		return -1;
	if (!s.next_handle)
		return vc_fail(c, VC_E_BUSY, "the agent at %s has no free job handle", c->peer);
	*h = s.next_handle;
	return 0;
}

int
vc_job_start(struct vc_conn *c, const struct vc_job *req, uint32_t *handle)
{
	struct vc_job j;
	uint32_t h = 0;
	char reason[sizeof(c->reason)];

	*handle = 0;
	for (int i = 0; i < VC_START_TRIES; i++) {
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);

		if (vc_next_handle(c, &h) < 0) {
			snmp_free_pdu(pdu);
			return -1;
		}
		vc_add_int(pdu, ASN_INTEGER, VDS_JOB_ROW_STATUS, h, 4 /* createAndGo */);
		vc_add_params(pdu, req, h);
		if (vc_set(c, pdu, "start the job") == 0) {
			*handle = h;
			return 0;
		}
		/* inconsistentValue: maybe another manager took the handle first. */
		if (c->code != VC_E_REJECTED || strcmp(c->rejected, "vdsJobRowStatus") != 0)
			return -1;
		snprintf(reason, sizeof(reason), "%s", c->reason);
		if (vc_read_row(c, VC_T_JOB, h, &j) < 0 && c->code == VC_E_NOT_FOUND)
			return reason[0] ? vc_fail(c, VC_E_REJECTED,
			                           "the agent at %s refused to start the job: %s",
			                           c->peer, reason)
			                 : vc_fail(c, VC_E_REJECTED,
			                           "the agent at %s refused to start the job: it "
			                           "does not fit the objects as they are now (a "
			                           "full partition table, an object in use, a path "
			                           "that exists...; vdsd logs the reason)",
			                           c->peer);
	}
	return vc_fail(c, VC_E_BUSY,
	               "could not start the job: %d job handles in a row were "
	               "taken by other managers",
	               VC_START_TRIES);
}

int
vc_job_get(struct vc_conn *c, uint32_t handle, struct vc_job *j)
{
	if (vc_read_row(c, VC_T_JOB, handle, j) < 0) {
		if (c->code == VC_E_NOT_FOUND)
			vc_fail(c, VC_E_NOT_FOUND, "job %u does not exist", handle);
		return -1;
	}
	return 0;
}

int
vc_job_finished(const struct vc_job *j)
{
	return j->status >= VC_JS_SUCCEEDED;
}

/* A refused control SET on job handle: say why in terms of the job. */
static int
vc_job_refused(struct vc_conn *c, uint32_t handle, const char *what)
{
	struct vc_job j;
	const struct vcf_field *f = vcf_field(vcf_table(VC_T_JOB), VDS_JOB_STATUS);
	const char *st;

	if (c->code != VC_E_REJECTED && c->code != VC_E_NOT_FOUND)
		return -1;
	if (vc_job_get(c, handle, &j) < 0)
		return -1;
	st = vcf_label(f, j.status);
	if (vc_job_finished(&j))
		return vc_fail(c, VC_E_REJECTED, "cannot %s job %u: it has already ended (%s)",
		               what, handle, st ? st : "?");
	return vc_fail(c, VC_E_REJECTED, "cannot %s job %u while it is %s%s", what, handle,
	               st ? st : "?", strcmp(what, "remove") == 0 ? "; cancel it first" : "");
}

int
vc_job_cancel(struct vc_conn *c, uint32_t handle)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);

	vc_add_int(pdu, ASN_INTEGER, VDS_JOB_CONTROL, handle, 2 /* cancel */);
	if (vc_set(c, pdu, "cancel the job") < 0)
		return vc_job_refused(c, handle, "cancel");
	return 0;
}

int
vc_job_destroy(struct vc_conn *c, uint32_t handle)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);

	vc_add_int(pdu, ASN_INTEGER, VDS_JOB_ROW_STATUS, handle, 6 /* destroy */);
	if (vc_set(c, pdu, "remove the job") < 0)
		return vc_job_refused(c, handle, "remove");
	return 0;
}

int
vc_job_keep(struct vc_conn *c, uint32_t handle, int keep)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);

	vc_add_int(pdu, ASN_INTEGER, VDS_JOB_KEEP_RESULT, handle, keep ? 1 : 2);
	if (vc_set(c, pdu, "keep the job") < 0)
		return vc_job_refused(c, handle, "keep");
	return 0;
}

int
vc_job_wait(struct vc_conn *c, uint32_t handle, unsigned interval_ms, vc_job_cb cb, void *arg,
            struct vc_job *last)
{
	struct timespec ts = {interval_ms / 1000, (long)(interval_ms % 1000) * 1000000L};

	for (;;) {
		if (vc_job_get(c, handle, last) < 0)
			return -1;
		if (cb && cb(last, arg))
			return 1;
		if (vc_job_finished(last))
			return 0;
		nanosleep(&ts, NULL);
		if (cb && cb(NULL, arg))
			return 1;
	}
}
