/* SPDX-License-Identifier: ISC */
/*
 * vcunits.h - sizes for people: parse "100M", "1.5G", "2TiB", "512 MiB",
 * "10GB" and print "20.0 GiB".  K/M/G/T/P, KiB..PiB are powers of 1024;
 * KB/MB/GB/TB/PB powers of 1000; B or no unit means def_unit bytes.
 */
#ifndef VDS_CLIENT_UNITS_H
#define VDS_CLIENT_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define VC_MIB 1048576ULL

/* 0 and *bytes, or -1 when s is not a size. */
int vc_parse_size(const char *s, uint64_t def_unit, uint64_t *bytes);
/* "20.0 GiB", "512 B"; returns buf. */
const char *vc_format_size(uint64_t bytes, char *buf, size_t len);

#endif
