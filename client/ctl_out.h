/* SPDX-License-Identifier: ISC */
/*
 * ctl_out.h - vdsctl output: rows of the VDS tables as aligned text tables,
 * as "key: value" lists and as JSON, driven by the field tables of
 * vcfields.h.
 */
#ifndef VDS_CTL_OUT_H
#define VDS_CTL_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "vcfields.h"

/* One cell of a table or list for people ("20.0 GiB", "online", "-"). */
const char *out_cell(const void *row, const struct vcf_field *f, char *buf, size_t len);
/* An aligned table of rows with the columns cols ("index" is the row index). */
void out_table(FILE *fp, const struct vcf_table *t, const void *rows, size_t n,
               const char *const *cols);
/* Every field of one row, "name: value" per line. */
void out_list(FILE *fp, const struct vcf_table *t, const void *row);
/* The same without the index line (fields read as absent are left out). */
void out_fields(FILE *fp, const struct vcf_table *t, const void *row);
/* One row as a JSON object (no newline). */
void out_json_row(FILE *fp, const struct vcf_table *t, const void *row);
/* Rows as a JSON array, newline-terminated. */
void out_json_rows(FILE *fp, const struct vcf_table *t, const void *rows, size_t n);
/* s as a JSON string, quotes included. */
void out_json_str(FILE *fp, const char *s);

#endif
