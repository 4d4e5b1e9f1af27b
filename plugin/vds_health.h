/* SPDX-License-Identifier: ISC */
/*
 * vds_health.h - the collectd plugin's disk health values: for disk-NAME,
 * gauge-health (vdsDiskHealth: 1 unknown, 2 healthy, 3 failing, 4 failed)
 * and the figures the device reports: temperature, gauge-power_on_hours,
 * count-reallocated_sectors, count-pending_sectors, count-media_errors,
 * percent-endurance_used (may pass 100: gauge-endurance_used then),
 * percent-available_spare.
 */
#ifndef VDS_PLUGIN_HEALTH_H
#define VDS_PLUGIN_HEALTH_H

#include <stddef.h>

#include "vdsclient.h"

typedef void (*vds_health_gauge_fn)(const char *pinst, const char *type, const char *tinst,
                                    double v);

/* Read vdsDiskHealthTable and dispatch the values of the disks d[0..n). */
int vds_health_read(struct vc_conn *c, const struct vc_disk *d, size_t n,
                    vds_health_gauge_fn gauge);

#endif
