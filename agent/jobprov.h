/* SPDX-License-Identifier: ISC */
/*
 * jobprov.h - the job engine's side of the providers: which enabled
 * provider runs a job, what a job needs before it may be accepted, and
 * which objects it touches (for serialising jobs).  Loop thread only.
 */
#ifndef VDS_JOBPROV_H
#define VDS_JOBPROV_H

#include <stddef.h>

#include "conf.h"
#include "provider.h"

/*
 * Initialise the providers conf enables (through the registry), or those of
 * list (NULL-terminated) when it is not NULL.  -1 if one is unknown or fails.
 */
int jobprov_init(const struct vds_conf *conf, const struct prov_ops *const *list);
void jobprov_fini(void);
/* The configuration was reloaded: tell each provider that has a reload(). */
void jobprov_reload(const struct vds_conf *conf);

/* The first enabled provider that claims p; 0 and *ops = NULL if none. */
int jobprov_for(const struct job_params *p, const struct prov_ops **ops, void **state);

/*
 * The first enabled provider that manages discovered disk d, or NULL, and
 * the pack a provider puts it in (an inv_owner_fn).
 */
const char *jobprov_owner(const struct inv_disk *d, uint32_t *pack_index);

/* Mandatory parameters, a provider that claims p, and its validate(). */
enum vds_result jobprov_check(const struct job_params *p, char *why, size_t len);

/* The nth enabled provider and its state (into *state), NULL past the last. */
const struct prov_ops *jobprov_nth(size_t n, void **state);
/* A job of ops committed (the model it shows changed); and how many did so far. */
void jobprov_committed(const struct prov_ops *ops);
unsigned long jobprov_commits(const struct prov_ops *ops);

/* 1 when a and b name a common object (directly or by containment). */
int jobprov_conflict(const struct job_params *a, const struct job_params *b);

#endif
