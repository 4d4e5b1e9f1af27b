/* SPDX-License-Identifier: ISC */
/*
 * provider.h - the interface every storage back end implements.
 *
 * A provider is one const struct prov_ops with designated initializers,
 * listed in the registry (providers/registry.c).  Threading contract:
 *   - init, fini, inventory, validate, prepare, commit and free_plan run on
 *     the loop thread and may read and change the model (model.h);
 *   - run runs on a worker thread, must not touch the model, and reports
 *     through the struct prov_job handle only.
 * A job is: validate (at SET time) -> prepare (when it starts) -> run (worker)
 * -> commit (loop thread: apply the outcome to the model, fill the output
 * indexes) -> free_plan.
 */
#ifndef VDS_PROVIDER_H
#define VDS_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "model.h"
#include "result.h"

/* The MIB's VdsJobType. */
enum job_type {
	JOB_CREATE_PARTITION = 1,
	JOB_DELETE_PARTITION = 2,
	JOB_CREATE_VOLUME = 3,
	JOB_DELETE_VOLUME = 4,
	JOB_SHRINK_VOLUME = 5,
	JOB_BREAK_PLEX = 6,
	JOB_CREATE_VDISK = 7,
	JOB_ATTACH_VDISK = 8,
	JOB_DETACH_VDISK = 9,
	JOB_DELETE_VDISK = 10,
	JOB_EXTEND_VOLUME = 11,
	JOB_ADD_PLEX = 12,
	JOB_REMOVE_PLEX = 13,
	JOB_REPAIR_PLEX = 14,
	JOB_REPLACE_DISK = 15,
	JOB_RECOVER_PACK = 16,
	JOB_CLEAN = 17,
	JOB_FORMAT = 18,
	JOB_EXPAND_VDISK = 19,
	JOB_COMPACT_VDISK = 20,
	JOB_MERGE_VDISK = 21,
	JOB_TYPE_LAST = 21,
};

enum job_init_label { JOB_LABEL_NONE = 1, JOB_LABEL_GPT = 2, JOB_LABEL_MBR = 3 };

#define JOB_MAX_DISKS 16

/* Parameters of a job, as written in the job row (sizes already in bytes). */
struct job_params {
	enum job_type type;
	uint32_t disk, partition, pack, volume, plex, vdisk;
	uint64_t offset; /* 0: first fit */
	uint64_t size;   /* create: size; shrink: bytes to remove; extend: to add */
	char partition_type[40];
	enum inv_voltype volume_type;
	uint32_t disks[JOB_MAX_DISKS];
	unsigned ndisks;
	uint64_t stripe_size;
	unsigned plex_count;
	char path[256];
	enum inv_vdisk_type vdisk_type;
	enum inv_vdisk_format vdisk_format;
	char name[64];
	enum job_init_label init_label;
	int read_only;
	char fs_type[16];      /* format: "ext4", "xfs", "vfat", ... */
	uint32_t alloc_unit;   /* format: block/cluster bytes, 0 = the tool's */
	int force;             /* clean, format: see the MIB's vdsJobParamForce */
	int full_clean;        /* clean: zero the whole disk */
	int allow_data_loss;   /* recoverPack: consent to drop lost volumes */
	unsigned merge_depth;  /* mergeVDisk: levels to merge, 0 = 1 */
	unsigned parity_count; /* createVolume parity: 1 (raid5) or 2 (raid6), 0 = 1 */
};

/* Typed outputs (seed 000). */
struct job_outputs {
	uint64_t offset;
	uint32_t partition;
	uint32_t volume;
	uint64_t reclaimed;
	uint32_t vdisk;
	char objid[INV_OBJID_LEN];
	uint32_t plex;      /* addVolumePlex, repairVolumePlex: the new leg */
	uint32_t recovered; /* recoverPack: volumes brought back */
	uint32_t lost;      /* recoverPack: volumes that lost data */
	char details[128];  /* vdsJobDetails once the job succeeded ("" clears it) */
};

/* The running job as a provider sees it; thread-safe. */
struct prov_job;
/* Percent 0..99 while running (never goes back); details may be NULL. */
void prov_job_progress(struct prov_job *j, unsigned percent, const char *details);
/* 1 when a cancel was asked for and the job may still honour it. */
int prov_job_cancelled(struct prov_job *j);
/*
 * Pass the point of no return: from here on a cancel is answered "too
 * late".  Atomic with the cancel check: returns 1 (and passes nothing) when
 * a cancel is pending, so the job stops cleanly instead; 0 once past.
 */
int prov_job_no_return(struct prov_job *j);
/* Sleep up to ms; returns 1 early when a cancel is pending. */
int prov_job_sleep(struct prov_job *j, unsigned ms);
/* The job's handle (for names a provider shows, e.g. test gates). */
uint32_t prov_job_handle(const struct prov_job *j);
/* 1 once vdsd shuts down: a job waiting on something outside must stop. */
int prov_job_stopping(void);

struct prov_ops {
	const char *name;
	int (*init)(const struct vds_conf *conf, void **state);
	void (*fini)(void *state);
	/* 1 when this provider is the one to run p (it owns the target). */
	int (*claims)(void *state, const struct job_params *p);
	/* Check p against the model now; VDS_R_OK or why not (into why). */
	enum vds_result (*validate)(void *state, const struct job_params *p, char *why,
	                            size_t whylen);
	/* Take what run() needs from the model into a plan. */
	enum vds_result (*prepare)(void *state, const struct job_params *p, void **plan, char *msg,
	                           size_t msglen);
	enum vds_result (*run)(void *state, void *plan, struct prov_job *j, struct job_outputs *out,
	                       char *msg, size_t msglen);
	enum vds_result (*commit)(void *state, void *plan, enum vds_result r,
	                          struct job_outputs *out, char *msg, size_t msglen);
	void (*free_plan)(void *plan);
	/*
	 * Optional, loop thread: 1 when this provider manages discovered disk d
	 * (its vdsDiskProvider then names it).  Asked for every disk that
	 * discovery adds or refreshes.
	 */
	int (*manages)(void *state, const struct inv_disk *d);
	/* Optional, loop thread: the pack discovered disk d belongs to, 0 for none. */
	uint32_t (*disk_pack)(void *state, const struct inv_disk *d);
	/*
	 * Optional, loop thread: the configuration was reloaded (SIGHUP); take
	 * the new values of the directives this provider keeps a copy of.
	 * Jobs already prepared keep the values they started with.
	 */
	void (*reload)(void *state, const struct vds_conf *conf);
	/*
	 * Optional, both or neither: read again what this provider shows,
	 * outside its jobs (an administrator's command, a disk that failed or
	 * came back; agent/rescan.h says when).  rescan runs on the rescan
	 * thread: it may run tools, and must not touch the model or what the
	 * other ops use; it returns what it read, or NULL (why logged).
	 * rescan_publish, on the loop thread, shows a result in the model
	 * (rows added, changed, removed) and frees it.  The engine never
	 * publishes while a job of this provider is active, nor a result read
	 * before the last commit of one: it frees those with rescan_free.
	 */
	void *(*rescan)(void *state);
	void (*rescan_publish)(void *state, void *scan);
	void (*rescan_free)(void *scan);
};

/* The registry: every provider compiled in, NULL-terminated. */
extern const struct prov_ops *const prov_registry[];
const struct prov_ops *prov_lookup(const char *name);

#endif
