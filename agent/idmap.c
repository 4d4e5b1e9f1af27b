/* SPDX-License-Identifier: ISC */
/*
 * idmap.c - persistent key -> (index, object id) map.
 *
 * Format 2, every line "BODY CHECK" where CHECK is the FNV-1a 32 of BODY in
 * 8 hex digits:
 *
 *   vdsd-index-map 2 NCLASSES FLOOR0,FLOOR1,...   the header
 *   r CLASS INDEX OBJID KEY                       one per object, KEY
 *                                                 percent-encoded (pctenc.h)
 *   end COUNT                                     the end marker
 *
 * FLOORn is class n's next free index; it is written ahead of use (by
 * IDMAP_RESERVE) so indexes handed out but not yet written are still below
 * it after a crash.  Loading validates every field.  A damaged line or two
 * lines that disagree (one key with two indexes, one index with two keys)
 * are quarantined: the first line read keeps its mapping, the other is
 * not applied (its index stays retired below the floor; its key gets a
 * fresh index above the floor when its object shows up).
 * A damaged file is set aside as index.map.damaged-TIME and completed from
 * index.map.prev (the previous generation: mappings never change, so
 * every valid record of it is still true).  Writes go through the state
 * writer thread (statewr.h), never on the loop.  Reading and writing the
 * file's lines: idmap_file.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "atomicfile.h"
#include "idmap.h"
#include "idmap_file.h"
#include "log.h"
#include "statewr.h"

#define IDMAP_RESERVE  4096u
#define IDMAP_V1_SLACK IDMAP_RESERVE /* floor margin when the current floor is lost */

static unsigned
idmap_hash(unsigned cls, const char *key)
{
	return (idm_fnv(key, strlen(key)) ^ cls) % IDMAP_BUCKETS;
}

static unsigned
idmap_ihash(unsigned cls, uint32_t index)
{
	return (index * 2654435761u ^ cls) % IDMAP_BUCKETS;
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

int
idmap_uuid_ok(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) || !s[i])
			return 0;
	}
	return s[36] == '\0';
}

int
idm_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > IDMAP_KEY_MAX)
		return 0;
	for (; *k; k++)
		if ((unsigned char)*k < 0x20 || (unsigned char)*k > 0x7e)
			return 0;
	return 1;
}

struct idmap_entry *
idmap_lookup(struct idmap *m, unsigned cls, const char *key)
{
	struct idmap_entry *e;

	for (e = m->buckets[idmap_hash(cls, key)]; e; e = e->next)
		if (e->cls == cls && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

struct idmap_entry *
idmap_ilookup(struct idmap *m, unsigned cls, uint32_t index)
{
	struct idmap_entry *e;

	for (e = m->ibuckets[idmap_ihash(cls, index)]; e; e = e->inext)
		if (e->cls == cls && e->index == index)
			return e;
	return NULL;
}

void
idm_raise(struct idmap *m, unsigned cls, uint32_t index)
{
	if (cls < m->nclasses && index >= m->next_index[cls] && index <= IDMAP_INDEX_MAX)
		m->next_index[cls] = index + 1;
}

struct idmap_entry *
idmap_insert(struct idmap *m, unsigned cls, uint32_t index, const char *objid, const char *key)
{
	size_t len = strlen(key);
	struct idmap_entry *e = calloc(1, sizeof(*e) + len + 1);
	unsigned h = idmap_hash(cls, key), ih = idmap_ihash(cls, index);

	if (!e)
		return NULL;
	e->cls = cls;
	e->index = index;
	snprintf(e->objid, sizeof(e->objid), "%s", objid);
	memcpy(e->key, key, len + 1);
	e->next = m->buckets[h];
	m->buckets[h] = e;
	e->inext = m->ibuckets[ih];
	m->ibuckets[ih] = e;
	m->count++;
	idm_raise(m, cls, index);
	return e;
}

static int
idm_fill(FILE *f, void *arg)
{
	struct idmap *m = arg;
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	int rc;

	if (!mf)
		return -1;
	pthread_mutex_lock(&m->mu);
	rc = idm_format(m, mf);
	memcpy(m->pending, m->floor, m->nclasses * sizeof(*m->floor));
	pthread_mutex_unlock(&m->mu);
	if (fclose(mf) != 0)
		rc = -1;
	if (rc == 0 && fwrite(buf, 1, len, f) != len)
		rc = -1;
	free(buf);
	return rc;
}

static void
idm_done(void *arg, int rc)
{
	struct idmap *m = arg;

	pthread_mutex_lock(&m->mu);
	if (rc == 0)
		memcpy(m->written, m->pending, m->nclasses * sizeof(*m->floor));
	else if (rc < 0)
		m->dirty =
		    1; /* try again at the next flush (replaced, rc 1: the newer one writes) */
	pthread_mutex_unlock(&m->mu);
}

/* Load path, completed from path.prev when damaged; sets floors. */
static int
idm_load(struct idmap *m)
{
	struct idm_scan cur, prev = {0};
	char aside[4200];

	if (idm_scan(m, m->path, &cur) < 0)
		return -1;
	if (cur.unreadable || cur.damaged || !cur.exists) {
		if (idm_scan(m, m->prev, &prev) < 0)
			return -1;
		if (prev.exists && !prev.unreadable)
			log_warnx("idmap", "%s %s: completed from %s (%u valid lines)", m->path,
			          cur.unreadable ? "cannot be read"
			          : cur.exists   ? "is damaged"
			                         : "is missing",
			          m->prev, prev.good);
	}
	if (cur.unreadable && (!prev.exists || prev.unreadable)) {
		log_warnx("idmap",
		          "cannot read %s (nor %s): %s; starting afresh would give its indexes to "
		          "other objects.  Fix the file's permissions or disk, or move it away to "
		          "accept new indexes for every object",
		          m->path, m->prev, strerror(errno));
		return -1;
	}
	/*
	 * Records may be lost and the current floor was not read (a damaged
	 * format 1 file, or the header of the current file lost, or the file
	 * gone while .prev is there): indexes handed out after the last write
	 * are below the lost floor, which is at most IDMAP_RESERVE above what
	 * was read.  Stay clear of them.
	 */
	if (!cur.header &&
	    ((cur.exists && cur.damaged) || cur.unreadable || (!cur.exists && prev.exists))) {
		log_warnx("idmap",
		          "%s: its floors are lost: new indexes start %u above the highest "
		          "known one of each class",
		          m->path, IDMAP_V1_SLACK);
		for (unsigned c = 0; c < m->nclasses; c++)
			m->next_index[c] = m->next_index[c] > IDMAP_INDEX_MAX - IDMAP_V1_SLACK
			                       ? IDMAP_INDEX_MAX + 1
			                       : m->next_index[c] + IDMAP_V1_SLACK;
	}
	if ((cur.exists && cur.damaged) || cur.unreadable) { /* never to become .prev */
		if (atomic_set_aside(m->path, aside, sizeof(aside)) == 0)
			log_warnx("idmap", "%s was damaged: kept it as %s", m->path, aside);
		else {
			log_warn("idmap", "%s is damaged and cannot be set aside", m->path);
			m->stuck = 1;
		}
	}
	m->dirty = cur.damaged || cur.version != IDMAP_VERSION || !cur.exists;
	return 0;
}

static uint32_t
idm_ahead(uint32_t next)
{
	return next > IDMAP_INDEX_MAX + 1 - IDMAP_RESERVE ? IDMAP_INDEX_MAX + 1
	                                                  : next + IDMAP_RESERVE;
}

int
idmap_open(const char *path, unsigned nclasses, struct idmap **out)
{
	struct idmap *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return -1;
	pthread_mutex_init(&m->mu, NULL);
	m->nclasses = nclasses;
	m->path = strdup(path);
	if (m->path && asprintf(&m->prev, "%s.prev", path) < 0)
		m->prev = NULL;
	m->next_index = calloc(nclasses, sizeof(uint32_t));
	m->floor = calloc(nclasses, sizeof(uint32_t));
	m->written = calloc(nclasses, sizeof(uint32_t));
	m->pending = calloc(nclasses, sizeof(uint32_t));
	if (!m->path || !m->prev || !m->next_index || !m->floor || !m->written || !m->pending)
		goto fail;
	for (unsigned i = 0; i < nclasses; i++)
		m->next_index[i] = 1;
	if (idm_load(m) < 0)
		goto fail;
	for (unsigned c = 0; c < nclasses; c++)
		m->floor[c] = idm_ahead(m->next_index[c]);
	/* at start, before the loop runs: the floors are on disk before use */
	if (m->stuck)
		log_warnx("idmap", "%s: not rewritten while the damaged file is there", m->path);
	else if (atomic_write_gen(m->path, idm_fill, m) == 0)
		idm_done(m, 0);
	else
		log_warn("idmap", "cannot write %s (will try again)", m->path);
	m->dirty = 0;
	*out = m;
	return 0;
fail:
	m->stuck = 1; /* nothing to write */
	idmap_close(m);
	return -1;
}

int
idmap_get(struct idmap *m, unsigned cls, const char *key, uint32_t *index, char objid[37])
{
	struct idmap_entry *e;
	char fresh[37];
	int wait;

	if (cls >= m->nclasses || !idm_key_ok(key))
		return -1;
	pthread_mutex_lock(&m->mu);
	e = idmap_lookup(m, cls, key);
	if (!e) {
		uint32_t n = m->next_index[cls];

		/* not below a floor on disk yet: wait for the writer (rare) */
		wait = n >= m->written[cls];
		if (n > IDMAP_INDEX_MAX || (wait && m->floor[cls] <= n)) {
			m->floor[cls] = idm_ahead(n);
			if (n > IDMAP_INDEX_MAX) {
				pthread_mutex_unlock(&m->mu);
				return -1;
			}
		}
		if (wait) {
			m->dirty = 1;
			pthread_mutex_unlock(&m->mu);
			log_debug("idmap", "waiting for %s: class %u passed its floor", m->path,
			          cls);
			if (idmap_flush(m) < 0 || statewr_wait() < 0)
				return -1;
			pthread_mutex_lock(&m->mu);
			if (m->next_index[cls] >= m->written[cls]) {
				pthread_mutex_unlock(&m->mu);
				return -1;
			}
		}
		idmap_new_uuid(fresh);
		if (!(e = idmap_insert(m, cls, m->next_index[cls], fresh, key))) {
			pthread_mutex_unlock(&m->mu);
			return -1;
		}
		if (m->next_index[cls] + IDMAP_RESERVE / 2 > m->floor[cls])
			m->floor[cls] = idm_ahead(m->next_index[cls]);
		m->dirty = 1;
	}
	*index = e->index;
	if (objid)
		memcpy(objid, e->objid, 37);
	pthread_mutex_unlock(&m->mu);
	return 0;
}

int
idmap_flush(struct idmap *m)
{
	int dirty;

	pthread_mutex_lock(&m->mu);
	dirty = m->dirty && !m->stuck;
	m->dirty = 0;
	pthread_mutex_unlock(&m->mu);
	if (!dirty)
		return 0;
	return statewr_request(m->path, idm_fill, m, idm_done);
}

void
idmap_close(struct idmap *m)
{
	if (!m)
		return;
	if (!m->stuck) { /* a clean stop: the floors are exact again */
		pthread_mutex_lock(&m->mu);
		memcpy(m->floor, m->next_index, m->nclasses * sizeof(*m->floor));
		m->dirty = 1;
		pthread_mutex_unlock(&m->mu);
		idmap_flush(m);
		statewr_wait();
	}
	for (size_t b = 0; b < IDMAP_BUCKETS; b++) {
		struct idmap_entry *e = m->buckets[b], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	pthread_mutex_destroy(&m->mu);
	free(m->next_index);
	free(m->floor);
	free(m->written);
	free(m->pending);
	free(m->prev);
	free(m->path);
	free(m);
}
