/* SPDX-License-Identifier: ISC */
/*
 * lvm_json.c - a parser for LVM's JSON reports (a "report" array of
 * sections, each an array of flat objects whose values are all strings) and
 * the scan built from one lvm fullreport (its vg, lv and pv sections).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "lvm_json.h"

#define LJ_MAX_KV 16

struct lj_row {
	char key[LJ_MAX_KV][32];
	char val[LJ_MAX_KV][512];
	size_t n;
};

typedef int (*lj_row_fn)(const struct lj_row *row, struct lvm_scan *s, void *arg);

static const char *
lj_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* A JSON string at p into out; returns the position after it, NULL on error. */
static const char *
lj_string(const char *p, char *out, size_t len)
{
	size_t n = 0;

	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && !*++p)
			return NULL;
		if (n + 1 < len)
			out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static const char *
lj_object(const char *p, struct lj_row *row)
{
	row->n = 0;
	p = lj_ws(p + 1); /* past '{' */
	while (p && *p == '"') {
		size_t i = row->n < LJ_MAX_KV ? row->n++ : LJ_MAX_KV - 1;

		p = lj_string(p, row->key[i], sizeof(row->key[i]));
		if (!p || *(p = lj_ws(p)) != ':')
			return NULL;
		p = lj_string(lj_ws(p + 1), row->val[i], sizeof(row->val[i]));
		if (p && *(p = lj_ws(p)) == ',')
			p = lj_ws(p + 1);
	}
	return p && *p == '}' ? p + 1 : NULL;
}

/* Call fn for every object of every "section": [ ... ] array. */
static int
lj_each(const char *json, const char *section, lj_row_fn fn, struct lvm_scan *s, void *arg)
{
	char tag[40];
	const char *p = json;
	struct lj_row *row = malloc(sizeof(*row));
	int rc = -1;

	snprintf(tag, sizeof(tag), "\"%s\"", section);
	if (!row || !json)
		goto out;
	while ((p = strstr(p, tag))) {
		p = lj_ws(p + strlen(tag));
		if (*p != ':') /* a value ("vg_name":"vg"), not a section */
			continue;
		if (*(p = lj_ws(p + 1)) != '[')
			goto out;
		for (p = lj_ws(p + 1); *p == '{'; p = lj_ws(p)) {
			if (!(p = lj_object(p, row)) || fn(row, s, arg) < 0)
				goto out;
			if (*(p = lj_ws(p)) == ',')
				p++;
		}
		if (*p != ']')
			goto out;
	}
	rc = 0;
out:
	free(row);
	return rc;
}

static const char *
lj_get(const struct lj_row *row, const char *key)
{
	for (size_t i = 0; i < row->n; i++)
		if (!strcmp(row->key[i], key))
			return row->val[i];
	return "";
}

static uint64_t
lj_u64(const struct lj_row *row, const char *key)
{
	return strtoull(lj_get(row, key), NULL, 10);
}

/* "100.00" -> 10000; "" -> -1 */
static int
lj_percent(const char *v)
{
	return *v ? (int)(strtod(v, NULL) * 100.0 + 0.5) : -1;
}

static void *
lj_grow(void *v, size_t n, size_t size)
{
	return (n & 15) ? v : realloc(v, (n + 16) * size);
}

static int
lj_vg(const struct lj_row *row, struct lvm_scan *s, void *arg)
{
	struct lvm_vg *v, *nv = lj_grow(s->vgs, s->nvgs, sizeof(*v));

	if (!nv)
		return -1;
	s->vgs = nv;
	v = memset(&s->vgs[s->nvgs++], 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", lj_get(row, "vg_name"));
	snprintf(v->uuid, sizeof(v->uuid), "%s", lj_get(row, "vg_uuid"));
	snprintf(v->attr, sizeof(v->attr), "%s", lj_get(row, "vg_attr"));
	v->size = lj_u64(row, "vg_size");
	v->free = lj_u64(row, "vg_free");
	v->extent = lj_u64(row, "vg_extent_size");
	v->pv_count = (uint32_t)lj_u64(row, "pv_count");
	v->lv_count = (uint32_t)lj_u64(row, "lv_count");
	return 0;
}

static int
lj_lv(const struct lj_row *row, struct lvm_scan *s, void *arg)
{
	struct lvm_lv *l, *nl = lj_grow(s->lvs, s->nlvs, sizeof(*l));

	if (!nl)
		return -1;
	s->lvs = nl;
	l = memset(&s->lvs[s->nlvs++], 0, sizeof(*l));
	snprintf(l->vg, sizeof(l->vg), "%s", lj_get(row, "vg_name"));
	snprintf(l->name, sizeof(l->name), "%s", lj_get(row, "lv_name"));
	snprintf(l->uuid, sizeof(l->uuid), "%s", lj_get(row, "lv_uuid"));
	snprintf(l->segtype, sizeof(l->segtype), "%s", lj_get(row, "segtype"));
	snprintf(l->attr, sizeof(l->attr), "%s", lj_get(row, "lv_attr"));
	snprintf(l->health, sizeof(l->health), "%s", lj_get(row, "lv_health_status"));
	snprintf(l->dmpath, sizeof(l->dmpath), "%s", lj_get(row, "lv_dm_path"));
	snprintf(l->devices, sizeof(l->devices), "%s", lj_get(row, "devices"));
	l->size = lj_u64(row, "lv_size");
	l->stripe_size = lj_u64(row, "stripe_size");
	l->stripes = (uint32_t)lj_u64(row, "stripes");
	l->sync = lj_percent(lj_get(row, "sync_percent"));
	return 0;
}

/*
 * A fullreport's segment row: the first segment of its LV (by lv_uuid)
 * gives the LV's segtype, stripes and stripe size; the devices of every
 * segment are listed, in order.  A segment of no LV listed is damage.
 */
static int
lj_seg(const struct lj_row *row, struct lvm_scan *s, void *arg)
{
	const char *uuid = lj_get(row, "lv_uuid"), *dev = lj_get(row, "devices");
	struct lvm_lv *l = NULL;
	size_t n;

	(void)arg;
	for (size_t i = 0; i < s->nlvs && !l; i++)
		if (uuid[0] && !strcmp(s->lvs[i].uuid, uuid))
			l = &s->lvs[i];
	if (!l)
		return -1;
	if (!l->segtype[0]) {
		snprintf(l->segtype, sizeof(l->segtype), "%s", lj_get(row, "segtype"));
		l->stripe_size = lj_u64(row, "stripe_size");
		l->stripes = (uint32_t)lj_u64(row, "stripes");
		snprintf(l->devices, sizeof(l->devices), "%s", dev);
	} else if (dev[0] && (n = strlen(l->devices)) + 1 + strlen(dev) < sizeof(l->devices)) {
		snprintf(l->devices + n, sizeof(l->devices) - n, "%s%s", n ? "," : "", dev);
	}
	return 0;
}

static int
lj_pv(const struct lj_row *row, struct lvm_scan *s, void *arg)
{
	struct lvm_pv *p, *np = lj_grow(s->pvs, s->npvs, sizeof(*p));

	if (!np)
		return -1;
	s->pvs = np;
	p = memset(&s->pvs[s->npvs++], 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", lj_get(row, "pv_name"));
	snprintf(p->vg, sizeof(p->vg), "%s", lj_get(row, "vg_name"));
	p->size = lj_u64(row, "pv_size");
	p->free = lj_u64(row, "pv_free");
	return 0;
}

static int
lj_sync(const struct lj_row *row, struct lvm_scan *s, void *arg)
{
	int *sync = arg;

	if (*sync == -2)
		*sync = lj_percent(lj_get(row, "sync_percent"));
	return 0;
}

int
lvm_json_vgs(const char *json, struct lvm_scan *s)
{
	return lj_each(json, "vg", lj_vg, s, NULL);
}

int
lvm_json_lvs(const char *json, struct lvm_scan *s)
{
	return lj_each(json, "lv", lj_lv, s, NULL);
}

int
lvm_json_segs(const char *json, struct lvm_scan *s)
{
	return lj_each(json, "seg", lj_seg, s, NULL);
}

int
lvm_json_pvs(const char *json, struct lvm_scan *s)
{
	return lj_each(json, "pv", lj_pv, s, NULL);
}

int
lvm_json_sync(const char *json, int *sync)
{
	*sync = -2;
	if (lj_each(json, "lv", lj_sync, NULL, sync) < 0 || *sync == -2)
		return -1;
	return 0;
}

void
lvm_scan_free(struct lvm_scan *s)
{
	free(s->vgs);
	free(s->lvs);
	free(s->pvs);
	memset(s, 0, sizeof(*s));
}

enum vds_result
lvm_scan_load(struct lvm_scan *s, char *msg, size_t len)
{
	struct lvm_output o;
	struct lvm_cmd c;
	enum vds_result r = VDS_R_OK;

	memset(s, 0, sizeof(*s));
	if (lvm_cmd_fullreport(&c) < 0) {
		snprintf(msg, len, "cannot build the lvm fullreport command");
		return VDS_R_TOOL_FAILED;
	}
	if (lvm_cmd_run(&c, &o) < 0)
		r = lvm_cmd_failed(&c, &o, 0, msg, len);
	else if (lvm_json_vgs(o.out, s) < 0 || lvm_json_lvs(o.out, s) < 0 ||
	         lvm_json_segs(o.out, s) < 0 || lvm_json_pvs(o.out, s) < 0) {
		snprintf(msg, len, "cannot parse the output of lvm fullreport");
		r = VDS_R_TOOL_FAILED;
	}
	lvm_output_free(&o);
	if (r != VDS_R_OK) {
		lvm_scan_free(s);
		return r;
	}
	for (size_t i = 0; i < s->nlvs; i++) {
		struct lvm_lv *lv = &s->lvs[i];
		char dev[2 * LVM_NAME_LEN + 8];

		if (!lvm_lv_visible(lv) || strlen(lv->attr) < 5 || lv->attr[4] != 'a')
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s/%s", lv->vg, lv->name);
		fsu_read_fs(dev, lv->fs_type, lv->fs_label, lv->fs_uuid);
	}
	return r;
}

/* ------------------------------------------------------------- lookups */

const struct lvm_vg *
lvm_scan_vg(const struct lvm_scan *s, const char *vg)
{
	for (size_t i = 0; i < s->nvgs; i++)
		if (!strcmp(s->vgs[i].name, vg))
			return &s->vgs[i];
	return NULL;
}

const struct lvm_lv *
lvm_scan_lv(const struct lvm_scan *s, const char *vg, const char *lv)
{
	for (size_t i = 0; i < s->nlvs; i++)
		if (!strcmp(s->lvs[i].vg, vg) && !strcmp(s->lvs[i].name, lv))
			return &s->lvs[i];
	return NULL;
}

/* The block device a node names (following links), or 0. */
static dev_t
lj_rdev(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISBLK(sb.st_mode) ? sb.st_rdev : 0;
}

const struct lvm_pv *
lvm_scan_pv(const struct lvm_scan *s, const char *dev)
{
	dev_t rdev;

	for (size_t i = 0; i < s->npvs; i++)
		if (!strcmp(s->pvs[i].name, dev))
			return &s->pvs[i];
	/* another name of the same device: LVM says /dev/mapper/NAME, udev /dev/dm-N */
	if (!(rdev = lj_rdev(dev)))
		return NULL;
	for (size_t i = 0; i < s->npvs; i++)
		if (lj_rdev(s->pvs[i].name) == rdev)
			return &s->pvs[i];
	return NULL;
}

int
lvm_lv_visible(const struct lvm_lv *lv)
{
	return lv->name[0] && lv->name[0] != '[';
}

int
lvm_lv_open(const struct lvm_lv *lv)
{
	return strlen(lv->attr) > 5 && lv->attr[5] == 'o';
}

enum inv_voltype
lvm_lv_type(const struct lvm_lv *lv)
{
	if (!strcmp(lv->segtype, "raid1") || !strcmp(lv->segtype, "mirror"))
		return INV_VT_MIRROR;
	if (!strncmp(lv->segtype, "raid", 4))
		return INV_VT_PARITY;
	if (!strcmp(lv->segtype, "striped") && lv->stripes > 1)
		return INV_VT_STRIPED;
	return strchr(lv->devices, ',') ? INV_VT_SPANNED : INV_VT_SIMPLE;
}

int
lvm_lv_image_failed(const struct lvm_lv *img)
{
	if (!img || strstr(img->devices, "unknown"))
		return 1;
	return strlen(img->attr) > 8 && (img->attr[8] == 'p' || img->attr[8] == 'r');
}

enum inv_health
lvm_lv_health(const struct lvm_lv *lv)
{
	if (!strcmp(lv->health, "partial"))
		/* a raid LV that lost a leg (mirror) or a device (parity) still runs */
		return lvm_lv_type(lv) == INV_VT_MIRROR || lvm_lv_type(lv) == INV_VT_PARITY
		           ? INV_H_DEGRADED
		           : INV_H_FAILED;
	if (lv->health[0] || (strlen(lv->attr) > 8 && lv->attr[8] != '-'))
		return INV_H_DEGRADED;
	if (lv->sync >= 0 && lv->sync < 10000)
		return INV_H_REBUILDING;
	return INV_H_HEALTHY;
}

int
lvm_lv_leftover(const struct lvm_lv *x, const char *lv)
{
	size_t n = strlen(lv);
	const char *rest = x->name + n;

	if (!lvm_lv_visible(x) || strncmp(x->name, lv, n) || *rest != '_')
		return 0;
	return strstr(rest, "_rimage_") || strstr(rest, "_rmeta_") || strstr(rest, "_mimage_") ||
	       strstr(rest, "_mlog") || strstr(rest, "_extracted");
}

/* "[NAME_rimage_N]" -> N, or -1. */
static int
lj_image_number(const struct lvm_lv *sub, const struct lvm_lv *lv)
{
	char pre[LVM_NAME_LEN + 16];
	size_t l;

	if (strcmp(sub->vg, lv->vg) != 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		snprintf(pre, sizeof(pre), "[%s_%s_", lv->name, k ? "mimage" : "rimage");
		l = strlen(pre);
		if (!strncmp(sub->name, pre, l) && strchr(sub->name + l, ']'))
			return atoi(sub->name + l);
	}
	return -1;
}

size_t
lvm_lv_plexes(const struct lvm_scan *s, const struct lvm_lv *lv, const struct lvm_lv **px,
              size_t max)
{
	if (lvm_lv_type(lv) == INV_VT_MIRROR)
		return lvm_lv_images(s, lv, px, max);
	for (size_t i = 0; i < max; i++)
		px[i] = NULL;
	px[0] = max ? lv : NULL;
	return max ? 1 : 0;
}

/* The image sub-LV of lv named dev ("lv_rimage_2", as a devices list has it), or NULL. */
static const struct lvm_lv *
lj_image_named(const struct lvm_scan *s, const struct lvm_lv *lv, const char *dev)
{
	char br[LVM_NAME_LEN + 20];

	snprintf(br, sizeof(br), "[%s]", dev);
	for (size_t i = 0; i < s->nlvs; i++)
		if (!strcmp(s->lvs[i].name, br) && lj_image_number(&s->lvs[i], lv) >= 0)
			return &s->lvs[i];
	return NULL;
}

size_t
lvm_lv_images(const struct lvm_scan *s, const struct lvm_lv *lv, const struct lvm_lv **px,
              size_t max)
{
	char dev[LVM_DEV_LEN];
	size_t n = 0;
	int k;

	for (size_t i = 0; i < max; i++)
		px[i] = NULL;
	/*
	 * In the order of the volume's devices, which is its raid table's and
	 * dm-raid's health characters': an interrupted repair leaves the numbers
	 * with a gap (rimage_0, rimage_2) that the order does not have.
	 */
	while (n < max && lvm_devices_nth(lv->devices, (unsigned)n, dev, sizeof(dev)) == 0) {
		if (!(px[n] = lj_image_named(s, lv, dev))) {
			n = 0; /* not a list of images: by number */
			break;
		}
		n++;
	}
	if (n)
		return n;
	for (size_t i = 0; i < max; i++)
		px[i] = NULL;
	for (size_t i = 0; i < s->nlvs; i++)
		if ((k = lj_image_number(&s->lvs[i], lv)) >= 0 && (size_t)k < max) {
			px[k] = &s->lvs[i];
			n = (size_t)k + 1 > n ? (size_t)k + 1 : n;
		}
	return n;
}

int
lvm_devices_nth(const char *devices, unsigned n, char *dev, size_t len)
{
	const char *p = devices;

	for (unsigned i = 0; i < n && p; i++)
		if ((p = strchr(p, ',')))
			p++;
	if (!p || !*p)
		return -1;
	snprintf(dev, len, "%.*s", (int)strcspn(p, "(,"), p);
	return 0;
}

/* ------------------------------------------------------ other outputs */

int
lvm_dm_raid_health(const char *status, char *chars, size_t len)
{
	char type[16];
	int n = 0;

	chars[0] = '\0';
	if (sscanf(status, "%*s %*s %15s %*s %*u %n", type, &n) != 1 || !n || strcmp(type, "raid"))
		return -1;
	snprintf(chars, len, "%.*s", (int)strcspn(status + n, " \n"), status + n);
	return chars[0] && strspn(chars, "ADa") == strlen(chars) ? 0 : -1;
}

/* The device-mapper name prefix of vg's volumes: '-' doubled, then "-". */
static void
lj_dm_prefix(const char *vg, char *out, size_t len)
{
	size_t n = 0;

	for (; *vg && n + 3 < len; vg++) {
		out[n++] = *vg;
		if (*vg == '-')
			out[n++] = '-';
	}
	out[n++] = '-';
	out[n] = '\0';
}

/* One "NAME:ATTR:OPEN:DEPS" line into d; -1 when it is not one. */
static int
lj_dm_line(const char *line, struct lvm_dm *d)
{
	char attr[16];
	int used = 0;

	memset(d, 0, sizeof(*d));
	if (sscanf(line, "%127[^:]:%15[^:]:%d:%n", d->name, attr, &d->open, &used) != 3 || !used)
		return -1;
	snprintf(d->deps, sizeof(d->deps), "%s", line + used);
	/* attr: (L)ive (I)nactive (s)uspended (r)ead-only read-(w)rite */
	d->inactive = strchr(attr, 'I') != NULL;
	d->suspended = strchr(attr, 's') != NULL;
	return 0;
}

size_t
lvm_dm_list(const char *info, const char *vg, struct lvm_dm *dm, size_t max)
{
	char pre[2 * LVM_NAME_LEN + 2], line[LVM_DEV_LEN + 600];
	size_t n = 0, pl;
	const char *p = info;

	lj_dm_prefix(vg, pre, sizeof(pre));
	pl = strlen(pre);
	while (p && *p && n < max) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
		if (strncmp(line, pre, pl) || line[pl] == '-')
			continue;
		if (lj_dm_line(line, &dm[n]) == 0)
			n++;
	}
	return n;
}

void
lvm_dm_name(const char *vg, const char *lv, char *out, size_t len)
{
	size_t n;

	lj_dm_prefix(vg, out, len);
	n = strlen(out);
	lj_dm_prefix(lv, out + n, len - n);
	n = strlen(out);
	if (n)
		out[n - 1] = '\0'; /* lj_dm_prefix ends with the separator */
}

int
lvm_dm_uses(const struct lvm_dm *d, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = d->deps; *p; p += strcspn(p, ","), p += *p == ',') {
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == '\0'))
			return 1;
	}
	return 0;
}

/* The value after "Label:" on a vgcfgrestore --list line, or NULL. */
static const char *
lj_field(const char *line, const char *label)
{
	const char *p = strstr(line, label);

	if (!p)
		return NULL;
	p += strlen(label);
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The archive's path; LVM 2.03.16 prints it as "DIR/NAME/NAME". */
static void
lj_archive_path(const char *v, char *out, size_t len)
{
	const char *b;
	size_t bl;

	snprintf(out, len, "%s", v);
	if (!(b = strrchr(out, '/')) || b == out)
		return;
	bl = strlen(b);
	if ((size_t)(b - out) > bl && !strncmp(b - bl, b, bl) && b[-bl] == '/')
		out[b - out] = '\0';
}

int
lvm_cfg_before(const char *list, const char *const *want, char *file, size_t len)
{
	char line[1024], cur[LVM_DEV_LEN] = "";
	const char *p = list, *v;
	int found = -1;

	file[0] = '\0';
	while (p && *p) {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
		if ((v = lj_field(line, "File:")))
			lj_archive_path(v, cur, sizeof(cur));
		if (!(v = lj_field(line, "Description:")) || !strstr(v, "*before*"))
			continue;
		found = 0; /* the newest "before" archive must be the command's */
		for (size_t i = 0; want[i]; i++)
			if (!strstr(v, want[i]))
				found = -1;
		snprintf(file, len, "%s", found == 0 ? cur : "");
	}
	return found == 0 && file[0] ? 0 : -1;
}
