/* SPDX-License-Identifier: ISC */
/*
 * vtab.c - sorted pointer array keyed by the row's leading uint32_t index.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "vtab.h"

/* Position of the first row whose index is >= index. */
static size_t
vtab_lower_bound(const struct vtab *t, uint32_t index)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (VTAB_INDEX(t->rows[mid]) < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void *
vtab_find(const struct vtab *t, uint32_t index)
{
	size_t pos = vtab_lower_bound(t, index);

	if (pos < t->n && VTAB_INDEX(t->rows[pos]) == index)
		return t->rows[pos];
	return NULL;
}

void *
vtab_next(const struct vtab *t, uint32_t index)
{
	size_t pos;

	if (index == UINT32_MAX)
		return NULL;
	pos = vtab_lower_bound(t, index + 1);
	return pos < t->n ? t->rows[pos] : NULL;
}

int
vtab_insert(struct vtab *t, void *row)
{
	uint32_t index = VTAB_INDEX(row);
	size_t pos;

	/* Fast path: rows usually arrive in increasing order. */
	if (t->n == 0 || VTAB_INDEX(t->rows[t->n - 1]) < index)
		pos = t->n;
	else {
		pos = vtab_lower_bound(t, index);
		if (pos < t->n && VTAB_INDEX(t->rows[pos]) == index)
			return -1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void **rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	memmove(&t->rows[pos + 1], &t->rows[pos], (t->n - pos) * sizeof(*t->rows));
	t->rows[pos] = row;
	t->n++;
	return 0;
}

void *
vtab_remove(struct vtab *t, uint32_t index)
{
	size_t pos = vtab_lower_bound(t, index);
	void *row;

	if (pos >= t->n || VTAB_INDEX(t->rows[pos]) != index)
		return NULL;
	row = t->rows[pos];
	memmove(&t->rows[pos], &t->rows[pos + 1], (t->n - pos - 1) * sizeof(*t->rows));
	t->n--;
	return row;
}

size_t
vtab_count(const struct vtab *t)
{
	return t->n;
}

void
vtab_free(struct vtab *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
