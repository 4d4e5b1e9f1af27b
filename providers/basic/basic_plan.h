/* SPDX-License-Identifier: ISC */
/*
 * basic_plan.h - what the basic provider's loop-thread half (basic.c)
 * hands to its worker half (basic_run.c, basic_shrink.c): everything run()
 * needs, copied out of the model and the configuration, and what it found.
 */
#ifndef VDS_BASIC_PLAN_H
#define VDS_BASIC_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "model.h"
#include "provider.h"

struct basic_plan {
	struct job_params p;
	struct strlist allow; /* a copy of the allowDevice patterns */
	char devnode[256];    /* the disk: block device node or image path */
	char diskkey[256];
	uint32_t sector_size;
	/* deletePartition / shrinkVolume: the partition as the model saw it */
	uint32_t number;
	uint64_t part_offset, part_size;
	char part_devnode[256]; /* a kernel partition device, "" when none */
	/* deletePartition: the range that must be unused, the partition's, or
	 * its container's when later logical partitions take new numbers */
	uint64_t guard_offset, guard_size;
	char fs_type[16];
	uint64_t disk_size;
	int whole; /* format, extend, deleteVolume: the volume is the whole disk */
	/* filled by run() */
	uint64_t new_offset, new_size, reclaimed;
	int written;            /* the disk was changed: commit must re-probe */
	struct inv_disk *probe; /* the disk read back after the change, or NULL */
};

/* run() of each job type; VDS_R_OK or why not in msg. */
enum vds_result basic_run_create(struct basic_plan *pl, struct prov_job *j, char *msg,
                                 size_t msglen);
enum vds_result basic_run_delete(struct basic_plan *pl, struct prov_job *j, char *msg,
                                 size_t msglen);
enum vds_result basic_run_shrink(struct basic_plan *pl, struct prov_job *j, char *msg,
                                 size_t msglen);
enum vds_result basic_run_clean(struct basic_plan *pl, struct prov_job *j, char *msg,
                                size_t msglen);
enum vds_result basic_run_format(struct basic_plan *pl, struct prov_job *j, char *msg,
                                 size_t msglen);
enum vds_result basic_run_extend(struct basic_plan *pl, struct prov_job *j, char *msg,
                                 size_t msglen);
/*
 * Partition pl->number of the locked disk fd is still where the model saw
 * it (pl->part_offset, pl->part_size); *grain: the disk's alignment.
 */
enum vds_result basic_part_check(struct basic_plan *pl, int fd, uint64_t *grain, char *msg,
                                 size_t msglen);
/* Make partition pl->number new_size bytes (same start): write, verify, tell the kernel. */
enum vds_result basic_part_resize(struct basic_plan *pl, struct prov_job *j, int fd,
                                  uint64_t new_size, char *msg, size_t msglen);
/*
 * The last cancel check (VDS_R_CANCELLED), the disk still there
 * (VDS_R_DEVICE_GONE, token from bsafe_watch()), then the point of no
 * return: pl->written is set.
 */
enum vds_result basic_commit_point(struct basic_plan *pl, struct prov_job *j, int token, char *msg,
                                   size_t msglen);
/* Read the disk back into pl->probe (worker thread; no model access). */
void basic_run_probe(struct basic_plan *pl);

#endif
