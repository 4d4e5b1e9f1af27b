/* SPDX-License-Identifier: ISC */
/*
 * wgate.h - hold the state writer thread (statewr.h) on a gate: a request
 * whose fill waits until the test opens it.  Writes queued behind it stay
 * unwritten, so a test sees what the loop does before they land.
 */
#ifndef VDS_WGATE_H
#define VDS_WGATE_H

/* Queue the gate under dir and wait until the writer thread sits in it. */
void wgate_hold(const char *dir);
/* Let the writer go on. */
void wgate_release(void);

#endif
