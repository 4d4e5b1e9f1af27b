/* SPDX-License-Identifier: ISC */
/*
 * lvmmodel.c - the model side of the lvm job tests (lvmmodel.h).
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm/lvm_inv.h"
#include "lvm/lvm_pack.h"
#include "lvm/lvm_plex.h"
#include "lvmmodel.h"
#include "lvmscript.h"
#include "model.h"

static char lm_dir[64];

static int
lm_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

int
lvm_model_init(void)
{
	snprintf(lm_dir, sizeof(lm_dir), "/tmp/vdsd-test-lvm.XXXXXX");
	if (!mkdtemp(lm_dir) || inv_init(lm_dir) < 0)
		return -1;
	for (char c = 'b'; c <= 'f'; c++) {
		struct inv_disk *d = calloc(1, sizeof(*d));

		if (!d)
			return -1;
		snprintf(d->key, sizeof(d->key), "sim:vd%c", c);
		snprintf(d->name, sizeof(d->name), "vd%c", c);
		snprintf(d->devnode, sizeof(d->devnode), "/dev/vd%c", c);
		d->size = 264241152;
		d->sector_size = 512;
		d->source = INV_SRC_UDEV;
		if (inv_disk_update(d) < 0)
			return -1;
	}
	return 0;
}

int
lvm_model_fini(void)
{
	inv_shutdown();
	return nftw(lm_dir, lm_rm, 8, FTW_DEPTH | FTW_PHYS);
}

void
publish(const char *vgs, const char *pvs, const char *lvs, struct lvm_scan *s)
{
	char *v = fixture(vgs), *p = fixture(pvs), *l = fixture(lvs);

	memset(s, 0, sizeof(*s));
	CU_ASSERT_EQUAL_FATAL(lvm_json_vgs(v, s), 0);
	CU_ASSERT_EQUAL_FATAL(lvm_json_pvs(p, s), 0);
	CU_ASSERT_EQUAL_FATAL(lvm_json_lvs(l, s), 0);
	CU_ASSERT_EQUAL_FATAL(lvm_inv_publish(s), 0);
	free(v);
	free(p);
	free(l);
}

uint32_t
disk(const char *devnode)
{
	const struct inv_disk *d = inv_disk_by_devnode(devnode);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d->index;
}

void
commit_outputs(struct lvm_plan *pl, struct job_outputs *out)
{
	memset(out, 0, sizeof(*out));
	CU_ASSERT_FATAL(pl->have_after);
	CU_ASSERT_EQUAL(lvm_inv_publish(&pl->after), 0);
	lvm_plex_outputs(pl, out);
	lvm_pack_outputs(pl, out);
}
