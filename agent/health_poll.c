/* SPDX-License-Identifier: ISC */
/*
 * health_poll.c - read the disks' health off the loop thread.
 *
 * The loop thread queues one request per disk (a copy of what the reader
 * needs: the device node, the kind of disk, the sim name) every
 * healthInterval seconds and on health_check_all(); one poll thread reads
 * them in turn (a SMART read waits for the device, up to seconds for a
 * spun-down disk) and posts the reports back through an eventfd, which the
 * loop drains into health_apply().  A disk already queued is not queued
 * twice.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "health.h"
#include "health_dev.h"
#include "log.h"
#include "model.h"
#include "health_sim.h"

struct hp_item {
	struct hp_item *next;
	uint32_t index;
	enum inv_source source;
	char devnode[256];
	char name[64];
	char simdir[512];
	struct health_report r; /* filled by the thread */
	time_t at;
	double ms; /* how long the read took */
};

static struct {
	pthread_t tid;
	int started, stopping;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hp_item *in_head, *in_tail; /* to read */
	struct hp_item *out_head;          /* read, for the loop (any order) */
	int efd;
	struct event *ev, *timer, *watch;
	unsigned interval;
	uint64_t seen_generation; /* inventory generation last looked at */
	char simdir[512];
} hp = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .efd = -1};

static double
hp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Poll thread: what kind of disk it is decides who reads it. */
static void
hp_read(struct hp_item *it)
{
	double t0 = hp_now_ms();

	switch (it->source) {
	case INV_SRC_SIM:
		health_sim_read(it->simdir, it->name, &it->r);
		break;
	case INV_SRC_UDEV:
		health_dev_read(it->devnode, &it->r);
		break;
	default:
		memset(&it->r, 0, sizeof(it->r));
		it->r.state = HEALTH_UNKNOWN;
		it->r.source = HEALTH_SRC_NONE;
		snprintf(it->r.reason, sizeof(it->r.reason), "an image file has no health data");
	}
	it->ms = hp_now_ms() - t0;
	it->at = time(NULL);
}

static void *
hp_main(void *arg)
{
	static const uint64_t one = 1;
	struct hp_item *it;

	(void)arg;
	pthread_mutex_lock(&hp.mu);
	for (;;) {
		while (!hp.stopping && !hp.in_head)
			pthread_cond_wait(&hp.cv, &hp.mu);
		if (hp.stopping)
			break;
		it = hp.in_head;
		hp.in_head = it->next;
		if (!hp.in_head)
			hp.in_tail = NULL;
		pthread_mutex_unlock(&hp.mu);
		hp_read(it);
		pthread_mutex_lock(&hp.mu);
		it->next = hp.out_head;
		hp.out_head = it;
		if (write(hp.efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			log_warn("health", "eventfd write");
	}
	pthread_mutex_unlock(&hp.mu);
	return NULL;
}

static void
hp_free_list(struct hp_item *it)
{
	while (it) {
		struct hp_item *n = it->next;

		free(it);
		it = n;
	}
}

/* Loop thread: apply what the poll thread read. */
static void
hp_drain(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;
	struct hp_item *list, *it;

	(void)what;
	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("health", "eventfd read");
	pthread_mutex_lock(&hp.mu);
	list = hp.out_head;
	hp.out_head = NULL;
	pthread_mutex_unlock(&hp.mu);
	for (it = list; it; it = it->next) {
		log_debug("health", "disk %u (%s) read in %.3f ms", it->index,
		          it->devnode[0] ? it->devnode : it->name, it->ms);
		health_apply(it->index, &it->r, it->at);
	}
	hp_free_list(list);
}

static void
hp_queue(const struct inv_disk *d)
{
	struct hp_item *it;

	if (!health_mark_pending(d->index))
		return;
	if (!(it = calloc(1, sizeof(*it)))) {
		log_warnx("health", "out of memory: disk %u not read", d->index);
		return;
	}
	it->index = d->index;
	it->source = d->source;
	snprintf(it->devnode, sizeof(it->devnode), "%s", d->devnode);
	snprintf(it->name, sizeof(it->name), "%s", d->name);
	snprintf(it->simdir, sizeof(it->simdir), "%s", hp.simdir);
	pthread_mutex_lock(&hp.mu);
	if (hp.in_tail)
		hp.in_tail->next = it;
	else
		hp.in_head = it;
	hp.in_tail = it;
	pthread_cond_signal(&hp.cv);
	pthread_mutex_unlock(&hp.mu);
}

void
health_check_all(void)
{
	const struct vtab *disks = inv_table(INV_DISK);
	const struct inv_disk *d;
	size_t i;

	if (!hp.started)
		return;
	VTAB_FOREACH(disks, i, d)
	hp_queue(d);
}

/* Every second: a disk that arrived since is read at once, not in an interval. */
static void
hp_watch(evutil_socket_t fd, short what, void *arg)
{
	const struct vtab *disks = inv_table(INV_DISK);
	const struct inv_disk *d;
	const struct health_row *h;
	size_t i;

	(void)fd;
	(void)what;
	(void)arg;
	if (hp.seen_generation == inv_generation())
		return;
	hp.seen_generation = inv_generation();
	VTAB_FOREACH(disks, i, d)
	if ((h = health_get(d->index)) && !h->checked)
		hp_queue(d);
}

static void
hp_arm(void)
{
	struct timeval tv = {.tv_sec = hp.interval, .tv_usec = 0};

	if (!hp.timer)
		return;
	evtimer_del(hp.timer);
	if (hp.interval)
		evtimer_add(hp.timer, &tv);
}

static void
hp_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	health_check_all();
	hp_arm();
}

static void
hp_take_conf(const struct vds_conf *conf)
{
	hp.interval = conf->health_interval;
	snprintf(hp.simdir, sizeof(hp.simdir), "%s", conf->sim_hold_dir ? conf->sim_hold_dir : "");
}

int
health_init(struct event_base *base, const struct vds_conf *conf)
{
	hp_take_conf(conf);
	hp.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (hp.efd < 0) {
		log_warn("health", "eventfd");
		return -1;
	}
	hp.ev = event_new(base, hp.efd, EV_READ | EV_PERSIST, hp_drain, NULL);
	hp.timer = evtimer_new(base, hp_tick, NULL);
	hp.watch = event_new(base, -1, EV_PERSIST, hp_watch, NULL);
	if (!hp.ev || !hp.timer || !hp.watch || event_add(hp.ev, NULL) < 0 ||
	    event_add(hp.watch, &(struct timeval){.tv_sec = 1}) < 0)
		goto fail;
	hp.stopping = 0;
	if (pthread_create(&hp.tid, NULL, hp_main, NULL) != 0) {
		log_warnx("health", "cannot start the health poll thread");
		goto fail;
	}
	hp.started = 1;
	hp.seen_generation = inv_generation();
	health_check_all();
	hp_arm();
	return 0;
fail:
	health_shutdown();
	return -1;
}

void
health_reload(const struct vds_conf *conf)
{
	hp_take_conf(conf);
	health_check_all();
	hp_arm();
}

void
health_shutdown(void)
{
	if (hp.started) {
		pthread_mutex_lock(&hp.mu);
		hp.stopping = 1;
		pthread_cond_broadcast(&hp.cv);
		pthread_mutex_unlock(&hp.mu);
		pthread_join(hp.tid, NULL);
		hp.started = 0;
	}
	if (hp.watch)
		event_free(hp.watch);
	hp.watch = NULL;
	if (hp.timer)
		event_free(hp.timer);
	if (hp.ev)
		event_free(hp.ev);
	hp.timer = hp.ev = NULL;
	if (hp.efd >= 0)
		close(hp.efd);
	hp.efd = -1;
	hp_free_list(hp.in_head);
	hp_free_list(hp.out_head);
	hp.in_head = hp.in_tail = hp.out_head = NULL;
	health_rows_free();
}
