/* SPDX-License-Identifier: ISC */
/*
 * test_mib.c - the VDS-MIB handlers called directly: GET and GETNEXT over
 * inventory fixtures, a whole walk in strictly increasing OID order, DateAndTime
 * encoding and the registration order of the subtrees.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "mib.h"
#include "mib_inv.h"
#include "mib_job.h"
#include "mib_oids.h"
#include "model.h"

static char tmpdir[] = "/tmp/vds-test-mib-XXXXXX";

static struct inv_disk *
fixture_disk(const char *key, const char *name, uint64_t size, unsigned nparts)
{
	struct inv_disk *d = calloc(1, sizeof(*d));

	snprintf(d->key, sizeof(d->key), "%s", key);
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->devnode, sizeof(d->devnode), "/dev/%s", name);
	snprintf(d->serial, sizeof(d->serial), "SER-%s", name);
	d->size = size;
	d->sector_size = 512;
	d->pstyle = nparts ? INV_PS_GPT : INV_PS_NONE;
	d->status = INV_ST_ONLINE;
	d->source = INV_SRC_IMAGE;
	d->flags = INV_DF_READONLY | INV_DF_INUSE;
	d->nparts = nparts;
	d->parts = calloc(nparts ? nparts : 1, sizeof(*d->parts));
	for (unsigned i = 0; i < nparts; i++) {
		d->parts[i].number = i + 1;
		d->parts[i].offset = (uint64_t)(i + 1) << 20;
		d->parts[i].size = 1 << 20;
		if (i % 2 == 0)
			snprintf(d->parts[i].fs_type, sizeof(d->parts[i].fs_type), "ext4");
	}
	return d;
}

static int
suite_init(void)
{
	if (!mkdtemp(tmpdir) || inv_init(tmpdir) < 0)
		return -1;
	/* Three disks: 2 + 0 + 3 partitions, 1 + 0 + 2 volumes. */
	inv_disk_update(fixture_disk("image:/a", "a", 10 << 20, 2));
	inv_disk_update(fixture_disk("image:/b", "b", 20 << 20, 0));
	inv_disk_update(fixture_disk("image:/c", "c", 30ULL << 30, 3));
	return 0;
}

static int
suite_fini(void)
{
	char cmd[256];

	inv_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

struct call {
	netsnmp_variable_list vb;
	netsnmp_request_info req;
	netsnmp_agent_request_info info;
	netsnmp_mib_handler handler;
};

static void
call_handler(struct call *c, const struct mib_table *t, int mode, const oid *name, size_t len)
{
	memset(c, 0, sizeof(*c));
	snmp_set_var_objid(&c->vb, name, len);
	c->vb.type = ASN_NULL;
	c->req.requestvb = &c->vb;
	c->req.agent_req_info = &c->info;
	c->info.mode = mode;
	c->handler.myvoid = (void *)t;
	mib_table_handler(&c->handler, NULL, &c->info, &c->req);
}

static void
call_free(struct call *c)
{
	snmp_set_var_typed_value(&c->vb, ASN_NULL, NULL, 0);
	if (c->vb.name != c->vb.name_loc)
		free(c->vb.name);
}

static void
test_get_disk(void)
{
	const struct inv_disk *c = inv_disk_by_key("image:/c");
	oid name[] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_DISK_TABLE, 1, VDS_DISK_NAME, 0};
	struct call call;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	name[OID_LENGTH(name) - 1] = c->index;
	call_handler(&call, &mib_disk_table, MODE_GET, name, OID_LENGTH(name));
	CU_ASSERT_EQUAL(call.vb.type, ASN_OCTET_STR);
	CU_ASSERT_EQUAL(call.vb.val_len, 1);
	CU_ASSERT_NSTRING_EQUAL(call.vb.val.string, "c", 1);
	call_free(&call);

	name[OID_LENGTH(name) - 2] = VDS_DISK_SIZE;
	call_handler(&call, &mib_disk_table, MODE_GET, name, OID_LENGTH(name));
	CU_ASSERT_EQUAL(call.vb.type, ASN_COUNTER64);
	CU_ASSERT_EQUAL(call.vb.val.counter64->high, 30ULL << 30 >> 32);
	CU_ASSERT_EQUAL(call.vb.val.counter64->low, (30ULL << 30) & 0xffffffffu);
	call_free(&call);

	/* readOnly(0) and inUse(3) as BITS: 1001 0000 */
	name[OID_LENGTH(name) - 2] = VDS_DISK_FLAGS;
	call_handler(&call, &mib_disk_table, MODE_GET, name, OID_LENGTH(name));
	CU_ASSERT_EQUAL(call.vb.type, ASN_OCTET_STR);
	CU_ASSERT_EQUAL(call.vb.val.string[0], 0x90);
	call_free(&call);
}

static void
test_get_missing(void)
{
	oid name[] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_DISK_TABLE, 1, VDS_DISK_NAME, 999};
	struct call call;

	call_handler(&call, &mib_disk_table, MODE_GET, name, OID_LENGTH(name));
	CU_ASSERT_EQUAL(call.vb.type, SNMP_NOSUCHINSTANCE);
	call_free(&call);
	name[OID_LENGTH(name) - 2] = 99; /* no such column */
	call_handler(&call, &mib_disk_table, MODE_GET, name, OID_LENGTH(name));
	CU_ASSERT_EQUAL(call.vb.type, SNMP_NOSUCHOBJECT);
	call_free(&call);
}

/* GETNEXT from the table OID itself gives the first column of the first row. */
static void
test_getnext_start(void)
{
	oid name[] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_PARTITION_TABLE};
	oid want[] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_PARTITION_TABLE, 1, VDS_PART_OBJECT_ID, 0};
	const struct inv_part *first = vtab_next(inv_table(INV_PARTITION), 0);
	struct call call;

	want[OID_LENGTH(want) - 1] = first->index;
	call_handler(&call, &mib_part_table, MODE_GETNEXT, name, OID_LENGTH(name));
	CU_ASSERT_EQUAL(snmp_oid_compare(call.vb.name, call.vb.name_length, want, OID_LENGTH(want)),
	                0);
	CU_ASSERT_EQUAL(call.vb.type, ASN_OCTET_STR);
	CU_ASSERT_EQUAL(call.vb.val_len, 36);
	call_free(&call);
}

/* Past the last row of a column, GETNEXT moves on to the next column. */
static void
test_getnext_column_wrap(void)
{
	const struct vtab *t = inv_table(INV_DISK);
	uint32_t last = VTAB_INDEX(t->rows[t->n - 1]);
	uint32_t first = VTAB_INDEX(t->rows[0]);
	oid name[] = {VDS_MIB_ROOT, VDS_OBJECTS, VDS_DISK_TABLE, 1, VDS_DISK_NAME, last};
	struct call call;
	size_t l = OID_LENGTH(name);

	call_handler(&call, &mib_disk_table, MODE_GETNEXT, name, l);
	CU_ASSERT_EQUAL(call.vb.name[l - 2], VDS_DISK_DEVNODE);
	CU_ASSERT_EQUAL(call.vb.name[l - 1], first);
	call_free(&call);

	/* After the last column of the last row: nothing here. */
	name[l - 2] = VDS_DISK_LAST;
	call_handler(&call, &mib_disk_table, MODE_GETNEXT, name, l);
	CU_ASSERT_EQUAL(call.vb.type, ASN_NULL);
	call_free(&call);
}

/* Walk every subtree; OIDs strictly increase and each table yields rows*columns. */
static void
test_walk_all(void)
{
	size_t n, answers;
	const struct mib_table *const *tabs = mib_all_tables(&n);
	oid prev[MAX_OID_LEN];
	size_t prevlen = 0;

	for (size_t i = 0; i < n; i++) {
		const struct mib_table *t = tabs[i];
		oid cur[MAX_OID_LEN];
		size_t curlen = t->base_len;
		struct call call;

		memcpy(cur, t->base, curlen * sizeof(oid));
		for (answers = 0;; answers++) {
			call_handler(&call, t, MODE_GETNEXT, cur, curlen);
			if (call.vb.type == ASN_NULL) {
				call_free(&call);
				break;
			}
			CU_ASSERT_TRUE(
			    snmp_oid_compare(call.vb.name, call.vb.name_length, cur, curlen) > 0);
			CU_ASSERT_TRUE(
			    prevlen == 0 ||
			    snmp_oid_compare(call.vb.name, call.vb.name_length, prev, prevlen) > 0);
			memcpy(cur, call.vb.name, call.vb.name_length * sizeof(oid));
			curlen = call.vb.name_length;
			memcpy(prev, cur, curlen * sizeof(oid));
			prevlen = curlen;
			call_free(&call);
		}
		if (t == &mib_disk_table)
			CU_ASSERT_EQUAL(answers, 3 * t->ncols);
		if (t == &mib_part_table)
			CU_ASSERT_EQUAL(answers, 5 * t->ncols);
		if (t == &mib_volume_table)
			CU_ASSERT_EQUAL(answers, 3 * t->ncols);
		if (t == &mib_job_table)
			CU_ASSERT_EQUAL(answers, 0);
	}
}

static void
test_registration_order(void)
{
	size_t n;
	const struct mib_table *const *tabs = mib_all_tables(&n);
	oid root[] = {VDS_MIB_ROOT};

	CU_ASSERT_TRUE(n >= 8);
	for (size_t i = 0; i < n; i++) {
		const struct mib_table *t = tabs[i];

		CU_ASSERT_EQUAL(snmp_oid_ncompare(t->base, t->base_len, root, OID_LENGTH(root),
		                                  OID_LENGTH(root)),
		                0);
		for (size_t c = 1; c < t->ncols; c++)
			CU_ASSERT_TRUE(t->cols[c - 1].subid < t->cols[c].subid);
		if (i == 0)
			continue;
		/* Strictly after the previous subtree and not inside it. */
		CU_ASSERT_TRUE(snmp_oid_compare(tabs[i - 1]->base, tabs[i - 1]->base_len, t->base,
		                                t->base_len) < 0);
		CU_ASSERT_NOT_EQUAL(snmp_oidtree_compare(t->base, t->base_len, tabs[i - 1]->base,
		                                         tabs[i - 1]->base_len),
		                    0);
	}
}

static void
test_date_and_time(void)
{
	u_char b[11];
	size_t len = mib_date_and_time(1700000000, 250, b); /* 2023-11-14 22:13:20.25 UTC */

	CU_ASSERT_EQUAL(len, 11);
	CU_ASSERT_EQUAL(b[0] * 256 + b[1], 2023);
	CU_ASSERT_EQUAL(b[2], 11);
	CU_ASSERT_EQUAL(b[3], 14);
	CU_ASSERT_EQUAL(b[4], 22);
	CU_ASSERT_EQUAL(b[5], 13);
	CU_ASSERT_EQUAL(b[6], 20);
	CU_ASSERT_EQUAL(b[7], 2);
	CU_ASSERT_EQUAL(b[8], '+');
	CU_ASSERT_EQUAL(mib_date_and_time(0, 0, b), 8);
	CU_ASSERT_EQUAL(b[0] + b[1], 0);
	CU_ASSERT_EQUAL(b[2], 1);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("mib", suite_init, suite_fini);
	CU_add_test(s, "GET a disk", test_get_disk);
	CU_add_test(s, "GET missing instance/column", test_get_missing);
	CU_add_test(s, "GETNEXT from the table", test_getnext_start);
	CU_add_test(s, "GETNEXT wraps columns", test_getnext_column_wrap);
	CU_add_test(s, "walk everything in order", test_walk_all);
	CU_add_test(s, "registration order", test_registration_order);
	CU_add_test(s, "DateAndTime", test_date_and_time);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
