/*
 * ctl_obj.h - the objects vdsctl's commands name: by index ("3"), by name
 * ("sim0", a volume's or a pack's name) or by device node ("/dev/sdb") as
 * the agent publishes them, and the question asked before a command that
 * destroys data.
 */
#ifndef VDS_CTL_OBJ_H
#define VDS_CTL_OBJ_H

#include <stdint.h>

#include "ctl_job.h"

/* The index of the row of table t (enum vc_table) that s names: a whole
 * number is an index; otherwise the one row whose name, device node or
 * path is s.  0 and *idx, or the exit status after printing why (usage:
 * no such name, with the nearest one; agent: the table cannot be read). */
int ctl_object(const struct ctl *x, int t, const char *s, uint32_t *idx);
/* Before a command that destroys data ("delete-partition 3" destroys
 * loses, "the data on the partition"): with --yes go on; on a terminal ask
 * "[y/N]"; otherwise refuse.  0 to go on, else the exit status after
 * saying why. */
int ctl_confirm(const struct ctl *x, const char *what, const char *loses);

#endif
