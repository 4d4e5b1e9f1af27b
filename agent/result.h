/* SPDX-License-Identifier: ISC */
/*
 * result.h - the project's result codes.  Each maps 1:1 to a value of the
 * MIB's VdsResultCode enumeration, a VDS-compatible HRESULT (values from the
 * public vds.h / winerror.h) and a stable error name.
 */
#ifndef VDS_RESULT_H
#define VDS_RESULT_H

#include <stdint.h>

enum vds_result {
	VDS_R_OK = 1,              /* S_OK */
	VDS_R_PENDING = 2,         /* VDS_E_OPERATION_PENDING, while running */
	VDS_R_FAILED = 3,          /* E_FAIL: unspecified failure */
	VDS_R_NOT_FOUND = 4,       /* VDS_E_OBJECT_NOT_FOUND */
	VDS_R_NO_SPACE = 5,        /* VDS_E_NOT_ENOUGH_SPACE */
	VDS_R_IN_USE = 6,          /* VDS_E_DEVICE_IN_USE: mounted, swap, held */
	VDS_R_NOT_ALLOWED = 7,     /* VDS_E_OPERATION_DENIED: outside the allow-list */
	VDS_R_SYSTEM_DEVICE = 8,   /* VDS_E_OPERATION_DENIED: root/boot device */
	VDS_R_NOT_SUPPORTED = 9,   /* VDS_E_NOT_SUPPORTED */
	VDS_R_CANCELLED = 10,      /* VDS_E_OPERATION_CANCELED */
	VDS_R_INTERRUPTED = 11,    /* vdsd stopped while the job ran */
	VDS_R_IO_ERROR = 12,       /* I/O error from the device */
	VDS_R_INVALID_PARAM = 13,  /* E_INVALIDARG */
	VDS_R_FS_NO_SHRINK = 14,   /* the file system cannot shrink */
	VDS_R_SHRINK_TOO_BIG = 15, /* more removed than the file system can give */
	VDS_R_EXISTS = 16,         /* the object or path exists already */
	VDS_R_DEVICE_GONE = 17,    /* the device vanished while the job ran */
	VDS_R_READ_ONLY = 18,      /* the device or image is read-only */
	VDS_R_TOOL_FAILED = 19,    /* an external tool failed */
	VDS_R_NOT_EMPTY = 20,      /* partition/volume/vdisk still in use by children */
	VDS_R_BUSY = 21,           /* VDS_E_ANOTHER_CALL_IN_PROGRESS */
	VDS_R_TIMEOUT = 22,
	VDS_R_NO_MEMORY = 23, /* E_OUTOFMEMORY */
	VDS_R_LAST = 23,
};

/* VDS_E_CANCEL_TOO_LATE: a cancel came after the point of no return. */
#define VDS_HR_CANCEL_TOO_LATE   0x8004240CU
#define VDS_HR_OPERATION_PENDING 0x80042409U

uint32_t vds_result_hresult(enum vds_result r);
/* "VDS_E_NOT_ENOUGH_SPACE"-style name; never NULL. */
const char *vds_result_name(enum vds_result r);
/* A sentence for people, e.g. "not enough free space". */
const char *vds_result_text(enum vds_result r);

#endif
