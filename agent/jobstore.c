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
 * (wal_autocheckpoint is 0 on the loop's connection; a WAL hook tells it
 * the WAL's size, jobsync_wal()).  Progress is batched by the
 * engine (one transaction per second).  The handle floor also lives in
 * state_dir/jobs.floor (jobsync.c), so losing jobs.db reuses no handle.
 *
 * Untrusted input.  Every column is typed (jobrow.c) and every value is
 * type-, range- and enum-checked on load; a row that fails is moved to the
 * quarantine table with its reason and a text dump of its columns, logged
 * through staterr, and never served.  Older schemas are migrated
 * (jobstore_schema.c).  A file that cannot
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
#include "jobstore_int.h"
#include "jobsync.h"
#include "log.h"
#include "staterr.h"

/*
 * sqlite's page cache on the loop's connection, in KiB (negative: a size,
 * not a page count).  The loop writes one row at a time, at the right edge
 * of the table (handles grow) or a purged one near the left: a few pages
 * each, 16 pages hold them.  A bigger cache only ever filled up with pages
 * of the load at start and of rows written once, as RSS that never came
 * back (2000 KiB by default; 256 KiB was 10% of the RSS of 10,000 rows).
 */
#define JS_CACHE_KIB "-64"
/* Bytes of WAL kept when it starts over after a full checkpoint (the rest is cut). */
#define JS_WAL_LIMIT "8388608"

struct jobstore_state jstore;

int
js_exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(jstore.db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("jobstore", "%s: %s", jstore.path, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
js_prepare(sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v3(jstore.db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) !=
	    SQLITE_OK) {
		log_warnx("jobstore", "%s: prepare %s: %s", jstore.path, sql,
		          sqlite3_errmsg(jstore.db));
		return -1;
	}
	return 0;
}

/* Called by sqlite on the loop after each commit: never checkpoint here. */
static int
js_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	jobsync_wal(pages);
	return SQLITE_OK;
}

/* ------------------------------------------------------ opening the file */

/* Refuse the whole file: say which file, why, and how to recover, by path. */
int
js_refuse(int code, const char *cause)
{
	int dl = (int)(strlen(jstore.path) - strlen("/jobs.db")); /* stateDir as given */
	char how[3 * sizeof(jstore.path) + 256];

	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		snprintf(how, sizeof(how),
		         "stop vdsd, move the file aside (mv %s %s.bad; also %s-wal) and start"
		         " again: the job rows are lost, handles continue after the floor kept in"
		         " %.*s/jobs.floor",
		         jstore.path, jstore.path, jstore.path, dl, jstore.path);
	else if (code == SQLITE_FULL)
		snprintf(how, sizeof(how), "free space on the file system of %.*s", dl,
		         jstore.path);
	else
		snprintf(how, sizeof(how),
		         "make %.*s and the jobs.db files in it writable by the user vdsd runs as"
		         " (a read-only mount: remount it read-write; permissions: chown or chmod),"
		         " or set stateDir to a writable directory",
		         dl, jstore.path);
	log_warnx("jobstore", "%s: cannot be used: %s; to recover: %s", jstore.path, cause, how);
	return -1;
}

/* sqlite's message, and the system's when sqlite has one (open, WAL). */
static int
js_refuse_db(int code)
{
	char cause[512];
	int err = jstore.db ? sqlite3_system_errno(jstore.db) : 0;

	snprintf(cause, sizeof(cause), "%s%s%s%s",
	         jstore.db ? sqlite3_errmsg(jstore.db) : "no memory", err ? " (" : "",
	         err ? strerror(err) : "", err ? ")" : "");
	return js_refuse(code, cause);
}

/* The directory and jobs.db: which one vdsd cannot write, and why. */
static int
js_check_writable(const char *state_dir)
{
	char cause[sizeof(jstore.path) + 128];
	int dir = access(state_dir, W_OK | X_OK) < 0;

	if (dir || (access(jstore.path, F_OK) == 0 && access(jstore.path, W_OK) < 0)) {
		snprintf(cause, sizeof(cause), "%s %s is not writable: %s",
		         dir ? "the state directory" : "the file", dir ? state_dir : jstore.path,
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

	if (sqlite3_prepare_v2(jstore.db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return js_refuse(sqlite3_errcode(jstore.db), sqlite3_errmsg(jstore.db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		snprintf(cause, sizeof(cause), "damaged (integrity_check: %s)",
		         sqlite3_column_text(st, 0));
	else if (rc != SQLITE_ROW)
		snprintf(cause, sizeof(cause), "%s", sqlite3_errmsg(jstore.db));
	sqlite3_finalize(st);
	return cause[0] ? js_refuse(SQLITE_CORRUPT, cause) : 0;
}

int
js_int_query(const char *sql, long long *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(jstore.db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
js_prepare_all(void)
{
	char ins[3072];

	snprintf(ins, sizeof(ins), "INSERT OR REPLACE INTO jobs (%s) VALUES (%s)", jobrow_columns(),
	         jobrow_placeholders());
	if (js_prepare(&jstore.save, ins) < 0 ||
	    js_prepare(&jstore.del, "DELETE FROM jobs WHERE handle = ?") < 0 ||
	    js_prepare(&jstore.floor_set, "INSERT OR REPLACE INTO meta (key, value) VALUES"
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

	snprintf(jstore.path, sizeof(jstore.path), "%s/jobs.db", state_dir);
	if (js_check_writable(state_dir) < 0)
		return -1;
	if (stat(jstore.path, &sb) == 0 && sb.st_size == 0)
		log_warnx("jobstore",
		          "%s: the file is empty (0 bytes): every stored job row is"
		          " lost",
		          jstore.path);
	rc = sqlite3_open_v2(jstore.path, &jstore.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                     NULL);
	if (rc != SQLITE_OK) {
		js_refuse_db(rc);
		goto out;
	}
	sqlite3_extended_result_codes(jstore.db, 0);
	sqlite3_busy_timeout(jstore.db, 1000);
	rc = sqlite3_exec(jstore.db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		js_refuse_db(rc);
		goto out;
	}
	if (js_integrity() < 0 ||
	    js_exec("PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;"
	            " PRAGMA journal_size_limit=" JS_WAL_LIMIT "; PRAGMA cache_size=" JS_CACHE_KIB
	            ";") < 0 ||
	    js_schema() < 0 || js_prepare_all() < 0)
		goto out;
	if (jobsync_start(state_dir, jstore.path) < 0)
		goto out;
	sqlite3_wal_hook(jstore.db, js_wal_hook, NULL);
	return 0;
out:
	jobstore_close();
	return -1;
}

void
jobstore_close(void)
{
	jobsync_stop();
	sqlite3_finalize(jstore.save);
	sqlite3_finalize(jstore.del);
	sqlite3_finalize(jstore.floor_set);
	sqlite3_close(jstore.db);
	jstore.db = NULL;
	jstore.save = jstore.del = jstore.floor_set = NULL;
}

/* Run a prepared statement that returns no rows, then reset it. */
static int
js_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("jobstore", "%s: %s", jstore.path, sqlite3_errmsg(jstore.db));
		return -1;
	}
	return 0;
}

static int
js_save_one(const struct job *j)
{
	struct job_row r;

	job_row_of(j, &r);
	jobrow_bind(jstore.save, &r);
	if (js_step(jstore.save) < 0)
		return -1;
	jobsync_note_handle(j->handle);
	return 0;
}

int
jobstore_save(const struct job *j)
{
	if (!jstore.db)
		return -1;
	return js_save_one(j);
}

int
jobstore_save_many(struct job *const *jobs, size_t n)
{
	int rc = 0;

	if (!jstore.db || js_exec("BEGIN") < 0)
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
	if (!jstore.db)
		return -1;
	/* Remember the handle so that a restart never hands it out again. */
	if (jobstore_set_handle_floor(handle) < 0)
		return -1;
	sqlite3_bind_int64(jstore.del, 1, handle);
	return js_step(jstore.del);
}

/* ----------------------------------------------------------- loading */

/* Move row handle of table to the quarantine table, with why; log and count it. */
void
js_quarantine(const char *table, long long handle, const char *dump, const char *why)
{
	char sql[6144], rec[48];
	sqlite3_stmt *st = NULL;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(rec, sizeof(rec), "job %lld", handle);
	staterr_quarantine(jstore.path, rec, "%s", why);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO quarantine (found_ms, handle, reason, record) SELECT ?1, rowid, ?2,"
	         " %s FROM %s WHERE rowid = ?3",
	         strcmp(table, "jobs") == 0 ? jobrow_dump_expr() : dump, table);
	if (sqlite3_prepare_v2(jstore.db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		sqlite3_bind_text(st, 2, why, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, handle);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_warnx("jobstore", "%s: %s: cannot keep it aside: %s", jstore.path, rec,
			          sqlite3_errmsg(jstore.db));
	}
	sqlite3_finalize(st);
	if (strcmp(table, "jobs") == 0) {
		sqlite3_bind_int64(jstore.del, 1, handle);
		js_step(jstore.del);
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
	if (!jstore.db || js_prepare(&st, sql) < 0)
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
		log_warnx("jobstore", "%s: load: %s", jstore.path, sqlite3_errmsg(jstore.db));
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
	jobrow_free_texts(&r); /* a row that failed, or could not become a job */
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

	if (!jstore.db)
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
		staterr_quarantine(jstore.path, "meta handle_floor", "not a handle; ignored");
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
	if (!jstore.db)
		return -1;
	sqlite3_bind_int64(jstore.floor_set, 1, handle);
	return js_step(jstore.floor_set);
}
