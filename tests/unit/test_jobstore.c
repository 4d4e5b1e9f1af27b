/* SPDX-License-Identifier: ISC */
/*
 * test_jobstore.c - job rows in sqlite: round trip, delete and the handle
 * floor (also when jobs.db is lost), checkpoints off the loop, rows left
 * "running" by a dead vdsd coming back interrupted, and a file that cannot
 * be used at all refused by name.  Damaged rows and old schemas are
 * test_jobstore_damage.c's.
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
#include <event2/event.h>
#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "jobstore.h"
#include "jobsync.h"
#include "jobstorefix.h"
#include "log.h"
#include "staterr.h"

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
	CU_ASSERT_STRING_EQUAL(job_text(loaded[1], JT_OWNER), "ops");
	CU_ASSERT_STRING_EQUAL(job_text(loaded[1], JT_DETAILS), "shrinking file system");
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
	struct timespec idle = {0, (JOBSYNC_CKPT_IDLE_MS + 50) * 1000 * 1000};
	int i, caught_up = 0;

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 1; h <= 3000; h++) { /* one commit each: > 1000 WAL pages */
		a = row(h, JOB_ST_SUCCEEDED);
		CU_ASSERT_EQUAL_FATAL(jobstore_save(&a), 0);
	}
	/* the commits paused: the checkpoint is taken */
	for (i = 0; i < 6000 && file_size("jobs.db") <= 4096; i++)
		nanosleep(&pause, NULL);
	CU_ASSERT(file_size("jobs.db") > 4096);
	/* Once a checkpoint took every frame, the next commit starts the WAL over. */
	for (i = 0; i < 200 && !caught_up; i++) {
		a = row(5000, JOB_ST_SUCCEEDED);
		CU_ASSERT_EQUAL_FATAL(jobstore_save(&a), 0);
		caught_up = file_size("jobs.db-wal") <= 8388608;
		nanosleep(&idle, NULL); /* a pause: a checkpoint left behind is taken */
	}
	CU_ASSERT(caught_up);
	jobstore_close();
}

/*
 * Under a steady load (a commit every 10 ms, never a pause of
 * JOBSYNC_CKPT_IDLE_MS) the checkpoint is taken anyway past
 * JOBSYNC_CKPT_HARD pages: the WAL stays bounded.
 */
static void
test_checkpoint_under_steady_load(void)
{
	struct job a;
	struct timespec pause = {0, 10 * 1000 * 1000};
	int i;

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 1; h <= JOBSYNC_CKPT_HARD + 100; h++) {
		a = row(h, JOB_ST_SUCCEEDED);
		CU_ASSERT_EQUAL_FATAL(jobstore_save(&a), 0);
	}
	for (i = 0; i < 6000 && file_size("jobs.db") <= 4096; i++) {
		a = row(1, JOB_ST_SUCCEEDED);
		CU_ASSERT_EQUAL_FATAL(jobstore_save(&a), 0);
		nanosleep(&pause, NULL);
	}
	CU_ASSERT(file_size("jobs.db") > 4096);
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
		CU_ASSERT_STRING_EQUAL(job_text(j, JT_ERROR_MESSAGE),
		                       h == 11 ? "vdsd stopped while the job was running"
		                               : "vdsd stopped while the job was queued: it never "
		                                 "started");
		CU_ASSERT_EQUAL(j->percent, 42); /* as recorded: never less after a restart */
		CU_ASSERT_STRING_EQUAL(job_text(j, JT_DETAILS), "");
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
	static const struct cu_test tests[] = {
	    {"round trip", test_round_trip},
	    {"delete keeps the handle floor", test_delete_keeps_floor},
	    {"checkpoints reach the file", test_checkpoints_reach_the_file},
	    {"checkpoint under a steady load", test_checkpoint_under_steady_load},
	    {"interrupted on restart", test_interrupted_on_restart},
	    {"not a database", test_not_a_database},
	    {"unwritable stateDir or jobs.db named", test_unwritable_named},
	    {"floor survives losing jobs.db", test_floor_survives_losing_jobs_db},
	};

	log_set_sink(quiet);
	return cu_run("jobstore", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
