/* SPDX-License-Identifier: ISC */
/*
 * test_conf.c - configuration parsing (good lines, every kind of bad line
 * with its file:line: reason) and the persistent index map.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "conf.h"
#include "idmap.h"
#include "testutil.h"

static char tmpdir[] = "/tmp/vds-test-conf-XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
test_defaults(void)
{
	struct vds_conf c;
	char err[256];

	conf_defaults(&c);
	CU_ASSERT_EQUAL(conf_load("/nonexistent/vdsd.conf", 0, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.agentx_socket, "/var/agentx/master");
	CU_ASSERT_EQUAL(c.providers.n, 1);
	CU_ASSERT_STRING_EQUAL(c.providers.v[0], "sim");
	CU_ASSERT_EQUAL(c.job_purge_time, 900);
	conf_free(&c);

	conf_defaults(&c);
	CU_ASSERT_EQUAL(conf_load("/nonexistent/vdsd.conf", 1, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
}

static void
test_full(void)
{
	struct vds_conf c;
	char err[256];
	const char *p = write_file("good.conf", "# comment\n"
	                                        "\n"
	                                        "agentXSocket /tmp/x/agentx.sock\n"
	                                        "  stateDir   /tmp/state   \n"
	                                        "provider sim\n"
	                                        "provider basic\n"
	                                        "provider sim\n"
	                                        "allowDevice /dev/loop*\n"
	                                        "imageDisk /tmp/a.img\n"
	                                        "imageDisk /tmp/b.img\n"
	                                        "vdiskRoot /srv/vdisks\n"
	                                        "vdiskroot /var/lib/images\n"
	                                        "jobMaxRunning 8\n"
	                                        "agentxpinginterval 2\n"
	                                        "discovery no\n");

	conf_defaults(&c);
	CU_ASSERT_EQUAL_FATAL(conf_load(p, 1, &c, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.agentx_socket, "/tmp/x/agentx.sock");
	CU_ASSERT_STRING_EQUAL(c.state_dir, "/tmp/state");
	CU_ASSERT_EQUAL(c.providers.n, 2); /* duplicates collapse */
	CU_ASSERT_EQUAL(c.image_disks.n, 2);
	CU_ASSERT_EQUAL_FATAL(c.vdisk_roots.n, 2);
	CU_ASSERT_STRING_EQUAL(c.vdisk_roots.v[1], "/var/lib/images");
	CU_ASSERT_EQUAL(c.job_max_running, 8);
	CU_ASSERT_EQUAL(c.agentx_ping, 2);
	CU_ASSERT_EQUAL(c.discovery, 0);
	CU_ASSERT_TRUE(conf_device_allowed(&c, "/dev/loop3"));
	CU_ASSERT_FALSE(conf_device_allowed(&c, "/dev/sda"));
	CU_ASSERT_FALSE(conf_device_allowed(&c, "/dev/loop/x"));
	conf_free(&c);
}

static void
expect_error(const char *text, const char *reason)
{
	struct vds_conf c;
	char err[256];
	const char *p = write_file("bad.conf", text);

	conf_defaults(&c);
	CU_ASSERT_EQUAL(conf_load(p, 1, &c, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, reason));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.conf:2: "));
	CU_ASSERT_PTR_NULL(c.state_dir); /* freed on error */
}

static void
test_errors(void)
{
	expect_error("provider sim\nfrobnicate yes\n", "unknown directive \"frobnicate\"");
	expect_error("\nprovider zfs\n", "unknown provider \"zfs\"");
	expect_error("\nstateDir relative/path\n", "absolute path");
	expect_error("\njobMaxRunning 0\n", "from 1 to 256");
	expect_error("\njobMaxRunning 12abc\n", "whole number");
	expect_error("\njobMaxRunning -1\n", "whole number");
	expect_error("\ndiscovery maybe\n", "yes or no");
	expect_error("\nimageDisk\n", "needs a value");
	expect_error("\nimageDisk disk.img\n", "absolute path");
	expect_error("\nvdiskRoot images\n", "vdiskRoot needs an absolute path");
	expect_error("\nvdiskRoot\n", "needs a value");
}

/* Reload: restart-only directives are named, every other one is taken. */
static void
test_reload_split(void)
{
	struct vds_conf cur, next;
	char names[256], err[256];

	conf_defaults(&cur);
	conf_defaults(&next);
	CU_ASSERT_EQUAL(conf_restart_needed(&cur, &next, names, sizeof(names)), 0);
	CU_ASSERT_STRING_EQUAL(names, "");
	CU_ASSERT_EQUAL(conf_parse_line(&next, "jobMaxRunning 9", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "simJobDuration 77", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "simHoldDir /tmp/h", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "simFailDisk sim3", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "simRemoveDisk sim4", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "vdiskRoot /srv/v", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_restart_needed(&cur, &next, names, sizeof(names)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "agentXPingInterval 2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "discovery no", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_parse_line(&next, "provider lvm", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_restart_needed(&cur, &next, names, sizeof(names)), 3);
	CU_ASSERT_STRING_EQUAL(names, "agentXPingInterval, provider, discovery");
	conf_take_reloadable(&cur, &next);
	CU_ASSERT_EQUAL(cur.job_max_running, 9);
	CU_ASSERT_EQUAL(cur.sim_job_ms, 77);
	CU_ASSERT_STRING_EQUAL(cur.sim_hold_dir, "/tmp/h");
	CU_ASSERT_EQUAL_FATAL(cur.sim_fail_disks.n, 1);
	CU_ASSERT_STRING_EQUAL(cur.sim_fail_disks.v[0], "sim3");
	CU_ASSERT_EQUAL_FATAL(cur.sim_remove_disks.n, 1);
	CU_ASSERT_STRING_EQUAL(cur.sim_remove_disks.v[0], "sim4");
	CU_ASSERT_EQUAL_FATAL(cur.vdisk_roots.n, 1);
	CU_ASSERT_EQUAL(cur.agentx_ping, 5); /* restart-only: the old value stays */
	CU_ASSERT_EQUAL(cur.discovery, 1);
	CU_ASSERT_EQUAL(cur.providers.n, 0);
	CU_ASSERT_EQUAL(next.job_max_running, 4); /* next holds the old values */
	CU_ASSERT_PTR_NULL(next.sim_hold_dir);
	conf_free(&cur);
	conf_free(&next);
}

static void
test_idmap_persists(void)
{
	struct idmap *m;
	char path[512], o1[37], o2[37], o3[37];
	uint32_t a, b, c, a2, b2;

	snprintf(path, sizeof(path), "%s/index.map", tmpdir);
	CU_ASSERT_EQUAL_FATAL(idmap_open(path, 3, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "serial:X", &a, o1), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "serial:Y", &b, o2), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 1, "serial:X", &c, o3), 0); /* classes are separate */
	CU_ASSERT_EQUAL(a, 1);
	CU_ASSERT_EQUAL(b, 2);
	CU_ASSERT_EQUAL(c, 1);
	CU_ASSERT_STRING_NOT_EQUAL(o1, o2);
	CU_ASSERT_EQUAL(strlen(o1), 36);
	CU_ASSERT_EQUAL(o1[14], '4'); /* version 4 */
	CU_ASSERT_EQUAL(idmap_flush(m), 0);
	idmap_close(m);

	CU_ASSERT_EQUAL_FATAL(idmap_open(path, 3, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "serial:Y", &b2, o3), 0);
	CU_ASSERT_EQUAL(b2, b);
	CU_ASSERT_STRING_EQUAL(o3, o2);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "serial:X", &a2, NULL), 0);
	CU_ASSERT_EQUAL(a2, a);
	/* A new key never reuses an index. */
	CU_ASSERT_EQUAL(idmap_get(m, 0, "serial:Z", &c, NULL), 0);
	CU_ASSERT_EQUAL(c, 3);
	idmap_close(m);
}

static void
test_idmap_garbage(void)
{
	struct idmap *m;
	uint32_t i;
	const char *p = write_file("garbage.map", "0 7 2b0b5a3e-0000-4000-8000-000000000000 k1\n"
	                                          "not a line\n"
	                                          "9 1 x k\n"
	                                          "0 0 y k0\n");

	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "k1", &i, NULL), 0);
	CU_ASSERT_EQUAL(i, 7);
	/* a damaged format 1 file has no floor: a new key stays clear of lost lines */
	CU_ASSERT_EQUAL(idmap_get(m, 0, "new", &i, NULL), 0);
	CU_ASSERT(i > 7 + 1000);
	idmap_close(m);
	CU_ASSERT_EQUAL(sh("ls %s/garbage.map.damaged-* >/dev/null", tmpdir), 0);
	CU_ASSERT_EQUAL(sh("head -1 %s | grep -q '^vdsd-index-map 2 '", p), 0);
}

/* n keys "kN" in class 0 and "pN" in class 1, written; their indexes out. */
static void
idmap_fill_keys(const char *p, unsigned n, uint32_t *idx)
{
	struct idmap *m;
	char key[32];

	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	for (unsigned k = 0; k < n; k++) {
		snprintf(key, sizeof(key), "k%u key with blanks", k);
		CU_ASSERT_EQUAL(idmap_get(m, 0, key, &idx[k], NULL), 0);
		snprintf(key, sizeof(key), "p%u", k);
		CU_ASSERT_EQUAL(idmap_get(m, 1, key, &idx[n + k], NULL), 0);
	}
	idmap_close(m);
}

/* After damage: every key keeps its index or gets one no key ever had. */
static void
idmap_check_keys(const char *p, unsigned n, const uint32_t *idx, unsigned *kept)
{
	struct idmap *m;
	char key[32];
	uint32_t i;

	*kept = 0;
	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	for (unsigned k = 0; k < 2 * n; k++) {
		if (k < n)
			snprintf(key, sizeof(key), "k%u key with blanks", k);
		else
			snprintf(key, sizeof(key), "p%u", k - n);
		CU_ASSERT_EQUAL(idmap_get(m, k < n ? 0 : 1, key, &i, NULL), 0);
		if (i == idx[k]) {
			(*kept)++;
			continue;
		}
		for (unsigned o = 0; o < 2 * n; o++) /* never another key's old index */
			if ((o < n) == (k < n))
				CU_ASSERT_NOT_EQUAL(i, idx[o]);
	}
	idmap_close(m);
}

static void
test_idmap_damage(void)
{
	enum { N = 40 };
	uint32_t idx[2 * N];
	unsigned kept;
	const char *p = write_file("dmg.map", "");

	unlink(p);
	idmap_fill_keys(p, N, idx);
	idmap_check_keys(p, N, idx, &kept); /* a restart: .prev now has every key */
	CU_ASSERT_EQUAL(kept, 2 * N);
	/* cut in half: the first half kept, the rest from index.map.prev */
	CU_ASSERT_EQUAL(sh("truncate -s $(($(stat -c %%s %s) / 2)) %s", p, p), 0);
	idmap_check_keys(p, N, idx, &kept);
	CU_ASSERT_EQUAL(kept, 2 * N);
	/* cut, no previous generation: lost keys get fresh indexes */
	CU_ASSERT_EQUAL(sh("rm -f %s.prev && truncate -s $(($(stat -c %%s %s) / 2)) %s", p, p, p),
	                0);
	idmap_check_keys(p, N, idx, &kept);
	CU_ASSERT(kept > 0 && kept < 2 * N);
	/* random bytes in the middle and a duplicated line */
	unlink(p);
	CU_ASSERT_EQUAL(sh("rm -f %s.prev", p), 0);
	idmap_fill_keys(p, N, idx);
	CU_ASSERT_EQUAL(sh("rm -f %s.prev && head -c 64 /dev/urandom | dd of=%s bs=1 seek=900 "
	                   "conv=notrunc status=none && sed -n 5p %s >> %s",
	                   p, p, p, p),
	                0);
	idmap_check_keys(p, N, idx, &kept);
	CU_ASSERT(kept > 0);
	/* empty file */
	CU_ASSERT_EQUAL(sh(": > %s", p), 0);
	idmap_check_keys(p, N, idx, &kept);
}

/*
 * index.map deleted after a crash: indexes handed out since its last write
 * are in no file, below its lost floor.  index.map.prev (here the exact
 * floors of a clean stop) does not know them: a new key stays clear.
 */
static void
test_idmap_lost_floor(void)
{
	enum { N = 10 };
	uint32_t idx[2 * N], i, crashed;
	struct idmap *m;
	const char *p = write_file("lost.map", "");

	unlink(p);
	idmap_fill_keys(p, N, idx); /* a clean stop: exact floors */
	CU_ASSERT_EQUAL(sh("cp %s %s.stop", p, p), 0);
	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "served, then the crash", &crashed, NULL), 0);
	idmap_close(m);
	/* as if killed before the write: only the clean stop's file, as .prev */
	CU_ASSERT_EQUAL(sh("mv %s.stop %s.prev && rm %s", p, p, p), 0);
	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "k0 key with blanks", &i, NULL), 0);
	CU_ASSERT_EQUAL(i, idx[0]); /* known from .prev */
	CU_ASSERT_EQUAL(idmap_get(m, 0, "another object", &i, NULL), 0);
	CU_ASSERT(i > crashed);
	idmap_close(m);
}

static void
test_idmap_duplicate(void)
{
	struct idmap *m;
	uint32_t a, b, c, i;
	/* B3: two disks claim index 3: the first keeps it, the second gets a new one */
	const char *p =
	    write_file("dup.map", "0 3 2b0b5a3e-0000-4000-8000-000000000000 sim:sim0\n"
	                          "0 3 2b0b5a3e-0000-4000-8000-000000000001 sim:sim1\n"
	                          "0 4 2b0b5a3e-0000-4000-8000-000000000002 sim:sim2\n");

	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "sim:sim0", &a, NULL), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "sim:sim1", &b, NULL), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "sim:sim2", &c, NULL), 0);
	CU_ASSERT_EQUAL(a, 3);
	CU_ASSERT(b > 4);
	CU_ASSERT_EQUAL(c, 4);
	idmap_close(m);
	CU_ASSERT_EQUAL(sh("ls %s/dup.map.damaged-* >/dev/null", tmpdir), 0);
	/* after the rewrite: the same answers, the duplicate is gone */
	CU_ASSERT_EQUAL_FATAL(idmap_open(p, 2, &m), 0);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "sim:sim1", &i, NULL), 0);
	CU_ASSERT_EQUAL(i, b);
	CU_ASSERT_EQUAL(idmap_get(m, 0, "sim:sim0", &i, NULL), 0);
	CU_ASSERT_EQUAL(i, 3);
	idmap_close(m);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;
	char cmd[256];

	if (!mkdtemp(tmpdir) || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("conf", NULL, NULL);
	CU_add_test(s, "defaults", test_defaults);
	CU_add_test(s, "every directive", test_full);
	CU_add_test(s, "bad lines name file, line and reason", test_errors);
	CU_add_test(s, "reload: restart-only named, the rest taken", test_reload_split);
	s = CU_add_suite("idmap", NULL, NULL);
	CU_add_test(s, "indexes persist", test_idmap_persists);
	CU_add_test(s, "malformed lines are skipped", test_idmap_garbage);
	CU_add_test(s, "damage never reassigns an index", test_idmap_damage);
	CU_add_test(s, "a duplicated index is retired", test_idmap_duplicate);
	CU_add_test(s, "a lost floor is never undercut", test_idmap_lost_floor);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return failed ? 1 : 0;
}
