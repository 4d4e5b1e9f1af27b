/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jobstore.c - libFuzzer target: the job store's loader on a jobs.db
 * whose rows the input writes.
 *
 * The first byte chooses the schema (2, or 1 with its struct blobs, which
 * the loader migrates); then each of up to 4 rows takes, column by column,
 * a type byte (integer, text, blob, NULL, real) and its value from the
 * input, written with sqlite behind the store's back.  The real loader then
 * runs: every row it hands out must pass the store's own validation and
 * have its disk list inside the array, and the handle floor stays a handle.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "jobstore.h"
#include "log.h"
#include "staterr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], db_path[128];

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static unsigned
fz_byte(struct fz_in *in)
{
	unsigned b = in->n ? *in->p : 0;

	if (in->n) {
		in->p++;
		in->n--;
	}
	return b;
}

static int64_t
fz_int(struct fz_in *in)
{
	uint64_t v = 0;
	unsigned k = fz_byte(in) % 9;

	for (unsigned i = 0; i < k; i++)
		v = v << 8 | fz_byte(in);
	return (int64_t)v;
}

/* Bind one value chosen by the input to parameter c of st. */
static void
fz_bind(sqlite3_stmt *st, int c, struct fz_in *in)
{
	unsigned type = fz_byte(in) % 5, len;

	switch (type) {
	case 0:
		sqlite3_bind_int64(st, c, fz_int(in));
		break;
	case 1:
	case 2:
		len = fz_byte(in);
		len = len < in->n ? len : (unsigned)in->n;
		if (type == 1)
			sqlite3_bind_text(st, c, (const char *)in->p, (int)len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_blob(st, c, in->p, (int)len, SQLITE_TRANSIENT);
		in->p += len;
		in->n -= len;
		break;
	case 3:
		sqlite3_bind_null(st, c);
		break;
	default:
		sqlite3_bind_double(st, c, (double)fz_int(in) / 7.0);
	}
}

static int
fz_check(struct job *j, void *arg)
{
	struct job_row r;
	char why[256];

	/* a finished row comes back packed: unpacked, it must still be valid */
	job_row_of(j, &r);
	if (jobrow_valid(&r, why, sizeof(why)) < 0 || r.po.params.ndisks > JOB_MAX_DISKS) {
		fprintf(stderr, "loader served an invalid row %u: %s\n", j->handle, why);
		abort();
	}
	job_free(j);
	return 0;
}

static void
fz_clean(void)
{
	static const char *const files[] = {"jobs.db", "jobs.db-wal", "jobs.db-shm", "jobs.floor"};
	char path[160];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
}

/* The fuzzer's directory goes when it exits. */
static void
fz_rmdir(void)
{
	fz_clean();
	rmdir(dir);
}

static void
quiet(int prio, const char *token, const char *msg)
{
}

static const char fz_v1[] =
    "CREATE TABLE jobs (handle INTEGER PRIMARY KEY, status INTEGER, percent INTEGER,"
    " result INTEGER, hresult INTEGER, error_name TEXT, error_message TEXT, details TEXT,"
    " owner TEXT, keep INTEGER, control INTEGER, cancel_state INTEGER, notify INTEGER,"
    " provider TEXT, create_ms INTEGER, start_ms INTEGER, end_ms INTEGER, update_ms INTEGER,"
    " layout INTEGER, params BLOB, outputs BLOB);"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER);";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size};
	int v1 = fz_byte(&in) & 1, ncols = v1 ? 21 : jobrow_ncols();
	char sql[4096];
	sqlite3 *db;
	sqlite3_stmt *st = NULL;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "%s/vdsd-fuzz-jobstore.XXXXXX",
		         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(fz_rmdir);
		snprintf(db_path, sizeof(db_path), "%s/jobs.db", dir);
		log_set_sink(quiet);
	}
	fz_clean();
	if (!v1) {
		if (jobstore_open(dir) < 0)
			abort();
		jobstore_close();
		/* no jobs.floor: the floor comes from the rows */
		snprintf(sql, sizeof(sql), "%s/jobs.floor", dir);
		unlink(sql);
	}
	if (sqlite3_open(db_path, &db) != SQLITE_OK)
		abort();
	if (v1)
		sqlite3_exec(db, fz_v1, NULL, NULL, NULL);
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO jobs VALUES (?");
	for (int c = 1; c < ncols; c++)
		strcat(sql, ",?");
	strcat(sql, ")");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		abort();
	for (int r = 0; r < 4 && in.n; r++) {
		for (int c = 1; c <= ncols; c++)
			fz_bind(st, c, &in);
		sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "INSERT OR REPLACE INTO meta VALUES ('handle_floor', 7)", NULL, NULL,
	             NULL);
	sqlite3_close(db);
	if (jobstore_open(dir) == 0) {
		jobstore_load(fz_check, NULL);
		if (jobstore_handle_floor() > JOB_HANDLE_MAX)
			abort();
		jobstore_close();
	}
	staterr_reset();
	return 0;
}
