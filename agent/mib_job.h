/* SPDX-License-Identifier: ISC */
/*
 * mib_job.h - vdsJobTable.
 */
#ifndef VDS_MIB_JOB_H
#define VDS_MIB_JOB_H

#include "mib_table.h"

/* RowStatus (RFC 2579). */
#define RS_ACTIVE          1
#define RS_NOT_IN_SERVICE  2
#define RS_NOT_READY       3
#define RS_CREATE_AND_GO   4
#define RS_CREATE_AND_WAIT 5
#define RS_DESTROY         6

extern const struct mib_table mib_job_table;

/* The SET modes of vdsJobTable (mib_job.c). */
Netsnmp_Node_Handler mib_job_set;

#endif
