/* SPDX-License-Identifier: ISC */
/*
 * notify.h - VDS-MIB notifications (modelled on VDS_NF_*), sent through the
 * AgentX master.  The tables stay the source of truth: notifications sent
 * while the master is down are lost, and that is logged.
 */
#ifndef VDS_NOTIFY_H
#define VDS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "model.h"

struct mib_table;

/* The inventory observer: disk/partition/volume/vdisk/pack arrive/depart/modify. */
extern const struct inv_observer notify_inv_observer;
/* The job observer: vdsJobCompleted and vdsJobProgress. */
struct job_observer;
extern const struct job_observer notify_job_observer;

/*
 * Send notification vdsNotifications.arc carrying the given columns of row
 * (index in table t).  Returns 0 when handed to the master.
 */
int notify_send(oid arc, const struct mib_table *t, const void *row, const oid *cols, size_t ncols);

#endif
