/* SPDX-License-Identifier: ISC */
/*
 * fuzz_simstate.c - libFuzzer target: the input is sim.state, loaded by the
 * real loader; a state it accepts passes its own check.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzzstate.h"
#include "sim/sim_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_state *st = sim_store_open(fuzzstate_put("sim.state", data, size));
	char why[200];

	if (st && sim_state_check(st, why, sizeof(why)) < 0)
		abort();
	sim_store_free(st);
	return 0;
}
