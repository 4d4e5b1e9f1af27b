/*
 * registry.h - start and stop the providers a configuration enables.
 *
 * prov_registry[] and prov_lookup() are declared in provider.h.  Loop thread
 * only; the inventory (inv_init) must be open before prov_start_all(), since
 * providers publish their objects from init().
 */
#ifndef VDS_REGISTRY_H
#define VDS_REGISTRY_H

#include "provider.h"

/*
 * Call init() of every provider named in conf->providers ("sim" when the
 * list is empty), in that order.  A provider named but not compiled in, or
 * one whose init fails, is an error: the ones already started are stopped
 * again and -1 returned (logged with the reason).
 */
int prov_start_all(const struct vds_conf *conf);
/* fini() of every started provider, in reverse order. */
void prov_stop_all(void);
/* State of a started provider for its ops calls; NULL if not started. */
void *prov_state(const struct prov_ops *ops);
/* 1 when ops was started by prov_start_all(). */
int prov_started(const struct prov_ops *ops);

#endif
