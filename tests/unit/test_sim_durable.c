/* SPDX-License-Identifier: ISC */
/*
 * test_sim_durable.c - a sim commit writes sim.state off the loop: with
 * the state writer held (wgate.h) the commit returns, the file is
 * unchanged and the job's ticket is pending; a failed write puts the sim
 * state and the model back to the file's content, from memory.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "durable.h"
#include "simfix.h"
#include "statewr.h"
#include "wgate.h"

struct sd_landing {
	int answered, rc;
};

static void
sd_landed(void *arg, int rc, const char *why)
{
	struct sd_landing *l = arg;

	(void)why;
	l->answered = 1;
	l->rc = rc;
}

static int
sd_file_has(const char *path, const char *text)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/*
 * A partition of 10 MiB on sim0 committed with the writer held; the
 * returned ticket is answered once released (loop of base), rc returned.
 */
static int
sd_commit_held(struct event_base *base, const char *path, int *seen_before)
{
	struct job_params p = {.type = JOB_CREATE_PARTITION, .size = 10 * MIB};
	struct job_outputs out = {0};
	struct sd_landing l = {0};
	struct durable_ticket t;
	char msg[256] = "";
	void *plan = NULL;
	enum vds_result r;
	time_t t0;

	p.disk = idx(INV_DISK, "sim:sim0");
	CU_ASSERT_EQUAL_FATAL(sim_provider.validate(sim, &p, msg, sizeof(msg)), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(sim_provider.prepare(sim, &p, &plan, msg, sizeof(msg)), VDS_R_OK);
	wgate_hold(dir);
	durable_ticket_begin();
	r = sim_provider.commit(sim, plan, VDS_R_OK, &out, msg, sizeof(msg));
	t = durable_ticket_end();
	sim_provider.free_plan(plan);
	CU_ASSERT_EQUAL_FATAL(r, VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.df);
	CU_ASSERT_EQUAL(durable_wait(t, sd_landed, &l), 0);
	CU_ASSERT_EQUAL(l.answered, 0);
	/* the model has it, the file not yet: nothing was written on this thread */
	CU_ASSERT_PTR_NOT_NULL(part_of("sim:sim0", 3));
	*seen_before = sd_file_has(path, "size=10485760");
	wgate_release();
	for (t0 = time(NULL); !l.answered && time(NULL) - t0 < 60;)
		event_base_loop(base, EVLOOP_ONCE);
	CU_ASSERT_FATAL(l.answered);
	return l.rc;
}

void
test_sim_commit_off_loop(void)
{
	struct event_base *base;
	char path[600], tmp[620];
	int before;

	up(0);
	base = event_base_new();
	CU_ASSERT_EQUAL_FATAL(durable_init(base), 0);
	snprintf(path, sizeof(path), "%s/sim.state", dir);
	CU_ASSERT_EQUAL_FATAL(part_of("sim:sim0", 3), NULL);
	CU_ASSERT_EQUAL(sd_commit_held(base, path, &before), 0);
	CU_ASSERT_EQUAL(before, 0);
	CU_ASSERT(sd_file_has(path, "size=10485760"));
	/* the next write fails: state and model back to the file's content */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	statewr_wait(); /* the writer makes path.tmp ahead (atomic_spare) after a write */
	unlink(tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0);
	CU_ASSERT_EQUAL(sd_commit_held(base, path, &before), -1);
	CU_ASSERT_PTR_NOT_NULL(part_of("sim:sim0", 3));
	CU_ASSERT_EQUAL(part_of("sim:sim0", 4), NULL);
	CU_ASSERT_EQUAL(rmdir(tmp), 0);
	/* and the one after lands */
	CU_ASSERT_EQUAL(sd_commit_held(base, path, &before), 0);
	CU_ASSERT_PTR_NOT_NULL(part_of("sim:sim0", 4));
	durable_fini();
	event_base_free(base);
	down();
}
