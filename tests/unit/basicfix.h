/* SPDX-License-Identifier: ISC */
/*
 * basicfix.h - fixture of the basic provider tests: a temporary directory
 * with one GPT image file, shown either as an imageDisk or (BASIC_ON_LOOP)
 * through a loop device this test attaches, or (BASIC_ON_DISK, the VM
 * lane) the first real disk of $VDS_TEST_DISKS (a,b,...), blanked and
 * labelled anew; the inventory and the basic provider started over it;
 * shell helpers for the independent checks (sfdisk, blkid, e2fsck,
 * debugfs) and exact cleanup of the loop devices and mounts the tests make.
 */
#ifndef VDS_BASICFIX_H
#define VDS_BASICFIX_H

#include <stddef.h>
#include <stdint.h>

#include "basic/basic.h"
#include "conf.h"
#include "contract.h"
#include "log.h"
#include "testutil.h"
#include "model.h"

#define MIB 1048576ULL

extern char tdir[64];
extern char img[128];  /* the image file (BASIC_ON_DISK: the real disk) */
extern char disk[128]; /* the disk as the provider sees it: img or /dev/loopN */
extern char diskkey[300];
extern struct vds_conf conf;
extern void *bst;             /* the provider's state */
extern unsigned vol_modified; /* INV_EV_MODIFIED events of volumes seen */

/* Fresh dir + image of mib MiB ("gpt", "dos" or "" for no label); provider up. */
int fx_up(unsigned mib, const char *label);
void fx_down(void);
#ifdef BASIC_ON_DISK
/* The first disk of $VDS_TEST_DISKS, or NULL (the test then skips). */
const char *fx_real_disk(void);
#endif
const struct inv_disk *fx_disk(void);
/* Read the disk again into the model (after a test changed it behind the provider). */
void fx_reprobe(void);
const struct inv_part *fx_part(uint32_t number);

/* `sfdisk -d` of path: partition number's start and size in bytes, type, name. */
struct sf_part {
	uint64_t start, size;
	char type[48], name[72];
};
int sf_get(const char *path, unsigned number, struct sf_part *out);
/* sfdisk --verify and --json both succeed on path. */
int sf_ok(const char *path);

/* Attach a loop device over img (offset/size in bytes, ro); remembered for cleanup. */
int loop_attach(uint64_t off, uint64_t size, int ro, char *dev, size_t len);
/* Detach dev if it is still ours (its backing file is img). */
void loop_detach(const char *dev);
/* Mount dev on tdir/mnt; remembered for cleanup.  0 or -1 (mount unusable). */
int fx_mount(const char *dev);
void fx_umount(void);

/* Run one job through the provider (validate, prepare, run on a worker, commit). */
/* Write mib MiB of random data as /name of the ext4 at off (debugfs); a copy stays in tdir. */
void fx_put_file(uint64_t off, const char *name, unsigned mib);
/* 1 when /name of the ext4 at off reads back as written. */
int fx_file_same(uint64_t off, const char *name);

enum vds_result fx_job(const struct job_params *p, struct contract_run *run);

/* test_basic_shrink.c */
void test_shrink(void);
void test_shrink_refusals(void);
void test_shrink_cancel(void);
void test_shrink_killed(void);
void test_format(void);
void test_extend(void);
void test_clean(void);
void test_xfs(void);
void test_btrfs(void);
void test_mbr_logical(void);
void test_mbr_logical_refusals(void);

#endif
