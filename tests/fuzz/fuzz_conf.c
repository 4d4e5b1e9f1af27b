/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf.c - libFuzzer target: every input line through the config parser.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vds_conf c;
	char *line = malloc(size + 1);
	char err[256];

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	conf_defaults(&c);
	conf_parse_line(&c, line, err, sizeof(err));
	conf_device_allowed(&c, "/dev/loop0");
	conf_free(&c);
	free(line);
	return 0;
}
