/* SPDX-License-Identifier: ISC */
/*
 * vcfields.c - the column tables of VDS-MIB for the client library.  Column
 * numbers come from agent/mib_oids.h; names and labels from mibs/VDS-MIB.txt.
 */
#include "config.h"

#include <string.h>

#include "mib_oids.h"
#include "vcfields.h"
#include "vdsclient.h"

#define FLD(type, c, k, fld, nm, lb)                                                               \
	{                                                                                          \
		.col = (c), .kind = (k), .off = offsetof(struct type, fld),                        \
		.size = sizeof(((struct type *)0)->fld), .name = (nm), .labels = (lb)              \
	}

static const char *const l_status[] = {"", "online", "offline", "probeError", "missing", NULL};
static const char *const l_pstyle[] = {"", "unknown", "none", "mbr", "gpt", NULL};
static const char *const l_source[] = {"", "udev", "image", "sim", "vdisk", NULL};
static const char *const l_flags[] = {"readOnly", "removable", "system", "inUse", NULL};
static const char *const l_truth[] = {"", "true", "false", NULL};
static const char *const l_health[] = {"",           "unknown", "healthy", "degraded",
                                       "rebuilding", "failed",  NULL};
static const char *const l_layout[] = {"",       "simple", "spanned", "striped",
                                       "mirror", "parity", NULL};
static const char *const l_vformat[] = {"", "raw", "vhd", NULL};
static const char *const l_vtype[] = {"", "fixed", "expandable", "differencing", NULL};
static const char *const l_rowstatus[] = {
    "", "active", "notInService", "notReady", "createAndGo", "createAndWait", "destroy", NULL};
static const char *const l_jobtype[] = {"",
                                        "createPartition",
                                        "deletePartition",
                                        "createVolume",
                                        "deleteVolume",
                                        "shrinkVolume",
                                        "breakVolumePlex",
                                        "createVDisk",
                                        "attachVDisk",
                                        "detachVDisk",
                                        "deleteVDisk",
                                        "extendVolume",
                                        "addVolumePlex",
                                        "removeVolumePlex",
                                        "repairVolumePlex",
                                        "replaceDisk",
                                        "recoverPack",
                                        "clean",
                                        "format",
                                        "expandVDisk",
                                        "compactVDisk",
                                        "mergeVDisk",
                                        NULL};
static const char *const l_jobstatus[] = {"",          "created", "queued",    "running",
                                          "succeeded", "failed",  "cancelled", NULL};
static const char *const l_result[] = {"",
                                       "success",
                                       "pending",
                                       "failed",
                                       "notFound",
                                       "noSpace",
                                       "inUse",
                                       "notAllowed",
                                       "systemDevice",
                                       "notSupported",
                                       "cancelled",
                                       "interrupted",
                                       "ioError",
                                       "invalidParameter",
                                       "fsCannotShrink",
                                       "shrinkTooBig",
                                       "alreadyExists",
                                       "deviceGone",
                                       "readOnly",
                                       "toolFailed",
                                       "notEmpty",
                                       "busy",
                                       "timeout",
                                       "noMemory",
                                       NULL};
static const char *const l_control[] = {"", "none", "cancel", NULL};
static const char *const l_cancel[] = {"", "none", "requested", "tooLate", "done", NULL};
static const char *const l_label[] = {"", "none", "gpt", "mbr", NULL};

static const struct vcf_field f_service[] = {
    FLD(vc_service, VDS_SVC_VERSION, VCF_STR, version, "version", NULL),
    FLD(vc_service, VDS_SVC_PROVIDERS, VCF_STR, providers, "providers", NULL),
    FLD(vc_service, VDS_SVC_START_TIME, VCF_TIME, start_time, "startTime", NULL),
    FLD(vc_service, VDS_SVC_LAST_CHANGE, VCF_TIME, last_change, "lastChange", NULL),
    FLD(vc_service, VDS_SVC_DISK_COUNT, VCF_UNS, disk_count, "diskCount", NULL),
    FLD(vc_service, VDS_SVC_VOLUME_COUNT, VCF_UNS, volume_count, "volumeCount", NULL),
    FLD(vc_service, VDS_SVC_JOBS_RUNNING, VCF_UNS, jobs_running, "jobsRunning", NULL),
    FLD(vc_service, VDS_SVC_JOBS_QUEUED, VCF_UNS, jobs_queued, "jobsQueued", NULL),
    FLD(vc_service, VDS_SVC_JOBS_SUCCEEDED, VCF_UNS, jobs_succeeded, "jobsSucceeded", NULL),
    FLD(vc_service, VDS_SVC_JOBS_FAILED, VCF_UNS, jobs_failed, "jobsFailed", NULL),
    FLD(vc_service, VDS_SVC_JOBS_CANCELLED, VCF_UNS, jobs_cancelled, "jobsCancelled", NULL),
    FLD(vc_service, VDS_SVC_JOB_NEXT_HANDLE, VCF_UNS, next_handle, "jobNextHandle", NULL),
    FLD(vc_service, VDS_SVC_JOB_MAX_RUNNING, VCF_UNS, max_running, "jobMaxRunning", NULL),
    FLD(vc_service, VDS_SVC_JOB_MAX_QUEUED, VCF_UNS, max_queued, "jobMaxQueued", NULL),
    FLD(vc_service, VDS_SVC_JOB_PURGE_TIME, VCF_UNS, purge_time, "jobPurgeTime", NULL),
    FLD(vc_service, VDS_SVC_JOB_MAX_RETAINED, VCF_UNS, max_retained, "jobMaxRetained", NULL),
};

static const struct vcf_field f_disk[] = {
    FLD(vc_disk, VDS_DISK_OBJECT_ID, VCF_STR, object_id, "objectId", NULL),
    FLD(vc_disk, VDS_DISK_NAME, VCF_STR, name, "name", NULL),
    FLD(vc_disk, VDS_DISK_DEVNODE, VCF_STR, devnode, "devNode", NULL),
    FLD(vc_disk, VDS_DISK_SERIAL, VCF_STR, serial, "serial", NULL),
    FLD(vc_disk, VDS_DISK_MODEL, VCF_STR, model, "model", NULL),
    FLD(vc_disk, VDS_DISK_SIZE, VCF_BYTES, size, "size", NULL),
    FLD(vc_disk, VDS_DISK_SECTOR_SIZE, VCF_UNS, sector_size, "sectorSize", NULL),
    FLD(vc_disk, VDS_DISK_PARTITION_STYLE, VCF_INT, pstyle, "partitionStyle", l_pstyle),
    FLD(vc_disk, VDS_DISK_TABLE_ID, VCF_STR, table_id, "tableId", NULL),
    FLD(vc_disk, VDS_DISK_SOURCE, VCF_INT, source, "source", l_source),
    FLD(vc_disk, VDS_DISK_PROVIDER, VCF_STR, provider, "provider", NULL),
    FLD(vc_disk, VDS_DISK_STATUS, VCF_INT, status, "status", l_status),
    FLD(vc_disk, VDS_DISK_STATUS_MESSAGE, VCF_STR, status_msg, "statusMessage", NULL),
    FLD(vc_disk, VDS_DISK_FLAGS, VCF_BITS, flags, "flags", l_flags),
    FLD(vc_disk, VDS_DISK_FREE, VCF_BYTES, free, "free", NULL),
    FLD(vc_disk, VDS_DISK_PARTITION_COUNT, VCF_UNS, part_count, "partitionCount", NULL),
    FLD(vc_disk, VDS_DISK_PACK_INDEX, VCF_REF, pack, "packIndex", NULL),
};

static const struct vcf_field f_part[] = {
    FLD(vc_partition, VDS_PART_OBJECT_ID, VCF_STR, object_id, "objectId", NULL),
    FLD(vc_partition, VDS_PART_DISK_INDEX, VCF_REF, disk, "diskIndex", NULL),
    FLD(vc_partition, VDS_PART_NUMBER, VCF_UNS, number, "number", NULL),
    FLD(vc_partition, VDS_PART_OFFSET, VCF_BYTES, offset, "offset", NULL),
    FLD(vc_partition, VDS_PART_SIZE, VCF_BYTES, size, "size", NULL),
    FLD(vc_partition, VDS_PART_TYPE, VCF_STR, type, "type", NULL),
    FLD(vc_partition, VDS_PART_NAME, VCF_STR, name, "name", NULL),
    FLD(vc_partition, VDS_PART_UUID, VCF_STR, uuid, "uuid", NULL),
    FLD(vc_partition, VDS_PART_FS_TYPE, VCF_STR, fs_type, "fsType", NULL),
    FLD(vc_partition, VDS_PART_FS_LABEL, VCF_STR, fs_label, "fsLabel", NULL),
    FLD(vc_partition, VDS_PART_FS_UUID, VCF_STR, fs_uuid, "fsUuid", NULL),
    FLD(vc_partition, VDS_PART_VOLUME_INDEX, VCF_REF, volume, "volumeIndex", NULL),
    FLD(vc_partition, VDS_PART_BOOTABLE, VCF_BOOL, bootable, "bootable", l_truth),
};

static const struct vcf_field f_vol[] = {
    FLD(vc_volume, VDS_VOL_OBJECT_ID, VCF_STR, object_id, "objectId", NULL),
    FLD(vc_volume, VDS_VOL_NAME, VCF_STR, name, "name", NULL),
    FLD(vc_volume, VDS_VOL_DEVNODE, VCF_STR, devnode, "devNode", NULL),
    FLD(vc_volume, VDS_VOL_TYPE, VCF_INT, type, "type", l_layout),
    FLD(vc_volume, VDS_VOL_HEALTH, VCF_INT, health, "health", l_health),
    FLD(vc_volume, VDS_VOL_STATUS, VCF_INT, status, "status", l_status),
    FLD(vc_volume, VDS_VOL_SIZE, VCF_BYTES, size, "size", NULL),
    FLD(vc_volume, VDS_VOL_FS_TYPE, VCF_STR, fs_type, "fsType", NULL),
    FLD(vc_volume, VDS_VOL_FS_LABEL, VCF_STR, fs_label, "fsLabel", NULL),
    FLD(vc_volume, VDS_VOL_FS_UUID, VCF_STR, fs_uuid, "fsUuid", NULL),
    FLD(vc_volume, VDS_VOL_PACK_INDEX, VCF_REF, pack, "packIndex", NULL),
    FLD(vc_volume, VDS_VOL_DISK_INDEX, VCF_REF, disk, "diskIndex", NULL),
    FLD(vc_volume, VDS_VOL_PARTITION_INDEX, VCF_REF, partition, "partitionIndex", NULL),
    FLD(vc_volume, VDS_VOL_PLEX_COUNT, VCF_UNS, plex_count, "plexCount", NULL),
    FLD(vc_volume, VDS_VOL_STRIPE_SIZE, VCF_BYTES, stripe_size, "stripeSize", NULL),
    FLD(vc_volume, VDS_VOL_PROVIDER, VCF_STR, provider, "provider", NULL),
};

static const struct vcf_field f_plex[] = {
    FLD(vc_plex, VDS_PLEX_OBJECT_ID, VCF_STR, object_id, "objectId", NULL),
    FLD(vc_plex, VDS_PLEX_VOLUME_INDEX, VCF_REF, volume, "volumeIndex", NULL),
    FLD(vc_plex, VDS_PLEX_NUMBER, VCF_UNS, number, "number", NULL),
    FLD(vc_plex, VDS_PLEX_HEALTH, VCF_INT, health, "health", l_health),
    FLD(vc_plex, VDS_PLEX_SIZE, VCF_BYTES, size, "size", NULL),
    FLD(vc_plex, VDS_PLEX_SYNC_PERCENT, VCF_UNS, sync_percent, "syncPercent", NULL),
    FLD(vc_plex, VDS_PLEX_DEVICES, VCF_STR, devices, "devices", NULL),
};

static const struct vcf_field f_pack[] = {
    FLD(vc_pack, VDS_PACK_OBJECT_ID, VCF_STR, object_id, "objectId", NULL),
    FLD(vc_pack, VDS_PACK_NAME, VCF_STR, name, "name", NULL),
    FLD(vc_pack, VDS_PACK_PROVIDER, VCF_STR, provider, "provider", NULL),
    FLD(vc_pack, VDS_PACK_HEALTH, VCF_INT, health, "health", l_health),
    FLD(vc_pack, VDS_PACK_SIZE, VCF_BYTES, size, "size", NULL),
    FLD(vc_pack, VDS_PACK_FREE, VCF_BYTES, free, "free", NULL),
    FLD(vc_pack, VDS_PACK_DISK_COUNT, VCF_UNS, disk_count, "diskCount", NULL),
    FLD(vc_pack, VDS_PACK_VOLUME_COUNT, VCF_UNS, volume_count, "volumeCount", NULL),
};

static const struct vcf_field f_vdisk[] = {
    FLD(vc_vdisk, VDS_VDISK_OBJECT_ID, VCF_STR, object_id, "objectId", NULL),
    FLD(vc_vdisk, VDS_VDISK_PATH, VCF_STR, path, "path", NULL),
    FLD(vc_vdisk, VDS_VDISK_FORMAT, VCF_INT, format, "format", l_vformat),
    FLD(vc_vdisk, VDS_VDISK_TYPE, VCF_INT, type, "type", l_vtype),
    FLD(vc_vdisk, VDS_VDISK_VIRTUAL_SIZE, VCF_BYTES, virtual_size, "virtualSize", NULL),
    FLD(vc_vdisk, VDS_VDISK_ALLOCATED_SIZE, VCF_BYTES, allocated_size, "allocatedSize", NULL),
    FLD(vc_vdisk, VDS_VDISK_ATTACHED, VCF_BOOL, attached, "attached", l_truth),
    FLD(vc_vdisk, VDS_VDISK_DEVNODE, VCF_STR, devnode, "devNode", NULL),
    FLD(vc_vdisk, VDS_VDISK_DISK_INDEX, VCF_REF, disk, "diskIndex", NULL),
    FLD(vc_vdisk, VDS_VDISK_PROVIDER, VCF_STR, provider, "provider", NULL),
};

static const struct vcf_field f_job[] = {
    FLD(vc_job, VDS_JOB_ROW_STATUS, VCF_INT, row_status, "rowStatus", l_rowstatus),
    FLD(vc_job, VDS_JOB_TYPE, VCF_INT, type, "type", l_jobtype),
    FLD(vc_job, VDS_JOB_STATUS, VCF_INT, status, "status", l_jobstatus),
    FLD(vc_job, VDS_JOB_PERCENT, VCF_UNS, percent, "percentComplete", NULL),
    FLD(vc_job, VDS_JOB_RESULT, VCF_INT, result, "result", l_result),
    FLD(vc_job, VDS_JOB_HRESULT, VCF_HEX, hresult, "hResult", NULL),
    FLD(vc_job, VDS_JOB_ERROR_NAME, VCF_STR, error_name, "errorName", NULL),
    FLD(vc_job, VDS_JOB_ERROR_MESSAGE, VCF_STR, error_msg, "errorMessage", NULL),
    FLD(vc_job, VDS_JOB_DETAILS, VCF_STR, details, "details", NULL),
    FLD(vc_job, VDS_JOB_OWNER, VCF_STR, owner, "owner", NULL),
    FLD(vc_job, VDS_JOB_KEEP_RESULT, VCF_BOOL, keep, "keepResult", l_truth),
    FLD(vc_job, VDS_JOB_CONTROL, VCF_INT, control, "control", l_control),
    FLD(vc_job, VDS_JOB_CANCEL_STATE, VCF_INT, cancel_state, "cancelState", l_cancel),
    FLD(vc_job, VDS_JOB_NOTIFY_PROGRESS, VCF_BOOL, notify_progress, "notifyProgress", l_truth),
    FLD(vc_job, VDS_JOB_RESULT_TYPE, VCF_INT, result_type, "resultType", l_jobtype),
    FLD(vc_job, VDS_JOB_PROVIDER, VCF_STR, provider, "provider", NULL),
    FLD(vc_job, VDS_JOB_CREATE_TIME, VCF_TIME, create_time, "createTime", NULL),
    FLD(vc_job, VDS_JOB_START_TIME, VCF_TIME, start_time, "startTime", NULL),
    FLD(vc_job, VDS_JOB_END_TIME, VCF_TIME, end_time, "endTime", NULL),
    FLD(vc_job, VDS_JOB_LAST_UPDATE_TIME, VCF_TIME, update_time, "lastUpdateTime", NULL),
    FLD(vc_job, VDS_JOB_P_DISK, VCF_REF, p_disk, "paramDisk", NULL),
    FLD(vc_job, VDS_JOB_P_OFFSET_MIB, VCF_UNS, p_offset_mib, "paramOffsetMiB", NULL),
    FLD(vc_job, VDS_JOB_P_SIZE_MIB, VCF_UNS, p_size_mib, "paramSizeMiB", NULL),
    FLD(vc_job, VDS_JOB_P_PARTITION_TYPE, VCF_STR, p_ptype, "paramPartitionType", NULL),
    FLD(vc_job, VDS_JOB_P_PARTITION, VCF_REF, p_partition, "paramPartition", NULL),
    FLD(vc_job, VDS_JOB_P_PACK, VCF_REF, p_pack, "paramPack", NULL),
    FLD(vc_job, VDS_JOB_P_VOLUME_TYPE, VCF_INT, p_voltype, "paramVolumeType", l_layout),
    FLD(vc_job, VDS_JOB_P_DISKS, VCF_STR, p_disks, "paramDisks", NULL),
    FLD(vc_job, VDS_JOB_P_STRIPE_KIB, VCF_UNS, p_stripe_kib, "paramStripeKiB", NULL),
    FLD(vc_job, VDS_JOB_P_VOLUME, VCF_REF, p_volume, "paramVolume", NULL),
    FLD(vc_job, VDS_JOB_P_PLEX, VCF_REF, p_plex, "paramPlex", NULL),
    FLD(vc_job, VDS_JOB_P_PATH, VCF_STR, p_path, "paramPath", NULL),
    FLD(vc_job, VDS_JOB_P_VDISK_TYPE, VCF_INT, p_vdisk_type, "paramVDiskType", l_vtype),
    FLD(vc_job, VDS_JOB_P_VDISK_FORMAT, VCF_INT, p_vdisk_format, "paramVDiskFormat", l_vformat),
    FLD(vc_job, VDS_JOB_P_VDISK, VCF_REF, p_vdisk, "paramVDisk", NULL),
    FLD(vc_job, VDS_JOB_P_NAME, VCF_STR, p_name, "paramName", NULL),
    FLD(vc_job, VDS_JOB_P_INIT_LABEL, VCF_INT, p_init_label, "paramInitLabel", l_label),
    FLD(vc_job, VDS_JOB_P_READ_ONLY, VCF_BOOL, p_read_only, "paramReadOnly", l_truth),
    FLD(vc_job, VDS_JOB_P_PLEX_COUNT, VCF_UNS, p_plex_count, "paramPlexCount", NULL),
    FLD(vc_job, VDS_JOB_P_FS_TYPE, VCF_STR, p_fs_type, "paramFsType", NULL),
    FLD(vc_job, VDS_JOB_P_ALLOC_UNIT, VCF_UNS, p_alloc_unit, "paramAllocUnit", NULL),
    FLD(vc_job, VDS_JOB_P_FORCE, VCF_BOOL, p_force, "paramForce", l_truth),
    FLD(vc_job, VDS_JOB_P_FULL_CLEAN, VCF_BOOL, p_full_clean, "paramFullClean", l_truth),
    FLD(vc_job, VDS_JOB_P_ALLOW_DATA_LOSS, VCF_BOOL, p_allow_data_loss, "paramAllowDataLoss",
        l_truth),
    FLD(vc_job, VDS_JOB_P_MERGE_DEPTH, VCF_UNS, p_merge_depth, "paramMergeDepth", NULL),
    FLD(vc_job, VDS_JOB_P_PARITY_COUNT, VCF_UNS, p_parity_count, "paramParityCount", NULL),
    FLD(vc_job, VDS_JOB_O_OFFSET, VCF_BYTES, o_offset, "outOffset", NULL),
    FLD(vc_job, VDS_JOB_O_PARTITION, VCF_REF, o_partition, "outPartition", NULL),
    FLD(vc_job, VDS_JOB_O_VOLUME, VCF_REF, o_volume, "outVolume", NULL),
    FLD(vc_job, VDS_JOB_O_RECLAIMED, VCF_BYTES, o_reclaimed, "outReclaimedBytes", NULL),
    FLD(vc_job, VDS_JOB_O_VDISK, VCF_REF, o_vdisk, "outVDisk", NULL),
    FLD(vc_job, VDS_JOB_O_OBJECT_ID, VCF_STR, o_object_id, "outObjectId", NULL),
    FLD(vc_job, VDS_JOB_O_PLEX, VCF_REF, o_plex, "outPlex", NULL),
    FLD(vc_job, VDS_JOB_O_RECOVERED, VCF_UNS, o_recovered, "outRecovered", NULL),
    FLD(vc_job, VDS_JOB_O_LOST, VCF_UNS, o_lost, "outLost", NULL),
};

static const char *const l_dhealth[] = {"", "unknown", "healthy", "failing", "failed", NULL};
static const char *const l_hsource[] = {"", "none", "ata", "nvme", "sim", NULL};
static const char *const l_smart[] = {"", "passed", "failed", NULL};
static const char *const l_critical[] = {
    "spareBelowThreshold", "temperature", "reliabilityDegraded", "readOnly", "volatileBackupFailed",
    "pmrReadOnly",         NULL};

#define H(c, k, fld, nm, lb) FLD(vc_disk_health, c, k, fld, nm, lb)
static const struct vcf_field f_health[] = {
    H(VDS_DH_HEALTH, VCF_INT, health, "health", l_dhealth),
    H(VDS_DH_HEALTH_PREVIOUS, VCF_INT, previous, "healthPrevious", l_dhealth),
    H(VDS_DH_HEALTH_REASON, VCF_STR, reason, "healthReason", NULL),
    H(VDS_DH_HEALTH_SOURCE, VCF_INT, source, "healthSource", l_hsource),
    H(VDS_DH_HEALTH_CHECK_TIME, VCF_TIME, check_time, "healthCheckTime", NULL),
    H(VDS_DH_SMART_STATUS, VCF_INT, smart, "smartStatus", l_smart),
    H(VDS_DH_REALLOCATED_SECTORS, VCF_UNS, reallocated, "reallocatedSectors", NULL),
    H(VDS_DH_PENDING_SECTORS, VCF_UNS, pending, "pendingSectors", NULL),
    H(VDS_DH_TEMPERATURE, VCF_SIGNED, temperature, "temperature", NULL),
    H(VDS_DH_POWER_ON_HOURS, VCF_UNS, power_on_hours, "powerOnHours", NULL),
    H(VDS_DH_CRITICAL_WARNING, VCF_BITS, critical_warning, "criticalWarning", l_critical),
    H(VDS_DH_PERCENT_USED, VCF_UNS, percent_used, "percentUsed", NULL),
    H(VDS_DH_MEDIA_ERRORS, VCF_BYTES, media_errors, "mediaErrors", NULL),
    H(VDS_DH_AVAILABLE_SPARE, VCF_UNS, spare, "availableSpare", NULL),
    H(VDS_DH_SPARE_THRESHOLD, VCF_UNS, spare_threshold, "spareThreshold", NULL),
};

#define TBL(nm, type, f)                                                                           \
	{                                                                                          \
		nm, sizeof(struct type), f, sizeof(f) / sizeof(f[0])                               \
	}

static const struct vcf_table vcf_tables[] = {
    [VC_T_SERVICE] = TBL("service", vc_service, f_service),
    [VC_T_DISK] = TBL("disk", vc_disk, f_disk),
    [VC_T_PARTITION] = TBL("partition", vc_partition, f_part),
    [VC_T_VOLUME] = TBL("volume", vc_volume, f_vol),
    [VC_T_PLEX] = TBL("plex", vc_plex, f_plex),
    [VC_T_PACK] = TBL("pack", vc_pack, f_pack),
    [VC_T_VDISK] = TBL("vdisk", vc_vdisk, f_vdisk),
    [VC_T_JOB] = TBL("job", vc_job, f_job),
    [VC_T_DISK_HEALTH] = {"health", sizeof(struct vc_disk_health), f_health,
                          sizeof(f_health) / sizeof(f_health[0]),
                          offsetof(struct vc_disk_health, have)},
};

const struct vcf_table *
vcf_table(int t)
{
	if (t < VC_T_SERVICE || t > VC_T_DISK_HEALTH || !vcf_tables[t].name)
		return NULL;
	return &vcf_tables[t];
}

void
vcf_mark(const struct vcf_table *t, void *row, const struct vcf_field *f)
{
	uint32_t have;
	size_t i = (size_t)(f - t->fields);

	if (!t->have_off || i >= 32)
		return;
	memcpy(&have, (char *)row + t->have_off, sizeof(have));
	have |= 1u << i;
	memcpy((char *)row + t->have_off, &have, sizeof(have));
}

int
vcf_has(const struct vcf_table *t, const void *row, const struct vcf_field *f)
{
	uint32_t have;
	size_t i = (size_t)(f - t->fields);

	if (!t->have_off || i >= 32)
		return 1;
	memcpy(&have, (const char *)row + t->have_off, sizeof(have));
	return (have >> i) & 1;
}

const struct vcf_field *
vcf_field(const struct vcf_table *t, unsigned col)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].col == col)
			return &t->fields[i];
	return NULL;
}

const struct vcf_field *
vcf_field_by_name(const struct vcf_table *t, const char *name)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

const char *
vcf_label(const struct vcf_field *f, uint32_t v)
{
	if (!f->labels || (f->kind != VCF_INT && f->kind != VCF_BOOL))
		return NULL;
	for (uint32_t i = 0; f->labels[i]; i++)
		if (i == v)
			return f->labels[i][0] ? f->labels[i] : NULL;
	return NULL;
}

uint32_t
vcf_u32(const void *row, const struct vcf_field *f)
{
	uint32_t v;

	memcpy(&v, (const char *)row + f->off, sizeof(v));
	return v;
}

uint64_t
vcf_u64(const void *row, const struct vcf_field *f)
{
	uint64_t v;

	if (f->size != sizeof(v))
		return vcf_u32(row, f);
	memcpy(&v, (const char *)row + f->off, sizeof(v));
	return v;
}

const char *
vcf_str(const void *row, const struct vcf_field *f)
{
	return (const char *)row + f->off;
}
