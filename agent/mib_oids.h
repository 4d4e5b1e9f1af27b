/* SPDX-License-Identifier: ISC */
/*
 * mib_oids.h - the OID layout of VDS-MIB, in one place.
 *
 * mibs/VDS-MIB.txt is the contract; this file mirrors its numbers for the
 * handlers and tests/mib/check-oids.sh verifies the two agree.  The root is
 * netSnmpExperimental (1.3.6.1.4.1.8072.9999) until vdsd has an enterprise
 * number of its own: change VDS_MIB_ROOT and the MIB's MODULE-IDENTITY only.
 */
#ifndef VDS_MIB_OIDS_H
#define VDS_MIB_OIDS_H

/* vdsMIB ::= { netSnmpExperimental 86 } */
#define VDS_MIB_ROOT     1, 3, 6, 1, 4, 1, 8072, 9999, 86
#define VDS_MIB_ROOT_LEN 9

#define VDS_NOTIFICATIONS 0 /* vdsNotifications ::= { vdsMIB 0 } */
#define VDS_OBJECTS       1 /* vdsObjects       ::= { vdsMIB 1 } */
#define VDS_CONFORMANCE   2 /* vdsConformance   ::= { vdsMIB 2 } */

/* Under vdsObjects. */
enum vds_objects_arc {
	VDS_SERVICE = 1,
	VDS_DISK_TABLE = 2,
	VDS_PARTITION_TABLE = 3,
	VDS_VOLUME_TABLE = 4,
	VDS_PLEX_TABLE = 5,
	VDS_PACK_TABLE = 6,
	VDS_VDISK_TABLE = 7,
	VDS_JOB_TABLE = 8,
	VDS_LAST_REFUSAL = 9,       /* scalars: the last SET refused */
	VDS_DISK_HEALTH_TABLE = 10, /* AUGMENTS vdsDiskEntry */
};

/* vdsService scalars. */
enum vds_service_arc {
	VDS_SVC_VERSION = 1,           /* DisplayString */
	VDS_SVC_PROVIDERS = 2,         /* DisplayString, "sim,basic" */
	VDS_SVC_START_TIME = 3,        /* DateAndTime */
	VDS_SVC_LAST_CHANGE = 4,       /* DateAndTime of the last inventory change */
	VDS_SVC_DISK_COUNT = 5,        /* Gauge32 */
	VDS_SVC_VOLUME_COUNT = 6,      /* Gauge32 */
	VDS_SVC_JOBS_RUNNING = 7,      /* Gauge32 */
	VDS_SVC_JOBS_QUEUED = 8,       /* Gauge32 */
	VDS_SVC_JOBS_SUCCEEDED = 9,    /* Counter32 */
	VDS_SVC_JOBS_FAILED = 10,      /* Counter32 */
	VDS_SVC_JOBS_CANCELLED = 11,   /* Counter32 */
	VDS_SVC_JOB_NEXT_HANDLE = 12,  /* Unsigned32: vdsJobNextHandle */
	VDS_SVC_JOB_MAX_RUNNING = 13,  /* Unsigned32 */
	VDS_SVC_JOB_MAX_QUEUED = 14,   /* Unsigned32 */
	VDS_SVC_JOB_PURGE_TIME = 15,   /* Unsigned32, seconds */
	VDS_SVC_JOB_MAX_RETAINED = 16, /* Unsigned32 */

	/* Damaged records of the state files, set aside (agent/staterr.c). */
	VDS_SVC_STATE_QUARANTINED = 17,       /* Counter32 */
	VDS_SVC_STATE_LAST_PROBLEM = 18,      /* VdsName: "FILE: RECORD: REASON" */
	VDS_SVC_STATE_LAST_PROBLEM_TIME = 19, /* DateAndTime */

	/* Directives changed by the last reload that need a restart. */
	VDS_SVC_RESTART_NEEDED = 20, /* VdsName: "agentXPingInterval, stateDir" */
	VDS_SVC_LAST = 20,
};

/* vdsLastRefusal scalars (agent/mib_refusal.c). */
enum vds_refusal_arc {
	VDS_REFUSAL_COUNT = 1,  /* Counter32 */
	VDS_REFUSAL_TIME = 2,   /* DateAndTime */
	VDS_REFUSAL_HANDLE = 3, /* Unsigned32, 0 = none */
	VDS_REFUSAL_OBJECT = 4, /* OBJECT IDENTIFIER of the varbind */
	VDS_REFUSAL_ERROR = 5,  /* INTEGER: the SNMP error status */
	VDS_REFUSAL_REASON = 6, /* VdsName */
	VDS_REFUSAL_LAST = 6,
};

/* vdsDiskEntry ::= { vdsDiskTable 1 }, INDEX { vdsDiskIndex } */
enum vds_disk_col {
	VDS_DISK_INDEX = 1,            /* Unsigned32 (1..4294967295), not-accessible */
	VDS_DISK_OBJECT_ID = 2,        /* DisplayString (SIZE(36)), UUID */
	VDS_DISK_NAME = 3,             /* DisplayString */
	VDS_DISK_DEVNODE = 4,          /* DisplayString */
	VDS_DISK_SERIAL = 5,           /* DisplayString */
	VDS_DISK_MODEL = 6,            /* DisplayString */
	VDS_DISK_SIZE = 7,             /* VdsBytes (Counter64), UNITS "bytes" */
	VDS_DISK_SECTOR_SIZE = 8,      /* Unsigned32, UNITS "bytes" */
	VDS_DISK_PARTITION_STYLE = 9,  /* unknown(1) none(2) mbr(3) gpt(4) */
	VDS_DISK_TABLE_ID = 10,        /* DisplayString: GPT GUID or MBR id */
	VDS_DISK_SOURCE = 11,          /* udev(1) image(2) sim(3) vdisk(4) */
	VDS_DISK_PROVIDER = 12,        /* DisplayString */
	VDS_DISK_STATUS = 13,          /* online(1) offline(2) probeError(3) missing(4) */
	VDS_DISK_STATUS_MESSAGE = 14,  /* DisplayString */
	VDS_DISK_FLAGS = 15,           /* BITS readOnly(0) removable(1) system(2) inUse(3) */
	VDS_DISK_FREE = 16,            /* VdsBytes, unpartitioned space */
	VDS_DISK_PARTITION_COUNT = 17, /* Gauge32 */
	VDS_DISK_PACK_INDEX = 18,      /* Unsigned32, 0 = none */
	VDS_DISK_LAST = 18,
};

/* vdsDiskHealthEntry AUGMENTS vdsDiskEntry (agent/health.c) */
enum vds_dhealth_col {
	VDS_DH_HEALTH = 1,              /* VdsDiskHealth */
	VDS_DH_HEALTH_PREVIOUS = 2,     /* VdsDiskHealth */
	VDS_DH_HEALTH_REASON = 3,       /* VdsName */
	VDS_DH_HEALTH_SOURCE = 4,       /* none(1) ata(2) nvme(3) sim(4) */
	VDS_DH_HEALTH_CHECK_TIME = 5,   /* DateAndTime */
	VDS_DH_SMART_STATUS = 6,        /* ATA: passed(1) failed(2) */
	VDS_DH_REALLOCATED_SECTORS = 7, /* ATA: Gauge32 */
	VDS_DH_PENDING_SECTORS = 8,     /* ATA: Gauge32 */
	VDS_DH_TEMPERATURE = 9,         /* Integer32, degrees Celsius */
	VDS_DH_POWER_ON_HOURS = 10,     /* Unsigned32 */
	VDS_DH_CRITICAL_WARNING = 11,   /* NVMe: BITS */
	VDS_DH_PERCENT_USED = 12,       /* NVMe: Unsigned32 */
	VDS_DH_MEDIA_ERRORS = 13,       /* NVMe: Counter64 */
	VDS_DH_AVAILABLE_SPARE = 14,    /* NVMe: Unsigned32, percent */
	VDS_DH_SPARE_THRESHOLD = 15,    /* NVMe: Unsigned32, percent */
	VDS_DH_LAST = 15,
};

/* vdsPartitionEntry, INDEX { vdsPartitionIndex } */
enum vds_part_col {
	VDS_PART_INDEX = 1,
	VDS_PART_OBJECT_ID = 2,
	VDS_PART_DISK_INDEX = 3,    /* Unsigned32 */
	VDS_PART_NUMBER = 4,        /* Unsigned32 */
	VDS_PART_OFFSET = 5,        /* VdsBytes */
	VDS_PART_SIZE = 6,          /* VdsBytes */
	VDS_PART_TYPE = 7,          /* DisplayString: GPT type GUID or MBR "0x83" */
	VDS_PART_NAME = 8,          /* DisplayString */
	VDS_PART_UUID = 9,          /* DisplayString: PARTUUID */
	VDS_PART_FS_TYPE = 10,      /* DisplayString */
	VDS_PART_FS_LABEL = 11,     /* DisplayString */
	VDS_PART_FS_UUID = 12,      /* DisplayString */
	VDS_PART_VOLUME_INDEX = 13, /* Unsigned32, 0 = none */
	VDS_PART_BOOTABLE = 14,     /* TruthValue */
	VDS_PART_LAST = 14,
};

/* vdsVolumeEntry, INDEX { vdsVolumeIndex } */
enum vds_vol_col {
	VDS_VOL_INDEX = 1,
	VDS_VOL_OBJECT_ID = 2,
	VDS_VOL_NAME = 3,
	VDS_VOL_DEVNODE = 4,
	VDS_VOL_TYPE = 5,   /* simple(1) spanned(2) striped(3) mirror(4) parity(5) */
	VDS_VOL_HEALTH = 6, /* unknown(1) healthy(2) degraded(3) rebuilding(4) failed(5) */
	VDS_VOL_STATUS = 7, /* online(1) offline(2) probeError(3) missing(4) */
	VDS_VOL_SIZE = 8,   /* VdsBytes */
	VDS_VOL_FS_TYPE = 9,
	VDS_VOL_FS_LABEL = 10,
	VDS_VOL_FS_UUID = 11,
	VDS_VOL_PACK_INDEX = 12,      /* 0 = basic volume */
	VDS_VOL_DISK_INDEX = 13,      /* basic volume's disk, else 0 */
	VDS_VOL_PARTITION_INDEX = 14, /* basic volume's partition, else 0 */
	VDS_VOL_PLEX_COUNT = 15,      /* Gauge32 */
	VDS_VOL_STRIPE_SIZE = 16,     /* VdsBytes, 0 unless striped */
	VDS_VOL_PROVIDER = 17,
	VDS_VOL_LAST = 17,
};

/* vdsPlexEntry, INDEX { vdsPlexIndex } */
enum vds_plex_col {
	VDS_PLEX_INDEX = 1,
	VDS_PLEX_OBJECT_ID = 2,
	VDS_PLEX_VOLUME_INDEX = 3,
	VDS_PLEX_NUMBER = 4,
	VDS_PLEX_HEALTH = 5,
	VDS_PLEX_SIZE = 6,
	VDS_PLEX_SYNC_PERCENT = 7, /* Unsigned32 (0..100) */
	VDS_PLEX_DEVICES = 8,      /* DisplayString */
	VDS_PLEX_LAST = 8,
};

/* vdsPackEntry, INDEX { vdsPackIndex } */
enum vds_pack_col {
	VDS_PACK_INDEX = 1,
	VDS_PACK_OBJECT_ID = 2,
	VDS_PACK_NAME = 3,
	VDS_PACK_PROVIDER = 4,
	VDS_PACK_HEALTH = 5,
	VDS_PACK_SIZE = 6,
	VDS_PACK_FREE = 7,
	VDS_PACK_DISK_COUNT = 8,
	VDS_PACK_VOLUME_COUNT = 9,
	VDS_PACK_LAST = 9,
};

/* vdsVDiskEntry, INDEX { vdsVDiskIndex } */
enum vds_vdisk_col {
	VDS_VDISK_INDEX = 1,
	VDS_VDISK_OBJECT_ID = 2,
	VDS_VDISK_PATH = 3,
	VDS_VDISK_FORMAT = 4,         /* raw(1) vhd(2) */
	VDS_VDISK_TYPE = 5,           /* fixed(1) expandable(2) */
	VDS_VDISK_VIRTUAL_SIZE = 6,   /* VdsBytes */
	VDS_VDISK_ALLOCATED_SIZE = 7, /* VdsBytes */
	VDS_VDISK_ATTACHED = 8,       /* TruthValue */
	VDS_VDISK_DEVNODE = 9,        /* DisplayString, "" when detached */
	VDS_VDISK_DISK_INDEX = 10,    /* Unsigned32, 0 when detached */
	VDS_VDISK_PROVIDER = 11,
	VDS_VDISK_STATUS = 12, /* online(1) offline(2) probeError(3) missing(4) */
	VDS_VDISK_LAST = 12,
};

/* vdsJobEntry, INDEX { vdsJobHandle } */
enum vds_job_col {
	VDS_JOB_HANDLE = 1,            /* Unsigned32 (1..2147483647), not-accessible */
	VDS_JOB_ROW_STATUS = 2,        /* RowStatus */
	VDS_JOB_TYPE = 3,              /* VdsJobType, read-create */
	VDS_JOB_STATUS = 4,            /* created(1) queued(2) running(3) succeeded(4)
	                                  failed(5) cancelled(6) */
	VDS_JOB_PERCENT = 5,           /* Unsigned32 (0..100) */
	VDS_JOB_RESULT = 6,            /* VdsResultCode */
	VDS_JOB_HRESULT = 7,           /* VdsHResult (Unsigned32, hex) */
	VDS_JOB_ERROR_NAME = 8,        /* DisplayString */
	VDS_JOB_ERROR_MESSAGE = 9,     /* DisplayString */
	VDS_JOB_DETAILS = 10,          /* DisplayString, while running */
	VDS_JOB_OWNER = 11,            /* DisplayString, read-create */
	VDS_JOB_KEEP_RESULT = 12,      /* TruthValue, read-create */
	VDS_JOB_CONTROL = 13,          /* none(1) cancel(2), read-create */
	VDS_JOB_CANCEL_STATE = 14,     /* none(1) requested(2) tooLate(3) done(4) */
	VDS_JOB_NOTIFY_PROGRESS = 15,  /* TruthValue, read-create */
	VDS_JOB_RESULT_TYPE = 16,      /* VdsJobType (= vdsJobType) */
	VDS_JOB_PROVIDER = 17,         /* DisplayString */
	VDS_JOB_CREATE_TIME = 18,      /* DateAndTime */
	VDS_JOB_START_TIME = 19,       /* DateAndTime */
	VDS_JOB_END_TIME = 20,         /* DateAndTime */
	VDS_JOB_LAST_UPDATE_TIME = 21, /* DateAndTime */
	/* parameters, read-create */
	VDS_JOB_P_DISK = 30,            /* Unsigned32: vdsDiskIndex */
	VDS_JOB_P_OFFSET_MIB = 31,      /* Unsigned32: 0 = first fit */
	VDS_JOB_P_SIZE_MIB = 32,        /* Unsigned32: size; for shrink the MiB to remove */
	VDS_JOB_P_PARTITION_TYPE = 33,  /* DisplayString: GUID, "0x83", or alias */
	VDS_JOB_P_PARTITION = 34,       /* Unsigned32: vdsPartitionIndex */
	VDS_JOB_P_PACK = 35,            /* Unsigned32: vdsPackIndex */
	VDS_JOB_P_VOLUME_TYPE = 36,     /* simple(1) spanned(2) striped(3) mirror(4) */
	VDS_JOB_P_DISKS = 37,           /* DisplayString: "1,2" list of vdsDiskIndex */
	VDS_JOB_P_STRIPE_KIB = 38,      /* Unsigned32 */
	VDS_JOB_P_VOLUME = 39,          /* Unsigned32: vdsVolumeIndex */
	VDS_JOB_P_PLEX = 40,            /* Unsigned32: vdsPlexIndex */
	VDS_JOB_P_PATH = 41,            /* DisplayString: vdisk image path */
	VDS_JOB_P_VDISK_TYPE = 42,      /* fixed(1) expandable(2) */
	VDS_JOB_P_VDISK_FORMAT = 43,    /* raw(1) vhd(2) */
	VDS_JOB_P_VDISK = 44,           /* Unsigned32: vdsVDiskIndex */
	VDS_JOB_P_NAME = 45,            /* DisplayString: partition/volume name */
	VDS_JOB_P_INIT_LABEL = 46,      /* none(1) gpt(2) mbr(3) */
	VDS_JOB_P_READ_ONLY = 47,       /* TruthValue (attach) */
	VDS_JOB_P_PLEX_COUNT = 48,      /* Unsigned32: mirror legs */
	VDS_JOB_P_FS_TYPE = 56,         /* DisplayString: format's file system */
	VDS_JOB_P_ALLOC_UNIT = 57,      /* Unsigned32: format's block size, bytes */
	VDS_JOB_P_FORCE = 58,           /* TruthValue (clean, format) */
	VDS_JOB_P_FULL_CLEAN = 59,      /* TruthValue (clean) */
	VDS_JOB_P_ALLOW_DATA_LOSS = 60, /* TruthValue (recoverPack) */
	VDS_JOB_P_MERGE_DEPTH = 61,     /* Unsigned32 (mergeVDisk) */
	VDS_JOB_P_PARITY_COUNT = 62,    /* Unsigned32: 1 raid5, 2 raid6 */
	/* outputs (seed 000), read-only */
	VDS_JOB_O_OFFSET = 50,    /* VdsBytes: real offset of the new partition */
	VDS_JOB_O_PARTITION = 51, /* Unsigned32 */
	VDS_JOB_O_VOLUME = 52,    /* Unsigned32: created / split-off volume */
	VDS_JOB_O_RECLAIMED = 53, /* VdsBytes */
	VDS_JOB_O_VDISK = 54,     /* Unsigned32 */
	VDS_JOB_O_OBJECT_ID = 55, /* DisplayString: object id of the created object */
	VDS_JOB_O_PLEX = 70,      /* Unsigned32: added / repaired plex */
	VDS_JOB_O_RECOVERED = 71, /* Unsigned32: recoverPack's volumes recovered */
	VDS_JOB_O_LOST = 72,      /* Unsigned32: recoverPack's volumes lost */
	VDS_JOB_LAST = 72,
};

/* Notifications under vdsNotifications (.0). */
enum vds_notification_arc {
	VDS_NOTIF_DISK_ARRIVED = 1,
	VDS_NOTIF_DISK_REMOVED = 2,
	VDS_NOTIF_PARTITION_ARRIVED = 3,
	VDS_NOTIF_PARTITION_REMOVED = 4,
	VDS_NOTIF_VOLUME_ARRIVED = 5,
	VDS_NOTIF_VOLUME_REMOVED = 6,
	VDS_NOTIF_VOLUME_MODIFIED = 7,
	VDS_NOTIF_VDISK_ARRIVED = 8,
	VDS_NOTIF_VDISK_REMOVED = 9,
	VDS_NOTIF_JOB_COMPLETED = 10,
	VDS_NOTIF_JOB_PROGRESS = 11,
	VDS_NOTIF_PACK_ARRIVED = 12,
	VDS_NOTIF_PACK_REMOVED = 13,
	VDS_NOTIF_DISK_HEALTH_CHANGED = 14,
	VDS_NOTIF_VOLUME_REBUILD_PROGRESS = 15,
};

#endif
