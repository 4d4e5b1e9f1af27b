/* SPDX-License-Identifier: ISC */
/*
 * health.h - the health of every disk (vdsDiskHealthTable): what the device
 * reports about itself (ATA SMART, the NVMe SMART / health log page, or the
 * sim provider's simulated health), read off the loop thread by
 * agent/health_poll.c every healthInterval seconds and on a reload.
 *
 * One row per row of the disk table, under the same index.  A disk whose
 * health cannot be read (loop, virtio, image file) reads unknown, never
 * healthy.  The loop thread owns the rows; readers fill a struct
 * health_report on the poll thread and the loop applies it.
 */
#ifndef VDS_HEALTH_H
#define VDS_HEALTH_H

#include <stdint.h>
#include <time.h>

#include "vtab.h"

struct event_base;
struct vds_conf;

/* The MIB's VdsDiskHealth and vdsDiskHealthSource: keep the numbers. */
enum health_state {
	HEALTH_UNKNOWN = 1,
	HEALTH_HEALTHY = 2,
	HEALTH_FAILING = 3,
	HEALTH_FAILED = 4,
};
enum health_source {
	HEALTH_SRC_NONE = 1,
	HEALTH_SRC_ATA = 2,
	HEALTH_SRC_NVME = 3,
	HEALTH_SRC_SIM = 4
};
enum health_smart { HEALTH_SMART_PASSED = 1, HEALTH_SMART_FAILED = 2 };

/* Which figures of a report the device gave (the others have no instance). */
#define HF_SMART       0x001
#define HF_REALLOCATED 0x002
#define HF_PENDING     0x004
#define HF_TEMPERATURE 0x008
#define HF_POWER_ON    0x010
#define HF_CRITICAL    0x020
#define HF_PERCENT     0x040
#define HF_MEDIA       0x080
#define HF_SPARE       0x100
#define HF_SPARE_THR   0x200

/* NVMe Critical Warning bits (NVMe base specification, SMART / health log). */
#define HEALTH_NVME_SPARE     0x01
#define HEALTH_NVME_TEMP      0x02
#define HEALTH_NVME_DEGRADED  0x04
#define HEALTH_NVME_READONLY  0x08
#define HEALTH_NVME_VOLATILE  0x10
#define HEALTH_NVME_PMR_RONLY 0x20

struct health_report {
	enum health_state state;
	enum health_source source;
	char reason[128];
	unsigned valid; /* HF_* */
	enum health_smart smart;
	uint32_t reallocated, pending; /* sectors */
	int32_t temperature;           /* degrees Celsius */
	uint32_t power_on_hours;
	unsigned critical_warning; /* HEALTH_NVME_* */
	uint32_t percent_used;
	uint64_t media_errors;
	uint32_t spare, spare_threshold; /* percent */
};

struct health_row {
	uint32_t index; /* the disk's vdsDiskIndex; must stay first (vtab) */
	struct health_report r;
	enum health_state previous;
	time_t checked; /* 0: not read yet */
	int pending;    /* a read is queued or running */
};

/*
 * The state an NVMe SMART / health log means: read-only -> failed; any other
 * critical warning, or the rated endurance used up -> failing; else healthy.
 * Sets r->state and r->reason.
 */
void health_judge_nvme(struct health_report *r);
/*
 * The state ATA SMART figures mean: overall FAILED -> failed; reallocated or
 * pending sectors, or an attribute past its threshold (bad_attr) -> failing.
 */
void health_judge_ata(struct health_report *r, int bad_attr);

/* Start: rows for the disks, the poll thread, the interval timer.  Loop thread. */
int health_init(struct event_base *base, const struct vds_conf *conf);
/* New healthInterval / simHoldDir (reload), and read every disk now. */
void health_reload(const struct vds_conf *conf);
void health_shutdown(void);
/* Queue a read of every disk now (on demand). */
void health_check_all(void);
/* The rows, one per disk (synced with the disk table on each call). */
const struct vtab *health_rows(void);
const struct health_row *health_get(uint32_t disk_index);
/*
 * Apply a report read for disk_index at time now: update the row and send
 * vdsDiskHealthChanged when the health changed (not for a disk first read
 * healthy or unknown).  Loop thread; the poll thread's results come here.
 */
void health_apply(uint32_t disk_index, const struct health_report *r, time_t now);
/* Free every row (health_shutdown). */
void health_rows_free(void);
/* Mark a row's read as queued (0 when it was already queued: skip it). */
int health_mark_pending(uint32_t disk_index);

#endif
