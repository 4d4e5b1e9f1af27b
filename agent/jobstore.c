/*
 * jobstore.c - job rows in sqlite3 (state_dir/jobs.db).
 *
 * WAL journal with synchronous=NORMAL: a commit is in the WAL before
 * sqlite3_step() returns, so a SIGKILL or crash of vdsd never loses or
 * tears a row; only an OS crash or power loss can drop the last
 * transactions, and even then the database stays consistent.  FULL would
 * add an fsync to every save, and saves run on the loop thread inside the
 * SET that creates a job (target: SET p99 under 2 ms), so NORMAL it is.
 * Statements are prepared once; each save is one short INSERT OR REPLACE.
 *
 * Parameters and outputs are stored as blobs of their C structs, tagged
 * with their sizes; a row written by a build with another layout loads
 * with empty parameters and outputs rather than garbage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "job.h"
#include "jobstore.h"
#include "log.h"

#define JS_LAYOUT ((int64_t)(sizeof(struct job_params) << 16 | sizeof(struct job_outputs)))

static const char js_schema[] =
    "CREATE TABLE IF NOT EXISTS jobs ("
    " handle INTEGER PRIMARY KEY, status INTEGER, percent INTEGER, result INTEGER,"
    " hresult INTEGER, error_name TEXT, error_message TEXT, details TEXT, owner TEXT,"
    " keep INTEGER, control INTEGER, cancel_state INTEGER, notify INTEGER, provider TEXT,"
    " create_ms INTEGER, start_ms INTEGER, end_ms INTEGER, update_ms INTEGER,"
    " layout INTEGER, params BLOB, outputs BLOB);"
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);";

#define JS_COLUMNS                                                                                 \
	"handle, status, percent, result, hresult, error_name, error_message, details, owner,"     \
	" keep, control, cancel_state, notify, provider, create_ms, start_ms, end_ms,"             \
	" update_ms, layout, params, outputs"

static struct {
	sqlite3 *db;
	sqlite3_stmt *save, *del, *floor_get, *floor_set;
} js;

static int
js_exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(js.db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("jobstore", "%s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
js_prepare(sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v3(js.db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		log_warnx("jobstore", "prepare %s: %s", sql, sqlite3_errmsg(js.db));
		return -1;
	}
	return 0;
}

static int
js_prepare_all(void)
{
	if (js_prepare(&js.save, "INSERT OR REPLACE INTO jobs (" JS_COLUMNS ") VALUES "
	                         "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)") < 0 ||
	    js_prepare(&js.del, "DELETE FROM jobs WHERE handle = ?") < 0 ||
	    js_prepare(&js.floor_get, "SELECT max(ifnull((SELECT value FROM meta WHERE key ="
	                              " 'handle_floor'), 0), ifnull((SELECT max(handle) FROM jobs),"
	                              " 0))") < 0 ||
	    js_prepare(&js.floor_set, "INSERT OR REPLACE INTO meta (key, value) VALUES"
	                              " ('handle_floor', max(?, ifnull((SELECT value FROM meta"
	                              " WHERE key = 'handle_floor'), 0)))") < 0)
		return -1;
	return 0;
}

int
jobstore_open(const char *state_dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/jobs.db", state_dir);
	if (sqlite3_open_v2(path, &js.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		log_warnx("jobstore", "%s: %s", path, js.db ? sqlite3_errmsg(js.db) : "no memory");
		goto out;
	}
	sqlite3_busy_timeout(js.db, 1000);
	if (js_exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") < 0 ||
	    js_exec(js_schema) < 0 || js_prepare_all() < 0)
		goto out;
	return 0;
out:
	jobstore_close();
	return -1;
}

void
jobstore_close(void)
{
	sqlite3_finalize(js.save);
	sqlite3_finalize(js.del);
	sqlite3_finalize(js.floor_get);
	sqlite3_finalize(js.floor_set);
	sqlite3_close(js.db);
	memset(&js, 0, sizeof(js));
}

static void
js_bind_text(sqlite3_stmt *st, int col, const char *s)
{
	sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

static void
js_bind_job(sqlite3_stmt *st, const struct job *j)
{
	int c = 1;

	sqlite3_bind_int64(st, c++, j->handle);
	sqlite3_bind_int(st, c++, j->status);
	sqlite3_bind_int(st, c++, (int)j->percent);
	sqlite3_bind_int(st, c++, j->result);
	sqlite3_bind_int64(st, c++, j->hresult);
	js_bind_text(st, c++, j->error_name);
	js_bind_text(st, c++, j->error_message);
	js_bind_text(st, c++, j->details);
	js_bind_text(st, c++, j->owner);
	sqlite3_bind_int(st, c++, j->keep_result);
	sqlite3_bind_int(st, c++, j->control);
	sqlite3_bind_int(st, c++, j->cancel_state);
	sqlite3_bind_int(st, c++, j->notify_progress);
	js_bind_text(st, c++, j->provider);
	sqlite3_bind_int64(st, c++, j->create_ms);
	sqlite3_bind_int64(st, c++, j->start_ms);
	sqlite3_bind_int64(st, c++, j->end_ms);
	sqlite3_bind_int64(st, c++, j->update_ms);
	sqlite3_bind_int64(st, c++, JS_LAYOUT);
	sqlite3_bind_blob(st, c++, &j->params, sizeof(j->params), SQLITE_STATIC);
	sqlite3_bind_blob(st, c++, &j->outputs, sizeof(j->outputs), SQLITE_STATIC);
}

/* Run a prepared statement that returns no rows, then reset it. */
static int
js_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		log_warnx("jobstore", "%s", sqlite3_errmsg(js.db));
		return -1;
	}
	return 0;
}

static int
js_save_one(const struct job *j)
{
	js_bind_job(js.save, j);
	return js_step(js.save);
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

static void
js_col_text(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", s ? (const char *)s : "");
}

static void
js_col_blob(sqlite3_stmt *st, int col, void *dst, size_t len)
{
	const void *b = sqlite3_column_blob(st, col);

	if (b && (size_t)sqlite3_column_bytes(st, col) == len)
		memcpy(dst, b, len);
}

static void
js_row(sqlite3_stmt *st, struct job *j)
{
	int c = 0;

	j->handle = (uint32_t)sqlite3_column_int64(st, c++);
	j->status = sqlite3_column_int(st, c++);
	j->percent = (unsigned)sqlite3_column_int(st, c++);
	j->result = sqlite3_column_int(st, c++);
	j->hresult = (uint32_t)sqlite3_column_int64(st, c++);
	js_col_text(st, c++, j->error_name, sizeof(j->error_name));
	js_col_text(st, c++, j->error_message, sizeof(j->error_message));
	js_col_text(st, c++, j->details, sizeof(j->details));
	js_col_text(st, c++, j->owner, sizeof(j->owner));
	j->keep_result = sqlite3_column_int(st, c++);
	j->control = sqlite3_column_int(st, c++);
	j->cancel_state = sqlite3_column_int(st, c++);
	j->notify_progress = sqlite3_column_int(st, c++);
	js_col_text(st, c++, j->provider, sizeof(j->provider));
	j->create_ms = sqlite3_column_int64(st, c++);
	j->start_ms = sqlite3_column_int64(st, c++);
	j->end_ms = sqlite3_column_int64(st, c++);
	j->update_ms = sqlite3_column_int64(st, c++);
	if (sqlite3_column_int64(st, c++) != JS_LAYOUT)
		return;
	js_col_blob(st, c++, &j->params, sizeof(j->params));
	js_col_blob(st, c++, &j->outputs, sizeof(j->outputs));
}

int
jobstore_load(int (*fn)(struct job *j, void *arg), void *arg)
{
	sqlite3_stmt *st = NULL;
	struct job *j;
	int rc = -1, step;

	if (!js.db || js_prepare(&st, "SELECT " JS_COLUMNS " FROM jobs ORDER BY end_ms = 0,"
	                              " end_ms, handle") < 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		j = calloc(1, sizeof(*j));
		if (!j)
			goto out;
		js_row(st, j);
		if (fn(j, arg) < 0)
			goto out;
	}
	if (step != SQLITE_DONE) {
		log_warnx("jobstore", "load: %s", sqlite3_errmsg(js.db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

uint32_t
jobstore_handle_floor(void)
{
	uint32_t h = 0;

	if (!js.db)
		return 0;
	if (sqlite3_step(js.floor_get) == SQLITE_ROW)
		h = (uint32_t)sqlite3_column_int64(js.floor_get, 0);
	sqlite3_reset(js.floor_get);
	return h;
}

int
jobstore_set_handle_floor(uint32_t handle)
{
	if (!js.db)
		return -1;
	sqlite3_bind_int64(js.floor_set, 1, handle);
	return js_step(js.floor_set);
}
