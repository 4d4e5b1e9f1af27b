/* SPDX-License-Identifier: ISC */
/*
 * vdsclient.c - VDS-MIB client on Net-SNMP's client API (see vdsclient.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "mib_oids.h"
#include "vcfields.h"
#include "vdsclient.h"
#include "vcpriv.h"

static const oid vc_root[] = {VDS_MIB_ROOT, VDS_OBJECTS};

int
vc_fail(struct vc_conn *c, enum vc_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->code = code;
	return -1;
}

int
vc_open(int argc, char **argv, struct vc_conn **out, char *err, size_t errlen)
{
	netsnmp_session sess;
	struct vc_conn *c;
	int rc;

	*out = NULL;
	/* Numeric OIDs only: do not read MIB files unless -m/-M asks for them. */
	if (!getenv("MIBS"))
		setenv("MIBS", "", 1);
	optind = 0; /* the caller may have used getopt already: start afresh */
	rc = snmp_parse_args(argc, argv, &sess, "", NULL);
	if (rc == NETSNMP_PARSE_ARGS_SUCCESS_EXIT)
		return -2;
	if (rc < 0)
		return -1;
	if (rc != argc) {
		snprintf(err, errlen, "unexpected argument \"%s\" after the agent address",
		         argv[rc]);
		return -1;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		snprintf(err, errlen, "out of memory");
		return -3;
	}
	snprintf(c->peer, sizeof(c->peer), "%s", sess.peername ? sess.peername : "?");
	if (!(c->ss = snmp_open(&sess))) {
		char *s = NULL;

		snmp_error(&sess, NULL, NULL, &s);
		snprintf(err, errlen, "cannot open a session to %s: %s", c->peer, s ? s : "?");
		free(s);
		free(c);
		return -3;
	}
	*out = c;
	return 0;
}

void
vc_close(struct vc_conn *c)
{
	if (!c)
		return;
	if (c->ss)
		snmp_close(c->ss);
	free(c);
}

const char *
vc_peer(const struct vc_conn *c)
{
	return c->peer;
}

enum vc_err
vc_errcode(const struct vc_conn *c)
{
	return c->code;
}

const char *
vc_errmsg(const struct vc_conn *c)
{
	return c->msg;
}

const char *
vc_rejected_column(const struct vc_conn *c)
{
	return c->rejected[0] ? c->rejected : NULL;
}

/* A failed exchange (no response PDU) in words. */
static int
vc_transport_error(struct vc_conn *c, int status)
{
	int e = c->ss->s_snmp_errno;

	if (status == STAT_TIMEOUT || e == SNMPERR_TIMEOUT)
		return vc_fail(
		    c, VC_E_TIMEOUT,
		    "the agent at %s did not answer (is it running, and are the address, "
		    "community or credentials right?)",
		    c->peer);
	switch (e) {
	case SNMPERR_AUTHENTICATION_FAILURE:
	case SNMPERR_USM_AUTHENTICATIONFAILURE:
		return vc_fail(c, VC_E_AUTH,
		               "authentication failed at %s: check the user (-u), the "
		               "passphrases (-A, -X) and the protocols (-a, -x)",
		               c->peer);
	case SNMPERR_UNKNOWN_USER_NAME:
	case SNMPERR_USM_UNKNOWNSECURITYNAME:
		return vc_fail(c, VC_E_AUTH,
		               "authentication failed: the agent at %s does not "
		               "know the user \"%s\"",
		               c->peer, c->ss->securityName ? c->ss->securityName : "");
	case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
		return vc_fail(c, VC_E_AUTH,
		               "authentication failed: the agent at %s does not accept this "
		               "security level (-l) for the user",
		               c->peer);
	case SNMPERR_USM_DECRYPTIONERROR:
		return vc_fail(c, VC_E_AUTH,
		               "authentication failed: the agent at %s could not decrypt the "
		               "request (check -x and -X)",
		               c->peer);
	}
	return vc_fail(c, VC_E_SNMP, "talking to the agent at %s failed: %s", c->peer,
	               snmp_api_errstring(e));
}

/* Send pdu, wait for the response.  0 with *resp (free it), -1 on error. */
int
vc_request(struct vc_conn *c, netsnmp_pdu *pdu, netsnmp_pdu **resp)
{
	int st;

	*resp = NULL;
	c->code = VC_OK;
	c->msg[0] = c->rejected[0] = '\0';
	st = snmp_synch_response(c->ss, pdu, resp);
	if (st == STAT_SUCCESS && *resp)
		return 0;
	if (*resp)
		snmp_free_pdu(*resp);
	*resp = NULL;
	return vc_transport_error(c, st);
}

/* The MIB name of a job column ("vdsJobParamDisk") for messages. */
static void
vc_column_name(struct vc_conn *c, const netsnmp_variable_list *vb)
{
	const struct vcf_field *f = NULL;
	size_t n = sizeof(vc_root) / sizeof(vc_root[0]);

	if (vb->name_length == n + 4 && vb->name[n] == VDS_JOB_TABLE)
		f = vcf_field(vcf_table(VC_T_JOB), (unsigned)vb->name[n + 2]);
	if (f)
		snprintf(c->rejected, sizeof(c->rejected), "vdsJob%c%s", f->name[0] - 'a' + 'A',
		         f->name + 1);
}

/* An error-status in words; what is "start the job", "read the disk table"... */
int
vc_status_error(struct vc_conn *c, netsnmp_pdu *resp, const char *what)
{
	long st = resp->errstat;
	netsnmp_variable_list *vb = resp->variables;

	for (long i = 1; vb && i < resp->errindex; i++)
		vb = vb->next_variable;
	if (vb && resp->errindex > 0)
		vc_column_name(c, vb);
	switch (st) {
	case SNMP_ERR_NOACCESS:
	case SNMP_ERR_NOTWRITABLE:
	case SNMP_ERR_AUTHORIZATIONERROR:
	case SNMP_ERR_READONLY:
		return vc_fail(c, VC_E_DENIED,
		               "the agent at %s refused to %s: access denied (does the community "
		               "or user have write access?)",
		               c->peer, what);
	case SNMP_ERR_NOCREATION:
	case SNMP_ERR_NOSUCHNAME:
		return vc_fail(c, VC_E_NOT_FOUND, "the agent at %s could not %s: no such object",
		               c->peer, what);
	case SNMP_ERR_RESOURCEUNAVAILABLE:
		return vc_fail(
		    c, VC_E_BUSY,
		    "the agent at %s could not %s: the job queue is full, try again later", c->peer,
		    what);
	case SNMP_ERR_INCONSISTENTVALUE:
	case SNMP_ERR_WRONGVALUE:
	case SNMP_ERR_WRONGTYPE:
	case SNMP_ERR_WRONGLENGTH:
	case SNMP_ERR_WRONGENCODING:
	case SNMP_ERR_BADVALUE:
	case SNMP_ERR_INCONSISTENTNAME:
		return vc_fail(c, VC_E_REJECTED, "the agent at %s refused to %s: %s%s%s", c->peer,
		               what, c->rejected[0] ? "the value of " : "a value is not acceptable",
		               c->rejected, c->rejected[0] ? " is not acceptable" : "");
	}
	return vc_fail(c, VC_E_SNMP, "the agent at %s could not %s (%s)", c->peer, what,
	               snmp_errstring((int)st));
}

/* The OID prefix of table t: vdsService (scalars) or vdsXxxEntry. */
size_t
vc_prefix(enum vc_table t, oid *name)
{
	size_t n = sizeof(vc_root) / sizeof(vc_root[0]);

	memcpy(name, vc_root, sizeof(vc_root));
	name[n++] = t;
	if (t != VC_T_SERVICE)
		name[n++] = 1;
	return n;
}

static int64_t
vc_dateandtime(const u_char *b, size_t len)
{
	struct tm tm = {0};
	int64_t t;

	if (len < 8 || (b[0] == 0 && b[1] == 0))
		return 0;
	tm.tm_year = ((b[0] << 8) | b[1]) - 1900;
	tm.tm_mon = b[2] - 1;
	tm.tm_mday = b[3];
	tm.tm_hour = b[4];
	tm.tm_min = b[5];
	tm.tm_sec = b[6];
	t = (int64_t)timegm(&tm);
	if (len >= 11) {
		int64_t off = b[9] * 3600 + b[10] * 60;

		t += b[8] == '+' ? -off : off;
	}
	return t;
}

static int
vc_is_number(const netsnmp_variable_list *vb)
{
	return vb->type == ASN_INTEGER || vb->type == ASN_UNSIGNED || vb->type == ASN_COUNTER ||
	       vb->type == ASN_TIMETICKS;
}

/* Store vb in the field f of row; 0 stored, -1 not (wrong type, noSuch*). */
static int
vc_store(void *row, const struct vcf_field *f, const netsnmp_variable_list *vb)
{
	char *p = (char *)row + f->off;
	uint32_t u = 0;
	uint64_t w = 0;
	int64_t t;
	size_t n;

	if (f->kind == VCF_STR || f->kind == VCF_TIME || f->kind == VCF_BITS) {
		if (vb->type != ASN_OCTET_STR)
			return -1;
		if (f->kind == VCF_STR) {
			n = vb->val_len < f->size ? vb->val_len : f->size - 1u;
			memcpy(p, vb->val.string, n);
			p[n] = '\0';
		} else if (f->kind == VCF_TIME) {
			t = vc_dateandtime(vb->val.string, vb->val_len);
			memcpy(p, &t, sizeof(t));
		} else {
			for (unsigned bit = 0; bit < 32 && bit / 8 < vb->val_len; bit++)
				if (vb->val.string[bit / 8] & (0x80 >> (bit % 8)))
					u |= 1u << bit;
			memcpy(p, &u, sizeof(u));
		}
		return 0;
	}
	if (vb->type == ASN_COUNTER64)
		w = ((uint64_t)vb->val.counter64->high << 32) | vb->val.counter64->low;
	else if (vc_is_number(vb))
		w = (uint64_t)(uint32_t)*vb->val.integer;
	else
		return -1;
	if (f->kind == VCF_BYTES) {
		memcpy(p, &w, sizeof(w));
	} else {
		u = (uint32_t)w;
		memcpy(p, &u, sizeof(u));
	}
	return 0;
}

struct vc_rows {
	const struct vcf_table *t;
	char *buf;
	size_t n, cap;
};

static void *
vc_row(struct vc_rows *r, uint32_t index)
{
	char *row;

	for (size_t i = r->n; i-- > 0;) {
		row = r->buf + i * r->t->row_size;
		if (memcmp(row, &index, sizeof(index)) == 0)
			return row;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char *nb = realloc(r->buf, cap * r->t->row_size);

		if (!nb)
			return NULL;
		r->buf = nb;
		r->cap = cap;
	}
	row = r->buf + r->n++ * r->t->row_size;
	memset(row, 0, r->t->row_size);
	memcpy(row, &index, sizeof(index));
	return row;
}

/* One response of the walk; 1 when the walk left the table, 0 to go on. */
static int
vc_walk_vars(struct vc_conn *c, struct vc_rows *r, const oid *pre, size_t plen, netsnmp_pdu *resp,
             oid *cur, size_t *curlen)
{
	const struct vcf_field *f;
	void *row;

	for (netsnmp_variable_list *vb = resp->variables; vb; vb = vb->next_variable) {
		if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
		    netsnmp_oid_is_subtree(pre, plen, vb->name, vb->name_length) != 0)
			return 1;
		if (snmp_oid_compare(vb->name, vb->name_length, cur, *curlen) <= 0)
			return vc_fail(c, VC_E_SNMP, "the agent at %s returned OIDs out of order",
			               c->peer);
		memcpy(cur, vb->name, vb->name_length * sizeof(oid));
		*curlen = vb->name_length;
		if (vb->name_length != plen + 2 || !(f = vcf_field(r->t, (unsigned)vb->name[plen])))
			continue;
		if (!(row = vc_row(r, (uint32_t)vb->name[plen + 1])))
			return vc_fail(c, VC_E_NO_MEMORY, "out of memory");
		vc_store(row, f, vb);
	}
	return resp->variables ? 0 : 1;
}

int
vc_read_table(struct vc_conn *c, enum vc_table t, void **rows, size_t *n)
{
	struct vc_rows r = {.t = vcf_table(t)};
	oid pre[VC_PREFIX_MAX], cur[MAX_OID_LEN];
	size_t plen, curlen;
	netsnmp_pdu *pdu, *resp;
	int rc = 0;

	*rows = NULL;
	*n = 0;
	if (!r.t || t == VC_T_SERVICE)
		return vc_fail(c, VC_E_USAGE, "not a table: %d", (int)t);
	plen = curlen = vc_prefix(t, pre);
	memcpy(cur, pre, plen * sizeof(oid));
	while (rc == 0) {
		int bulk = c->ss->version != SNMP_VERSION_1;

		pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = bulk ? VC_BULK_REPS : 0;
		snmp_add_null_var(pdu, cur, curlen);
		if (vc_request(c, pdu, &resp) < 0)
			goto fail;
		if (resp->errstat == SNMP_ERR_NOSUCHNAME)
			rc = 1;
		else if (resp->errstat != SNMP_ERR_NOERROR)
			rc = vc_status_error(c, resp, "read the table");
		else
			rc = vc_walk_vars(c, &r, pre, plen, resp, cur, &curlen);
		snmp_free_pdu(resp);
	}
	if (rc < 0)
		goto fail;
	*rows = r.buf;
	*n = r.n;
	return 0;
fail:
	free(r.buf);
	return -1;
}

int
vc_read_row(struct vc_conn *c, enum vc_table t, uint32_t index, void *row)
{
	const struct vcf_table *tab = vcf_table(t);
	oid name[VC_PREFIX_MAX + 2];
	size_t plen;
	netsnmp_pdu *pdu, *resp;
	int stored = 0;

	if (!tab)
		return vc_fail(c, VC_E_USAGE, "not a table: %d", (int)t);
	memset(row, 0, tab->row_size);
	memcpy(row, &index, sizeof(index));
	plen = vc_prefix(t, name);
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (size_t i = 0; i < tab->nfields; i++) {
		name[plen] = tab->fields[i].col;
		name[plen + 1] = index;
		snmp_add_null_var(pdu, name, plen + 2);
	}
	if (vc_request(c, pdu, &resp) < 0)
		return -1;
	if (resp->errstat != SNMP_ERR_NOERROR) {
		vc_status_error(c, resp, "read the object");
		snmp_free_pdu(resp);
		return -1;
	}
	for (netsnmp_variable_list *vb = resp->variables; vb; vb = vb->next_variable) {
		const struct vcf_field *f = vcf_field(tab, (unsigned)vb->name[plen]);

		if (f && vc_store(row, f, vb) == 0)
			stored++;
	}
	snmp_free_pdu(resp);
	if (!stored)
		return vc_fail(c, VC_E_NOT_FOUND, "%s %u does not exist", tab->name, index);
	return 0;
}

int
vc_read_service(struct vc_conn *c, struct vc_service *s)
{
	if (vc_read_row(c, VC_T_SERVICE, 0, s) < 0) {
		if (c->code == VC_E_NOT_FOUND)
			vc_fail(c, VC_E_NOT_FOUND,
			        "the agent at %s does not serve VDS-MIB (is vdsd running and "
			        "connected to it?)",
			        c->peer);
		return -1;
	}
	return 0;
}
