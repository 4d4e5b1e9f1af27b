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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "vdisk_image.h"
#include "vdisk_nbd.h"

#define VDN_DETACH_WAIT_MS 30000
#define VDN_CTL_WAIT_S     60 /* a grow syncs the image: it may take a while */

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

/* ------------------------------------------------------------- control */

/* The abstract address "vdsd-nbd/nbdN" of devnode's server. */
static socklen_t
vdn_ctl_addr(const char *devnode, struct sockaddr_un *a)
{
	const char *name = strrchr(devnode, '/');
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, VDN_HELPER_NAME "/%s",
	             name ? name + 1 : devnode);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int
vdn_control_listen(const char *devnode)
{
	struct sockaddr_un a;
	socklen_t l = vdn_ctl_addr(devnode, &a);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, l) < 0 || listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
vdn_timeout(int fd, unsigned s)
{
	struct timeval tv = {(time_t)s, 0};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int
vdn_grow(const char *sysblock, const char *devnode, const char *path, uint64_t vsize, char *msg,
         size_t msglen)
{
	struct sockaddr_un a;
	socklen_t l = vdn_ctl_addr(devnode, &a);
	char req[64], rep[512];
	ssize_t n;
	int fd;

	if (!vdn_serves(sysblock, devnode, path)) {
		errno = ENXIO;
		snprintf(msg, msglen, "%s no longer serves %s", devnode, path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return vdi_fail(msg, msglen, "socket for", devnode);
	vdn_timeout(fd, VDN_CTL_WAIT_S);
	snprintf(req, sizeof(req), "grow %" PRIu64 "\n", vsize);
	if (connect(fd, (struct sockaddr *)&a, l) < 0 || write(fd, req, strlen(req)) < 0 ||
	    (n = read(fd, rep, sizeof(rep) - 1)) <= 0) {
		int e = errno ? errno : EIO;

		close(fd);
		snprintf(msg, msglen, "the server of %s did not answer the grow: %s", devnode,
		         strerror(e));
		errno = e;
		return -1;
	}
	close(fd);
	rep[n] = '\0';
	rep[strcspn(rep, "\n")] = '\0';
	if (strncmp(rep, "OK", 2) != 0) {
		snprintf(msg, msglen, "%s: %s", VDN_HELPER_NAME, rep[0] == 'E' ? rep + 2 : rep);
		errno = EIO;
		return -1;
	}
	return 0;
}

/* One control request on c (accepted): "grow SIZE" from root; the answer "OK SIZE" or "E why". */
static void
vdn_control(int c, int nbd, struct vhd *v, int read_only)
{
	char buf[64], msg[400], out[450];
	unsigned long long size;
	struct ucred cr;
	socklen_t l = sizeof(cr);
	ssize_t n;

	vdn_timeout(c, 5);
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0 || cr.uid != 0)
		snprintf(out, sizeof(out), "E only root may ask\n");
	else if ((n = read(c, buf, sizeof(buf) - 1)) <= 0 || (buf[n] = '\0', 0) ||
	         sscanf(buf, "grow %llu", &size) != 1)
		snprintf(out, sizeof(out), "E not \"grow SIZE\"\n");
	else if (read_only)
		snprintf(out, sizeof(out), "E %s is served read-only\n", v->path);
	else if (vhd_grow(v, size, msg, sizeof(msg)) < 0)
		snprintf(out, sizeof(out), "E %s\n", msg);
	else if (nbd >= 0 && ioctl(nbd, NBD_SET_SIZE_BLOCKS, (unsigned long)(v->size / 512)) < 0)
		snprintf(out, sizeof(out), "E %s grew, but its device did not: %s\n", v->path,
		         strerror(errno));
	else
		snprintf(out, sizeof(out), "OK %" PRIu64 "\n", v->size);
	if (write(c, out, strlen(out)) < 0) {
		/* the client is gone: nothing to tell */
	}
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
vdn_serve(int sock, int ctl, int nbd, struct vhd *v, int read_only)
{
	struct nbd_request rq;
	char *buf = NULL;
	int rc = -1;

	for (;;) {
		struct pollfd pf[2] = {{sock, POLLIN, 0}, {ctl, POLLIN, 0}};
		uint32_t type, len, err = 0;
		uint64_t from;

		if (poll(pf, ctl >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (ctl >= 0 && (pf[1].revents & POLLIN)) {
			int c = accept4(ctl, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0) {
				vdn_control(c, nbd, v, read_only);
				close(c);
			}
		}
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;

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
