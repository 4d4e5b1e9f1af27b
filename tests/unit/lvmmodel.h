/* SPDX-License-Identifier: ISC */
/*
 * lvmmodel.h - the model side of the lvm job tests: an inventory in a
 * temporary directory with the disks /dev/vdb../dev/vdf as discovery would
 * show them, recorded LVM reports published into it as the provider does
 * (lvm_inv_publish), and a job's outputs as the provider's commit fills
 * them.
 */
#ifndef VDS_LVMMODEL_H
#define VDS_LVMMODEL_H

#include <stdint.h>

#include "lvm/lvm_run.h"

/* CUnit suite init and cleanup: 0 or -1. */
int lvm_model_init(void);
int lvm_model_fini(void);
/* Parse the recorded vgs, pvs and lvs reports into s and publish them. */
void publish(const char *vgs, const char *pvs, const char *lvs, struct lvm_scan *s);
/* The index of the disk at devnode (the test fails without it). */
uint32_t disk(const char *devnode);
/* The job's outputs as commit fills them, once the model shows pl's scan after it. */
void commit_outputs(struct lvm_plan *pl, struct job_outputs *out);

#endif
