/* SPDX-License-Identifier: ISC */
/*
 * jobstorefix.h - what the job store's unit tests share (test_jobstore.c,
 * test_jobstore_damage.c): setup() makes a fresh state dir (dir) for each
 * test, teardown() frees the rows jobstore_load handed to collect() and
 * removes the dir.
 */
#ifndef VDS_JOBSTOREFIX_H
#define VDS_JOBSTOREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "curun.h"
#include "job.h"

extern char dir[64];
/* The rows collect() was given (at most 16), freed by teardown(). */
extern struct job *loaded[16];
extern size_t nloaded;

void quiet(int prio, const char *token, const char *msg);
void setup(void);
void teardown(void);
/* A jobstore_load callback: keeps the row in loaded[]. */
int collect(struct job *j, void *arg);
/*
 * A row of status st, built in memory (a shrinkVolume of 1 MiB on volume
 * 5, owner "ops", provider "sim"); its cold columns live in a static ring
 * of 256, so it is saved, never freed.
 */
struct job row(uint32_t handle, enum job_status st);
/* jobrow_valid of a row built here. */
int row_valid(const struct job *j, char *why, size_t len);
/* Run SQL on dir/jobs.db behind the store's back (damage, old layouts). */
void raw_sql(const char *sql);
/* The first column of the first row of a query on dir/jobs.db; -1 when none. */
long long raw_count(const char *sql);
/* The size of dir/name; -1 when it is not there. */
long long file_size(const char *name);
void unlink_in_dir(const char *name);

/* A log sink keeping the last 32 messages (heard, nheard: set nheard to 0 to forget). */
extern char heard[32][1024];
extern size_t nheard;
void heard_sink(int prio, const char *token, const char *msg);
/* The first message heard that holds s, or "". */
const char *heard_find(const char *s);
/* The quarantine message heard for job h, or "". */
const char *heard_for(uint32_t h);

#endif
