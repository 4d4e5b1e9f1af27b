/* SPDX-License-Identifier: ISC */
/*
 * fuzz_probe.c - libFuzzer target: arbitrary bytes as a disk image through
 * the blkid probe (labels and superblocks are untrusted input).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model.h"
#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/vds-fuzz-probe-XXXXXX";
	struct inv_disk d = {0};
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size)
		probe_disk(path, &d);
	free(d.parts);
	close(fd);
	unlink(path);
	return 0;
}
