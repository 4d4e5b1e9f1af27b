/* SPDX-License-Identifier: ISC */
/*
 * lvm_json.h - what `vgs/lvs/pvs --reportformat json --units b --nosuffix`
 * print, parsed into plain structs (a scan of the LVM state), and the
 * volumes and plexes derived from it.
 */
#ifndef VDS_LVM_JSON_H
#define VDS_LVM_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "lvm_cmd.h"
#include "model.h"

struct lvm_vg {
	char name[LVM_NAME_LEN], uuid[48], attr[16];
	uint64_t size, free, extent;
	uint32_t pv_count, lv_count;
};

struct lvm_lv {
	char vg[LVM_NAME_LEN], name[LVM_NAME_LEN + 2], uuid[48], segtype[24], attr[16];
	char health[32], dmpath[LVM_DEV_LEN];
	char devices[256]; /* as lvm prints them: "/dev/vda(0),/dev/vdb(0)" */
	uint64_t size, stripe_size;
	uint32_t stripes;
	int sync; /* sync percent x 100; -1 when the volume has none */
	/* the file system libblkid reads on an active volume ("" for none) */
	char fs_type[16], fs_label[64], fs_uuid[40];
};

struct lvm_pv {
	char name[LVM_DEV_LEN], vg[LVM_NAME_LEN];
	uint64_t size, free;
};

struct lvm_scan {
	struct lvm_vg *vgs;
	size_t nvgs;
	struct lvm_lv *lvs;
	size_t nlvs;
	struct lvm_pv *pvs;
	size_t npvs;
};

/* Parse one report; appends to s.  0, or -1 on malformed input. */
int lvm_json_vgs(const char *json, struct lvm_scan *s);
int lvm_json_lvs(const char *json, struct lvm_scan *s);
/* A fullreport's seg sections onto the LVs already parsed (by lv_uuid). */
int lvm_json_segs(const char *json, struct lvm_scan *s);
int lvm_json_pvs(const char *json, struct lvm_scan *s);
/* sync_percent x 100 of the first row of an `lvs -o lv_name,sync_percent`. */
int lvm_json_sync(const char *json, int *sync);
void lvm_scan_free(struct lvm_scan *s);
/*
 * Run vgs, lvs and pvs (worker side or at start), and read the file system
 * of each active visible volume with libblkid (a suspended one is not
 * opened: the read would wait for its resume); 0 or the failure code.
 */
enum vds_result lvm_scan_load(struct lvm_scan *s, char *msg, size_t len);

const struct lvm_vg *lvm_scan_vg(const struct lvm_scan *s, const char *vg);
const struct lvm_lv *lvm_scan_lv(const struct lvm_scan *s, const char *vg, const char *lv);
/* The PV on dev: by name, else by device number (/dev/mapper/X is /dev/dm-N). */
const struct lvm_pv *lvm_scan_pv(const struct lvm_scan *s, const char *dev);
/* A visible volume (not a hidden [sub-LV]). */
int lvm_lv_visible(const struct lvm_lv *lv);
/* Is the volume open (mounted or held): lv_attr column 6 is "o". */
int lvm_lv_open(const struct lvm_lv *lv);
/* A visible piece of lv (lv_rimage_0, lv_rmeta_1_extracted...) left by a broken conversion. */
int lvm_lv_leftover(const struct lvm_lv *x, const char *lv);
enum inv_voltype lvm_lv_type(const struct lvm_lv *lv);
enum inv_health lvm_lv_health(const struct lvm_lv *lv);
/* 1 when a raid image (or NULL) lost its disk or the kernel failed it (attr 'p', 'r'). */
int lvm_lv_image_failed(const struct lvm_lv *img);
/*
 * The plexes of a volume: for raid1/mirror its images (number i+1: the
 * image sub-LV *_rimage_i / *_mimage_i), else the volume itself.  Fills up
 * to max sub-LV pointers; returns the count.
 */
size_t lvm_lv_plexes(const struct lvm_scan *s, const struct lvm_lv *lv, const struct lvm_lv **px,
                     size_t max);
/*
 * The image sub-LVs of a raid volume of any level (*_rimage_i, *_mimage_i)
 * in the order of its devices list (its raid table's), up to max; where
 * that list does not name them, by number (a missing number leaves NULL).
 * The count, 0 for a volume that has none (linear, striped).
 */
size_t lvm_lv_images(const struct lvm_scan *s, const struct lvm_lv *lv, const struct lvm_lv **px,
                     size_t max);
/* The n-th (0-based) device of a devices list, without "(extent)"; -1 if none. */
int lvm_devices_nth(const char *devices, unsigned n, char *dev, size_t len);

/* The health characters of a dm-raid `dmsetup status` line ("AA", "DA"); -1 if none. */
int lvm_dm_raid_health(const char *status, char *chars, size_t len);
struct lvm_dm {
	char name[LVM_DEV_LEN];
	int suspended, inactive, open; /* inactive: a table is loaded, not yet live */
	char deps[512];                /* the dm devices it uses, ","-separated */
};

/* From `dmsetup info -c --separator : -o name,attr,open,devs_used`: vg's devices. */
size_t lvm_dm_list(const char *info, const char *vg, struct lvm_dm *dm, size_t max);
/* The device-mapper name of vg/lv ("-" doubled in each). */
void lvm_dm_name(const char *vg, const char *lv, char *out, size_t len);
/* Does d use the device named name? */
int lvm_dm_uses(const struct lvm_dm *d, const char *name);
/*
 * From `vgcfgrestore --list`: the file of the newest "Created *before*"
 * archive when its description holds every string of want (NULL-ended).
 */
int lvm_cfg_before(const char *list, const char *const *want, char *file, size_t len);

#endif
