/* SPDX-License-Identifier: ISC */
/*
 * notify_rebuild.h - vdsVolumeRebuildProgress (VDS_NF_VOLUME_REBUILDING_
 * PROGRESS): sent for a plex while it is rebuilt, when rebuildProgress is on
 * in vdsd.conf, at its start, at most once every jobProgressInterval seconds
 * while its sync percent moves, and at its end.  Loop thread only.
 */
#ifndef VDS_NOTIFY_REBUILD_H
#define VDS_NOTIFY_REBUILD_H

#include <stdint.h>

#include "model.h"

/* On/off and the least gap between two notifications of one plex. */
void notify_rebuild_config(int enabled, unsigned interval_s);
/*
 * Whether a notification is due for plex index (rebuilding or not, at
 * percent) at now_ms; records it as sent when it is.
 */
int notify_rebuild_due(uint32_t index, int rebuilding, uint32_t percent, int64_t now_ms);
/* The inventory observer's plex events: send what is due. */
void notify_rebuild_plex(enum inv_event ev, const struct inv_plex *px);
void notify_rebuild_free(void);

#endif
