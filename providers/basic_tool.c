/*
 * basic_tool.c - child processes and temporary loop devices for the basic
 * provider.
 *
 * A tool runs with stdin on /dev/null, stdout and stderr on one pipe, a
 * fixed environment (PATH, LC_ALL=C) and no shell.  While it runs the
 * worker polls the pipe and the job: a cancel that may still be honoured
 * sends SIGTERM, then SIGKILL after two seconds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic_tool.h"
#include "log.h"

#define BT_POLL_MS  100
#define BT_KILL_MS  2000
#define BT_LOOP_TRY 16

static char *const bt_env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

static void
bt_child(const struct btool *t, int out)
{
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	execve(t->argv[0], (char *const *)t->argv, bt_env);
	_exit(127);
}

static void
bt_tail(struct btool *t, const char *buf, size_t n)
{
	size_t have = strlen(t->tail), room = sizeof(t->tail) - 1;

	if (n >= room) {
		memcpy(t->tail, buf + n - room, room);
		t->tail[room] = '\0';
		return;
	}
	if (have + n > room) {
		memmove(t->tail, t->tail + (have + n - room), room - n);
		have = room - n;
	}
	memcpy(t->tail + have, buf, n);
	t->tail[have + n] = '\0';
}

static int64_t
bt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Kill on cancel: SIGTERM first, SIGKILL when it lingers. */
static void
bt_maybe_kill(struct btool *t, pid_t pid, int64_t *term_ms)
{
	if (!*term_ms && t->j && prov_job_cancelled(t->j)) {
		log_info("basic", "cancel: stopping %s (pid %d)", t->argv[0], (int)pid);
		kill(pid, SIGTERM);
		*term_ms = bt_now_ms();
		t->cancelled = 1;
	} else if (*term_ms && bt_now_ms() - *term_ms > BT_KILL_MS) {
		kill(pid, SIGKILL);
	}
}

static void
bt_pump(struct btool *t, int in, pid_t pid)
{
	struct pollfd pfd = {.fd = in, .events = POLLIN};
	int64_t term_ms = 0;
	char buf[4096];
	ssize_t n;

	for (;;) {
		int rc = poll(&pfd, 1, BT_POLL_MS);

		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0) {
			n = read(in, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			bt_tail(t, buf, (size_t)n);
			if (t->data)
				t->data(t->arg, buf, (size_t)n);
		}
		bt_maybe_kill(t, pid, &term_ms);
	}
}

int
btool_run(struct btool *t)
{
	int p[2], st = 0;
	pid_t pid;

	t->status = -1;
	t->cancelled = 0;
	t->tail[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		bt_child(t, p[1]);
	close(p[1]);
	bt_pump(t, p[0], pid);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	t->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	log_debug("basic", "%s exited with %d", t->argv[0], t->status);
	return t->status == 127 && !t->tail[0] ? -1 : 0;
}

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
