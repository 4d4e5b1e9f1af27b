/* SPDX-License-Identifier: ISC */
/*
 * lvm_dm.c - a logical volume's device asked of the kernel directly: the
 * open count from DM_DEV_STATUS on /dev/mapper/control (the count lvm's
 * own 'o' attribute reports), the size from sysfs.  Neither opens the
 * volume itself, which would count as one more opener.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/dm-ioctl.h>

#include "lvm_dm.h"

/* The kernel's device number encoding for a dm_ioctl's dev (huge_encode_dev). */
static uint64_t
ld_encode(dev_t d)
{
	uint64_t maj = major(d), min = minor(d);

	return (min & 0xff) | (maj << 8) | ((min & ~(uint64_t)0xff) << 12);
}

/* The device's size from /sys/dev/block/MAJ:MIN/size (512-byte sectors). */
static int
ld_size(dev_t d, uint64_t *size)
{
	char path[64];
	unsigned long long sectors;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/size", major(d), minor(d));
	if (!(f = fopen(path, "re")))
		return -1;
	ok = fscanf(f, "%llu", &sectors) == 1;
	fclose(f);
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	*size = (uint64_t)sectors * 512;
	return 0;
}

int
lvm_dm_usage(const char *dev, int *open_count, uint64_t *size)
{
	struct dm_ioctl io;
	struct stat st;
	int fd, rc, saved;

	if (stat(dev, &st) < 0)
		return -1;
	if (!S_ISBLK(st.st_mode)) {
		errno = ENOTBLK;
		return -1;
	}
	if ((fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	memset(&io, 0, sizeof(io));
	io.version[0] = DM_VERSION_MAJOR;
	io.data_size = sizeof(io);
	io.data_start = sizeof(io);
	io.dev = ld_encode(st.st_rdev);
	rc = ioctl(fd, DM_DEV_STATUS, &io);
	saved = errno;
	close(fd);
	if (rc < 0) {
		errno = saved;
		return -1;
	}
	*open_count = io.open_count;
	return size ? ld_size(st.st_rdev, size) : 0;
}
