/* SPDX-License-Identifier: ISC */
/*
 * idmap_file.c - the index map's file, line by line (the format is
 * described in idmap.c): each line read back checked like network input
 * (its check, every field's range, a key or index already held), format 1
 * files still read, and the map written out as format 2.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "idmap.h"
#include "idmap_file.h"
#include "pctenc.h"
#include "staterr.h"

uint32_t
idm_fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* A valid record from file:line; the first holder of a key or index wins. */
static int
idm_add(struct idmap *m, unsigned cls, uint32_t index, const char *objid, const char *key,
        const char *file, unsigned line)
{
	struct idmap_entry *e = idmap_lookup(m, cls, key), *o = idmap_ilookup(m, cls, index);
	char rec[32];

	snprintf(rec, sizeof(rec), "line %u", line);
	if (e && e->index == index && strcmp(e->objid, objid) == 0) {
		if (e->src == file) /* a repeated line: harmless, but damage */
			staterr_quarantine(file, rec,
			                   "repeats line %u (class %u index %" PRIu32 ")", e->line,
			                   cls, index);
		return e->src == file ? 1 : 0;
	}
	if (e) { /* the first holder keeps its index; this one is retired */
		staterr_quarantine(file, rec,
		                   "key %s of class %u also has index %" PRIu32 " (%s line %u): "
		                   "not applied, index %" PRIu32 " is retired",
		                   key, cls, e->index, e->src, e->line, index);
		return 1;
	}
	if (o) { /* the first holder keeps the index; this key gets a new one */
		staterr_quarantine(file, rec,
		                   "index %" PRIu32 " of class %u already belongs to key %s "
		                   "(%s line %u): not applied, key %s gets a new index",
		                   index, cls, o->key, o->src, o->line, key);
		return 1;
	}
	if (!(e = idmap_insert(m, cls, index, objid, key)))
		return -1;
	e->src = file;
	e->line = line;
	return 0;
}

/* Format 2 line body, check verified: "r ..", header or end. */
static int
idm_parse2(struct idmap *m, char *body, const char *file, unsigned line, struct idm_scan *sc,
           char *why, size_t wl)
{
	unsigned cls, n, ver;
	uint32_t index;
	char objid[40], key[4 * IDMAP_KEY_MAX], rest[1024];
	int pos = 0, rc;

	if (strncmp(body, IDMAP_MAGIC " ", sizeof(IDMAP_MAGIC)) == 0) {
		if (line != 1) {
			snprintf(why, wl, "a header line not at the top");
			return -1;
		}
		if (sscanf(body, IDMAP_MAGIC " %u %u %1023s%n", &ver, &n, rest, &pos) != 3 ||
		    body[pos] || ver != IDMAP_VERSION) {
			snprintf(why, wl, "not a format %d header", IDMAP_VERSION);
			return -1;
		}
		char *save = NULL, *tok = strtok_r(rest, ",", &save);

		for (unsigned c = 0; tok; c++, tok = strtok_r(NULL, ",", &save)) {
			char *end;
			unsigned long long f = strtoull(tok, &end, 10);

			if (*end || f == 0 || f > (unsigned long long)IDMAP_INDEX_MAX + 1) {
				snprintf(why, wl, "bad floor for class %u", c);
				return -1;
			}
			if (c < m->nclasses && f - 1 >= m->next_index[c])
				m->next_index[c] = (uint32_t)f;
		}
		sc->header = 1;
		return 0;
	}
	if (sc->ended) {
		snprintf(why, wl, "a line after the end line");
		return -1;
	}
	if (sscanf(body, "end %u%n", &n, &pos) == 1 && !body[pos]) {
		sc->ended = 1;
		if (n != sc->records) {
			snprintf(why, wl, "end line counts %u records, the file has %u", n,
			         sc->records);
			return -1;
		}
		return 0;
	}
	sc->records++;
	if (sscanf(body, "r %u %" SCNu32 " %39s %1019s%n", &cls, &index, objid, key, &pos) != 4 ||
	    body[pos] || pct_decode(key) < 0) {
		snprintf(why, wl, "not a record");
		return -1;
	}
	idm_raise(m, cls, index);
	if (cls >= m->nclasses || index == 0 || index > IDMAP_INDEX_MAX || !idmap_uuid_ok(objid) ||
	    !idm_key_ok(key)) {
		snprintf(why, wl, "field out of range (class %u index %" PRIu32 ")", cls, index);
		return -1;
	}
	rc = idm_add(m, cls, index, objid, key, file, line);
	return rc < 0 ? -2 : rc; /* 1: quarantined by idm_add */
}

/* Format 1: "CLASS INDEX OBJID KEY", no check. */
static int
idm_parse1(struct idmap *m, char *body, const char *file, unsigned line, char *why, size_t wl)
{
	unsigned cls;
	uint32_t index;
	char objid[40];
	int pos = 0, rc;

	if (sscanf(body, "%u %" SCNu32 " %39s %n", &cls, &index, objid, &pos) != 3 || !pos) {
		snprintf(why, wl, "not a record");
		return -1;
	}
	idm_raise(m, cls, index);
	if (cls >= m->nclasses || index == 0 || index > IDMAP_INDEX_MAX || !idmap_uuid_ok(objid) ||
	    !idm_key_ok(body + pos)) {
		snprintf(why, wl, "field out of range (class %u index %" PRIu32 ")", cls, index);
		return -1;
	}
	rc = idm_add(m, cls, index, objid, body + pos, file, line);
	return rc < 0 ? -2 : rc; /* 1: quarantined by idm_add */
}

static int
idm_line(struct idmap *m, char *l, ssize_t len, const char *file, unsigned line,
         struct idm_scan *sc)
{
	char why[200], rec[32];
	char *sp;
	int rc;

	snprintf(rec, sizeof(rec), "line %u", line);
	if (len == 0 || l[len - 1] != '\n' || strlen(l) != (size_t)len) {
		staterr_quarantine(file, rec, "cut or holds a NUL byte");
		sc->damaged = 1;
		return 0;
	}
	l[len - 1] = '\0';
	if (l[0] >= '0' && l[0] <= '9') {
		sc->version = 1;
		rc = idm_parse1(m, l, file, line, why, sizeof(why));
	} else if (!(sp = strrchr(l, ' ')) || strlen(sp + 1) != 8 ||
	           strtoul(sp + 1, NULL, 16) != idm_fnv(l, (size_t)(sp - l)) ||
	           strspn(sp + 1, "0123456789abcdef") != 8) {
		unsigned cls;
		uint32_t index;

		if (sscanf(l, "r %u %" SCNu32, &cls, &index) == 2)
			idm_raise(m, cls, index); /* maybe damaged, but maybe given out */
		if (line > 1 && strncmp(l, "end ", 4) != 0)
			sc->records++;
		snprintf(why, sizeof(why), "check does not match the line");
		rc = -1;
	} else {
		*sp = '\0';
		sc->version = 2;
		rc = idm_parse2(m, l, file, line, sc, why, sizeof(why));
	}
	if (rc == -2)
		return -1;
	if (rc < 0) {
		staterr_quarantine(file, rec, "%s", why);
		sc->damaged = 1;
	} else if (rc == 0) {
		sc->good++;
	} else {
		sc->damaged = 1;
	}
	return 0;
}

int
idm_scan(struct idmap *m, const char *file, struct idm_scan *sc)
{
	char *l = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned line = 0;
	FILE *f = fopen(file, "re");

	memset(sc, 0, sizeof(*sc));
	if (!f) {
		sc->unreadable = errno != ENOENT;
		return 0;
	}
	sc->exists = 1;
	errno = 0;
	while ((len = getline(&l, &cap, f)) > 0)
		if (idm_line(m, l, len, file, ++line, sc) < 0) {
			free(l);
			fclose(f);
			return -1;
		}
	if (ferror(f)) {
		sc->unreadable = 1;
		sc->damaged = 1;
	}
	free(l);
	fclose(f);
	if (line == 0) {
		staterr_quarantine(file, "file", "empty");
		sc->damaged = 1;
	} else if (sc->version == 2 && !sc->ended) {
		staterr_quarantine(file, "end", "no end line: the file was cut");
		sc->damaged = 1;
	}
	return 0;
}

/* The file's text, made under m->mu. */
int
idm_format(struct idmap *m, FILE *f)
{
	char *line = NULL;
	size_t len = 0;
	size_t n = 0;
	FILE *l;

#define IDM_EMIT()                                                                                 \
	do {                                                                                       \
		if (fflush(l) != 0 ||                                                              \
		    fprintf(f, "%s %08" PRIx32 "\n", line, idm_fnv(line, strlen(line))) < 0)       \
			goto fail;                                                                 \
		rewind(l);                                                                         \
	} while (0)
	if (!(l = open_memstream(&line, &len)))
		return -1;
	fprintf(l, IDMAP_MAGIC " %d %u ", IDMAP_VERSION, m->nclasses);
	for (unsigned c = 0; c < m->nclasses; c++)
		fprintf(l, "%s%" PRIu32, c ? "," : "", m->floor[c]);
	fputc('\0', l);
	IDM_EMIT();
	for (size_t b = 0; b < IDMAP_BUCKETS; b++)
		for (struct idmap_entry *e = m->buckets[b]; e; e = e->next, n++) {
			fprintf(l, "r %u %" PRIu32 " %s ", e->cls, e->index, e->objid);
			pct_put(l, e->key);
			fputc('\0', l);
			IDM_EMIT();
		}
	fprintf(l, "end %zu", n);
	fputc('\0', l);
	IDM_EMIT();
#undef IDM_EMIT
	fclose(l);
	free(line);
	return 0;
fail:
	fclose(l);
	free(line);
	return -1;
}
