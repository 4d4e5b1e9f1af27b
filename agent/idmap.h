/*
 * idmap.h - the persistent map from an object's identity key to its integer
 * index and object id, so indexes survive a restart of vdsd.
 *
 * File format (one line per object): "CLASS INDEX OBJID KEY\n".  Written to
 * a temporary file, fsynced and renamed over the old one.
 */
#ifndef VDS_IDMAP_H
#define VDS_IDMAP_H

#include <stdint.h>

struct idmap;

/* Load path (missing is fine).  Free with idmap_close(). */
int idmap_open(const char *path, unsigned nclasses, struct idmap **out);
/* Look up or assign; indexes per class start at 1 and are never reused. */
int idmap_get(struct idmap *m, unsigned cls, const char *key, uint32_t *index, char objid[37]);
/* Write the file if anything changed since the last flush. */
int idmap_flush(struct idmap *m);
void idmap_close(struct idmap *m);
/* A random RFC 4122 version 4 UUID string. */
void idmap_new_uuid(char out[37]);

#endif
