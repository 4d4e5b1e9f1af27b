/* SPDX-License-Identifier: ISC */
/*
 * durable.h - provider state files written off the loop, and jobs that are
 * published as finished only once their change is on disk.
 *
 * A provider's commit() (loop thread) changes its state in memory,
 * serialises it into a buffer (cheap) and hands it to durable_write(): the
 * state writer thread (statewr.h) writes it lazily (atomic_write_lazy: tmp
 * file, rename; .prev kept).  Whoever calls commit() brackets it with
 * durable_ticket_begin() and durable_ticket_end(): a commit that queued a
 * write leaves a ticket, and durable_wait() calls back, on the loop, when
 * that write landed or failed -- nothing is acknowledged that is not
 * recorded.
 *
 * The promise is jobs.db's (WAL, synchronous=NORMAL): "landed" means the
 * kernel has the new file in place, so a SIGKILL of vdsd (or any crash of
 * vdsd alone) loses nothing acknowledged.  The fsync follows off the
 * critical path, one per file and burst, at most about 100 ms later
 * (statewr's syncer); a power loss or kernel crash before it may lose the
 * last changes, never the file: path.prev is always a synced content, and
 * a file found torn or cut at start is set aside and path.prev restored,
 * saying so (sim_store.c).  A clean stop (durable_fini) syncs everything.
 *
 * Writes of one file land in order.  One not started yet is replaced by a
 * newer one, which carries its content: its waiters are answered with the
 * newer write.  A write that fails fails every write of the file queued up
 * to then (they were built on its content, none of them reaches the disk);
 * the file's owner is told first (durable_landed_fn with -1) and puts its
 * state back to durable_content(df, 1), what the file holds.
 */
#ifndef VDS_DURABLE_H
#define VDS_DURABLE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct durable_file;

/* Deliver outcomes on base's thread (the loop).  Called by the job engine. */
int durable_init(struct event_base *base);
/* Wait for every write, deliver the outcomes here, stop delivering. */
void durable_fini(void);

/*
 * Loop thread, rc 0: a write landed; -1: it failed (the owner rolls back to
 * durable_content(df, 1)).  Called before the waiters of that write.
 */
typedef void (*durable_landed_fn)(void *arg, int rc);

/*
 * durable_open flags.  DURABLE_SYNC: a write lands only once fsynced
 * (atomic_write_gen), for a file whose loader cannot fall back on .prev
 * (vdisk.state); without it, lazily (the promise above).
 */
#define DURABLE_SYNC 1u

/*
 * path, whose content on disk is content[0..len) (copied).  NULL when out
 * of memory.
 */
struct durable_file *durable_open(const char *path, const char *content, size_t len, unsigned flags,
                                  durable_landed_fn fn, void *arg);
/* Wait for the file's writes and deliver them; then free df. */
void durable_close(struct durable_file *df);

/*
 * Loop thread: make buf[0..len) the file's content; buf is taken (freed
 * here, also on error).  0, or -1 (out of memory: nothing queued).
 */
int durable_write(struct durable_file *df, char *buf, size_t len);
/*
 * The file's content: landed 1, as the disk has it; 0, as last given to
 * durable_write() (what the owner's state is now).
 */
const char *durable_content(const struct durable_file *df, int landed, size_t *len);
/* The file's path. */
const char *durable_path(const struct durable_file *df);

struct durable_ticket {
	struct durable_file *df; /* NULL: nothing to wait for */
	uint64_t seq;
};

/* Loop thread: bracket a provider's commit(). */
void durable_ticket_begin(void);
/* The last write queued since durable_ticket_begin(), if any. */
struct durable_ticket durable_ticket_end(void);

/*
 * Call fn(arg, rc, why) on the loop once t's write (or a newer one of the
 * same file) landed, rc 0, or failed, rc -1 with why naming the file and the
 * cause.  A ticket with no file is answered at once.  -1 when out of memory.
 */
int durable_wait(struct durable_ticket t, void (*fn)(void *arg, int rc, const char *why),
                 void *arg);

#endif
