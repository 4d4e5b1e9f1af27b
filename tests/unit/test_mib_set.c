/* SPDX-License-Identifier: ISC */
/*
 * test_mib_set.c - SETs on vdsJobTable through the real handler, in the
 * passes Net-SNMP's agent makes (RESERVE1, RESERVE2, ACTION, COMMIT; FREE
 * or UNDO on errors), against the job engine and the sim provider.
 * Regression tests for what fuzz_jobset found.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <event2/event.h>

#include "job.h"
#include "log.h"
#include "mib_job.h"
#include "mib_oids.h"
#include "mib_refusal.h"
#undef MIB /* Net-SNMP's; simfix.h's is MiB */
#include "simfix.h"

#define MAX_VB 16

static struct event_base *base;

struct vbspec {
	oid col;
	uint32_t row;
	long v;
};

/* Before each test: a fresh state dir, inventory, sim and engine (1 running + 1 queued). */
static void
setup(void)
{
	fresh_dir();
	conf_defaults(&conf);
	free(conf.state_dir);
	conf.state_dir = strdup(dir);
	strlist_add(&conf.providers, "sim");
	conf.sim_job_ms = 0;
	conf.job_max_running = 1;
	conf.job_max_queued = 1;
	base = event_base_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(base);
	CU_ASSERT_EQUAL_FATAL(inv_init(dir), 0);
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
}

static void
teardown(void)
{
	job_engine_shutdown();
	inv_shutdown();
	event_base_free(base);
	conf_free(&conf);
	drop_dir();
}

/* One pass over the PDU: the first error status, or 0. */
static int
pass(netsnmp_mib_handler *h, netsnmp_agent_request_info *info, netsnmp_request_info *req, size_t n,
     int mode)
{
	int st = 0;

	info->mode = mode;
	for (size_t i = 0; i < n; i++)
		req[i].status = 0;
	mib_table_handler(h, NULL, info, req);
	for (size_t i = 0; i < n && !st; i++)
		st = req[i].status;
	return st;
}

/* One SET PDU of n varbinds (Unsigned32 parameters, INTEGER otherwise): its error status. */
static int
set(const struct vbspec *s, size_t n)
{
	netsnmp_variable_list vb[MAX_VB];
	netsnmp_request_info req[MAX_VB];
	netsnmp_agent_request_info info;
	netsnmp_mib_handler h;
	size_t bl = mib_job_table.base_len;
	oid name[MAX_OID_LEN];
	int st;

	memset(vb, 0, sizeof(vb));
	memset(req, 0, sizeof(req));
	memset(&info, 0, sizeof(info));
	memset(&h, 0, sizeof(h));
	h.myvoid = (void *)&mib_job_table;
	memcpy(name, mib_job_table.base, bl * sizeof(oid));
	for (size_t i = 0; i < n; i++) {
		u_char type = s[i].col >= VDS_JOB_P_DISK ? ASN_UNSIGNED : ASN_INTEGER;

		name[bl] = s[i].col;
		name[bl + 1] = s[i].row;
		snmp_set_var_objid(&vb[i], name, bl + 2);
		snmp_set_var_typed_value(&vb[i], type, &s[i].v, sizeof(s[i].v));
		req[i].requestvb = &vb[i];
		req[i].agent_req_info = &info;
		req[i].next = i + 1 < n ? &req[i + 1] : NULL;
	}
	if ((st = pass(&h, &info, req, n, MODE_SET_RESERVE1)) == 0 &&
	    (st = pass(&h, &info, req, n, MODE_SET_RESERVE2)) == 0) {
		if ((st = pass(&h, &info, req, n, MODE_SET_ACTION)) == 0) {
			CU_ASSERT_EQUAL(pass(&h, &info, req, n, MODE_SET_COMMIT), 0);
		} else {
			CU_ASSERT_EQUAL(pass(&h, &info, req, n, MODE_SET_UNDO), 0);
		}
	} else {
		CU_ASSERT_EQUAL(pass(&h, &info, req, n, MODE_SET_FREE), 0);
	}
	for (size_t i = 0; i < n; i++)
		snmp_free_var_internals(&vb[i]);
	return st;
}

/* The four varbinds of a createAndGo of a 1 MiB partition on sim1 as row h. */
static size_t
partition_row(struct vbspec *s, uint32_t h)
{
	uint32_t disk = idx(INV_DISK, "sim:sim1");

	s[0] = (struct vbspec){VDS_JOB_ROW_STATUS, h, RS_CREATE_AND_GO};
	s[1] = (struct vbspec){VDS_JOB_TYPE, h, JOB_CREATE_PARTITION};
	s[2] = (struct vbspec){VDS_JOB_P_DISK, h, disk};
	s[3] = (struct vbspec){VDS_JOB_P_SIZE_MIB, h, 1};
	return 4;
}

/*
 * fuzz_jobset: each createAndGo row of one SET was admitted against the
 * jobs already running and queued, not counting the other rows of the same
 * SET, so one SET could queue past vdsJobMaxQueued.
 */
static void
test_admission_counts_the_whole_set(void)
{
	struct vbspec s[MAX_VB];
	struct job_counters c;
	size_t n = 0;

	CU_ASSERT_NOT_EQUAL_FATAL(idx(INV_DISK, "sim:sim1"), 0);
	for (uint32_t h = 1; h <= 3; h++)
		n += partition_row(s + n, h);
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_RESOURCEUNAVAILABLE);
	CU_ASSERT_EQUAL(vtab_count(job_table()), 0);
	/* Two rows fit the limits (1 running + 1 queued). */
	CU_ASSERT_EQUAL(set(s, 8), SNMP_ERR_NOERROR);
	CU_ASSERT_EQUAL(vtab_count(job_table()), 2);
	job_get_counters(&c);
	CU_ASSERT(c.running + c.queued <= 2);
}

/*
 * A parameter written to a createAndWait row (answered noError) was only
 * changed in memory: after a restart the row had its old parameters.
 */
static void
test_params_of_a_waiting_row_are_recorded(void)
{
	struct vbspec s[MAX_VB];
	size_t n = partition_row(s, 1);
	const struct job *j;

	s[0].v = RS_CREATE_AND_WAIT;
	CU_ASSERT_EQUAL_FATAL(set(s, n), SNMP_ERR_NOERROR);
	s[0] = (struct vbspec){VDS_JOB_P_SIZE_MIB, 1, 3};
	CU_ASSERT_EQUAL_FATAL(set(s, 1), SNMP_ERR_NOERROR);
	CU_ASSERT_EQUAL(job_params(job_find(1))->size, 3 * MIB);
	job_engine_shutdown();
	CU_ASSERT_EQUAL_FATAL(job_engine_init(base, &conf, dir), 0);
	j = job_find(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(j->status, JOB_ST_CREATED);
	CU_ASSERT_EQUAL(job_params(j)->size, 3 * MIB);
}

/*
 * issue 13: a createAndGo sent again because its response was lost (the
 * same varbinds, within MJM_RETRY_MS) got inconsistentValue although the
 * job had started.  It is answered noError and starts nothing; any other
 * SET creating that handle is still refused.
 */
static void
test_retried_create_is_answered_as_the_original(void)
{
	struct vbspec s[MAX_VB];
	size_t n = partition_row(s, 1);
	struct job_counters c;
	struct vbspec t;
	int64_t created;

	CU_ASSERT_EQUAL_FATAL(set(s, n), SNMP_ERR_NOERROR);
	created = job_find(1)->create_ms;
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_NOERROR);
	CU_ASSERT_EQUAL(vtab_count(job_table()), 1);
	CU_ASSERT_EQUAL(job_find(1)->create_ms, created);
	job_get_counters(&c);
	CU_ASSERT_EQUAL(c.running + c.queued + c.succeeded + c.failed + c.cancelled, 1);
	/* Not the same SET: a varbind less, another value, another order. */
	CU_ASSERT_EQUAL(set(s, n - 1), SNMP_ERR_INCONSISTENTVALUE);
	s[3].v = 2;
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_INCONSISTENTVALUE);
	s[3].v = 1;
	t = s[2];
	s[2] = s[3];
	s[3] = t;
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_INCONSISTENTVALUE);
	s[3] = s[2];
	s[2] = t;
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_NOERROR);
	s[0].v = RS_CREATE_AND_WAIT;
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_INCONSISTENTVALUE);
	CU_ASSERT_EQUAL(vtab_count(job_table()), 1);
	/* A row changed since it was created: a copy of its first SET is no retry. */
	n = partition_row(s, 2);
	s[0].v = RS_CREATE_AND_WAIT;
	CU_ASSERT_EQUAL_FATAL(set(s, n), SNMP_ERR_NOERROR);
	t = (struct vbspec){VDS_JOB_P_SIZE_MIB, 2, 3};
	CU_ASSERT_EQUAL(set(&t, 1), SNMP_ERR_NOERROR);
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_INCONSISTENTVALUE);
	CU_ASSERT_EQUAL(job_params(job_find(2))->size, 3 * MIB);
}

/* One vdsLastRefusal scalar. */
static struct mib_value
refusal(oid col)
{
	struct mib_value v;

	CU_ASSERT_EQUAL(mib_table_value(&mib_refusal_scalars,
	                                mib_table_col(&mib_refusal_scalars, col), NULL, &v),
	                0);
	return v;
}

/*
 * issue 13: a refused SET said only "inconsistentValue"; the reason was in
 * the log on the agent host.  vdsLastRefusal gives it, with the varbind and
 * handle, and counts the refusals.
 */
static void
test_refusal_is_readable(void)
{
	struct vbspec s[MAX_VB];
	size_t n = partition_row(s, 7);
	uint32_t before = refusal(VDS_REFUSAL_COUNT).n.u32;
	struct mib_value v;
	const oid *name;

	s[3].v = 300000; /* MiB: more than sim1 has */
	CU_ASSERT_EQUAL_FATAL(set(s, n), SNMP_ERR_INCONSISTENTVALUE);
	CU_ASSERT_EQUAL(refusal(VDS_REFUSAL_COUNT).n.u32, before + 1);
	CU_ASSERT_EQUAL(refusal(VDS_REFUSAL_HANDLE).n.u32, 7);
	CU_ASSERT_EQUAL(refusal(VDS_REFUSAL_ERROR).n.i, SNMP_ERR_INCONSISTENTVALUE);
	v = refusal(VDS_REFUSAL_REASON);
	CU_ASSERT(v.len > 0 && memmem(v.str, v.len, "300000 MiB", 10) != NULL);
	v = refusal(VDS_REFUSAL_OBJECT);
	name = v.str;
	CU_ASSERT_EQUAL_FATAL(v.len, (mib_job_table.base_len + 2) * sizeof(oid));
	CU_ASSERT_EQUAL(name[mib_job_table.base_len], VDS_JOB_ROW_STATUS);
	CU_ASSERT_EQUAL(name[mib_job_table.base_len + 1], 7);
	/* A wrong value is reported on its own varbind. */
	s[3] = (struct vbspec){VDS_JOB_P_STRIPE_KIB, 7, 1048577};
	CU_ASSERT_EQUAL_FATAL(set(s, n), SNMP_ERR_WRONGVALUE);
	CU_ASSERT_EQUAL(refusal(VDS_REFUSAL_COUNT).n.u32, before + 2);
	CU_ASSERT_EQUAL(((const oid *)refusal(VDS_REFUSAL_OBJECT).str)[mib_job_table.base_len],
	                VDS_JOB_P_STRIPE_KIB);
	v = refusal(VDS_REFUSAL_REASON);
	CU_ASSERT(memmem(v.str, v.len, "1048577", 7) != NULL);
	/* An accepted SET leaves the last refusal alone. */
	s[3] = (struct vbspec){VDS_JOB_P_SIZE_MIB, 7, 1};
	CU_ASSERT_EQUAL(set(s, n), SNMP_ERR_NOERROR);
	CU_ASSERT_EQUAL(refusal(VDS_REFUSAL_COUNT).n.u32, before + 2);
}

int
main(void)
{
	CU_pSuite s;
	unsigned fails;

	log_set_sink(quiet);
	snmp_disable_log();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite_with_setup_and_teardown("mib_set", NULL, NULL, setup, teardown);
	CU_add_test(s, "admission counts every row of one SET",
	            test_admission_counts_the_whole_set);
	CU_add_test(s, "parameters of a waiting row are recorded",
	            test_params_of_a_waiting_row_are_recorded);
	CU_add_test(s, "a retried createAndGo is answered as the original",
	            test_retried_create_is_answered_as_the_original);
	CU_add_test(s, "the reason of a refusal is readable", test_refusal_is_readable);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
