/* SPDX-License-Identifier: ISC */
/*
 * sim_pack.c - replaceDisk and recoverPack on the sim state (see sim_pack.h).
 *
 * Both jobs are planned as a list of actions against the state as it is:
 * moves of one device of a plex to another disk, volumes removed and disks
 * taken out of the pack.  The check plans and forgets;
 * the commit plans again (the state may have changed) and carries the plan
 * out.  Space is counted as planned, so two moves never take the same MiB.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_fault.h"
#include "sim_inv.h"
#include "sim_pack.h"

#define SP_MAX_ACTS (SIM_MAX_VOLS * SIM_MAX_PLEXES)

#define SP_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(why, len, __VA_ARGS__);                                                   \
		return (r);                                                                        \
	} while (0)

enum sp_kind { SP_MOVE, SP_DROP_VOL };

struct sp_act {
	enum sp_kind kind;
	char vol[SIM_NAME_LEN];
	uint32_t plex;
	char from[SIM_NAME_LEN], to[SIM_NAME_LEN];
};

struct sp_plan {
	char pack[SIM_NAME_LEN];
	struct sp_act act[SP_MAX_ACTS];
	size_t nact;
	uint64_t extra[SIM_MAX_DISKS]; /* bytes planned onto each disk (by st->disks index) */
	const struct sim_disk *leave[SIM_MAX_DISKS];
	size_t nleave;
	unsigned recovered, lost;
	char lostnames[200];
};

static struct sim_pack *
sp_pack(struct sim_state *st, uint32_t index)
{
	const struct inv_pack *row = index ? inv_get(INV_PACK, index) : NULL;

	if (!row || strncmp(row->key, "sim:pack:", 9) != 0)
		return NULL;
	return sim_pack_find(st, row->key + 9);
}

static int
sp_member(const struct sim_disk *d, const char *pack)
{
	return d->pack[0] && strcmp(d->pack, pack) == 0;
}

static int
sp_in_volume(const struct sim_volume *v, const char *name)
{
	for (size_t i = 0; i < v->nplexes; i++)
		if (sim_list_has(v->plexes[i].devices, name))
			return 1;
	return 0;
}

static uint64_t
sp_free(const struct sim_state *st, const struct sp_plan *pl, const struct sim_disk *d)
{
	uint64_t cap = sim_disk_pack_cap(d),
	         used = sim_disk_pack_used(st, d) + pl->extra[d - st->disks];

	return cap > used ? cap - used : 0;
}

static struct sp_act *
sp_add(struct sp_plan *pl, enum sp_kind kind, const struct sim_volume *v, uint32_t plex)
{
	struct sp_act *a;

	if (pl->nact >= SP_MAX_ACTS)
		return NULL;
	a = &pl->act[pl->nact++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	snprintf(a->vol, sizeof(a->vol), "%s", v->name);
	a->plex = plex;
	return a;
}

/*
 * Plan the move of plex px's share on disk from to the healthy pack disk with
 * the most room (in allowed when given) that holds nothing of v yet; 0 when
 * none has room.
 */
static int
sp_move(struct sim_state *st, struct sp_plan *pl, const struct sim_volume *v,
        const struct sim_plex *px, const char *from, const struct sim_disk *const *allowed,
        size_t nallowed)
{
	uint64_t share = sim_plex_share(v, px), best_free = 0;
	const struct sim_disk *best = NULL;
	struct sp_act *a;

	for (size_t i = 0; i < st->ndisks; i++) {
		const struct sim_disk *d = &st->disks[i];
		int ok = !nallowed;
		uint64_t f;

		for (size_t k = 0; k < nallowed; k++)
			ok |= allowed[k] == d;
		if (!ok || !sp_member(d, v->pack) || sim_fault_disk_lost(d->name) ||
		    sp_in_volume(v, d->name))
			continue;
		for (size_t k = 0; k < pl->nact; k++) /* taken by an earlier move of v */
			if (pl->act[k].kind == SP_MOVE && strcmp(pl->act[k].vol, v->name) == 0 &&
			    strcmp(pl->act[k].to, d->name) == 0)
				ok = 0;
		f = sp_free(st, pl, d);
		if (ok && f >= share && f > best_free) {
			best = d;
			best_free = f;
		}
	}
	if (!best || !(a = sp_add(pl, SP_MOVE, v, px->number)))
		return 0;
	snprintf(a->from, sizeof(a->from), "%s", from);
	snprintf(a->to, sizeof(a->to), "%s", best->name);
	pl->extra[best - st->disks] += share;
	return 1;
}

/* ---- replaceDisk ---- */

static enum vds_result
sp_dests(struct sim_state *st, const struct job_params *p, const struct sim_disk *d,
         const struct sim_disk **dest, char *why, size_t len)
{
	for (unsigned i = 0; i < p->ndisks; i++) {
		const struct sim_disk *o = sim_check_disk(st, p->disks[i]);

		if (!o)
			SP_FAIL(VDS_R_NOT_FOUND, "no sim disk with index %u in vdsJobParamDisks",
			        p->disks[i]);
		if (o == d)
			SP_FAIL(VDS_R_INVALID_PARAM, "vdsJobParamDisks names %s, the disk to empty",
			        d->name);
		if (!sp_member(o, d->pack))
			SP_FAIL(VDS_R_INVALID_PARAM, "disk %s is not in pack %s", o->name, d->pack);
		if (sim_fault_disk_lost(o->name))
			SP_FAIL(VDS_R_IO_ERROR, "disk %s has failed", o->name);
		dest[i] = o;
	}
	return VDS_R_OK;
}

static enum vds_result
sp_plan_replace(struct sim_state *st, const struct job_params *p, struct sp_plan *pl, char *why,
                size_t len)
{
	const struct sim_disk *dest[JOB_MAX_DISKS];
	struct sim_disk *d = sim_check_disk(st, p->disk);
	size_t others = 0;
	enum vds_result r;

	if (!d)
		SP_FAIL(VDS_R_NOT_FOUND, "no sim disk with index %u", p->disk);
	if (!d->pack[0])
		SP_FAIL(VDS_R_INVALID_PARAM, "disk %s is in no pack", d->name);
	if (sim_fault_disk_lost(d->name))
		SP_FAIL(VDS_R_IO_ERROR,
		        "disk %s has failed: its data cannot be read (use recoverPack)", d->name);
	for (size_t i = 0; i < st->ndisks; i++)
		others += &st->disks[i] != d && sp_member(&st->disks[i], d->pack);
	if (!others)
		SP_FAIL(VDS_R_INVALID_PARAM, "disk %s is the only disk of pack %s", d->name,
		        d->pack);
	if ((r = sp_dests(st, p, d, dest, why, len)) != VDS_R_OK)
		return r;
	snprintf(pl->pack, sizeof(pl->pack), "%s", d->pack);
	for (size_t i = 0; i < st->nvols; i++) {
		const struct sim_volume *v = &st->vols[i];

		for (size_t k = 0; k < v->nplexes; k++)
			if (sim_list_has(v->plexes[k].devices, d->name) &&
			    !sp_move(st, pl, v, &v->plexes[k], d->name, dest, p->ndisks))
				SP_FAIL(
				    VDS_R_NO_SPACE,
				    "no other disk of pack %s%s has %llu MiB free outside volume "
				    "%s for its plex %u",
				    d->pack, p->ndisks ? " in vdsJobParamDisks" : "",
				    (unsigned long long)(sim_plex_share(v, &v->plexes[k]) /
				                         SIM_MIB),
				    v->name, v->plexes[k].number);
	}
	pl->leave[pl->nleave++] = d;
	return VDS_R_OK;
}

/* ---- recoverPack ---- */

static void
sp_name_lost(struct sp_plan *pl, const char *name)
{
	size_t l = strlen(pl->lostnames);

	snprintf(pl->lostnames + l, sizeof(pl->lostnames) - l, "%s%s", l ? ", " : "", name);
}

/* Plan the rebuild of every failed plex of v (it keeps a healthy one); -1: no room for *plex. */
static int
sp_repair(struct sim_state *st, struct sp_plan *pl, const struct sim_volume *v, uint32_t *plex)
{
	for (size_t k = 0; k < v->nplexes; k++) {
		const struct sim_plex *px = &v->plexes[k];
		const char *s = px->devices;

		if (sim_fault_plex_health(px) == INV_H_HEALTHY)
			continue;
		while (*s) {
			char dev[SIM_NAME_LEN];
			size_t n = strcspn(s, ",");

			snprintf(dev, sizeof(dev), "%.*s", (int)n, s);
			if (sim_fault_disk_lost(dev) && !sp_move(st, pl, v, px, dev, NULL, 0)) {
				*plex = px->number;
				return -1;
			}
			s += n + (s[n] == ',');
		}
	}
	return 0;
}

static enum vds_result
sp_plan_recover(struct sim_state *st, const struct job_params *p, struct sp_plan *pl, char *why,
                size_t len)
{
	struct sim_pack *pk = sp_pack(st, p->pack);
	size_t lost = 0, alive = 0;
	uint32_t plex = 0;

	if (!pk)
		SP_FAIL(VDS_R_NOT_FOUND, "no sim pack with index %u", p->pack);
	snprintf(pl->pack, sizeof(pl->pack), "%s", pk->name);
	for (size_t i = 0; i < st->ndisks; i++)
		if (sp_member(&st->disks[i], pk->name)) {
			if (sim_fault_disk_lost(st->disks[i].name))
				pl->leave[lost++] = &st->disks[i];
			else
				alive++;
		}
	if (!lost)
		SP_FAIL(VDS_R_INVALID_PARAM,
		        "pack %s has no failed or missing disk: nothing to recover", pk->name);
	if (!alive)
		SP_FAIL(VDS_R_DEVICE_GONE, "every disk of pack %s is lost: nothing to recover onto",
		        pk->name);
	for (size_t i = 0; i < st->nvols; i++) {
		const struct sim_volume *v = &st->vols[i];
		enum inv_health h;

		if (strcmp(v->pack, pk->name) != 0)
			continue;
		h = sim_fault_volume_health(v);
		if (h == INV_H_FAILED) {
			pl->lost++;
			sp_name_lost(pl, v->name);
			if (p->allow_data_loss && !sp_add(pl, SP_DROP_VOL, v, 0))
				SP_FAIL(VDS_R_NO_MEMORY, "too many changes in pack %s", pk->name);
			continue;
		}
		if (h == INV_H_DEGRADED && sp_repair(st, pl, v, &plex) < 0)
			SP_FAIL(
			    VDS_R_NO_SPACE,
			    "no healthy disk of pack %s outside volume %s has room to rebuild its "
			    "plex %u: free some, or remove that plex first",
			    pk->name, v->name, plex);
		pl->recovered++;
	}
	/* without consent the lost volumes keep every missing disk in the pack */
	pl->nleave = pl->lost && !p->allow_data_loss ? 0 : lost;
	return VDS_R_OK;
}

/* ---- both ---- */

static enum vds_result
sp_plan(struct sim_state *st, const struct job_params *p, struct sp_plan *pl, char *why, size_t len)
{
	memset(pl, 0, sizeof(*pl));
	if (p->type == JOB_REPLACE_DISK)
		return sp_plan_replace(st, p, pl, why, len);
	return sp_plan_recover(st, p, pl, why, len);
}

enum vds_result
sim_pack_check(struct sim_state *st, const struct job_params *p, char *why, size_t len)
{
	struct sp_plan *pl = malloc(sizeof(*pl));
	enum vds_result r;

	if (!pl)
		SP_FAIL(VDS_R_NO_MEMORY, "out of memory");
	r = sp_plan(st, p, pl, why, len);
	free(pl);
	return r;
}

/* Replace the device from by to in the comma-separated list. */
static void
sp_list_replace(char *list, size_t size, const char *from, const char *to)
{
	char out[256] = "";
	const char *s = list;

	while (*s) {
		size_t n = strcspn(s, ","), l = strlen(out);
		int hit = strlen(from) == n && strncmp(s, from, n) == 0;

		snprintf(out + l, sizeof(out) - l, "%s%.*s", l ? "," : "",
		         hit ? (int)strlen(to) : (int)n, hit ? to : s);
		s += n + (s[n] == ',');
	}
	snprintf(list, size, "%s", out);
}

static int
sp_carry_out(struct sim_state *st, const struct sp_plan *pl)
{
	int rc = 0;

	for (size_t i = 0; i < pl->nact; i++) {
		const struct sp_act *a = &pl->act[i];
		struct sim_volume *v = sim_vol_find(st, a->vol);
		struct sim_plex *px = v ? sim_plex_find(v, a->plex) : NULL;

		if (a->kind == SP_MOVE && px)
			sp_list_replace(px->devices, sizeof(px->devices), a->from, a->to);
		if (a->kind == SP_DROP_VOL && v)
			sim_vol_del(st, v);
		rc |= sim_inv_volume(st, a->vol);
		if (a->kind == SP_MOVE)
			rc |= sim_inv_disk(st, a->to);
	}
	for (size_t i = 0; i < pl->nleave; i++) {
		struct sim_disk *d = &st->disks[pl->leave[i] - st->disks];
		const struct inv_disk *row;
		char key[300];

		d->pack[0] = '\0';
		rc |= sim_inv_disk(st, d->name);
		snprintf(key, sizeof(key), "sim:%s", d->name);
		if ((row = inv_disk_by_key(key))) /* a disk update keeps the pack it had */
			inv_disk_set_pack(row->index, 0);
	}
	return rc | sim_inv_pack(st, pl->pack);
}

enum vds_result
sim_pack_apply(struct sim_state *st, const struct job_params *p, struct job_outputs *out, char *msg,
               size_t len)
{
	struct sp_plan *pl = malloc(sizeof(*pl));
	enum vds_result r;

	if (!pl) {
		snprintf(msg, len, "out of memory");
		return VDS_R_NO_MEMORY;
	}
	if ((r = sp_plan(st, p, pl, msg, len)) == VDS_R_OK && sp_carry_out(st, pl) < 0)
		r = VDS_R_NO_MEMORY;
	if (r == VDS_R_OK && p->type == JOB_RECOVER_PACK) {
		out->recovered = pl->recovered;
		out->lost = pl->lost;
		if (pl->lost)
			snprintf(out->details, sizeof(out->details), "%s: %s",
			         p->allow_data_loss ? "lost and removed"
			                            : "lost, kept with the missing disks",
			         pl->lostnames);
	}
	free(pl);
	return r;
}
