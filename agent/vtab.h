/* SPDX-License-Identifier: ISC */
/*
 * vtab.h - rows kept sorted by a 32-bit index, for O(log n) GET and GETNEXT.
 *
 * A row is any struct whose first member is `uint32_t index`.  The table
 * holds pointers; it never frees rows (vtab_remove hands the row back).
 */
#ifndef VDS_VTAB_H
#define VDS_VTAB_H

#include <stddef.h>
#include <stdint.h>

struct vtab {
	void **rows;
	size_t n, cap;
};

#define VTAB_INDEX(row) (*(const uint32_t *)(row))

void *vtab_find(const struct vtab *t, uint32_t index);
/* The first row whose index is greater than index (0 gives the first row). */
void *vtab_next(const struct vtab *t, uint32_t index);
/* Insert row; -1 when a row with its index exists or memory is short. */
int vtab_insert(struct vtab *t, void *row);
/* Remove and return the row with index, or NULL. */
void *vtab_remove(struct vtab *t, uint32_t index);
size_t vtab_count(const struct vtab *t);
/* Frees the pointer array (not the rows). */
void vtab_free(struct vtab *t);

#define VTAB_FOREACH(t, i, row) for ((i) = 0; (i) < (t)->n && (((row) = (t)->rows[(i)]), 1); (i)++)

#endif
