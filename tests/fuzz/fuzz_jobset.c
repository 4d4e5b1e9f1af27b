/*
 * fuzz_jobset.c - libFuzzer target: the per-varbind SET validation of
 * vdsJobTable (RESERVE1) with arbitrary column, type and value, then FREE.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mib_job.h"
#include "mib_oids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u_char types[] = {ASN_INTEGER,   ASN_UNSIGNED,  ASN_OCTET_STR,
	                               ASN_COUNTER64, ASN_OBJECT_ID, ASN_NULL};
	oid name[MAX_OID_LEN] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_JOB_TABLE, 1};
	size_t len = VDS_MIB_ROOT_LEN + 3;
	netsnmp_variable_list vb;
	netsnmp_request_info req;
	netsnmp_agent_request_info info;
	netsnmp_mib_handler handler;
	long l;

	if (size < 4)
		return 0;
	memset(&vb, 0, sizeof(vb));
	memset(&req, 0, sizeof(req));
	memset(&info, 0, sizeof(info));
	memset(&handler, 0, sizeof(handler));
	name[len++] = data[0]; /* column */
	if (data[1] & 1)       /* an instance, or a bad-length OID */
		name[len++] = data[2] * 1000003u;
	snmp_set_var_objid(&vb, name, len);
	l = (long)data[3] - 64;
	if (types[data[1] % sizeof(types)] == ASN_OCTET_STR)
		snmp_set_var_typed_value(&vb, ASN_OCTET_STR, data + 4, size - 4);
	else
		snmp_set_var_typed_value(&vb, types[data[1] % sizeof(types)], &l, sizeof(l));
	req.requestvb = &vb;
	req.agent_req_info = &info;
	handler.myvoid = (void *)&mib_job_table;
	info.mode = MODE_SET_RESERVE1;
	mib_table_handler(&handler, NULL, &info, &req);
	info.mode = MODE_SET_FREE;
	mib_table_handler(&handler, NULL, &info, &req);
	snmp_set_var_typed_value(&vb, ASN_NULL, NULL, 0);
	if (vb.name != vb.name_loc)
		free(vb.name);
	return 0;
}
