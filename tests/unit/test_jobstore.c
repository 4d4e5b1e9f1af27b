/* SPDX-License-Identifier: ISC */
/*
 * test_jobstore.c - job rows in sqlite: round trip, delete and the handle
 * floor, and rows left "running" by a dead vdsd coming back interrupted.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <sqlite3.h>
#include <event2/event.h>

#include "job.h"
#include "jobrow.h"
#include "jobstore.h"
#include "log.h"
#include "staterr.h"

static char dir[64];
static struct job *loaded[16];
static size_t nloaded;

static void
quiet(int prio, const char *token, const char *msg)
{
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-jobstore.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	nloaded = 0;
}

static void
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

static int
collect(struct job *j, void *arg)
{
	if (nloaded == 16) {
		job_free(j);
		return -1;
	}
	loaded[nloaded++] = j;
	return 0;
}

static struct job
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

	j.owner = owner;
	j.details = details;
	snprintf(j.run->po.provider, sizeof(j.run->po.provider), "sim");
	return j;
}

/* jobrow_valid of a row built here. */
static int
row_valid(const struct job *j, char *why, size_t len)
{
	struct job_row r;

	job_row_of(j, &r);
	return jobrow_valid(&r, why, len);
}

static void
test_round_trip(void)
{
	struct job a = row(7, JOB_ST_SUCCEEDED), b = row(3, JOB_ST_RUNNING);

	a.end_ms = 1700000009000;
	a.run->po.outputs.reclaimed = 123456789;
	snprintf(a.run->po.outputs.objid, sizeof(a.run->po.outputs.objid),
	         "00000000-0000-0000-0000-000000000001");
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	CU_ASSERT_EQUAL(jobstore_save(&b), 0);
	a.percent = 100;
	CU_ASSERT_EQUAL(jobstore_save(&a), 0); /* replace, not a second row */
	jobstore_close();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nloaded, 2);
	/* finished rows first, by end time; unfinished last */
	CU_ASSERT_EQUAL(loaded[0]->handle, 7);
	CU_ASSERT_EQUAL(loaded[0]->percent, 100);
	CU_ASSERT_EQUAL(loaded[0]->end_ms, 1700000009000);
	CU_ASSERT_EQUAL(job_outputs(loaded[0])->reclaimed, 123456789);
	CU_ASSERT_STRING_EQUAL(job_outputs(loaded[0])->objid, a.run->po.outputs.objid);
	CU_ASSERT_EQUAL(loaded[1]->handle, 3);
	CU_ASSERT_EQUAL(loaded[1]->status, JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(loaded[1]->hresult, VDS_HR_OPERATION_PENDING);
	CU_ASSERT_EQUAL(job_params(loaded[1])->volume, 5);
	CU_ASSERT_EQUAL(job_params(loaded[1])->size, 1 << 20);
	CU_ASSERT_STRING_EQUAL(job_text(loaded[1]->owner), "ops");
	CU_ASSERT_STRING_EQUAL(job_text(loaded[1]->details), "shrinking file system");
	CU_ASSERT_PTR_NOT_NULL_FATAL(loaded[1]->run); /* active: cold columns in full */
	CU_ASSERT_PTR_NULL(loaded[1]->run->plan);
	CU_ASSERT(jobstore_handle_floor() >= 7); /* jobs.floor reserves blocks */
	jobstore_close();
}

static void
test_delete_keeps_floor(void)
{
	struct job a = row(90, JOB_ST_FAILED);

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	CU_ASSERT_EQUAL(jobstore_delete(90), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL(nloaded, 0);
	CU_ASSERT(jobstore_handle_floor() >= 90);
	jobstore_close();
}

static long long
file_size(const char *name)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/*
 * The checkpoints taken off the loop reach jobs.db, and the WAL starts over
 * (cut to its limit) once they caught up: before, the checkpointing
 * connection had never read the file, did not know it was in WAL mode, and
 * every checkpoint did nothing (a 126 MB WAL after 10,000 jobs).  Waits on
 * the files with a deadline, not on a clock guess.
 */
static void
test_checkpoints_reach_the_file(void)
{
	struct job a;
	struct timespec pause = {0, 10 * 1000 * 1000};
	int i, caught_up = 0;

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 1; h <= 3000; h++) { /* one commit each: > 1000 WAL pages */
		a = row(h, JOB_ST_SUCCEEDED);
		CU_ASSERT_EQUAL_FATAL(jobstore_save(&a), 0);
	}
	for (i = 0; i < 6000 && file_size("jobs.db") <= 4096; i++)
		nanosleep(&pause, NULL);
	CU_ASSERT(file_size("jobs.db") > 4096);
	/* Once a checkpoint took every frame, the next commit starts the WAL over. */
	for (i = 0; i < 6000 && !caught_up; i++) {
		a = row(5000, JOB_ST_SUCCEEDED);
		CU_ASSERT_EQUAL_FATAL(jobstore_save(&a), 0);
		caught_up = file_size("jobs.db-wal") <= 8388608;
		nanosleep(&pause, NULL);
	}
	CU_ASSERT(caught_up);
	jobstore_close();
}

/* vdsd "died" with these rows on disk; the engine must account for each. */
static void
test_interrupted_on_restart(void)
{
	const struct prov_ops *const none[] = {NULL};
	struct job r = row(11, JOB_ST_RUNNING), q = row(12, JOB_ST_QUEUED);
	struct job c = row(13, JOB_ST_CREATED), d = row(14, JOB_ST_SUCCEEDED);
	struct event_base *base = event_base_new();
	struct vds_conf conf;
	struct job *j;

	d.end_ms = 1700000001000;
	d.keep_result = 1;
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(
	    jobstore_save(&r) | jobstore_save(&q) | jobstore_save(&c) | jobstore_save(&d), 0);
	jobstore_close();

	conf_defaults(&conf);
	job_engine_set_providers(none);
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	for (uint32_t h = 11; h <= 12; h++) {
		j = job_find(h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		CU_ASSERT_EQUAL(j->status, JOB_ST_FAILED);
		CU_ASSERT_EQUAL(j->result, VDS_R_INTERRUPTED);
		CU_ASSERT_EQUAL(j->hresult, vds_result_hresult(VDS_R_INTERRUPTED));
		CU_ASSERT_STRING_EQUAL(job_text(j->error_message),
		                       h == 11 ? "vdsd stopped while the job was running"
		                               : "vdsd stopped while the job was queued: it never "
		                                 "started");
		CU_ASSERT_EQUAL(j->percent, 42); /* as recorded: never less after a restart */
		CU_ASSERT_STRING_EQUAL(job_text(j->details), "");
		CU_ASSERT(j->end_ms > 1700000000456);
	}
	CU_ASSERT_EQUAL(job_find(13)->status, JOB_ST_CREATED);
	CU_ASSERT_EQUAL(job_find(14)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT(job_next_handle() > 14);
	job_engine_shutdown();

	/* the verdict was written back, not just shown */
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	for (size_t i = 0; i < nloaded; i++)
		if (loaded[i]->handle == 11 || loaded[i]->handle == 12)
			CU_ASSERT_EQUAL(loaded[i]->status, JOB_ST_FAILED);
	CU_ASSERT_EQUAL(nloaded, 4);
	jobstore_close();
	job_engine_set_providers(NULL);
	conf_free(&conf);
	event_base_free(base);
}

/* Run SQL on dir/jobs.db behind the store's back (damage, old layouts). */
static void
raw_sql(const char *sql)
{
	char path[128];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/jobs.db", dir);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long long
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

/* Each damaged value is caught on load: the row is kept aside, never served. */
static void
test_damaged_values_quarantined(void)
{
	static const char *const damage[] = {
	    "UPDATE jobs SET p_disks = '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17' WHERE handle = "
	    "21",
	    "UPDATE jobs SET percent = x'deadbeef' WHERE handle = 22",
	    "UPDATE jobs SET status = 77 WHERE handle = 23",
	    "UPDATE jobs SET owner = printf('%.5000c', 'x') WHERE handle = 24",
	    "UPDATE jobs SET p_volume = 4294967296 WHERE handle = 25",
	    "UPDATE jobs SET hresult = 5 WHERE handle = 26",
	    "UPDATE jobs SET o_objid = 'not-a-uuid' WHERE handle = 27",
	    "UPDATE jobs SET details = NULL WHERE handle = 28",
	    "UPDATE jobs SET p_disks = '1,0' WHERE handle = 29",
	};
	size_t n = sizeof(damage) / sizeof(damage[0]);
	struct job a;

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 20; h <= 21 + n; h++) {
		a = row(h, JOB_ST_SUCCEEDED);
		a.run->po.params.ndisks = 2;
		a.run->po.params.disks[0] = 4;
		a.run->po.params.disks[1] = 9;
		CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	}
	jobstore_close();
	for (size_t i = 0; i < n; i++)
		raw_sql(damage[i]);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL(nloaded, 2); /* 20 and 21 + n, the intact ones */
	for (size_t i = 0; i < nloaded; i++) {
		CU_ASSERT(loaded[i]->handle == 20 || loaded[i]->handle == 21 + n);
		CU_ASSERT_EQUAL(job_params(loaded[i])->ndisks, 2);
		CU_ASSERT_EQUAL(job_params(loaded[i])->disks[1], 9);
	}
	CU_ASSERT_EQUAL(staterr_count(), n);
	CU_ASSERT(jobstore_handle_floor() >= 21 + n);
	jobstore_close();
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM quarantine"), (long long)n);
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM jobs"), 2);
}

/* The lines logged while a test listens. */
static char heard[32][1024];
static size_t nheard;

static void
heard_sink(int prio, const char *token, const char *msg)
{
	if (nheard < sizeof(heard) / sizeof(heard[0]))
		snprintf(heard[nheard++], sizeof(heard[0]), "%s", msg);
}

/* The first line heard that holds s, from s on; "" when none does. */
static const char *
heard_find(const char *s)
{
	for (size_t i = 0; i < nheard; i++)
		if (strstr(heard[i], s))
			return strstr(heard[i], s);
	return "";
}

/* The reason logged for job h ("FILE: job N: quarantined: WHY"), or "". */
static const char *
heard_for(uint32_t h)
{
	char rec[32];
	const char *m;

	snprintf(rec, sizeof(rec), ": job %u: quarantined: ", h);
	m = heard_find(rec);
	return *m ? m + strlen(rec) : m;
}

/*
 * A quarantine reason names the column and the value it found there (a
 * reason read "owner: bad text0" once): an operator can find the damage.
 */
static void
test_reason_names_column_and_value(void)
{
	static const struct {
		const char *set, *col, *value;
	} damage[] = {
	    {"p_disks = '1,x,3'", "p_disks", "\"1,x,3\""},
	    {"p_disks = '4,0'", "p_disks", "\"4,0\""},
	    {"percent = x'deadbeef'", "percent", "blob of 4 bytes"},
	    {"status = 77", "status", "77"},
	    {"owner = 'bell' || char(7)", "owner", "\"bell\\x07\""},
	    {"owner = printf('%.300c', 'y')", "owner", "300 bytes"},
	    {"p_volume = 4294967296", "p_volume", "4294967296"},
	    {"hresult = 5", "hresult", "0x00000005"},
	    {"o_objid = 'not-a-uuid'", "o_objid", "\"not-a-uuid\""},
	    {"details = NULL", "details", "NULL"},
	    {"p_type = 'createPartition'", "p_type", "\"createPartition\""},
	    {"keep = 2.5", "keep", "real 2.5"},
	    {"end_ms = 0", "end_ms", "0 does not match status 4 (succeeded)"},
	};
	size_t n = sizeof(damage) / sizeof(damage[0]);
	char sql[256];

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 1; h <= n; h++) {
		struct job a = row(h, JOB_ST_SUCCEEDED);

		CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	}
	jobstore_close();
	for (size_t i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "UPDATE jobs SET %s WHERE handle = %zu", damage[i].set,
		         i + 1);
		raw_sql(sql);
	}
	nheard = 0;
	log_set_sink(heard_sink);
	CU_ASSERT_EQUAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	jobstore_close();
	log_set_sink(quiet);
	CU_ASSERT_EQUAL(nloaded, 0);
	for (size_t i = 0; i < n; i++) {
		const char *why = heard_for((uint32_t)i + 1);

		if (strncmp(why, damage[i].col, strlen(damage[i].col)) != 0 ||
		    !strstr(why, damage[i].value) || strstr(why, "%")) {
			printf("\n  %s: reason \"%s\" does not name %s and %s\n", damage[i].set,
			       why, damage[i].col, damage[i].value);
			CU_FAIL("the reason names the column and the value");
		}
	}
}

/* The same for rows checked in memory (v1 blobs decoded, fuzzers). */
static void
test_valid_reason_in_memory(void)
{
	struct job a = row(5, JOB_ST_RUNNING);
	char why[256], longer[JOB_OWNER_SIZE + 8], ctl[] = "tab\tok, escape \x1b not";

	/* Text columns are heap strings (job_text_set cuts them); these are not. */
	memset(longer, 'z', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	a.owner = longer; /* no NUL within JOB_OWNER_SIZE */
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "owner: ", 7) == 0 && strstr(why, "\"zzzz") &&
	          strstr(why, "not terminated"));
	a = row(5, JOB_ST_RUNNING);
	a.details = ctl;
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "details: ", 9) == 0 && strstr(why, "0x1b") &&
	          strstr(why, "tab\tok, escape"));
	a = row(5, JOB_ST_RUNNING);
	a.run->po.params.ndisks = 2;
	a.run->po.params.disks[0] = 3;
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "p_disks: ", 9) == 0 && strstr(why, "index 0 at position 2"));
	a = row(5, JOB_ST_RUNNING);
	a.result = VDS_R_OK;
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "result: 1 (", 11) == 0 && strstr(why, "status 3 (running)"));
}

/*
 * In a child running as nobody: jobstore_open refuses, and its one line
 * names dir/jobs.db, the unwritable path and errno's text, and the way out.
 */
static int
refused_as_nobody(const char *path)
{
	char db[128], want[256];
	const char *m;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 2;
	nheard = 0;
	log_set_sink(heard_sink);
	if (jobstore_open(dir) != -1)
		return 3;
	snprintf(db, sizeof(db), "%s/jobs.db: cannot be used: ", dir);
	snprintf(want, sizeof(want), "%s is not writable: Permission denied; to recover: make %s ",
	         path, dir);
	m = heard_find(db);
	if (!strstr(m, want) || !strstr(m, "chown or chmod")) {
		printf("\n  logged: %s\n  want:   %s... %s...chown or chmod\n", m, db, want);
		return 4;
	}
	return 0;
}

static int
in_child(int (*fn)(const char *), const char *arg)
{
	int st = -1, rc;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		rc = fn(arg);
		fflush(stdout);
		_exit(rc);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* A stateDir or a jobs.db vdsd may not write: the message names the path. */
static void
test_unwritable_named(void)
{
	char db[128];
	FILE *f;

	if (geteuid() != 0) {
		printf("(not root: cannot test as another user) ");
		return;
	}
	/* the directory: mkdtemp made it 0700 for root */
	CU_ASSERT_EQUAL(in_child(refused_as_nobody, dir), 0);
	/* jobs.db root's, 0644, in a directory nobody may write */
	snprintf(db, sizeof(db), "%s/jobs.db", dir);
	f = fopen(db, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(chown(dir, 65534, 65534), 0);
	CU_ASSERT_EQUAL(in_child(refused_as_nobody, db), 0);
}

/*
 * The structs schema 1 stored as blobs, as that vdsd compiled them (x86-64
 * and every other LP64 ABI): a fixture of the old file format, frozen.
 */
struct v1_params {
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
struct v1_outputs {
	uint64_t offset;
	uint32_t partition, volume;
	uint64_t reclaimed;
	uint32_t vdisk;
	char objid[37];
};

/* A schema 1 file: struct blobs tagged by their sizes. */
static void
test_migrate_v1(void)
{
	struct v1_params p = {.type = JOB_CREATE_VOLUME, .size = 8 << 20, .ndisks = 2};
	struct v1_outputs o = {.volume = 3};
	long long layout = (long long)(sizeof(p) << 16 | sizeof(o));
	char sql[8192], *hp, *ho;
	size_t off = 0;

	p.disks[0] = 1, p.disks[1] = 2;
	p.volume_type = INV_VT_MIRROR;
	hp = calloc(1, 2 * sizeof(p) + 1);
	ho = calloc(1, 2 * sizeof(o) + 1);
	for (size_t i = 0; i < sizeof(p); i++)
		off += (size_t)sprintf(hp + off, "%02x", ((unsigned char *)&p)[i]);
	off = 0;
	for (size_t i = 0; i < sizeof(o); i++)
		off += (size_t)sprintf(ho + off, "%02x", ((unsigned char *)&o)[i]);
	snprintf(sql, sizeof(sql),
	         "CREATE TABLE jobs (handle INTEGER PRIMARY KEY, status INTEGER, percent INTEGER,"
	         " result INTEGER, hresult INTEGER, error_name TEXT, error_message TEXT, details"
	         " TEXT, owner TEXT, keep INTEGER, control INTEGER, cancel_state INTEGER, notify"
	         " INTEGER, provider TEXT, create_ms INTEGER, start_ms INTEGER, end_ms INTEGER,"
	         " update_ms INTEGER, layout INTEGER, params BLOB, outputs BLOB);"
	         "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER);"
	         "INSERT INTO meta VALUES ('handle_floor', 40);"
	         "INSERT INTO jobs VALUES (31, 4, 100, 1, 0, '', '', '', 'ops', 0, 1, 1, 0, 'sim',"
	         " 1700000000000, 1700000000001, 1700000000002, 1700000000002, %lld, x'%s', x'%s');"
	         "INSERT INTO jobs VALUES (32, 1, 0, 2, 2147755017, '', '', '', '', 0, 1, 1, 0, '',"
	         " 1700000000000, 0, 0, 1700000000000, %lld, x'%s', x'%s');"
	         "INSERT INTO jobs VALUES (33, 4, 100, 1, 0, '', '', '', '', 0, 1, 1, 0, '',"
	         " 1700000000000, 1, 1700000000002, 1, %lld, x'00', x'%s');"
	         "INSERT INTO jobs VALUES (34, 99, 100, 1, 0, '', '', '', '', 0, 1, 1, 0, '',"
	         " 1700000000000, 1, 1700000000002, 1, %lld, x'%s', x'%s');",
	         layout, hp, ho, layout, hp, ho, layout, ho, layout, hp, ho);
	/* job 32: ndisks 1000 in its blob */
	raw_sql(sql);
	raw_sql("UPDATE jobs SET params = substr(params, 1, 156) || x'e8030000' ||"
	        " substr(params, 161) WHERE handle = 32");
	free(hp);
	free(ho);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nloaded, 3); /* 34 (status 99) quarantined whole */
	for (size_t i = 0; i < nloaded; i++) {
		const struct job *j = loaded[i];

		if (j->handle == 31) {
			CU_ASSERT_EQUAL(j->params_unknown, 0);
			CU_ASSERT_EQUAL(job_params(j)->type, JOB_CREATE_VOLUME);
			CU_ASSERT_EQUAL(job_params(j)->ndisks, 2);
			CU_ASSERT_EQUAL(job_params(j)->disks[1], 2);
			CU_ASSERT_EQUAL(job_outputs(j)->volume, 3);
			CU_ASSERT_STRING_EQUAL(job_text(j->owner), "ops");
		} else {
			CU_ASSERT(j->handle == 32 || j->handle == 33);
			CU_ASSERT_EQUAL(j->params_unknown, 1);
			CU_ASSERT_EQUAL(job_params(j)->ndisks, 0);
		}
	}
	CU_ASSERT_EQUAL(staterr_count(), 3);
	CU_ASSERT_EQUAL(jobstore_handle_floor(), 40);
	jobstore_close();
	CU_ASSERT_EQUAL(raw_count("PRAGMA user_version"), 3);
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM quarantine WHERE handle = 34"), 1);
}

/*
 * A schema 2 file (the columns before format, clean, recoverPack, ...):
 * its rows keep every value, the new columns read "not set", and the file
 * is schema 3 afterwards.
 */
static void
test_migrate_v2(void)
{
	static const char *const added[] = {
	    "p_fs_type",     "p_alloc_unit",   "p_force", "p_full_clean", "p_allow_data_loss",
	    "p_merge_depth", "p_parity_count", "o_plex",  "o_recovered",  "o_lost"};
	struct job a = row(9, JOB_ST_SUCCEEDED);
	char sql[128];

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	jobstore_close();
	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE jobs DROP COLUMN %s", added[i]);
		raw_sql(sql);
	}
	raw_sql("PRAGMA user_version = 2");
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM pragma_table_info('jobs')"),
	                jobrow_ncols() - 10);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nloaded, 1);
	CU_ASSERT_EQUAL(loaded[0]->handle, 9);
	CU_ASSERT_EQUAL(job_params(loaded[0])->type, JOB_SHRINK_VOLUME);
	CU_ASSERT_EQUAL(job_params(loaded[0])->volume, 5);
	CU_ASSERT_STRING_EQUAL(job_params(loaded[0])->fs_type, "");
	CU_ASSERT_EQUAL(job_outputs(loaded[0])->plex, 0);
	CU_ASSERT_EQUAL(staterr_count(), 0);
	/* the new columns are stored from now on */
	a = row(10, JOB_ST_SUCCEEDED);
	a.run->po.params.type = JOB_FORMAT;
	snprintf(a.run->po.params.fs_type, sizeof(a.run->po.params.fs_type), "xfs");
	a.run->po.params.force = 1;
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	jobstore_close();
	CU_ASSERT_EQUAL(raw_count("PRAGMA user_version"), 3);
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM pragma_table_info('jobs')"),
	                jobrow_ncols());
	CU_ASSERT_EQUAL(raw_count("SELECT p_force FROM jobs WHERE handle = 10 AND"
	                          " p_fs_type = 'xfs'"),
	                1);
}

static void
unlink_in_dir(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* Losing jobs.db reuses no handle: jobs.floor remembers; a bad jobs.floor is rebuilt. */
static void
test_floor_survives_losing_jobs_db(void)
{
	struct job a = row(50, JOB_ST_CREATED);
	char path[128];
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_handle_floor(), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	jobstore_close();
	unlink_in_dir("jobs.db");
	unlink_in_dir("jobs.db-wal");
	unlink_in_dir("jobs.db-shm");
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT(jobstore_handle_floor() >= 50);
	jobstore_close();

	/* damaged jobs.floor: quarantined, rebuilt from jobs.db */
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	a.handle = 70;
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	jobstore_close();
	snprintf(path, sizeof(path), "%s/jobs.floor", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("reserved 99999999999\n", f);
	fclose(f);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT(jobstore_handle_floor() >= 70);
	CU_ASSERT_EQUAL(staterr_count(), 1);
	jobstore_close();
}

/* A file that is not a database is refused as a whole, never overwritten. */
static void
test_not_a_database(void)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/jobs.db", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < 4096; i++)
		fputc(i * 7 + 3, f);
	fclose(f);
	CU_ASSERT_EQUAL(jobstore_open(dir), -1);
	CU_ASSERT_EQUAL(jobstore_save(&(struct job){.handle = 1}), -1);
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	log_set_sink(quiet);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite_with_setup_and_teardown("jobstore", NULL, NULL, setup, teardown);
	CU_add_test(s, "round trip", test_round_trip);
	CU_add_test(s, "delete keeps the handle floor", test_delete_keeps_floor);
	CU_add_test(s, "checkpoints reach the file", test_checkpoints_reach_the_file);
	CU_add_test(s, "interrupted on restart", test_interrupted_on_restart);
	CU_add_test(s, "damaged values quarantined", test_damaged_values_quarantined);
	CU_add_test(s, "reason names the column and the value", test_reason_names_column_and_value);
	CU_add_test(s, "reason of a row checked in memory", test_valid_reason_in_memory);
	CU_add_test(s, "schema 1 migrated", test_migrate_v1);
	CU_add_test(s, "schema 2 migrated", test_migrate_v2);
	CU_add_test(s, "not a database", test_not_a_database);
	CU_add_test(s, "unwritable stateDir or jobs.db named", test_unwritable_named);
	CU_add_test(s, "floor survives losing jobs.db", test_floor_survives_losing_jobs_db);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
