/* SPDX-License-Identifier: ISC */
/*
 * test_child.c - the providers' child-process runner on real processes:
 * output, exit status, missing tools, a deadline that kills, a grandchild
 * that keeps the pipe open, large output and the fixed environment.
 * (Cancel is covered through the worker pool by test_basic's e2fsck case.)
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "child.h"

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int
run_sh(struct child *c, const char *script)
{
	static const char *argv[4];

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = NULL;
	c->argv = argv;
	return child_run(c);
}

static void
test_output(void)
{
	struct child c = {.keep_out = 1};

	CU_ASSERT_EQUAL(run_sh(&c, "echo out; echo err >&2; exit 3"), 0);
	CU_ASSERT_EQUAL(c.status, 3);
	CU_ASSERT_STRING_EQUAL(c.out ? c.out : "", "out\n");
	CU_ASSERT_STRING_EQUAL(c.tail, "err\n");
	CU_ASSERT_FALSE(c.timed_out || c.hung || c.cancelled || c.exec_errno);
	child_free(&c);
}

static void
test_merged(void)
{
	struct child c = {.merge = 1};

	CU_ASSERT_EQUAL(run_sh(&c, "echo one; echo two >&2; kill -TERM $$"), 0);
	CU_ASSERT_EQUAL(c.status, 128 + 15);
	CU_ASSERT_STRING_EQUAL(c.tail, "one\ntwo\n");
	CU_ASSERT_PTR_NULL(c.out);
}

static void
test_missing_tool(void)
{
	const char *argv[] = {"/nonexistent/tool", NULL};
	struct child c = {.argv = argv};

	CU_ASSERT_EQUAL(child_run(&c), 0);
	CU_ASSERT_EQUAL(c.exec_errno, ENOENT);
	CU_ASSERT_EQUAL(c.status, 127);
}

static void
test_deadline(void)
{
	struct child c = {.timeout_ms = 300};
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(run_sh(&c, "exec sleep 20"), 0);
	CU_ASSERT_TRUE(c.timed_out);
	CU_ASSERT_FALSE(c.hung);
	CU_ASSERT_EQUAL(c.status, 128 + 9);
	CU_ASSERT_TRUE(elapsed_ms(&t0) >= 300 &&
	               elapsed_ms(&t0) < 15000); /* killed long before 20 s */
	CU_ASSERT_EQUAL(child_hung_count(), 0);
}

/* A daemonised grandchild keeps the pipe: the tool's own exit still ends the run. */
static void
test_grandchild(void)
{
	struct child c = {.keep_out = 1, .timeout_ms = 10000};
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(run_sh(&c, "sleep 30 & echo done"), 0);
	CU_ASSERT_EQUAL(c.status, 0);
	CU_ASSERT_STRING_EQUAL(c.out ? c.out : "", "done\n");
	CU_ASSERT_TRUE(elapsed_ms(&t0) < 15000); /* not the 30 s of the grandchild */
	CU_ASSERT_FALSE(c.timed_out);
	child_free(&c);
}

static size_t big_seen;

static void
count(void *arg, const char *buf, size_t n)
{
	(void)arg;
	(void)buf;
	big_seen += n;
}

static void
test_large(void)
{
	struct child c = {.keep_out = 1, .data = count};

	big_seen = 0;
	CU_ASSERT_EQUAL(run_sh(&c,
	                       "head -c 3000000 /dev/zero | tr '\\0' x; head -c 5000 /dev/zero | "
	                       "tr '\\0' e >&2"),
	                0);
	CU_ASSERT_EQUAL(c.status, 0);
	CU_ASSERT_EQUAL(c.outlen, 3000000);
	CU_ASSERT_EQUAL(big_seen, 3000000);
	CU_ASSERT_TRUE(c.out && strspn(c.out, "x") == 3000000);
	CU_ASSERT_EQUAL(strlen(c.tail), sizeof(c.tail) - 1);
	child_free(&c);
}

static void
test_env(void)
{
	const char *envp[] = {"ONLY=this", NULL};
	struct child c = {.keep_out = 1, .envp = envp};

	CU_ASSERT_EQUAL(run_sh(&c, "echo \"$ONLY:${LC_ALL:-none}\""), 0);
	CU_ASSERT_STRING_EQUAL(c.out ? c.out : "", "this:none\n");
	child_free(&c);
	c.envp = NULL;
	CU_ASSERT_EQUAL(run_sh(&c, "echo \"$LC_ALL:$PATH\"; ls /proc/self/fd | wc -l"), 0);
	/* LC_ALL=C and the fixed PATH; only 0, 1, 2 and ls's own directory fd are open */
	CU_ASSERT_STRING_EQUAL(c.out ? c.out : "", "C:/usr/sbin:/usr/bin:/sbin:/bin\n4\n");
	child_free(&c);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("child", NULL, NULL);
	CU_add_test(s, "output and status", test_output);
	CU_add_test(s, "merged output, killed by a signal", test_merged);
	CU_add_test(s, "missing tool", test_missing_tool);
	CU_add_test(s, "deadline", test_deadline);
	CU_add_test(s, "grandchild holds the pipe", test_grandchild);
	CU_add_test(s, "large output", test_large);
	CU_add_test(s, "environment and descriptors", test_env);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
