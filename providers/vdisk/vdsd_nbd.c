/* SPDX-License-Identifier: ISC */
/*
 * vdsd_nbd.c - vdsd-nbd [--read-only] IMAGE: serve a dynamic or
 * differencing VHD (with its parents) as a free /dev/nbdN, for vdsd's
 * attachVDisk.
 *
 * The image is opened and checked here, in the caller's process; then a
 * daemon child (its own session, stdio on /dev/null) binds a socket pair
 * to the first nbd device no one holds, starts the kernel's side
 * (NBD_DO_IT, on a thread of its own) and, once sysfs shows the device
 * served, tells the parent, which prints the device and exits 0.  The
 * daemon serves until the device is disconnected (NBD_DISCONNECT: vdsd's
 * detachVDisk), then syncs the image and exits; between two requests it
 * grows the image and the device when root asks on its control socket
 * (vdsd's expandVDisk: vdn_grow).
 *
 * Exit status of the parent: 0 attached (the device on stdout), 1 the
 * image or the device failed, 2 the kernel has no nbd device (the nbd
 * module is not loaded), 3 every nbd device is in use.  The reason is on
 * stderr.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/nbd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vdisk_nbd.h"
#include "vdisk_vhd.h"

#define SYSBLOCK   "/sys/block"
#define NBD_SCAN   1024 /* devices looked at */
#define UP_WAIT_MS 10000

static int report = -1; /* the pipe to the parent, in the daemon */

/* To the parent: "E<status> <reason>", or "/dev/nbdN" when served. */
static void __attribute__((format(printf, 2, 3))) say(int status, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	int n = 0;

	if (status)
		n = snprintf(buf, sizeof(buf), "E%d ", status);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (write(report, buf, strlen(buf)) < 0)
		_exit(1);
}

static void *
do_it(void *arg)
{
	int fd = *(int *)arg;

	ioctl(fd, NBD_DO_IT); /* until the disconnect */
	ioctl(fd, NBD_CLEAR_QUE);
	ioctl(fd, NBD_CLEAR_SOCK);
	return NULL;
}

/* The first /dev/nbdN that takes sock; its fd and number, or -1 (said why). */
static int
bind_device(int sock, struct vhd *v, int read_only, unsigned *num)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < NBD_SCAN; i++) {
		char path[64];
		int fd, ro = 1;

		snprintf(path, sizeof(path), SYSBLOCK "/nbd%u", i);
		if (access(path, F_OK) < 0)
			continue;
		seen++;
		snprintf(path, sizeof(path), SYSBLOCK "/nbd%u/pid", i);
		if (access(path, F_OK) == 0)
			continue; /* served already */
		snprintf(path, sizeof(path), "/dev/nbd%u", i);
		if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
			continue;
		/* the socket first: the kernel gives a device being set up to one task only */
		if (ioctl(fd, NBD_SET_SOCK, sock) < 0) {
			close(fd);
			continue;
		}
		if (ioctl(fd, NBD_SET_BLKSIZE, 512UL) < 0 ||
		    ioctl(fd, NBD_SET_SIZE_BLOCKS, (unsigned long)(v->size / 512)) < 0 ||
		    ioctl(fd, NBD_SET_FLAGS,
		          (unsigned long)(NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH |
		                          (read_only ? NBD_FLAG_READ_ONLY : 0))) < 0 ||
		    (read_only && ioctl(fd, BLKROSET, &ro) < 0)) {
			say(1, "setting up %s: %s", path, strerror(errno));
			ioctl(fd, NBD_CLEAR_SOCK);
			close(fd);
			return -1;
		}
		*num = i;
		return fd;
	}
	if (seen == 0)
		say(2, "the kernel has no nbd device: load the nbd module (modprobe nbd)");
	else
		say(3, "all %u nbd devices are in use", seen);
	return -1;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The daemon: bind, start the kernel's side, report, serve. */
static int
daemon_main(struct vhd *v, int read_only)
{
	int sv[2], fd, null, ctl;
	unsigned num = 0, waited;
	char pid[64];
	pthread_t t;

	setsid();
	if (chdir("/") < 0)
		return 1;
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		say(1, "socketpair: %s", strerror(errno));
		return 1;
	}
	if ((fd = bind_device(sv[0], v, read_only, &num)) < 0)
		return 1;
	if (pthread_create(&t, NULL, do_it, &fd) != 0) {
		say(1, "cannot start a thread");
		ioctl(fd, NBD_CLEAR_SOCK);
		return 1;
	}
	snprintf(pid, sizeof(pid), SYSBLOCK "/nbd%u/pid", num);
	for (waited = 0; access(pid, F_OK) < 0 && waited < UP_WAIT_MS; waited += 5)
		sleep_ms(5);
	if (waited >= UP_WAIT_MS) {
		say(1, "/dev/nbd%u was not served within %u s", num, UP_WAIT_MS / 1000);
		ioctl(fd, NBD_DISCONNECT);
	} else {
		say(0, "/dev/nbd%u\n", num);
	}
	close(report);
	snprintf(pid, sizeof(pid), "/dev/nbd%u", num);
	ctl = vdn_control_listen(pid); /* without it the image cannot grow while served */
	vdn_serve(sv[1], ctl, fd, v, read_only);
	if (ctl >= 0)
		close(ctl);
	close(sv[1]);
	pthread_join(t, NULL);
	close(fd);
	close(sv[0]);
	vhd_close(v);
	return 0;
}

int
main(int argc, char **argv)
{
	int read_only = argc == 3 && strcmp(argv[1], "--read-only") == 0;
	const char *image = argv[argc - 1];
	char msg[600], buf[600];
	struct vhd *v;
	int p[2], status = 1;
	ssize_t n;

	if (argc != 2 + read_only || image[0] != '/') {
		fprintf(stderr, "usage: %s [--read-only] /IMAGE.vhd\n", VDN_HELPER_NAME);
		return 1;
	}
	if (vhd_open(&v, image, !read_only, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	if (v->type == VDI_VHD_FIXED) {
		fprintf(stderr, "%s is a fixed VHD: a loop device serves it\n", image);
		vhd_close(v);
		return 1;
	}
	if (pipe(p) < 0) {
		perror("pipe");
		vhd_close(v);
		return 1;
	}
	switch (fork()) {
	case -1:
		perror("fork");
		vhd_close(v);
		return 1;
	case 0:
		close(p[0]);
		report = p[1];
		_exit(daemon_main(v, read_only));
	default:
		break;
	}
	vhd_close(v); /* the daemon's now */
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	if (n <= 0) {
		fprintf(stderr, "the server of %s ended before it said a word\n", image);
		return 1;
	}
	buf[n] = '\0';
	if (buf[0] == 'E') {
		status = atoi(buf + 1);
		fprintf(stderr, "%s\n", strchr(buf, ' ') ? strchr(buf, ' ') + 1 : buf);
		return status ? status : 1;
	}
	fputs(buf, stdout);
	return 0;
}
