/* SPDX-License-Identifier: ISC */
/*
 * basic_clean.c - clean on a plain disk: every signature libblkid finds
 * erased (partition tables with both GPT copies and the protective MBR,
 * file systems, RAID and LVM labels: `wipefs -a`), then, with FullClean,
 * every block zeroed: BLKZEROOUT on a block device (the kernel offloads it
 * to write-zeroes or discard where the device can), FALLOC_FL_ZERO_RANGE
 * on an image file, plain writes where neither works; 64 MiB at a time,
 * with progress.  The kernel then drops the disk's partitions (BLKRRPART)
 * and the disk is read back: no table, no partition, no file system.
 *
 * The safety checks (allow-list, system, mounted, swap, held, a loop
 * device over it) cover the whole disk.  A cancel is honoured up to the
 * first erase, the point of no return.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic_fsutil.h"
#include "basic_plan.h"
#include "basic_safe.h"
#include "log.h"
#include "probe.h"

#define BC_CHUNK (64ULL * 1048576)

/* Zero [off, off + len) of fd: the kernel's ways first, then writes. */
static int
bc_zero_range(int fd, int blk, uint64_t off, uint64_t len, char **buf)
{
	uint64_t range[2] = {off, len};

	if (blk && ioctl(fd, BLKZEROOUT, range) == 0)
		return 0;
	if (!blk &&
	    fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (!*buf && !(*buf = calloc(1, BC_CHUNK)))
		return -1;
	while (len) {
		ssize_t n = pwrite(fd, *buf, len < BC_CHUNK ? len : BC_CHUNK, (off_t)off);

		if (n <= 0)
			return -1;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static enum vds_result
bc_zero(struct basic_plan *pl, struct prov_job *j, int fd, char *msg, size_t msglen)
{
	struct stat st;
	char *buf = NULL;
	uint64_t size = pl->disk_size;
	int blk = fstat(fd, &st) == 0 && S_ISBLK(st.st_mode);

	if (blk && ioctl(fd, BLKGETSIZE64, &size) < 0)
		size = pl->disk_size;
	for (uint64_t off = 0; off < size; off += BC_CHUNK) {
		uint64_t len = size - off < BC_CHUNK ? size - off : BC_CHUNK;

		if (prov_job_stopping()) {
			free(buf);
			snprintf(msg, msglen, "vdsd stopped after %llu of %llu bytes were zeroed",
			         (unsigned long long)off, (unsigned long long)size);
			return VDS_R_INTERRUPTED;
		}
		if (bc_zero_range(fd, blk, off, len, &buf) < 0) {
			free(buf);
			snprintf(msg, msglen, "cannot zero %s at %llu: %m", pl->devnode,
			         (unsigned long long)off);
			return VDS_R_IO_ERROR;
		}
		prov_job_progress(j, 15 + (unsigned)(75 * (off + len) / size), "zeroing blocks");
	}
	free(buf);
	return VDS_R_OK;
}

/* The disk as read back: nothing libblkid knows is left, the kernel has no partition. */
static enum vds_result
bc_verify(struct basic_plan *pl, char *msg, size_t msglen)
{
	uint64_t off, size;

	basic_run_probe(pl);
	if (!pl->probe) {
		snprintf(msg, msglen, "cannot read %s back", pl->devnode);
		return VDS_R_IO_ERROR;
	}
	if (pl->probe->nparts || pl->probe->fs_type[0] ||
	    (pl->probe->pstyle != INV_PS_NONE && pl->probe->pstyle != INV_PS_UNKNOWN)) {
		snprintf(msg, msglen, "%s still shows %s%s after the wipe", pl->devnode,
		         pl->probe->fs_type[0] ? pl->probe->fs_type : "a partition table",
		         pl->probe->fs_type[0] ? " file system" : "");
		return VDS_R_FAILED;
	}
	if (bsafe_kernel_part(pl->devnode, 1, &off, &size) == 1) {
		snprintf(msg, msglen, "the kernel still has partition 1 of %s", pl->devnode);
		return VDS_R_IN_USE;
	}
	return VDS_R_OK;
}

enum vds_result
basic_run_clean(struct basic_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	enum vds_result r;
	int fd = -1, n, token = bsafe_watch(pl->devnode);

	prov_job_progress(j, 2, "checking disk");
	r = bsafe_check(&pl->allow, pl->devnode, 0, pl->disk_size, msg, msglen);
	if (r != VDS_R_OK || (r = bsafe_open(pl->devnode, j, &fd, msg, msglen)) != VDS_R_OK)
		goto out;
	if ((r = basic_commit_point(pl, j, token, msg, msglen)) != VDS_R_OK)
		goto out;
	prov_job_progress(j, 10, "wiping signatures");
	if ((n = fsu_wipe(fd, pl->devnode, msg, msglen)) < 0) {
		r = VDS_R_IO_ERROR;
		goto out;
	}
	if (pl->p.full_clean && (r = bc_zero(pl, j, fd, msg, msglen)) != VDS_R_OK)
		goto out;
	if (bsafe_flush(fd, pl->devnode, msg, msglen) < 0) {
		r = VDS_R_IO_ERROR;
		goto out;
	}
	prov_job_progress(j, 92, "rereading disk");
	/* a loop device without partitions, an image file: nothing to tell */
	if (ioctl(fd, BLKRRPART) < 0 && errno != EINVAL && errno != ENOTTY) {
		snprintf(msg, msglen, "%s was wiped, the kernel keeps its partitions: %m",
		         pl->devnode);
		r = VDS_R_IN_USE;
		goto out;
	}
	close(fd);
	fd = -1;
	if ((r = bc_verify(pl, msg, msglen)) == VDS_R_OK)
		log_info("basic", "%s: %d signature%s erased%s", pl->devnode, n, n == 1 ? "" : "s",
		         pl->p.full_clean ? ", every block zeroed" : "");
out:
	if (fd >= 0)
		close(fd);
	if (pl->written && !pl->probe)
		basic_run_probe(pl);
	return r;
}
