/* SPDX-License-Identifier: ISC */
/*
 * jobstore_schema.c - jobs.db's tables: created for a new file, migrated
 * from an older schema in one transaction each, never losing a row.
 * Version 1 stored parameters and outputs as C struct blobs tagged by their
 * sizes: a blob is decoded only when its tag is that of the v1 structs and
 * every value then validates, otherwise the row keeps its status, result
 * and times with params_unknown set.  Versions 2 and later only add
 * columns, with the value of "not set".
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "jobstore_int.h"
#include "log.h"
#include "staterr.h"

static int
js_create(void)
{
	char sql[4096];

	snprintf(sql, sizeof(sql),
	         "CREATE TABLE IF NOT EXISTS jobs (%s);"
	         "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);"
	         "CREATE TABLE IF NOT EXISTS quarantine (qid INTEGER PRIMARY KEY,"
	         " found_ms INTEGER, handle INTEGER, reason TEXT, record TEXT);"
	         "PRAGMA user_version = %d;",
	         jobrow_columns_typed(), JS_VERSION);
	return js_exec(sql);
}

/* Version 1, the struct blobs of its time (frozen: never change these). */
struct js_v1_params {
	int32_t type;
	uint32_t disk, partition, pack, volume, plex, vdisk;
	uint64_t offset, size;
	char partition_type[40];
	int32_t volume_type;
	uint32_t disks[16];
	uint32_t ndisks;
	uint64_t stripe_size;
	uint32_t plex_count;
	char path[256];
	int32_t vdisk_type, vdisk_format;
	char name[64];
	int32_t init_label, read_only;
};
struct js_v1_outputs {
	uint64_t offset;
	uint32_t partition, volume;
	uint64_t reclaimed;
	uint32_t vdisk;
	char objid[37];
};
#define JS_V1_LAYOUT ((int64_t)(sizeof(struct js_v1_params) << 16 | sizeof(struct js_v1_outputs)))

/* Decode v1 blobs into po; -1 when the tag or a size does not match. */
static int
js_v1_decode(sqlite3_stmt *st, int col, struct job_po *po)
{
	struct js_v1_params p;
	struct js_v1_outputs o;

	if (sqlite3_column_type(st, col) != SQLITE_INTEGER ||
	    sqlite3_column_int64(st, col) != JS_V1_LAYOUT ||
	    sqlite3_column_bytes(st, col + 1) != (int)sizeof(p) ||
	    sqlite3_column_bytes(st, col + 2) != (int)sizeof(o) ||
	    sqlite3_column_type(st, col + 1) != SQLITE_BLOB ||
	    sqlite3_column_type(st, col + 2) != SQLITE_BLOB)
		return -1;
	memcpy(&p, sqlite3_column_blob(st, col + 1), sizeof(p));
	memcpy(&o, sqlite3_column_blob(st, col + 2), sizeof(o));
	if (p.ndisks > JOB_MAX_DISKS)
		return -1;
	po->params.type = (enum job_type)p.type;
	po->params.disk = p.disk, po->params.partition = p.partition, po->params.pack = p.pack;
	po->params.volume = p.volume, po->params.plex = p.plex, po->params.vdisk = p.vdisk;
	po->params.offset = p.offset, po->params.size = p.size;
	memcpy(po->params.partition_type, p.partition_type, sizeof(p.partition_type));
	po->params.volume_type = (enum inv_voltype)p.volume_type;
	memcpy(po->params.disks, p.disks, sizeof(p.disks));
	po->params.ndisks = p.ndisks;
	po->params.stripe_size = p.stripe_size, po->params.plex_count = p.plex_count;
	memcpy(po->params.path, p.path, sizeof(p.path));
	po->params.vdisk_type = (enum inv_vdisk_type)p.vdisk_type;
	po->params.vdisk_format = (enum inv_vdisk_format)p.vdisk_format;
	memcpy(po->params.name, p.name, sizeof(p.name));
	po->params.init_label = (enum job_init_label)p.init_label;
	po->params.read_only = p.read_only;
	po->outputs.offset = o.offset, po->outputs.partition = o.partition;
	po->outputs.volume = o.volume, po->outputs.reclaimed = o.reclaimed;
	po->outputs.vdisk = o.vdisk;
	memcpy(po->outputs.objid, o.objid, sizeof(o.objid));
	return 0;
}

/* One v1 row: base columns as v2 reads them, then the blobs. */
static int
js_v1_row(sqlite3_stmt *st, int blobcol)
{
	struct job_row r = {0};
	char why[256], rec[32];
	int rc;
	long long h = sqlite3_column_int64(st, 0);

	snprintf(rec, sizeof(rec), "job %lld", h);
	if (jobrow_read(st, &r, why, sizeof(why)) < 0) {
		js_quarantine("jobs_v1", h, "'v1 row'", why);
		jobrow_free_texts(&r);
		return 0;
	}
	if (js_v1_decode(st, blobcol, &r.po) < 0 || jobrow_valid(&r, why, sizeof(why)) < 0) {
		staterr_quarantine(jstore.path, rec,
		                   "v1 parameters and outputs unreadable; row kept"
		                   " without them");
		memset(&r.po, 0, sizeof(r.po));
		r.j.params_unknown = 1;
		if (jobrow_valid(&r, why, sizeof(why)) < 0) {
			js_quarantine("jobs_v1", h, "'v1 row'", why);
			jobrow_free_texts(&r);
			return 0;
		}
	}
	jobrow_bind(jstore.save, &r);
	jobrow_free_texts(&r);
	rc = sqlite3_step(jstore.save) == SQLITE_DONE && sqlite3_reset(jstore.save) == SQLITE_OK
	         ? 0
	         : -1;
	return rc;
}

/*
 * v1 -> v2 in one transaction: v1 rows read through a SELECT that gives
 * them the v2 column names (NULL for the new ones) plus the blobs.
 */
static int
js_migrate_v1(void)
{
	char sql[4096], ins[2048];
	sqlite3_stmt *st = NULL;
	int rc = -1, step, blobcol = jobrow_ncols();
	long long n = 0;

	log_warnx("jobstore", "%s: migrating job rows from schema 1 to %d", jstore.path,
	          JS_VERSION);
	if (js_exec("BEGIN; ALTER TABLE jobs RENAME TO jobs_v1;") < 0 || js_create() < 0)
		goto out;
	snprintf(ins, sizeof(ins), "INSERT INTO jobs (%s) VALUES (%s)", jobrow_columns(),
	         jobrow_placeholders());
	if (js_prepare(&jstore.save, ins) < 0)
		goto out;
	/* v1 columns where v2 has them, zero/empty parameters, then the blobs */
	snprintf(sql, sizeof(sql), "SELECT %s, layout, params, outputs FROM jobs_v1",
	         jobrow_columns_v1());
	if (sqlite3_prepare_v2(jstore.db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (js_v1_row(st, blobcol) < 0)
			goto out;
	}
	if (step != SQLITE_DONE || js_exec("DROP TABLE jobs_v1; COMMIT;") < 0)
		goto out;
	log_info("jobstore", "%s: %lld v1 rows migrated", jstore.path, n);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(jstore.save);
	jstore.save = NULL;
	if (rc < 0) {
		log_warnx("jobstore", "%s: migration failed: %s", jstore.path,
		          sqlite3_errmsg(jstore.db));
		sqlite3_exec(jstore.db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

/*
 * v2 -> v3 (and any later version that only adds columns): every column of
 * jobrow's table the file lacks is added with the value of "not set" (0 or
 * ''), in one transaction with the version change.
 */
static int
js_migrate_columns(long long from)
{
	const char *name;
	int text, code;
	char sql[256];

	log_warnx("jobstore", "%s: migrating job rows from schema %lld to %d", jstore.path, from,
	          JS_VERSION);
	if (js_exec("BEGIN;") < 0)
		goto fail;
	for (int i = 0; jobrow_column(i, &name, &text) == 0; i++) {
		long long have = 0;

		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM pragma_table_info('jobs') WHERE name = '%s'", name);
		if (js_int_query(sql, &have) < 0)
			goto fail;
		if (have)
			continue;
		snprintf(sql, sizeof(sql), "ALTER TABLE jobs ADD COLUMN %s %s DEFAULT %s;", name,
		         text ? "TEXT" : "INTEGER", text ? "''" : "0");
		if (js_exec(sql) < 0)
			goto fail;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; COMMIT;", JS_VERSION);
	if (js_exec(sql) < 0)
		goto fail;
	return 0;
fail:
	code = sqlite3_errcode(jstore.db);
	snprintf(sql, sizeof(sql), "migration from schema %lld failed: %s", from,
	         sqlite3_errmsg(jstore.db));
	sqlite3_exec(jstore.db, "ROLLBACK", NULL, NULL, NULL);
	return js_refuse(code, sql);
}

int
js_schema(void)
{
	long long ver = -1, v1 = 0, tables = 0;
	char cause[128];

	if (js_int_query("PRAGMA user_version", &ver) < 0 ||
	    js_int_query("SELECT count(*) FROM sqlite_master", &tables) < 0)
		return js_refuse(sqlite3_errcode(jstore.db), sqlite3_errmsg(jstore.db));
	if (ver > JS_VERSION || ver < 0 || ver == 1) {
		snprintf(cause, sizeof(cause), "schema version %lld, this vdsd reads 1 to %d", ver,
		         JS_VERSION);
		return js_refuse(SQLITE_NOTADB, cause);
	}
	if (ver >= 2 && ver < JS_VERSION)
		return js_migrate_columns(ver);
	if (ver == 0 && tables)
		js_int_query("SELECT count(*) FROM pragma_table_info('jobs') WHERE name = 'layout'",
		             &v1);
	if (v1)
		return js_migrate_v1();
	return js_create();
}
