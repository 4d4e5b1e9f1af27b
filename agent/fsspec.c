/* SPDX-License-Identifier: ISC */
/*
 * fsspec.c - the file systems a format job makes and their limits.
 *
 * Smallest sizes are what the tools of Debian 12 accept: mkfs.xfs refuses
 * file systems under 300 MiB, mkfs.btrfs devices under 114294784 bytes.
 */
#include "config.h"

#include <stdio.h>
#include <strings.h>

#include "fsspec.h"

#define FS_MIB 1048576ULL

static const struct fsspec fsspec_table[] = {
    {"ext4", "mkfs.ext4", 16, 1024, 65536, FS_MIB, 1, 1, 0},
    {"ext3", "mkfs.ext3", 16, 1024, 65536, FS_MIB, 1, 1, 0},
    {"ext2", "mkfs.ext2", 16, 1024, 65536, FS_MIB, 1, 1, 0},
    {"xfs", "mkfs.xfs", 12, 512, 65536, 300 * FS_MIB, 0, 2, 0},
    {"vfat", "mkfs.vfat", 11, 512, 65536, FS_MIB, 0, 0, 0},
    /* the kernel resizes no btrfs device below 256 MiB (btrfs_ioctl_resize) */
    {"btrfs", "mkfs.btrfs", 255, 4096, 65536, 114294784ULL, 2, 2, 256 * FS_MIB},
};

const struct fsspec *
fsspec_find(const char *fs)
{
	if (strcasecmp(fs, "fat32") == 0 || strcasecmp(fs, "fat") == 0)
		fs = "vfat";
	for (size_t i = 0; i < sizeof(fsspec_table) / sizeof(fsspec_table[0]); i++)
		if (strcasecmp(fs, fsspec_table[i].name) == 0)
			return &fsspec_table[i];
	return NULL;
}

#define FSS_FAIL(r, ...)                                                                           \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

enum vds_result
fsspec_check(const char *fs, const char *label, uint32_t alloc, uint64_t size,
             const struct fsspec **spec, char *why, size_t len)
{
	const struct fsspec *s = fsspec_find(fs);
	size_t l = 0;

	*spec = NULL;
	if (!s)
		FSS_FAIL(VDS_R_INVALID_PARAM,
		         "file system \"%s\" is not one of ext4, ext3, ext2, xfs, vfat, btrfs", fs);
	for (; label[l]; l++)
		if ((unsigned char)label[l] < 0x20 || (unsigned char)label[l] > 0x7e)
			FSS_FAIL(VDS_R_INVALID_PARAM,
			         "a label is printable ASCII (byte %zu is not)", l + 1);
	if (l > s->label_max)
		FSS_FAIL(VDS_R_INVALID_PARAM, "a %s label holds at most %u bytes (%zu given)",
		         s->name, s->label_max, l);
	if (alloc && (alloc & (alloc - 1) || alloc < s->au_min || alloc > s->au_max))
		FSS_FAIL(VDS_R_INVALID_PARAM,
		         "allocation unit %u: %s takes a power of two from %u to %u bytes", alloc,
		         s->name, s->au_min, s->au_max);
	if (size < s->min_size)
		FSS_FAIL(VDS_R_NO_SPACE, "%s needs at least %llu MiB, the volume has %llu MiB",
		         s->name, (unsigned long long)((s->min_size + FS_MIB - 1) / FS_MIB),
		         (unsigned long long)(size / FS_MIB));
	*spec = s;
	return VDS_R_OK;
}

enum vds_result
fsspec_check_resize(const char *fs, uint64_t size, int shrink, char *why, size_t len)
{
	const struct fsspec *spec = fsspec_find(fs);

	if (!spec || size >= spec->resize_min)
		return VDS_R_OK;
	snprintf(why, len, "a %s file system is resized to no less than %llu MiB, not %llu MiB",
	         spec->name, (unsigned long long)(spec->resize_min / FS_MIB),
	         (unsigned long long)(size / FS_MIB));
	return shrink ? VDS_R_SHRINK_TOO_BIG : VDS_R_INVALID_PARAM;
}
