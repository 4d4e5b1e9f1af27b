/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jobset_pdu.c - the SET PDUs of fuzz_jobset: every varbind built from
 * the input bytes (any column, row and ASN type, each with its right size),
 * and the requests of a PDU linked and passed to a handler.
 */
#include "config.h"

#include <string.h>

#include "job.h"
#include "mib_job.h"

#include "fuzz_jobset.h"

/* ------------------------------------------------------------- requests */

void
fz_pdu_link(struct fz_pdu *p)
{
	memset(&p->info, 0, sizeof(p->info));
	memset(p->req, 0, sizeof(p->req));
	for (size_t i = 0; i < p->n; i++) {
		p->req[i].requestvb = &p->vb[i];
		p->req[i].agent_req_info = &p->info;
		p->req[i].index = (int)i + 1;
		p->req[i].next = i + 1 < p->n ? &p->req[i + 1] : NULL;
		p->req[i].prev = i ? &p->req[i - 1] : NULL;
		p->vb[i].next_variable = i + 1 < p->n ? &p->vb[i + 1] : NULL;
	}
}

void
fz_pdu_free(struct fz_pdu *p)
{
	for (size_t i = 0; i < p->n; i++)
		snmp_free_var_internals(&p->vb[i]);
	p->n = 0;
}

/* One pass: 0, or the first error status a request got. */
int
fz_pass(netsnmp_handler_registration *reg, struct fz_pdu *p, int mode)
{
	int st;

	p->info.mode = mode;
	for (size_t i = 0; i < p->n; i++)
		p->req[i].status = 0;
	st = netsnmp_call_handlers(reg, &p->info, p->req);
	for (size_t i = 0; i < p->n && st == SNMP_ERR_NOERROR; i++)
		st = p->req[i].status;
	return st;
}

/* ----------------------------------------------------------- varbinds */

uint8_t
fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint32_t
fz_u32(struct fz_in *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | fz_u8(in);
	return v;
}

/* The type a column has in VDS-MIB. */
static u_char
fz_natural_type(oid col)
{
	const struct mib_col *c = mib_table_col(&mib_job_table, col);

	if (!c)
		return ASN_INTEGER;
	switch (c->kind) {
	case MK_U32:
		return ASN_UNSIGNED;
	case MK_STR:
		return ASN_OCTET_STR;
	case MK_BYTES:
		return ASN_COUNTER64;
	case MK_FN:
		/* RowStatus is INTEGER; the times and the disk list are strings; the rest
		 * Unsigned32. */
		if (col == VDS_JOB_ROW_STATUS)
			return ASN_INTEGER;
		if (col == VDS_JOB_P_DISKS ||
		    (col >= VDS_JOB_CREATE_TIME && col <= VDS_JOB_LAST_UPDATE_TIME))
			return ASN_OCTET_STR;
		return ASN_UNSIGNED;
	default:
		return ASN_INTEGER;
	}
}

/* Every ASN type an SNMP manager can send, with its right size. */
static void
fz_value(struct fz_in *in, netsnmp_variable_list *vb, u_char type)
{
	u_char s[256], sel;
	oid o[10];
	struct counter64 c64;
	long l;
	u_long ul;
	size_t n;
	int rc;

	switch (type) {
	case ASN_INTEGER:
		sel = fz_u8(in);
		l = sel < 0xc0 ? (long)sel - 16 : (long)(int32_t)fz_u32(in);
		rc = snmp_set_var_typed_value(vb, type, &l, sizeof(l));
		break;
	case ASN_UNSIGNED:
	case ASN_COUNTER:
	case ASN_TIMETICKS:
		sel = fz_u8(in);
		ul = sel < 0xc0 ? sel : fz_u32(in);
		rc = snmp_set_var_typed_value(vb, type, &ul, sizeof(ul));
		break;
	case ASN_COUNTER64:
		c64.high = fz_u32(in);
		c64.low = fz_u32(in);
		rc = snmp_set_var_typed_value(vb, type, &c64, sizeof(c64));
		break;
	case ASN_IPADDRESS:
		ul = fz_u32(in);
		rc = snmp_set_var_typed_value(vb, type, &ul, 4);
		break;
	case ASN_OBJECT_ID:
		n = fz_u8(in) % 8 + 2;
		for (size_t i = 0; i < n; i++)
			o[i] = i < 2 ? 1 : fz_u8(in);
		rc = snmp_set_var_typed_value(vb, type, o, n * sizeof(oid));
		break;
	case ASN_NULL:
		rc = snmp_set_var_typed_value(vb, type, NULL, 0);
		break;
	default: /* OCTET STRING, Opaque */
		n = fz_u8(in);
		n = n < in->n ? n : in->n;
		memcpy(s, in->p, n);
		in->p += n;
		in->n -= n;
		rc = snmp_set_var_typed_value(vb, type, s, n);
		break;
	}
	if (rc != 0)
		FZ_FAIL("cannot build a varbind of type 0x%02x", type);
}

static const u_char fz_types[] = {ASN_INTEGER,   ASN_UNSIGNED,  ASN_COUNTER,   ASN_TIMETICKS,
                                  ASN_IPADDRESS, ASN_OCTET_STR, ASN_OBJECT_ID, ASN_NULL,
                                  ASN_COUNTER64, ASN_OPAQUE};

/* One varbind: column, row, type and value from the input. */
void
fz_varbind(struct fz_in *in, netsnmp_variable_list *vb, uint32_t next)
{
	static const uint64_t rows[] = {0, JOB_HANDLE_MAX, (uint64_t)JOB_HANDLE_MAX + 1,
	                                UINT32_MAX};
	oid name[MAX_OID_LEN];
	size_t bl = mib_job_table.base_len, len = bl + 2;
	uint8_t c = fz_u8(in), r = fz_u8(in), t = fz_u8(in);
	u_char type;

	memcpy(name, mib_job_table.base, bl * sizeof(oid));
	name[bl] = c % 64;
	if (r % 16 < 8)
		name[bl + 1] = r % 16 + 1;
	else if (r % 16 == 8)
		name[bl + 1] = next;
	else if (r % 16 < 13)
		name[bl + 1] = rows[r % 16 - 9];
	else if (r % 16 == 13)
		len = bl + 1; /* no index */
	else
		name[bl + 1] = r % 16 - 13, name[len++] = 1; /* an index too long */
	snmp_set_var_objid(vb, name, len);
	type = t % 16 < 6 ? fz_natural_type(name[bl]) : fz_types[t % 16 - 6];
	fz_value(in, vb, type);
}
