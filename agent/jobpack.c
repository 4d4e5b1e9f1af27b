/* SPDX-License-Identifier: ISC */
/*
 * jobpack.c - zero runs left out.  A blob is a list of (skip, len, len
 * bytes): skip zero bytes, then len bytes as they are; (0, 0) ends it.
 * skip and len are LEB128 (one byte below 128).  A run of fewer than
 * ZP_MIN_GAP zeros inside literal bytes stays in them: a new run would cost
 * as much.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jobpack.h"

#define ZP_MIN_GAP 4

static size_t
zp_put(unsigned char *out, size_t v)
{
	size_t k = 0;

	do {
		unsigned char b = v & 0x7f;

		v >>= 7;
		if (out)
			out[k] = b | (v ? 0x80 : 0);
		k++;
	} while (v);
	return k;
}

/* *v from p (at most 9 bytes); the bytes read, 0 when malformed. */
static size_t
zp_get(const unsigned char *p, size_t *v)
{
	size_t k = 0, shift = 0;

	*v = 0;
	do {
		if (k == 9)
			return 0;
		*v |= (size_t)(p[k] & 0x7f) << shift;
		shift += 7;
	} while (p[k++] & 0x80);
	return k;
}

/* Zero bytes at s[0..n) from the start. */
static size_t
zp_zeros(const unsigned char *s, size_t n)
{
	size_t z = 0;

	while (z < n && !s[z])
		z++;
	return z;
}

/* Literal bytes from s[0] (not zero): up to a gap of ZP_MIN_GAP zeros or the end. */
static size_t
zp_literal(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t z = zp_zeros(s + i, n - i);

		if (z >= ZP_MIN_GAP || i + z == n)
			return i;
		i += z;
		while (i < n && s[i])
			i++;
	}
	return i;
}

/* Encode into out (NULL: only count); the blob's size. */
static size_t
zp_encode(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t i = 0, k = 0;

	for (;;) {
		size_t z = zp_zeros(s + i, n - i), len;

		if (i + z == n)
			break;
		len = zp_literal(s + i + z, n - i - z);
		k += zp_put(out ? out + k : NULL, z);
		k += zp_put(out ? out + k : NULL, len);
		if (out)
			memcpy(out + k, s + i + z, len);
		k += len;
		i += z + len;
	}
	k += zp_put(out ? out + k : NULL, 0);
	k += zp_put(out ? out + k : NULL, 0);
	return k;
}

unsigned char *
zpack(const void *src, size_t n, size_t *size)
{
	size_t len = zp_encode(src, n, NULL);
	unsigned char *b = malloc(len);

	if (b)
		zp_encode(src, n, b);
	if (size)
		*size = len;
	return b;
}

int
zunpack(const unsigned char *blob, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t at = 0, k = 0;

	memset(dst, 0, n);
	for (;;) {
		size_t skip, len, a, b;

		if (!(a = zp_get(blob + k, &skip)) || !(b = zp_get(blob + k + a, &len)))
			break;
		k += a + b;
		if (!skip && !len)
			return 0;
		if (skip > n - at || len > n - at - skip || !len)
			break;
		at += skip;
		memcpy(d + at, blob + k, len);
		at += len;
		k += len;
	}
	memset(dst, 0, n);
	return -1;
}
