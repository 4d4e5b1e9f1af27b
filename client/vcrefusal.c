/*
 * vcrefusal.c - why the agent refused a SET: vdsLastRefusal of VDS-MIB,
 * read right after the refusal.  It describes this client's SET when it
 * names the variable the response's error-index points at.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "mib_oids.h"
#include "vdsclient.h"
#include "vcpriv.h"

/* vdsLastRefusal.col.0 into name; its length. */
static size_t
vc_refusal_oid(oid *name, unsigned col)
{
	size_t n = vc_prefix(VC_T_SERVICE, name) - 1; /* vdsObjects */

	name[n++] = VDS_LAST_REFUSAL;
	name[n++] = col;
	name[n++] = 0;
	return n;
}

void
vc_refusal_read(struct vc_conn *c, const netsnmp_pdu *resp)
{
	const netsnmp_variable_list *vb = resp->variables, *obj, *why;
	netsnmp_pdu *pdu, *r2;
	oid name[VC_PREFIX_MAX + 3];
	enum vc_err code = c->code;
	char msg[sizeof(c->msg)], rejected[sizeof(c->rejected)];

	c->reason[0] = '\0';
	for (long i = 1; vb && i < resp->errindex; i++)
		vb = vb->next_variable;
	if (!vb || resp->errindex < 1 || !(pdu = snmp_pdu_create(SNMP_MSG_GET)))
		return;
	snmp_add_null_var(pdu, name, vc_refusal_oid(name, VDS_REFUSAL_OBJECT));
	snmp_add_null_var(pdu, name, vc_refusal_oid(name, VDS_REFUSAL_REASON));
	/* vc_request clears the error of the SET: keep it. */
	memcpy(msg, c->msg, sizeof(msg));
	memcpy(rejected, c->rejected, sizeof(rejected));
	if (vc_request(c, pdu, &r2) == 0) {
		obj = r2->variables;
		why = obj ? obj->next_variable : NULL;
		if (r2->errstat == SNMP_ERR_NOERROR && why && obj->type == ASN_OBJECT_ID &&
		    why->type == ASN_OCTET_STR &&
		    snmp_oid_compare(obj->val.objid, obj->val_len / sizeof(oid), vb->name,
		                     vb->name_length) == 0)
			snprintf(c->reason, sizeof(c->reason), "%.*s", (int)why->val_len,
			         (const char *)why->val.string);
		snmp_free_pdu(r2);
	}
	c->code = code;
	memcpy(c->msg, msg, sizeof(msg));
	memcpy(c->rejected, rejected, sizeof(rejected));
	if (c->reason[0]) {
		size_t n = strlen(c->msg);

		snprintf(c->msg + n, sizeof(c->msg) - n, " (vdsd: %s)", c->reason);
	}
}
