/* SPDX-License-Identifier: ISC */
/*
 * jobstore_int.h - private to the job store's files: jobstore.c (opening,
 * saving, loading, quarantine, the handle floor) and jobstore_schema.c
 * (creating the tables and migrating older schemas).  Loop thread.  Not for
 * other modules: their API is jobstore.h.
 */
#ifndef VDS_JOBSTORE_INT_H
#define VDS_JOBSTORE_INT_H

#include <sqlite3.h>

#define JS_VERSION 3

struct jobstore_state {
	sqlite3 *db;
	sqlite3_stmt *save, *del, *floor_set;
	char path[4096];
};
extern struct jobstore_state jstore;

/* Run sql (no rows); -1 logged. */
int js_exec(const char *sql);
/* A persistent prepared statement; -1 logged. */
int js_prepare(sqlite3_stmt **st, const char *sql);
/* The first column of the first row of sql into *v; -1 when none. */
int js_int_query(const char *sql, long long *v);
/* Refuse the whole file: say which file, why, and how to recover (sqlite code). -1. */
int js_refuse(int code, const char *cause);
/* Move row handle of table to the quarantine table, with why; log and count it. */
void js_quarantine(const char *table, long long handle, const char *dump, const char *why);

/* Create the tables of this schema (a new file), or migrate an older one: 0 or -1 (refused). */
int js_schema(void);

#endif
