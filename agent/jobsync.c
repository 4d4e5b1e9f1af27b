/* SPDX-License-Identifier: ISC */
/*
 * jobsync.c - checkpoints and the handle floor file, off the loop thread.
 *
 * jobs.db runs in WAL mode with synchronous=NORMAL and no automatic
 * checkpoint on the loop's connection: a commit there is a write into the
 * WAL, never an fsync.  This thread, on a connection of its own, runs the
 * passive checkpoints (which fsync) when the store asks for one.
 *
 * jobs.floor holds one line, "reserved N": every handle up to N may have
 * been handed out.  It is written crash-safely (atomicfile.c) JF_BLOCK
 * handles ahead of the highest handle stored, by this thread when the
 * handles in use come within JF_BLOCK / 2 of it, so the loop never waits
 * for it.  At start the floor is the larger of jobs.db's and the file's;
 * a missing or damaged file is rebuilt from jobs.db, and a jobs.db that
 * knows more than a block fewer handles than the file is reported (rows
 * were lost; within one block, a lost jobs.db and one that never had a
 * job look alike: no handle is reused either way).  Limit:
 * a manager that picks a handle beyond the reservation is covered by
 * jobs.db at once and by the file a few milliseconds later.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "atomicfile.h"
#include "bgthread.h"
#include "clockms.h"
#include "job.h"
#include "jobsync.h"
#include "log.h"
#include "staterr.h"

#define JF_BLOCK 1024

static struct {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int up, stop, want_ckpt;
	int wal_pages;                    /* after the last commit */
	int64_t last_commit_ms;           /* CLOCK_MONOTONIC */
	int open_failed;                  /* said once, until an open succeeds */
	uint32_t want_reserved, reserved; /* asked for; on disk */
	char db[4096], floor[4096];
} jy = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static int
jy_fill(FILE *f, void *arg)
{
	return fprintf(f, "reserved %u\n", *(uint32_t *)arg) < 0 ? -1 : 0;
}

static int
jy_write(uint32_t reserved)
{
	if (atomic_write(jy.floor, jy_fill, &reserved) < 0) {
		log_warn("jobstore", "%s: cannot record the handle floor %u", jy.floor, reserved);
		return -1;
	}
	return 0;
}

/*
 * The checkpointing connection.  It reads the schema once: a connection
 * that has never read the file does not know it is in WAL mode, and its
 * checkpoints silently do nothing (the WAL then grew without end: 126 MB
 * for 10,000 jobs, and no commit ever reached jobs.db itself).  *db is
 * NULL when it fails.
 */
static int
jy_open(sqlite3 **db)
{
	if (sqlite3_open_v2(jy.db, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(*db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK) {
		if (!jy.open_failed)
			log_warnx("jobstore", "%s: cannot open it to checkpoint: %s", jy.db,
			          *db ? sqlite3_errmsg(*db) : "out of memory");
		jy.open_failed = 1;
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	jy.open_failed = 0;
	return 0;
}

/* Called locked: a checkpoint is asked for and its time has come. */
static int
jy_ckpt_due(void)
{
	return jy.want_ckpt && (jy.wal_pages >= JOBSYNC_CKPT_HARD ||
	                        clock_mono_ms() - jy.last_commit_ms >= JOBSYNC_CKPT_IDLE_MS);
}

/* Called locked: wait for work; a checkpoint asked for waits for a pause of the commits. */
static void
jy_wait(void)
{
	struct timespec until;
	int64_t ms;

	if (!jy.want_ckpt) {
		pthread_cond_wait(&jy.cv, &jy.mu);
		return;
	}
	ms = jy.last_commit_ms + JOBSYNC_CKPT_IDLE_MS - clock_mono_ms();
	if (ms <= 0)
		return;
	clock_deadline_ms(&until, ms);
	pthread_cond_timedwait(&jy.cv, &jy.mu, &until);
}

static void *
jy_main(void *arg)
{
	sqlite3 *db = NULL;
	uint32_t want;
	int ckpt;

	bgthread_batch();
	pthread_mutex_lock(&jy.mu);
	for (;;) {
		while (!jy_ckpt_due() && jy.want_reserved <= jy.reserved && !jy.stop)
			jy_wait();
		if (jy.stop)
			break;
		ckpt = jy_ckpt_due();
		want = jy.want_reserved;
		if (ckpt)
			jy.want_ckpt = 0;
		pthread_mutex_unlock(&jy.mu);
		if (want > jy.reserved && jy_write(want) == 0) {
			pthread_mutex_lock(&jy.mu);
			jy.reserved = want;
			pthread_mutex_unlock(&jy.mu);
		}
		if (ckpt && !db)
			jy_open(&db);
		if (ckpt && db &&
		    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) !=
		        SQLITE_OK)
			log_warnx("jobstore", "%s: checkpoint: %s", jy.db, sqlite3_errmsg(db));
		pthread_mutex_lock(&jy.mu);
		if (want > jy.reserved)
			jy.want_reserved = 0; /* failed: retried at the next stored handle */
	}
	pthread_mutex_unlock(&jy.mu);
	sqlite3_close(db);
	return NULL;
}

int
jobsync_start(const char *state_dir, const char *db_path)
{
	snprintf(jy.db, sizeof(jy.db), "%s", db_path);
	snprintf(jy.floor, sizeof(jy.floor), "%s/jobs.floor", state_dir);
	jy.stop = jy.want_ckpt = 0;
	jy.want_reserved = jy.reserved = 0;
	jy.up = pthread_create(&jy.th, NULL, jy_main, NULL) == 0;
	return jy.up ? 0 : -1;
}

void
jobsync_stop(void)
{
	if (!jy.up)
		return;
	pthread_mutex_lock(&jy.mu);
	jy.stop = 1;
	pthread_cond_signal(&jy.cv);
	pthread_mutex_unlock(&jy.mu);
	pthread_join(jy.th, NULL);
	jy.up = 0;
}

void
jobsync_wal(int pages)
{
	int wake;

	if (!jy.up)
		return;
	pthread_mutex_lock(&jy.mu);
	/* the thread is woken when a checkpoint is first asked for, and at the hard limit */
	wake = (pages >= JOBSYNC_CKPT_PAGES && !jy.want_ckpt) ||
	       (pages >= JOBSYNC_CKPT_HARD && jy.wal_pages < JOBSYNC_CKPT_HARD);
	jy.wal_pages = pages;
	jy.last_commit_ms = clock_mono_ms();
	if (pages >= JOBSYNC_CKPT_PAGES)
		jy.want_ckpt = 1;
	if (wake)
		pthread_cond_signal(&jy.cv);
	pthread_mutex_unlock(&jy.mu);
}

/* The file's reservation: 0 and *ok = 0 when absent, damaged (reported) or unreadable. */
static uint32_t
jy_read(int *present)
{
	char line[64], extra[8];
	unsigned long long v;
	FILE *f = fopen(jy.floor, "r");
	int ok;

	*present = f != NULL || errno != ENOENT;
	if (!f)
		return 0;
	ok = fgets(line, sizeof(line), f) && sscanf(line, "reserved %llu %1s", &v, extra) == 1 &&
	     v <= JOB_HANDLE_MAX && strchr(line, '\n') && !fgets(extra, sizeof(extra), f);
	fclose(f);
	if (!ok) {
		staterr_quarantine(jy.floor, "line 1", "not \"reserved N\" with N a job handle");
		return 0;
	}
	return (uint32_t)v;
}

uint32_t
jobsync_floor(uint32_t db_floor)
{
	int present;
	uint32_t r = jy_read(&present), floor = db_floor > r ? db_floor : r;

	if (!r && db_floor)
		log_warnx("jobstore", "%s %s: rebuilt from jobs.db (handles up to %u)", jy.floor,
		          present ? "unusable" : "missing", db_floor);
	else if (r > db_floor + JF_BLOCK) /* more than one block of reservation ahead */
		log_warnx("jobstore",
		          "%s reserved handles up to %u but %s knows only up to %u: job"
		          " rows were lost; new handles start after %u",
		          jy.floor, r, jy.db, db_floor, floor);
	if (floor > JOB_HANDLE_MAX - JF_BLOCK)
		floor = JOB_HANDLE_MAX - JF_BLOCK;
	if (jy_write(floor + JF_BLOCK) == 0) {
		pthread_mutex_lock(&jy.mu);
		jy.reserved = floor + JF_BLOCK;
		pthread_mutex_unlock(&jy.mu);
	}
	return floor;
}

void
jobsync_note_handle(uint32_t handle)
{
	if (!jy.up)
		return;
	pthread_mutex_lock(&jy.mu);
	if (handle + JF_BLOCK / 2 > jy.want_reserved && handle + JF_BLOCK / 2 > jy.reserved) {
		jy.want_reserved =
		    handle > JOB_HANDLE_MAX - JF_BLOCK ? JOB_HANDLE_MAX : handle + JF_BLOCK;
		pthread_cond_signal(&jy.cv);
	}
	pthread_mutex_unlock(&jy.mu);
}
