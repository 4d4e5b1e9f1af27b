/* SPDX-License-Identifier: ISC */
/*
 * vdsclient.h - a small client library for VDS-MIB (vdsd) on Net-SNMP's
 * client API: sessions opened with the options of the Net-SNMP tools, bulk
 * reads of the VDS tables into structs (by numeric OID: no MIB files are
 * needed), and jobs: start (one SET with createAndGo), poll, cancel, destroy.
 *
 * Functions return 0 on success and -1 on failure; vc_errmsg() then holds a
 * sentence for people and vc_errcode() its class.  Arrays returned through
 * out-parameters are malloc'ed and freed by the caller with free().
 */
#ifndef VDS_CLIENT_H
#define VDS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define VC_NAME  256
#define VC_ID    40
#define VC_SHORT 64

enum vc_err {
	VC_OK = 0,
	VC_E_USAGE,     /* bad arguments (also: snmp_parse_args said so) */
	VC_E_TIMEOUT,   /* the agent did not answer */
	VC_E_AUTH,      /* SNMPv3 user, key or security level refused */
	VC_E_DENIED,    /* the agent answered but refused the access (no write view) */
	VC_E_NOT_FOUND, /* the row or object does not exist */
	VC_E_REJECTED,  /* the agent rejected a value (inconsistentValue, wrongValue...) */
	VC_E_BUSY,      /* resourceUnavailable: the job queue is full */
	VC_E_SNMP,      /* any other SNMP or transport error */
	VC_E_NO_MEMORY,
};

/* Table ids: the arcs under vdsObjects (agent/mib_oids.h). */
enum vc_table {
	VC_T_SERVICE = 1,
	VC_T_DISK = 2,
	VC_T_PARTITION = 3,
	VC_T_VOLUME = 4,
	VC_T_PLEX = 5,
	VC_T_PACK = 6,
	VC_T_VDISK = 7,
	VC_T_JOB = 8,
	VC_T_DISK_HEALTH = 10, /* vdsDiskHealthTable, indexed like the disks */
};

struct vc_service {
	uint32_t index; /* unused, keeps the generic reader happy */
	char version[VC_SHORT], providers[VC_NAME];
	int64_t start_time, last_change;
	uint32_t disk_count, volume_count, jobs_running, jobs_queued;
	uint32_t jobs_succeeded, jobs_failed, jobs_cancelled, next_handle;
	uint32_t max_running, max_queued, purge_time, max_retained;
};

struct vc_disk {
	uint32_t index;
	char object_id[VC_ID], name[VC_NAME], devnode[VC_NAME], serial[VC_NAME], model[VC_NAME];
	uint64_t size;
	uint32_t sector_size, pstyle;
	char table_id[VC_SHORT];
	uint32_t source;
	char provider[VC_SHORT];
	uint32_t status;
	char status_msg[VC_NAME];
	uint32_t flags; /* bit 0 readOnly, 1 removable, 2 system, 3 inUse */
	uint64_t free;
	uint32_t part_count, pack;
};

struct vc_disk_health {
	uint32_t index; /* the disk's */
	uint32_t health, previous;
	char reason[VC_NAME];
	uint32_t source;
	int64_t check_time;
	uint32_t smart, reallocated, pending, temperature, power_on_hours, critical_warning;
	uint32_t percent_used;
	uint64_t media_errors;
	uint32_t spare, spare_threshold;
	uint32_t have; /* bit i: field i was read (figures a disk lacks have no instance) */
};

struct vc_partition {
	uint32_t index;
	char object_id[VC_ID];
	uint32_t disk, number;
	uint64_t offset, size;
	char type[VC_SHORT], name[VC_NAME], uuid[VC_SHORT], fs_type[VC_SHORT];
	char fs_label[VC_NAME], fs_uuid[VC_SHORT];
	uint32_t volume, bootable;
};

struct vc_volume {
	uint32_t index;
	char object_id[VC_ID], name[VC_NAME], devnode[VC_NAME];
	uint32_t type, health, status;
	uint64_t size;
	char fs_type[VC_SHORT], fs_label[VC_NAME], fs_uuid[VC_SHORT];
	uint32_t pack, disk, partition, plex_count;
	uint64_t stripe_size;
	char provider[VC_SHORT];
};

struct vc_plex {
	uint32_t index;
	char object_id[VC_ID];
	uint32_t volume, number, health;
	uint64_t size;
	uint32_t sync_percent;
	char devices[VC_NAME];
};

struct vc_pack {
	uint32_t index;
	char object_id[VC_ID], name[VC_NAME], provider[VC_SHORT];
	uint32_t health;
	uint64_t size, free;
	uint32_t disk_count, volume_count;
};

struct vc_vdisk {
	uint32_t index;
	char object_id[VC_ID], path[VC_NAME];
	uint32_t format, type;
	uint64_t virtual_size, allocated_size;
	uint32_t attached;
	char devnode[VC_NAME];
	uint32_t disk;
	char provider[VC_SHORT];
};

/* Job status values (vdsJobStatus). */
enum vc_job_status {
	VC_JS_CREATED = 1,
	VC_JS_QUEUED = 2,
	VC_JS_RUNNING = 3,
	VC_JS_SUCCEEDED = 4,
	VC_JS_FAILED = 5,
	VC_JS_CANCELLED = 6,
};

/* vdsJobCancelState values. */
enum vc_cancel_state {
	VC_CS_NONE = 1,
	VC_CS_REQUESTED = 2,
	VC_CS_TOO_LATE = 3,
	VC_CS_DONE = 4,
};

/* A row of vdsJobTable; also the request of vc_job_start (type, owner, p_*). */
struct vc_job {
	uint32_t handle, row_status, type, status, percent, result, hresult;
	char error_name[VC_SHORT], error_msg[VC_NAME], details[VC_NAME], owner[128];
	uint32_t keep, control, cancel_state, notify_progress, result_type;
	char provider[VC_SHORT];
	int64_t create_time, start_time, end_time, update_time; /* 0 = not yet */
	uint32_t p_disk, p_offset_mib, p_size_mib;
	char p_ptype[VC_SHORT];
	uint32_t p_partition, p_pack, p_voltype;
	char p_disks[VC_NAME];
	uint32_t p_stripe_kib, p_volume, p_plex;
	char p_path[VC_NAME];
	uint32_t p_vdisk_type, p_vdisk_format, p_vdisk;
	char p_name[VC_SHORT];
	uint32_t p_init_label, p_read_only, p_plex_count;
	char p_fs_type[VC_SHORT];
	uint32_t p_alloc_unit, p_force, p_full_clean, p_allow_data_loss, p_merge_depth;
	uint32_t p_parity_count;
	uint64_t o_offset;
	uint32_t o_partition, o_volume;
	uint64_t o_reclaimed;
	uint32_t o_vdisk;
	char o_object_id[VC_ID];
	uint32_t o_plex, o_recovered, o_lost;
};

struct vc_conn;

/*
 * Parse the Net-SNMP options and the agent address in argv[0..argc) with
 * snmp_parse_args() (so -v/-c/-u/-l/-a/-A/-x/-X/-t/-r work as for snmpget)
 * and open a session.  argv[0] is the program name; the agent must be the
 * last element.  Returns 0 and *out (free with vc_close), -1 when the options
 * are wrong (Net-SNMP printed why), -2 when they asked for an exit with
 * status 0 (-V), -3 when the session cannot be opened (err says why).
 */
int vc_open(int argc, char **argv, struct vc_conn **out, char *err, size_t errlen);
void vc_close(struct vc_conn *c);
const char *vc_peer(const struct vc_conn *c);
enum vc_err vc_errcode(const struct vc_conn *c);
const char *vc_errmsg(const struct vc_conn *c);

/* The service scalars. */
int vc_read_service(struct vc_conn *c, struct vc_service *s);
/* All rows of a table (VC_T_DISK..VC_T_JOB) into *rows, an array of the
 * matching struct; *n rows.  Free *rows with free(). */
int vc_read_table(struct vc_conn *c, enum vc_table t, void **rows, size_t *n);
/* As vc_read_table, reading only the columns cols[0..ncols) (MIB column
 * numbers); the other fields of the rows are zero. */
int vc_read_columns(struct vc_conn *c, enum vc_table t, const unsigned *cols, size_t ncols,
                    void **rows, size_t *n);
/* One row by index; VC_E_NOT_FOUND when there is none. */
int vc_read_row(struct vc_conn *c, enum vc_table t, uint32_t index, void *row);

/* Start the job described by req (type, owner and the p_* fields; zero or
 * empty fields are left to their defaults): read vdsJobNextHandle, create
 * the row with one SET (createAndGo), and retry with a fresh handle when
 * another manager took the handle first.  *handle is the job's handle. */
int vc_job_start(struct vc_conn *c, const struct vc_job *req, uint32_t *handle);
/* The failing parameter's MIB column name after VC_E_REJECTED, or NULL. */
const char *vc_rejected_column(const struct vc_conn *c);
int vc_job_get(struct vc_conn *c, uint32_t handle, struct vc_job *j);
int vc_job_cancel(struct vc_conn *c, uint32_t handle);
int vc_job_destroy(struct vc_conn *c, uint32_t handle);
int vc_job_keep(struct vc_conn *c, uint32_t handle, int keep);
int vc_job_finished(const struct vc_job *j);

/* Poll a job every interval_ms until it ends or cb returns non-zero (then
 * returns 1); cb sees every state read.  0 when the job ended. */
typedef int (*vc_job_cb)(const struct vc_job *j, void *arg);
int vc_job_wait(struct vc_conn *c, uint32_t handle, unsigned interval_ms, vc_job_cb cb, void *arg,
                struct vc_job *last);

#endif
