/* SPDX-License-Identifier: ISC */
/*
 * health_smartctl.h - ATA SMART through `smartctl --json` (smartmontools)
 * as a child process: the fallback when libatasmart cannot talk to a disk
 * (its ATA PASS-THROUGH(16) identify fails on Linux 6.1's libata SAT layer
 * with QEMU's AHCI disk, where smartctl's works).  Poll thread only.
 */
#ifndef VDS_HEALTH_SMARTCTL_H
#define VDS_HEALTH_SMARTCTL_H

#include "health.h"

/* Parse what `smartctl -j -H -A` printed into r (judged); -1 if it is not
 * an ATA SMART report. */
int health_smartctl_parse(const char *json, struct health_report *r);
/* Run smartctl on devnode and parse it; -1 when it is missing or fails. */
int health_smartctl_read(const char *devnode, struct health_report *r);

#endif
