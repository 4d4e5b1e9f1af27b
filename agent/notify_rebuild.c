/* SPDX-License-Identifier: ISC */
/*
 * notify_rebuild.c - rate-limited vdsVolumeRebuildProgress, per plex.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "clockms.h"
#include "mib_inv.h"
#include "mib_oids.h"
#include "notify.h"
#include "notify_rebuild.h"
#include "vtab.h"

struct nr_plex {
	uint32_t index; /* must stay first (vtab) */
	int64_t last_ms;
	uint32_t last_percent;
};

static struct {
	struct vtab plexes; /* the plexes being rebuilt */
	int enabled;
	unsigned interval_s;
} nr;

void
notify_rebuild_config(int enabled, unsigned interval_s)
{
	nr.enabled = enabled;
	nr.interval_s = interval_s;
	if (!enabled)
		notify_rebuild_free();
}

int
notify_rebuild_due(uint32_t index, int rebuilding, uint32_t percent, int64_t now_ms)
{
	struct nr_plex *p = vtab_find(&nr.plexes, index);

	if (!nr.enabled)
		return 0;
	if (!rebuilding) { /* the end of a rebuild we told of */
		if (!p)
			return 0;
		free(vtab_remove(&nr.plexes, index));
		return 1;
	}
	if (!p) { /* its start */
		if (!(p = calloc(1, sizeof(*p))))
			return 0;
		p->index = index;
		if (vtab_insert(&nr.plexes, p) < 0) {
			free(p);
			return 0;
		}
	} else if (percent == p->last_percent ||
	           now_ms - p->last_ms < (int64_t)nr.interval_s * 1000) {
		return 0;
	}
	p->last_ms = now_ms;
	p->last_percent = percent;
	return 1;
}

void
notify_rebuild_plex(enum inv_event ev, const struct inv_plex *px)
{
	static const oid cols[] = {VDS_PLEX_VOLUME_INDEX, VDS_PLEX_HEALTH, VDS_PLEX_SYNC_PERCENT};
	int64_t now;

	if (ev == INV_EV_REMOVED) {
		free(vtab_remove(&nr.plexes, px->index));
		return;
	}
	now = clock_mono_ms();
	if (notify_rebuild_due(px->index, px->health == INV_H_REBUILDING, px->sync_percent, now))
		notify_send(VDS_NOTIF_VOLUME_REBUILD_PROGRESS, &mib_plex_table, px, cols,
		            sizeof(cols) / sizeof(cols[0]));
}

void
notify_rebuild_free(void)
{
	for (size_t i = 0; i < nr.plexes.n; i++)
		free(nr.plexes.rows[i]);
	vtab_free(&nr.plexes);
}
