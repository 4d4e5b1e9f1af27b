/*
 * jobrow.h - one job row as typed sqlite columns: the column list, binding
 * a struct job to a statement, and reading one back with every value type-,
 * range- and enum-checked (state on disk is untrusted input).
 */
#ifndef VDS_JOBROW_H
#define VDS_JOBROW_H

#include <stddef.h>

#include <sqlite3.h>

struct job;

/* "handle, status, ..." in bind/read order, and "handle INTEGER, ..." for CREATE TABLE. */
const char *jobrow_columns(void);
const char *jobrow_columns_typed(void);
/* The number of columns. */
int jobrow_ncols(void);
/*
 * The select list for a schema 1 row: its columns where they exist
 * (handle .. update_ms), 0 or '' for the parameters and outputs.
 */
const char *jobrow_columns_v1(void);
/* "?,?,...": one placeholder per column. */
const char *jobrow_placeholders(void);
/* An SQL expression dumping every column of the current row as text (quarantine). */
const char *jobrow_dump_expr(void);

/* Bind j to st's parameters 1..n. */
void jobrow_bind(sqlite3_stmt *st, const struct job *j);
/*
 * Read the columns from col 0 of st's current row into j (zeroed first).
 * Returns 0, or -1 with the reason in why: a value of the wrong type, out
 * of range, or inconsistent with the others.  j is then not to be used.
 */
int jobrow_read(sqlite3_stmt *st, struct job *j, char *why, size_t len);
/* Check a row assembled in memory (the same rules as jobrow_read). */
int jobrow_valid(const struct job *j, char *why, size_t len);

#endif
