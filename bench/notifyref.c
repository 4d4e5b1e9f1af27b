/* SPDX-License-Identifier: ISC */
/*
 * notifyref.c - the reference for vdsd's SET-to-notification time: a plain
 * Net-SNMP AgentX subagent with one writable INTEGER scalar,
 * .1.3.6.1.4.1.8072.9999.87.1.0.  A SET of value V sends at once, at
 * COMMIT, the notification .1.3.6.1.4.1.8072.9999.87.0.1 with one varbind
 * .1.3.6.1.4.1.8072.9999.87.2.V = V (send_v2trap: AgentX Notify to the
 * master, which sends it to its trap sinks).  Nothing else: what is left
 * is Net-SNMP's own notification path.
 *
 *   notifyref AGENTX_SOCKET     runs until SIGTERM or SIGINT
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

static const oid nr_scalar[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 87, 1};
static const oid nr_trap[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 87, 0, 1};
static const oid nr_trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; /* snmpTrapOID.0 */
static long nr_value;
static volatile sig_atomic_t nr_stop;

static void
nr_notify(long v)
{
	oid name[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 87, 2, (oid)v};
	netsnmp_variable_list *vars = NULL;

	snmp_varlist_add_variable(&vars, nr_trap_oid, OID_LENGTH(nr_trap_oid), ASN_OBJECT_ID,
	                          nr_trap, sizeof(nr_trap));
	snmp_varlist_add_variable(&vars, name, OID_LENGTH(name), ASN_INTEGER, &v, sizeof(v));
	send_v2trap(vars);
	snmp_free_varbind(vars);
}

static int
nr_handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
           netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	(void)h;
	(void)reg;
	switch (ri->mode) {
	case MODE_GET:
		snmp_set_var_typed_value(req->requestvb, ASN_INTEGER, &nr_value, sizeof(nr_value));
		break;
	case MODE_SET_RESERVE1:
		if (req->requestvb->type != ASN_INTEGER)
			netsnmp_set_request_error(ri, req, SNMP_ERR_WRONGTYPE);
		break;
	case MODE_SET_ACTION:
		nr_value = *req->requestvb->val.integer;
		break;
	case MODE_SET_COMMIT:
		nr_notify(nr_value);
		break;
	default:
		break;
	}
	return SNMP_ERR_NOERROR;
}

static void
nr_on_signal(int sig)
{
	(void)sig;
	nr_stop = 1;
}

int
main(int argc, char **argv)
{
	netsnmp_handler_registration *reg;

	if (argc != 2) {
		fprintf(stderr, "usage: notifyref AGENTX_SOCKET\n");
		return 2;
	}
	setenv("MIBS", "", 1);
	snmp_enable_stderrlog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[1]);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	init_agent("notifyref");
	reg = netsnmp_create_handler_registration("notifyref", nr_handler, nr_scalar,
	                                          OID_LENGTH(nr_scalar), HANDLER_CAN_RWRITE);
	if (!reg || netsnmp_register_scalar(reg) != MIB_REGISTERED_OK) {
		fprintf(stderr, "notifyref: cannot register the scalar\n");
		return 1;
	}
	init_snmp("notifyref");
	signal(SIGTERM, nr_on_signal);
	signal(SIGINT, nr_on_signal);
	while (!nr_stop)
		agent_check_and_process(1);
	snmp_shutdown("notifyref");
	return 0;
}
