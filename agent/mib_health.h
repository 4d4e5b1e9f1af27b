/* SPDX-License-Identifier: ISC */
/*
 * mib_health.h - vdsDiskHealthTable and vdsDiskHealthChanged.
 */
#ifndef VDS_MIB_HEALTH_H
#define VDS_MIB_HEALTH_H

#include "mib_table.h"

struct health_row;

extern const struct mib_table mib_disk_health_table;

/* Send vdsDiskHealthChanged for row h (its new and previous health). */
void mib_health_notify_changed(const struct health_row *h);

#endif
