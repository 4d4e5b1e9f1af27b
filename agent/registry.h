/* SPDX-License-Identifier: ISC */
/*
 * registry.h - the providers compiled into vdsd.  prov_registry[] and
 * prov_lookup() are declared in provider.h; agent/jobprov.c starts and
 * stops the providers a configuration enables.
 */
#ifndef VDS_REGISTRY_H
#define VDS_REGISTRY_H

#include "provider.h"

#endif
