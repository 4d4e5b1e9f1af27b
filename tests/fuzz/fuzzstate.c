/* SPDX-License-Identifier: ISC */
/*
 * fuzzstate.c - a state directory for the state-file fuzz targets.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzzstate.h"
#include "log.h"

static void
fs_sink(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

const char *
fuzzstate_put(const char *name, const uint8_t *data, size_t size)
{
	static char dir[] = "/tmp/vds-fuzzstate-XXXXXX";
	static int made;
	char path[256];
	struct dirent *e;
	DIR *d;
	FILE *f;

	if (!made) {
		if (!mkdtemp(dir))
			abort();
		log_set_sink(fs_sink);
		made = 1;
	}
	if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return dir;
}
