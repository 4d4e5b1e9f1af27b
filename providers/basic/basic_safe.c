/* SPDX-License-Identifier: ISC */
/*
 * basic_safe.c - refuse disks that are not ours to write, and open the
 * ones that are under flock(LOCK_EX).
 *
 * The users of a disk are its own device (block devices), its kernel
 * partitions, and every loop device whose backing file is the disk (same
 * inode for an image, same device number for a block device) together
 * with that loop's partitions.  udevmon_usage_flags() says whether one of
 * them is mounted, swap, held, or holds / or /boot.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "basic_safe.h"
#include "log.h"
#include "udev.h"

#define BS_MAX_USERS 64
#define BS_LOCK_TRY  100 /* 100 x 50 ms */

struct bs_set {
	dev_t devs[BS_MAX_USERS];
	char *holders[BS_MAX_USERS + 1];
	size_t n;
	char exposed[32]; /* a loop device over the job's range */
};

static void
bs_set_free(struct bs_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->holders[i]);
	s->n = 0;
}

static int
bs_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static uint64_t
bs_read_u64(const char *path)
{
	char buf[64];

	return bs_read(path, buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 10) : 0;
}

static void
bs_add(struct bs_set *s, dev_t dev, const char *sysdir)
{
	if (s->n >= BS_MAX_USERS || asprintf(&s->holders[s->n], "%s/holders", sysdir) < 0)
		return;
	s->devs[s->n++] = dev;
	s->holders[s->n] = NULL;
}

/* A block device at sysdir and its kernel partitions (subdirectories with "partition"). */
static void
bs_add_blockdev(struct bs_set *s, dev_t dev, const char *sysdir)
{
	DIR *d = opendir(sysdir);
	struct dirent *de;
	char path[512], buf[32];
	unsigned maj, min;

	bs_add(s, dev, sysdir);
	while (d && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/partition", sysdir, de->d_name);
		if (de->d_name[0] == '.' || access(path, F_OK) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/dev", sysdir, de->d_name);
		if (bs_read(path, buf, sizeof(buf)) == 0 && sscanf(buf, "%u:%u", &maj, &min) == 2) {
			snprintf(path, sizeof(path), "%s/%s", sysdir, de->d_name);
			bs_add(s, makedev(maj, min), path);
		}
	}
	if (d)
		closedir(d);
}

static int
bs_same(const struct stat *disk, const char *backing)
{
	struct stat st;

	if (stat(backing, &st) < 0)
		return 0;
	if (S_ISBLK(disk->st_mode))
		return S_ISBLK(st.st_mode) && st.st_rdev == disk->st_rdev;
	return S_ISREG(st.st_mode) && st.st_dev == disk->st_dev && st.st_ino == disk->st_ino;
}

/* A loop device (name in /sys/block) over backing: add it; note it when it overlaps the range. */
static void
bs_add_loop(struct bs_set *s, const struct stat *backing_st, const char *name, uint64_t off,
            uint64_t len)
{
	char path[512], backing[4096], buf[32];
	uint64_t lo, lsize;
	unsigned maj, min;

	snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", name);
	if (bs_read(path, backing, sizeof(backing)) < 0 || !bs_same(backing_st, backing))
		return;
	snprintf(path, sizeof(path), "/sys/block/%s/dev", name);
	if (bs_read(path, buf, sizeof(buf)) < 0 || sscanf(buf, "%u:%u", &maj, &min) != 2)
		return;
	snprintf(path, sizeof(path), "/sys/block/%s/loop/offset", name);
	lo = bs_read_u64(path);
	snprintf(path, sizeof(path), "/sys/block/%s/size", name);
	lsize = bs_read_u64(path) * 512;
	if (len && lo < off + len && off < lo + lsize && !s->exposed[0])
		snprintf(s->exposed, sizeof(s->exposed), "/dev/%s", name);
	snprintf(path, sizeof(path), "/sys/block/%s", name);
	bs_add_blockdev(s, makedev(maj, min), path);
}

static void
bs_scan_loops(struct bs_set *s, const struct stat *backing_st, const char *skip, uint64_t off,
              uint64_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (strncmp(de->d_name, "loop", 4) == 0 && (!skip || strcmp(de->d_name, skip)))
			bs_add_loop(s, backing_st, de->d_name, off, len);
	if (d)
		closedir(d);
}

/*
 * The disk's users: itself and its partitions, loop devices over it, and
 * when the disk is itself a loop device, the other loop devices over its
 * backing file (the same storage reached another way), ranges shifted by
 * the disk's own offset.
 */
static void
bs_collect(struct bs_set *s, const struct stat *st, uint64_t off, uint64_t len)
{
	char path[512], backing[4096], *name;
	struct stat bst;

	if (S_ISBLK(st->st_mode)) {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(st->st_rdev),
		         minor(st->st_rdev));
		bs_add_blockdev(s, st->st_rdev, path);
	}
	bs_scan_loops(s, st, NULL, off, len);
	if (!S_ISBLK(st->st_mode))
		return;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/backing_file", major(st->st_rdev),
	         minor(st->st_rdev));
	if (bs_read(path, backing, sizeof(backing)) < 0 || stat(backing, &bst) < 0)
		return;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/offset", major(st->st_rdev),
	         minor(st->st_rdev));
	off += bs_read_u64(path);
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(st->st_rdev),
	         minor(st->st_rdev));
	if (realpath(path, backing) && (name = strrchr(backing, '/')))
		bs_scan_loops(s, &bst, name + 1, off, len);
}

enum vds_result
bsafe_check(const struct strlist *allow, const char *path, uint64_t off, uint64_t len, char *msg,
            size_t msglen)
{
	struct vds_conf c = {.allow = *allow};
	struct bs_set s = {.n = 0};
	struct stat st;
	unsigned flags;

	if (!conf_device_allowed(&c, path)) {
		snprintf(msg, msglen, "%s matches no allowDevice pattern", path);
		return VDS_R_NOT_ALLOWED;
	}
	if (stat(path, &st) < 0 || (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))) {
		snprintf(msg, msglen, "%s is gone", path);
		return VDS_R_DEVICE_GONE;
	}
	bs_collect(&s, &st, off, len);
	flags = udevmon_usage_flags(s.devs, s.n, "/proc/self/mountinfo", "/proc/swaps",
	                            (const char *const *)s.holders);
	bs_set_free(&s);
	if (flags & INV_DF_SYSTEM) {
		snprintf(msg, msglen, "%s holds the running system (/ or /boot)", path);
		return VDS_R_SYSTEM_DEVICE;
	}
	if (flags & INV_DF_INUSE) {
		snprintf(msg, msglen, "%s is in use: mounted, swap or held by another device",
		         path);
		return VDS_R_IN_USE;
	}
	if (s.exposed[0]) {
		snprintf(msg, msglen, "the partition on %s is exposed through %s", path, s.exposed);
		return VDS_R_IN_USE;
	}
	return VDS_R_OK;
}

static enum vds_result
bs_open_error(const char *path, char *msg, size_t msglen)
{
	int e = errno;

	snprintf(msg, msglen, "cannot open %s: %s", path, strerror(e));
	if (e == EROFS || e == EACCES || e == EPERM)
		return VDS_R_READ_ONLY;
	if (e == ENOENT || e == ENXIO || e == ENODEV)
		return VDS_R_DEVICE_GONE;
	return VDS_R_IO_ERROR;
}

static enum vds_result
bs_lock(int fd, const char *path, struct prov_job *j, char *msg, size_t msglen)
{
	for (int i = 0; i < BS_LOCK_TRY; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return VDS_R_OK;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		if (j && prov_job_sleep(j, 50)) {
			snprintf(msg, msglen, "cancelled while waiting for the lock on %s", path);
			return VDS_R_CANCELLED;
		}
	}
	snprintf(msg, msglen, "%s is locked by another program", path);
	return VDS_R_BUSY;
}

enum vds_result
bsafe_open(const char *path, struct prov_job *j, int *fd, char *msg, size_t msglen)
{
	enum vds_result r;
	struct stat st;
	int ro = 0;

	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return bs_open_error(path, msg, msglen);
	if (fstat(*fd, &st) == 0 && S_ISBLK(st.st_mode) && ioctl(*fd, BLKROGET, &ro) == 0 && ro) {
		snprintf(msg, msglen, "%s is a read-only device", path);
		r = VDS_R_READ_ONLY;
		goto out;
	}
	if ((r = bs_lock(*fd, path, j, msg, msglen)) == VDS_R_OK)
		return VDS_R_OK;
out:
	close(*fd);
	*fd = -1;
	return r;
}

int
bsafe_flush(int fd, const char *path, char *msg, size_t msglen)
{
	if (fsync(fd) < 0) {
		snprintf(msg, msglen, "cannot flush %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
bs_sysfs(const char *path, const char *attr, char *out, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
		return -1;
	snprintf(out, len, "/sys/dev/block/%u:%u/%s", major(st.st_rdev), minor(st.st_rdev), attr);
	return 0;
}

int
bsafe_watch(const char *path)
{
	char sys[128];

	return bs_sysfs(path, "loop/autoclear", sys, sizeof(sys)) == 0 && bs_read_u64(sys) == 1;
}

int
bsafe_present(const char *path, int token)
{
	struct stat st;
	char sys[128];

	if (stat(path, &st) < 0)
		return 0;
	if (!S_ISBLK(st.st_mode))
		return S_ISREG(st.st_mode);
	if (bs_sysfs(path, "size", sys, sizeof(sys)) < 0 || bs_read_u64(sys) == 0)
		return 0;
	if (!token && bs_sysfs(path, "loop/autoclear", sys, sizeof(sys)) == 0 &&
	    bs_read_u64(sys) == 1)
		return 0; /* `losetup -d` while open: it goes when the last user closes it */
	return 1;
}

int
bsafe_kernel_part(const char *path, uint32_t number, uint64_t *off, uint64_t *size)
{
	char dir[128], f[512];
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (bs_sysfs(path, "loop/partscan", f, sizeof(f)) < 0)
		return -1;
	if (access(f, F_OK) == 0 && bs_read_u64(f) == 0)
		return -1; /* a loop device without LO_FLAGS_PARTSCAN has no partitions */
	if (bs_sysfs(path, "", dir, sizeof(dir)) < 0 || !(d = opendir(dir)))
		return -1;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s%s/partition", dir, de->d_name);
		if (access(f, F_OK) < 0 || bs_read_u64(f) != number)
			continue;
		snprintf(f, sizeof(f), "%s%s/start", dir, de->d_name);
		*off = bs_read_u64(f) * 512;
		snprintf(f, sizeof(f), "%s%s/size", dir, de->d_name);
		*size = bs_read_u64(f) * 512;
		found = 1;
	}
	closedir(d);
	return found;
}
