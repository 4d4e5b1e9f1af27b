/* SPDX-License-Identifier: ISC */
/*
 * wgate.h - hold the state writer threads (statewr.h) on gates: requests
 * whose fill waits until the test opens them, one for each thread.  Writes queued behind it stay
 * unwritten, so a test sees what the loop does before they land.
 */
#ifndef VDS_WGATE_H
#define VDS_WGATE_H

/* Queue the gates under dir and wait until every writer thread sits in one. */
void wgate_hold(const char *dir);
/* Hold n of the writer threads only (1 to STATEWR_THREADS). */
void wgate_hold_n(const char *dir, int n);
/* Let the writers go on. */
void wgate_release(void);

#endif
