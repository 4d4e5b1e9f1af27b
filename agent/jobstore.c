/* SPDX-License-Identifier: ISC */
/*
 * jobstore.c - job rows in sqlite3 (state_dir/jobs.db), schema version 3.
 *
 * Durability.  WAL journal with synchronous=NORMAL: a commit is in the WAL
 * (the OS page cache) before sqlite3_step() returns, so a SIGKILL of vdsd
 * never loses or tears a committed row; a SET is answered only after its
 * row is committed (job_create fails, the SET gets commitFailed, when it
 * cannot be).  The loop thread never fsyncs: a commit in WAL mode with
 * NORMAL does not sync, and the checkpoints, which do, are taken off the
 * loop by jobsync.c's thread on a connection of its own
 * (wal_autocheckpoint is 0 on the loop's connection; a WAL hook asks for a
 * checkpoint every JS_CKPT_PAGES pages).  Progress is batched by the
 * engine (one transaction per second).  The handle floor also lives in
 * state_dir/jobs.floor (jobsync.c), so losing jobs.db reuses no handle.
 *
 * Untrusted input.  Every column is typed (jobrow.c) and every value is
 * type-, range- and enum-checked on load; a row that fails is moved to the
 * quarantine table with its reason and a text dump of its columns, logged
 * through staterr, and never served.  Version 1 stored parameters and
 * outputs as C struct blobs tagged by their sizes: it is migrated in one
 * transaction; a blob is decoded only when its tag is that of the v1
 * structs and every value then validates, otherwise the row keeps its
 * status, result and times with params_unknown set.  A file that cannot
 * be trusted as a whole (not a database, failing integrity_check, a newer
 * schema, not writable) is refused with a message that names it, the
 * cause and the way to recover.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "jobstore.h"
#include "jobsync.h"
#include "log.h"
#include "staterr.h"

#define JS_VERSION    3
#define JS_CKPT_PAGES 1000
/*
 * sqlite's page cache on the loop's connection, in KiB (negative: a size,
 * not a page count).  The loop writes one row at a time, at the right edge
 * of the table (handles grow) or a purged one near the left: a few pages
 * each.  sqlite's default (2000 KiB) only ever filled up with pages of the
 * load at start and of rows written once, as RSS that never came back.
 */
#define JS_CACHE_KIB "-256"

static struct {
	sqlite3 *db;
	sqlite3_stmt *save, *del, *floor_set;
	char path[4096];
} js;

static int
js_exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(js.db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("jobstore", "%s: %s", js.path, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
js_prepare(sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v3(js.db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		log_warnx("jobstore", "%s: prepare %s: %s", js.path, sql, sqlite3_errmsg(js.db));
		return -1;
	}
	return 0;
}

/* Called by sqlite on the loop after each commit: never checkpoint here. */
static int
js_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	if (pages >= JS_CKPT_PAGES)
		jobsync_checkpoint();
	return SQLITE_OK;
}

/* ------------------------------------------------------ opening the file */

/* Refuse the whole file: say which file, why, and how to recover, by path. */
static int
js_refuse(int code, const char *cause)
{
	int dl = (int)(strlen(js.path) - strlen("/jobs.db")); /* stateDir as given */
	char how[3 * sizeof(js.path) + 256];

	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		snprintf(how, sizeof(how),
		         "stop vdsd, move the file aside (mv %s %s.bad; also %s-wal) and start"
		         " again: the job rows are lost, handles continue after the floor kept in"
		         " %.*s/jobs.floor",
		         js.path, js.path, js.path, dl, js.path);
	else if (code == SQLITE_FULL)
		snprintf(how, sizeof(how), "free space on the file system of %.*s", dl, js.path);
	else
		snprintf(how, sizeof(how),
		         "make %.*s and the jobs.db files in it writable by the user vdsd runs as"
		         " (a read-only mount: remount it read-write; permissions: chown or chmod),"
		         " or set stateDir to a writable directory",
		         dl, js.path);
	log_warnx("jobstore", "%s: cannot be used: %s; to recover: %s", js.path, cause, how);
	return -1;
}

/* sqlite's message, and the system's when sqlite has one (open, WAL). */
static int
js_refuse_db(int code)
{
	char cause[512];
	int err = js.db ? sqlite3_system_errno(js.db) : 0;

	snprintf(cause, sizeof(cause), "%s%s%s%s", js.db ? sqlite3_errmsg(js.db) : "no memory",
	         err ? " (" : "", err ? strerror(err) : "", err ? ")" : "");
	return js_refuse(code, cause);
}

/* The directory and jobs.db: which one vdsd cannot write, and why. */
static int
js_check_writable(const char *state_dir)
{
	char cause[sizeof(js.path) + 128];
	int dir = access(state_dir, W_OK | X_OK) < 0;

	if (dir || (access(js.path, F_OK) == 0 && access(js.path, W_OK) < 0)) {
		snprintf(cause, sizeof(cause), "%s %s is not writable: %s",
		         dir ? "the state directory" : "the file", dir ? state_dir : js.path,
		         strerror(errno));
		return js_refuse(SQLITE_CANTOPEN, cause);
	}
	return 0;
}

/* integrity_check; the first problem goes into the message. */
static int
js_integrity(void)
{
	sqlite3_stmt *st = NULL;
	char cause[512] = "";
	int rc;

	if (sqlite3_prepare_v2(js.db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return js_refuse(sqlite3_errcode(js.db), sqlite3_errmsg(js.db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		snprintf(cause, sizeof(cause), "damaged (integrity_check: %s)",
		         sqlite3_column_text(st, 0));
	else if (rc != SQLITE_ROW)
		snprintf(cause, sizeof(cause), "%s", sqlite3_errmsg(js.db));
	sqlite3_finalize(st);
	return cause[0] ? js_refuse(SQLITE_CORRUPT, cause) : 0;
}

static int
js_int_query(const char *sql, long long *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(js.db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

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

static void js_quarantine(const char *table, long long handle, const char *dump, const char *why);

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
		job_text_free(&r.j);
		return 0;
	}
	if (js_v1_decode(st, blobcol, &r.po) < 0 || jobrow_valid(&r, why, sizeof(why)) < 0) {
		staterr_quarantine(js.path, rec,
		                   "v1 parameters and outputs unreadable; row kept"
		                   " without them");
		memset(&r.po, 0, sizeof(r.po));
		r.j.params_unknown = 1;
		if (jobrow_valid(&r, why, sizeof(why)) < 0) {
			js_quarantine("jobs_v1", h, "'v1 row'", why);
			job_text_free(&r.j);
			return 0;
		}
	}
	jobrow_bind(js.save, &r);
	job_text_free(&r.j);
	rc = sqlite3_step(js.save) == SQLITE_DONE && sqlite3_reset(js.save) == SQLITE_OK ? 0 : -1;
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

	log_warnx("jobstore", "%s: migrating job rows from schema 1 to %d", js.path, JS_VERSION);
	if (js_exec("BEGIN; ALTER TABLE jobs RENAME TO jobs_v1;") < 0 || js_create() < 0)
		goto out;
	snprintf(ins, sizeof(ins), "INSERT INTO jobs (%s) VALUES (%s)", jobrow_columns(),
	         jobrow_placeholders());
	if (js_prepare(&js.save, ins) < 0)
		goto out;
	/* v1 columns where v2 has them, zero/empty parameters, then the blobs */
	snprintf(sql, sizeof(sql), "SELECT %s, layout, params, outputs FROM jobs_v1",
	         jobrow_columns_v1());
	if (sqlite3_prepare_v2(js.db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (js_v1_row(st, blobcol) < 0)
			goto out;
	}
	if (step != SQLITE_DONE || js_exec("DROP TABLE jobs_v1; COMMIT;") < 0)
		goto out;
	log_info("jobstore", "%s: %lld v1 rows migrated", js.path, n);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(js.save);
	js.save = NULL;
	if (rc < 0) {
		log_warnx("jobstore", "%s: migration failed: %s", js.path, sqlite3_errmsg(js.db));
		sqlite3_exec(js.db, "ROLLBACK", NULL, NULL, NULL);
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

	log_warnx("jobstore", "%s: migrating job rows from schema %lld to %d", js.path, from,
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
	code = sqlite3_errcode(js.db);
	snprintf(sql, sizeof(sql), "migration from schema %lld failed: %s", from,
	         sqlite3_errmsg(js.db));
	sqlite3_exec(js.db, "ROLLBACK", NULL, NULL, NULL);
	return js_refuse(code, sql);
}

static int
js_schema(void)
{
	long long ver = -1, v1 = 0, tables = 0;
	char cause[128];

	if (js_int_query("PRAGMA user_version", &ver) < 0 ||
	    js_int_query("SELECT count(*) FROM sqlite_master", &tables) < 0)
		return js_refuse(sqlite3_errcode(js.db), sqlite3_errmsg(js.db));
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

static int
js_prepare_all(void)
{
	char ins[3072];

	snprintf(ins, sizeof(ins), "INSERT OR REPLACE INTO jobs (%s) VALUES (%s)", jobrow_columns(),
	         jobrow_placeholders());
	if (js_prepare(&js.save, ins) < 0 ||
	    js_prepare(&js.del, "DELETE FROM jobs WHERE handle = ?") < 0 ||
	    js_prepare(&js.floor_set, "INSERT OR REPLACE INTO meta (key, value) VALUES"
	                              " ('handle_floor', max(?, ifnull((SELECT value FROM meta"
	                              " WHERE key = 'handle_floor' AND typeof(value) ="
	                              " 'integer'), 0)))") < 0)
		return -1;
	return 0;
}

int
jobstore_open(const char *state_dir)
{
	struct stat sb;
	int rc;

	snprintf(js.path, sizeof(js.path), "%s/jobs.db", state_dir);
	if (js_check_writable(state_dir) < 0)
		return -1;
	if (stat(js.path, &sb) == 0 && sb.st_size == 0)
		log_warnx("jobstore",
		          "%s: the file is empty (0 bytes): every stored job row is"
		          " lost",
		          js.path);
	rc = sqlite3_open_v2(js.path, &js.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		js_refuse_db(rc);
		goto out;
	}
	sqlite3_extended_result_codes(js.db, 0);
	sqlite3_busy_timeout(js.db, 1000);
	rc = sqlite3_exec(js.db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		js_refuse_db(rc);
		goto out;
	}
	if (js_integrity() < 0 ||
	    js_exec("PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;"
	            " PRAGMA cache_size=" JS_CACHE_KIB ";") < 0 ||
	    js_schema() < 0 || js_prepare_all() < 0)
		goto out;
	if (jobsync_start(state_dir, js.path) < 0)
		goto out;
	sqlite3_wal_hook(js.db, js_wal_hook, NULL);
	return 0;
out:
	jobstore_close();
	return -1;
}

void
jobstore_close(void)
{
	jobsync_stop();
	sqlite3_finalize(js.save);
	sqlite3_finalize(js.del);
	sqlite3_finalize(js.floor_set);
	sqlite3_close(js.db);
	js.db = NULL;
	js.save = js.del = js.floor_set = NULL;
}

/* Run a prepared statement that returns no rows, then reset it. */
static int
js_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("jobstore", "%s: %s", js.path, sqlite3_errmsg(js.db));
		return -1;
	}
	return 0;
}

static int
js_save_one(const struct job *j)
{
	struct job_row r;

	job_row_of(j, &r);
	jobrow_bind(js.save, &r);
	if (js_step(js.save) < 0)
		return -1;
	jobsync_note_handle(j->handle);
	return 0;
}

int
jobstore_save(const struct job *j)
{
	if (!js.db)
		return -1;
	return js_save_one(j);
}

int
jobstore_save_many(struct job *const *jobs, size_t n)
{
	int rc = 0;

	if (!js.db || js_exec("BEGIN") < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (js_save_one(jobs[i]) < 0)
			rc = -1;
	if (js_exec("COMMIT") < 0) {
		js_exec("ROLLBACK");
		return -1;
	}
	return rc;
}

int
jobstore_delete(uint32_t handle)
{
	if (!js.db)
		return -1;
	/* Remember the handle so that a restart never hands it out again. */
	if (jobstore_set_handle_floor(handle) < 0)
		return -1;
	sqlite3_bind_int64(js.del, 1, handle);
	return js_step(js.del);
}

/* ----------------------------------------------------------- loading */

/* Move row handle of table to the quarantine table, with why; log and count it. */
static void
js_quarantine(const char *table, long long handle, const char *dump, const char *why)
{
	char sql[6144], rec[48];
	sqlite3_stmt *st = NULL;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(rec, sizeof(rec), "job %lld", handle);
	staterr_quarantine(js.path, rec, "%s", why);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO quarantine (found_ms, handle, reason, record) SELECT ?1, rowid, ?2,"
	         " %s FROM %s WHERE rowid = ?3",
	         strcmp(table, "jobs") == 0 ? jobrow_dump_expr() : dump, table);
	if (sqlite3_prepare_v2(js.db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		sqlite3_bind_text(st, 2, why, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, handle);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_warnx("jobstore", "%s: %s: cannot keep it aside: %s", js.path, rec,
			          sqlite3_errmsg(js.db));
	}
	sqlite3_finalize(st);
	if (strcmp(table, "jobs") == 0) {
		sqlite3_bind_int64(js.del, 1, handle);
		js_step(js.del);
	}
}

struct js_bad {
	long long handle;
	char why[200];
};

int
jobstore_load(int (*fn)(struct job *j, void *arg), void *arg)
{
	sqlite3_stmt *st = NULL;
	struct js_bad *bad = NULL;
	size_t nbad = 0, cap = 0;
	char sql[2048], why[200];
	struct job_row r = {0};
	struct job *j;
	int rc = -1, step;

	snprintf(sql, sizeof(sql), "SELECT %s FROM jobs ORDER BY end_ms = 0, end_ms, handle",
	         jobrow_columns());
	if (!js.db || js_prepare(&st, sql) < 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (jobrow_read(st, &r, why, sizeof(why)) == 0) {
			if (!(j = job_from_row(&r)))
				goto out;
			if (fn(j, arg) < 0)
				goto out;
			continue;
		}
		if (nbad == cap) {
			struct js_bad *nb = realloc(bad, (cap = cap ? 2 * cap : 8) * sizeof(*bad));

			if (!nb)
				goto out;
			bad = nb;
		}
		bad[nbad].handle = sqlite3_column_int64(st, 0);
		snprintf(bad[nbad++].why, sizeof(bad->why), "%s", why);
	}
	if (step != SQLITE_DONE) {
		log_warnx("jobstore", "%s: load: %s", js.path, sqlite3_errmsg(js.db));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (nbad && js_exec("BEGIN") == 0) {
		for (size_t i = 0; i < nbad; i++)
			js_quarantine("jobs", bad[i].handle, NULL, bad[i].why);
		if (js_exec("COMMIT") < 0)
			js_exec("ROLLBACK");
	}
	rc = 0;
out:
	job_text_free(&r.j); /* a row that failed, or could not become a job */
	free(bad);
	sqlite3_finalize(st);
	return rc;
}

/*
 * The highest handle stored, deleted or quarantined; values out of range
 * (damage) do not count, and a damaged floor record is reported.
 */
uint32_t
jobstore_handle_floor(void)
{
	long long h = 0, m = 0, q = 0, bad = 0;

	if (!js.db)
		return 0;
	js_int_query(
	    "SELECT ifnull(max(handle), 0) FROM jobs WHERE handle BETWEEN 1 AND 2147483647", &h);
	js_int_query("SELECT ifnull(max(handle), 0) FROM quarantine WHERE typeof(handle) ="
	             " 'integer' AND handle BETWEEN 1 AND 2147483647",
	             &q);
	js_int_query("SELECT count(*) FROM meta WHERE key = 'handle_floor' AND (typeof(value) !="
	             " 'integer' OR value NOT BETWEEN 0 AND 2147483647)",
	             &bad);
	if (bad)
		staterr_quarantine(js.path, "meta handle_floor", "not a handle; ignored");
	else
		js_int_query("SELECT ifnull(max(value), 0) FROM meta WHERE key = 'handle_floor'",
		             &m);
	if (q > h)
		h = q;
	return jobsync_floor((uint32_t)(m > h ? m : h));
}

int
jobstore_set_handle_floor(uint32_t handle)
{
	if (!js.db)
		return -1;
	sqlite3_bind_int64(js.floor_set, 1, handle);
	return js_step(js.floor_set);
}
