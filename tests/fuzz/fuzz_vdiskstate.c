/* SPDX-License-Identifier: ISC */
/*
 * fuzz_vdiskstate.c - libFuzzer target: the input is vdisk.state, loaded
 * by the real loader; what it accepts is in range, and every differencing
 * record's parent is a listed VHD of its size.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzzstate.h"
#include "vdisk/vdisk_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vdr_set s;
	char err[600];

	if (vdr_load(&s, fuzzstate_put("vdisk.state", data, size), err, sizeof(err)) < 0)
		return 0;
	for (size_t i = 0; i < s.n; i++) {
		const struct vdr_rec *p = s.v[i].parent[0] ? vdr_find(&s, s.v[i].parent) : NULL;

		if (s.v[i].path[0] != '/' || s.v[i].vsize == 0)
			abort();
		if ((s.v[i].type == INV_VDT_DIFFERENCING) != (p != NULL))
			abort();
		if (p && (p->format != INV_VF_VHD || p->vsize != s.v[i].vsize))
			abort();
	}
	vdr_free(&s);
	return 0;
}
