/* SPDX-License-Identifier: ISC */
/*
 * basic_tool.c - temporary loop devices for the basic provider.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "basic_tool.h"
#include "log.h"

#define BT_LOOP_TRY 16

/* ------------------------------------------------------------ loop devices */

static int
bl_configure(int ctl, int bfd, uint64_t offset, uint64_t size, int ro, struct bloop *l)
{
	struct loop_config cfg;
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);

	if (n < 0)
		return -1;
	snprintf(l->dev, sizeof(l->dev), "/dev/loop%d", n);
	l->fd = open(l->dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (l->fd < 0)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (uint32_t)bfd;
	cfg.info.lo_offset = offset;
	cfg.info.lo_sizelimit = size;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (ro ? LO_FLAGS_READ_ONLY : 0);
	if (ioctl(l->fd, LOOP_CONFIGURE, &cfg) == 0)
		return 0;
	close(l->fd);
	l->fd = -1;
	return -1;
}

int
bloop_attach(const char *backing, uint64_t offset, uint64_t size, int ro, struct bloop *l)
{
	int ctl, bfd, rc = -1, err = 0;

	l->dev[0] = '\0';
	l->fd = -1;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	bfd = open(backing, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	/* Someone may take the free device between GET_FREE and CONFIGURE. */
	for (int i = 0; ctl >= 0 && bfd >= 0 && rc < 0 && i < BT_LOOP_TRY; i++) {
		rc = bl_configure(ctl, bfd, offset, size, ro, l);
		err = errno;
		if (rc < 0 && err != EBUSY)
			break;
	}
	if (ctl < 0 || bfd < 0)
		err = errno;
	if (ctl >= 0)
		close(ctl);
	if (bfd >= 0)
		close(bfd);
	if (rc < 0) {
		l->dev[0] = '\0';
		errno = err;
		return -1;
	}
	log_debug("basic", "attached %s over %s @%llu+%llu", l->dev, backing,
	          (unsigned long long)offset, (unsigned long long)size);
	return 0;
}

void
bloop_detach(struct bloop *l)
{
	if (l->fd >= 0) {
		if (ioctl(l->fd, LOOP_CLR_FD) < 0 && errno != ENXIO)
			log_warn("basic", "cannot detach %s", l->dev);
		close(l->fd);
		log_debug("basic", "detached %s", l->dev);
	}
	l->fd = -1;
	l->dev[0] = '\0';
}
