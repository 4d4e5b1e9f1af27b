/* SPDX-License-Identifier: ISC */
/*
 * registry.c - every provider compiled in.  The job engine (jobprov.c)
 * starts the ones a configuration enables.
 */
#include "config.h"

#include <string.h>

#include "registry.h"
#ifdef ENABLE_SIM
#include "sim/sim.h"
#endif
#ifdef ENABLE_LVM
#include "lvm/lvm.h"
#endif
#ifdef ENABLE_BASIC
#include "basic/basic.h"
#endif
#include "vdisk/vdisk.h"

const struct prov_ops *const prov_registry[] = {
    &vdisk_provider,
#ifdef ENABLE_SIM
    &sim_provider,
#endif
#ifdef ENABLE_LVM
    &lvm_provider,
#endif
#ifdef ENABLE_BASIC
    &basic_provider,
#endif
    NULL,
};

const struct prov_ops *
prov_lookup(const char *name)
{
	for (size_t i = 0; prov_registry[i]; i++)
		if (strcmp(prov_registry[i]->name, name) == 0)
			return prov_registry[i];
	return NULL;
}
