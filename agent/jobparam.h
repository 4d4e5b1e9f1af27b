/* SPDX-License-Identifier: ISC */
/*
 * jobparam.h - the job parameters' disk list as text ("1,2,5"), the one
 * form vdsJobParamDisks and the job store both use.
 */
#ifndef VDS_JOBPARAM_H
#define VDS_JOBPARAM_H

#include <stddef.h>

#include "provider.h"

/*
 * "" or "3" or "1,2,5": non-zero 32-bit disk indexes, at most
 * JOB_MAX_DISKS.  Fills p->disks and p->ndisks; -1 (p->ndisks undefined)
 * when s is not such a list.
 */
int job_disks_parse(const char *s, struct job_params *p);
/*
 * p's disk list into buf (always NUL-terminated, never more than
 * JOB_MAX_DISKS entries).  -1 when p->ndisks is above JOB_MAX_DISKS, a
 * disk index is 0 or buf is too small: the list is then cut short.
 */
int job_disks_format(const struct job_params *p, char *buf, size_t len);

/* Room job_disks_format needs for any valid list. */
#define JOB_DISKS_TEXT_LEN (JOB_MAX_DISKS * 11 + 1)

#endif
