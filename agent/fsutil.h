/* SPDX-License-Identifier: ISC */
/*
 * fsutil.h - what the providers' file system jobs share (basic: shrink,
 * format, extend, clean; lvm: format): running a file system tool with its
 * progress parsed from its output, finding a tool, erasing signatures with
 * libblkid (wipefs -a's loop), reading a file system back, formatting a
 * device.  Worker thread.
 */
#ifndef VDS_FSUTIL_H
#define VDS_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "provider.h"

struct fsspec;

/*
 * Progress from a tool's output mapped into [lo, hi) of the job's percent:
 * e2fsck -C 1 ("pass cur max"), resize2fs -p (a bar of X per pass, npasses
 * passes), mkfs's "...: cur/max" counters.  resize2fs -P's minimum size
 * lands in min_blocks, btrfs inspect-internal min-dev-size's in min_bytes.
 */
struct fsu_prog {
	struct prov_job *j;
	unsigned lo, hi, npasses;
	const char *what;
	/* parser state */
	unsigned last;
	char line[256];
	size_t ll;
	unsigned pass, xs;
	uint64_t min_blocks, min_bytes;
};

/*
 * Run argv (argv[0] absolute) to its end, output parsed into pg.  killable:
 * a cancel kills it (VDS_R_CANCELLED).  ok_status: an exit status other
 * than 0 that also means success (e2fsck's 1), or -1.  VDS_R_OK, or
 * VDS_R_TOOL_FAILED with the tool's last line in msg.
 */
enum vds_result fsu_run(const char *const *argv, struct fsu_prog *pg, int killable, int ok_status,
                        char *msg, size_t msglen);
/* The absolute path of tool name (/usr/sbin, /sbin, /usr/bin, /bin) into buf, or -1 with msg. */
int fsu_tool(const char *name, char *buf, size_t len, char *msg, size_t msglen);
/*
 * Erase every signature libblkid finds on fd (file systems, RAID and LVM
 * labels, partition tables: both GPT copies and the protective MBR), as
 * `wipefs -a` does.  The number erased, or -1 with msg.
 */
int fsu_wipe(int fd, const char *path, char *msg, size_t msglen);
/* TYPE, LABEL and UUID libblkid reads on dev ("" when none).  0, or -1 when none found. */
int fsu_read_fs(const char *dev, char type[16], char label[64], char uuid[40]);
/*
 * Zero every block of fd (dev, for messages; size: its bytes, a block
 * device's own size wins): BLKZEROOUT on a block device (the kernel offloads
 * it to write-zeroes or discard where the device can), FALLOC_FL_ZERO_RANGE
 * on an image file, plain writes where neither works; 64 MiB at a time,
 * progress lo..hi.  VDS_R_INTERRUPTED when vdsd stops meanwhile.
 */
enum vds_result fsu_zero(int fd, const char *dev, uint64_t size, struct prov_job *j, unsigned lo,
                         unsigned hi, char *msg, size_t msglen);
/*
 * What clean does to a disk it holds open (fd): every signature erased
 * (fsu_wipe; their number into *nerased unless NULL), with full every
 * block zeroed too (fsu_zero, progress lo..hi), then flushed.
 */
enum vds_result fsu_clean(int fd, const char *dev, uint64_t size, int full, struct prov_job *j,
                          unsigned lo, unsigned hi, int *nerased, char *msg, size_t msglen);
/* Open dev, erase every signature on it and flush it (fsu_clean without zeroing). */
enum vds_result fsu_wipe_dev(const char *dev, char *msg, size_t msglen);
/*
 * Past the point of no return: format dev with spec's mkfs, label and
 * alloc_unit (bytes, 0: the tool's default), progress 10..90 (signatures
 * erased first: a vfat over an ext4 would otherwise leave both to
 * libblkid), then read it back with libblkid: its type and label must be
 * what was asked (VDS_R_TOOL_FAILED otherwise).
 */
enum vds_result fsu_format(const char *dev, const struct fsspec *spec, const char *label,
                           unsigned alloc_unit, struct prov_job *j, char *msg, size_t msglen);

#endif
