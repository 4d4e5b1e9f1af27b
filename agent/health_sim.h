/* SPDX-License-Identifier: ISC */
/*
 * health_sim.h - the simulated health of sim disks, which tests change.
 *
 * A sim disk NAME reports healthy ATA-like figures (SMART passed, 0
 * reallocated and pending sectors, 35 C, 1000 hours) unless the file
 * DIR/health-NAME exists in the simHoldDir DIR; then its lines say:
 *   STATE                 healthy, failing, failed or unknown (first line)
 *   reason TEXT           vdsDiskHealthReason
 *   FIGURE N              smart (1 passed, 2 failed), reallocated, pending,
 *                         temperature, power_on_hours, critical_warning,
 *                         percent_used, media_errors, spare, spare_threshold
 * A figure named there is reported (a critical_warning line makes it look
 * like NVMe).  Read on the health poll thread, never on the loop.
 */
#ifndef VDS_HEALTH_SIM_H
#define VDS_HEALTH_SIM_H

#include "health.h"

/* Fill r for sim disk name; dir is simHoldDir ("" or NULL: defaults). */
void health_sim_read(const char *dir, const char *name, struct health_report *r);

#endif
