/* SPDX-License-Identifier: ISC */
/*
 * mib_table.c - the generic GET/GETNEXT handler behind every VDS-MIB table.
 *
 * Columnar order: for GETNEXT we find the first (column, row) after the
 * requested OID by binary search in the row table, so a walk of n rows costs
 * O(n log n) in all, never the O(n^2) of an iterator that restarts per
 * request.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "mib_table.h"

size_t
mib_date_and_time(int64_t t, int millis, u_char *buf)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0) {
		static const u_char unknown[8] = {0, 0, 1, 1, 0, 0, 0, 0};

		memcpy(buf, unknown, sizeof(unknown));
		return sizeof(unknown);
	}
	gmtime_r(&tt, &tm);
	buf[0] = (u_char)((tm.tm_year + 1900) >> 8);
	buf[1] = (u_char)((tm.tm_year + 1900) & 0xff);
	buf[2] = (u_char)(tm.tm_mon + 1);
	buf[3] = (u_char)tm.tm_mday;
	buf[4] = (u_char)tm.tm_hour;
	buf[5] = (u_char)tm.tm_min;
	buf[6] = (u_char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	buf[7] = (u_char)(millis / 100);
	buf[8] = '+';
	buf[9] = 0;
	buf[10] = 0;
	return 11;
}

int
mib_value_str(struct mib_value *v, const char *s)
{
	v->type = ASN_OCTET_STR;
	v->str = s ? s : "";
	v->len = strlen(v->str);
	return 0;
}

static void
mt_unsigned(struct mib_value *v, u_char type, uint32_t n)
{
	v->type = type;
	v->n.u32 = n;
}

int
mib_table_value(const struct mib_table *t, const struct mib_col *col, const void *row,
                struct mib_value *v)
{
	/* Scalars have no row (and only MK_FN columns): no offset from NULL. */
	const void *base = row && (col->off & MIB_PART) && t->part ? t->part(row) : row;
	const char *p = base ? (const char *)base + (col->off & ~(MIB_PART | MIB_U8)) : NULL;
	int u8 = (col->off & MIB_U8) != 0;
	uint64_t b;

	memset(v, 0, sizeof(*v));
	switch (col->kind) {
	case MK_U32:
		mt_unsigned(v, ASN_UNSIGNED, u8 ? *(const uint8_t *)p : *(const uint32_t *)p);
		return 0;
	case MK_GAUGE:
		mt_unsigned(v, ASN_GAUGE, *(const uint32_t *)p);
		return 0;
	case MK_COUNTER:
		mt_unsigned(v, ASN_COUNTER, *(const uint32_t *)p);
		return 0;
	case MK_SIZE:
		mt_unsigned(v, ASN_GAUGE, (uint32_t) * (const size_t *)p);
		return 0;
	case MK_INT:
		v->type = ASN_INTEGER;
		v->n.i = u8 ? *(const uint8_t *)p : *(const int *)p;
		return 0;
	case MK_BOOL:
		v->type = ASN_INTEGER;
		v->n.i = (u8 ? *(const uint8_t *)p : *(const int *)p) ? 1 : 2;
		return 0;
	case MK_STR:
		return mib_value_str(v, p);
	case MK_PSTR:
		return mib_value_str(v, *(const char *const *)p);
	case MK_BYTES:
		b = *(const uint64_t *)p;
		v->type = ASN_COUNTER64;
		v->n.c64.high = (u_long)(b >> 32);
		v->n.c64.low = (u_long)(b & 0xffffffffu);
		return 0;
	case MK_TIME:
		v->type = ASN_OCTET_STR;
		v->len = mib_date_and_time((int64_t) * (const time_t *)p, 0, v->buf);
		v->str = v->buf;
		return 0;
	case MK_BITS8: {
		unsigned f = *(const unsigned *)p;
		u_char o = 0;

		/* BITS: bit 0 is the most significant bit of the first octet. */
		for (int i = 0; i < 8; i++)
			if (f & (1u << i))
				o |= (u_char)(0x80 >> i);
		v->type = ASN_OCTET_STR;
		v->buf[0] = o;
		v->str = v->buf;
		v->len = 1;
		return 0;
	}
	case MK_FN:
		return col->fn(row, v);
	}
	return -1;
}

const struct mib_col *
mib_table_col(const struct mib_table *t, oid subid)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].subid == subid)
			return &t->cols[i];
	return NULL;
}

static int
mt_set_value(netsnmp_variable_list *vb, const struct mib_value *v)
{
	u_long ul;
	long l;

	switch (v->type) {
	case ASN_OCTET_STR:
	case ASN_OBJECT_ID:
		return snmp_set_var_typed_value(vb, v->type, v->str, v->len);
	case ASN_COUNTER64:
		return snmp_set_var_typed_value(vb, v->type, &v->n.c64, sizeof(v->n.c64));
	case ASN_INTEGER:
		l = v->n.i;
		return snmp_set_var_typed_value(vb, v->type, &l, sizeof(l));
	default:
		ul = v->n.u32;
		return snmp_set_var_typed_value(vb, v->type, &ul, sizeof(ul));
	}
}

/* Row of an exact instance OID, or NULL. */
static const void *
mt_exact(const struct mib_table *t, const oid *name, size_t len, const struct mib_col **colp)
{
	size_t bl = t->base_len;

	*colp = NULL;
	if (len != bl + 2 || snmp_oid_ncompare(name, len, t->base, bl, bl) != 0)
		return NULL;
	if (!(*colp = mib_table_col(t, name[bl])))
		return NULL;
	if (t->scalar)
		return name[bl + 1] == 0 ? (const void *)t : NULL;
	if (name[bl + 1] == 0 || name[bl + 1] > UINT32_MAX)
		return NULL;
	return vtab_find(t->rows(), (uint32_t)name[bl + 1]);
}

/* Where a GETNEXT starts: the first column to try and the row to go past. */
static int
mt_start(const struct mib_table *t, const oid *name, size_t len, size_t *ci, uint64_t *after)
{
	size_t bl = t->base_len;
	int c = snmp_oid_ncompare(name, len, t->base, bl, len < bl ? len : bl);

	*ci = 0;
	*after = 0;
	if (c > 0)
		return -1;
	if (c < 0 || len <= bl)
		return 0;
	while (*ci < t->ncols && t->cols[*ci].subid < name[bl])
		(*ci)++;
	if (*ci == t->ncols || t->cols[*ci].subid > name[bl] || len == bl + 1)
		return 0;
	/* base.col.idx[.more]: a row strictly after idx (for scalars: the next column). */
	*after = name[bl + 1] + 1;
	return 0;
}

static const void *
mt_next(const struct mib_table *t, const oid *name, size_t len, const struct mib_col **colp,
        struct mib_value *v)
{
	size_t ci;
	uint64_t after;

	if (mt_start(t, name, len, &ci, &after) < 0)
		return NULL;
	for (; ci < t->ncols; ci++, after = 0) {
		const struct mib_col *col = &t->cols[ci];

		if (t->scalar) {
			if (after == 0 && mib_table_value(t, col, NULL, v) == 0) {
				*colp = col;
				return t;
			}
			continue;
		}
		for (const void *row =
		         after > UINT32_MAX
		             ? NULL
		             : vtab_next(t->rows(), (uint32_t)(after ? after - 1 : 0));
		     row; row = vtab_next(t->rows(), VTAB_INDEX(row)))
			if (mib_table_value(t, col, row, v) == 0) {
				*colp = col;
				return row;
			}
	}
	return NULL;
}

static void
mt_get(const struct mib_table *t, netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r)
{
	const struct mib_col *col;
	const void *row = mt_exact(t, r->requestvb->name, r->requestvb->name_length, &col);
	struct mib_value v;

	if (!col) {
		netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
		return;
	}
	if (!row || mib_table_value(t, col, t->scalar ? NULL : row, &v) < 0) {
		netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
		return;
	}
	mt_set_value(r->requestvb, &v);
}

static void
mt_getnext(const struct mib_table *t, netsnmp_request_info *r)
{
	const struct mib_col *col = NULL;
	struct mib_value v;
	const void *row = mt_next(t, r->requestvb->name, r->requestvb->name_length, &col, &v);
	oid name[MAX_OID_LEN];
	size_t bl = t->base_len;

	if (!row)
		return; /* nothing here: the agent moves on to the next subtree */
	memcpy(name, t->base, bl * sizeof(oid));
	name[bl] = col->subid;
	name[bl + 1] = t->scalar ? 0 : VTAB_INDEX(row);
	snmp_set_var_objid(r->requestvb, name, bl + 2);
	mt_set_value(r->requestvb, &v);
}

int
mib_table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct mib_table *t = handler->myvoid;

	switch (reqinfo->mode) {
	case MODE_GET:
		for (netsnmp_request_info *r = requests; r; r = r->next)
			if (!r->processed)
				mt_get(t, reqinfo, r);
		return SNMP_ERR_NOERROR;
	case MODE_GETNEXT:
		for (netsnmp_request_info *r = requests; r; r = r->next)
			if (!r->processed)
				mt_getnext(t, r);
		return SNMP_ERR_NOERROR;
	default:
		if (t->set)
			return t->set(handler, reginfo, reqinfo, requests);
		for (netsnmp_request_info *r = requests; r; r = r->next)
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
		return SNMP_ERR_NOERROR;
	}
}

int
mib_table_register(const struct mib_table *t)
{
	netsnmp_mib_handler *h = netsnmp_create_handler(t->name, mib_table_handler);
	netsnmp_handler_registration *reg;

	if (!h)
		return -1;
	h->myvoid = (void *)t;
	reg = netsnmp_handler_registration_create(t->name, h, t->base, t->base_len,
	                                          t->set ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		log_warnx("mib", "cannot register %s", t->name);
		return -1;
	}
	log_debug("mib", "registered %s", t->name);
	return 0;
}
