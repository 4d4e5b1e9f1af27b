/* SPDX-License-Identifier: ISC */
/*
 * job_rows.c - the job table's rows: lookups, the setters the MIB calls,
 * and how finished rows go (purge after jobPurgeTime unless kept, the
 * jobMaxRetained cap).  Loop thread only; part of the job engine (job.c,
 * job_engine.h).
 */
#include "config.h"

#include <string.h>

#include "job_engine.h"
#include "jobrow.h"
#include "jobstore.h"
#include "log.h"

/* ------------------------------------------------------- finishing jobs */

void
je_remove(struct job *j)
{
	vtab_remove(&je.tab, j->handle);
	if (job_is_finished(j)) {
		TAILQ_REMOVE(&je.finished, j, q);
		je.nfinished--;
	}
	if (jobstore_delete(j->handle) < 0)
		log_warnx("job", "job %u: cannot delete the row", j->handle);
	job_free(j);
}

/*
 * One timer purges every row (not one per row: 10,000 retained rows would
 * carry 10,000 libevent timers).  Finished rows are in the order they
 * ended (stored ones load ORDER BY end_ms, new ones are appended as they
 * end), so the first row without keepResult is the next one due.  A wall
 * clock stepped back delays the purge by as much, never makes it early.
 * Never removes a row itself: je_purge_cb does, from the loop.
 */
void
je_arm_purge(void)
{
	struct job *j;
	struct timeval tv;
	int64_t left;

	TAILQ_FOREACH(j, &je.finished, q)
	if (!j->keep_result)
		break;
	if (!j || !je.purge_ev) {
		if (je.purge_ev)
			evtimer_del(je.purge_ev);
		return;
	}
	left = j->end_ms + (int64_t)je.conf->job_purge_time * 1000 - je_now_ms();
	if (left < 0)
		left = 0;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	evtimer_add(je.purge_ev, &tv);
}

void
je_purge_cb(evutil_socket_t fd, short what, void *arg)
{
	int64_t due = je_now_ms() - (int64_t)je.conf->job_purge_time * 1000;
	struct job *j, *next;

	for (j = TAILQ_FIRST(&je.finished); j; j = next) {
		next = TAILQ_NEXT(j, q);
		if (j->keep_result)
			continue;
		if (j->end_ms > due)
			break;
		log_debug("job", "job %u: purged", j->handle);
		je_remove(j);
	}
	je_arm_purge();
}

/*
 * Keep at most jobMaxRetained finished rows (never fewer than one, so the
 * row just finished outlives its own completion): oldest non-kept go first;
 * the cap bounds memory, so kept rows go too if it is still exceeded.
 */
void
je_retain(void)
{
	size_t cap = je.conf->job_max_retained ? je.conf->job_max_retained : 1;
	struct job *j, *next;

	for (j = TAILQ_FIRST(&je.finished); j && je.nfinished > cap; j = next) {
		next = TAILQ_NEXT(j, q);
		if (!j->keep_result)
			je_remove(j);
	}
	while (je.nfinished > cap) {
		j = TAILQ_FIRST(&je.finished);
		log_warnx("job", "job %u: dropped although kept (jobMaxRetained)", j->handle);
		je_remove(j);
	}
}

const struct vtab *
job_table(void)
{
	return &je.tab;
}

struct job *
job_find(uint32_t handle)
{
	return vtab_find(&je.tab, handle);
}

uint32_t
job_next_handle(void)
{
	for (uint32_t tries = 0; tries < JOB_HANDLE_MAX; tries++) {
		uint32_t h = je.next;

		je.next = h >= JOB_HANDLE_MAX ? 1 : h + 1;
		if (h && !vtab_find(&je.tab, h))
			return h;
	}
	return 0;
}

int
job_destroy(uint32_t handle)
{
	struct job *j = vtab_find(&je.tab, handle);

	if (!j)
		return -2;
	if (j->status == JOB_ST_QUEUED || j->status == JOB_ST_RUNNING)
		return -1;
	je_remove(j);
	return 0;
}

int
job_set_keep(uint32_t handle, int keep)
{
	struct job *j = vtab_find(&je.tab, handle);

	if (!j)
		return -1;
	j->keep_result = !!keep;
	if (job_is_finished(j))
		je_arm_purge();
	je_save(j);
	return 0;
}

int
job_set_owner(uint32_t handle, const char *owner)
{
	struct job *j = vtab_find(&je.tab, handle);

	if (!j)
		return -1;
	job_text_set(j, JT_OWNER, owner);
	je_save(j);
	return 0;
}

int
job_set_params(uint32_t handle, const struct job_params *p)
{
	struct job *j = vtab_find(&je.tab, handle);

	if (!j || j->status != JOB_ST_CREATED || !j->run)
		return -1;
	j->run->po.params = *p;
	je_save(j);
	return 0;
}

int
job_set_notify_progress(uint32_t handle, int on)
{
	struct job *j = vtab_find(&je.tab, handle);

	if (!j)
		return -1;
	j->notify_progress = !!on;
	je_save(j);
	return 0;
}

void
job_get_counters(struct job_counters *c)
{
	*c = je.cnt;
}
