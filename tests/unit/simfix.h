/* SPDX-License-Identifier: ISC */
/*
 * simfix.h - fixture shared by the sim provider tests (test_sim.c,
 * test_sim_jobs.c): a temporary state directory, a fresh inventory and the
 * sim provider started over it, plus lookups by key.
 */
#ifndef VDS_SIMFIX_H
#define VDS_SIMFIX_H

#include <stdint.h>

#include "conf.h"
#include "contract.h"
#include "model.h"
#include "sim/sim.h"

#define MIB 1048576ULL
#define GIB (1024 * MIB)

extern char dir[64];
extern struct vds_conf conf;
extern void *sim;

void quiet(int prio, const char *token, const char *msg);
/* Open the inventory and start sim over dir with jobs of job_ms. */
int sim_up(unsigned job_ms, const char *extra_provider);
void sim_down(void);
void fresh_dir(void);
void drop_dir(void);
/* fresh_dir + sim_up (fatal on failure); sim_down + drop_dir. */
void up(unsigned job_ms);
void down(void);
uint32_t idx(enum inv_class cls, const char *key);
const struct inv_part *part_of(const char *diskkey, uint32_t number);
uint32_t vol_of(const char *diskkey, uint32_t number);
enum vds_result check(const struct job_params *p);
enum vds_result job(const struct job_params *p, struct contract_run *run);
/*
 * Write <dir>/sim.state as the sed script applied to sim.state.good (it
 * must change something) and start sim on it: sim_up()'s result.  Either
 * way sim is down again afterwards.
 */
int sim_up_edited(const char *sed);

/* test_sim_mbr.c */
void test_sim_mbr_logical(void);
void test_sim_mbr_refusals(void);
void test_sim_mbr_state(void);

/* test_sim_durable.c */
void test_sim_commit_off_loop(void);

/* test_sim_jobs.c */
void test_job_partition(void);
void test_job_volume(void);
void test_job_volume_by_disks(void);
void test_partition_no_false_modified(void);
void test_job_vdisk(void);
void test_commit_recheck(void);
void test_progress(void);
void test_btrfs_floor(void);

#endif
