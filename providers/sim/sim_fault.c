/* SPDX-License-Identifier: ISC */
/*
 * sim_fault.c - the failed sim disks of simFailDisk, the removed ones of
 * simRemoveDisk and the health of the plexes, volumes and packs on them
 * (see sim_fault.h).
 */
#include "config.h"

#include <string.h>

#include "sim_fault.h"

static struct strlist sf_failed, sf_removed;

/* A removed disk is lost to its plexes and pack as a failed one is. */
static int
sf_disk_failed(const char *name)
{
	return strlist_contains(&sf_failed, name) || strlist_contains(&sf_removed, name);
}

int
sim_fault_disk_lost(const char *name)
{
	return sf_disk_failed(name);
}

int
sim_fault_disk_removed(const char *name)
{
	return strlist_contains(&sf_removed, name);
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

/* Make *set a copy of want; 1 when it changed. */
static int
sf_take(struct strlist *set, const struct strlist *want)
{
	struct strlist n = {0};

	if (sf_same(set, want))
		return 0;
	for (size_t i = 0; i < want->n; i++)
		if (strlist_add(&n, want->v[i]) < 0) {
			strlist_free(&n);
			return 0; /* out of memory: keep the old set */
		}
	strlist_free(set);
	*set = n;
	return 1;
}

int
sim_fault_set(const struct strlist *failed, const struct strlist *removed)
{
	int changed = sf_take(&sf_failed, failed);

	return sf_take(&sf_removed, removed) | changed;
}

void
sim_fault_clear(void)
{
	strlist_free(&sf_failed);
	strlist_free(&sf_removed);
}

size_t
sim_fault_failed_devices(const struct sim_plex *px)
{
	char dev[SIM_NAME_LEN];
	const char *p = px->devices;
	size_t n = 0;

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len < sizeof(dev)) {
			memcpy(dev, p, len);
			dev[len] = '\0';
			n += sf_disk_failed(dev) != 0;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

enum inv_health
sim_fault_plex_health(const struct sim_plex *px)
{
	return sim_fault_failed_devices(px) ? INV_H_FAILED : INV_H_HEALTHY;
}

enum inv_health
sim_fault_volume_health(const struct sim_volume *v)
{
	size_t healthy = 0, lost;

	if (v->type == INV_VT_PARITY && v->nplexes == 1) {
		/* the parity rebuilds up to v->parity lost devices */
		lost = sim_fault_failed_devices(&v->plexes[0]);
		return !lost                                 ? INV_H_HEALTHY
		       : lost <= (v->parity ? v->parity : 1) ? INV_H_DEGRADED
		                                             : INV_H_FAILED;
	}
	for (size_t i = 0; i < v->nplexes; i++)
		healthy += sim_fault_plex_health(&v->plexes[i]) == INV_H_HEALTHY;
	if (healthy == v->nplexes)
		return INV_H_HEALTHY;
	return healthy ? INV_H_DEGRADED : INV_H_FAILED;
}

/* The member disks of pack: how many, how many failed or removed, how many removed. */
static size_t
sf_members(const struct sim_state *st, const char *pack, size_t *failed, size_t *removed)
{
	size_t members = 0;

	*failed = *removed = 0;
	for (size_t i = 0; i < st->ndisks; i++)
		if (strcmp(st->disks[i].pack, pack) == 0) {
			members++;
			*failed += sf_disk_failed(st->disks[i].name);
			*removed += sim_fault_disk_removed(st->disks[i].name);
		}
	return members;
}

enum inv_health
sim_fault_pack_health(const struct sim_state *st, const char *pack)
{
	size_t failed, removed;
	size_t members = sf_members(st, pack, &failed, &removed);

	if (!failed)
		return INV_H_HEALTHY;
	return failed == members ? INV_H_FAILED : INV_H_DEGRADED;
}

int
sim_fault_pack_gone(const struct sim_state *st, const char *pack)
{
	size_t failed, removed;
	size_t members = sf_members(st, pack, &failed, &removed);

	return members && removed == members;
}
