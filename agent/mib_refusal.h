/*
 * mib_refusal.h - the last SET vdsd refused, readable over SNMP
 * (vdsLastRefusal): when, which job handle, which varbind, which SNMP error
 * and why, so that a manager need not read vdsd's log on the agent host.
 * Loop thread only.
 */
#ifndef VDS_MIB_REFUSAL_H
#define VDS_MIB_REFUSAL_H

#include <stdint.h>

#include "mib_table.h"

extern const struct mib_table mib_refusal_scalars;

/*
 * Record (and log) a refused SET: the varbind the error is reported on
 * (name, len), the handle of its job row (0 when it names none), the SNMP
 * error status and the reason for people.
 */
void mib_refusal_record(const oid *name, size_t len, uint32_t handle, int err, const char *why);

#endif
