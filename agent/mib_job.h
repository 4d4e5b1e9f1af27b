/* SPDX-License-Identifier: ISC */
/*
 * mib_job.h - vdsJobTable.
 */
#ifndef VDS_MIB_JOB_H
#define VDS_MIB_JOB_H

#include "mib_table.h"

extern const struct mib_table mib_job_table;

#endif
