/* SPDX-License-Identifier: ISC */
/*
 * child.c - external tools as child processes for the providers.
 *
 * The worker polls the tool's pipes with a short timeout and, between
 * reads, the tool itself (waitpid WNOHANG), the job's cancel flag and the
 * deadline.  So it notices the end of a tool whose pipes a grandchild
 * keeps open, and never blocks on a tool that is stuck in the kernel.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clockms.h"
#include "child.h"
#include "log.h"

#define CH_POLL_MS  100  /* while the tool's output is open */
#define CH_REAP_MS  2    /* once it is closed: the exit follows at once */
#define CH_TERM_MS  2000 /* SIGTERM on cancel, SIGKILL after this */
#define CH_HANG_MS  5000 /* no exit this long after SIGKILL: left behind */
#define CH_MAX_HUNG 64
#define CH_OUT_STEP 65536

static const char *const ch_env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};

static struct {
	pthread_mutex_t lock;
	pid_t pid[CH_MAX_HUNG];
	unsigned n;
} ch_hung = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* One run: the pipes (stdout, stderr), the process and the kill state. */
struct ch_run {
	struct pollfd pf[2];
	pid_t pid;
	int exited, st;
	int64_t start_ms, term_ms, kill_ms;
	size_t outcap;
};

/* ------------------------------------------------------- left-behind tools */

static void
ch_reap_hung(void)
{
	pthread_mutex_lock(&ch_hung.lock);
	for (unsigned i = 0; i < ch_hung.n;) {
		if (waitpid(ch_hung.pid[i], NULL, WNOHANG) == 0) {
			i++;
			continue;
		}
		log_info("child", "tool pid %d left behind earlier has ended", (int)ch_hung.pid[i]);
		ch_hung.pid[i] = ch_hung.pid[--ch_hung.n];
	}
	pthread_mutex_unlock(&ch_hung.lock);
}

static void
ch_leave(pid_t pid)
{
	pthread_mutex_lock(&ch_hung.lock);
	if (ch_hung.n < CH_MAX_HUNG)
		ch_hung.pid[ch_hung.n++] = pid;
	pthread_mutex_unlock(&ch_hung.lock);
}

unsigned
child_hung_count(void)
{
	unsigned n;

	ch_reap_hung();
	pthread_mutex_lock(&ch_hung.lock);
	n = ch_hung.n;
	pthread_mutex_unlock(&ch_hung.lock);
	return n;
}

/* ---------------------------------------------------------------- output */

static void
ch_tail(struct child *c, const char *buf, size_t n)
{
	size_t have = strlen(c->tail), room = sizeof(c->tail) - 1;

	if (n >= room) {
		memcpy(c->tail, buf + n - room, room);
		c->tail[room] = '\0';
		return;
	}
	if (have + n > room) {
		memmove(c->tail, c->tail + (have + n - room), room - n);
		have = room - n;
	}
	memcpy(c->tail + have, buf, n);
	c->tail[have + n] = '\0';
}

static int
ch_keep(struct child *c, struct ch_run *r, const char *buf, size_t n)
{
	char *nb;

	if (c->outlen + n + 1 > r->outcap) {
		if (!(nb = realloc(c->out, r->outcap + n + CH_OUT_STEP)))
			return -1;
		c->out = nb;
		r->outcap += n + CH_OUT_STEP;
	}
	memcpy(c->out + c->outlen, buf, n);
	c->outlen += n;
	c->out[c->outlen] = '\0';
	return 0;
}

/* Read what pipe i has; closes it at EOF or error. */
static void
ch_read(struct child *c, struct ch_run *r, int i)
{
	char buf[4096];
	ssize_t n = read(r->pf[i].fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(r->pf[i].fd);
		r->pf[i].fd = -1;
		return;
	}
	if (i == 1 || c->merge)
		ch_tail(c, buf, (size_t)n);
	if (i == 0 && c->keep_out && ch_keep(c, r, buf, (size_t)n) < 0)
		log_warnx("child", "%s: out of memory for its output", c->argv[0]);
	if (i == 0 && c->data)
		c->data(c->arg, buf, (size_t)n);
}

/* Poll the pipes for up to ms and read what is there; 1 when something was. */
static int
ch_pump(struct child *c, struct ch_run *r, int ms)
{
	int n = poll(r->pf, 2, ms);

	for (int i = 0; n > 0 && i < 2; i++)
		if (r->pf[i].fd >= 0 && r->pf[i].revents)
			ch_read(c, r, i);
	return n > 0;
}

/* ------------------------------------------------------------ the process */

static void
ch_exec(const struct child *c, int out, int err, int errpipe)
{
	int null = open("/dev/null", O_RDONLY);
	int e;

	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != errpipe)
			close(fd);
	execve(c->argv[0], (char *const *)c->argv, (char *const *)(c->envp ? c->envp : ch_env));
	e = errno;
	(void)!write(errpipe, &e, sizeof(e));
	_exit(127);
}

/* "tool arg1 arg2 ..." for the log, cut to len - 1 bytes. */
static const char *
ch_cmdline(const struct child *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; c->argv[i] && n + 1 < len; i++) {
		int w = snprintf(buf + n, len - n, "%s%s", i ? " " : "", c->argv[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* Cancel and deadline: SIGTERM / SIGKILL as due; 1 once the tool is to be left behind. */
static int
ch_watch(struct child *c, struct ch_run *r)
{
	int64_t now = clock_mono_ms();

	if (!r->term_ms && !r->kill_ms && c->j && prov_job_cancelled(c->j)) {
		log_info("child", "cancel: stopping %s (pid %d)", c->argv[0], (int)r->pid);
		kill(r->pid, SIGTERM);
		r->term_ms = now;
		c->cancelled = 1;
	}
	if (!r->kill_ms && c->timeout_ms && now - r->start_ms >= c->timeout_ms) {
		char cmd[160];

		log_warnx("child", "%s (pid %d) still runs after %u ms: killing it",
		          ch_cmdline(c, cmd, sizeof(cmd)), (int)r->pid, c->timeout_ms);
		c->timed_out = 1;
		r->kill_ms = now;
		kill(r->pid, SIGKILL);
	}
	if (!r->kill_ms && r->term_ms && now - r->term_ms >= CH_TERM_MS) {
		r->kill_ms = now;
		kill(r->pid, SIGKILL);
	}
	return r->kill_ms && now - r->kill_ms >= CH_HANG_MS;
}

/* Until the tool has exited (or must be left behind); reads its output meanwhile. */
static void
ch_wait(struct child *c, struct ch_run *r)
{
	for (;;) {
		int open = r->pf[0].fd >= 0 || r->pf[1].fd >= 0;

		ch_pump(c, r, open ? CH_POLL_MS : CH_REAP_MS);
		if (waitpid(r->pid, &r->st, WNOHANG) == r->pid) {
			r->exited = 1;
			/* what it wrote last, without waiting: grandchildren may hold the pipe */
			while (ch_pump(c, r, 0))
				;
			return;
		}
		if (ch_watch(c, r)) {
			log_warnx("child", "%s (pid %d) does not exit after SIGKILL: left behind",
			          c->argv[0], (int)r->pid);
			c->hung = 1;
			ch_leave(r->pid);
			return;
		}
	}
}

static void
ch_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int
child_run(struct child *c)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, px[2] = {-1, -1}, e = 0;
	struct ch_run r = {.pf = {{-1, POLLIN, 0}, {-1, POLLIN, 0}}};
	char cmd[160];

	c->out = NULL;
	c->outlen = 0;
	c->tail[0] = '\0';
	c->status = -1;
	c->exec_errno = c->cancelled = c->timed_out = c->hung = 0;
	ch_reap_hung();
	if (pipe2(po, O_CLOEXEC) < 0 || (!c->merge && pipe2(pe, O_CLOEXEC) < 0) ||
	    pipe2(px, O_CLOEXEC) < 0 || (r.pid = fork()) < 0) {
		log_warn("child", "cannot start %s", c->argv[0]);
		ch_close(&po[0]), ch_close(&po[1]), ch_close(&pe[0]), ch_close(&pe[1]);
		ch_close(&px[0]), ch_close(&px[1]);
		return -1;
	}
	if (r.pid == 0)
		ch_exec(c, po[1], c->merge ? po[1] : pe[1], px[1]);
	ch_close(&po[1]), ch_close(&pe[1]), ch_close(&px[1]);
	r.pf[0].fd = po[0];
	r.pf[1].fd = pe[0];
	r.start_ms = clock_mono_ms();
	ch_wait(c, &r);
	ch_close(&r.pf[0].fd), ch_close(&r.pf[1].fd);
	if (r.exited) {
		if (read(px[0], &e, sizeof(e)) == (ssize_t)sizeof(e))
			c->exec_errno = e;
		c->status = WIFEXITED(r.st) ? WEXITSTATUS(r.st) : 128 + WTERMSIG(r.st);
	}
	ch_close(&px[0]);
	log_debug("child", "%s: status %d after %lld ms", ch_cmdline(c, cmd, sizeof(cmd)),
	          c->status, (long long)(clock_mono_ms() - r.start_ms));
	return 0;
}

void
child_free(struct child *c)
{
	free(c->out);
	c->out = NULL;
	c->outlen = 0;
}
