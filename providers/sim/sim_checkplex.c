/* SPDX-License-Identifier: ISC */
/*
 * sim_checkplex.c - the plex jobs against the sim state, as lvm does them:
 *   addVolumePlex     a simple, spanned or mirror volume gets one more
 *                     plex on the given disks (lvconvert to raid1);
 *   removeVolumePlex  a mirror drops a plex, never its last healthy one;
 *   repairVolumePlex  the failed devices of a plex (a mirror's leg or the
 *                     parity volume's stripes) are rebuilt onto the given
 *                     disks, one for each (by default free healthy disks
 *                     of the pack), from the data still readable.
 * On success t holds the volume (vol, volume), the plex number (remove,
 * repair) and the new devices in plexdev[0] (add, repair).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim_checkplex.h"
#include "sim_checkvol.h"
#include "sim_fault.h"

#define SCP_FAIL(r, ...)                                                                           \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

/* The sim volume of p->volume (a pack volume). */
static enum vds_result
scp_volume(struct sim_state *st, const struct job_params *p, struct sim_target *t,
           struct sim_volume **v, char *why, size_t len)
{
	struct sim_part *pt;
	enum vds_result r = sim_checkvol_resolve(st, p, t, v, &pt, why, len);

	if (r != VDS_R_OK)
		return r;
	if (!*v)
		SCP_FAIL(VDS_R_NOT_SUPPORTED,
		         "volume %u is a basic volume: plexes are for pack volumes", p->volume);
	return VDS_R_OK;
}

/* The plex of p->plex, which must be one of v's. */
static enum vds_result
scp_plex(const struct job_params *p, struct sim_volume *v, struct sim_target *t,
         struct sim_plex **px, char *why, size_t len)
{
	const struct inv_plex *row = p->plex ? inv_get(INV_PLEX, p->plex) : NULL;

	if (!row || strncmp(row->key, "sim:plex:", 9) != 0)
		SCP_FAIL(VDS_R_NOT_FOUND, "no sim plex with index %u", p->plex);
	if (row->volume_index != p->volume || !(*px = sim_plex_find(v, row->number)))
		SCP_FAIL(VDS_R_INVALID_PARAM, "plex %u belongs to another volume", p->plex);
	t->plex = row->number;
	return VDS_R_OK;
}

/* The disks of p as a device list in t->plexdev[0]: in v's pack, none used by v. */
static enum vds_result
scp_new_disks(struct sim_state *st, const struct job_params *p, const struct sim_volume *v,
              struct sim_target *t, char *why, size_t len)
{
	struct sim_disk *dk[JOB_MAX_DISKS];
	size_t n, l;
	enum vds_result r;

	if (!p->ndisks)
		SCP_FAIL(VDS_R_INVALID_PARAM, "name the disks in vdsJobParamDisks");
	if ((r = sim_checkvol_disks(st, p, v->pack, dk, &n, why, len)) != VDS_R_OK)
		return r;
	t->plexdev[0][0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (sim_fault_disk_lost(dk[i]->name))
			SCP_FAIL(VDS_R_INVALID_PARAM, "disk %s has failed", dk[i]->name);
		for (size_t j = 0; j < v->nplexes; j++)
			if (sim_list_has(v->plexes[j].devices, dk[i]->name))
				SCP_FAIL(VDS_R_IN_USE, "disk %s already holds plex %u of %s",
				         dk[i]->name, v->plexes[j].number, v->name);
		l = strlen(t->plexdev[0]);
		snprintf(t->plexdev[0] + l, sizeof(t->plexdev[0]) - l, "%s%s", l ? "," : "",
		         dk[i]->name);
	}
	return VDS_R_OK;
}

static size_t
scp_healthy(const struct sim_volume *v, const struct sim_plex *except)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nplexes; i++)
		n += &v->plexes[i] != except &&
		     sim_fault_plex_health(&v->plexes[i]) == INV_H_HEALTHY;
	return n;
}

static enum vds_result
scp_add(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
        size_t len)
{
	struct sim_volume *v;
	enum vds_result r;

	if ((r = scp_volume(st, p, t, &v, why, len)) != VDS_R_OK)
		return r;
	if (v->type != INV_VT_SIMPLE && v->type != INV_VT_SPANNED && v->type != INV_VT_MIRROR)
		SCP_FAIL(VDS_R_NOT_SUPPORTED,
		         "only a simple, spanned or mirror volume takes another plex");
	if (v->nplexes >= SIM_MAX_PLEXES)
		SCP_FAIL(VDS_R_INVALID_PARAM, "volume %s has %d plexes already", v->name,
		         SIM_MAX_PLEXES);
	if (!scp_healthy(v, NULL))
		SCP_FAIL(VDS_R_INVALID_PARAM, "volume %s has no healthy plex to copy from",
		         v->name);
	if ((r = scp_new_disks(st, p, v, t, why, len)) != VDS_R_OK)
		return r;
	t->vtype = INV_VT_MIRROR;
	t->size = v->size;
	t->nplexes = 1;
	return sim_checkvol_space(st, t, why, len);
}

static enum vds_result
scp_remove(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
           size_t len)
{
	struct sim_volume *v;
	struct sim_plex *px;
	enum vds_result r;

	if ((r = scp_volume(st, p, t, &v, why, len)) != VDS_R_OK ||
	    (r = scp_plex(p, v, t, &px, why, len)) != VDS_R_OK)
		return r;
	if (v->type != INV_VT_MIRROR || v->nplexes < 2)
		SCP_FAIL(VDS_R_INVALID_PARAM, "volume %s is not a mirror with 2 or more plexes",
		         v->name);
	if (!scp_healthy(v, px))
		SCP_FAIL(VDS_R_IN_USE, "plex %u is the last healthy plex of %s", px->number,
		         v->name);
	return VDS_R_OK;
}

/* Each new disk of t->plexdev[0] takes the share of the device of px it replaces. */
static enum vds_result
scp_room(const struct sim_state *st, const struct sim_volume *v, const struct sim_plex *px,
         const struct sim_target *t, char *why, size_t len)
{
	uint64_t need = sim_plex_share(v, px);

	for (size_t i = 0; i < st->ndisks; i++) {
		const struct sim_disk *d = &st->disks[i];
		uint64_t cap = sim_disk_pack_cap(d), used = sim_disk_pack_used(st, d);

		if (sim_list_has(t->plexdev[0], d->name) && (cap < used || cap - used < need))
			SCP_FAIL(VDS_R_NO_SPACE, "disk %s has %llu MiB free, %llu needed", d->name,
			         (unsigned long long)((cap > used ? cap - used : 0) / SIM_MIB),
			         (unsigned long long)(need / SIM_MIB));
	}
	return VDS_R_OK;
}

/* repairVolumePlex without disks: the first lost healthy pack disks with room, unused by v. */
static enum vds_result
scp_pick(const struct sim_state *st, const struct sim_volume *v, const struct sim_plex *px,
         size_t lost, struct sim_target *t, char *why, size_t len)
{
	uint64_t need = sim_plex_share(v, px);
	size_t n = 0, l;

	t->plexdev[0][0] = '\0';
	for (size_t i = 0; i < st->ndisks && n < lost; i++) {
		const struct sim_disk *d = &st->disks[i];
		uint64_t cap = sim_disk_pack_cap(d), used = sim_disk_pack_used(st, d);
		int taken = 0;

		for (size_t j = 0; j < v->nplexes; j++)
			taken |= sim_list_has(v->plexes[j].devices, d->name);
		if (taken || strcmp(d->pack, v->pack) != 0 || sim_fault_disk_lost(d->name) ||
		    cap < used || cap - used < need)
			continue;
		l = strlen(t->plexdev[0]);
		snprintf(t->plexdev[0] + l, sizeof(t->plexdev[0]) - l, "%s%s", l ? "," : "",
		         d->name);
		n++;
	}
	if (n < lost)
		SCP_FAIL(VDS_R_NO_SPACE,
		         "pack %s has %zu healthy disks outside %s with %llu MiB free, %zu needed",
		         v->pack, n, v->name, (unsigned long long)(need / SIM_MIB), lost);
	return VDS_R_OK;
}

static enum vds_result
scp_repair(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
           size_t len)
{
	struct sim_volume *v;
	struct sim_plex *px;
	size_t lost, n;
	enum vds_result r;

	if ((r = scp_volume(st, p, t, &v, why, len)) != VDS_R_OK ||
	    (r = scp_plex(p, v, t, &px, why, len)) != VDS_R_OK)
		return r;
	if (v->type != INV_VT_MIRROR && v->type != INV_VT_PARITY)
		SCP_FAIL(VDS_R_NOT_SUPPORTED, "only a mirror or parity volume can be repaired");
	if (!(lost = sim_fault_failed_devices(px)))
		SCP_FAIL(VDS_R_INVALID_PARAM, "plex %u of %s is healthy: nothing to repair",
		         px->number, v->name);
	if (v->type == INV_VT_MIRROR && !scp_healthy(v, px))
		SCP_FAIL(VDS_R_INVALID_PARAM, "%s has no healthy plex to rebuild plex %u from",
		         v->name, px->number);
	if (v->type == INV_VT_PARITY && lost > (v->parity ? v->parity : 1))
		SCP_FAIL(VDS_R_INVALID_PARAM, "%s lost %zu devices, more than its parity rebuilds",
		         v->name, lost);
	t->vtype = v->type;
	t->parity = v->parity;
	t->size = v->size;
	t->nplexes = 1;
	if (!p->ndisks)
		return scp_pick(st, v, px, lost, t, why, len);
	if ((r = scp_new_disks(st, p, v, t, why, len)) != VDS_R_OK)
		return r;
	n = p->ndisks;
	if (n != lost)
		SCP_FAIL(VDS_R_INVALID_PARAM, "plex %u lost %zu devices: give %zu disks, not %zu",
		         px->number, lost, lost, n);
	return scp_room(st, v, px, t, why, len);
}

enum vds_result
sim_checkplex(struct sim_state *st, const struct job_params *p, struct sim_target *t, char *why,
              size_t len)
{
	switch (p->type) {
	case JOB_ADD_PLEX:
		return scp_add(st, p, t, why, len);
	case JOB_REMOVE_PLEX:
		return scp_remove(st, p, t, why, len);
	case JOB_REPAIR_PLEX:
		return scp_repair(st, p, t, why, len);
	default:
		break;
	}
	SCP_FAIL(VDS_R_NOT_SUPPORTED, "not a plex job");
}
