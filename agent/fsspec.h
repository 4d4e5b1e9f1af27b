/* SPDX-License-Identifier: ISC */
/*
 * fsspec.h - the file systems a format job makes, with their limits
 * (label length, allocation unit, smallest size) and whether they grow or
 * shrink, shared by the providers that format (sim, basic): one place that
 * says what is valid.  Pure functions, any thread.
 */
#ifndef VDS_FSSPEC_H
#define VDS_FSSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

struct fsspec {
	const char *name;   /* as blkid reports it: "ext4", "xfs", "vfat", "btrfs" */
	const char *mkfs;   /* the tool's name, e.g. "mkfs.ext4" */
	unsigned label_max; /* bytes */
	uint32_t au_min, au_max;
	uint64_t min_size;   /* bytes the tool needs at least */
	int shrinks;         /* the basic provider shrinks it: 1 offline, 2 only while mounted */
	int grows;           /* 1: offline, 2: only while mounted */
	uint64_t resize_min; /* the smallest size a resize reaches (btrfs: the kernel's) */
};

/* The spec of fs (case-insensitive; "fat32"/"fat" mean vfat), or NULL. */
const struct fsspec *fsspec_find(const char *fs);
/*
 * Check a format of size bytes with fs, label and alloc (0: the tool's
 * default): VDS_R_OK and *spec, or VDS_R_INVALID_PARAM / VDS_R_NO_SPACE
 * with a sentence in why.
 */
enum vds_result fsspec_check(const char *fs, const char *label, uint32_t alloc, uint64_t size,
                             const struct fsspec **spec, char *why, size_t len);
/*
 * A resize of a file system of type fs ("" or unknown: nothing to check) to
 * size bytes, either way: VDS_R_OK, or under its resize_min (the kernel
 * resizes no btrfs below 256 MiB, growing or shrinking) VDS_R_SHRINK_TOO_BIG
 * for a shrink, VDS_R_INVALID_PARAM for an extend, with why.
 */
enum vds_result fsspec_check_resize(const char *fs, uint64_t size, int shrink, char *why,
                                    size_t len);

#endif
