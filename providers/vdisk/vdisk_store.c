/* SPDX-License-Identifier: ISC */
/*
 * vdisk_store.c - the vdisk state file.
 *
 * Format 3: a header line, then "FORMAT TYPE VSIZE PATH" per vdisk (the
 * path last so it may hold blanks; a differencing VHD's line goes on with
 * a tab and its parent's path), then "end N" with the number of vdisk
 * lines, so a cut file is found.  Formats 2 (no parent) and 1 (no end
 * line either) still load.  Every field is range-checked (VSIZE
 * 1..VDR_MAX_VSIZE, absolute paths of printable characters, no path
 * twice); a differencing VHD is a VHD whose parent is a VHD listed too,
 * of its size, at most VDR_CHAIN_MAX levels below a disk that is no
 * differencing one.  A damaged file is reported
 * (staterr: file, line, reason) and vdr_load fails naming the file and how
 * to recover (vdsd then does not start the provider rather than forget the
 * vdisk the previous generation may lack); a missing file is restored from
 * vdisk.state.prev (kept by atomic_write_gen), saying so.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "log.h"
#include "staterr.h"
#include "vdisk_store.h"

#define VDR_HEADER    "# vdsd vdisk provider state v3: FORMAT TYPE VSIZE PATH[<tab>PARENT], then end N"
#define VDR_HEADER_V2 "# vdsd vdisk provider state v2: FORMAT TYPE VSIZE PATH, then end N"
#define VDR_MAX_VSIZE (1ULL << 50)
#define VDR_CHAIN_MAX 8 /* as vhd_open follows (VHD_CHAIN_MAX) */

/* An absolute path of printable characters, l bytes at p, into out; -1 otherwise. */
static int
vdr_path(char out[VDR_PATH_LEN], const char *p, size_t l)
{
	if (l == 0 || p[0] != '/' || l >= VDR_PATH_LEN)
		return -1;
	for (size_t i = 0; i < l; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return -1;
	memcpy(out, p, l);
	out[l] = '\0';
	return 0;
}

static int
vdr_parse(const char *line, struct vdr_rec *r)
{
	unsigned fmt, type;
	uint64_t vsize;
	int pos = 0;
	size_t l, t;

	if (sscanf(line, "%u %u %" SCNu64 " %n", &fmt, &type, &vsize, &pos) != 3 || pos == 0)
		return -1;
	if ((fmt != INV_VF_RAW && fmt != INV_VF_VHD) ||
	    (type != INV_VDT_FIXED && type != INV_VDT_EXPANDABLE && type != INV_VDT_DIFFERENCING) ||
	    vsize == 0 || vsize > VDR_MAX_VSIZE)
		return -1;
	if (fmt == INV_VF_RAW && type == INV_VDT_DIFFERENCING)
		return -1;
	memset(r, 0, sizeof(*r));
	l = strcspn(line + pos, "\n");
	t = strcspn(line + pos, "\t\n");
	if (vdr_path(r->path, line + pos, t) < 0)
		return -1;
	if ((type == INV_VDT_DIFFERENCING) != (t < l)) /* a parent for differencing only */
		return -1;
	if (t < l && vdr_path(r->parent, line + pos + t + 1, l - t - 1) < 0)
		return -1;
	r->format = (enum inv_vdisk_format)fmt;
	r->type = (enum inv_vdisk_type)type;
	r->vsize = vsize;
	return 0;
}

/* Every parent listed, a VHD of its child's size, no chain deeper than VDR_CHAIN_MAX. */
static const char *
vdr_check_chains(const struct vdr_set *s, const char **who)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct vdr_rec *c = &s->v[i];
		unsigned depth = 0;

		*who = c->path;
		while (c->type == INV_VDT_DIFFERENCING) {
			const struct vdr_rec *p = vdr_find(s, c->parent);

			if (!p)
				return "its parent is not listed";
			if (p->format != INV_VF_VHD || p->vsize != c->vsize)
				return "its parent is no VHD of its size";
			if (++depth > VDR_CHAIN_MAX)
				return "a chain of parents too deep, or a loop";
			c = p;
		}
	}
	return NULL;
}

/* Read f (named file) into s and close it: 0, -1 damaged (reported), -2 unreadable. */
static int
vdr_read_f(struct vdr_set *s, FILE *f, const char *file)
{
	char line[2 * VDR_PATH_LEN + 128], rec[32];
	struct vdr_rec r;
	unsigned lineno = 0, n;
	int v2 = 0, ended = 0, pos;
	const char *why, *who;

	vdr_free(s);
	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f)) {
		why = NULL;

		snprintf(rec, sizeof(rec), "line %u", ++lineno);
		if (lineno == 1 &&
		    (strcmp(line, VDR_HEADER "\n") == 0 || strcmp(line, VDR_HEADER_V2 "\n") == 0))
			v2 = 1;
		if (!strchr(line, '\n') || strlen(line) == 0)
			why = "cut, too long or holds a NUL byte";
		else if (line[0] == '#' || line[0] == '\n')
			continue;
		else if (ended)
			why = "a line after the end line";
		else if (v2 && (pos = 0, sscanf(line, "end %u%n", &n, &pos)) == 1 &&
		         line[pos] == '\n')
			why = (ended = 1, n == s->n) ? NULL : "the end line counts another number";
		else if (vdr_parse(line, &r) < 0)
			why = "not FORMAT TYPE VSIZE PATH[<tab>PARENT] in range";
		else if (vdr_find(s, r.path))
			why = "a vdisk listed twice";
		else if (vdr_add(s, &r) < 0)
			why = "out of memory";
		if (why) {
			staterr_quarantine(file, rec, "%s", why);
			fclose(f);
			vdr_free(s);
			return -1;
		}
	}
	fclose(f);
	if (v2 && !ended) {
		staterr_quarantine(file, "end", "no end line: the file was cut");
		vdr_free(s);
		return -1;
	}
	if (lineno == 0) {
		staterr_quarantine(file, "file", "empty");
		return -1;
	}
	if ((why = vdr_check_chains(s, &who))) {
		staterr_quarantine(file, who, "%s", why);
		vdr_free(s);
		return -1;
	}
	return 0;
}

static int
vdr_read(struct vdr_set *s, const char *file)
{
	return vdr_read_f(s, fopen(file, "re"), file);
}

int
vdr_load(struct vdr_set *s, const char *state_dir, char *err, size_t errlen)
{
	char prev[600];
	int rc;

	memset(s, 0, sizeof(*s));
	snprintf(s->file, sizeof(s->file), "%s/vdisk.state", state_dir);
	snprintf(prev, sizeof(prev), "%s.prev", s->file);
	if ((rc = vdr_read(s, s->file)) == 0)
		return 0;
	if (rc == -1) { /* the previous generation may lack the last vdisk: no guess */
		snprintf(err, errlen,
		         "%s is damaged (see the quarantine line before): fix or remove that "
		         "line, or put %s back as %s if it lists every vdisk",
		         s->file, prev, s->file);
		return -1;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", s->file, strerror(errno));
		return -1;
	}
	if (access(prev, F_OK) < 0)
		return 0;
	if (vdr_read(s, prev) == 0 && vdr_save(s) == 0) {
		log_warnx("vdisk", "%s was missing: restored the previous generation %s", s->file,
		          prev);
		return 0;
	}
	snprintf(err, errlen, "%s is missing and %s is damaged: fix %s or remove it", s->file, prev,
	         prev);
	return -1;
}

static int
vdr_fill(FILE *f, void *arg)
{
	const struct vdr_set *s = arg;

	fprintf(f, "%s\n", VDR_HEADER);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%u %u %" PRIu64 " %s%s%s\n", (unsigned)s->v[i].format,
		        (unsigned)s->v[i].type, s->v[i].vsize, s->v[i].path,
		        s->v[i].parent[0] ? "\t" : "", s->v[i].parent);
	fprintf(f, "end %zu\n", s->n);
	return ferror(f) ? -1 : 0;
}

int
vdr_save(const struct vdr_set *s)
{
	return atomic_write_gen(s->file, vdr_fill, (void *)s);
}

int
vdr_dump(const struct vdr_set *s, char **buf, size_t *len)
{
	return atomic_fill_mem(vdr_fill, (void *)s, buf, len);
}

int
vdr_undump(struct vdr_set *s, const char *buf, size_t len)
{
	if (len == 0) { /* no file: no vdisk */
		vdr_free(s);
		return 0;
	}
	return vdr_read_f(s, fmemopen((void *)buf, len, "r"), s->file) == 0 ? 0 : -1;
}

void
vdr_free(struct vdr_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

struct vdr_rec *
vdr_find(const struct vdr_set *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].path, path) == 0)
			return &s->v[i];
	return NULL;
}

int
vdr_add(struct vdr_set *s, const struct vdr_rec *r)
{
	struct vdr_rec *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	s->v = v;
	s->v[s->n++] = *r;
	return 0;
}

size_t
vdr_children(const struct vdr_set *s, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].parent[0] && strcmp(s->v[i].parent, path) == 0;
	return n;
}

void
vdr_del(struct vdr_set *s, const char *path)
{
	struct vdr_rec *r = vdr_find(s, path);

	if (!r)
		return;
	memmove(r, r + 1, (size_t)(s->v + s->n - (r + 1)) * sizeof(*r));
	s->n--;
}
