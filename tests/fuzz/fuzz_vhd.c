/* SPDX-License-Identifier: ISC */
/*
 * fuzz_vhd.c - libFuzzer target: the input is a VHD file, opened by
 * vhd_open (the checks every image read gets); what it accepts reads at
 * both ends of its disk, and a sector written at its end reads back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzzstate.h"
#include "vdisk/vdisk_vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 16], back[512];
	char msg[512];
	struct vhd *v;
	size_t n;

	if (vhd_open(&v, fuzzstate_put("f.vhd", data, size), 1, msg, sizeof(msg)) < 0)
		return 0;
	if (v->size == 0 || v->size % 512)
		abort();
	n = v->size < sizeof(buf) ? (size_t)v->size : sizeof(buf);
	(void)vhd_read(v, buf, 0, n); /* EIO is an answer; reading outside is not */
	(void)vhd_read(v, buf, v->size - n, n);
	memset(buf, 0xa5, 512);
	if (vhd_write(v, buf, v->size - 512, 512) == 0 &&
	    (vhd_read(v, back, v->size - 512, 512) < 0 || memcmp(buf, back, 512) != 0))
		abort();
	vhd_close(v);
	return 0;
}
