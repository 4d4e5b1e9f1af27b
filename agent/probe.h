/* SPDX-License-Identifier: ISC */
/*
 * probe.h - read a disk's label and file systems with libblkid.
 *
 * Works on block devices and on image files.  Partitions are read from the
 * label, and each partition's file system is probed by offset on the disk
 * itself, so no kernel partition devices are needed.
 */
#ifndef VDS_PROBE_H
#define VDS_PROBE_H

#include "model.h"

/*
 * Fill d's size, sector_size, pstyle, table_id, whole-disk file system,
 * free_bytes and parts (a malloc'd array owned by d; any previous one is
 * freed first, so d must be zeroed or hold an earlier result).  Identity
 * fields (key, name, devnode, ...) are left alone.
 *
 * On success sets d->status to INV_ST_ONLINE.  On failure returns -1 with
 * d->status = INV_ST_PROBE_ERROR, a readable d->status_msg and no parts.
 *
 * Extended MBR partitions: the container is listed (type "0x05", "0x0f" or
 * "0x85", its full extent, no file system probed in it) and so are its
 * logical partitions (numbered 5, 6, ... as in the label).  Partitions of a
 * nested label (a BSD label inside an MBR partition) are not listed.
 *
 * free_bytes follows libfdisk's rules (what `sfdisk -F` reports): gaps of
 * at least one 1 MiB grain, start aligned up to 1 MiB, inside the usable
 * area (GPT: first..last usable LBA of the header; MBR: from 1 MiB to the
 * end; logical free space inside an extended container starts 1 MiB after
 * the previous logical partition, room for the EBR).  A disk without a
 * label or file system counts as wholly free; one with a whole-disk file
 * system has no free bytes.
 */
int probe_disk(const char *path, struct inv_disk *d);

/* Free d->parts and set nparts to 0. */
void probe_free_parts(struct inv_disk *d);

#endif
