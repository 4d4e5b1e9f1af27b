/* SPDX-License-Identifier: ISC */
/*
 * test_jobstore_damage.c - jobs.db as untrusted input: every damaged value
 * is caught on load and its row quarantined with a reason that names the
 * column and the value, the same rules hold for a row checked in memory,
 * and files of schema 1 and 2 are migrated without losing a value.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "job.h"
#include "jobrow.h"
#include "jobstore.h"
#include "jobstorefix.h"
#include "log.h"
#include "staterr.h"

/* Each damaged value is caught on load: the row is kept aside, never served. */
static void
test_damaged_values_quarantined(void)
{
	static const char *const damage[] = {
	    "UPDATE jobs SET p_disks = '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17' WHERE handle = "
	    "21",
	    "UPDATE jobs SET percent = x'deadbeef' WHERE handle = 22",
	    "UPDATE jobs SET status = 77 WHERE handle = 23",
	    "UPDATE jobs SET owner = printf('%.5000c', 'x') WHERE handle = 24",
	    "UPDATE jobs SET p_volume = 4294967296 WHERE handle = 25",
	    "UPDATE jobs SET hresult = 5 WHERE handle = 26",
	    "UPDATE jobs SET o_objid = 'not-a-uuid' WHERE handle = 27",
	    "UPDATE jobs SET details = NULL WHERE handle = 28",
	    "UPDATE jobs SET p_disks = '1,0' WHERE handle = 29",
	};
	size_t n = sizeof(damage) / sizeof(damage[0]);
	struct job a;

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 20; h <= 21 + n; h++) {
		a = row(h, JOB_ST_SUCCEEDED);
		a.run->po.params.ndisks = 2;
		a.run->po.params.disks[0] = 4;
		a.run->po.params.disks[1] = 9;
		CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	}
	jobstore_close();
	for (size_t i = 0; i < n; i++)
		raw_sql(damage[i]);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL(nloaded, 2); /* 20 and 21 + n, the intact ones */
	for (size_t i = 0; i < nloaded; i++) {
		CU_ASSERT(loaded[i]->handle == 20 || loaded[i]->handle == 21 + n);
		CU_ASSERT_EQUAL(job_params(loaded[i])->ndisks, 2);
		CU_ASSERT_EQUAL(job_params(loaded[i])->disks[1], 9);
	}
	CU_ASSERT_EQUAL(staterr_count(), n);
	CU_ASSERT(jobstore_handle_floor() >= 21 + n);
	jobstore_close();
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM quarantine"), (long long)n);
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM jobs"), 2);
}

/*
 * A quarantine reason names the column and the value it found there (a
 * reason read "owner: bad text0" once): an operator can find the damage.
 */
static void
test_reason_names_column_and_value(void)
{
	static const struct {
		const char *set, *col, *value;
	} damage[] = {
	    {"p_disks = '1,x,3'", "p_disks", "\"1,x,3\""},
	    {"p_disks = '4,0'", "p_disks", "\"4,0\""},
	    {"percent = x'deadbeef'", "percent", "blob of 4 bytes"},
	    {"status = 77", "status", "77"},
	    {"owner = 'bell' || char(7)", "owner", "\"bell\\x07\""},
	    {"owner = printf('%.300c', 'y')", "owner", "300 bytes"},
	    {"p_volume = 4294967296", "p_volume", "4294967296"},
	    {"hresult = 5", "hresult", "0x00000005"},
	    {"o_objid = 'not-a-uuid'", "o_objid", "\"not-a-uuid\""},
	    {"details = NULL", "details", "NULL"},
	    {"p_type = 'createPartition'", "p_type", "\"createPartition\""},
	    {"keep = 2.5", "keep", "real 2.5"},
	    {"end_ms = 0", "end_ms", "0 does not match status 4 (succeeded)"},
	};
	size_t n = sizeof(damage) / sizeof(damage[0]);
	char sql[256];

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	for (uint32_t h = 1; h <= n; h++) {
		struct job a = row(h, JOB_ST_SUCCEEDED);

		CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	}
	jobstore_close();
	for (size_t i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "UPDATE jobs SET %s WHERE handle = %zu", damage[i].set,
		         i + 1);
		raw_sql(sql);
	}
	nheard = 0;
	log_set_sink(heard_sink);
	CU_ASSERT_EQUAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	jobstore_close();
	log_set_sink(quiet);
	CU_ASSERT_EQUAL(nloaded, 0);
	for (size_t i = 0; i < n; i++) {
		const char *why = heard_for((uint32_t)i + 1);

		if (strncmp(why, damage[i].col, strlen(damage[i].col)) != 0 ||
		    !strstr(why, damage[i].value) || strstr(why, "%")) {
			printf("\n  %s: reason \"%s\" does not name %s and %s\n", damage[i].set,
			       why, damage[i].col, damage[i].value);
			CU_FAIL("the reason names the column and the value");
		}
	}
}

/* The same for rows checked in memory (v1 blobs decoded, fuzzers). */
static void
test_valid_reason_in_memory(void)
{
	struct job a = row(5, JOB_ST_RUNNING);
	char why[256], longer[JOB_OWNER_SIZE + 8], ctl[] = "tab\tok, escape \x1b not";

	/* Text columns are heap strings (job_text_set cuts them); these are not. */
	memset(longer, 'z', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	a.texts->s[JT_OWNER] = longer; /* no NUL within JOB_OWNER_SIZE */
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "owner: ", 7) == 0 && strstr(why, "\"zzzz") &&
	          strstr(why, "not terminated"));
	a = row(5, JOB_ST_RUNNING);
	a.texts->s[JT_DETAILS] = ctl;
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "details: ", 9) == 0 && strstr(why, "0x1b") &&
	          strstr(why, "tab\tok, escape"));
	a = row(5, JOB_ST_RUNNING);
	a.run->po.params.ndisks = 2;
	a.run->po.params.disks[0] = 3;
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "p_disks: ", 9) == 0 && strstr(why, "index 0 at position 2"));
	a = row(5, JOB_ST_RUNNING);
	a.result = VDS_R_OK;
	CU_ASSERT_EQUAL(row_valid(&a, why, sizeof(why)), -1);
	CU_ASSERT(strncmp(why, "result: 1 (", 11) == 0 && strstr(why, "status 3 (running)"));
}

/*
 * The structs schema 1 stored as blobs, as that vdsd compiled them (x86-64
 * and every other LP64 ABI): a fixture of the old file format, frozen.
 */
struct v1_params {
	int32_t type;
	uint32_t disk, partition, pack, volume, plex, vdisk;
	uint64_t offset, size;
	char partition_type[40];
	int32_t volume_type;
	uint32_t disks[16];
	uint32_t ndisks;
	uint64_t stripe_size;
	uint32_t plex_count;
	char path[256];
	int32_t vdisk_type, vdisk_format;
	char name[64];
	int32_t init_label, read_only;
};
struct v1_outputs {
	uint64_t offset;
	uint32_t partition, volume;
	uint64_t reclaimed;
	uint32_t vdisk;
	char objid[37];
};

/* A schema 1 file: struct blobs tagged by their sizes. */
static void
test_migrate_v1(void)
{
	struct v1_params p = {.type = JOB_CREATE_VOLUME, .size = 8 << 20, .ndisks = 2};
	struct v1_outputs o = {.volume = 3};
	long long layout = (long long)(sizeof(p) << 16 | sizeof(o));
	char sql[8192], *hp, *ho;
	size_t off = 0;

	p.disks[0] = 1, p.disks[1] = 2;
	p.volume_type = INV_VT_MIRROR;
	hp = calloc(1, 2 * sizeof(p) + 1);
	ho = calloc(1, 2 * sizeof(o) + 1);
	for (size_t i = 0; i < sizeof(p); i++)
		off += (size_t)sprintf(hp + off, "%02x", ((unsigned char *)&p)[i]);
	off = 0;
	for (size_t i = 0; i < sizeof(o); i++)
		off += (size_t)sprintf(ho + off, "%02x", ((unsigned char *)&o)[i]);
	snprintf(sql, sizeof(sql),
	         "CREATE TABLE jobs (handle INTEGER PRIMARY KEY, status INTEGER, percent INTEGER,"
	         " result INTEGER, hresult INTEGER, error_name TEXT, error_message TEXT, details"
	         " TEXT, owner TEXT, keep INTEGER, control INTEGER, cancel_state INTEGER, notify"
	         " INTEGER, provider TEXT, create_ms INTEGER, start_ms INTEGER, end_ms INTEGER,"
	         " update_ms INTEGER, layout INTEGER, params BLOB, outputs BLOB);"
	         "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER);"
	         "INSERT INTO meta VALUES ('handle_floor', 40);"
	         "INSERT INTO jobs VALUES (31, 4, 100, 1, 0, '', '', '', 'ops', 0, 1, 1, 0, 'sim',"
	         " 1700000000000, 1700000000001, 1700000000002, 1700000000002, %lld, x'%s', x'%s');"
	         "INSERT INTO jobs VALUES (32, 1, 0, 2, 2147755017, '', '', '', '', 0, 1, 1, 0, '',"
	         " 1700000000000, 0, 0, 1700000000000, %lld, x'%s', x'%s');"
	         "INSERT INTO jobs VALUES (33, 4, 100, 1, 0, '', '', '', '', 0, 1, 1, 0, '',"
	         " 1700000000000, 1, 1700000000002, 1, %lld, x'00', x'%s');"
	         "INSERT INTO jobs VALUES (34, 99, 100, 1, 0, '', '', '', '', 0, 1, 1, 0, '',"
	         " 1700000000000, 1, 1700000000002, 1, %lld, x'%s', x'%s');",
	         layout, hp, ho, layout, hp, ho, layout, ho, layout, hp, ho);
	/* job 32: ndisks 1000 in its blob */
	raw_sql(sql);
	raw_sql("UPDATE jobs SET params = substr(params, 1, 156) || x'e8030000' ||"
	        " substr(params, 161) WHERE handle = 32");
	free(hp);
	free(ho);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nloaded, 3); /* 34 (status 99) quarantined whole */
	for (size_t i = 0; i < nloaded; i++) {
		const struct job *j = loaded[i];

		if (j->handle == 31) {
			CU_ASSERT_EQUAL(j->params_unknown, 0);
			CU_ASSERT_EQUAL(job_params(j)->type, JOB_CREATE_VOLUME);
			CU_ASSERT_EQUAL(job_params(j)->ndisks, 2);
			CU_ASSERT_EQUAL(job_params(j)->disks[1], 2);
			CU_ASSERT_EQUAL(job_outputs(j)->volume, 3);
			CU_ASSERT_STRING_EQUAL(job_text(j, JT_OWNER), "ops");
		} else {
			CU_ASSERT(j->handle == 32 || j->handle == 33);
			CU_ASSERT_EQUAL(j->params_unknown, 1);
			CU_ASSERT_EQUAL(job_params(j)->ndisks, 0);
		}
	}
	CU_ASSERT_EQUAL(staterr_count(), 3);
	CU_ASSERT_EQUAL(jobstore_handle_floor(), 40);
	jobstore_close();
	CU_ASSERT_EQUAL(raw_count("PRAGMA user_version"), 3);
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM quarantine WHERE handle = 34"), 1);
}

/*
 * A schema 2 file (the columns before format, clean, recoverPack, ...):
 * its rows keep every value, the new columns read "not set", and the file
 * is schema 3 afterwards.
 */
static void
test_migrate_v2(void)
{
	static const char *const added[] = {
	    "p_fs_type",     "p_alloc_unit",   "p_force", "p_full_clean", "p_allow_data_loss",
	    "p_merge_depth", "p_parity_count", "o_plex",  "o_recovered",  "o_lost"};
	struct job a = row(9, JOB_ST_SUCCEEDED);
	char sql[128];

	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	jobstore_close();
	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE jobs DROP COLUMN %s", added[i]);
		raw_sql(sql);
	}
	raw_sql("PRAGMA user_version = 2");
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM pragma_table_info('jobs')"),
	                jobrow_ncols() - 10);
	staterr_reset();
	CU_ASSERT_EQUAL_FATAL(jobstore_open(dir), 0);
	CU_ASSERT_EQUAL(jobstore_load(collect, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(nloaded, 1);
	CU_ASSERT_EQUAL(loaded[0]->handle, 9);
	CU_ASSERT_EQUAL(job_params(loaded[0])->type, JOB_SHRINK_VOLUME);
	CU_ASSERT_EQUAL(job_params(loaded[0])->volume, 5);
	CU_ASSERT_STRING_EQUAL(job_params(loaded[0])->fs_type, "");
	CU_ASSERT_EQUAL(job_outputs(loaded[0])->plex, 0);
	CU_ASSERT_EQUAL(staterr_count(), 0);
	/* the new columns are stored from now on */
	a = row(10, JOB_ST_SUCCEEDED);
	a.run->po.params.type = JOB_FORMAT;
	snprintf(a.run->po.params.fs_type, sizeof(a.run->po.params.fs_type), "xfs");
	a.run->po.params.force = 1;
	CU_ASSERT_EQUAL(jobstore_save(&a), 0);
	jobstore_close();
	CU_ASSERT_EQUAL(raw_count("PRAGMA user_version"), 3);
	CU_ASSERT_EQUAL(raw_count("SELECT count(*) FROM pragma_table_info('jobs')"),
	                jobrow_ncols());
	CU_ASSERT_EQUAL(raw_count("SELECT p_force FROM jobs WHERE handle = 10 AND"
	                          " p_fs_type = 'xfs'"),
	                1);
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"damaged values quarantined", test_damaged_values_quarantined},
	    {"reason names the column and the value", test_reason_names_column_and_value},
	    {"reason of a row checked in memory", test_valid_reason_in_memory},
	    {"schema 1 migrated", test_migrate_v1},
	    {"schema 2 migrated", test_migrate_v2},
	};

	log_set_sink(quiet);
	return cu_run("jobstore damage", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
