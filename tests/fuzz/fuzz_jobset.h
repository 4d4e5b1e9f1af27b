/* SPDX-License-Identifier: ISC */
/*
 * fuzz_jobset.h - the SET PDUs of fuzz_jobset: varbinds decoded from the
 * fuzz input, and requests linked and passed to a handler as Net-SNMP's
 * agent does (fuzz_jobset_pdu.c).
 */
#ifndef VDS_FUZZ_JOBSET_H
#define VDS_FUZZ_JOBSET_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mib_table.h"
#include "mib_oids.h"

#define FZ_MAX_VB 16
#define FZ_NCOLS  (VDS_JOB_LAST + 1)

#define FZ_FAIL(...)                                                                               \
	do {                                                                                       \
		fprintf(stderr, "fuzz_jobset: " __VA_ARGS__);                                      \
		fputc('\n', stderr);                                                               \
		abort();                                                                           \
	} while (0)

/* The input still to read. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

/* One request of a PDU per varbind, as the agent hands them to a handler. */
struct fz_pdu {
	netsnmp_variable_list vb[FZ_NCOLS];
	netsnmp_request_info req[FZ_NCOLS];
	netsnmp_agent_request_info info;
	size_t n;
};

/* The next input byte (0 once the input is used up). */
uint8_t fz_u8(struct fz_in *in);
/* One varbind on vdsJobTable: column, row, type and value from the input. */
void fz_varbind(struct fz_in *in, netsnmp_variable_list *vb, uint32_t next);

/* Link p's p->n varbinds into requests of one PDU. */
void fz_pdu_link(struct fz_pdu *p);
/* Free the varbinds' values. */
void fz_pdu_free(struct fz_pdu *p);
/* One pass in mode: 0, or the first error status a request got. */
int fz_pass(netsnmp_handler_registration *reg, struct fz_pdu *p, int mode);

#endif
