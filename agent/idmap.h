/* SPDX-License-Identifier: ISC */
/*
 * idmap.h - the persistent map from an object's identity key to its integer
 * index and object id, so indexes survive a restart of vdsd.
 *
 * File format 2 (idmap.c has the details): a header line with the version
 * and each class's floor ("next index"), one record line per object, an
 * end line with the record count; every line ends with a check of its own
 * text, so a damaged line is found and only that line is lost.  Format 1
 * (one "CLASS INDEX OBJID KEY" line per object, no header) still loads and
 * is rewritten as format 2.
 *
 * The promise: an index, once given to a key, never goes to another key.
 * Records that are damaged or contradict each other are quarantined (see
 * staterr.h) and their index is retired; the floor never goes down.
 */
#ifndef VDS_IDMAP_H
#define VDS_IDMAP_H

#include <stdint.h>

struct idmap;

/* The largest index (SNMP table indexes are 1..2^31-1). */
#define IDMAP_INDEX_MAX 2147483647u

/*
 * Load path (missing is fine; a damaged one is set aside and what can be
 * trusted is kept, with path.prev's help) and write it back in the current
 * format.  Returns -1 (logged, naming the file and what to do) when path
 * exists but can be read neither from itself nor from path.prev: starting
 * afresh would hand its indexes to other objects.  Free with idmap_close().
 */
int idmap_open(const char *path, unsigned nclasses, struct idmap **out);
/* Look up or assign; indexes per class start at 1 and are never reused. */
int idmap_get(struct idmap *m, unsigned cls, const char *key, uint32_t *index, char objid[37]);
/* Have the state writer thread write the file if anything changed. */
int idmap_flush(struct idmap *m);
/* Write what changed and wait for it, then free m. */
void idmap_close(struct idmap *m);
/* A random RFC 4122 version 4 UUID string. */
void idmap_new_uuid(char out[37]);
/* 1 when s is a lower-case UUID string "8-4-4-4-12". */
int idmap_uuid_ok(const char *s);

#endif
