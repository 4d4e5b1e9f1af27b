/* SPDX-License-Identifier: ISC */
/*
 * fuzzstate.h - for the state-file fuzz targets: a private state directory
 * emptied before every input, the input written as one of its files, and
 * logs kept quiet.
 */
#ifndef VDS_FUZZSTATE_H
#define VDS_FUZZSTATE_H

#include <stddef.h>
#include <stdint.h>

/* The state directory, emptied, with data written as name in it. */
const char *fuzzstate_put(const char *name, const uint8_t *data, size_t size);

#endif
