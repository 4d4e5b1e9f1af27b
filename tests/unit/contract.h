/* SPDX-License-Identifier: ISC */
/*
 * contract.h - the provider contract suite: generic CUnit tests that every
 * provider must pass (sim first, then basic on image files, vdisk on loop
 * devices, lvm in the VM lane), and a driver that runs one job through a
 * provider's validate/prepare/run/commit the way the job engine does, with
 * run() on the real worker pool.
 */
#ifndef VDS_CONTRACT_H
#define VDS_CONTRACT_H

#include "provider.h"
#include "worker.h"

struct contract_env {
	/*
	 * Before each test: open a fresh inventory and start the provider on a
	 * fixture with at least one labelled (GPT or MBR) disk of the provider
	 * with 64 MiB free, and jobs lasting 100 ms to 2 s.  0 or -1.
	 */
	int (*setup)(void **state);
	void (*teardown)(void *state);
};

/* One job run and what it reported. */
struct contract_run {
	int cancel_at; /* -1 never; 0 right after submit; N: once percent >= N */
	int cancel_sent;
	enum worker_cancel_answer cancel_answer;
	unsigned nprogress, last_percent;
	int went_back; /* percent decreased or passed 99 */
	enum vds_result result;
	char msg[256];
	struct job_outputs out;
};

/*
 * commit() as the job engine calls it: a state write it queued must land
 * (within 20 s) before the job counts as done; a failed one fails it.
 */
enum vds_result contract_commit(const struct prov_ops *ops, void *state, void *plan,
                                struct contract_run *run);
/* validate, prepare, run on a worker, commit, free_plan: run->result. */
enum vds_result contract_job(const struct prov_ops *ops, void *state, const struct job_params *p,
                             struct contract_run *run);

/*
 * Register the suite "contract:<name>" for ops.  One provider per test
 * program (the tests reach ops and env through file-scope pointers).
 */
void contract_add_suite(const struct prov_ops *ops, const struct contract_env *env);

/*
 * The same for a provider of dynamic volumes (lvm): env->setup gives a pack
 * of the provider with at least 128 MiB free on two or more disks;
 * createVolume simple and mirror, deleteVolume, no space, cancel.
 */
void contract_add_volume_suite(const struct prov_ops *ops, const struct contract_env *env);

#endif
