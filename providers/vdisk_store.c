/*
 * vdisk_store.c - the vdisk state file.
 *
 * Format, after a comment line: "FORMAT TYPE VSIZE PATH" per vdisk, the
 * path last so it may hold blanks.  A line that does not parse makes the
 * whole file refused (vdsd then does not start the provider rather than
 * forget vdisks silently).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "vdisk_store.h"

#define VDR_HEADER "# vdsd vdisk provider state v1: FORMAT TYPE VSIZE PATH"

static int
vdr_parse(const char *line, struct vdr_rec *r)
{
	unsigned fmt, type;
	uint64_t vsize;
	int pos = 0;
	size_t l;

	if (sscanf(line, "%u %u %" SCNu64 " %n", &fmt, &type, &vsize, &pos) != 3 || pos == 0)
		return -1;
	if ((fmt != INV_VF_RAW && fmt != INV_VF_VHD) ||
	    (type != INV_VDT_FIXED && type != INV_VDT_EXPANDABLE) || vsize == 0)
		return -1;
	l = strcspn(line + pos, "\n");
	if (line[pos] != '/' || l >= sizeof(r->path))
		return -1;
	memset(r, 0, sizeof(*r));
	memcpy(r->path, line + pos, l);
	r->format = (enum inv_vdisk_format)fmt;
	r->type = (enum inv_vdisk_type)type;
	r->vsize = vsize;
	return 0;
}

int
vdr_load(struct vdr_set *s, const char *state_dir, char *err, size_t errlen)
{
	char line[VDR_PATH_LEN + 128];
	struct vdr_rec r;
	unsigned lineno = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(s->file, sizeof(s->file), "%s/vdisk.state", state_dir);
	if (!(f = fopen(s->file, "re"))) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", s->file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (vdr_parse(line, &r) < 0 || vdr_find(s, r.path) || vdr_add(s, &r) < 0) {
			snprintf(err, errlen, "%s:%u: bad or repeated vdisk line", s->file, lineno);
			fclose(f);
			vdr_free(s);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
vdr_fill(FILE *f, void *arg)
{
	const struct vdr_set *s = arg;

	fprintf(f, "%s\n", VDR_HEADER);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%u %u %" PRIu64 " %s\n", (unsigned)s->v[i].format,
		        (unsigned)s->v[i].type, s->v[i].vsize, s->v[i].path);
	return 0;
}

int
vdr_save(const struct vdr_set *s)
{
	return atomic_write(s->file, vdr_fill, (void *)s);
}

void
vdr_free(struct vdr_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

struct vdr_rec *
vdr_find(const struct vdr_set *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].path, path) == 0)
			return &s->v[i];
	return NULL;
}

int
vdr_add(struct vdr_set *s, const struct vdr_rec *r)
{
	struct vdr_rec *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	s->v = v;
	s->v[s->n++] = *r;
	return 0;
}

void
vdr_del(struct vdr_set *s, const char *path)
{
	struct vdr_rec *r = vdr_find(s, path);

	if (!r)
		return;
	memmove(r, r + 1, (size_t)(s->v + s->n - (r + 1)) * sizeof(*r));
	s->n--;
}
