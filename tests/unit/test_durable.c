/* SPDX-License-Identifier: ISC */
/*
 * test_durable.c - jobs whose commit hands a state file to the writer
 * thread (durable.h): the job engine on a real event_base and the real
 * state writer, held on a gate (wgate.h) to see what the loop does before
 * the write lands.  The provider here is the edge: its commit() writes
 * "<handle>\n" lines through durable_write().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <event2/event.h>

#include "curun.h"
#include "durable.h"
#include "job.h"
#include "jobrow.h"
#include "log.h"
#include "staterr.h"
#include "statewr.h"
#include "wgate.h"

static struct event_base *base;
static struct vds_conf conf;
static char dir[64], path[128];
static struct durable_file *df;
static char content[4096];
static int commits, landed_ok, landed_failed;
static uint32_t done_order[8], commit_order[8];
static unsigned ndone;

/* ------------------------------------------------------- the provider */

static int
dp_claims(void *state, const struct job_params *p)
{
	return 1;
}

static enum vds_result
dp_validate(void *state, const struct job_params *p, char *why, size_t len)
{
	return VDS_R_OK;
}

static enum vds_result
dp_prepare(void *state, const struct job_params *p, void **plan, char *msg, size_t len)
{
	uint32_t *h = malloc(sizeof(*h));

	*h = p->disk;
	*plan = h;
	return VDS_R_OK;
}

static enum vds_result
dp_run(void *state, void *plan, struct prov_job *j, struct job_outputs *out, char *msg, size_t len)
{
	out->partition = *(uint32_t *)plan;
	return VDS_R_OK;
}

/* The state is every committed disk number, one a line. */
static enum vds_result
dp_commit(void *state, void *plan, enum vds_result r, struct job_outputs *out, char *msg,
          size_t len)
{
	size_t n = strlen(content);

	snprintf(content + n, sizeof(content) - n, "%u\n", *(uint32_t *)plan);
	if (commits < 8)
		commit_order[commits] = *(uint32_t *)plan;
	commits++;
	return durable_write(df, strdup(content), strlen(content)) == 0 ? VDS_R_OK
	                                                                : VDS_R_NO_MEMORY;
}

static const struct prov_ops dp_ops = {
    .name = "dp",
    .claims = dp_claims,
    .validate = dp_validate,
    .prepare = dp_prepare,
    .run = dp_run,
    .commit = dp_commit,
    .free_plan = free,
};
static const struct prov_ops *const dp_list[] = {&dp_ops, NULL};

/* The owner's rollback: its state is the file's content again. */
static void
dp_landed(void *arg, int rc)
{
	const char *c;
	size_t len;

	if (rc == 0) {
		landed_ok++;
		return;
	}
	landed_failed++;
	c = durable_content(df, 1, &len);
	snprintf(content, sizeof(content), "%.*s", (int)len, c);
}

/* ----------------------------------------------------------- harness */

static void
obs_completed(const struct job *j, void *arg)
{
	if (ndone < 8)
		done_order[ndone] = j->handle;
	ndone++;
}

/* hold()/release() around each commit: what was done when each hold was released */
static unsigned nhold, nrelease, release_of[8], done_at_release[8];

static unsigned
obs_hold(void *arg)
{
	return ++nhold;
}

static void
obs_release(unsigned held, void *arg)
{
	if (nrelease < 8) {
		release_of[nrelease] = held;
		done_at_release[nrelease] = ndone;
	}
	nrelease++;
}

static const struct job_observer obs = {
    .completed = obs_completed, .hold = obs_hold, .release = obs_release};

static void
quiet(int prio, const char *token, const char *msg)
{
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-durable.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dp.state", dir);
	conf_defaults(&conf);
	conf.job_max_running = 4;
	base = event_base_new();
	content[0] = '\0';
	commits = landed_ok = landed_failed = 0;
	ndone = nhold = nrelease = 0;
	job_engine_set_providers(dp_list);
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	job_set_observer(&obs);
	df = durable_open(path, "", 0, 0, dp_landed, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(df);
}

static void
teardown(void)
{
	char cmd[128];

	job_engine_shutdown();
	durable_close(df);
	event_base_free(base);
	conf_free(&conf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Run the loop until pred(h) holds; 0 after 60 s. */
static int
loop_until(int (*pred)(uint32_t), uint32_t h)
{
	time_t t0 = time(NULL);

	while (!pred(h)) {
		if (time(NULL) - t0 > 60)
			return 0;
		event_base_loop(base, EVLOOP_ONCE);
	}
	return 1;
}

static int
is_finished(uint32_t h)
{
	struct job *j = job_find(h);

	return j && job_is_finished(j);
}

static int
committed(uint32_t n)
{
	return commits >= (int)n;
}

static char *
on_disk(char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static struct job *
start(uint32_t handle)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .disk = handle, .size = 1};

	return job_create(handle, &p, "", 1, 0, 1);
}

/* ------------------------------------------------------------- tests */

/*
 * The commit returned, the writer is held: the job is still running, not
 * announced, the file unchanged; once the write landed, it succeeded.
 */
static void
test_finished_only_when_written(void)
{
	char buf[256];
	struct job *j;

	wgate_hold(dir);
	j = start(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_FATAL(loop_until(committed, 1));
	for (int i = 0; i < 20; i++) /* any turn the loop could take */
		event_base_loop(base, EVLOOP_NONBLOCK);
	CU_ASSERT_EQUAL(j->status, JOB_ST_RUNNING);
	CU_ASSERT_EQUAL(j->hresult, VDS_HR_OPERATION_PENDING);
	CU_ASSERT_EQUAL(ndone, 0);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "");
	/* what the commit changed is not announced either */
	CU_ASSERT_EQUAL(nhold, 1);
	CU_ASSERT_EQUAL(nrelease, 0);
	/* too late to cancel a change that is being recorded */
	CU_ASSERT_EQUAL(job_cancel(1), JOB_CANCEL_TOO_LATE);
	wgate_release();
	CU_ASSERT_FATAL(loop_until(is_finished, 1));
	CU_ASSERT_EQUAL(j->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL(job_outputs(j)->partition, 1);
	CU_ASSERT_EQUAL(ndone, 1);
	CU_ASSERT_EQUAL(landed_ok, 1);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n");
	/* released once written, after the job's own announcement */
	CU_ASSERT_EQUAL_FATAL(nrelease, 1);
	CU_ASSERT_EQUAL(release_of[0], 1);
	CU_ASSERT_EQUAL(done_at_release[0], 1);
}

/*
 * Three commits while the writer is held: the later writes replace the
 * earlier (one carries them all), the jobs finish in commit order (the
 * order the workers reached their commits in, not the order they started).
 */
static void
test_coalesced_in_order(void)
{
	char buf[256];

	wgate_hold(dir);
	CU_ASSERT_FATAL(start(1) && start(2) && start(3));
	CU_ASSERT_FATAL(loop_until(committed, 3));
	CU_ASSERT_EQUAL(ndone, 0);
	wgate_release();
	CU_ASSERT_FATAL(loop_until(is_finished, 1) && loop_until(is_finished, 2) &&
	                loop_until(is_finished, 3));
	CU_ASSERT_EQUAL(job_find(1)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL(job_find(2)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL(job_find(3)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_EQUAL_FATAL(ndone, 3);
	CU_ASSERT_EQUAL(landed_ok, 1); /* one write for the three */
	CU_ASSERT(memcmp(done_order, commit_order, 3 * sizeof(done_order[0])) == 0);
	on_disk(buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "3\n"));
}

/*
 * The write fails (its temporary file cannot be created): the job fails
 * with ioError naming the file, vdsStateLastProblem says so, the owner
 * rolled back; the next write, once the cause is gone, lands.
 */
static void
test_failed_write_fails_job(void)
{
	char tmp[160], buf[256], last[512];
	struct job *j;

	CU_ASSERT_FATAL(start(1) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 1));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	statewr_wait(); /* the writer makes path.tmp ahead (atomic_spare) after a write */
	unlink(tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0); /* open(O_WRONLY) of it fails, root too */
	wgate_hold(dir);
	CU_ASSERT_FATAL((j = start(2)) != NULL);
	CU_ASSERT_FATAL(start(3) != NULL);
	CU_ASSERT_FATAL(loop_until(committed, 3));
	wgate_release();
	CU_ASSERT_FATAL(loop_until(is_finished, 2) && loop_until(is_finished, 3));
	CU_ASSERT_EQUAL(j->status, JOB_ST_FAILED);
	CU_ASSERT_EQUAL(j->result, VDS_R_IO_ERROR);
	CU_ASSERT_EQUAL(j->hresult, vds_result_hresult(VDS_R_IO_ERROR));
	CU_ASSERT_EQUAL(job_outputs(j)->partition, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(job_text(j, JT_ERROR_MESSAGE), path));
	CU_ASSERT_EQUAL(job_find(3)->result, VDS_R_IO_ERROR);
	CU_ASSERT(staterr_last(last, sizeof(last)) != 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(last, path));
	CU_ASSERT_EQUAL(landed_failed, 1);
	CU_ASSERT_EQUAL(nrelease, 3); /* a failed write releases its holds too */
	CU_ASSERT_EQUAL(nhold, 3);
	CU_ASSERT_STRING_EQUAL(content, "1\n"); /* rolled back to the file */
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n");
	CU_ASSERT_EQUAL_FATAL(rmdir(tmp), 0);
	CU_ASSERT_FATAL(start(4) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 4));
	CU_ASSERT_EQUAL(job_find(4)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n4\n");
}

/* A slow write of another file (index.map) does not hold up the job's. */
static void
test_other_file_does_not_wait(void)
{
	char buf[256];

	wgate_hold_n(dir, 1);
	CU_ASSERT_FATAL(start(1) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 1));
	CU_ASSERT_EQUAL(job_find(1)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n");
	wgate_release();
}

/* Stopping vdsd with a write in flight: it lands and the job finishes. */
static void
test_shutdown_lands(void)
{
	char buf[256];

	wgate_hold(dir);
	CU_ASSERT_FATAL(start(1) != NULL);
	CU_ASSERT_FATAL(loop_until(committed, 1));
	wgate_release();
	job_engine_shutdown(); /* finishes job 1 once written: the row says so */
	CU_ASSERT_EQUAL(ndone, 1);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n");
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(job_find(1));
	CU_ASSERT_EQUAL(job_find(1)->status, JOB_ST_SUCCEEDED);
}

/* path.prev's content, "-" when there is none. */
static char *
prev_on_disk(char *buf, size_t len)
{
	char prev[160];
	FILE *f;
	size_t n;

	snprintf(prev, sizeof(prev), "%s.prev", path);
	if (!(f = fopen(prev, "r"))) {
		snprintf(buf, len, "-");
		return buf;
	}
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * The promise (durable.h): a job finishes once its content is in place in
 * the kernel (a SIGKILL of vdsd loses nothing), without waiting for an
 * fsync; path.prev, the generation a loader restores after a power loss,
 * is only ever a content that was synced.  The syncer is held off (an
 * hour) so that nothing is synced behind the test's back.
 */
static void
test_finished_before_synced(void)
{
	char buf[256];

	statewr_set_sync_ms(3600 * 1000);
	CU_ASSERT_FATAL(start(1) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 1));
	CU_ASSERT_EQUAL(job_find(1)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n");
	CU_ASSERT_FATAL(start(2) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 2));
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n2\n");
	/* "1" was never synced: it did not become the previous generation */
	CU_ASSERT_STRING_EQUAL(prev_on_disk(buf, sizeof(buf)), "-");
	CU_ASSERT_EQUAL(statewr_sync(), 0);
	CU_ASSERT_FATAL(start(3) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 3));
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n2\n3\n");
	CU_ASSERT_STRING_EQUAL(prev_on_disk(buf, sizeof(buf)), "1\n2\n"); /* synced */
	statewr_set_sync_ms(100);
}

/*
 * Left alone, the syncer syncs a burst by itself: two jobs write, the
 * syncer (on its own 100 ms clock, nothing makes it due) syncs the second
 * content; the next job finds that content and keeps it as path.prev.
 */
static void
test_syncer_syncs_alone(void)
{
	char buf[256];

	CU_ASSERT_FATAL(start(1) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 1));
	CU_ASSERT_FATAL(start(2) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 2));
	CU_ASSERT_EQUAL(statewr_synced(), 0);
	CU_ASSERT_FATAL(start(3) != NULL);
	CU_ASSERT_FATAL(loop_until(is_finished, 3));
	CU_ASSERT_EQUAL(job_find(3)->status, JOB_ST_SUCCEEDED);
	CU_ASSERT_STRING_EQUAL(on_disk(buf, sizeof(buf)), "1\n2\n3\n");
	CU_ASSERT_STRING_EQUAL(prev_on_disk(buf, sizeof(buf)), "1\n2\n");
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"finished only when written", test_finished_only_when_written},
	    {"writes coalesced, jobs in order", test_coalesced_in_order},
	    {"a failed write fails the job", test_failed_write_fails_job},
	    {"another file's write does not hold it up", test_other_file_does_not_wait},
	    {"shutdown lets the write land", test_shutdown_lands},
	    {"finished before the fsync; .prev only synced", test_finished_before_synced},
	    {"the syncer syncs a burst by itself", test_syncer_syncs_alone},
	};
	log_set_sink(quiet);
	return cu_run("durable", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
