/* SPDX-License-Identifier: ISC */
/*
 * jobstore.h - the job table on disk: sqlite3 in state_dir/jobs.db.
 *
 * Loop thread only; every call is one short statement or transaction.
 */
#ifndef VDS_JOBSTORE_H
#define VDS_JOBSTORE_H

#include <stddef.h>
#include <stdint.h>

struct job;

int jobstore_open(const char *state_dir);
void jobstore_close(void);

/* Insert or replace the row of j. */
int jobstore_save(const struct job *j);
/* Save several rows in one transaction (batched progress). */
int jobstore_save_many(struct job *const *jobs, size_t n);
int jobstore_delete(uint32_t handle);

/*
 * Call fn for each stored row, oldest end first (unfinished rows last).
 * fn takes ownership of the calloc'd job (free() it) also on failure; its
 * engine-private fields are zero.
 */
int jobstore_load(int (*fn)(struct job *j, void *arg), void *arg);

/* The highest handle ever stored (survives purges); 0 if none. */
uint32_t jobstore_handle_floor(void);
int jobstore_set_handle_floor(uint32_t handle);

#endif
