/* SPDX-License-Identifier: ISC */
/*
 * vdisk_loop.c - attach and detach image files as loop devices.
 *
 * Attaching takes a free device from /dev/loop-control and binds it with
 * one LOOP_CONFIGURE (no window in which the device exists half set up);
 * another process may grab the same free device first, which shows as
 * EBUSY and is retried with the next one.  Detaching opens the device
 * exclusively first, which the kernel refuses while a file system, swap,
 * device-mapper or md holds it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vdisk_loop.h"

#define VDL_TRIES        16
#define VDL_GONE_TRIES   500 /* x 10 ms: wait for the unbind after LOOP_CLR_FD */
#define VDL_GONE_STEP_NS 10000000L
#define VDL_DELETED      " (deleted)"

int
vdl_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	else if (fgetc(f) != EOF) /* did not fit */
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? 0 : -1;
}

static int
vdl_read_one(const char *sysblock, const char *name, struct vdl_dev *d)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/%s/loop/backing_file", sysblock, name);
	if (vdl_read_line(path, d->backing, sizeof(d->backing)) < 0 || !d->backing[0])
		return -1;
	snprintf(path, sizeof(path), "%s/%s/loop/offset", sysblock, name);
	d->offset = vdl_read_line(path, buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 10) : 0;
	snprintf(path, sizeof(path), "%s/%s/ro", sysblock, name);
	d->read_only = vdl_read_line(path, buf, sizeof(buf)) == 0 && strcmp(buf, "1") == 0;
	snprintf(d->devnode, sizeof(d->devnode), "/dev/%s", name);
	return 0;
}

size_t
vdl_scan(const char *sysblock, struct vdl_dev *devs, size_t max)
{
	DIR *dir = opendir(sysblock);
	struct dirent *de;
	size_t n = 0;

	while (dir && n < max && (de = readdir(dir)))
		if (strncmp(de->d_name, "loop", 4) == 0 &&
		    vdl_read_one(sysblock, de->d_name, &devs[n]) == 0)
			n++;
	if (dir)
		closedir(dir);
	return n;
}

int
vdl_backs(const char *backing, const char *path, int *deleted)
{
	size_t l = strlen(path);

	*deleted = 0;
	if (strcmp(backing, path) == 0)
		return 1;
	if (strncmp(backing, path, l) == 0 && strcmp(backing + l, VDL_DELETED) == 0)
		return *deleted = 1;
	return 0;
}

static int
vdl_fail(char *msg, size_t len, const char *what, const char *obj)
{
	int e = errno;

	snprintf(msg, len, "%s %s: %s", what, obj, strerror(e));
	errno = e;
	return -1;
}

/* LOOP_CONFIGURE on devnode; EBUSY: someone else took it. */
static int
vdl_configure(const char *devnode, int ffd, const char *path, uint64_t size, int read_only,
              int *dio)
{
	struct loop_config cfg;
	struct loop_info64 info;
	int lfd = open(devnode, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC), rc;

	if (lfd < 0)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	memset(&info, 0, sizeof(info));
	cfg.fd = (uint32_t)ffd;
	cfg.block_size = 512;
	cfg.info.lo_sizelimit = size;
	cfg.info.lo_flags = LO_FLAGS_DIRECT_IO | (read_only ? LO_FLAGS_READ_ONLY : 0);
	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", path);
	rc = ioctl(lfd, LOOP_CONFIGURE, &cfg);
	if (rc < 0 && errno != EBUSY) { /* direct I/O not possible here: without */
		cfg.info.lo_flags &= ~(uint32_t)LO_FLAGS_DIRECT_IO;
		rc = ioctl(lfd, LOOP_CONFIGURE, &cfg);
	}
	if (rc == 0)
		*dio = ioctl(lfd, LOOP_GET_STATUS64, &info) == 0 &&
		       (info.lo_flags & LO_FLAGS_DIRECT_IO);
	close(lfd);
	return rc;
}

/* Read the first and the last block through the device (O_DIRECT: not a cached page). */
static int
vdl_reads(int lfd, int *err)
{
	uint64_t bytes = 0;
	void *buf = NULL;
	int rc = -1;

	*err = ENOMEM;
	if (posix_memalign(&buf, 4096, 512) != 0)
		return -1;
	if (ioctl(lfd, BLKGETSIZE64, &bytes) < 0 || bytes < 512)
		*err = bytes < 512 ? ENXIO : errno;
	else if (pread(lfd, buf, 512, 0) != 512 ||
	         pread(lfd, buf, 512, (off_t)(bytes - 512)) != 512)
		*err = errno ? errno : EIO;
	else
		rc = 0;
	free(buf);
	return rc;
}

/*
 * A file system may accept direct I/O for a loop device and then fail
 * every read (overlayfs over tmpfs, Linux 6.1): read through the device;
 * on failure without direct I/O; still failing, detach and fail.
 */
static int
vdl_check(const char *devnode, const char *path, int *dio, char *msg, size_t msglen)
{
	int lfd = open(devnode, O_RDONLY | O_DIRECT | O_CLOEXEC), err = 0, err2 = 0;
	char dmsg[200];

	if (lfd < 0) {
		err = errno;
		goto bad;
	}
	errno = 0;
	if (vdl_reads(lfd, &err) == 0) {
		close(lfd);
		return 0;
	}
	if (*dio && ioctl(lfd, LOOP_SET_DIRECT_IO, 0UL) == 0) {
		*dio = 0;
		errno = 0;
		if (vdl_reads(lfd, &err2) == 0) {
			close(lfd);
			return 0;
		}
	}
	close(lfd);
bad:
	if (vdl_detach(devnode, path, dmsg, sizeof(dmsg)) == 0)
		snprintf(dmsg, sizeof(dmsg), "detached");
	snprintf(msg, msglen, "%s over %s cannot be read: %s%s%s; %s", devnode, path, strerror(err),
	         err2 ? ", without direct I/O: " : "", err2 ? strerror(err2) : "", dmsg);
	errno = EIO;
	return -1;
}

int
vdl_attach(const char *path, uint64_t size, int read_only, char devnode[VDL_DEVNODE_LEN], int *dio,
           char *msg, size_t msglen)
{
	int ffd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC), ctl = -1, n, rc = -1;

	if (ffd < 0)
		return vdl_fail(msg, msglen, "cannot open", path);
	if ((ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0) {
		vdl_fail(msg, msglen, "cannot open", "/dev/loop-control");
		goto out;
	}
	for (int i = 0; i < VDL_TRIES && rc < 0; i++) {
		if ((n = ioctl(ctl, LOOP_CTL_GET_FREE)) < 0) {
			vdl_fail(msg, msglen, "no free loop device for", path);
			goto out;
		}
		snprintf(devnode, VDL_DEVNODE_LEN, "/dev/loop%d", n);
		rc = vdl_configure(devnode, ffd, path, size, read_only, dio);
		if (rc < 0 && errno != EBUSY) {
			vdl_fail(msg, msglen, "LOOP_CONFIGURE failed on", devnode);
			goto out;
		}
	}
	if (rc < 0)
		vdl_fail(msg, msglen, "every free loop device was taken first for", path);
	else
		rc = vdl_check(devnode, path, dio, msg, msglen);
out:
	if (ctl >= 0)
		close(ctl);
	close(ffd);
	return rc;
}

/*
 * The kernel unbinds the device on its last close, which may come a moment
 * after ours (a prober that opened it on the change event): wait for it.
 */
static int
vdl_wait_gone(const char *sys_backing)
{
	char buf[VDL_BACKING_LEN];

	for (int i = 0; i < VDL_GONE_TRIES; i++) {
		if (vdl_read_line(sys_backing, buf, sizeof(buf)) < 0)
			return 0;
		nanosleep(&(struct timespec){0, VDL_GONE_STEP_NS}, NULL);
	}
	return -1;
}

/* devnode is still attached to path (sys: its backing_file in sysfs); else ENXIO. */
static int
vdl_still_backs(const char *devnode, const char *path, char sys[512], char *msg, size_t msglen)
{
	char backing[VDL_BACKING_LEN];
	const char *name = strrchr(devnode, '/');
	int deleted;

	snprintf(sys, 512, "/sys/block/%s/loop/backing_file", name ? name + 1 : devnode);
	if (vdl_read_line(sys, backing, sizeof(backing)) < 0 ||
	    !vdl_backs(backing, path, &deleted)) {
		errno = ENXIO;
		snprintf(msg, msglen, "%s is no longer attached to %s", devnode, path);
		return -1;
	}
	return 0;
}

int
vdl_resize(const char *devnode, const char *path, uint64_t size, char *msg, size_t msglen)
{
	char sys[512];
	struct loop_info64 info;
	int fd, rc;

	if (vdl_still_backs(devnode, path, sys, msg, msglen) < 0)
		return -1;
	if ((fd = open(devnode, O_RDONLY | O_CLOEXEC)) < 0)
		return vdl_fail(msg, msglen, "cannot open", devnode);
	/* the size limit (a VHD's footer stays out) is part of the status */
	rc = ioctl(fd, LOOP_GET_STATUS64, &info);
	if (rc == 0) {
		info.lo_sizelimit = size;
		rc = ioctl(fd, LOOP_SET_STATUS64, &info);
	}
	if (rc < 0)
		vdl_fail(msg, msglen, "cannot set the new size of", devnode);
	close(fd);
	return rc;
}

int
vdl_detach(const char *devnode, const char *path, char *msg, size_t msglen)
{
	char sys[512];
	int fd, rc;

	if (vdl_still_backs(devnode, path, sys, msg, msglen) < 0)
		return -1;
	if ((fd = open(devnode, O_RDONLY | O_EXCL | O_CLOEXEC)) < 0) {
		if (errno == EBUSY)
			snprintf(msg, msglen, "%s is mounted or held by another device", devnode);
		else
			vdl_fail(msg, msglen, "cannot open", devnode);
		return -1;
	}
	if ((rc = ioctl(fd, LOOP_CLR_FD, 0)) < 0)
		vdl_fail(msg, msglen, "LOOP_CLR_FD failed on", devnode);
	close(fd);
	if (rc == 0 && vdl_wait_gone(sys) < 0)
		snprintf(msg, msglen, "%s is still open elsewhere: it detaches on the last close",
		         devnode);
	return rc;
}
