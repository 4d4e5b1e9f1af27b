/* SPDX-License-Identifier: ISC */
/*
 * vcpriv.h - shared by the files of the client library (vdsclient.c,
 * vcjobs.c) only; not part of its API.
 */
#ifndef VDS_CLIENT_PRIV_H
#define VDS_CLIENT_PRIV_H

#define VC_START_TRIES 5
#define VC_PREFIX_MAX  12

struct vc_conn {
	netsnmp_session *ss;
	char peer[128];
	enum vc_err code;
	char msg[512];
	char rejected[64];
	char reason[256]; /* vdsLastRefusal's reason for the last refused SET, or "" */
};

int vc_fail(struct vc_conn *c, enum vc_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Send pdu and wait: 0 with *resp (snmp_free_pdu it), -1 on error. */
int vc_request(struct vc_conn *c, netsnmp_pdu *pdu, netsnmp_pdu **resp);
/* resp's error-status in words, what says what was tried ("start the job"). */
int vc_status_error(struct vc_conn *c, netsnmp_pdu *resp, const char *what);
/*
 * After a refused SET (resp): read vdsLastRefusal; when it is about this
 * SET, put its reason into c->reason and add it to the message (c->code
 * and c->msg otherwise stay those of the SET).
 */
void vc_refusal_read(struct vc_conn *c, const netsnmp_pdu *resp);
/* The OID of vdsService or of vdsXxxEntry of t into name; its length. */
size_t vc_prefix(enum vc_table t, oid *name);

#endif
