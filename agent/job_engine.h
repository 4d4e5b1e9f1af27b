/* SPDX-License-Identifier: ISC */
/*
 * job_engine.h - private to the job engine's files: job.c (state machine,
 * scheduling, start and stop) and job_rows.c (the table's rows: retention,
 * purge, setters).  Not for other modules: their API is job.h.
 */
#ifndef VDS_JOB_ENGINE_H
#define VDS_JOB_ENGINE_H

#include <stdint.h>

#include <event2/event.h>

#include "job.h"

struct job_engine {
	struct event_base *base;
	const struct vds_conf *conf;
	struct vtab tab;
	TAILQ_HEAD(, job) runq; /* queued, FIFO */
	TAILQ_HEAD(, job) running;
	TAILQ_HEAD(, job) finished; /* oldest end first */
	size_t nfinished;
	struct job_counters cnt;
	uint32_t next;
	struct job_observer obs;
	const struct prov_ops *const *test_list;
	struct event *flush_ev;
	struct event *purge_ev; /* the next finished row's purge */
	int64_t init_ms;      /* when the engine started: rows it found interrupted end after it */
	int interrupted_told; /* those were announced to the observer */
};
extern struct job_engine je;

/* Wall clock, ms since the epoch. */
int64_t je_now_ms(void);
/* Save j's row (taking the live percent); -1 when it could not be. */
int je_save(struct job *j);
/* Drop j from the table and the store, and free it. */
void je_remove(struct job *j);
/* (Re)arm the purge timer for the next finished row due. */
void je_arm_purge(void);
void je_purge_cb(evutil_socket_t fd, short what, void *arg);
/* Keep at most jobMaxRetained finished rows. */
void je_retain(void);

#endif
