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
