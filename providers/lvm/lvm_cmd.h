/* SPDX-License-Identifier: ISC */
/*
 * lvm_cmd.h - the lvm provider's system edge: argument vectors for the LVM
 * and e2fsprogs tools, built only from checked names, run as child
 * processes (fork/execve, no shell) through a replaceable runner, and the
 * mapping of their failures to result codes.
 */
#ifndef VDS_LVM_CMD_H
#define VDS_LVM_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

#define LVM_ARGV_MAX 40
#define LVM_MAX_PVS  16
#define LVM_NAME_LEN 64
#define LVM_DEV_LEN  128
/* LVM without udevd: no udev sync, no device list from udev. */
#define LVM_CONFIG                                                                                 \
	"activation { udev_sync=0 udev_rules=0 } devices { obtain_device_list_from_udev=0 }"
/* For reports: never wait on a suspended device (one a killed tool left). */
#define LVM_CONFIG_QUERY                                                                           \
	"activation { udev_sync=0 udev_rules=0 } devices { obtain_device_list_from_udev=0 "        \
	"ignore_suspended_devices=1 }"

/* How long a tool may run before it is killed (ms; 0: no limit). */
#define LVM_T_QUERY  60000  /* reports, dmsetup, blkid */
#define LVM_T_CHANGE 600000 /* lvcreate, lvconvert, ... (they wait on no data copy) */

struct prov_job;

struct lvm_cmd {
	char *argv[LVM_ARGV_MAX + 1];
	size_t argc;
	char store[4096];
	size_t used;
	int overflow;
	unsigned timeout_ms;
	struct prov_job
	    *j; /* killed when j is cancelled (set it only before the point of no return) */
};

/* What a command did: stdout, the tail of stderr, exit status. */
struct lvm_output {
	char *out; /* NUL-terminated, malloc'd (NULL when empty) */
	size_t outlen;
	char err[1024];
	int status;     /* exit code; 128 + signal when killed; -1: not run */
	int exec_errno; /* errno of a failed execve (tool missing), else 0 */
	int cancelled;  /* killed for a cancel */
	int timed_out;  /* killed after cmd->timeout_ms */
	int hung;       /* did not exit even after SIGKILL: left behind */
	unsigned timeout_ms;
};

enum lvm_report { LVM_REP_VGS, LVM_REP_LVS, LVM_REP_PVS };

struct lvm_create {
	char vg[LVM_NAME_LEN], name[LVM_NAME_LEN];
	const char *segtype; /* "linear", "striped", "raid1", "raid5", "raid6" */
	uint64_t size;       /* bytes */
	unsigned stripes;    /* striped: 2..; raid5: 2.., raid6: 3.. data stripes */
	unsigned parity;     /* raid5: 1, raid6: 2 */
	uint64_t stripe_size;
	unsigned mirrors; /* raid1: plexes - 1 */
	char pvs[LVM_MAX_PVS][LVM_DEV_LEN];
	unsigned npvs;
};

/* Runs cmd, fills o; returns 0 when it exited 0. */
typedef int (*lvm_runner_fn)(void *arg, const struct lvm_cmd *cmd, struct lvm_output *o);
/* Replace the runner (tests); NULL restores fork/execve. */
void lvm_cmd_set_runner(lvm_runner_fn fn, void *arg);
int lvm_cmd_run(const struct lvm_cmd *cmd, struct lvm_output *o);
void lvm_output_free(struct lvm_output *o);

/* [A-Za-z0-9+_.-]+, not starting with '-', not "." or "..", < LVM_NAME_LEN. */
int lvm_name_ok(const char *s);
/* "/dev/" followed by [A-Za-z0-9+_.:/-]; no "..". */
int lvm_dev_ok(const char *s);
/* Absolute path of a tool ("lvm", "e2fsck", ...), found in the sbin dirs. */
const char *lvm_tool(const char *name);

void lvm_cmd_init(struct lvm_cmd *c, const char *tool);
/* "lvm SUB --config LVM_CONFIG", the time limit of a change; add its arguments. */
void lvm_cmd_change(struct lvm_cmd *c, const char *sub);
int lvm_cmd_add(struct lvm_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Builders: 0, or -1 when a name/device is not acceptable. */
int lvm_cmd_report(struct lvm_cmd *c, enum lvm_report what, const char *vg);
/* The vg, lv and pv reports of everything, in one "lvm fullreport". */
int lvm_cmd_fullreport(struct lvm_cmd *c);
int lvm_cmd_sync(struct lvm_cmd *c, const char *vg, const char *lv);
int lvm_cmd_lvcreate(struct lvm_cmd *c, const struct lvm_create *cr);
int lvm_cmd_lvreduce(struct lvm_cmd *c, const char *vg, const char *lv, uint64_t size);
int lvm_cmd_lvextend(struct lvm_cmd *c, const char *vg, const char *lv, uint64_t size);
int lvm_cmd_split(struct lvm_cmd *c, const char *vg, const char *lv, const char *newname,
                  const char *pv);
enum lvm_convert { LVM_CONVERT_ADD, LVM_CONVERT_REMOVE, LVM_CONVERT_REPAIR };
/*
 * lvconvert -y: ADD "--type raid1 -m MIRRORS VG/LV PV...", REMOVE
 * "-m MIRRORS VG/LV PV" (the leg on PV goes), REPAIR "--repair VG/LV [PV...]".
 */
int lvm_cmd_convert(struct lvm_cmd *c, enum lvm_convert how, const char *vg, const char *lv,
                    unsigned mirrors, const char (*pvs)[LVM_DEV_LEN], unsigned npvs);
int lvm_cmd_lvremove(struct lvm_cmd *c, const char *vg, const char *lv);
int lvm_cmd_refresh(struct lvm_cmd *c, const char *vg, const char *lv);
/* lvchange -ay (on) or -an VG/LV */
int lvm_cmd_activate(struct lvm_cmd *c, const char *vg, const char *lv, int on);
int lvm_cmd_vgck(struct lvm_cmd *c, const char *vg);
/* vgcreate VG PV...: a new volume group of whole disks; vgremove -f VG (it holds no volume) */
int lvm_cmd_vgcreate(struct lvm_cmd *c, const char *vg, const char (*pvs)[LVM_DEV_LEN], unsigned n);
int lvm_cmd_vgremove(struct lvm_cmd *c, const char *vg);
/* vgmknodes VG: /dev/VG/LV and /dev/mapper nodes as the kernel has them */
int lvm_cmd_mknodes(struct lvm_cmd *c, const char *vg);
/* vgcfgrestore --list VG; vgcfgrestore -y -f FILE VG (FILE: /etc/lvm/archive/VG_*). */
int lvm_cmd_cfglist(struct lvm_cmd *c, const char *vg);
int lvm_cmd_cfgrestore(struct lvm_cmd *c, const char *vg, const char *file);
/* dmsetup VERB NAME (status, resume, remove); dmsetup info of every device. */
int lvm_cmd_dm(struct lvm_cmd *c, const char *verb, const char *name);
int lvm_cmd_dminfo(struct lvm_cmd *c);
int lvm_cmd_e2fsck(struct lvm_cmd *c, const char *dev);
/* resize2fs DEV SIZE; size 0: to the size of the device */
int lvm_cmd_resize2fs(struct lvm_cmd *c, const char *dev, uint64_t size);
int lvm_cmd_blkid(struct lvm_cmd *c, const char *dev);

/* The result code for a failed LVM command, with its message in msg. */
enum vds_result lvm_cmd_result(const struct lvm_output *o, char *msg, size_t len);
/* The same for resize2fs (shrinking a file system). */
enum vds_result lvm_cmd_fs_result(const struct lvm_output *o, char *msg, size_t len);
/* The tool c runs: the lvm subcommand ("lvconvert"), else the program's name. */
const char *lvm_cmd_tool(const struct lvm_cmd *c);
/* lvm_cmd_result (fs: lvm_cmd_fs_result) of c's failure, msg "TOOL: why". */
enum vds_result lvm_cmd_failed(const struct lvm_cmd *c, const struct lvm_output *o, int fs,
                               char *msg, size_t len);

#endif
