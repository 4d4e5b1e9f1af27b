/* SPDX-License-Identifier: ISC */
/*
 * jobprov.c - provider selection, job validation and the objects a job
 * touches.
 *
 * A job touches the objects its parameters name and the ones they live on
 * (a partition's disk, a volume's disk and pack, a plex's volume, an
 * attached vdisk's disk), looked up in the inventory when the question is
 * asked, so two jobs that would change the same partition table or volume
 * group are never run side by side.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "jobprov.h"
#include "log.h"
#include "model.h"

#define JP_MAX_PROVIDERS 16
#define JP_MAX_KEYS      (8 + 3 * JOB_MAX_DISKS)

struct jp_provider {
	const struct prov_ops *ops;
	void *state;
	unsigned long commits;
};

/* An object a job touches: an inventory class and index. */
struct jp_key {
	enum inv_class cls;
	uint32_t index;
};

static struct {
	const struct vds_conf *conf;
	struct jp_provider prov[JP_MAX_PROVIDERS];
	size_t nprov;
	const struct prov_ops *const *list;
} jp;

/* ------------------------------------------------------------ providers */

static int
jp_add_provider(const struct prov_ops *ops)
{
	struct jp_provider *p = &jp.prov[jp.nprov];

	if (jp.nprov == JP_MAX_PROVIDERS)
		return -1;
	p->ops = ops;
	p->state = NULL;
	p->commits = 0;
	if (ops->init && ops->init(jp.conf, &p->state) < 0) {
		log_warnx("job", "provider %s failed to initialise", ops->name);
		return -1;
	}
	jp.nprov++;
	return 0;
}

int
jobprov_init(const struct vds_conf *conf, const struct prov_ops *const *list)
{
	const struct prov_ops *ops;

	jp.conf = conf;
	jp.nprov = 0;
	if (list) {
		for (size_t i = 0; list[i]; i++)
			if (jp_add_provider(list[i]) < 0)
				goto out;
		return 0;
	}
	for (size_t i = 0; i < conf->providers.n; i++) {
		ops = prov_lookup(conf->providers.v[i]);
		if (!ops) {
			log_warnx("job", "unknown provider %s", conf->providers.v[i]);
			goto out;
		}
		if (jp_add_provider(ops) < 0)
			goto out;
	}
	return 0;
out:
	jobprov_fini();
	return -1;
}

void
jobprov_fini(void)
{
	for (size_t i = 0; i < jp.nprov; i++)
		if (jp.prov[i].ops->fini)
			jp.prov[i].ops->fini(jp.prov[i].state);
	jp.nprov = 0;
}

void
jobprov_reload(const struct vds_conf *conf)
{
	for (size_t i = 0; i < jp.nprov; i++)
		if (jp.prov[i].ops->reload)
			jp.prov[i].ops->reload(jp.prov[i].state, conf);
}

static const struct jp_provider *
jp_provider_for(const struct job_params *p)
{
	for (size_t i = 0; i < jp.nprov; i++)
		if (jp.prov[i].ops->claims && jp.prov[i].ops->claims(jp.prov[i].state, p))
			return &jp.prov[i];
	return NULL;
}

const struct prov_ops *
jobprov_nth(size_t n, void **state)
{
	if (n >= jp.nprov)
		return NULL;
	*state = jp.prov[n].state;
	return jp.prov[n].ops;
}

static struct jp_provider *
jp_find(const struct prov_ops *ops)
{
	for (size_t i = 0; i < jp.nprov; i++)
		if (jp.prov[i].ops == ops)
			return &jp.prov[i];
	return NULL;
}

void
jobprov_committed(const struct prov_ops *ops)
{
	struct jp_provider *p = jp_find(ops);

	if (p)
		p->commits++;
}

unsigned long
jobprov_commits(const struct prov_ops *ops)
{
	const struct jp_provider *p = jp_find(ops);

	return p ? p->commits : 0;
}

int
jobprov_for(const struct job_params *p, const struct prov_ops **ops, void **state)
{
	const struct jp_provider *prov = jp_provider_for(p);

	*ops = prov ? prov->ops : NULL;
	*state = prov ? prov->state : NULL;
	return prov ? 1 : 0;
}

const char *
jobprov_owner(const struct inv_disk *d, uint32_t *pack_index)
{
	const char *owner = NULL;

	for (size_t i = 0; i < jp.nprov; i++) {
		const struct prov_ops *ops = jp.prov[i].ops;

		if (!owner && ops->manages && ops->manages(jp.prov[i].state, d))
			owner = ops->name;
		if (!*pack_index && ops->disk_pack)
			*pack_index = ops->disk_pack(jp.prov[i].state, d);
	}
	return owner;
}

/* ----------------------------------------------------------- validation */

static const char *
jp_missing(const struct job_params *p)
{
	int has_vdisk = p->vdisk || p->path[0];

	switch (p->type) {
	case JOB_CREATE_PARTITION:
		return !p->disk ? "vdsJobParamDisk" : !p->size ? "vdsJobParamSizeMiB" : NULL;
	case JOB_DELETE_PARTITION:
		return !p->partition ? "vdsJobParamPartition" : NULL;
	case JOB_CREATE_VOLUME:
		return !p->pack && !p->ndisks ? "vdsJobParamPack or vdsJobParamDisks"
		       : !p->size             ? "vdsJobParamSizeMiB"
		                              : NULL;
	case JOB_DELETE_VOLUME:
		return !p->volume ? "vdsJobParamVolume" : NULL;
	case JOB_SHRINK_VOLUME:
	case JOB_EXTEND_VOLUME:
		return !p->volume ? "vdsJobParamVolume" : !p->size ? "vdsJobParamSizeMiB" : NULL;
	case JOB_BREAK_PLEX:
	case JOB_REMOVE_PLEX:
	case JOB_REPAIR_PLEX:
		return !p->volume ? "vdsJobParamVolume" : !p->plex ? "vdsJobParamPlex" : NULL;
	case JOB_ADD_PLEX:
		return !p->volume ? "vdsJobParamVolume" : !p->ndisks ? "vdsJobParamDisks" : NULL;
	case JOB_REPLACE_DISK:
	case JOB_CLEAN:
		return !p->disk ? "vdsJobParamDisk" : NULL;
	case JOB_RECOVER_PACK:
		return !p->pack ? "vdsJobParamPack" : NULL;
	case JOB_FORMAT:
		return !p->volume && !p->partition ? "vdsJobParamVolume or vdsJobParamPartition"
		       : !p->fs_type[0]            ? "vdsJobParamFsType"
		                                   : NULL;
	case JOB_CREATE_VDISK:
		return !p->path[0]                                          ? "vdsJobParamPath"
		       : p->vdisk_type == INV_VDT_DIFFERENCING && !p->vdisk ? "vdsJobParamVDisk"
		       : !p->size && p->vdisk_type != INV_VDT_DIFFERENCING  ? "vdsJobParamSizeMiB"
		                                                            : NULL;
	case JOB_EXPAND_VDISK:
		return !has_vdisk ? "vdsJobParamVDisk or vdsJobParamPath"
		       : !p->size ? "vdsJobParamSizeMiB"
		                  : NULL;
	case JOB_ATTACH_VDISK:
	case JOB_DETACH_VDISK:
	case JOB_DELETE_VDISK:
	case JOB_COMPACT_VDISK:
	case JOB_MERGE_VDISK:
		return has_vdisk ? NULL : "vdsJobParamVDisk or vdsJobParamPath";
	}
	return "a valid vdsJobType";
}

enum vds_result
jobprov_check(const struct job_params *p, char *why, size_t len)
{
	const struct jp_provider *prov;
	const char *missing = jp_missing(p);

	if (missing) {
		snprintf(why, len, "missing parameter: %s", missing);
		return VDS_R_INVALID_PARAM;
	}
	prov = jp_provider_for(p);
	if (!prov) {
		snprintf(why, len, "no enabled provider handles this job");
		return VDS_R_NOT_SUPPORTED;
	}
	if (!prov->ops->validate)
		return VDS_R_OK;
	return prov->ops->validate(prov->state, p, why, len);
}

/* -------------------------------------------------- objects and conflicts */

static void
jp_key_add(struct jp_key *k, size_t *n, enum inv_class cls, uint32_t index)
{
	if (index && *n < JP_MAX_KEYS)
		k[(*n)++] = (struct jp_key){cls, index};
}

/* The vdisk whose image is path, if the model has one. */
static const struct inv_vdisk *
jp_vdisk_at(const char *path)
{
	const struct vtab *t = inv_table(INV_VDISK);
	const struct inv_vdisk *vd;
	size_t i;

	VTAB_FOREACH(t, i, vd)
	if (strcmp(vd->path, path) == 0)
		return vd;
	return NULL;
}

/* The objects p names (a vdisk by index or by path), plus the disk/pack/volume they live on. */
static size_t
jp_keys(const struct job_params *p, struct jp_key *k)
{
	const struct inv_part *part = p->partition ? inv_get(INV_PARTITION, p->partition) : NULL;
	const struct inv_volume *vol = p->volume ? inv_get(INV_VOLUME, p->volume) : NULL;
	const struct inv_plex *plex = p->plex ? inv_get(INV_PLEX, p->plex) : NULL;
	const struct inv_vdisk *vd = p->vdisk     ? inv_get(INV_VDISK, p->vdisk)
	                             : p->path[0] ? jp_vdisk_at(p->path)
	                                          : NULL;
	size_t n = 0;

	jp_key_add(k, &n, INV_DISK, p->disk);
	jp_key_add(k, &n, INV_PARTITION, p->partition);
	jp_key_add(k, &n, INV_PACK, p->pack);
	jp_key_add(k, &n, INV_VOLUME, p->volume);
	jp_key_add(k, &n, INV_PLEX, p->plex);
	jp_key_add(k, &n, INV_VDISK, p->vdisk);
	for (unsigned i = 0; i < p->ndisks && i < JOB_MAX_DISKS; i++) {
		const struct inv_disk *d = inv_get(INV_DISK, p->disks[i]);

		jp_key_add(k, &n, INV_DISK, p->disks[i]);
		if (d) /* createVolume by disks: the pack they are in */
			jp_key_add(k, &n, INV_PACK, d->pack_index);
	}
	if (part)
		jp_key_add(k, &n, INV_DISK, part->disk_index);
	if (vol) {
		jp_key_add(k, &n, INV_DISK, vol->disk_index);
		jp_key_add(k, &n, INV_PACK, vol->pack_index);
	}
	if (plex)
		jp_key_add(k, &n, INV_VOLUME, plex->volume_index);
	if (vd) {
		jp_key_add(k, &n, INV_VDISK, vd->index);
		jp_key_add(k, &n, INV_DISK, vd->disk_index);
	}
	return n;
}

int
jobprov_conflict(const struct job_params *a, const struct job_params *b)
{
	struct jp_key ka[JP_MAX_KEYS], kb[JP_MAX_KEYS];
	size_t na, nb;

	if (a->path[0] && !strcmp(a->path, b->path))
		return 1;
	na = jp_keys(a, ka);
	nb = jp_keys(b, kb);
	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nb; k++)
			if (ka[i].cls == kb[k].cls && ka[i].index == kb[k].index)
				return 1;
	return 0;
}
