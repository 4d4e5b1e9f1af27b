/* SPDX-License-Identifier: ISC */
/*
 * rescan.h - the providers' storage read again outside their jobs.
 *
 * A provider's jobs keep the model it shows up to date, but storage also
 * changes without vdsd: an administrator's lvcreate, a disk that fails
 * under a mirror or comes back.  Every provider with a rescan op (provider.h)
 * is read again
 *  - when udev reports a block device added, removed or changed (a burst of
 *    events, as one lvm command makes, is one rescan RESCAN_SETTLE_MS later),
 *  - every rescanInterval seconds (0: never; catches what makes no uevent,
 *    such as a metadata-only change), and on a reload (SIGHUP),
 * on the rescan thread, never beside a job of that provider: a read waits
 * for the provider's running jobs to end, and the provider's jobs do not
 * start while it reads (its tools would meet the read's; the engine starts
 * them when it lands).  The result is published on the loop thread, unless
 * a job of the provider committed since the read or the request: that
 * job's own scan, taken at its end, is newer, and the read is dropped.
 * Loop thread only.
 */
#ifndef VDS_RESCAN_H
#define VDS_RESCAN_H

struct event_base;
struct vds_conf;

struct prov_ops;

#define RESCAN_SETTLE_MS 250u
/* While a job of the provider runs, whether it is idle is asked this often. */
#define RESCAN_BUSY_RETRY_MS 1000u

/* Start the thread and the timer (after job_engine_init); 0 or -1. */
int rescan_init(struct event_base *base, const struct vds_conf *conf);
/* Wait for a read in progress, drop its result, stop (before job_engine_shutdown). */
void rescan_fini(void);
/* The new rescanInterval (reload), and a rescan now. */
void rescan_reload(const struct vds_conf *conf);
/* Read the providers again, in RESCAN_SETTLE_MS (why: for the debug log). */
void rescan_request(const char *why);
/* 1 while ops's storage is being read (its jobs wait). */
int rescan_reading(const struct prov_ops *ops);
/*
 * Since start: rescans published; put off because a job of the provider
 * ran; and asked for but answered by a job's commit since (not read).
 */
unsigned long rescan_published(void);
unsigned long rescan_deferred(void);
unsigned long rescan_answered(void);

#endif
