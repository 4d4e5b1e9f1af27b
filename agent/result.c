/* SPDX-License-Identifier: ISC */
/*
 * result.c - names, texts and VDS-compatible HRESULTs of enum vds_result.
 *
 * The VDS_E_* values are those of the public Virtual Disk Service headers:
 * vds.h (MIDL output of vds.idl, e.g. "#define VDS_E_NOT_ENOUGH_SPACE
 * ( 0x8004240fL )") and vdserr.h, which vds.h includes on newer SDKs
 * (VDS_E_CANNOT_SHRINK, VDS_E_SHRINK_SIZE_TOO_BIG); the same numbers are in
 * MS-VDS 2.2.3 and the windows-sys crate.  The generic ones come from
 * winerror.h: E_FAIL, E_INVALIDARG, E_OUTOFMEMORY and HRESULT_FROM_WIN32(x)
 * = 0x80070000 | x.
 */
#include "config.h"

#include <stddef.h>

#include "result.h"

#define HR_S_OK          0x00000000U
#define HR_E_FAIL        0x80004005U
#define HR_E_INVALIDARG  0x80070057U
#define HR_E_OUTOFMEMORY 0x8007000EU
/* HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED = 995) */
#define HR_ERROR_OPERATION_ABORTED 0x800703E3U

struct result_info {
	uint32_t hresult;
	const char *name;
	const char *text;
};

static const struct result_info result_table[VDS_R_LAST + 1] = {
    [VDS_R_OK] = {HR_S_OK, "S_OK", "the operation succeeded"},
    [VDS_R_PENDING] = {VDS_HR_OPERATION_PENDING, "VDS_E_OPERATION_PENDING",
                       "the operation has not completed yet"},
    [VDS_R_FAILED] = {HR_E_FAIL, "E_FAIL", "the operation failed"},
    [VDS_R_NOT_FOUND] = {0x80042405U, "VDS_E_OBJECT_NOT_FOUND", "the object was not found"},
    [VDS_R_NO_SPACE] = {0x8004240FU, "VDS_E_NOT_ENOUGH_SPACE",
                        "there is not enough usable space for this operation"},
    [VDS_R_IN_USE] = {0x80042413U, "VDS_E_DEVICE_IN_USE",
                      "the device is in use (mounted, swap or held by another device)"},
    [VDS_R_NOT_ALLOWED] = {0x8004240AU, "VDS_E_OPERATION_DENIED",
                           "the device is not in the allowDevice list"},
    [VDS_R_SYSTEM_DEVICE] = {0x8004240AU, "VDS_E_OPERATION_DENIED",
                             "the operation is not allowed on a root or boot device"},
    [VDS_R_NOT_SUPPORTED] = {0x80042400U, "VDS_E_NOT_SUPPORTED",
                             "the operation is not supported by the object"},
    [VDS_R_CANCELLED] = {0x8004240DU, "VDS_E_OPERATION_CANCELED",
                         "the operation has been cancelled"},
    [VDS_R_INTERRUPTED] = {HR_ERROR_OPERATION_ABORTED, "ERROR_OPERATION_ABORTED",
                           "vdsd stopped while the job was running"},
    [VDS_R_IO_ERROR] = {0x8004242BU, "VDS_E_IO_ERROR", "an I/O error occurred on the device"},
    [VDS_R_INVALID_PARAM] = {HR_E_INVALIDARG, "E_INVALIDARG", "a parameter is not valid"},
    [VDS_R_FS_NO_SHRINK] = {0x8004251EU, "VDS_E_CANNOT_SHRINK",
                            "the file system on the volume cannot shrink"},
    [VDS_R_SHRINK_TOO_BIG] = {0x80042574U, "VDS_E_SHRINK_SIZE_TOO_BIG",
                              "the file system cannot give up that many bytes"},
    [VDS_R_EXISTS] = {0x8004241DU, "VDS_E_OBJECT_EXISTS", "the object already exists"},
    [VDS_R_DEVICE_GONE] = {0x8004240BU, "VDS_E_OBJECT_DELETED",
                           "the device went away while the job ran"},
    [VDS_R_READ_ONLY] = {0x80042428U, "VDS_E_MEDIA_WRITE_PROTECTED",
                         "the device or image is read-only"},
    [VDS_R_TOOL_FAILED] = {0x80042442U, "VDS_E_PROVIDER_FAILURE",
                           "an external tool failed to complete the operation"},
    [VDS_R_NOT_EMPTY] = {0x80042414U, "VDS_E_DISK_NOT_EMPTY",
                         "the object still holds partitions, volumes or an attached disk"},
    [VDS_R_BUSY] = {0x80042404U, "VDS_E_ANOTHER_CALL_IN_PROGRESS",
                    "another operation on the object is in progress"},
    [VDS_R_TIMEOUT] = {0x8004245FU, "VDS_E_TIMEOUT", "the operation timed out"},
    [VDS_R_NO_MEMORY] = {HR_E_OUTOFMEMORY, "E_OUTOFMEMORY", "out of memory"},
};

/* What a value outside the table (a bug, or a newer peer) reads as. */
static const struct result_info result_unknown = {HR_E_FAIL, "VDS_UNKNOWN_RESULT",
                                                  "unknown result code"};

static const struct result_info *
result_info(enum vds_result r)
{
	if ((int)r < VDS_R_OK || (int)r > VDS_R_LAST || !result_table[r].name)
		return &result_unknown;
	return &result_table[r];
}

uint32_t
vds_result_hresult(enum vds_result r)
{
	return result_info(r)->hresult;
}

const char *
vds_result_name(enum vds_result r)
{
	return result_info(r)->name;
}

const char *
vds_result_text(enum vds_result r)
{
	return result_info(r)->text;
}
