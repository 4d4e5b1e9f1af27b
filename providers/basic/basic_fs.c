/* SPDX-License-Identifier: ISC */
/*
 * basic_fs.c - format and extendVolume on a basic volume (a partition, or
 * a whole disk without a partition table).
 *
 * The file system is reached through the kernel's partition device when
 * there is one, else a temporary loop device over the partition's range.
 *
 * format: the old file system is looked for again on the device (the
 * model may be stale): there is one and no Force, refused.  Then, past the
 * point of no return, every old signature is erased (a vfat over an ext4
 * would otherwise leave both to blkid), mkfs runs (progress from its
 * counters) and the new file system is read back with libblkid: its type
 * and label must be what was asked.
 *
 * extendVolume: the partition grows first (free space must follow it),
 * then the file system: ext2/3/4 after e2fsck -f with resize2fs, offline;
 * xfs (xfs_growfs) and btrfs (btrfs filesystem resize max) only grow
 * mounted: the volume is mounted for it in a fresh directory under /run
 * (nosuid, nodev, noexec) and unmounted again (agent/fsmount.c).  A cancel
 * is honoured while e2fsck runs, up to the partition change.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic_fsutil.h"
#include "basic_plan.h"
#include "basic_safe.h"
#include "basic_tool.h"
#include "fsmount.h"
#include "fsspec.h"
#include "log.h"

struct bf_dev {
	char dev[256];
	struct bloop loop;
};

/* The volume's block device: the kernel's partition, the disk, or a loop over the range. */
static enum vds_result
bf_open_dev(struct basic_plan *pl, uint64_t size, struct bf_dev *fd, char *msg, size_t msglen)
{
	struct stat st;

	memset(fd, 0, sizeof(*fd));
	fd->loop.fd = -1;
	if (pl->whole)
		snprintf(fd->dev, sizeof(fd->dev), "%s", pl->devnode);
	else if (pl->part_devnode[0] && stat(pl->part_devnode, &st) == 0 && S_ISBLK(st.st_mode))
		snprintf(fd->dev, sizeof(fd->dev), "%s", pl->part_devnode);
	else if (bloop_attach(pl->devnode, pl->part_offset, size, 0, &fd->loop) == 0)
		snprintf(fd->dev, sizeof(fd->dev), "%s", fd->loop.dev);
	else {
		snprintf(msg, msglen, "cannot attach a loop device over partition %u of %s: %m",
		         pl->number, pl->devnode);
		return VDS_R_IO_ERROR;
	}
	return VDS_R_OK;
}

/* Safety over the volume's range, and the whole disk opened and locked. */
static enum vds_result
bf_begin(struct basic_plan *pl, struct prov_job *j, uint64_t len, int *fd, uint64_t *grain,
         char *msg, size_t msglen)
{
	enum vds_result r;

	*grain = 1;
	prov_job_progress(j, 2, "checking volume");
	r = bsafe_check(&pl->allow, pl->devnode, pl->whole ? 0 : pl->part_offset,
	                pl->whole ? pl->disk_size : len, msg, msglen);
	if (r != VDS_R_OK || (r = bsafe_open(pl->devnode, j, fd, msg, msglen)) != VDS_R_OK)
		return r;
	return pl->whole ? VDS_R_OK : basic_part_check(pl, *fd, grain, msg, msglen);
}

/* ------------------------------------------------------------------ format */

enum vds_result
basic_run_format(struct basic_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	const struct fsspec *spec = fsspec_find(pl->p.fs_type);
	struct bf_dev dev = {.loop = {.fd = -1}};
	char type[16], label[64], uuid[40];
	uint64_t grain;
	enum vds_result r;
	int fd = -1, token = bsafe_watch(pl->devnode);

	if (!spec) {
		snprintf(msg, msglen, "unknown file system %s", pl->p.fs_type);
		return VDS_R_INVALID_PARAM;
	}
	if ((r = bf_begin(pl, j, pl->part_size, &fd, &grain, msg, msglen)) != VDS_R_OK ||
	    (r = bf_open_dev(pl, pl->part_size, &dev, msg, msglen)) != VDS_R_OK)
		goto out;
	if (!pl->p.force && fsu_read_fs(dev.dev, type, label, uuid) == 0) {
		snprintf(msg, msglen, "%s holds a %s file system: set vdsJobParamForce", dev.dev,
		         type);
		r = VDS_R_EXISTS;
		goto out;
	}
	if ((r = basic_commit_point(pl, j, token, msg, msglen)) != VDS_R_OK)
		goto out;
	r = fsu_format(dev.dev, spec, pl->p.name, pl->p.alloc_unit, j, msg, msglen);
out:
	bfu_end(pl, &dev.loop, fd);
	return r;
}

/* ------------------------------------------------------------------ extend */

static enum vds_result
bf_grow_fs(const struct fsspec *spec, const char *dev, struct prov_job *j, char *msg, size_t msglen)
{
	char tool[64];
	const char *argv[] = {tool, "-p", dev, NULL};
	struct fsu_prog pg = {
	    .j = j, .lo = 90, .hi = 98, .npasses = 5, .what = "extending file system"};

	if (spec->grows == 2)
		return fsm_grow(spec, dev, j, 90, 98, msg, msglen);
	if (fsu_tool("resize2fs", tool, sizeof(tool), msg, msglen) < 0)
		return VDS_R_NOT_SUPPORTED;
	prov_job_progress(j, 90, pg.what);
	return fsu_run(argv, &pg, 0, -1, msg, msglen);
}

/* ext2/3/4: e2fsck -f -p before anything changes (a cancel kills it). */
static enum vds_result
bf_fsck(const struct fsspec *spec, const char *dev, struct prov_job *j, char *msg, size_t msglen)
{
	char tool[64];
	const char *argv[] = {tool, "-f", "-p", "-C", "1", dev, NULL};
	struct fsu_prog pg = {
	    .j = j, .lo = 5, .hi = 40, .npasses = 5, .what = "checking file system"};

	if (strncmp(spec->name, "ext", 3) != 0)
		return VDS_R_OK;
	if (fsu_tool("e2fsck", tool, sizeof(tool), msg, msglen) < 0)
		return VDS_R_NOT_SUPPORTED;
	return fsu_run(argv, &pg, 1, 1, msg, msglen);
}

enum vds_result
basic_run_extend(struct basic_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	const struct fsspec *spec = fsspec_find(pl->fs_type);
	struct bf_dev dev = {.loop = {.fd = -1}};
	uint64_t grain, new_size = 0;
	enum vds_result r;
	int fd = -1, token = bsafe_watch(pl->devnode);

	if (!spec || !spec->grows || pl->whole) {
		snprintf(msg, msglen, "a %s %s cannot grow",
		         pl->fs_type[0] ? pl->fs_type : "volume",
		         pl->whole ? "on a whole disk" : "file system");
		return VDS_R_NOT_SUPPORTED;
	}
	r = bf_begin(pl, j, pl->part_size + pl->p.size, &fd, &grain, msg, msglen);
	if (r != VDS_R_OK)
		goto out;
	new_size = (pl->part_size + pl->p.size) / grain * grain;
	if (new_size <= pl->part_size) {
		snprintf(msg, msglen, "%llu bytes is less than the disk's alignment (%llu)",
		         (unsigned long long)pl->p.size, (unsigned long long)grain);
		r = VDS_R_INVALID_PARAM;
		goto out;
	}
	if ((r = bf_open_dev(pl, pl->part_size, &dev, msg, msglen)) != VDS_R_OK ||
	    (r = bf_fsck(spec, dev.dev, j, msg, msglen)) != VDS_R_OK)
		goto out;
	bloop_detach(&dev.loop);
	if ((r = basic_commit_point(pl, j, token, msg, msglen)) != VDS_R_OK ||
	    (r = basic_part_resize(pl, j, fd, new_size, msg, msglen)) != VDS_R_OK)
		goto out;
	/* the kernel's partition device has the new size now; a loop is made anew */
	if ((r = bf_open_dev(pl, new_size, &dev, msg, msglen)) != VDS_R_OK ||
	    (r = bf_grow_fs(spec, dev.dev, j, msg, msglen)) != VDS_R_OK)
		goto out;
	log_info("basic", "%s: partition %u and its %s extended to %llu bytes", pl->devnode,
	         pl->number, spec->name, (unsigned long long)new_size);
out:
	bfu_end(pl, &dev.loop, fd);
	return r;
}
