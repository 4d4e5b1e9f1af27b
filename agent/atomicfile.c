/* SPDX-License-Identifier: ISC */
/*
 * atomicfile.c - write a temporary file, fsync it, rename it over the old
 * one and fsync the directory, so a crash leaves one whole version; or
 * (atomic_write_lazy) the same without the fsyncs, which atomic_sync()
 * does later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"

static int
af_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/*
 * An old path.tmp goes by unlink, never by O_TRUNC: ext4 flushes a file
 * truncated to 0 when it is closed (auto_da_alloc), on the write's way.
 */
static void
af_unlink_tmp(const char *tmp)
{
	(void)unlink(tmp); /* ENOENT mostly; any other error, the open() says */
}

/* fd is a regular file with no other name (not path.prev's content). */
static int
af_reusable(int fd, struct stat *st)
{
	return fstat(fd, st) == 0 && S_ISREG(st->st_mode) && st->st_nlink == 1;
}

/*
 * tmp takes path's place.  Unsynced (lazy), the two are exchanged where the
 * file system can (path.tmp then holds the old content, which the next
 * atomic_spare() writes over, or unlinks when it is path.prev too): ext4
 * starts writing back a file renamed over another before the rename
 * returns (auto_da_alloc), 0.2 ms of the lazy write's 0.22 ms on a virtio
 * disk; an exchange is not "over" a file.  A power loss before the
 * syncer's fsync may then leave path empty or torn, as the lazy promise
 * allows: its loader falls back on path.prev.
 */
static int
af_replace(const char *tmp, const char *path, int sync)
{
#ifdef RENAME_EXCHANGE
	if (!sync && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0)
		return 0;
		/* ENOENT: no path yet; EINVAL: no exchange on this file system */
#endif
	return rename(tmp, path);
}

/*
 * The temporary file, fill()ed, flushed (fsynced when sync), put in
 * path's place by af_replace() (the directory fsynced when sync).  keep:
 * leave the new file open and put its descriptor there.
 */
static int
af_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg, int sync, int *keep,
         int spare)
{
	char tmp[4096];
	struct stat a, b;
	FILE *f = NULL;
	int fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		if (spare >= 0)
			close(spare);
		return -1;
	}
	/* a spare is used while it is still path.tmp, named nowhere else */
	if (spare >= 0 && (!af_reusable(spare, &a) || stat(tmp, &b) < 0 || a.st_dev != b.st_dev ||
	                   a.st_ino != b.st_ino)) {
		close(spare);
		spare = -1;
	}
	if (spare < 0)
		af_unlink_tmp(tmp);
	fd = spare >= 0 ? spare : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		goto out;
	}
	/* a spare written over keeps no tail of its old content (never cut to 0: see above) */
	if (fill(f, arg) < 0 || fflush(f) != 0 || ferror(f) ||
	    (spare >= 0 && a.st_size > 0 && ftruncate(fileno(f), ftello(f)) != 0) ||
	    (sync && fsync(fileno(f)) != 0))
		goto out;
	if (keep && (*keep = dup(fileno(f))) < 0)
		goto out;
	rc = 0;
out:
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc == 0 && af_replace(tmp, path, sync) == 0) {
		if (sync)
			af_sync_dir(path); /* the new content is in place either way */
		return 0;
	}
	if (keep && rc == 0) {
		close(*keep);
		*keep = -1;
	}
	unlink(tmp);
	return -1;
}

int
atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	return af_write(path, fill, arg, 1, NULL, -1);
}

/* path's content becomes path.prev; path itself stays. */
static int
af_keep_prev(const char *path)
{
	char prev[4096], ptmp[4100];

	if ((size_t)snprintf(prev, sizeof(prev), "%s.prev", path) >= sizeof(prev))
		return -1;
	snprintf(ptmp, sizeof(ptmp), "%s.tmp", prev);
	unlink(ptmp);
	/* a second name for the current content, then it becomes .prev */
	if (link(path, ptmp) == 0) {
		if (rename(ptmp, prev) < 0) {
			unlink(ptmp);
			return -1;
		}
	} else if (errno != ENOENT) {
		return -1;
	}
	return 0;
}

int
atomic_write_gen(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	if (af_keep_prev(path) < 0)
		return -1;
	return atomic_write(path, fill, arg);
}

int
atomic_write_lazy(const char *path, int keep_prev, int (*fill)(FILE *f, void *arg), void *arg,
                  int spare, int *fd)
{
	*fd = -1;
	if (keep_prev && af_keep_prev(path) < 0) {
		if (spare >= 0)
			close(spare);
		return -1;
	}
	return af_write(path, fill, arg, 0, fd, spare);
}

int
atomic_spare(const char *path, int reuse)
{
	char tmp[4096];
	struct stat st;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	/*
	 * The content an exchange left there is written over in place when
	 * nothing else names it: no inode made and none freed per write.  One
	 * that is also path.prev goes by unlink.
	 */
	fd = reuse ? open(tmp, O_WRONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0 && af_reusable(fd, &st))
		return fd;
	if (fd >= 0)
		close(fd);
	af_unlink_tmp(tmp);
	return open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

int
atomic_sync(const char *path, int fd)
{
	int rc = fsync(fd);

	close(fd);
	if (rc == 0)
		rc = af_sync_dir(path);
	return rc;
}

int
atomic_fill_mem(int (*fill)(FILE *f, void *arg), void *arg, char **buf, size_t *len)
{
	FILE *f;
	int rc;

	*buf = NULL;
	if (!(f = open_memstream(buf, len)))
		return -1;
	/* f is this thread's alone: no lock per fputc of the fill */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	rc = fill(f, arg);
	if (fclose(f) != 0 || rc < 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

int
atomic_set_aside(const char *path, char *aside, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (unsigned n = 0; n < 100; n++) {
		int w = n ? snprintf(aside, len, "%s.damaged-%s-%u", path, stamp, n)
		          : snprintf(aside, len, "%s.damaged-%s", path, stamp);

		if (w < 0 || (size_t)w >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (access(aside, F_OK) == 0)
			continue;
		return rename(path, aside) == 0 ? 0 : -1;
	}
	errno = EEXIST;
	return -1;
}
