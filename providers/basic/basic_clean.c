/* SPDX-License-Identifier: ISC */
/*
 * basic_clean.c - clean on a plain disk: every signature libblkid finds
 * erased (partition tables with both GPT copies and the protective MBR,
 * file systems, RAID and LVM labels: `wipefs -a`), then, with FullClean,
 * every block zeroed (fsu_zero).  The kernel then drops the disk's partitions (BLKRRPART)
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
#include <unistd.h>

#include "basic_fsutil.h"
#include "basic_plan.h"
#include "basic_safe.h"
#include "log.h"
#include "probe.h"

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
	if ((r = fsu_clean(fd, pl->devnode, pl->disk_size, pl->p.full_clean, j, 15, 90, &n, msg,
	                   msglen)) != VDS_R_OK)
		goto out;
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
