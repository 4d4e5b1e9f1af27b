/* SPDX-License-Identifier: ISC */
/*
 * mib.h - VDS-MIB registrations.  Everything under here translates between
 * the model and varbinds and nothing else.
 */
#ifndef VDS_MIB_H
#define VDS_MIB_H

#include <stddef.h>

struct mib_table;

/* Register every VDS-MIB subtree with the agent, in OID order. */
int mib_register_all(void);
/* The registered subtrees in registration order (for the tests). */
const struct mib_table *const *mib_all_tables(size_t *n);

#endif
