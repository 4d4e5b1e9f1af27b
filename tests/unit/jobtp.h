/* SPDX-License-Identifier: ISC */
/*
 * jobtp.h - the job engine's unit tests' edge: the test provider "tp" and
 * the harness (test_job.c, test_job_rows.c).  setup() gives every test a
 * fresh state dir, conf (jobMaxRunning 2, jobMaxQueued 3), event_base and
 * engine running tp; teardown() removes them.
 *
 * tp's run() takes its behaviour from the job parameters: stripe_size =
 * milliseconds per step (10 steps), plex_count = 1 passes the point of no
 * return after step 2, name "prepfail"/"commitfail"/"unclaimed" make
 * prepare/commit/claims fail, size > 1000 fails validate().
 */
#ifndef VDS_JOBTP_H
#define VDS_JOBTP_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "curun.h"
#include "job.h"

struct event_base;

extern struct event_base *base;
extern struct vds_conf conf;
extern char dir[64];
/* Observer counts: jobs completed; progress calls, and those that went back or past 99. */
extern int completed;
extern unsigned progress_calls, progress_backwards;
/* tp's counts: most jobs run at once, two at once on one disk, plans made and freed. */
extern int tp_max_active, tp_overlap, tp_prepared, tp_freed;

/*
 * tp's rescan (rescan.h): reads so far, the read publish last showed, reads
 * dropped, and publishes made while a job of tp was active (must stay 0).
 */
extern unsigned tp_reads, tp_shown, tp_discarded, tp_published_while_active;
/* Hold (1) or let go (0) the reads at their middle; a read is held there now. */
void tp_rescan_hold(int on);
/* Hold (1) or let go (0) tp's jobs before their first step. */
void tp_jobs_hold(int on);
int tp_rescan_waiting(uint32_t unused);

void setup(void);
void teardown(void);
/* (Re)start the engine on dir and conf, with the observer. */
void engine_up(void);
/* A log sink that drops everything. */
void quiet(int prio, const char *token, const char *msg);
/* Run the loop until pred(h) holds: 1, or 0 after ms milliseconds. */
int loop_until(int (*pred)(uint32_t), uint32_t h, int ms);
int is_finished(uint32_t h);
int is_gone(uint32_t h);
/* tp reported past its point of no return (its own report, not yet saved). */
int is_past_no_return(uint32_t h);
int none_active(uint32_t h);
/* A createPartition of 100 bytes on disk, 10 steps of step_ms. */
struct job_params params(unsigned disk, unsigned step_ms);

#endif
