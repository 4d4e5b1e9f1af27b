/* SPDX-License-Identifier: ISC */
/*
 * basic_label.h - partition tables through libfdisk: place and add a
 * partition (GPT; MBR primary, extended or logical), delete one, shrink
 * one, and verify the label as written by reading it back from the device.
 *
 * Changes are made in memory on a context bound to the caller's locked
 * descriptor and reach the disk only with blabel_write().  Worker thread.
 */
#ifndef VDS_BASIC_LABEL_H
#define VDS_BASIC_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "provider.h"

struct fdisk_context;
struct fdisk_table;

struct blabel_part {
	uint32_t number;       /* 1-based, as in the label */
	uint64_t offset, size; /* bytes; size 0 to verify: no longer at offset */
	enum inv_pstyle style; /* the disk's label */
	int new_label;         /* a label was created first */
	int container;         /* an MBR extended partition */
};

/* Bind a context to fd (ro: read-only); NULL with msg on failure. */
struct fdisk_context *blabel_open(int fd, const char *path, int ro, char *msg, size_t msglen);
void blabel_close(struct fdisk_context *cxt);
/* The label of cxt: INV_PS_GPT, INV_PS_MBR, INV_PS_NONE or INV_PS_UNKNOWN. */
enum inv_pstyle blabel_style(struct fdisk_context *cxt);

/* In memory: a new, empty label of style (INV_PS_GPT or INV_PS_MBR). */
enum vds_result blabel_init(struct fdisk_context *cxt, enum inv_pstyle style, char *msg,
                            size_t msglen);
/*
 * In memory: create the label init asks for (when the disk has none, or
 * has a different one and no partitions), then add a partition of p->size
 * bytes at p->offset (0: first fit), aligned to the disk's grain, with
 * p->partition_type and p->name, its area to be wiped of old signatures on
 * write.  *res is where it went.
 */
enum vds_result blabel_add(struct fdisk_context *cxt, const struct job_params *p,
                           struct blabel_part *res, char *msg, size_t msglen);
/* Partition number of cxt: offset/size in bytes; VDS_R_NOT_FOUND if unused. */
enum vds_result blabel_get(struct fdisk_context *cxt, uint32_t number, struct blabel_part *res,
                           char *msg, size_t msglen);
/* In memory: delete partition number; an extended one only when it holds no logical one. */
enum vds_result blabel_delete(struct fdisk_context *cxt, uint32_t number, char *msg, size_t msglen);
/* In memory: make partition number size bytes long (same start). */
enum vds_result blabel_resize(struct fdisk_context *cxt, uint32_t number, uint64_t size, char *msg,
                              size_t msglen);
/* The disk's grain (alignment) in bytes. */
uint64_t blabel_grain(struct fdisk_context *cxt);
/* Write the in-memory label to the device. */
enum vds_result blabel_write(struct fdisk_context *cxt, const char *path, char *msg, size_t msglen);

/*
 * Read path's label back: it must verify clean, and partition want->number
 * must be at want->offset with want->size (want->size 0: must be gone, or
 * be another partition, a later logical one renumbered).
 */
enum vds_result blabel_verify(const char *path, const struct blabel_part *want, char *msg,
                              size_t msglen);

/* The partitions of the label as read (before a change), for blabel_tell_kernel(). */
struct fdisk_table *blabel_layout(struct fdisk_context *cxt);
void blabel_layout_free(struct fdisk_table *tb);
/*
 * After blabel_write(): make the kernel use the new table (BLKRRPART, or
 * when another partition is in use the changed partitions alone with BLKPG,
 * through libfdisk against org), then check the kernel's view of
 * want->number (want->size 0: must be gone or elsewhere).  VDS_R_OK, or the failure
 * (VDS_R_IN_USE, VDS_R_NOT_ALLOWED, VDS_R_IO_ERROR) with msg saying that
 * the table was written and the kernel still uses the old one.
 */
enum vds_result blabel_tell_kernel(struct fdisk_context *cxt, struct fdisk_table *org,
                                   const char *path, const struct blabel_part *want, char *msg,
                                   size_t msglen);

#endif
