/* SPDX-License-Identifier: ISC */
/*
 * basic_run.c - the worker half of createPartition and deletePartition.
 *
 * Order of every change: safety checks (allow-list, system, in use) on the
 * live system; open and flock(LOCK_EX) the whole disk; read the label with
 * libfdisk and make the change in memory; last cancel check; point of no
 * return; write; fsync; read the label back and verify it; make the kernel
 * use it (BLKRRPART, or BLKPG for the changed partitions when the disk is
 * in use) and check its view, else fail: written, but not in use;
 * unlock; read the disk back (probe_disk) for commit().  Nothing is written
 * before the point of no return, so a refusal, a failure or a cancel before
 * it leaves the disk as it was.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic_label.h"
#include "basic_plan.h"
#include "basic_safe.h"
#include "log.h"
#include "probe.h"

void
basic_run_probe(struct basic_plan *pl)
{
	struct inv_disk *d = calloc(1, sizeof(*d));

	if (d && probe_disk(pl->devnode, d) < 0) {
		log_warnx("basic", "%s: %s", pl->devnode, d->status_msg);
		probe_free_parts(d);
		free(d);
		d = NULL;
	}
	pl->probe = d;
}

/* Safety, then the locked descriptor and a libfdisk context on it. */
static enum vds_result
br_begin(struct basic_plan *pl, struct prov_job *j, uint64_t off, uint64_t len, int *fd,
         struct fdisk_context **cxt, struct fdisk_table **org, char *msg, size_t msglen)
{
	enum vds_result r;
	int token = bsafe_watch(pl->devnode);

	*fd = -1;
	*cxt = NULL;
	*org = NULL;
	prov_job_progress(j, 2, "checking disk");
	if ((r = bsafe_check(&pl->allow, pl->devnode, off, len, msg, msglen)) != VDS_R_OK)
		return r;
	if ((r = bsafe_open(pl->devnode, j, fd, msg, msglen)) != VDS_R_OK)
		return r;
	if (!bsafe_present(pl->devnode, token)) {
		snprintf(msg, msglen, "%s was removed", pl->devnode);
		return VDS_R_DEVICE_GONE;
	}
	prov_job_progress(j, 10, "reading partition table");
	if (!(*cxt = blabel_open(*fd, pl->devnode, 0, msg, msglen)))
		return VDS_R_IO_ERROR;
	*org = blabel_layout(*cxt); /* NULL: BLKRRPART alone */
	return VDS_R_OK;
}

static void
br_end(int fd, struct fdisk_context *cxt, struct fdisk_table *org)
{
	blabel_layout_free(org);
	blabel_close(cxt);
	if (fd >= 0)
		close(fd); /* releases the lock */
}

enum vds_result
basic_commit_point(struct basic_plan *pl, struct prov_job *j, int token, char *msg, size_t msglen)
{
	if (prov_job_cancelled(j)) {
		snprintf(msg, msglen, "cancelled before anything was written");
		return VDS_R_CANCELLED;
	}
	if (!bsafe_present(pl->devnode, token)) {
		snprintf(msg, msglen, "%s was removed before anything was written", pl->devnode);
		return VDS_R_DEVICE_GONE;
	}
	prov_job_no_return(j);
	pl->written = 1;
	return VDS_R_OK;
}

/* Write, flush, verify, tell the kernel. */
static enum vds_result
br_write(struct basic_plan *pl, struct prov_job *j, int fd, struct fdisk_context *cxt,
         struct fdisk_table *org, const struct blabel_part *want, int token, char *msg,
         size_t msglen)
{
	enum vds_result r;

	if ((r = blabel_write(cxt, pl->devnode, msg, msglen)) != VDS_R_OK)
		return r;
	if (bsafe_flush(fd, pl->devnode, msg, msglen) < 0)
		return VDS_R_IO_ERROR;
	prov_job_progress(j, 80, "verifying partition table");
	if ((r = blabel_verify(pl->devnode, want, msg, msglen)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 90, "telling the kernel");
	if ((r = blabel_tell_kernel(cxt, org, pl->devnode, want, msg, msglen)) != VDS_R_OK)
		return r;
	if (!bsafe_present(pl->devnode, token)) {
		snprintf(msg, msglen, "%s was removed while the job ran (the change was written)",
		         pl->devnode);
		return VDS_R_DEVICE_GONE;
	}
	return VDS_R_OK;
}

enum vds_result
basic_run_create(struct basic_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	struct fdisk_context *cxt;
	struct fdisk_table *org;
	struct blabel_part res;
	enum vds_result r;
	int fd, token = bsafe_watch(pl->devnode);

	if ((r = br_begin(pl, j, 0, 0, &fd, &cxt, &org, msg, msglen)) != VDS_R_OK)
		goto out;
	if ((r = blabel_add(cxt, &pl->p, &res, msg, msglen)) != VDS_R_OK)
		goto out;
	prov_job_progress(j, 30, res.new_label ? "writing label" : "writing partition table");
	if ((r = basic_commit_point(pl, j, token, msg, msglen)) != VDS_R_OK)
		goto out;
	r = br_write(pl, j, fd, cxt, org, &res, token, msg, msglen);
	pl->number = res.number;
	pl->new_offset = res.offset;
	pl->new_size = res.size;
	if (r == VDS_R_OK)
		log_info("basic", "%s: partition %u created at %llu, %llu bytes", pl->devnode,
		         res.number, (unsigned long long)res.offset, (unsigned long long)res.size);
out:
	br_end(fd, cxt, org);
	if (pl->written)
		basic_run_probe(pl);
	return r;
}

enum vds_result
basic_run_delete(struct basic_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	struct fdisk_context *cxt;
	struct fdisk_table *org;
	struct blabel_part cur, gone = {.number = pl->number, .offset = pl->part_offset};
	enum vds_result r;
	int fd, token = bsafe_watch(pl->devnode);

	r = br_begin(pl, j, pl->guard_offset, pl->guard_size, &fd, &cxt, &org, msg, msglen);
	if (r != VDS_R_OK)
		goto out;
	if ((r = blabel_get(cxt, pl->number, &cur, msg, msglen)) != VDS_R_OK)
		goto out;
	if (cur.offset != pl->part_offset || cur.size != pl->part_size) {
		snprintf(msg, msglen, "partition %u changed on disk since the job was accepted",
		         pl->number);
		r = VDS_R_FAILED;
		goto out;
	}
	if ((r = blabel_delete(cxt, pl->number, msg, msglen)) != VDS_R_OK)
		goto out;
	prov_job_progress(j, 30, "removing partition");
	if ((r = basic_commit_point(pl, j, token, msg, msglen)) != VDS_R_OK)
		goto out;
	r = br_write(pl, j, fd, cxt, org, &gone, token, msg, msglen);
	if (r == VDS_R_OK)
		log_info("basic", "%s: partition %u deleted", pl->devnode, pl->number);
out:
	br_end(fd, cxt, org);
	if (pl->written)
		basic_run_probe(pl);
	return r;
}
