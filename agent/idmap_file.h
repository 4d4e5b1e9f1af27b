/* SPDX-License-Identifier: ISC */
/*
 * idmap_file.h - inside the index map (idmap.c, idmap_file.c): the map in
 * memory, and the file's lines read and written.  Not for other modules:
 * they use idmap.h.
 */
#ifndef VDS_IDMAP_FILE_H
#define VDS_IDMAP_FILE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IDMAP_BUCKETS 1024
#define IDMAP_MAGIC   "vdsd-index-map"
#define IDMAP_VERSION 2
#define IDMAP_KEY_MAX 255

struct idmap_entry {
	struct idmap_entry *next, *inext; /* by key, by index */
	unsigned cls;
	uint32_t index;
	unsigned line;   /* where it was read (0: assigned here) */
	const char *src; /* the file it was read from */
	char objid[37];
	char key[];
};

struct idmap {
	pthread_mutex_t mu;
	char *path, *prev;
	unsigned nclasses;
	uint32_t *next_index; /* per class: the next index to hand out */
	uint32_t *floor;      /* per class: what the file says (>= next_index) */
	uint32_t *written;    /* per class: the floor of the last write on disk */
	uint32_t *pending;    /* per class: the floor the running write holds */
	int dirty, stuck;     /* stuck: a damaged file that could not be set aside */
	size_t count;
	struct idmap_entry *buckets[IDMAP_BUCKETS], *ibuckets[IDMAP_BUCKETS];
};

/* What one file gave. */
struct idm_scan {
	int exists, unreadable, damaged, version, ended, header;
	unsigned good, records;
};

/* idmap.c: the hash tables.  A key idmap may hold (printable, 1..255). */
int idm_key_ok(const char *k);
struct idmap_entry *idmap_lookup(struct idmap *m, unsigned cls, const char *key);
struct idmap_entry *idmap_ilookup(struct idmap *m, unsigned cls, uint32_t index);
/* Keep the class's next index above index (it may have been handed out). */
void idm_raise(struct idmap *m, unsigned cls, uint32_t index);
/* A new entry; NULL when out of memory. */
struct idmap_entry *idmap_insert(struct idmap *m, unsigned cls, uint32_t index, const char *objid,
                                 const char *key);

/* idmap_file.c: FNV-1a 32 of s[0..n), the check of a format 2 line. */
uint32_t idm_fnv(const char *s, size_t n);
/*
 * Read file into m, quarantining every damaged line (staterr); sc says what
 * it held.  -1 only when out of memory.
 */
int idm_scan(struct idmap *m, const char *file, struct idm_scan *sc);
/* The file's text (format 2) into f, made under m->mu. */
int idm_format(struct idmap *m, FILE *f);

#endif
