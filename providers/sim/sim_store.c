/* SPDX-License-Identifier: ISC */
/*
 * sim_store.c - <stateDir>/sim.state: the sim provider's simulated storage.
 *
 * A line-oriented text file, rewritten whole on every change by the state
 * writer thread (durable.h: tmp file, rename; the fsync follows within
 * about 100 ms, once per burst), so a crash of vdsd leaves the new state
 * and a power loss the old or the new one, or a torn file that the end
 * line finds: it is then set aside and sim.state.prev, always a synced
 * generation, restored.  '#' lines are comments.  The first record is "sim 2 next-serial=N"
 * (format 2; format 1 had no end line and still loads) and the last one
 * "end records=N", so a cut file is found.  Every other line is a record
 * type followed by key=value fields; values are percent-encoded (any byte
 * outside [A-Za-z0-9._:/,+-] becomes %XX), so "label=my%20data" is "my data".
 * Unknown keys are ignored; a part/plex line follows its disk/volume line.
 *
 *   disk   name= size= style=none|mbr|gpt table= serial= pack= vdisk=
 *   part   disk= number= offset= size= type= name= uuid= fs= label= fsuuid=
 *          used= mounted=0|1
 *   pack   name=
 *   volume name= pack= type=simple|spanned|striped|mirror|parity size=
 *          stripe= parity=0|1|2 fs= label= fsuuid= used= mounted=0|1
 *   plex   volume= number= devices=DISK[,DISK...]
 *   vdisk  path= size= format=raw|vhd type=fixed|expandable|differencing attached=0|1
 *          alloc= (bytes the image holds, at least) parent= (differencing: its parent's path)
 *          readonly=0|1 disk=SIMDISK
 *
 * Sizes and offsets are bytes, 1 to SIM_MAX_BYTES; every value, name and
 * reference between objects is checked on load (ss_check).  A file that
 * fails is set aside, reported (staterr) and replaced by sim.state.prev
 * when that one is sound; otherwise the provider does not start, saying
 * which file and how to recover.  Sizes and offsets are bytes.  "used" is the file system's data,
 * the limit of a shrink.  A vdisk's contents live in a disk line with vdisk=PATH that is shown in
 * the disk table only while the vdisk is attached.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "log.h"
#include "pctenc.h"
#include "staterr.h"
#include "sim_store.h"
#include "sim_defaults.h"

#define SS_MAXKV 24

enum ss_kind { SS_STR, SS_U64, SS_U32, SS_BOOL, SS_ENUM };

struct ss_field {
	const char *key;
	enum ss_kind kind;
	size_t off, size;
	const char *const *names; /* SS_ENUM: name of each value */
};

struct ss_kv {
	char *key, *val;
};

static const char *const ss_styles[] = {[INV_PS_UNKNOWN] = "unknown",
                                        [INV_PS_NONE] = "none",
                                        [INV_PS_MBR] = "mbr",
                                        [INV_PS_GPT] = "gpt",
                                        [INV_PS_GPT + 1] = NULL};
static const char *const ss_vtypes[] = {
    [INV_VT_SIMPLE] = "simple", [INV_VT_SPANNED] = "spanned", [INV_VT_STRIPED] = "striped",
    [INV_VT_MIRROR] = "mirror", [INV_VT_PARITY] = "parity",   [INV_VT_PARITY + 1] = NULL};
static const char *const ss_formats[] = {
    [INV_VF_RAW] = "raw", [INV_VF_VHD] = "vhd", [INV_VF_VHD + 1] = NULL};
static const char *const ss_vdtypes[] = {[INV_VDT_FIXED] = "fixed",
                                         [INV_VDT_EXPANDABLE] = "expandable",
                                         [INV_VDT_DIFFERENCING] = "differencing",
                                         [INV_VDT_DIFFERENCING + 1] = NULL};

#define F(st, k, kind, m, names)                                                                   \
	{                                                                                          \
		k, kind, offsetof(struct st, m), sizeof(((struct st *)0)->m), names                \
	}

static const struct ss_field ss_disk[] = {
    F(sim_disk, "name", SS_STR, name, NULL),          F(sim_disk, "size", SS_U64, size, NULL),
    F(sim_disk, "style", SS_ENUM, pstyle, ss_styles), F(sim_disk, "table", SS_STR, table_id, NULL),
    F(sim_disk, "serial", SS_STR, serial, NULL),      F(sim_disk, "pack", SS_STR, pack, NULL),
    F(sim_disk, "vdisk", SS_STR, vdisk, NULL),        {NULL, 0, 0, 0, NULL}};
static const struct ss_field ss_part[] = {
    F(sim_part, "number", SS_U32, number, NULL),    F(sim_part, "offset", SS_U64, offset, NULL),
    F(sim_part, "size", SS_U64, size, NULL),        F(sim_part, "type", SS_STR, type, NULL),
    F(sim_part, "name", SS_STR, name, NULL),        F(sim_part, "uuid", SS_STR, uuid, NULL),
    F(sim_part, "fs", SS_STR, fs_type, NULL),       F(sim_part, "label", SS_STR, fs_label, NULL),
    F(sim_part, "fsuuid", SS_STR, fs_uuid, NULL),   F(sim_part, "used", SS_U64, used, NULL),
    F(sim_part, "mounted", SS_BOOL, mounted, NULL), {NULL, 0, 0, 0, NULL}};
static const struct ss_field ss_pack[] = {F(sim_pack, "name", SS_STR, name, NULL),
                                          {NULL, 0, 0, 0, NULL}};
static const struct ss_field ss_vol[] = {F(sim_volume, "name", SS_STR, name, NULL),
                                         F(sim_volume, "pack", SS_STR, pack, NULL),
                                         F(sim_volume, "type", SS_ENUM, type, ss_vtypes),
                                         F(sim_volume, "size", SS_U64, size, NULL),
                                         F(sim_volume, "stripe", SS_U64, stripe_size, NULL),
                                         F(sim_volume, "parity", SS_U32, parity, NULL),
                                         F(sim_volume, "fs", SS_STR, fs_type, NULL),
                                         F(sim_volume, "label", SS_STR, fs_label, NULL),
                                         F(sim_volume, "fsuuid", SS_STR, fs_uuid, NULL),
                                         F(sim_volume, "used", SS_U64, used, NULL),
                                         F(sim_volume, "mounted", SS_BOOL, mounted, NULL),
                                         {NULL, 0, 0, 0, NULL}};
static const struct ss_field ss_plex[] = {F(sim_plex, "number", SS_U32, number, NULL),
                                          F(sim_plex, "devices", SS_STR, devices, NULL),
                                          {NULL, 0, 0, 0, NULL}};
static const struct ss_field ss_vdisk[] = {F(sim_vdisk, "path", SS_STR, path, NULL),
                                           F(sim_vdisk, "size", SS_U64, virtual_size, NULL),
                                           F(sim_vdisk, "format", SS_ENUM, format, ss_formats),
                                           F(sim_vdisk, "type", SS_ENUM, type, ss_vdtypes),
                                           F(sim_vdisk, "attached", SS_BOOL, attached, NULL),
                                           F(sim_vdisk, "readonly", SS_BOOL, read_only, NULL),
                                           F(sim_vdisk, "disk", SS_STR, disk, NULL),
                                           F(sim_vdisk, "alloc", SS_U64, alloc, NULL),
                                           F(sim_vdisk, "parent", SS_STR, parent, NULL),
                                           {NULL, 0, 0, 0, NULL}};

#undef F

/* ---- writing ---- */

/* Decimal, without printf: a commit serialises the whole state on the loop. */
static void
ss_put_u64(FILE *f, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10));
	fputs(p, f);
}

static void
ss_put_fields(FILE *f, const struct ss_field *fl, const void *obj)
{
	const char *base = obj;

	for (; fl->key; fl++) {
		const void *m = base + fl->off;

		fputc(' ', f);
		fputs(fl->key, f);
		fputc('=', f);
		switch (fl->kind) {
		case SS_STR:
			pct_put(f, m);
			break;
		case SS_U64:
			ss_put_u64(f, *(const uint64_t *)m);
			break;
		case SS_U32:
			ss_put_u64(f, *(const uint32_t *)m);
			break;
		case SS_BOOL:
			fputc(*(const int *)m ? '1' : '0', f);
			break;
		case SS_ENUM:
			fputs(fl->names[*(const int *)m] ? fl->names[*(const int *)m] : "?", f);
			break;
		}
	}
	fputc('\n', f);
}

static void
ss_write(FILE *f, const struct sim_state *st)
{
	size_t i, j, n = st->npacks + st->ndisks + st->nvols + st->nvdisks;

	fputs("# vdsd sim provider state: rewritten by vdsd, see providers/sim_store.c\n", f);
	fprintf(f, "sim 2 next-serial=%u\n", st->next_serial);
	for (i = 0; i < st->npacks; i++) {
		fputs("pack", f);
		ss_put_fields(f, ss_pack, &st->packs[i]);
	}
	for (i = 0; i < st->ndisks; i++) {
		fputs("disk", f);
		ss_put_fields(f, ss_disk, &st->disks[i]);
		for (j = 0; j < st->disks[i].nparts; j++) {
			fputs("part disk=", f);
			pct_put(f, st->disks[i].name);
			ss_put_fields(f, ss_part, &st->disks[i].parts[j]);
		}
	}
	for (i = 0; i < st->nvols; i++) {
		fputs("volume", f);
		ss_put_fields(f, ss_vol, &st->vols[i]);
		for (j = 0; j < st->vols[i].nplexes; j++) {
			fputs("plex volume=", f);
			pct_put(f, st->vols[i].name);
			ss_put_fields(f, ss_plex, &st->vols[i].plexes[j]);
		}
	}
	for (i = 0; i < st->nvdisks; i++) {
		fputs("vdisk", f);
		ss_put_fields(f, ss_vdisk, &st->vdisks[i]);
	}
	for (i = 0; i < st->ndisks; i++)
		n += st->disks[i].nparts;
	for (i = 0; i < st->nvols; i++)
		n += st->vols[i].nplexes;
	fprintf(f, "end records=%zu\n", n);
}

static int
ss_fill(FILE *f, void *arg)
{
	ss_write(f, arg);
	return ferror(f) ? -1 : 0;
}

int
sim_store_dump(const struct sim_state *st, char **buf, size_t *len)
{
	return atomic_fill_mem(ss_fill, (void *)st, buf, len);
}

int
sim_store_save(const struct sim_state *st)
{
	if (atomic_write_gen(st->path, ss_fill, (void *)st) < 0) {
		log_warn("sim", "cannot write %s", st->path);
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

static int
ss_set_field(const struct ss_field *fl, void *obj, const char *val)
{
	char *m = (char *)obj + fl->off;
	char *end;
	unsigned long long u;
	int i;

	switch (fl->kind) {
	case SS_STR:
		if (strlen(val) >= fl->size)
			return -1;
		memcpy(m, val, strlen(val) + 1);
		return 0;
	case SS_ENUM:
		for (i = 1; fl->names[i]; i++)
			if (strcmp(fl->names[i], val) == 0) {
				*(int *)m = i;
				return 0;
			}
		return -1;
	default:
		break;
	}
	errno = 0;
	u = strtoull(val, &end, 10);
	if (errno || end == val || *end || val[0] == '-')
		return -1;
	if (fl->kind == SS_U64)
		*(uint64_t *)m = u;
	else if (fl->kind == SS_U32 && u <= UINT32_MAX)
		*(uint32_t *)m = (uint32_t)u;
	else if (fl->kind == SS_BOOL && u <= 1)
		*(int *)m = (int)u;
	else
		return -1;
	return 0;
}

static int
ss_apply(const struct ss_field *fl, void *obj, struct ss_kv *kv, size_t n, char *err, size_t len)
{
	size_t i;
	const struct ss_field *f;

	for (i = 0; i < n; i++)
		for (f = fl; f->key; f++)
			if (strcmp(f->key, kv[i].key) == 0 && ss_set_field(f, obj, kv[i].val) < 0) {
				snprintf(err, len, "bad value for %s", f->key);
				return -1;
			}
	return 0;
}

static const char *
ss_get(struct ss_kv *kv, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

static void *
ss_new_child(struct sim_state *st, const char *type, struct ss_kv *kv, size_t n)
{
	const char *parent;
	struct sim_disk *d;
	struct sim_volume *v;

	if (strcmp(type, "part") == 0) {
		parent = ss_get(kv, n, "disk");
		d = parent ? sim_disk_find(st, parent) : NULL;
		if (!d || d->nparts >= SIM_MAX_PARTS)
			return NULL;
		memset(&d->parts[d->nparts], 0, sizeof(d->parts[0]));
		return &d->parts[d->nparts++];
	}
	parent = ss_get(kv, n, "volume");
	v = parent ? sim_vol_find(st, parent) : NULL;
	if (!v || v->nplexes >= SIM_MAX_PLEXES)
		return NULL;
	memset(&v->plexes[v->nplexes], 0, sizeof(v->plexes[0]));
	return &v->plexes[v->nplexes++];
}

/* The object a record line fills, appended to st; NULL when full/orphan. */
static void *
ss_new_record(struct sim_state *st, const char *type, struct ss_kv *kv, size_t n,
              const struct ss_field **fl)
{
	if (strcmp(type, "disk") == 0 && st->ndisks < SIM_MAX_DISKS) {
		*fl = ss_disk;
		memset(&st->disks[st->ndisks], 0, sizeof(st->disks[0]));
		return &st->disks[st->ndisks++];
	}
	if (strcmp(type, "pack") == 0 && st->npacks < SIM_MAX_PACKS) {
		*fl = ss_pack;
		return &st->packs[st->npacks++];
	}
	if (strcmp(type, "volume") == 0 && st->nvols < SIM_MAX_VOLS) {
		*fl = ss_vol;
		memset(&st->vols[st->nvols], 0, sizeof(st->vols[0]));
		return &st->vols[st->nvols++];
	}
	if (strcmp(type, "vdisk") == 0 && st->nvdisks < SIM_MAX_VDISKS) {
		*fl = ss_vdisk;
		memset(&st->vdisks[st->nvdisks], 0, sizeof(st->vdisks[0]));
		return &st->vdisks[st->nvdisks++];
	}
	*fl = strcmp(type, "part") == 0 ? ss_part : ss_plex;
	if (strcmp(type, "part") && strcmp(type, "plex"))
		return NULL;
	return ss_new_child(st, type, kv, n);
}

static int
ss_split(char *line, char **type, struct ss_kv *kv, size_t *n, char *err, size_t len)
{
	char *save = NULL, *tok;

	*n = 0;
	*type = strtok_r(line, " \t\r\n", &save);
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		char *eq = strchr(tok, '=');

		if (*n >= SS_MAXKV) {
			snprintf(err, len, "too many fields");
			return -1;
		}
		kv[*n].key = tok;
		kv[*n].val = NULL; /* a bare word: only the header's version */
		if (eq) {
			*eq = '\0';
			kv[*n].val = eq + 1;
		}
		if (eq && pct_decode(kv[*n].val) < 0) {
			snprintf(err, len, "bad escape in %s", tok);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

/* Where a load is. */
struct ss_pos {
	int version, ended;
	size_t records;
};

static int
ss_header(struct sim_state *st, const char *type, struct ss_kv *kv, size_t n, struct ss_pos *ps,
          char *err, size_t len)
{
	const char *serial;
	char *end;
	unsigned long v;

	if (strcmp(type, "sim") != 0 || n < 1 || kv[0].val ||
	    (strcmp(kv[0].key, "1") != 0 && strcmp(kv[0].key, "2") != 0) ||
	    !(serial = ss_get(kv, n, "next-serial"))) {
		snprintf(err, len, "not a sim state file (no \"sim 2\" header)");
		return -1;
	}
	errno = 0;
	v = strtoul(serial, &end, 10);
	if (errno || *end || end == serial || v > UINT32_MAX) {
		snprintf(err, len, "bad next-serial");
		return -1;
	}
	st->next_serial = (unsigned)v;
	ps->version = kv[0].key[0] - '0';
	return 0;
}

static int
ss_parse_line(struct sim_state *st, char *line, struct ss_pos *ps, char *err, size_t len)
{
	struct ss_kv kv[SS_MAXKV];
	const struct ss_field *fl;
	char *type, *end;
	const char *cnt;
	size_t n, i;
	void *obj;

	if (ss_split(line, &type, kv, &n, err, len) < 0)
		return -1;
	if (!type || type[0] == '#')
		return 0;
	if (ps->ended) {
		snprintf(err, len, "a record after the end line");
		return -1;
	}
	if (!ps->version)
		return ss_header(st, type, kv, n, ps, err, len);
	for (i = 0; i < n; i++)
		if (!kv[i].val) {
			snprintf(err, len, "malformed field \"%s\"", kv[i].key);
			return -1;
		}
	if (strcmp(type, "end") == 0) {
		ps->ended = 1;
		cnt = ss_get(kv, n, "records");
		if (!cnt || strtoull(cnt, &end, 10) != ps->records || *end || end == cnt) {
			snprintf(err, len, "the end line does not count %zu records", ps->records);
			return -1;
		}
		return 0;
	}
	ps->records++;
	obj = ss_new_record(st, type, kv, n, &fl);
	if (!obj) {
		snprintf(err, len, "unknown, orphaned or too many \"%s\" records", type);
		return -1;
	}
	return ss_apply(fl, obj, kv, n, err, len);
}

/* Load f, named file, into st (emptied first); damage is reported and -1. */
static int
ss_load_stream(struct sim_state *st, FILE *f, const char *file)
{
	char *line = NULL, err[200], rec[32];
	size_t cap = 0;
	ssize_t got;
	unsigned lineno = 0;
	struct ss_pos ps = {0};
	int rc = 0;

	st->ndisks = st->npacks = st->nvols = st->nvdisks = 0;
	while ((got = getline(&line, &cap, f)) > 0) {
		lineno++;
		snprintf(rec, sizeof(rec), "line %u", lineno);
		if (strlen(line) != (size_t)got || line[got - 1] != '\n') {
			staterr_quarantine(file, rec, "cut, or holds a NUL byte");
			rc = -1;
			break;
		}
		if (ss_parse_line(st, line, &ps, err, sizeof(err)) < 0) {
			staterr_quarantine(file, rec, "%s", err);
			rc = -1;
			break;
		}
	}
	if (ferror(f)) {
		staterr_quarantine(file, "file", "read error: %s", strerror(errno));
		rc = -1;
	}
	free(line);
	if (rc == 0 && !ps.version) {
		staterr_quarantine(file, "file", "empty: no \"sim\" header");
		rc = -1;
	} else if (rc == 0 && ps.version >= 2 && !ps.ended) {
		staterr_quarantine(file, "end", "no end line: the file was cut");
		rc = -1;
	}
	if (rc == 0 && sim_state_check(st, err, sizeof(err)) < 0) {
		staterr_quarantine(file, "content", "%s", err);
		rc = -1;
	}
	return rc;
}

static int
ss_load(struct sim_state *st, const char *file)
{
	FILE *f = fopen(file, "re");
	int rc;

	if (!f) {
		st->ndisks = st->npacks = st->nvols = st->nvdisks = 0;
		log_warn("sim", "cannot read %s", file);
		return -2;
	}
	rc = ss_load_stream(st, f, file);
	fclose(f);
	return rc;
}

int
sim_store_undump(struct sim_state *st, const char *buf, size_t len)
{
	FILE *f = fmemopen((void *)buf, len, "r");
	int rc;

	if (!f)
		return -1;
	rc = ss_load_stream(st, f, st->path);
	fclose(f);
	return rc;
}

static int
ss_init_paths(struct sim_state *st, const char *state_dir)
{
	int n1 = snprintf(st->path, sizeof(st->path), "%s/sim.state", state_dir);
	int n2 = snprintf(st->simdir, sizeof(st->simdir), "%s/sim", state_dir);

	if (n1 < 0 || (size_t)n1 >= sizeof(st->path) || n2 < 0 ||
	    (size_t)n2 >= sizeof(st->simdir)) {
		log_warnx("sim", "state directory path too long: %s", state_dir);
		return -1;
	}
	return 0;
}

/* path is damaged: set it aside and fall back on path.prev, or give up. */
static int
ss_recover(struct sim_state *st)
{
	char prev[600], aside[700];

	snprintf(prev, sizeof(prev), "%s.prev", st->path);
	if (atomic_set_aside(st->path, aside, sizeof(aside)) < 0) {
		log_warn("sim", "%s is damaged and cannot be set aside: fix or remove it",
		         st->path);
		return -1;
	}
	if (access(prev, F_OK) == 0 && ss_load(st, prev) == 0) { /* damage there is reported too */
		log_warnx("sim",
		          "%s was damaged (kept as %s): restored the previous generation %s; the "
		          "last change made before the damage may be missing",
		          st->path, aside, prev);
		return sim_store_save(st);
	}
	log_warnx("sim",
	          "%s was damaged (kept as %s) and %s is missing or damaged too: the sim "
	          "provider does not start.  Put a sound copy back as %s, or remove %s to "
	          "start with the default simulated inventory",
	          st->path, aside, prev, st->path, aside);
	return -1;
}

/* A sound file and no previous generation yet: keep a copy (at start only). */
static void
ss_keep_prev(const struct sim_state *st)
{
	char prev[600];

	snprintf(prev, sizeof(prev), "%s.prev", st->path);
	if (access(prev, F_OK) < 0 && errno == ENOENT &&
	    atomic_write(prev, ss_fill, (void *)st) < 0)
		log_warn("sim", "cannot write %s", prev);
}

struct sim_state *
sim_store_open(const char *state_dir)
{
	struct sim_state *st = calloc(1, sizeof(*st));
	char prev[600];

	if (!st || ss_init_paths(st, state_dir) < 0)
		goto fail;
	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST)
		log_warn("sim", "cannot create %s", state_dir);
	if (access(st->path, F_OK) == 0) {
		int rc = ss_load(st, st->path);

		if (rc == -2 || (rc < 0 && ss_recover(st) < 0)) {
			log_warnx("sim", "cannot load %s", st->path);
			goto fail;
		}
		ss_keep_prev(st);
		return st;
	}
	snprintf(prev, sizeof(prev), "%s.prev", st->path);
	if (access(prev, F_OK) == 0) { /* deleted: the previous generation, said */
		if (ss_load(st, prev) < 0 || sim_store_save(st) < 0) {
			log_warnx("sim", "%s is missing and %s cannot be used: fix or remove %s",
			          st->path, prev, prev);
			goto fail;
		}
		log_warnx("sim", "%s was missing: restored the previous generation %s", st->path,
		          prev);
		return st;
	}
	sim_defaults_fill(st);
	if (sim_store_save(st) < 0)
		goto fail;
	log_info("sim", "created default simulated inventory in %s", st->path);
	return st;
fail:
	free(st);
	return NULL;
}

void
sim_store_free(struct sim_state *st)
{
	free(st);
}
