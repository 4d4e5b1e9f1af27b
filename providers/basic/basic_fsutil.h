/* SPDX-License-Identifier: ISC */
/*
 * basic_fsutil.h - what the basic provider's file system jobs share
 * (shrink, format, extend, clean): running a file system tool with its
 * progress parsed from its output, finding a tool, erasing signatures with
 * libblkid (wipefs -a's loop), reading a file system back, a job's end.
 * Worker thread.
 */
#ifndef VDS_BASIC_FSUTIL_H
#define VDS_BASIC_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "provider.h"

struct basic_plan;
struct bloop;

/*
 * Progress from a tool's output mapped into [lo, hi) of the job's percent:
 * e2fsck -C 1 ("pass cur max"), resize2fs -p (a bar of X per pass, npasses
 * passes), mkfs's "...: cur/max" counters.  resize2fs -P's minimum size
 * lands in min_blocks.
 */
struct bfu_prog {
	struct prov_job *j;
	unsigned lo, hi, npasses;
	const char *what;
	/* parser state */
	unsigned last;
	char line[256];
	size_t ll;
	unsigned pass, xs;
	uint64_t min_blocks;
};

/*
 * Run argv (argv[0] absolute) to its end, output parsed into pg.  killable:
 * a cancel kills it (VDS_R_CANCELLED).  ok_status: an exit status other
 * than 0 that also means success (e2fsck's 1), or -1.  VDS_R_OK, or
 * VDS_R_TOOL_FAILED with the tool's last line in msg.
 */
enum vds_result bfu_run(const char *const *argv, struct bfu_prog *pg, int killable, int ok_status,
                        char *msg, size_t msglen);
/* The absolute path of tool name (/usr/sbin, /sbin, /usr/bin, /bin) into buf, or -1 with msg. */
int bfu_tool(const char *name, char *buf, size_t len, char *msg, size_t msglen);
/*
 * Erase every signature libblkid finds on fd (file systems, RAID and LVM
 * labels, partition tables: both GPT copies and the protective MBR), as
 * `wipefs -a` does.  The number erased, or -1 with msg.
 */
int bfu_wipe(int fd, const char *path, char *msg, size_t msglen);
/* TYPE, LABEL and UUID libblkid reads on dev ("" when none).  0, or -1 when none found. */
int bfu_read_fs(const char *dev, char type[16], char label[64], char uuid[40]);
/*
 * The end of a file system job (shrink, format, extend), whatever its
 * result: the loop device detached, the disk (fd, or -1) closed and so
 * unlocked, and read back into pl->probe when the job wrote to it.
 */
void bfu_end(struct basic_plan *pl, struct bloop *loop, int fd);

#endif
