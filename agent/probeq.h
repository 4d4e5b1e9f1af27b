/* SPDX-License-Identifier: ISC */
/*
 * probeq.h - disk probes (libblkid, probe.h) off the loop thread.
 *
 * Discovery (udev.c, images.c) fills a disk's identity on the loop and
 * submits it; one prober thread reads the disk (probe_disk and whatever
 * else the submitter's probe function does), and the result is applied on
 * the loop (inventory update, notifications).  Until then the disk is
 * what the model had: absent when new, its previous row when re-probed;
 * never a half-read row.  Probes run in the order submitted, so a newer
 * probe of a device is applied after an older one.
 */
#ifndef VDS_PROBEQ_H
#define VDS_PROBEQ_H

#include "model.h"

struct event_base;

/*
 * probe(d, arg) on the prober thread, must not touch the model; returns
 * 0 or -1.  apply(d, rc, arg) on the loop thread takes d (frees or keeps
 * it); not called when the probe was cancelled.
 */
typedef int (*probeq_probe_fn)(struct inv_disk *d, void *arg);
typedef void (*probeq_apply_fn)(struct inv_disk *d, int rc, void *arg);

/* Apply results on base's thread (the loop).  0 or -1. */
int probeq_init(struct event_base *base);
/* Stop the thread; probes not applied yet are dropped. */
void probeq_fini(void);

/* Queue d (malloc'd, taken); -1 (d freed) when out of memory. */
int probeq_submit(struct inv_disk *d, probeq_probe_fn probe, probeq_apply_fn apply, void *arg);
/* The device at devnode went away: its queued and running probes are not applied. */
void probeq_cancel(const char *devnode);
/* Probes submitted and not applied yet. */
unsigned probeq_pending(void);
/*
 * Call fn(arg) on the loop once every probe submitted so far is applied,
 * or after timeout_ms, whichever comes first (at once when none is
 * pending).  One at a time: a second call replaces the first.
 */
int probeq_when_idle(unsigned timeout_ms, void (*fn)(void *arg), void *arg);
/* Wait for every probe and apply them here (tests, shutdown; blocks). */
void probeq_drain(void);

#endif
