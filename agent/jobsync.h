/* SPDX-License-Identifier: ISC */
/*
 * jobsync.h - the job store's work off the loop thread: WAL checkpoints
 * (the only fsyncs of jobs.db) and the handle floor kept outside jobs.db
 * in state_dir/jobs.floor, so that losing jobs.db never reuses a handle.
 */
#ifndef VDS_JOBSYNC_H
#define VDS_JOBSYNC_H

#include <stdint.h>

/* Start the thread for db_path (jobs.db) and state_dir/jobs.floor. */
int jobsync_start(const char *state_dir, const char *db_path);
void jobsync_stop(void);

/*
 * After every commit on the loop (sqlite's WAL hook), with the WAL's size
 * in pages; never waits.  Past JOBSYNC_CKPT_PAGES a passive checkpoint is
 * taken once the commits pause for JOBSYNC_CKPT_IDLE_MS, or at once past
 * JOBSYNC_CKPT_HARD pages: its fsyncs meet no burst of SETs on the same
 * disk, and the WAL stays bounded under a steady load.
 */
#define JOBSYNC_CKPT_PAGES   1000
#define JOBSYNC_CKPT_HARD    8000
#define JOBSYNC_CKPT_IDLE_MS 200
void jobsync_wal(int pages);

/*
 * At start, before handles are handed out: the floor to use, the larger
 * of db_floor (from jobs.db) and what jobs.floor reserved; says so when one
 * had to be rebuilt from the other, and writes a new reservation (this one
 * write is synchronous).
 */
uint32_t jobsync_floor(uint32_t db_floor);

/* A row with this handle was stored: extend the reservation (off the loop) when it nears. */
void jobsync_note_handle(uint32_t handle);

#endif
