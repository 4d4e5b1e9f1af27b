/* SPDX-License-Identifier: ISC */
/*
 * vdiskfix.h - fixture of the vdisk provider tests: a temp directory with
 * a vdisk root and a state directory, a fresh inventory, the vdisk
 * provider started over it, jobs run the way the engine runs them, and a
 * safety net that detaches exactly the loop devices backed by files in
 * this fixture's (unique) directory, at exit too.
 */
#ifndef VDS_VDISKFIX_H
#define VDS_VDISKFIX_H

#include <stddef.h>
#include <stdint.h>

#include "testutil.h"

#include "contract.h"
#include "provider.h"

extern char vf_dir[64];   /* the temp dir */
extern char vf_root[128]; /* vf_dir/images: the vdiskRoot */
extern void *vf_state;    /* the provider's state */

/* mkdtemp, mkdir root and state, start; 0 or -1.  vf_down removes it all. */
int vf_up(void);
void vf_down(void);
/* Stop and start the provider and the inventory again over the same dirs. */
int vf_restart(void);

/* "vf_root/name" (the last four calls' results stay valid) */
const char *vf_path(const char *name);
/* The job through validate/prepare/run (worker)/commit. */
enum vds_result vf_job(const struct job_params *p, struct contract_run *run);
enum vds_result vf_create(const char *name, uint64_t size, int format, int type, uint32_t *index);
enum vds_result vf_simple(int type, uint32_t vdisk);
/* run() on a worker for a plan prepared by the test; commit and free. */
enum vds_result vf_run_prepared(void *plan, struct contract_run *run);

/* Output of a shell command (trailing newline removed); its exit status. */
/* Loop devices now backed by a file below vf_dir. */
size_t vf_our_loops(void);
/* Detach every loop device backed by a file below vf_dir. */
void vf_detach_ours(void);

#endif
