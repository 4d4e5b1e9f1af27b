/* SPDX-License-Identifier: ISC */
/*
 * staterr.h - the one place that records damage found in vdsd's state files.
 *
 * Every loader of persisted state (job store, index map, provider state)
 * validates what it reads like network input.  A record that fails is not
 * served: the loader keeps it aside (quarantine) and reports it here, with
 * the file, the record and the reason.  staterr logs it and counts it, so
 * the count and the last event can be published to managers.
 */
#ifndef VDS_STATERR_H
#define VDS_STATERR_H

#include <time.h>

#include "log.h"

/* A damaged record of file (record: a line number, handle or key). */
void staterr_quarantine(const char *file, const char *record, const char *fmt, ...)
    VDS_PRINTF(3, 4);

/*
 * A state file vdsd could not write (record: what was lost): logged and
 * made the last event, not counted as damage.
 */
void staterr_problem(const char *file, const char *record, const char *fmt, ...) VDS_PRINTF(3, 4);

/* Records quarantined since start. */
unsigned long staterr_count(void);

/*
 * The last event as "FILE: RECORD: REASON" into buf ("" when none); returns
 * when it happened (0 when none).  Any thread may call it.
 */
time_t staterr_last(char *buf, size_t len);

/* Forget everything (tests). */
void staterr_reset(void);

#endif
