/* SPDX-License-Identifier: ISC */
/*
 * ctl_out.c - tables, lists and JSON for vdsctl (see ctl_out.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_out.h"
#include "vcunits.h"
#include "vdsclient.h"

#define OUT_CELL     300
#define OUT_MAX_COLS 16

static const char *
out_index_name(const struct vcf_table *t)
{
	return strcmp(t->name, "job") == 0 ? "handle" : "index";
}

static const char *
out_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		return "-";
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm); /* RFC 3339, UTC */
	return buf;
}

static const char *
out_bits(const void *row, const struct vcf_field *f, char *buf, size_t len)
{
	uint32_t v = vcf_u32(row, f);
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned b = 0; f->labels && f->labels[b] && used < len; b++)
		if (v & (1u << b))
			used +=
			    snprintf(buf + used, len - used, "%s%s", used ? "," : "", f->labels[b]);
	return buf[0] ? buf : "-";
}

const char *
out_cell(const void *row, const struct vcf_field *f, char *buf, size_t len)
{
	const char *l;

	switch (f->kind) {
	case VCF_INT:
	case VCF_BOOL:
		if ((l = vcf_label(f, vcf_u32(row, f))))
			return l;
		if (!vcf_u32(row, f))
			return "-";
		snprintf(buf, len, "%" PRIu32, vcf_u32(row, f));
		return buf;
	case VCF_REF:
		if (!vcf_u32(row, f))
			return "-";
		/* fall through */
	case VCF_UNS:
		snprintf(buf, len, "%" PRIu32, vcf_u32(row, f));
		return buf;
	case VCF_SIGNED:
		snprintf(buf, len, "%" PRId32, (int32_t)vcf_u32(row, f));
		return buf;
	case VCF_HEX:
		snprintf(buf, len, "0x%08" PRIX32, vcf_u32(row, f));
		return buf;
	case VCF_BYTES:
		return vc_format_size(vcf_u64(row, f), buf, len);
	case VCF_TIME:
		return out_time((int64_t)vcf_u64(row, f), buf, len);
	case VCF_BITS:
		return out_bits(row, f, buf, len);
	}
	return vcf_str(row, f)[0] ? vcf_str(row, f) : "-";
}

/* The cell of column name cols[c] of row ("index" = the row's index). */
static const char *
out_named_cell(const struct vcf_table *t, const void *row, const char *col, char *buf, size_t len)
{
	const struct vcf_field *f = vcf_field_by_name(t, col);
	uint32_t idx;

	if (!strcmp(col, "index")) {
		memcpy(&idx, row, sizeof(idx));
		snprintf(buf, len, "%" PRIu32, idx);
		return buf;
	}
	if (f && !vcf_has(t, row, f))
		return "-";
	return f ? out_cell(row, f, buf, len) : "?";
}

void
out_table(FILE *fp, const struct vcf_table *t, const void *rows, size_t n, const char *const *cols)
{
	size_t w[OUT_MAX_COLS] = {0}, nc = 0;
	char buf[OUT_CELL];

	for (; cols[nc] && nc < OUT_MAX_COLS; nc++)
		w[nc] = strlen(strcmp(cols[nc], "index") ? cols[nc] : out_index_name(t));
	for (size_t r = 0; r < n; r++)
		for (size_t c = 0; c < nc; c++) {
			const char *s = out_named_cell(t, (const char *)rows + r * t->row_size,
			                               cols[c], buf, sizeof(buf));
			if (strlen(s) > w[c])
				w[c] = strlen(s);
		}
	for (size_t c = 0; c < nc; c++)
		fprintf(fp, "%-*s%s", c + 1 < nc ? (int)w[c] : 0,
		        strcmp(cols[c], "index") ? cols[c] : out_index_name(t),
		        c + 1 < nc ? "  " : "\n");
	for (size_t r = 0; r < n; r++)
		for (size_t c = 0; c < nc; c++)
			fprintf(fp, "%-*s%s", c + 1 < nc ? (int)w[c] : 0,
			        out_named_cell(t, (const char *)rows + r * t->row_size, cols[c],
			                       buf, sizeof(buf)),
			        c + 1 < nc ? "  " : "\n");
	if (!n)
		fprintf(fp, "(no %ss)\n", t->name);
}

void
out_list(FILE *fp, const struct vcf_table *t, const void *row)
{
	uint32_t idx;

	memcpy(&idx, row, sizeof(idx));
	if (strcmp(t->name, "service"))
		fprintf(fp, "%-20s %" PRIu32 "\n", out_index_name(t), idx);
	out_fields(fp, t, row);
}

void
out_fields(FILE *fp, const struct vcf_table *t, const void *row)
{
	char buf[OUT_CELL];

	for (size_t i = 0; i < t->nfields; i++) {
		const struct vcf_field *f = &t->fields[i];

		if (!vcf_has(t, row, f))
			continue;
		if (f->kind == VCF_BYTES)
			fprintf(fp, "%-20s %s (%" PRIu64 " bytes)\n", f->name,
			        out_cell(row, f, buf, sizeof(buf)), vcf_u64(row, f));
		else
			fprintf(fp, "%-20s %s\n", f->name, out_cell(row, f, buf, sizeof(buf)));
	}
}

void
out_json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch < 0x20)
			fprintf(fp, "\\u%04x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

/* One value in JSON: numbers, booleans, strings, arrays; null for none. */
static void
out_json_value(FILE *fp, const void *row, const struct vcf_field *f)
{
	char buf[OUT_CELL];
	uint32_t v =
	    f->kind == VCF_STR || f->kind == VCF_BYTES || f->kind == VCF_TIME ? 0 : vcf_u32(row, f);
	const char *l;

	switch (f->kind) {
	case VCF_STR:
		if (vcf_str(row, f)[0])
			out_json_str(fp, vcf_str(row, f));
		else
			fputs("null", fp);
		return;
	case VCF_BOOL:
		fputs(v == 1 ? "true" : v == 2 ? "false" : "null", fp);
		return;
	case VCF_INT:
		if ((l = vcf_label(f, v)))
			out_json_str(fp, l);
		else if (v)
			fprintf(fp, "%" PRIu32, v);
		else
			fputs("null", fp);
		return;
	case VCF_REF:
		if (!v) {
			fputs("null", fp);
			return;
		}
		/* fall through */
	case VCF_UNS:
		fprintf(fp, "%" PRIu32, v);
		return;
	case VCF_SIGNED:
		fprintf(fp, "%" PRId32, (int32_t)v);
		return;
	case VCF_BYTES:
		fprintf(fp, "%" PRIu64, vcf_u64(row, f));
		return;
	case VCF_TIME:
		if (!vcf_u64(row, f)) {
			fputs("null", fp);
			return;
		}
		break;
	case VCF_BITS:
		fputc('[', fp);
		for (unsigned b = 0, k = 0; f->labels && f->labels[b]; b++)
			if (v & (1u << b)) {
				fprintf(fp, "%s", k++ ? "," : "");
				out_json_str(fp, f->labels[b]);
			}
		fputc(']', fp);
		return;
	}
	out_json_str(fp, out_cell(row, f, buf, sizeof(buf)));
}

void
out_json_row(FILE *fp, const struct vcf_table *t, const void *row)
{
	uint32_t idx;
	int service = strcmp(t->name, "service") == 0;

	memcpy(&idx, row, sizeof(idx));
	fputc('{', fp);
	if (!service)
		fprintf(fp, "\"%s\":%" PRIu32, out_index_name(t), idx);
	for (size_t i = 0; i < t->nfields; i++) {
		if (!vcf_has(t, row, &t->fields[i]))
			continue;
		fprintf(fp, "%s\"%s\":", service && !i ? "" : ",", t->fields[i].name);
		out_json_value(fp, row, &t->fields[i]);
	}
	fputc('}', fp);
}

void
out_json_rows(FILE *fp, const struct vcf_table *t, const void *rows, size_t n)
{
	fputc('[', fp);
	for (size_t r = 0; r < n; r++) {
		fputs(r ? ",\n " : "", fp);
		out_json_row(fp, t, (const char *)rows + r * t->row_size);
	}
	fputs("]\n", fp);
}
