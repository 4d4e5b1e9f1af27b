/* SPDX-License-Identifier: ISC */
/*
 * mib_inv.h - the inventory tables and the service scalars of VDS-MIB.
 */
#ifndef VDS_MIB_INV_H
#define VDS_MIB_INV_H

#include "mib_oids.h"
#include "mib_table.h"

extern const struct mib_table mib_service_scalars;
extern const struct mib_table mib_disk_table;
extern const struct mib_table mib_part_table;
extern const struct mib_table mib_volume_table;
extern const struct mib_table mib_plex_table;
extern const struct mib_table mib_pack_table;
extern const struct mib_table mib_vdisk_table;

/* What the service scalars report that the model does not know. */
struct mib_service_info {
	const char *providers; /* "sim,basic" */
	int64_t start_ms; /* wall clock, ms: vdsServiceStartTime, the counters' discontinuity */
	/* Job figures; NULL until the job engine is there. */
	uint32_t (*job_count)(int which);
	uint32_t (*next_handle)(void);
	const unsigned *max_running, *max_queued, *purge_time, *max_retained;
	/* Directives changed in the file that wait for a restart: "a, b"; "" for none. */
	const char *restart_needed;
};
void mib_service_set_info(const struct mib_service_info *info);

#endif
