/*
 * mib_jobmemo.h - the SETs that recently created vdsJobTable rows, so that
 * a retry of one (the manager did not get the response: snmpset retries
 * by default) is answered as the original was instead of "handle in use".
 */
#ifndef VDS_MIB_JOBMEMO_H
#define VDS_MIB_JOBMEMO_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/* How long after a SET created a row an identical SET counts as its retry. */
#define MJM_RETRY_MS 5000

/* The varbinds of one row in one SET, as bytes to compare (PDU order). */
struct mjm_sig {
	unsigned char *buf;
	size_t len, cap;
};

/* Append vb (name, type, value); -1 when memory is short. */
int mjm_sig_add(struct mjm_sig *s, const netsnmp_variable_list *vb);
void mjm_sig_free(struct mjm_sig *s);

/* sig just created row handle (the SET is being committed). */
void mjm_remember(uint32_t handle, const struct mjm_sig *sig);
/* 1 when sig is the SET that created row handle less than MJM_RETRY_MS ago. */
int mjm_is_retry(uint32_t handle, const struct mjm_sig *sig);
/* Forget every SET (tests; a row destroyed since is not created by a retry). */
void mjm_forget(uint32_t handle);

#endif
