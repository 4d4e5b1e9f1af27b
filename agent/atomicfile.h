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
 * Keep a damaged file aside: rename path to path.damaged-YYYYmmddTHHMMSSZ
 * (with a counter when taken) and write the new name into aside.  Returns
 * 0, or -1 (errno set) when it stayed where it was.
 */
int atomic_set_aside(const char *path, char *aside, size_t len);

#endif
