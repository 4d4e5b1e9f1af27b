/* SPDX-License-Identifier: ISC */
/*
 * cv_health.h - check_vds health mode: the disks' health (vdsDiskHealth)
 * and temperature against thresholds, into a state, a status line and
 * perfdata.
 */
#ifndef VDS_CV_HEALTH_H
#define VDS_CV_HEALTH_H

#include <stddef.h>

#include "cv_range.h"
#include "vdsclient.h"

/*
 * failed -> CRITICAL (2), failing -> WARNING (1), a temperature past tc or
 * tw (ranges of degrees Celsius, unset: not checked) -> CRITICAL or
 * WARNING; unknown (no health data) is counted but not an alert.  disks
 * name the health rows (same index).  Returns the state; text and perf are
 * filled.
 */
int cvh_evaluate(const struct vc_disk *disks, size_t nd, const struct vc_disk_health *h, size_t nh,
                 const struct cv_range *tw, const struct cv_range *tc, char *text, size_t tlen,
                 char *perf, size_t plen);

#endif
