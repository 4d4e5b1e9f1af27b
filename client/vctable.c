/* SPDX-License-Identifier: ISC */
/*
 * vctable.c - reading VDS-MIB rows into the structs of vdsclient.h: whole
 * tables with GETBULK requests that carry one varbind a column (a response
 * brings several complete rows), rows assembled through a hash of their
 * indexes (O(1) a varbind), single rows with one GET.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "vcfields.h"
#include "vdsclient.h"
#include "vcpriv.h"

/* Varbinds a GETBULK asks for (columns x repetitions); Net-SNMP's snmpd
 * answers at most maxGetbulkResponses (100 by default) and cuts the
 * repetitions to fit. */
#define VT_BULK_VARBINDS 500
#define VT_MAX_REPS      50
#define VT_MAX_COLS      64

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

/* Rows in the order they were first seen, found by index through an
 * open-addressing hash (slot = row number + 1, 0 = empty). */
struct vt_rows {
	const struct vcf_table *t;
	char *buf;
	size_t n, cap;
	uint32_t *slot;
	size_t nslots; /* a power of two, at least twice n */
};

static size_t
vt_hash(uint32_t index, size_t nslots)
{
	return (size_t)((index * 2654435761u) & (nslots - 1));
}

static uint32_t
vt_index(const struct vt_rows *r, size_t row)
{
	uint32_t idx;

	memcpy(&idx, r->buf + row * r->t->row_size, sizeof(idx));
	return idx;
}

static int
vt_rehash(struct vt_rows *r, size_t nslots)
{
	uint32_t *slot = calloc(nslots, sizeof(*slot));

	if (!slot)
		return -1;
	for (size_t i = 0; i < r->n; i++) {
		size_t h = vt_hash(vt_index(r, i), nslots);

		while (slot[h])
			h = (h + 1) & (nslots - 1);
		slot[h] = (uint32_t)i + 1;
	}
	free(r->slot);
	r->slot = slot;
	r->nslots = nslots;
	return 0;
}

/* The row of index, added (zeroed) when it is new; NULL when out of memory. */
static void *
vt_row(struct vt_rows *r, uint32_t index)
{
	size_t h;
	char *row;

	if ((r->n + 1) * 2 > r->nslots && vt_rehash(r, r->nslots ? r->nslots * 2 : 64) < 0)
		return NULL;
	for (h = vt_hash(index, r->nslots); r->slot[h]; h = (h + 1) & (r->nslots - 1))
		if (vt_index(r, r->slot[h] - 1) == index)
			return r->buf + (r->slot[h] - 1) * r->t->row_size;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char *nb = realloc(r->buf, cap * r->t->row_size);

		if (!nb)
			return NULL;
		r->buf = nb;
		r->cap = cap;
	}
	row = r->buf + r->n * r->t->row_size;
	memset(row, 0, r->t->row_size);
	memcpy(row, &index, sizeof(index));
	r->slot[h] = (uint32_t)++r->n;
	return row;
}

static int
vt_cmp_index(const void *a, const void *b)
{
	uint32_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y ? -1 : x > y;
}

/* Every column walks the indexes in ascending order, so the rows are in
 * order unless a column skipped a row the others had; sort them then. */
static void
vt_order(struct vt_rows *r)
{
	for (size_t i = 1; i < r->n; i++)
		if (vt_index(r, i - 1) > vt_index(r, i)) {
			qsort(r->buf, r->n, r->t->row_size, vt_cmp_index);
			return;
		}
}

/* One column being walked: where it is and whether it has left its subtree. */
struct vt_col {
	const struct vcf_field *f;
	oid cur[MAX_OID_LEN];
	size_t curlen;
	int done;
};

struct vt_walk {
	struct vt_rows rows;
	struct vt_col col[VT_MAX_COLS];
	size_t ncols;
	size_t plen; /* the entry prefix's length */
	int reps;
};

/* One varbind for column k; -1 on an error (message set). */
static int
vt_take(struct vc_conn *c, struct vt_walk *w, struct vt_col *k, const netsnmp_variable_list *vb)
{
	void *row;

	if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
	    vb->type == SNMP_NOSUCHINSTANCE || vb->name_length <= w->plen + 1 ||
	    snmp_oid_compare(vb->name, w->plen + 1, k->cur, w->plen + 1) != 0) {
		k->done = 1;
		return 0;
	}
	if (snmp_oid_compare(vb->name, vb->name_length, k->cur, k->curlen) <= 0)
		return vc_fail(c, VC_E_SNMP, "the agent at %s returned OIDs out of order", c->peer);
	memcpy(k->cur, vb->name, vb->name_length * sizeof(oid));
	k->curlen = vb->name_length;
	if (vb->name_length != w->plen + 2 || vb->name[w->plen + 1] > 0xFFFFFFFFu)
		return 0;
	if (!(row = vt_row(&w->rows, (uint32_t)vb->name[w->plen + 1])))
		return vc_fail(c, VC_E_NO_MEMORY, "out of memory");
	if (vc_store(row, k->f, vb) == 0)
		vcf_mark(w->rows.t, row, k->f);
	return 0;
}

/* One GETBULK (GETNEXT with SNMPv1) of every column not done yet; 1 when
 * all are done, 0 to go on, -1 on an error. */
static int
vt_step(struct vc_conn *c, struct vt_walk *w)
{
	struct vt_col *act[VT_MAX_COLS];
	size_t nact = 0, i = 0;
	int bulk = c->ss->version != SNMP_VERSION_1, rc = 0;
	netsnmp_pdu *pdu, *resp;

	for (size_t k = 0; k < w->ncols; k++)
		if (!w->col[k].done)
			act[nact++] = &w->col[k];
	if (!nact)
		return 1;
	pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
	pdu->non_repeaters = 0;
	pdu->max_repetitions = bulk ? w->reps : 0;
	for (size_t k = 0; k < nact; k++)
		snmp_add_null_var(pdu, act[k]->cur, act[k]->curlen);
	if (vc_request(c, pdu, &resp) < 0)
		return -1;
	if (resp->errstat == SNMP_ERR_TOOBIG && w->reps > 1) {
		w->reps /= 2; /* an agent that does not cut a GETBULK itself */
	} else if (resp->errstat == SNMP_ERR_NOSUCHNAME) {
		for (size_t k = 0; k < nact; k++)
			act[k]->done = 1; /* SNMPv1: the end of the MIB */
	} else if (resp->errstat != SNMP_ERR_NOERROR) {
		rc = vc_status_error(c, resp, "read the table");
	} else {
		/* Repetition after repetition, one varbind per column asked for. */
		for (netsnmp_variable_list *vb = resp->variables; vb && rc == 0;
		     vb = vb->next_variable, i++)
			if (!act[i % nact]->done)
				rc = vt_take(c, w, act[i % nact], vb);
		if (rc == 0 && i == 0)
			return vc_fail(c, VC_E_SNMP, "the agent at %s sent an empty response",
			               c->peer);
	}
	snmp_free_pdu(resp);
	return rc;
}

int
vc_read_columns(struct vc_conn *c, enum vc_table t, const unsigned *cols, size_t ncols, void **rows,
                size_t *n)
{
	struct vt_walk *w;
	oid pre[VC_PREFIX_MAX];
	int rc = 0;

	*rows = NULL;
	*n = 0;
	if (!vcf_table(t) || t == VC_T_SERVICE)
		return vc_fail(c, VC_E_USAGE, "not a table: %d", (int)t);
	if (!(w = calloc(1, sizeof(*w))))
		return vc_fail(c, VC_E_NO_MEMORY, "out of memory");
	w->rows.t = vcf_table(t);
	w->plen = vc_prefix(t, pre);
	for (size_t i = 0; i < (cols ? ncols : w->rows.t->nfields) && w->ncols < VT_MAX_COLS; i++) {
		struct vt_col *k = &w->col[w->ncols];

		k->f = cols ? vcf_field(w->rows.t, cols[i]) : &w->rows.t->fields[i];
		if (!k->f)
			continue;
		memcpy(k->cur, pre, w->plen * sizeof(oid));
		k->cur[w->plen] = k->f->col;
		k->curlen = w->plen + 1;
		w->ncols++;
	}
	w->reps = VT_BULK_VARBINDS / (int)(w->ncols ? w->ncols : 1);
	w->reps = w->reps < 1 ? 1 : w->reps > VT_MAX_REPS ? VT_MAX_REPS : w->reps;
	while ((rc = vt_step(c, w)) == 0)
		;
	free(w->rows.slot);
	if (rc < 0) {
		free(w->rows.buf);
		free(w);
		return -1;
	}
	vt_order(&w->rows);
	*rows = w->rows.buf;
	*n = w->rows.n;
	free(w);
	return 0;
}

int
vc_read_table(struct vc_conn *c, enum vc_table t, void **rows, size_t *n)
{
	return vc_read_columns(c, t, NULL, 0, rows, n);
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

		if (f && vc_store(row, f, vb) == 0) {
			vcf_mark(tab, row, f);
			stored++;
		}
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
