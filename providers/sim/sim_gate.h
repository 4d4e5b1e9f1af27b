/* SPDX-License-Identifier: ISC */
/*
 * sim_gate.h - test gates of the sim provider (simHoldDir): hold a sim job
 * at a chosen phase until the test releases it, so that no test has to race
 * a job's duration against the clock.
 *
 * In the directory DIR of simHoldDir:
 *   DIR/at-H-P      made by job H when it reaches phase P (0 = first)
 *   DIR/hold-P      every job waits at phase P while this file exists
 *   DIR/hold-H-P    job H waits at phase P while this file exists
 * A held job still honours a cancel (before its point of no return) and
 * stops waiting when vdsd shuts down.
 */
#ifndef VDS_SIM_GATE_H
#define VDS_SIM_GATE_H

#include "provider.h"

/*
 * Worker thread: mark that job j reached phase, then wait while a gate for
 * it exists in dir (NULL or "": no gates).  Returns 1 when a cancel ended
 * the wait, else 0.
 */
int sim_gate_pass(const char *dir, struct prov_job *j, unsigned phase);

#endif
