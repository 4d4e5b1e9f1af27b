/* SPDX-License-Identifier: ISC */
/*
 * jobparam.c - the disk list of a job's parameters, parsed and printed.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "jobparam.h"

int
job_disks_parse(const char *s, struct job_params *p)
{
	char *end;

	p->ndisks = 0;
	while (*s) {
		unsigned long v;

		if (!isdigit((unsigned char)*s) || p->ndisks == JOB_MAX_DISKS)
			return -1;
		v = strtoul(s, &end, 10);
		if (v == 0 || v > UINT32_MAX)
			return -1;
		p->disks[p->ndisks++] = (uint32_t)v;
		s = end;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

int
job_disks_format(const struct job_params *p, char *buf, size_t len)
{
	unsigned n = p->ndisks <= JOB_MAX_DISKS ? p->ndisks : JOB_MAX_DISKS;
	size_t off = 0;
	int rc = p->ndisks <= JOB_MAX_DISKS ? 0 : -1;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		int w = snprintf(buf + off, len - off, "%s%u", i ? "," : "", p->disks[i]);

		if (w < 0 || (size_t)w >= len - off) {
			buf[off] = '\0';
			return -1;
		}
		off += (size_t)w;
		if (!p->disks[i])
			rc = -1;
	}
	return rc;
}
