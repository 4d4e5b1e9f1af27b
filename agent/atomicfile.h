/* SPDX-License-Identifier: ISC */
/*
 * atomicfile.h - replace a small state file whole, crash-safe: the old
 * content or the new, never a torn mix.
 */
#ifndef VDS_ATOMICFILE_H
#define VDS_ATOMICFILE_H

#include <stdio.h>

/*
 * fill() writes the new content into a temporary file beside path (mode
 * 0600), which is flushed, fsynced and renamed over path; then the
 * directory is fsynced.  fill returns 0, or -1 to abandon the write.
 * Returns 0, or -1 with path untouched and the temporary file removed.
 */
int atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

/*
 * As atomic_write(), but the content path had before (if any) is kept as
 * path.prev, the previous generation a loader falls back to when path is
 * damaged.  path exists at every moment.
 */
int atomic_write_gen(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

/*
 * As atomic_write_gen(), without waiting for the disk: the new content is
 * put in path's place unsynced (exchanged with it where the file system
 * can: no writeback forced on the way; see atomicfile.c).  Once this
 * returns, a SIGKILL of vdsd loses nothing (the kernel has the file); a
 * power loss or kernel crash may leave path old, or torn, until
 * atomic_sync(path, *fd) has returned.  keep_prev: path's content becomes
 * path.prev first; pass 1 only when that content was synced, so that
 * path.prev always survives a power loss (0: path.prev stays the older,
 * synced generation).  spare: an atomic_spare(path) made earlier (taken;
 * used while it is still path.tmp and named nowhere else) or -1.  On
 * success *fd is the new file, open for atomic_sync(); on failure -1, path
 * untouched.
 */
int atomic_write_lazy(const char *path, int keep_prev, int (*fill)(FILE *f, void *arg), void *arg,
                      int spare, int *fd);

/*
 * Ready path's temporary file ahead of the next atomic_write_lazy: when
 * reuse is set, the old content an exchange left at path.tmp, to be
 * written over, when nothing else names it; else a new empty file
 * (creating or freeing an inode can wait on the file system's journal: not
 * on the way of the write).  Pass reuse 0 when that content may be under
 * writeback (an fsync of it in flight): cutting a page under writeback
 * waits for the disk.  The descriptor, or -1.
 */
int atomic_spare(const char *path, int reuse);

/* fsync fd (a content atomic_write_lazy() put at path) and path's directory; closes fd. */
int atomic_sync(const char *path, int fd);

/*
 * What fill() would write into the file, in memory: *buf (malloc'd, NUL
 * terminated, *len bytes), for durable_write().  0, or -1 (*buf NULL).
 */
int atomic_fill_mem(int (*fill)(FILE *f, void *arg), void *arg, char **buf, size_t *len);

/*
 * Keep a damaged file aside: rename path to path.damaged-YYYYmmddTHHMMSSZ
 * (with a counter when taken) and write the new name into aside.  Returns
 * 0, or -1 (errno set) when it stayed where it was.
 */
int atomic_set_aside(const char *path, char *aside, size_t len);

#endif
