/* SPDX-License-Identifier: ISC */
/*
 * test_atomicfile.c - lazy whole-file writes (agent/atomicfile.h) on a real
 * file system: the content at path is exactly the last one written, also
 * when it shrinks over a spare that held a longer one; a spare is the
 * exchanged-out content written over in place only when nothing else names
 * it and reuse is asked, never path.prev's; a spare that is not a plain
 * file is refused.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "atomicfile.h"
#include "curun.h"

static char dir[64], path[128], tmp[140], prev[140];

static int
put_text(FILE *f, void *arg)
{
	return fputs(arg, f) < 0 ? -1 : 0;
}

static char *
slurp(const char *p)
{
	static char buf[8192];
	FILE *f = fopen(p, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static ino_t
ino(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_ino : 0;
}

/* A lazy write with a fresh spare, as the state writer does it. */
static int
lazy(const char *text, int keep_prev)
{
	int fd, spare = atomic_spare(path, 1);
	int rc = atomic_write_lazy(path, keep_prev, put_text, (void *)text, spare, &fd);

	if (rc == 0)
		close(fd);
	return rc;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-atomicfile.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(prev, sizeof(prev), "%s.prev", path);
}

static void
teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Long, then short over the long one's inode: no tail of the old content. */
static void
test_shrink_over_spare(void)
{
	static char longer[3000];

	memset(longer, 'x', sizeof(longer) - 2);
	longer[sizeof(longer) - 2] = '\n';
	CU_ASSERT_EQUAL_FATAL(lazy("first\n", 0), 0);
	CU_ASSERT_EQUAL_FATAL(lazy(longer, 0), 0);
	CU_ASSERT_STRING_EQUAL(slurp(path), longer);
	CU_ASSERT_STRING_EQUAL(slurp(tmp), "first\n"); /* the exchanged-out content */
	CU_ASSERT_EQUAL_FATAL(lazy("short\n", 0), 0);  /* over "first"'s inode */
	CU_ASSERT_STRING_EQUAL(slurp(path), "short\n");
	CU_ASSERT_EQUAL_FATAL(lazy("tiny\n", 0), 0); /* over the 3000 bytes */
	CU_ASSERT_STRING_EQUAL(slurp(path), "tiny\n");
}

/* The spare is the content an exchange left at path.tmp: no new inode per write. */
static void
test_spare_reused(void)
{
	ino_t a, b;

	CU_ASSERT_EQUAL_FATAL(lazy("one\n", 0), 0);
	a = ino(path);
	CU_ASSERT_EQUAL_FATAL(lazy("two\n", 0), 0);
	b = ino(path);
	CU_ASSERT_EQUAL(ino(tmp), a);
	CU_ASSERT_EQUAL_FATAL(lazy("three\n", 0), 0);
	CU_ASSERT_EQUAL(ino(path), a); /* "one"'s inode, written over */
	CU_ASSERT_EQUAL(ino(tmp), b);
	CU_ASSERT_STRING_EQUAL(slurp(path), "three\n");
}

/* reuse 0 (an fsync of the old content may be in flight): the old content is not written over. */
static void
test_no_reuse(void)
{
	char buf[16] = "";
	int fd, old;

	CU_ASSERT_EQUAL_FATAL(lazy("one\n", 0), 0);
	CU_ASSERT_EQUAL_FATAL(lazy("two\n", 0), 0);
	old = open(tmp, O_RDONLY); /* "one", as the syncer would hold it */
	CU_ASSERT_FATAL(old >= 0);
	fd = atomic_spare(path, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(atomic_write_lazy(path, 0, put_text, "three\n", fd, &fd), 0);
	close(fd);
	CU_ASSERT_STRING_EQUAL(slurp(path), "three\n");
	CU_ASSERT_EQUAL(pread(old, buf, sizeof(buf) - 1, 0), 4);
	CU_ASSERT_STRING_EQUAL(buf, "one\n");
	close(old);
}

/* A content kept as path.prev is never written over as a spare. */
static void
test_prev_never_reused(void)
{
	ino_t a;

	CU_ASSERT_EQUAL_FATAL(lazy("synced\n", 0), 0);
	a = ino(path);
	CU_ASSERT_EQUAL_FATAL(lazy("next\n", 1), 0); /* "synced" becomes path.prev */
	CU_ASSERT_EQUAL(ino(prev), a);
	CU_ASSERT_EQUAL_FATAL(lazy("after\n", 0), 0);
	CU_ASSERT_NOT_EQUAL(ino(path), a);
	CU_ASSERT_STRING_EQUAL(slurp(prev), "synced\n");
	CU_ASSERT_STRING_EQUAL(slurp(path), "after\n");
	CU_ASSERT_EQUAL_FATAL(lazy("later\n", 0), 0);
	CU_ASSERT_STRING_EQUAL(slurp(prev), "synced\n");
}

/* Something other than a plain file at path.tmp: no spare, no write, path untouched. */
static void
test_odd_tmp_refused(void)
{
	int fd;

	CU_ASSERT_EQUAL_FATAL(lazy("kept\n", 0), 0);
	unlink(tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0);
	CU_ASSERT_EQUAL(atomic_spare(path, 1), -1);
	CU_ASSERT_EQUAL(atomic_write_lazy(path, 0, put_text, "lost\n", -1, &fd), -1);
	CU_ASSERT_STRING_EQUAL(slurp(path), "kept\n");
	CU_ASSERT_EQUAL(rmdir(tmp), 0);
	CU_ASSERT_EQUAL_FATAL(symlink(path, tmp), 0); /* never written through */
	fd = atomic_spare(path, 1);
	CU_ASSERT(fd >= 0);
	CU_ASSERT_EQUAL(lazy("new\n", 0), 0);
	if (fd >= 0)
		close(fd);
	CU_ASSERT_STRING_EQUAL(slurp(path), "new\n");
	CU_ASSERT_STRING_EQUAL(slurp(tmp), "kept\n");
}

int
main(void)
{
	static const struct cu_test tests[] = {
	    {"shrinking content over a spare", test_shrink_over_spare},
	    {"the spare is the old content's inode", test_spare_reused},
	    {"path.prev is never a spare", test_prev_never_reused},
	    {"no reuse asked: the old content untouched", test_no_reuse},
	    {"odd path.tmp refused", test_odd_tmp_refused},
	};

	return cu_run("atomicfile", setup, teardown, tests, sizeof(tests) / sizeof(tests[0]));
}
