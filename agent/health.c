/* SPDX-License-Identifier: ISC */
/*
 * health.c - the rows of vdsDiskHealthTable, what a report means, and
 * vdsDiskHealthChanged.  Loop thread only; the reads happen on the poll
 * thread (health_poll.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "log.h"
#include "mib_health.h"
#include "mib_oids.h"
#include "model.h"
#include "notify.h"

static struct {
	struct vtab rows;
	uint64_t generation; /* of the inventory the rows were synced with */
	int synced;
} hl;

void
health_judge_nvme(struct health_report *r)
{
	static const struct {
		unsigned bit;
		const char *what;
	} warn[] = {
	    {HEALTH_NVME_SPARE, "available spare below threshold"},
	    {HEALTH_NVME_TEMP, "temperature outside its thresholds"},
	    {HEALTH_NVME_DEGRADED, "reliability degraded"},
	    {HEALTH_NVME_VOLATILE, "volatile memory backup failed"},
	    {HEALTH_NVME_PMR_RONLY, "persistent memory region read-only"},
	};
	size_t off = 0;

	r->reason[0] = '\0';
	if (r->critical_warning & HEALTH_NVME_READONLY) {
		r->state = HEALTH_FAILED;
		snprintf(r->reason, sizeof(r->reason), "NVMe critical warning: media read-only");
		return;
	}
	for (size_t i = 0; i < sizeof(warn) / sizeof(warn[0]); i++)
		if ((r->critical_warning & warn[i].bit) && off < sizeof(r->reason))
			off +=
			    (size_t)snprintf(r->reason + off, sizeof(r->reason) - off, "%s%s",
			                     off ? ", " : "NVMe critical warning: ", warn[i].what);
	if (off) {
		r->state = HEALTH_FAILING;
		return;
	}
	if ((r->valid & HF_PERCENT) && r->percent_used >= 100) {
		r->state = HEALTH_FAILING;
		snprintf(r->reason, sizeof(r->reason), "NVMe endurance used: %u%%",
		         r->percent_used);
		return;
	}
	r->state = HEALTH_HEALTHY;
	snprintf(r->reason, sizeof(r->reason), "NVMe health log: no critical warning");
}

void
health_judge_ata(struct health_report *r, int bad_attr)
{
	if ((r->valid & HF_SMART) && r->smart == HEALTH_SMART_FAILED) {
		r->state = HEALTH_FAILED;
		snprintf(r->reason, sizeof(r->reason), "SMART overall assessment: FAILED");
	} else if (bad_attr) {
		r->state = HEALTH_FAILING;
		snprintf(r->reason, sizeof(r->reason), "SMART attribute past its threshold");
	} else if (((r->valid & HF_REALLOCATED) && r->reallocated) ||
	           ((r->valid & HF_PENDING) && r->pending)) {
		r->state = HEALTH_FAILING;
		snprintf(r->reason, sizeof(r->reason), "SMART: %u reallocated, %u pending sectors",
		         (r->valid & HF_REALLOCATED) ? r->reallocated : 0,
		         (r->valid & HF_PENDING) ? r->pending : 0);
	} else if (r->valid & HF_SMART) {
		r->state = HEALTH_HEALTHY;
		snprintf(r->reason, sizeof(r->reason), "SMART overall assessment: PASSED");
	} else {
		r->state = HEALTH_UNKNOWN;
		snprintf(r->reason, sizeof(r->reason), "SMART status not readable");
	}
}

static struct health_row *
hl_new_row(uint32_t index)
{
	struct health_row *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->index = index;
	h->r.state = HEALTH_UNKNOWN;
	h->r.source = HEALTH_SRC_NONE;
	h->previous = HEALTH_UNKNOWN;
	snprintf(h->r.reason, sizeof(h->r.reason), "not read yet");
	if (vtab_insert(&hl.rows, h) < 0) {
		free(h);
		return NULL;
	}
	return h;
}

/* One row per disk: add the new disks' rows, drop the departed ones'. */
static void
hl_sync(void)
{
	const struct vtab *disks = inv_table(INV_DISK);
	const void *d;
	size_t i;

	if (hl.synced && hl.generation == inv_generation())
		return;
	VTAB_FOREACH(disks, i, d)
	if (!vtab_find(&hl.rows, VTAB_INDEX(d)) && !hl_new_row(VTAB_INDEX(d)))
		return; /* out of memory: try again on the next call */
	for (i = 0; i < hl.rows.n;) {
		struct health_row *h = hl.rows.rows[i];

		if (vtab_find(disks, h->index)) {
			i++;
			continue;
		}
		vtab_remove(&hl.rows, h->index);
		free(h);
	}
	hl.generation = inv_generation();
	hl.synced = 1;
}

const struct vtab *
health_rows(void)
{
	hl_sync();
	return &hl.rows;
}

const struct health_row *
health_get(uint32_t disk_index)
{
	hl_sync();
	return vtab_find(&hl.rows, disk_index);
}

static const char *
hl_name(enum health_state s)
{
	switch (s) {
	case HEALTH_HEALTHY:
		return "healthy";
	case HEALTH_FAILING:
		return "failing";
	case HEALTH_FAILED:
		return "failed";
	default:
		return "unknown";
	}
}

void
health_apply(uint32_t disk_index, const struct health_report *r, time_t now)
{
	struct health_row *h;
	enum health_state old;
	int first;

	hl_sync();
	if (!(h = vtab_find(&hl.rows, disk_index)))
		return; /* the disk left while it was read */
	h->pending = 0;
	old = h->r.state;
	first = h->checked == 0;
	h->r = *r;
	h->checked = now;
	if (old == r->state)
		return;
	h->previous = old;
	log_info("health", "disk %u: %s -> %s (%s)", disk_index, hl_name(old), hl_name(r->state),
	         r->reason);
	if (first && (r->state == HEALTH_HEALTHY || r->state == HEALTH_UNKNOWN))
		return;
	mib_health_notify_changed(h);
}

void
health_rows_free(void)
{
	for (size_t i = 0; i < hl.rows.n; i++)
		free(hl.rows.rows[i]);
	vtab_free(&hl.rows);
	memset(&hl, 0, sizeof(hl));
}

int
health_mark_pending(uint32_t disk_index)
{
	struct health_row *h;

	hl_sync();
	if (!(h = vtab_find(&hl.rows, disk_index)) || h->pending)
		return 0;
	h->pending = 1;
	return 1;
}
