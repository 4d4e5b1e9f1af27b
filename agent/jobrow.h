/* SPDX-License-Identifier: ISC */
/*
 * jobrow.h - one job row as typed sqlite columns: the column list, binding
 * a struct job to a statement, and reading one back with every value type-,
 * range- and enum-checked (state on disk is untrusted input).
 */
#ifndef VDS_JOBROW_H
#define VDS_JOBROW_H

#include <stddef.h>

#include <sqlite3.h>

#include "job.h"

/*
 * A job row in full, as the store binds and reads it: the row's columns
 * and its parameters and outputs unpacked.
 */
struct job_row {
	struct job j; /* first: a column's offset into j is its offset into the row */
	struct job_po po;
	struct job_texts t;
};

/* "handle, status, ..." in bind/read order, and "handle INTEGER, ..." for CREATE TABLE. */
const char *jobrow_columns(void);
const char *jobrow_columns_typed(void);
/* The number of columns. */
int jobrow_ncols(void);
/* Column i's name and whether it is TEXT (else INTEGER); -1 past the last. */
int jobrow_column(int i, const char **name, int *text);
/*
 * The select list for a schema 1 row: its columns where they exist
 * (handle .. update_ms), 0 or '' for the parameters and outputs.
 */
const char *jobrow_columns_v1(void);
/* "?,?,...": one placeholder per column. */
const char *jobrow_placeholders(void);
/* An SQL expression dumping every column of the current row as text (quarantine). */
const char *jobrow_dump_expr(void);

/* Text column c of j: its text, "" when empty. */
const char *job_text(const struct job *j, enum job_text_col c);
/*
 * Set text column c of j to a heap copy of src cut to the column's size - 1
 * bytes (empty when src is NULL or ""), freeing the old one; -1 (and j
 * unchanged) when memory is short.
 */
int job_text_set(struct job *j, enum job_text_col c, const char *src);
/* Free j's text columns (they become empty); j itself stays. */
void job_text_free(struct job *j);
/* A job row from the heap, with its text columns, parameters and outputs (NULL is fine). */
void job_free(struct job *j);
/* r: j in full (its text columns shared with j: r is not to be freed). */
void job_row_of(const struct job *j, struct job_row *r);
/*
 * A job from the heap holding row r: r's text columns move to it (r's are
 * NULL after); its parameters and outputs are packed when the row is
 * finished.  NULL when memory is short (r unchanged).
 */
struct job *job_from_row(struct job_row *r);

/* Bind r to st's parameters 1..n. */
void jobrow_bind(sqlite3_stmt *st, const struct job_row *r);
/*
 * Read the columns from col 0 of st's current row into r (its text columns
 * freed, then zeroed: r must be zeroed or a row read before).  Returns 0,
 * or -1 with the reason in why: a value of the wrong type, out of range, or
 * inconsistent with the others.  r is then not to be used but its text
 * columns freed (jobrow_free_texts(r)).
 */
int jobrow_read(sqlite3_stmt *st, struct job_row *r, char *why, size_t len);
/* Check a row assembled in memory (the same rules as jobrow_read). */
int jobrow_valid(const struct job_row *r, char *why, size_t len);

/* Free r's text columns (r->t); they become NULL. */
void jobrow_free_texts(struct job_row *r);

#endif
