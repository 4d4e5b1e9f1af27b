/* SPDX-License-Identifier: ISC */
/*
 * jobpack.h - a byte string with its runs of zero bytes left out: how a
 * finished job keeps its parameters and outputs (most of their 760 bytes
 * are zero: empty paths, names and unused disk slots).  Pure functions,
 * any thread; the blob lives only in memory (the store has typed columns).
 */
#ifndef VDS_JOBPACK_H
#define VDS_JOBPACK_H

#include <stddef.h>

/* The n bytes at src as a malloc'd blob (its size into *size unless NULL); NULL when memory is
 * short. */
unsigned char *zpack(const void *src, size_t n, size_t *size);
/*
 * The bytes a blob of zpack(src, n) holds, into dst (n bytes; the runs it
 * left out become zero).  0, or -1 when blob does not describe n bytes
 * (dst is then all zero).
 */
int zunpack(const unsigned char *blob, void *dst, size_t n);

#endif
