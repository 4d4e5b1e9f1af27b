/*
 * sim_store.c - <stateDir>/sim.state: the sim provider's simulated storage.
 *
 * A line-oriented text file, rewritten whole on every change (tmp file,
 * fsync, rename, fsync of the directory), so a crash leaves the old or the
 * new state, never a torn one.  '#' lines are comments.  The first record is
 * "sim 1 next-serial=N" (format version 1).  Every other line is a record
 * type followed by key=value fields; values are percent-encoded (any byte
 * outside [A-Za-z0-9._:/,+-] becomes %XX), so "label=my%20data" is "my data".
 * Unknown keys are ignored; a part/plex line follows its disk/volume line.
 *
 *   disk   name= size= style=none|mbr|gpt table= serial= pack= vdisk=
 *   part   disk= number= offset= size= type= name= uuid= fs= label= fsuuid=
 *          used= mounted=0|1
 *   pack   name=
 *   volume name= pack= type=simple|spanned|striped|mirror|parity size=
 *          stripe= fs= label= fsuuid= used= mounted=0|1
 *   plex   volume= number= devices=DISK[,DISK...]
 *   vdisk  path= size= format=raw|vhd type=fixed|expandable attached=0|1
 *          readonly=0|1 disk=SIMDISK
 *
 * Sizes and offsets are bytes.  "used" is the file system's data, the limit
 * of a shrink.  A vdisk's contents live in a disk line with vdisk=PATH that
 * is shown in the disk table only while the vdisk is attached.
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
                                         [INV_VDT_EXPANDABLE + 1] = NULL};

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
                                           {NULL, 0, 0, 0, NULL}};

#undef F

/* ---- writing ---- */

static void
ss_put_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("._:/,+-", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

static void
ss_put_fields(FILE *f, const struct ss_field *fl, const void *obj)
{
	const char *base = obj;

	for (; fl->key; fl++) {
		const void *m = base + fl->off;

		fprintf(f, " %s=", fl->key);
		switch (fl->kind) {
		case SS_STR:
			ss_put_str(f, m);
			break;
		case SS_U64:
			fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)m);
			break;
		case SS_U32:
			fprintf(f, "%u", *(const uint32_t *)m);
			break;
		case SS_BOOL:
			fprintf(f, "%d", *(const int *)m ? 1 : 0);
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
	size_t i, j;

	fputs("# vdsd sim provider state: rewritten by vdsd, see providers/sim_store.c\n", f);
	fprintf(f, "sim 1 next-serial=%u\n", st->next_serial);
	for (i = 0; i < st->npacks; i++) {
		fputs("pack", f);
		ss_put_fields(f, ss_pack, &st->packs[i]);
	}
	for (i = 0; i < st->ndisks; i++) {
		fputs("disk", f);
		ss_put_fields(f, ss_disk, &st->disks[i]);
		for (j = 0; j < st->disks[i].nparts; j++) {
			fputs("part disk=", f);
			ss_put_str(f, st->disks[i].name);
			ss_put_fields(f, ss_part, &st->disks[i].parts[j]);
		}
	}
	for (i = 0; i < st->nvols; i++) {
		fputs("volume", f);
		ss_put_fields(f, ss_vol, &st->vols[i]);
		for (j = 0; j < st->vols[i].nplexes; j++) {
			fputs("plex volume=", f);
			ss_put_str(f, st->vols[i].name);
			ss_put_fields(f, ss_plex, &st->vols[i].plexes[j]);
		}
	}
	for (i = 0; i < st->nvdisks; i++) {
		fputs("vdisk", f);
		ss_put_fields(f, ss_vdisk, &st->vdisks[i]);
	}
}

static int
ss_fill(FILE *f, void *arg)
{
	ss_write(f, arg);
	return 0;
}

int
sim_store_save(const struct sim_state *st)
{
	if (atomic_write(st->path, ss_fill, (void *)st) < 0) {
		log_warn("sim", "cannot write %s", st->path);
		return -1;
	}
	return 0;
}

/* ---- reading ---- */

static int
ss_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX in place; -1 on a bad escape. */
static int
ss_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if (ss_hex(s[1]) < 0 || ss_hex(s[2]) < 0)
			return -1;
		*w++ = (char)(ss_hex(s[1]) * 16 + ss_hex(s[2]));
		s += 2;
	}
	*w = '\0';
	return 0;
}

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
		if (eq && ss_unescape(kv[*n].val) < 0) {
			snprintf(err, len, "bad escape in %s", tok);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

static int
ss_parse_line(struct sim_state *st, char *line, int *seen_header, char *err, size_t len)
{
	struct ss_kv kv[SS_MAXKV];
	const struct ss_field *fl;
	char *type;
	const char *serial;
	size_t n, i;
	void *obj;

	if (ss_split(line, &type, kv, &n, err, len) < 0)
		return -1;
	if (!type || type[0] == '#')
		return 0;
	if (!*seen_header) {
		if (strcmp(type, "sim") != 0 || n < 1 || kv[0].val || strcmp(kv[0].key, "1") != 0 ||
		    !(serial = ss_get(kv, n, "next-serial"))) {
			snprintf(err, len, "not a version 1 sim state file (no \"sim 1\" header)");
			return -1;
		}
		st->next_serial = (unsigned)strtoul(serial, NULL, 10);
		*seen_header = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!kv[i].val) {
			snprintf(err, len, "malformed field \"%s\"", kv[i].key);
			return -1;
		}
	obj = ss_new_record(st, type, kv, n, &fl);
	if (!obj) {
		snprintf(err, len, "unknown, orphaned or too many \"%s\" records", type);
		return -1;
	}
	return ss_apply(fl, obj, kv, n, err, len);
}

static int
ss_load(struct sim_state *st, FILE *f)
{
	char *line = NULL, err[160];
	size_t cap = 0;
	unsigned lineno = 0;
	int header = 0, rc = 0;

	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (ss_parse_line(st, line, &header, err, sizeof(err)) < 0) {
			log_warnx("sim", "%s:%u: %s", st->path, lineno, err);
			rc = -1;
			break;
		}
	}
	free(line);
	if (rc == 0 && !header) {
		log_warnx("sim", "%s: empty state file", st->path);
		rc = -1;
	}
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

struct sim_state *
sim_store_open(const char *state_dir)
{
	struct sim_state *st = calloc(1, sizeof(*st));
	FILE *f;

	if (!st || ss_init_paths(st, state_dir) < 0)
		goto fail;
	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST)
		log_warn("sim", "cannot create %s", state_dir);
	f = fopen(st->path, "re");
	if (!f && errno != ENOENT) {
		log_warn("sim", "cannot open %s", st->path);
		goto fail;
	}
	if (f) {
		int rc = ss_load(st, f);

		fclose(f);
		if (rc < 0)
			goto fail;
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
