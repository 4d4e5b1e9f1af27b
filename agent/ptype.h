/* SPDX-License-Identifier: ISC */
/*
 * ptype.h - partition types as a manager writes them in
 * vdsJobParamPartitionType: an alias, a GPT type GUID or an MBR type byte.
 * One table for every provider.
 */
#ifndef VDS_PTYPE_H
#define VDS_PTYPE_H

#include <stddef.h>

#include "model.h"

/*
 * Resolve in for a disk labelled style (INV_PS_GPT or INV_PS_MBR) into its
 * canonical form: a lowercase GUID, or "0x83".  Empty means Linux data.
 * Aliases: linux, swap, efi, lvm, raid, home, msdata, bios (GPT only),
 * extended (MBR only: 0x05, the container of logical partitions).
 * Returns 0, or -1 when in is not a type of that label.
 */
int ptype_resolve(enum inv_pstyle style, const char *in, char *out, size_t len);

/*
 * 1 when type (an MBR type byte, "0x05" or "5") is an extended container:
 * 0x05, 0x0f or 0x85, as libfdisk and the kernel take them.  0 otherwise,
 * a GPT GUID included.
 */
int ptype_mbr_extended(const char *type);

#endif
