/* SPDX-License-Identifier: ISC */
/*
 * job.h - the job table: storage operations started by an SNMP SET, run by
 * a provider, tracked row by row (IVdsAsync / GetAsyncResult over SNMP).
 *
 * Loop thread only.  A job is created (createAndWait) or queued
 * (createAndGo), runs when a slot is free and no earlier job touches the
 * same object, and ends succeeded, failed or cancelled.  Finished rows are
 * purged jobPurgeTime seconds after they end unless keepResult is set, and
 * at most jobMaxRetained finished rows are kept.  Rows are stored in
 * state_dir/jobs.db; a job that was running when vdsd died comes back failed
 * with VDS_R_INTERRUPTED.
 */
#ifndef VDS_JOB_H
#define VDS_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "conf.h"
#include "provider.h"
#include "result.h"
#include "vtab.h"

struct event_base;
struct event;

/* vdsJobStatus */
enum job_status {
	JOB_ST_CREATED = 1,
	JOB_ST_QUEUED = 2,
	JOB_ST_RUNNING = 3,
	JOB_ST_SUCCEEDED = 4,
	JOB_ST_FAILED = 5,
	JOB_ST_CANCELLED = 6,
};

/* vdsJobControl */
enum job_control { JOB_CTL_NONE = 1, JOB_CTL_CANCEL = 2 };

/* vdsJobCancelState */
enum job_cancel_state {
	JOB_CS_NONE = 1,
	JOB_CS_REQUESTED = 2,
	JOB_CS_TOO_LATE = 3,
	JOB_CS_DONE = 4,
};

#define JOB_HANDLE_MAX 2147483647U

/* The largest text each text column holds, with its NUL (the MIB's limits). */
#define JOB_ERROR_NAME_SIZE    48
#define JOB_ERROR_MESSAGE_SIZE 256
#define JOB_DETAILS_SIZE       128
#define JOB_OWNER_SIZE         128

/* The text columns of a job row. */
enum job_text_col {
	JT_ERROR_NAME,    /* vdsJobErrorName */
	JT_ERROR_MESSAGE, /* vdsJobErrorMessage */
	JT_DETAILS,       /* vdsJobDetails */
	JT_OWNER,         /* vdsJobOwner */
	JT_N
};

/* Each NULL when empty, else a heap copy of at most its column's size - 1 bytes. */
struct job_texts {
	char *s[JT_N];
};

/*
 * A job's cold columns: parameters, outputs and provider.  Held in full
 * while the job is active; packed (jobpack.h) once it is finished.
 */
struct job_po {
	struct job_params params;
	struct job_outputs outputs;
	char provider[16]; /* vdsJobProvider: the provider that runs it ("" none) */
};

/* What only an active job has: its cold columns in full, and the engine's state. */
struct job_run {
	struct job_po po;
	const struct prov_ops *ops;
	void *pstate;
	void *plan;
	struct prov_job *pj;
	int64_t progress_sent_ms;
	/*
	 * The provider's latest percent; `percent` (what the row shows) takes it
	 * only when it is saved, so no reader sees a percent the store has not
	 * got and a restart after a crash never shows less than was shown.
	 */
	unsigned percent_live;
	int dirty;      /* percent/details not yet in the store */
	int landing;    /* committed; its state write not on disk yet (durable.h) */
	unsigned held;  /* the observer's hold() of the commit's announcements */
	uint8_t stored; /* status the store has ahead of the row (JOB_CREATE_AT_COMMIT), or 0 */
};

/*
 * A row of the job table.  Most rows are finished ones kept for managers
 * to read (10,000 and more): what every row has is kept small, the small
 * enums as bytes, and a finished row's parameters and outputs are packed.
 */
struct job {
	uint32_t handle;  /* must stay first (vtab) */
	uint32_t hresult; /* VDS HRESULT */
	uint8_t status;   /* enum job_status */
	uint8_t percent;  /* 0..99 while running, 100 on success */
	uint8_t result;   /* enum vds_result */
	uint8_t keep_result;
	uint8_t control;      /* enum job_control */
	uint8_t cancel_state; /* enum job_cancel_state */
	uint8_t notify_progress;
	uint8_t params_unknown; /* 1: an old row whose parameters could not be read back (zero) */
	/*
	 * The text columns (read them with job_text, set them with
	 * job_text_set): NULL while all are empty, as in most retained rows.
	 */
	struct job_texts *texts;
	/* Wall-clock milliseconds since the epoch; 0 = not yet. */
	int64_t create_ms, start_ms, end_ms, update_ms;
	/*
	 * Active: run (read the cold columns with job_po, job_params,
	 * job_outputs).  Finished: run is NULL and packed holds the cold
	 * columns' few nonzero bytes, not the ~800 of struct job_po.
	 */
	struct job_run *run;
	unsigned char *packed;
	TAILQ_ENTRY(job) q; /* run queue, or finished rows oldest first */
};

struct job_observer {
	/* Every finished job, after its row holds the outcome. */
	void (*completed)(const struct job *j, void *arg);
	/* Jobs with notify_progress, at most once per jobProgressInterval. */
	void (*progress)(const struct job *j, void *arg);
	/*
	 * Around a provider's commit: hold() before it; release() of what it
	 * returned once the commit's state write landed or failed, or at once
	 * when there was none, after completed().  What the commit changed in
	 * the tables is announced only once recorded (NULL: at once).
	 */
	unsigned (*hold)(void *arg);
	void (*release)(unsigned held, void *arg);
	void *arg;
};

struct job_counters {
	unsigned running, queued;              /* now */
	uint32_t succeeded, failed, cancelled; /* since vdsd started */
};

/*
 * Tests: use these providers (NULL-terminated) instead of the ones conf
 * enables from the registry.  Call before job_engine_init; NULL resets.
 */
void job_engine_set_providers(const struct prov_ops *const *list);
/*
 * Initialise the enabled providers, open state_dir/jobs.db, load the stored
 * rows (interrupted ones become failed) and start the workers.  conf must
 * outlive the engine.
 */
int job_engine_init(struct event_base *base, const struct vds_conf *conf, const char *state_dir);
/*
 * The configuration changed (SIGHUP): size the worker pool to jobMaxRunning
 * (running jobs finish; queued ones start up to the new limit), apply the
 * purge time and retention to the rows, pass the change to the providers.
 */
void job_engine_reload(void);
/* Stops the workers; jobs still running stay "running" in the store. */
void job_engine_shutdown(void);
/* 1 while a job of ops is running (prepared, on a worker or landing). */
int job_engine_active(const struct prov_ops *ops);
/* Start the queued jobs that can start now (something that held them back ended). */
void job_engine_kick(void);
void job_set_observer(const struct job_observer *obs);

const struct vtab *job_table(void);
struct job *job_find(uint32_t handle);
/* vdsJobNextHandle: successive reads differ; never a handle in use. */
uint32_t job_next_handle(void);

/*
 * Validate p for the SET (RESERVE2): mandatory parameters of its type, a
 * provider that claims it, the provider's validate().  Never blocks.
 */
enum vds_result job_check(const struct job_params *p, char *why, size_t len);
/*
 * 0 when jobs of parameters ps[0..n-1], started in this order (one SET),
 * fit beside those running and queued: a new job runs when one of
 * jobMaxRunning slots is free and no running, queued or earlier new job
 * touches its objects, else it waits; at most jobMaxQueued may wait.  -1
 * when they do not fit, with the reason in why.
 */
int job_admit(const struct job_params *const *ps, unsigned n, char *why, size_t len);

/*
 * Record a job (ACTION/COMMIT).  start_now JOB_CREATE_WAIT leaves it
 * created (createAndWait); JOB_CREATE_START queues it now;
 * JOB_CREATE_AT_COMMIT leaves it created until job_start() (createAndGo's
 * COMMIT) but stores it as that will make it (running, or queued when it
 * would wait), so the COMMIT need not store it again.  NULL when handle is
 * 0, too big or in use, on ENOMEM, or when the row cannot be stored (errno
 * EIO; then nothing is kept or started).
 */
enum job_create_start { JOB_CREATE_WAIT = 0, JOB_CREATE_START = 1, JOB_CREATE_AT_COMMIT = 2 };
struct job *job_create(uint32_t handle, const struct job_params *p, const char *owner, int keep,
                       int notify_progress, int start_now);
/* createAndWait -> active: queue a created job.  -1 if not created. */
int job_start(uint32_t handle);

enum job_cancel_answer {
	JOB_CANCEL_NOT_FOUND = -1,
	JOB_CANCEL_DONE = 0,      /* created/queued: cancelled at once */
	JOB_CANCEL_REQUESTED = 1, /* running: cooperative, honoured between steps */
	JOB_CANCEL_TOO_LATE = 2,  /* running past its point of no return */
	JOB_CANCEL_FINISHED = 3,  /* already finished: nothing to do */
};
int job_cancel(uint32_t handle);

/* 0 removed; -1 refused (queued or running); -2 no such row. */
int job_destroy(uint32_t handle);
int job_set_keep(uint32_t handle, int keep);
int job_set_owner(uint32_t handle, const char *owner);
/* New parameters of a row not started yet (recorded); -1 if none or started. */
int job_set_params(uint32_t handle, const struct job_params *p);
int job_set_notify_progress(uint32_t handle, int on);
void job_get_counters(struct job_counters *c);

const char *job_status_name(enum job_status st);
int job_is_finished(const struct job *j);

/*
 * j's cold columns.  For a finished row, unpacked into one
 * buffer that the next call for a finished row overwrites (loop thread).
 */
const struct job_po *job_po(const struct job *j);
const struct job_params *job_params(const struct job *j);
const struct job_outputs *job_outputs(const struct job *j);
/* Pack the cold columns of finished j (run is then NULL); -1 ENOMEM (run kept). */
int job_pack(struct job *j);

#endif
