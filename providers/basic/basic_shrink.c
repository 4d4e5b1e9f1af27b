/* SPDX-License-Identifier: ISC */
/*
 * basic_shrink.c - shrinkVolume on a basic volume: the file system first,
 * then its partition.  ext2/3/4 offline (e2fsck -f -p, resize2fs -P for
 * the smallest size it can reach, then resize2fs -p); btrfs, which resizes
 * only mounted, on a private mount under /run (btrfs inspect-internal
 * min-dev-size, then btrfs filesystem resize; never below 256 MiB, the
 * kernel's floor).
 *
 * The file system is reached through the kernel's partition device when
 * there is one, else through a temporary loop device over the partition's
 * range of the disk (offset + size limit), detached again on every path.
 * The new size is the old one minus the bytes asked for, rounded down to
 * the disk's grain, so at least that much is reclaimed.
 *
 * A cancel is honoured while the file system is checked (e2fsck or
 * min-dev-size is killed: an interrupted check is repaired by running it
 * again) and up to the start of the resize, which is the point of no
 * return.  If the resize fails or is killed the partition is left as it
 * was (the file system is never larger than its partition); a failed label
 * write after a good resize leaves a smaller file system in the old
 * partition, which a re-run of the job repairs.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic_fsutil.h"
#include "basic_label.h"
#include "basic_plan.h"
#include "basic_safe.h"
#include "basic_tool.h"
#include "fsmount.h"
#include "log.h"

#define BS_E2FSCK    "/sbin/e2fsck"
#define BS_RESIZE2FS "/sbin/resize2fs"

struct bs_fs {
	char dev[256];
	struct bloop loop;
	uint64_t block_size, blocks; /* ext2/3/4 */
	int btrfs;
};

static uint32_t
bs_le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Block size and count from the ext superblock. */
static int
bs_superblock(struct bs_fs *fs)
{
	unsigned char sb[1024];
	int fd = open(fs->dev, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, sb, sizeof(sb), 1024) : -1;

	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof(sb) || sb[56] != 0x53 || sb[57] != 0xEF)
		return -1;
	fs->block_size = 1024ULL << bs_le32(sb + 24);
	fs->blocks = bs_le32(sb + 4);
	if (bs_le32(sb + 96) & 0x80) /* INCOMPAT_64BIT */
		fs->blocks |= (uint64_t)bs_le32(sb + 0x150) << 32;
	return 0;
}

static enum vds_result
bs_open_fs(struct basic_plan *pl, struct bs_fs *fs, char *msg, size_t msglen)
{
	struct stat st;
	char type[16], label[64], uuid[40];

	memset(fs, 0, sizeof(*fs));
	fs->loop.fd = -1;
	if (pl->part_devnode[0] && stat(pl->part_devnode, &st) == 0 && S_ISBLK(st.st_mode)) {
		snprintf(fs->dev, sizeof(fs->dev), "%s", pl->part_devnode);
	} else if (bloop_attach(pl->devnode, pl->part_offset, pl->part_size, 0, &fs->loop) == 0) {
		snprintf(fs->dev, sizeof(fs->dev), "%s", fs->loop.dev);
	} else {
		snprintf(msg, msglen, "cannot attach a loop device over partition %u of %s: %m",
		         pl->number, pl->devnode);
		return VDS_R_IO_ERROR;
	}
	if (bs_superblock(fs) == 0)
		return VDS_R_OK;
	if (fsu_read_fs(fs->dev, type, label, uuid) == 0 && strcmp(type, "btrfs") == 0) {
		fs->btrfs = 1;
		return VDS_R_OK;
	}
	snprintf(msg, msglen, "no ext2/3/4 or btrfs file system on partition %u", pl->number);
	return VDS_R_FS_NO_SHRINK;
}

/* e2fsck -f -p, then resize2fs -P for the smallest size it can reach. */
static enum vds_result
bs_check_fs(struct bs_fs *fs, struct prov_job *j, uint64_t new_size, char *msg, size_t msglen)
{
	const char *fsck[] = {BS_E2FSCK, "-f", "-p", "-C", "1", fs->dev, NULL};
	const char *min[] = {BS_RESIZE2FS, "-P", fs->dev, NULL};
	struct fsu_prog pg = {
	    .j = j, .lo = 5, .hi = 35, .npasses = 5, .what = "checking file system"};
	enum vds_result r;

	prov_job_progress(j, 5, pg.what);
	/* e2fsck: 1 = errors corrected; everything else from 2 up is a failure here. */
	if ((r = fsu_run(fsck, &pg, 1, 1, msg, msglen)) != VDS_R_OK)
		return r;
	pg.what = "estimating minimum size";
	if ((r = fsu_run(min, &pg, 1, -1, msg, msglen)) != VDS_R_OK)
		return r;
	if (!pg.min_blocks || pg.min_blocks * fs->block_size > new_size) {
		snprintf(msg, msglen, "the file system needs at least %llu bytes, %llu asked",
		         (unsigned long long)(pg.min_blocks * fs->block_size),
		         (unsigned long long)new_size);
		return VDS_R_SHRINK_TOO_BIG;
	}
	return VDS_R_OK;
}

static enum vds_result
bs_resize_fs(struct bs_fs *fs, struct prov_job *j, uint64_t new_size, char *msg, size_t msglen)
{
	char size[32];
	const char *argv[] = {BS_RESIZE2FS, "-p", fs->dev, size, NULL};
	struct fsu_prog pg = {
	    .j = j, .lo = 40, .hi = 85, .npasses = 5, .what = "shrinking file system"};

	if (fs->blocks * fs->block_size <= new_size)
		return VDS_R_OK; /* already small enough (an earlier run got this far) */
	snprintf(size, sizeof(size), "%lluK", (unsigned long long)(new_size / 1024));
	prov_job_progress(j, 40, pg.what);
	return fsu_run(argv, &pg, 0, -1, msg, msglen);
}

/* ext2/3/4: checked (a cancel kills the check), then resize2fs past the point of no return. */
static enum vds_result
bs_shrink_ext(struct basic_plan *pl, struct bs_fs *fs, struct prov_job *j, int token,
              uint64_t new_size, char *msg, size_t msglen)
{
	enum vds_result r;

	if ((r = bs_check_fs(fs, j, new_size, msg, msglen)) != VDS_R_OK ||
	    (r = basic_commit_point(pl, j, token, msg, msglen)) != VDS_R_OK)
		return r;
	return bs_resize_fs(fs, j, new_size, msg, msglen);
}

/*
 * btrfs: mounted on a private directory, its smallest size asked of btrfs
 * (a cancel kills that), then btrfs filesystem resize past the point of no
 * return; unmounted on every path.
 */
static enum vds_result
bs_shrink_btrfs(struct basic_plan *pl, struct bs_fs *fs, struct prov_job *j, int token,
                uint64_t new_size, char *msg, size_t msglen)
{
	char tool[64], dir[FSM_DIR_LEN], size[32];
	const char *min[] = {tool, "inspect-internal", "min-dev-size", dir, NULL};
	const char *resize[] = {tool, "filesystem", "resize", size, dir, NULL};
	struct fsu_prog pg = {.j = j, .lo = 10, .hi = 35, .what = "estimating minimum size"};
	enum vds_result r;

	if (fsu_tool("btrfs", tool, sizeof(tool), msg, msglen) < 0)
		return VDS_R_NOT_SUPPORTED;
	prov_job_progress(j, 5, "mounting file system");
	if ((r = fsm_mount(fs->dev, "btrfs", "shrink", dir, msg, msglen)) != VDS_R_OK)
		return r;
	if ((r = fsu_run(min, &pg, 1, -1, msg, msglen)) == VDS_R_OK &&
	    (!pg.min_bytes || pg.min_bytes > new_size)) {
		snprintf(msg, msglen, "the file system needs at least %llu bytes, %llu asked",
		         (unsigned long long)pg.min_bytes, (unsigned long long)new_size);
		r = VDS_R_SHRINK_TOO_BIG;
	}
	if (r == VDS_R_OK)
		r = basic_commit_point(pl, j, token, msg, msglen);
	if (r == VDS_R_OK) {
		snprintf(size, sizeof(size), "%llu", (unsigned long long)new_size);
		pg = (struct fsu_prog){.j = j, .lo = 40, .hi = 85, .what = "shrinking file system"};
		prov_job_progress(j, 40, pg.what);
		r = fsu_run(resize, &pg, 0, -1, msg, msglen);
	}
	return fsm_umount(dir, fs->dev, r, msg, msglen);
}

enum vds_result
basic_part_check(struct basic_plan *pl, int fd, uint64_t *grain, char *msg, size_t msglen)
{
	struct fdisk_context *cxt = blabel_open(fd, pl->devnode, 1, msg, msglen);
	struct blabel_part cur;
	enum vds_result r;

	if (!cxt)
		return VDS_R_IO_ERROR;
	r = blabel_get(cxt, pl->number, &cur, msg, msglen);
	*grain = blabel_grain(cxt);
	blabel_close(cxt);
	if (r != VDS_R_OK)
		return r;
	if (cur.offset != pl->part_offset || cur.size != pl->part_size) {
		snprintf(msg, msglen, "partition %u changed on disk since the job was accepted",
		         pl->number);
		return VDS_R_FAILED;
	}
	return VDS_R_OK;
}

/* The locked disk, the partition as the model saw it, the new size. */
static enum vds_result
bs_begin(struct basic_plan *pl, struct prov_job *j, int *fd, uint64_t *new_size, char *msg,
         size_t msglen)
{
	enum vds_result r;
	uint64_t grain;

	prov_job_progress(j, 2, "checking disk");
	r = bsafe_check(&pl->allow, pl->devnode, pl->part_offset, pl->part_size, msg, msglen);
	if (r != VDS_R_OK || (r = bsafe_open(pl->devnode, j, fd, msg, msglen)) != VDS_R_OK)
		return r;
	if ((r = basic_part_check(pl, *fd, &grain, msg, msglen)) != VDS_R_OK)
		return r;
	*new_size = (pl->part_size - pl->p.size) / grain * grain;
	if (*new_size == 0 || pl->p.size >= pl->part_size) {
		snprintf(msg, msglen, "cannot remove %llu of %llu bytes",
		         (unsigned long long)pl->p.size, (unsigned long long)pl->part_size);
		return VDS_R_SHRINK_TOO_BIG;
	}
	return VDS_R_OK;
}

enum vds_result
basic_part_resize(struct basic_plan *pl, struct prov_job *j, int fd, uint64_t new_size, char *msg,
                  size_t msglen)
{
	struct blabel_part want = {
	    .number = pl->number, .offset = pl->part_offset, .size = new_size};
	struct fdisk_context *cxt = blabel_open(fd, pl->devnode, 0, msg, msglen);
	struct fdisk_table *org = cxt ? blabel_layout(cxt) : NULL;
	enum vds_result r = VDS_R_IO_ERROR;

	prov_job_progress(j, 88,
	                  new_size < pl->part_size ? "shrinking partition" : "extending partition");
	if (cxt && (r = blabel_resize(cxt, pl->number, new_size, msg, msglen)) == VDS_R_OK &&
	    (r = blabel_write(cxt, pl->devnode, msg, msglen)) == VDS_R_OK &&
	    bsafe_flush(fd, pl->devnode, msg, msglen) < 0)
		r = VDS_R_IO_ERROR;
	if (r == VDS_R_OK) {
		prov_job_progress(j, 95, "verifying partition table");
		r = blabel_verify(pl->devnode, &want, msg, msglen);
	}
	if (r == VDS_R_OK)
		r = blabel_tell_kernel(cxt, org, pl->devnode, &want, msg, msglen);
	blabel_layout_free(org);
	blabel_close(cxt);
	return r;
}

enum vds_result
basic_run_shrink(struct basic_plan *pl, struct prov_job *j, char *msg, size_t msglen)
{
	struct bs_fs fs = {.loop = {.fd = -1}};
	uint64_t new_size = 0;
	enum vds_result r;
	int fd = -1, token = bsafe_watch(pl->devnode);

	if ((r = bs_begin(pl, j, &fd, &new_size, msg, msglen)) != VDS_R_OK ||
	    (r = bs_open_fs(pl, &fs, msg, msglen)) != VDS_R_OK)
		goto out;
	r = fs.btrfs ? bs_shrink_btrfs(pl, &fs, j, token, new_size, msg, msglen)
	             : bs_shrink_ext(pl, &fs, j, token, new_size, msg, msglen);
	if (r != VDS_R_OK)
		goto out;
	bloop_detach(&fs.loop);
	if ((r = basic_part_resize(pl, j, fd, new_size, msg, msglen)) != VDS_R_OK)
		goto out;
	pl->reclaimed = pl->part_size - new_size;
	if (!bsafe_present(pl->devnode, token)) {
		snprintf(msg, msglen, "%s was removed while the job ran (the shrink was written)",
		         pl->devnode);
		r = VDS_R_DEVICE_GONE;
	}
	log_info("basic", "%s: partition %u shrunk to %llu bytes", pl->devnode, pl->number,
	         (unsigned long long)new_size);
out:
	bfu_end(pl, &fs.loop, fd);
	return r;
}
