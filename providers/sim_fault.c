/* SPDX-License-Identifier: ISC */
/*
 * sim_fault.c - the failed sim disks of simFailDisk and the health of the
 * plexes, volumes and packs on them (see sim_fault.h).
 */
#include "config.h"

#include <string.h>

#include "sim_fault.h"

static struct strlist sf_failed;

static int
sf_disk_failed(const char *name)
{
	return strlist_contains(&sf_failed, name);
}

static int
sf_same(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!strlist_contains(b, a->v[i]))
			return 0;
	return 1;
}

int
sim_fault_set(const struct strlist *failed)
{
	struct strlist n = {0};

	if (sf_same(&sf_failed, failed))
		return 0;
	for (size_t i = 0; i < failed->n; i++)
		if (strlist_add(&n, failed->v[i]) < 0) {
			strlist_free(&n);
			return 0; /* out of memory: keep the old set */
		}
	strlist_free(&sf_failed);
	sf_failed = n;
	return 1;
}

void
sim_fault_clear(void)
{
	strlist_free(&sf_failed);
}

enum inv_health
sim_fault_plex_health(const struct sim_plex *px)
{
	char dev[SIM_NAME_LEN];
	const char *p = px->devices;

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len < sizeof(dev)) {
			memcpy(dev, p, len);
			dev[len] = '\0';
			if (sf_disk_failed(dev))
				return INV_H_FAILED;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return INV_H_HEALTHY;
}

enum inv_health
sim_fault_volume_health(const struct sim_volume *v)
{
	size_t healthy = 0;

	for (size_t i = 0; i < v->nplexes; i++)
		healthy += sim_fault_plex_health(&v->plexes[i]) == INV_H_HEALTHY;
	if (healthy == v->nplexes)
		return INV_H_HEALTHY;
	return healthy ? INV_H_DEGRADED : INV_H_FAILED;
}

enum inv_health
sim_fault_pack_health(const struct sim_state *st, const char *pack)
{
	size_t members = 0, failed = 0;

	for (size_t i = 0; i < st->ndisks; i++)
		if (strcmp(st->disks[i].pack, pack) == 0) {
			members++;
			failed += sf_disk_failed(st->disks[i].name);
		}
	if (!failed)
		return INV_H_HEALTHY;
	return failed == members ? INV_H_FAILED : INV_H_DEGRADED;
}
