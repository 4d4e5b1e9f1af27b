/*
 * atomicfile.c - write a temporary file, fsync it, rename it over the old
 * one and fsync the directory, so a crash leaves one whole version.
 */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
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

int
atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	char tmp[4096];
	FILE *f = NULL;
	int fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		goto out;
	}
	if (fill(f, arg) < 0 || fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
		goto out;
	rc = 0;
out:
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) == 0) {
		af_sync_dir(path); /* the new content is in place either way */
		return 0;
	}
	unlink(tmp);
	return -1;
}
