/* SPDX-License-Identifier: ISC */
/*
 * vdisk_nbd.c - nbd attachments of dynamic and differencing VHDs: finding
 * them in sysfs and /proc, starting vdsd-nbd, disconnecting, and the
 * request loop vdsd-nbd runs (the kernel's side of the protocol is in
 * <linux/nbd.h>: a 28-byte request, a 16-byte reply, the data after them).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nbd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "vdisk_nbd.h"

#define VDN_DETACH_WAIT_MS 30000

/* ------------------------------------------------------------- the view */

/*
 * The image vdsd-nbd (pid) serves, from its command line: argv[0] named
 * VDN_HELPER_NAME, the image last.  0, or -1 when pid is no vdsd-nbd.
 */
static int
vdn_image_of(long pid, char *image, size_t cap)
{
	char path[64], cmd[4096], *arg, *last = NULL, *base;
	size_t len = 0, i;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0 || cmd[n - 1] != '\0')
		return -1;
	len = (size_t)n;
	base = strrchr(cmd, '/');
	if (strcmp(base ? base + 1 : cmd, VDN_HELPER_NAME) != 0)
		return -1;
	for (i = 0; i < len; i += strlen(cmd + i) + 1) {
		arg = cmd + i;
		last = arg;
	}
	if (!last || last == cmd || last[0] != '/' || strlen(last) >= cap)
		return -1;
	snprintf(image, cap, "%s", last);
	return 0;
}

size_t
vdn_scan(const char *sysblock, struct vdl_dev *devs, size_t max)
{
	DIR *d = opendir(sysblock);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while (n < max && (e = readdir(d))) {
		char path[512], buf[64];
		long pid;

		if (strncmp(e->d_name, "nbd", 3) != 0 || !e->d_name[3] ||
		    strspn(e->d_name + 3, "0123456789") != strlen(e->d_name + 3))
			continue;
		snprintf(path, sizeof(path), "%s/%s/pid", sysblock, e->d_name);
		if (vdl_read_line(path, buf, sizeof(buf)) < 0 || (pid = atol(buf)) <= 0 ||
		    vdn_image_of(pid, devs[n].backing, sizeof(devs[n].backing)) < 0)
			continue;
		snprintf(devs[n].devnode, sizeof(devs[n].devnode), "/dev/%s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s/ro", sysblock, e->d_name);
		devs[n].read_only = vdl_read_line(path, buf, sizeof(buf)) == 0 && atoi(buf) == 1;
		devs[n].offset = 0;
		n++;
	}
	closedir(d);
	return n;
}

/* ------------------------------------------------------ attach, detach */

int
vdn_attach(const char *helper, const char *path, int read_only, char devnode[VDL_DEVNODE_LEN],
           char *msg, size_t msglen)
{
	/*
	 * Under systemd the server goes into a scope of its own: it must
	 * outlive a stop or restart of vdsd.service, whose processes are all
	 * stopped with it.
	 */
	const char *scoped[] = {"/usr/bin/systemd-run",
	                        "--scope",
	                        "--quiet",
	                        "--collect",
	                        "--description=vdsd-nbd: a VHD served as a block device",
	                        "--",
	                        helper,
	                        read_only ? "--read-only" : path,
	                        read_only ? path : NULL,
	                        NULL};
	const char *const *argv = scoped + 6;
	struct child c = {.keep_out = 1, .timeout_ms = 60000};
	size_t l;
	int rc = -1;

	if (getenv("INVOCATION_ID") && access(scoped[0], X_OK) == 0)
		argv = scoped;
	c.argv = argv;
	if (child_run(&c) < 0 || c.exec_errno) {
		errno = c.exec_errno ? c.exec_errno : errno;
		snprintf(msg, msglen, "cannot run %s: %s", argv[0], strerror(errno));
		goto out;
	}
	if (c.status != 0) {
		errno = c.status == 2 ? ENODEV : c.status == 3 ? EBUSY : EIO;
		snprintf(msg, msglen, "%s: %s", VDN_HELPER_NAME,
		         c.tail[0] ? c.tail : "failed without a word");
		l = strlen(msg);
		while (l && msg[l - 1] == '\n')
			msg[--l] = '\0';
		goto out;
	}
	l = c.out ? strcspn(c.out, "\n") : 0;
	if (l == 0 || l >= VDL_DEVNODE_LEN || strncmp(c.out, "/dev/nbd", 8) != 0) {
		errno = EIO;
		snprintf(msg, msglen, "%s named no device", VDN_HELPER_NAME);
		goto out;
	}
	memcpy(devnode, c.out, l);
	devnode[l] = '\0';
	rc = 0;
out:
	child_free(&c);
	return rc;
}

static void
vdn_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 1 when sysfs shows devnode served by vdsd-nbd for path. */
static int
vdn_serves(const char *sysblock, const char *devnode, const char *path)
{
	struct vdl_dev devs[64];
	size_t n = vdn_scan(sysblock, devs, 64);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(devs[i].devnode, devnode) && !strcmp(devs[i].backing, path))
			return 1;
	return 0;
}

int
vdn_detach(const char *sysblock, const char *devnode, const char *path, char *msg, size_t msglen)
{
	char pidfile[512];
	const char *name = strrchr(devnode, '/');
	int fd;

	if (!vdn_serves(sysblock, devnode, path)) {
		errno = ENXIO;
		snprintf(msg, msglen, "%s no longer serves %s", devnode, path);
		return -1;
	}
	if ((fd = open(devnode, O_RDWR | O_EXCL | O_CLOEXEC)) < 0) {
		int e = errno;

		snprintf(msg, msglen, "%s is mounted or held: %s", devnode, strerror(e));
		errno = e == EBUSY ? EBUSY : e;
		return -1;
	}
	if (ioctl(fd, NBD_DISCONNECT) < 0) {
		int e = errno;

		close(fd);
		snprintf(msg, msglen, "NBD_DISCONNECT %s: %s", devnode, strerror(e));
		errno = e;
		return -1;
	}
	close(fd);
	/* the server sees the disconnect, ends, and the kernel drops the device's pid */
	snprintf(pidfile, sizeof(pidfile), "%s/%s/pid", sysblock, name ? name + 1 : devnode);
	for (unsigned waited = 0; access(pidfile, F_OK) == 0; waited += 10) {
		if (waited >= VDN_DETACH_WAIT_MS) {
			errno = ETIMEDOUT;
			snprintf(msg, msglen, "%s still served %u s after the disconnect", devnode,
			         VDN_DETACH_WAIT_MS / 1000);
			return -1;
		}
		vdn_sleep_ms(10);
	}
	return 0;
}

/* --------------------------------------------------------------- serve */

static int
vdn_io(int fd, void *buf, size_t n, int out)
{
	char *p = buf;

	while (n) {
		ssize_t r = out ? write(fd, p, n) : read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EPIPE;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
vdn_reply(int sock, const char handle[8], uint32_t err, const void *data, size_t n)
{
	struct nbd_reply r;

	r.magic = htobe32(NBD_REPLY_MAGIC);
	r.error = htobe32(err);
	memcpy(r.handle, handle, sizeof(r.handle));
	if (vdn_io(sock, &r, sizeof(r), 1) < 0)
		return -1;
	return err == 0 && n ? vdn_io(sock, (void *)data, n, 1) : 0;
}

int
vdn_serve(int sock, struct vhd *v, int read_only)
{
	struct nbd_request rq;
	char *buf = NULL;
	int rc = -1;

	for (;;) {
		uint32_t type, len, err = 0;
		uint64_t from;

		if (vdn_io(sock, &rq, sizeof(rq), 0) < 0 || be32toh(rq.magic) != NBD_REQUEST_MAGIC)
			break;
		type = be32toh(rq.type) & 0xffff;
		from = be64toh(rq.from);
		len = be32toh(rq.len);
		if (type == NBD_CMD_DISC) {
			rc = 0;
			break;
		}
		if ((type == NBD_CMD_READ || type == NBD_CMD_WRITE) && len > VDN_MAX_REQUEST)
			break; /* a write's payload cannot be skipped safely: end */
		free(buf);
		buf = NULL;
		if ((type == NBD_CMD_READ || type == NBD_CMD_WRITE) &&
		    !(buf = malloc(len ? len : 1)))
			break;
		switch (type) {
		case NBD_CMD_READ:
			if (vhd_read(v, buf, from, len) < 0)
				err = errno == EINVAL ? EINVAL : EIO;
			if (vdn_reply(sock, rq.handle, err, buf, len) < 0)
				goto out;
			continue;
		case NBD_CMD_WRITE:
			if (vdn_io(sock, buf, len, 0) < 0)
				goto out;
			if (read_only)
				err = EPERM;
			else if (vhd_write(v, buf, from, len) < 0)
				err = errno == ENOSPC ? ENOSPC : errno == EINVAL ? EINVAL : EIO;
			break;
		case NBD_CMD_FLUSH:
			if (!read_only && fsync(v->fd) < 0)
				err = EIO;
			break;
		default:
			err = EINVAL;
			break;
		}
		if (vdn_reply(sock, rq.handle, err, NULL, 0) < 0)
			break;
	}
out:
	free(buf);
	if (!read_only)
		fsync(v->fd);
	return rc;
}
