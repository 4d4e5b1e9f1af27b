/* SPDX-License-Identifier: ISC */
/*
 * agentx.h - vdsd as a Net-SNMP AgentX subagent driven from the libevent
 * loop (no thread, no select loop of Net-SNMP's own).
 */
#ifndef VDS_AGENTX_H
#define VDS_AGENTX_H

#include "conf.h"

struct event_base;

/*
 * Configure the subagent (socket, ping interval), register VDS-MIB and
 * start connecting.  The master may be down: vdsd keeps retrying every ping
 * interval and re-registers after a master restart.
 */
int agentx_init(struct event_base *base, const struct vds_conf *conf);
/* Resync the loop's events with Net-SNMP's fds and timers. */
void agentx_update(void);
void agentx_shutdown(void);

/*
 * Registered with the master now (agentx_init connects and registers
 * synchronously when the master is there).  fn is called on each change
 * after agentx_init: 1 when (re)registered, 0 when the master is gone.
 */
typedef void (*agentx_state_fn)(int registered);
/*
 * Send a notification to the master: vars (taken, freed here) starts with
 * snmpTrapOID.0; sysUpTime.0 is put in front.  Straight onto the AgentX
 * session, as an agentx-Notify-PDU: Net-SNMP's send_v2trap() would end
 * there too, after building (and failing to build, for a Counter64
 * payload) an SNMPv1 copy a subagent never sends.  0, or -1 when there is
 * no master now or the PDU cannot be sent (the notification is lost, as
 * it was with send_v2trap()).
 */
struct variable_list;
int agentx_notify(struct variable_list *vars);
void agentx_set_state_cb(agentx_state_fn fn);
int agentx_registered(void);

#endif
