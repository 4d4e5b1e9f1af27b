/* SPDX-License-Identifier: ISC */
/*
 * sim_mbr.h - MBR extended and logical partitions of a sim disk, by
 * libfdisk's rules: at most one extended container (type 0x05, 0x0f or
 * 0x85) in a primary slot (1-4); logical partitions (5, 6, ... in chain
 * order, the later ones renumbered when one goes, as the kernel does) lie
 * inside it, each with the 1 MiB before it free for its EBR.  A disk's
 * partitions stay sorted by offset, the container before its logical ones.
 */
#ifndef VDS_SIM_MBR_H
#define VDS_SIM_MBR_H

#include <stddef.h>
#include <stdint.h>

#include "sim_check.h"
#include "sim_state.h"

/* The most logical partitions: libfdisk reads and writes 60 partitions a label. */
#define SIM_MBR_MAX_LOGICAL 56

/* The extended container of MBR disk d, or NULL. */
const struct sim_part *sim_mbr_ext(const struct sim_disk *d);
/* 1 when p is a logical partition of d (MBR, numbered above 4). */
int sim_mbr_logical(const struct sim_disk *d, const struct sim_part *p);
/* Partitions of d numbered 1-4 (logical 0) or above (logical 1). */
size_t sim_mbr_count(const struct sim_disk *d, int logical);

/*
 * createPartition on MBR disk d (its label kept): a container (t->ptype
 * extended: one a disk), a logical partition (offset inside the container,
 * or offset 0 and no primary slot left) or a primary one; t->offset, the
 * aligned start for t->size bytes.  VDS_R_OK, or why not.
 */
enum vds_result sim_mbr_place(const struct sim_disk *d, uint64_t offset, struct sim_target *t,
                              char *why, size_t len);
/* Add the partition sim_mbr_place() placed (logical by its offset); NULL when full. */
struct sim_part *sim_mbr_add(struct sim_disk *d, uint64_t offset, uint64_t size);
/* Delete p; the logical partitions after it in the chain move down one number. */
void sim_mbr_del(struct sim_disk *d, struct sim_part *p);
/* MBR PARTUUID of p: the disk id and the number, as blkid shows it. */
void sim_mbr_uuid(const struct sim_disk *d, struct sim_part *p);

/* Bytes free for logical partitions (areas of at least 1 MiB after the EBR room). */
uint64_t sim_mbr_free(const struct sim_disk *d);
/* Bytes logical partition p can grow by in place (up to the next EBR or the container's end). */
uint64_t sim_mbr_room_after(const struct sim_disk *d, const struct sim_part *p);

/*
 * Check a loaded disk: one container, no file system in it, logical
 * partitions inside it with their EBR room, apart, numbered 5..4+n.  -1
 * with the problem in why ("disk sim1: logical partition 5 ...").
 */
int sim_mbr_check(const struct sim_disk *d, char *why, size_t len);

#endif
