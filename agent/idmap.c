/*
 * idmap.c - persistent key -> (index, object id) map.
 *
 * A chained hash table in memory; the file is rewritten whole (tmp, fsync,
 * rename, fsync of the directory) by idmap_flush() when something changed,
 * so a crash leaves either the old or the new map, never a torn one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "atomicfile.h"
#include "idmap.h"
#include "log.h"

#define IDMAP_BUCKETS 1024

struct idmap_entry {
	struct idmap_entry *next;
	unsigned cls;
	uint32_t index;
	char objid[37];
	char key[];
};

struct idmap {
	char *path;
	unsigned nclasses;
	uint32_t *next_index; /* per class */
	int dirty;
	size_t count;
	struct idmap_entry *buckets[IDMAP_BUCKETS];
};

static unsigned
idmap_hash(unsigned cls, const char *key)
{
	uint32_t h = 2166136261u ^ cls;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % IDMAP_BUCKETS;
}

void
idmap_new_uuid(char out[37])
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t r = getrandom(b + got, sizeof(b) - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			fatalx("idmap", "getrandom failed: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

static struct idmap_entry *
idmap_lookup(struct idmap *m, unsigned cls, const char *key)
{
	struct idmap_entry *e;

	for (e = m->buckets[idmap_hash(cls, key)]; e; e = e->next)
		if (e->cls == cls && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static struct idmap_entry *
idmap_insert(struct idmap *m, unsigned cls, uint32_t index, const char *objid, const char *key)
{
	size_t len = strlen(key);
	struct idmap_entry *e = malloc(sizeof(*e) + len + 1);
	unsigned h = idmap_hash(cls, key);

	if (!e)
		return NULL;
	e->cls = cls;
	e->index = index;
	snprintf(e->objid, sizeof(e->objid), "%s", objid);
	memcpy(e->key, key, len + 1);
	e->next = m->buckets[h];
	m->buckets[h] = e;
	m->count++;
	if (index >= m->next_index[cls])
		m->next_index[cls] = index + 1;
	return e;
}

static int
idmap_load(struct idmap *m)
{
	char line[1024], objid[37];
	unsigned cls, lineno = 0;
	uint32_t index;
	int keyoff;
	FILE *f = fopen(m->path, "re");

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%u %" SCNu32 " %36s %n", &cls, &index, objid, &keyoff) != 3 ||
		    cls >= m->nclasses || index == 0 || line[keyoff] == '\0') {
			log_warnx("idmap", "%s:%u: ignoring malformed line", m->path, lineno);
			continue;
		}
		if (idmap_lookup(m, cls, line + keyoff))
			continue;
		if (!idmap_insert(m, cls, index, objid, line + keyoff)) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int
idmap_open(const char *path, unsigned nclasses, struct idmap **out)
{
	struct idmap *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return -1;
	m->nclasses = nclasses;
	m->path = strdup(path);
	m->next_index = calloc(nclasses, sizeof(*m->next_index));
	if (!m->path || !m->next_index)
		goto fail;
	for (unsigned i = 0; i < nclasses; i++)
		m->next_index[i] = 1;
	if (idmap_load(m) < 0) {
		log_warn("idmap", "cannot read %s", path);
		goto fail;
	}
	*out = m;
	return 0;
fail:
	idmap_close(m);
	return -1;
}

int
idmap_get(struct idmap *m, unsigned cls, const char *key, uint32_t *index, char objid[37])
{
	struct idmap_entry *e = idmap_lookup(m, cls, key);
	char fresh[37];

	if (!e) {
		if (m->next_index[cls] == UINT32_MAX)
			return -1;
		idmap_new_uuid(fresh);
		if (!(e = idmap_insert(m, cls, m->next_index[cls], fresh, key)))
			return -1;
		m->dirty = 1;
	}
	*index = e->index;
	if (objid)
		memcpy(objid, e->objid, 37);
	return 0;
}

static int
idmap_write(FILE *f, void *arg)
{
	struct idmap *m = arg;

	for (size_t b = 0; b < IDMAP_BUCKETS; b++)
		for (struct idmap_entry *e = m->buckets[b]; e; e = e->next)
			if (fprintf(f, "%u %" PRIu32 " %s %s\n", e->cls, e->index, e->objid,
			            e->key) < 0)
				return -1;
	return 0;
}

int
idmap_flush(struct idmap *m)
{
	if (!m->dirty)
		return 0;
	if (atomic_write(m->path, idmap_write, m) < 0) {
		log_warn("idmap", "cannot write %s", m->path);
		return -1;
	}
	m->dirty = 0;
	return 0;
}

void
idmap_close(struct idmap *m)
{
	if (!m)
		return;
	for (size_t b = 0; b < IDMAP_BUCKETS; b++) {
		struct idmap_entry *e = m->buckets[b], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(m->next_index);
	free(m->path);
	free(m);
}
