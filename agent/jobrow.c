/* SPDX-License-Identifier: ISC */
/*
 * jobrow.c - a job row as typed sqlite columns, checked on the way back.
 *
 * One table drives everything: each column names a field of struct job,
 * its kind and its allowed range.  A value read back must have the sqlite
 * type of its column (an INTEGER column holding a blob or text is damage,
 * not a number), lie in its range before it is narrowed to its C type,
 * and text must fit its buffer and hold no NUL or control characters.
 * Then the row is checked as a whole (status, result and hresult agree,
 * finished rows have an end time, ...).  The disk list is one TEXT column,
 * "1,2,5", parsed as strictly as the SET parses vdsJobParamDisks.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "jobpack.h"
#include "jobparam.h"
#include "jobrow.h"
#include "log.h"

#define JR_MIB    (1024LL * 1024LL)
#define JR_MS_MAX 253402300799999LL /* 9999-12-31T23:59:59.999Z */
#define JR_U32MAX 4294967295LL

/* JR_TEXT: a char[] of size; JR_PTEXT: a char * (job_text_set) of at most size. */
enum jr_kind { JR_U8, JR_I32, JR_U32, JR_I64, JR_TEXT, JR_PTEXT, JR_DISKS };

struct jr_col {
	const char *name;
	enum jr_kind kind;
	size_t off, size; /* size: of the text buffer */
	long long min, max;
};

#define JC(n, k, f, lo, hi)                                                                        \
	{                                                                                          \
		n, k, offsetof(struct job_row, f), 0, lo, hi                                       \
	}
#define JT(n, f)                                                                                   \
	{                                                                                          \
		n, JR_TEXT, offsetof(struct job_row, f), sizeof(((struct job_row *)0)->f), 0, 0    \
	}
#define JP(n, f, size)                                                                             \
	{                                                                                          \
		n, JR_PTEXT, offsetof(struct job_row, f), size, 0, 0                               \
	}
static const struct jr_col jr_cols[] = {
    JC("handle", JR_U32, j.handle, 1, JOB_HANDLE_MAX),
    JC("status", JR_U8, j.status, JOB_ST_CREATED, JOB_ST_CANCELLED),
    JC("percent", JR_U8, j.percent, 0, 100),
    JC("result", JR_U8, j.result, 1, VDS_R_LAST),
    JC("hresult", JR_U32, j.hresult, 0, JR_U32MAX),
    JP("error_name", t.s[JT_ERROR_NAME], JOB_ERROR_NAME_SIZE),
    JP("error_message", t.s[JT_ERROR_MESSAGE], JOB_ERROR_MESSAGE_SIZE),
    JP("details", t.s[JT_DETAILS], JOB_DETAILS_SIZE),
    JP("owner", t.s[JT_OWNER], JOB_OWNER_SIZE),
    JC("keep", JR_U8, j.keep_result, 0, 1),
    JC("control", JR_U8, j.control, JOB_CTL_NONE, JOB_CTL_CANCEL),
    JC("cancel_state", JR_U8, j.cancel_state, JOB_CS_NONE, JOB_CS_DONE),
    JC("notify", JR_U8, j.notify_progress, 0, 1),
    JT("provider", po.provider),
    JC("create_ms", JR_I64, j.create_ms, 1, JR_MS_MAX),
    JC("start_ms", JR_I64, j.start_ms, 0, JR_MS_MAX),
    JC("end_ms", JR_I64, j.end_ms, 0, JR_MS_MAX),
    JC("update_ms", JR_I64, j.update_ms, 0, JR_MS_MAX),
    JC("params_unknown", JR_U8, j.params_unknown, 0, 1),
    JC("p_type", JR_I32, po.params.type, 0, JOB_TYPE_LAST),
    JC("p_disk", JR_U32, po.params.disk, 0, JR_U32MAX),
    JC("p_partition", JR_U32, po.params.partition, 0, JR_U32MAX),
    JC("p_pack", JR_U32, po.params.pack, 0, JR_U32MAX),
    JC("p_volume", JR_U32, po.params.volume, 0, JR_U32MAX),
    JC("p_plex", JR_U32, po.params.plex, 0, JR_U32MAX),
    JC("p_vdisk", JR_U32, po.params.vdisk, 0, JR_U32MAX),
    JC("p_offset", JR_I64, po.params.offset, 0, JR_U32MAX *JR_MIB),
    JC("p_size", JR_I64, po.params.size, 0, JR_U32MAX *JR_MIB),
    JT("p_partition_type", po.params.partition_type),
    JC("p_volume_type", JR_I32, po.params.volume_type, 0, INV_VT_PARITY),
    {"p_disks", JR_DISKS, offsetof(struct job_row, po.params.disks), 0, 0, 0},
    JC("p_stripe_size", JR_I64, po.params.stripe_size, 0, 1048576LL * 1024),
    JC("p_plex_count", JR_U32, po.params.plex_count, 0, 32),
    JT("p_path", po.params.path),
    JC("p_vdisk_type", JR_I32, po.params.vdisk_type, 0, INV_VDT_DIFFERENCING),
    JC("p_vdisk_format", JR_I32, po.params.vdisk_format, 0, INV_VF_VHD),
    JT("p_name", po.params.name),
    JC("p_init_label", JR_I32, po.params.init_label, 0, JOB_LABEL_MBR),
    JC("p_read_only", JR_I32, po.params.read_only, 0, 1),
    JT("p_fs_type", po.params.fs_type),
    JC("p_alloc_unit", JR_U32, po.params.alloc_unit, 0, 67108864),
    JC("p_force", JR_I32, po.params.force, 0, 1),
    JC("p_full_clean", JR_I32, po.params.full_clean, 0, 1),
    JC("p_allow_data_loss", JR_I32, po.params.allow_data_loss, 0, 1),
    JC("p_merge_depth", JR_U32, po.params.merge_depth, 0, 64),
    JC("p_parity_count", JR_U32, po.params.parity_count, 0, 2),
    JC("o_offset", JR_I64, po.outputs.offset, 0, INT64_MAX),
    JC("o_partition", JR_U32, po.outputs.partition, 0, JR_U32MAX),
    JC("o_volume", JR_U32, po.outputs.volume, 0, JR_U32MAX),
    JC("o_reclaimed", JR_I64, po.outputs.reclaimed, 0, INT64_MAX),
    JC("o_vdisk", JR_U32, po.outputs.vdisk, 0, JR_U32MAX),
    JT("o_objid", po.outputs.objid),
    JC("o_plex", JR_U32, po.outputs.plex, 0, JR_U32MAX),
    JC("o_recovered", JR_U32, po.outputs.recovered, 0, JR_U32MAX),
    JC("o_lost", JR_U32, po.outputs.lost, 0, JR_U32MAX),
};
#define JR_NCOLS (sizeof(jr_cols) / sizeof(jr_cols[0]))
_Static_assert(offsetof(struct job_row, j) == 0,
               "a column's offset into j is its offset into the row");

static struct {
	char cols[1536], v1[1536], typed[2560], marks[2 * JR_NCOLS + 1], dump[6144];
} jr_sql;

static void
jr_build(void)
{
	size_t a = 0, b = 0, c = 0, d = 0, e = 0;
	int base = 1;

	if (jr_sql.cols[0])
		return;
	for (size_t i = 0; i < JR_NCOLS; i++) {
		const char *sep = i ? ", " : "";
		const char *type = jr_cols[i].kind >= JR_TEXT ? "TEXT" : "INTEGER";

		a += (size_t)snprintf(jr_sql.cols + a, sizeof(jr_sql.cols) - a, "%s%s", sep,
		                      jr_cols[i].name);
		b += (size_t)snprintf(jr_sql.typed + b, sizeof(jr_sql.typed) - b, "%s%s %s%s", sep,
		                      jr_cols[i].name, type, i ? "" : " PRIMARY KEY");
		e += (size_t)snprintf(jr_sql.v1 + e, sizeof(jr_sql.v1) - e, "%s%s", sep,
		                      base           ? jr_cols[i].name
		                      : *type == 'T' ? "''"
		                                     : "0");
		if (strcmp(jr_cols[i].name, "update_ms") == 0)
			base = 0;
		c += (size_t)snprintf(jr_sql.marks + c, sizeof(jr_sql.marks) - c, "%s?",
		                      i ? "," : "");
		d += (size_t)snprintf(jr_sql.dump + d, sizeof(jr_sql.dump) - d,
		                      "%s'%s=' || quote(%s)", i ? " || ' ' || " : "",
		                      jr_cols[i].name, jr_cols[i].name);
	}
}

int
jobrow_column(int i, const char **name, int *text)
{
	if (i < 0 || (size_t)i >= JR_NCOLS)
		return -1;
	*name = jr_cols[i].name;
	*text = jr_cols[i].kind >= JR_TEXT;
	return 0;
}

const char *
jobrow_columns(void)
{
	jr_build();
	return jr_sql.cols;
}

int
jobrow_ncols(void)
{
	return (int)JR_NCOLS;
}

const char *
jobrow_columns_v1(void)
{
	jr_build();
	return jr_sql.v1;
}

const char *
jobrow_columns_typed(void)
{
	jr_build();
	return jr_sql.typed;
}

const char *
jobrow_placeholders(void)
{
	jr_build();
	return jr_sql.marks;
}

const char *
jobrow_dump_expr(void)
{
	jr_build();
	return jr_sql.dump;
}

/* The value of an integer field of r as a long long. */
static long long
jr_get(const struct job_row *r, const struct jr_col *c)
{
	const char *p = (const char *)r + c->off;

	switch (c->kind) {
	case JR_U8:
		return *(const uint8_t *)p;
	case JR_I32: {
		int v;
		memcpy(&v, p, sizeof(v));
		return v;
	}
	case JR_U32: {
		uint32_t v;
		memcpy(&v, p, sizeof(v));
		return v;
	}
	default: {
		int64_t v;
		memcpy(&v, p, sizeof(v));
		return v;
	}
	}
}

static void
jr_set(struct job_row *r, const struct jr_col *c, long long v)
{
	char *p = (char *)r + c->off;

	if (c->kind == JR_U8) {
		*(uint8_t *)p = (uint8_t)v;
	} else if (c->kind == JR_I32) {
		int x = (int)v;
		memcpy(p, &x, sizeof(x));
	} else if (c->kind == JR_U32) {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, sizeof(x));
	} else {
		int64_t x = (int64_t)v;
		memcpy(p, &x, sizeof(x));
	}
}

/* *dst = a heap copy of src cut to size - 1 bytes (NULL when empty); -1 when memory is short. */
static int
jr_str_set(char **dst, const char *src, size_t size)
{
	size_t n = src ? strnlen(src, size - 1) : 0;
	char *s = NULL;

	if (n && !(s = strndup(src, n)))
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* The text of a JR_TEXT or JR_PTEXT column. */
static const char *
jr_text(const struct job_row *r, const struct jr_col *c)
{
	const char *p = (const char *)r + c->off;

	if (c->kind != JR_PTEXT)
		return p;
	return *(char *const *)p ? *(char *const *)p : "";
}

/* The size of text column c (its column's, in the table). */
static size_t
jr_text_size(enum job_text_col c)
{
	size_t off = offsetof(struct job_row, t.s) + (size_t)c * sizeof(char *);

	for (size_t i = 0; i < JR_NCOLS; i++)
		if (jr_cols[i].kind == JR_PTEXT && jr_cols[i].off == off)
			return jr_cols[i].size;
	return 1; /* not a column: only "" fits */
}

static int
jr_texts_empty(const struct job_texts *t)
{
	for (int c = 0; c < JT_N; c++)
		if (t->s[c])
			return 0;
	return 1;
}

const char *
job_text(const struct job *j, enum job_text_col c)
{
	return j->texts && j->texts->s[c] ? j->texts->s[c] : "";
}

int
job_text_set(struct job *j, enum job_text_col c, const char *src)
{
	if (!j->texts && (!src || !*src))
		return 0;
	if (!j->texts && !(j->texts = calloc(1, sizeof(*j->texts))))
		return -1;
	if (jr_str_set(&j->texts->s[c], src, jr_text_size(c)) < 0)
		return -1;
	if (jr_texts_empty(j->texts)) {
		free(j->texts);
		j->texts = NULL;
	}
	return 0;
}

static void
jr_texts_free(struct job_texts *t)
{
	for (int c = 0; c < JT_N; c++) {
		free(t->s[c]);
		t->s[c] = NULL;
	}
}

void
job_text_free(struct job *j)
{
	if (!j->texts)
		return;
	jr_texts_free(j->texts);
	free(j->texts);
	j->texts = NULL;
}

void
jobrow_free_texts(struct job_row *r)
{
	jr_texts_free(&r->t);
}

void
job_free(struct job *j)
{
	if (!j)
		return;
	job_text_free(j);
	free(j->run);
	free(j->packed);
	free(j);
}

const struct job_po *
job_po(const struct job *j)
{
	static struct job_po scratch;

	if (j->run)
		return &j->run->po;
	if (!j->packed || zunpack(j->packed, &scratch, sizeof(scratch)) < 0)
		memset(&scratch, 0, sizeof(scratch)); /* only what zpack wrote is there */
	return &scratch;
}

const struct job_params *
job_params(const struct job *j)
{
	return &job_po(j)->params;
}

const struct job_outputs *
job_outputs(const struct job *j)
{
	return &job_po(j)->outputs;
}

int
job_pack(struct job *j)
{
	unsigned char *b;

	if (!j->run)
		return 0;
	if (!(b = zpack(&j->run->po, sizeof(j->run->po), NULL)))
		return -1;
	free(j->packed);
	free(j->run);
	j->packed = b;
	j->run = NULL;
	return 0;
}

void
job_row_of(const struct job *j, struct job_row *r)
{
	r->j = *j;
	r->po = *job_po(j);
	if (j->texts)
		r->t = *j->texts;
	else
		memset(&r->t, 0, sizeof(r->t));
}

struct job *
job_from_row(struct job_row *r)
{
	struct job *j = malloc(sizeof(*j));
	struct job_texts *t = NULL;

	if (!j || !(r->j.run = calloc(1, sizeof(*r->j.run))) ||
	    (!jr_texts_empty(&r->t) && !(t = malloc(sizeof(*t))))) {
		free(r->j.run);
		r->j.run = NULL;
		free(j);
		return NULL;
	}
	r->j.run->po = r->po;
	r->j.packed = NULL;
	if (t)
		*t = r->t;
	r->j.texts = t;
	*j = r->j;
	memset(&r->j, 0, sizeof(r->j)); /* its run is j's now */
	memset(&r->t, 0, sizeof(r->t)); /* and its texts */
	if (job_is_finished(j))
		job_pack(j); /* when memory is short, run stays: the same row, bigger */
	return j;
}

void
jobrow_bind(sqlite3_stmt *st, const struct job_row *r)
{
	char disks[JOB_DISKS_TEXT_LEN];

	for (size_t i = 0; i < JR_NCOLS; i++) {
		const struct jr_col *c = &jr_cols[i];
		int n = (int)i + 1;

		if (c->kind == JR_TEXT || c->kind == JR_PTEXT)
			sqlite3_bind_text(st, n, jr_text(r, c), -1, SQLITE_TRANSIENT);
		else if (c->kind == JR_DISKS) {
			job_disks_format(&r->po.params, disks, sizeof(disks));
			sqlite3_bind_text(st, n, disks, -1, SQLITE_TRANSIENT);
		} else
			sqlite3_bind_int64(st, n, jr_get(r, c));
	}
}

/* A control character text may not hold (newline and tab are fine). */
static int
jr_is_control(char ch)
{
	return (unsigned char)ch < 0x20 ? ch != '\n' && ch != '\t' : ch == 0x7f;
}

/* Text a row may hold: NUL-terminated inside its buffer, no control characters. */
static int
jr_text_ok(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (jr_is_control(s[i]))
			return 0;
	return 1;
}

static int
jr_objid_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 1;
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	}
	return 1;
}

static int jr_fail(char *why, size_t len, const char *fmt, ...) VDS_PRINTF(3, 4);

static int
jr_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int
jr_range(const struct jr_col *c, long long v, char *why, size_t len)
{
	if (v < c->min || v > c->max)
		return jr_fail(why, len, "%s: %lld out of range %lld..%lld", c->name, v, c->min,
		               c->max);
	return 0;
}

/* Up to 40 bytes of a text field (it may lack its NUL), for a reason. */
#define JR_QUOTE(s, size) (int)strnlen(s, (size) < 40 ? (size) : 40), (s)

/* What a text field that failed jr_text_ok holds that it should not. */
static int
jr_text_fail(const struct jr_col *c, const char *s, char *why, size_t len)
{
	size_t n = strnlen(s, c->size);

	if (n == c->size)
		return jr_fail(why, len, "%s: text \"%.*s...\" not terminated within %zu bytes",
		               c->name, JR_QUOTE(s, c->size), c->size);
	for (size_t i = 0; i < n; i++)
		if (jr_is_control(s[i]))
			return jr_fail(why, len, "%s: text \"%.*s\" holds control character 0x%02x",
			               c->name, JR_QUOTE(s, n), (unsigned char)s[i]);
	return jr_fail(why, len, "%s: bad text \"%.*s\"", c->name, JR_QUOTE(s, n));
}

/* The row as a whole: the state machine's invariants. */
static int
jr_consistent(const struct job_row *r, char *why, size_t len)
{
	const struct job *j = &r->j;
	const struct job_po *po = &r->po;
	int finished = job_is_finished(j);
	enum vds_result want = j->result;

	if (j->status == JOB_ST_SUCCEEDED)
		want = VDS_R_OK;
	else if (j->status == JOB_ST_CANCELLED)
		want = VDS_R_CANCELLED;
	else if (!finished)
		want = VDS_R_PENDING;
	else if (j->result == VDS_R_OK || j->result == VDS_R_PENDING ||
	         j->result == VDS_R_CANCELLED)
		want = VDS_R_FAILED;
	if (j->result != want)
		return jr_fail(why, len, "result: %d (%s) does not match status %d (%s)",
		               (int)j->result, vds_result_name(j->result), (int)j->status,
		               job_status_name(j->status));
	if (j->hresult != vds_result_hresult(j->result) &&
	    !(j->result == VDS_R_PENDING && j->hresult == VDS_HR_OPERATION_PENDING))
		return jr_fail(why, len, "hresult: 0x%08x does not match result %d (%s, 0x%08x)",
		               (unsigned)j->hresult, (int)j->result, vds_result_name(j->result),
		               (unsigned)vds_result_hresult(j->result));
	if (finished != (j->end_ms != 0))
		return jr_fail(why, len, "end_ms: %lld does not match status %d (%s)",
		               (long long)j->end_ms, (int)j->status, job_status_name(j->status));
	if (j->status == JOB_ST_SUCCEEDED && j->percent != 100)
		return jr_fail(why, len, "percent: %u on a succeeded job", (unsigned)j->percent);
	if (!jr_objid_ok(po->outputs.objid))
		return jr_fail(why, len, "o_objid: \"%.*s\" is not a UUID",
		               JR_QUOTE(po->outputs.objid, sizeof(po->outputs.objid)));
	if (po->params.ndisks > JOB_MAX_DISKS)
		return jr_fail(why, len, "p_disks: %u disks, more than %d",
		               (unsigned)po->params.ndisks, JOB_MAX_DISKS);
	for (unsigned i = 0; i < po->params.ndisks; i++)
		if (!po->params.disks[i])
			return jr_fail(why, len, "p_disks: disk index 0 at position %u", i + 1);
	return 0;
}

int
jobrow_valid(const struct job_row *r, char *why, size_t len)
{
	for (size_t i = 0; i < JR_NCOLS; i++) {
		const struct jr_col *c = &jr_cols[i];
		long long v;

		if (c->kind == JR_DISKS)
			continue;
		if (c->kind == JR_TEXT || c->kind == JR_PTEXT) {
			if (!jr_text_ok(jr_text(r, c), c->size))
				return jr_text_fail(c, jr_text(r, c), why, len);
			continue;
		}
		v = jr_get(r, c);
		if (jr_range(c, v, why, len) < 0)
			return -1;
	}
	return jr_consistent(r, why, len);
}

/* A stored value of the wrong sqlite type, described for a reason. */
static int
jr_type_fail(sqlite3_stmt *st, int n, const struct jr_col *c, const char *want, char *why,
             size_t len)
{
	switch (sqlite3_column_type(st, n)) {
	case SQLITE_INTEGER:
		return jr_fail(why, len, "%s: integer %lld where %s belongs", c->name,
		               (long long)sqlite3_column_int64(st, n), want);
	case SQLITE_FLOAT:
		return jr_fail(why, len, "%s: real %g where %s belongs", c->name,
		               sqlite3_column_double(st, n), want);
	case SQLITE_TEXT:
		return jr_fail(why, len, "%s: text \"%.40s\" where %s belongs", c->name,
		               (const char *)sqlite3_column_text(st, n), want);
	case SQLITE_BLOB:
		return jr_fail(why, len, "%s: blob of %d bytes where %s belongs", c->name,
		               sqlite3_column_bytes(st, n), want);
	default:
		return jr_fail(why, len, "%s: NULL where %s belongs", c->name, want);
	}
}

static int
jr_read_col(sqlite3_stmt *st, int n, const struct jr_col *c, struct job_row *r, char *why,
            size_t len)
{
	int type = sqlite3_column_type(st, n);

	if (c->kind >= JR_TEXT) {
		const unsigned char *s = sqlite3_column_text(st, n);
		int bytes = sqlite3_column_bytes(st, n);
		size_t cap = c->kind == JR_DISKS ? JOB_DISKS_TEXT_LEN : c->size;

		if (type != SQLITE_TEXT || !s)
			return jr_type_fail(st, n, c, "text", why, len);
		if (strlen((const char *)s) != (size_t)bytes)
			return jr_fail(why, len, "%s: text \"%.40s\" holds a NUL byte at %zu of %d",
			               c->name, (const char *)s, strlen((const char *)s), bytes);
		if ((size_t)bytes >= cap)
			return jr_fail(why, len, "%s: text \"%.40s...\" of %d bytes, more than %zu",
			               c->name, (const char *)s, bytes, cap - 1);
		if (c->kind == JR_DISKS)
			return job_disks_parse((const char *)s, &r->po.params) < 0
			           ? jr_fail(why, len, "%s: \"%.60s\" is not a disk list", c->name,
			                     (const char *)s)
			           : 0;
		if (c->kind == JR_PTEXT)
			return jr_str_set((char **)((char *)r + c->off), (const char *)s, cap) < 0
			           ? jr_fail(why, len, "%s: no memory for %d bytes", c->name, bytes)
			           : 0;
		memcpy((char *)r + c->off, s, (size_t)bytes + 1);
		return 0;
	}
	if (type != SQLITE_INTEGER)
		return jr_type_fail(st, n, c, "an integer", why, len);
	{
		long long v = sqlite3_column_int64(st, n);

		if (jr_range(c, v, why, len) < 0)
			return -1;
		jr_set(r, c, v);
	}
	return 0;
}

int
jobrow_read(sqlite3_stmt *st, struct job_row *r, char *why, size_t len)
{
	jobrow_free_texts(r);
	memset(r, 0, sizeof(*r));
	if (sqlite3_column_count(st) < (int)JR_NCOLS)
		return jr_fail(why, len, "%d columns, want %d", sqlite3_column_count(st),
		               (int)JR_NCOLS);
	for (size_t i = 0; i < JR_NCOLS; i++)
		if (jr_read_col(st, (int)i, &jr_cols[i], r, why, len) < 0)
			return -1;
	return jobrow_valid(r, why, len);
}
