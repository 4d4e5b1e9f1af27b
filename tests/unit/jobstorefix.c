/* SPDX-License-Identifier: ISC */
/*
 * jobstorefix.c - what the job store's unit tests share (jobstorefix.h):
 * a fresh state dir per test, rows built in memory, and SQL run on jobs.db
 * behind the store's back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <sqlite3.h>

#include "jobrow.h"
#include "jobstorefix.h"
#include "log.h"

char dir[64];
struct job *loaded[16];
size_t nloaded;
char heard[32][1024];
size_t nheard;

void
quiet(int prio, const char *token, const char *msg)
{
}

void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-jobstore.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	nloaded = 0;
}

void
teardown(void)
{
	char path[128];
	static const char *const files[] = {"jobs.db", "jobs.db-wal", "jobs.db-shm", "jobs.floor"};

	for (size_t i = 0; i < nloaded; i++)
		job_free(loaded[i]);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
collect(struct job *j, void *arg)
{
	if (nloaded == 16) {
		job_free(j);
		return -1;
	}
	loaded[nloaded++] = j;
	return 0;
}

struct job
row(uint32_t handle, enum job_status st)
{
	/* Rows built here are saved, never freed: their parameters need no heap either. */
	static struct job_run runs[256];
	static unsigned nruns;
	struct job j = {.handle = handle, .status = st, .percent = 42, .result = VDS_R_PENDING};

	j.run = &runs[nruns++ % 256];
	memset(j.run, 0, sizeof(*j.run));

	j.hresult = VDS_HR_OPERATION_PENDING;
	if (st == JOB_ST_SUCCEEDED) {
		j.result = VDS_R_OK;
		j.percent = 100;
	} else if (st == JOB_ST_FAILED)
		j.result = VDS_R_IO_ERROR;
	if (st >= JOB_ST_SUCCEEDED) {
		j.hresult = vds_result_hresult(j.result);
		j.end_ms = 1700000009000;
	}
	j.create_ms = 1700000000123;
	j.start_ms = st >= JOB_ST_RUNNING ? 1700000000456 : 0;
	j.control = JOB_CTL_NONE;
	j.cancel_state = JOB_CS_NONE;
	j.run->po.params.type = JOB_SHRINK_VOLUME;
	j.run->po.params.volume = 5;
	j.run->po.params.size = 1 << 20;
	/* Rows built here are saved, never freed: their text needs no heap. */
	static char owner[] = "ops", details[] = "shrinking file system";
	static struct job_texts texts[256];

	j.texts = &texts[(nruns - 1) % 256];
	memset(j.texts, 0, sizeof(*j.texts));
	j.texts->s[JT_OWNER] = owner;
	j.texts->s[JT_DETAILS] = details;
	snprintf(j.run->po.provider, sizeof(j.run->po.provider), "sim");
	return j;
}

/* jobrow_valid of a row built here. */
int
row_valid(const struct job *j, char *why, size_t len)
{
	struct job_row r;

	job_row_of(j, &r);
	return jobrow_valid(&r, why, len);
}

/* Run SQL on dir/jobs.db behind the store's back (damage, old layouts). */
void
raw_sql(const char *sql)
{
	char path[128];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/jobs.db", dir);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

long long
raw_count(const char *sql)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(path, sizeof(path), "%s/jobs.db", dir);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

long long
file_size(const char *name)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

void
unlink_in_dir(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

void
heard_sink(int prio, const char *token, const char *msg)
{
	if (nheard < sizeof(heard) / sizeof(heard[0]))
		snprintf(heard[nheard++], sizeof(heard[0]), "%s", msg);
}

/* The first line heard that holds s, from s on; "" when none does. */
const char *
heard_find(const char *s)
{
	for (size_t i = 0; i < nheard; i++)
		if (strstr(heard[i], s))
			return strstr(heard[i], s);
	return "";
}

/* The reason logged for job h ("FILE: job N: quarantined: WHY"), or "". */
const char *
heard_for(uint32_t h)
{
	char rec[32];
	const char *m;

	snprintf(rec, sizeof(rec), ": job %u: quarantined: ", h);
	m = heard_find(rec);
	return *m ? m + strlen(rec) : m;
}
