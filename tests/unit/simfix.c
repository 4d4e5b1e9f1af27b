/* SPDX-License-Identifier: ISC */
/*
 * simfix.c - fixture shared by the sim provider tests: a temporary state
 * directory, a fresh inventory and the sim provider started over it.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simfix.h"

char dir[64];
struct vds_conf conf;
void *sim;

void
quiet(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Open the inventory and start sim over dir (created by fresh_dir). */
int
sim_up(unsigned job_ms, const char *extra_provider)
{
	conf_defaults(&conf);
	free(conf.state_dir);
	conf.state_dir = strdup(dir);
	conf.sim_job_ms = job_ms;
	conf.sim_hold_dir = strdup(dir); /* test gates (sim_gate.h), none up by default */
	strlist_add(&conf.providers, "sim");
	if (extra_provider)
		strlist_add(&conf.providers, extra_provider);
	if (inv_init(dir) < 0)
		return -1;
	return sim_provider.init(&conf, &sim);
}

void
sim_down(void)
{
	sim_provider.fini(sim);
	sim = NULL;
	inv_shutdown();
	conf_free(&conf);
}

void
fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-sim.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

void
drop_dir(void)
{
	nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

void
up(unsigned job_ms)
{
	fresh_dir();
	CU_ASSERT_EQUAL_FATAL(sim_up(job_ms, NULL), 0);
}

void
down(void)
{
	sim_down();
	drop_dir();
}

uint32_t
idx(enum inv_class cls, const char *key)
{
	const void *row =
	    cls == INV_DISK ? (const void *)inv_disk_by_key(key) : inv_by_key(cls, key);

	return row ? *(const uint32_t *)row : 0;
}

const struct inv_part *
part_of(const char *diskkey, uint32_t number)
{
	const struct inv_disk *d = inv_disk_by_key(diskkey);

	for (size_t i = 0; d && i < d->nparts; i++)
		if (d->parts[i].number == number)
			return &d->parts[i];
	return NULL;
}

uint32_t
vol_of(const char *diskkey, uint32_t number)
{
	const struct inv_part *p = part_of(diskkey, number);

	return p ? p->volume_index : 0;
}

enum vds_result
check(const struct job_params *p)
{
	char why[256];

	return sim_provider.validate(sim, p, why, sizeof(why));
}

enum vds_result
job(const struct job_params *p, struct contract_run *run)
{
	run->cancel_at = -1;
	return contract_job(&sim_provider, sim, p, run);
}

int
sim_up_edited(const char *sed)
{
	char path[128], cmd[800];
	int rc;

	snprintf(path, sizeof(path), "%s/sim.state", dir);
	snprintf(cmd, sizeof(cmd), "rm -f %s.prev && sed '%s' %s.good > %s && ! cmp -s %s %s.good",
	         path, sed, path, path, path, path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	rc = sim_up(0, NULL);
	if (rc == 0) {
		fprintf(stderr, "loaded despite: %s\n", sed);
		sim_down();
	} else {
		inv_shutdown();
		conf_free(&conf);
	}
	return rc;
}
