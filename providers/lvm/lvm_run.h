/* SPDX-License-Identifier: ISC */
/*
 * lvm_run.h - the lvm provider's job plan and its worker half: runs the
 * tools for one job from the plan only (never the model), reports progress
 * and leaves a fresh scan of the LVM state in the plan for commit (a
 * format, which changes no LVM metadata: the volume's file system only).
 */
#ifndef VDS_LVM_RUN_H
#define VDS_LVM_RUN_H

#include "lvm_json.h"
#include "provider.h"

#define LVM_RUN_LEGS 8

struct lvm_plan {
	enum job_type type;
	struct lvm_create cr; /* createVolume */
	char vg[LVM_NAME_LEN], lv[LVM_NAME_LEN], newname[LVM_NAME_LEN];
	char dev[LVM_DEV_LEN]; /* the volume's device node */
	char pv[LVM_DEV_LEN];  /* breakVolumePlex, removeVolumePlex: the plex's disk */
	uint64_t size;         /* shrink: current size */
	uint64_t new_size;     /* shrink: size after */
	int mirror;            /* create, add/repair plex: report the (re)sync */
	int new_vg;            /* create by disks in no pack: vgcreate cr.vg on cr.pvs first */
	char outkey[300];      /* the volume to output (add/repair plex: the plex) */
	char legs[LVM_RUN_LEGS][LVM_DEV_LEN]; /* create mirror: each plex's disk */
	struct lvm_scan after;                /* the LVM state after the job */
	int have_after;
	int needs_repair; /* a failed job left the volume needing repair */
	/* replaceDisk (pv: the disk to empty, cr.pvs: where to, size: bytes to move), recoverPack
	 */
	int allow_data_loss;
	unsigned recovered, lost;
	char lostnames[120];
	/* clean: the disk (pv) leaves volume group vg, which goes with it when it was its last */
	int remove_vg, full_clean;
	/* format: the file system asked for (size: the volume's, to notice a change) */
	char fs_type[16], label[64];
	unsigned alloc_unit;
	int force;
	/* format: the volume's file system after the job (commit puts it in the scan) */
	struct {
		char type[16], label[64], uuid[40];
		int read;
	} fs_after;
};

enum vds_result lvm_run_job(struct lvm_plan *pl, struct prov_job *j, char *msg, size_t len);

#endif
