/* SPDX-License-Identifier: ISC */
/*
 * bench_basic.c - drive the basic provider in-process (validate, prepare,
 * run on the real worker pool, commit) on an image file, for bench/basic.sh.
 *
 *   bench_basic create N IMG      N createPartition jobs of 1 MiB, first fit
 *   bench_basic shrink BYTES IMG  shrinkVolume of partition 1's volume
 *
 * Prints "seconds=S" (wall clock of the jobs alone).
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/basic.h"
#include "images.h"
#include "log.h"
#include "model.h"
#include "worker.h"

struct bb_ctx {
	int done;
	enum vds_result r;
	char msg[256];
};

static void
bb_progress(uint32_t h, unsigned pc, const char *details, void *arg)
{
	(void)h, (void)pc, (void)details, (void)arg;
}

static void
bb_done(uint32_t h, enum vds_result r, struct job_outputs *out, const char *msg, void *arg)
{
	struct bb_ctx *c = arg;

	(void)h, (void)out;
	c->r = r;
	snprintf(c->msg, sizeof(c->msg), "%s", msg ? msg : "");
	c->done = 1;
}

static enum vds_result
bb_job(struct event_base *base, void *st, const struct job_params *p, char *msg, size_t len)
{
	struct bb_ctx c = {0};
	struct job_outputs out = {0};
	void *plan = NULL;
	enum vds_result r = basic_provider.validate(st, p, msg, len);

	if (r == VDS_R_OK)
		r = basic_provider.prepare(st, p, &plan, msg, len);
	if (r != VDS_R_OK)
		return r;
	{
		const struct worker_ops ops = {bb_progress, bb_done, &c};

		worker_init(base, 1, &ops);
		worker_submit(1, &basic_provider, st, plan);
		while (!c.done)
			event_base_loop(base, EVLOOP_ONCE);
		worker_shutdown();
	}
	snprintf(msg, len, "%s", c.msg);
	r = basic_provider.commit(st, plan, c.r, &out, msg, len);
	basic_provider.free_plan(plan);
	return r;
}

static double
bb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct vds_conf conf;
	struct event_base *base = event_base_new();
	char dir[] = "/tmp/vdsd-bench-basic.XXXXXX", key[300], msg[256];
	struct job_params p = {0};
	void *st = NULL;
	unsigned long long n;
	double t0;

	if (argc != 4 || !mkdtemp(dir))
		return 2;
	n = strtoull(argv[2], NULL, 10);
	conf_defaults(&conf);
	free(conf.state_dir);
	conf.state_dir = strdup(dir);
	strlist_add(&conf.allow, argv[3]);
	strlist_add(&conf.image_disks, argv[3]);
	if (inv_init(dir) < 0 || images_sync(&conf) != 0 || basic_provider.init(&conf, &st) < 0)
		return 1;
	basic_adopt(st);
	snprintf(key, sizeof(key), "image:%s", argv[3]);
	t0 = bb_now();
	if (strcmp(argv[1], "create") == 0) {
		for (unsigned long long i = 0; i < n; i++) {
			p = (struct job_params){.type = JOB_CREATE_PARTITION, .size = 1048576};
			p.disk = inv_disk_by_key(key)->index;
			if (bb_job(base, st, &p, msg, sizeof(msg)) != VDS_R_OK) {
				fprintf(stderr, "job %llu: %s\n", i, msg);
				return 1;
			}
		}
	} else {
		p = (struct job_params){.type = JOB_SHRINK_VOLUME, .size = n};
		p.volume = inv_disk_by_key(key)->parts[0].volume_index;
		if (bb_job(base, st, &p, msg, sizeof(msg)) != VDS_R_OK) {
			fprintf(stderr, "shrink: %s\n", msg);
			return 1;
		}
	}
	printf("seconds=%.3f\n", bb_now() - t0);
	basic_provider.fini(st);
	inv_shutdown();
	conf_free(&conf);
	event_base_free(base);
	snprintf(msg, sizeof(msg), "rm -rf '%s'", dir);
	return system(msg) == 0 ? 0 : 1;
}
