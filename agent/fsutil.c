/* SPDX-License-Identifier: ISC */
/*
 * fsutil.c - file system tools for the providers' worker half (fsutil.h):
 * a tool run with its progress parsed from its output, signatures erased
 * and file systems read back with libblkid, a device formatted.
 */
#include "config.h"

#include <blkid.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "fsspec.h"
#include "fsutil.h"
#include "log.h"

#define FSU_MAX_ARGS   12
#define FSU_ZERO_CHUNK (64ULL * 1048576)

static void
fsu_report(struct fsu_prog *p, double frac)
{
	unsigned pc;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	pc = p->lo + (unsigned)((p->hi - p->lo) * frac);
	if (pc > p->last) {
		p->last = pc;
		prov_job_progress(p->j, pc, p->what);
	}
}

static void
fsu_line(struct fsu_prog *p)
{
	unsigned pass;
	unsigned long long cur, max;
	const char *s;
	char c;

	p->line[p->ll] = '\0';
	p->ll = 0;
	if (sscanf(p->line, "%u %llu %llu", &pass, &cur, &max) == 3 && max && pass >= 1 &&
	    p->npasses)
		fsu_report(p, ((pass - 1) + (double)cur / max) / p->npasses); /* e2fsck -C 1 */
	else if (sscanf(p->line, "Begin pass %u", &pass) == 1) {
		p->pass = pass;
		p->xs = 0;
	} else if ((s = strstr(p->line, "minimum size of the filesystem:")))
		p->min_blocks = strtoull(s + 31, NULL, 10);
	else if (sscanf(p->line, "%llu bytes (%c", &cur, &c) == 2)
		p->min_bytes = cur;
	else if ((s = strrchr(p->line, ':')) && sscanf(s + 1, " %llu/%llu", &cur, &max) == 2 && max)
		fsu_report(p, (double)cur / max); /* mkfs.ext4: "Writing inode tables: 3/8" */
}

static void
fsu_data(void *arg, const char *buf, size_t n)
{
	struct fsu_prog *p = arg;

	for (size_t i = 0; i < n; i++) {
		/* resize2fs -p: "Label    ----...----XXXX", one X per 1/40, no newline */
		if (buf[i] == 'X' && p->pass && p->ll && p->npasses &&
		    (p->line[p->ll - 1] == '-' || p->line[p->ll - 1] == 'X')) {
			p->xs++;
			fsu_report(p, ((p->pass - 1) + p->xs / 40.0) / p->npasses);
		}
		/* mkfs.ext4 rewrites its counters in place with backspaces */
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\b') {
			if (p->ll)
				fsu_line(p);
			continue;
		}
		if (p->ll < sizeof(p->line) - 1)
			p->line[p->ll++] = buf[i];
	}
}

enum vds_result
fsu_run(const char *const *argv, struct fsu_prog *pg, int killable, int ok_status, char *msg,
        size_t msglen)
{
	struct child t = {
	    .argv = argv, .merge = 1, .data = fsu_data, .arg = pg, .j = killable ? pg->j : NULL};
	char *nl, *err;

	if (child_run(&t) < 0 || t.exec_errno) {
		snprintf(msg, msglen, "cannot run %s", argv[0]);
		return VDS_R_TOOL_FAILED;
	}
	if (t.cancelled) {
		snprintf(msg, msglen, "cancelled while %s", pg->what);
		return VDS_R_CANCELLED;
	}
	if (t.status == 0 || (ok_status > 0 && t.status == ok_status))
		return VDS_R_OK;
	while ((nl = strrchr(t.tail, '\n')) && nl[1] == '\0')
		*nl = '\0';
	/* the tool's "ERROR: ..." line (btrfs prints a summary after it), else the last line */
	if ((err = strstr(t.tail, "ERROR: ")) && (err == t.tail || err[-1] == '\n'))
		err[strcspn(err, "\n")] = '\0';
	else
		err = (nl = strrchr(t.tail, '\n')) ? nl + 1 : t.tail;
	snprintf(msg, msglen, "%s failed (%s %d): %s", argv[0],
	         t.status > 128 ? "signal" : "status", t.status > 128 ? t.status - 128 : t.status,
	         err);
	return VDS_R_TOOL_FAILED;
}

int
fsu_tool(const char *name, char *buf, size_t len, char *msg, size_t msglen)
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	buf[0] = '\0';
	snprintf(msg, msglen, "%s is not installed", name);
	return -1;
}

int
fsu_wipe(int fd, const char *path, char *msg, size_t msglen)
{
	blkid_probe pr = blkid_new_probe();
	int n = 0, rc;

	if (!pr || blkid_probe_set_device(pr, fd, 0, 0) != 0) {
		snprintf(msg, msglen, "cannot probe %s", path);
		if (pr)
			blkid_free_probe(pr);
		return -1;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
	/* each pass finds the next signature (after the primary GPT, its backup) */
	while ((rc = blkid_do_probe(pr)) == 0) {
		if (blkid_do_wipe(pr, 0) != 0) {
			snprintf(msg, msglen, "cannot erase a signature on %s: %m", path);
			blkid_free_probe(pr);
			return -1;
		}
		if (++n > 64)
			break; /* a signature that does not go away: stop */
	}
	blkid_free_probe(pr);
	if (rc < 0) {
		snprintf(msg, msglen, "cannot read the signatures of %s", path);
		return -1;
	}
	return n;
}

static void
fsu_lookup(blkid_probe pr, const char *name, char *dst, size_t len)
{
	const char *v = NULL;

	dst[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v)
		snprintf(dst, len, "%s", v);
}

int
fsu_read_fs(const char *dev, char type[16], char label[64], char uuid[40])
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	blkid_probe pr = fd >= 0 ? blkid_new_probe() : NULL;
	int rc = -1;

	type[0] = label[0] = uuid[0] = '\0';
	if (pr && blkid_probe_set_device(pr, fd, 0, 0) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
		                                          BLKID_SUBLKS_UUID);
		blkid_probe_enable_partitions(pr, 0);
		if (blkid_do_safeprobe(pr) == 0) {
			fsu_lookup(pr, "TYPE", type, 16);
			fsu_lookup(pr, "LABEL", label, 64);
			fsu_lookup(pr, "UUID", uuid, 40);
			rc = type[0] ? 0 : -1;
		}
	}
	if (pr)
		blkid_free_probe(pr);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Zero [off, off + len) of fd: the kernel's ways first, then writes. */
static int
fsu_zero_range(int fd, int blk, uint64_t off, uint64_t len, char **buf)
{
	uint64_t range[2] = {off, len};

	if (blk && ioctl(fd, BLKZEROOUT, range) == 0)
		return 0;
	if (!blk &&
	    fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (!*buf && !(*buf = calloc(1, FSU_ZERO_CHUNK)))
		return -1;
	while (len) {
		ssize_t n =
		    pwrite(fd, *buf, len < FSU_ZERO_CHUNK ? len : FSU_ZERO_CHUNK, (off_t)off);

		if (n <= 0)
			return -1;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

enum vds_result
fsu_zero(int fd, const char *dev, uint64_t size, struct prov_job *j, unsigned lo, unsigned hi,
         char *msg, size_t msglen)
{
	struct stat st;
	char *buf = NULL;
	int blk = fstat(fd, &st) == 0 && S_ISBLK(st.st_mode);
	uint64_t bsize;

	if (blk && ioctl(fd, BLKGETSIZE64, &bsize) == 0)
		size = bsize;
	for (uint64_t off = 0; off < size; off += FSU_ZERO_CHUNK) {
		uint64_t len = size - off < FSU_ZERO_CHUNK ? size - off : FSU_ZERO_CHUNK;

		if (prov_job_stopping()) {
			free(buf);
			snprintf(msg, msglen, "vdsd stopped after %llu of %llu bytes were zeroed",
			         (unsigned long long)off, (unsigned long long)size);
			return VDS_R_INTERRUPTED;
		}
		if (fsu_zero_range(fd, blk, off, len, &buf) < 0) {
			free(buf);
			snprintf(msg, msglen, "cannot zero %s at %llu: %m", dev,
			         (unsigned long long)off);
			return VDS_R_IO_ERROR;
		}
		prov_job_progress(j, lo + (unsigned)((hi - lo) * (off + len) / size),
		                  "zeroing blocks");
	}
	free(buf);
	return VDS_R_OK;
}

enum vds_result
fsu_clean(int fd, const char *dev, uint64_t size, int full, struct prov_job *j, unsigned lo,
          unsigned hi, int *nerased, char *msg, size_t msglen)
{
	int n = fsu_wipe(fd, dev, msg, msglen);
	enum vds_result r;

	if (nerased)
		*nerased = n;
	if (n < 0)
		return VDS_R_IO_ERROR;
	if (full && (r = fsu_zero(fd, dev, size, j, lo, hi, msg, msglen)) != VDS_R_OK)
		return r;
	if (fsync(fd) < 0) {
		snprintf(msg, msglen, "cannot flush %s: %m", dev);
		return VDS_R_IO_ERROR;
	}
	return VDS_R_OK;
}

enum vds_result
fsu_wipe_dev(const char *dev, char *msg, size_t msglen)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	enum vds_result r;

	if (fd < 0) {
		snprintf(msg, msglen, "cannot open %s: %m", dev);
		return VDS_R_IO_ERROR;
	}
	r = fsu_clean(fd, dev, 0, 0, NULL, 0, 0, NULL, msg, msglen);
	close(fd);
	return r;
}

static enum vds_result
fsu_mkfs(const struct fsspec *spec, const char *dev, const char *label, unsigned alloc_unit,
         struct prov_job *j, char *msg, size_t msglen)
{
	const char *argv[FSU_MAX_ARGS];
	char tool[64], au[32];
	struct fsu_prog pg = {.j = j, .lo = 20, .hi = 85, .what = "writing file system"};
	int vfat = strcmp(spec->name, "vfat") == 0, xfs = strcmp(spec->name, "xfs") == 0;
	size_t n = 0;

	if (fsu_tool(spec->mkfs, tool, sizeof(tool), msg, msglen) < 0)
		return VDS_R_NOT_SUPPORTED;
	argv[n++] = tool;
	argv[n++] = vfat ? "-I" : strncmp(spec->name, "ext", 3) == 0 ? "-F" : "-f";
	if (label[0]) {
		argv[n++] = vfat ? "-n" : "-L";
		argv[n++] = label;
	}
	if (alloc_unit) {
		if (vfat) /* sectors per cluster, of 512 bytes */
			snprintf(au, sizeof(au), "%u", alloc_unit < 512 ? 1 : alloc_unit / 512);
		else
			snprintf(au, sizeof(au), "%s%u", xfs ? "size=" : "", alloc_unit);
		argv[n++] = vfat ? "-s" : strcmp(spec->name, "btrfs") == 0 ? "-s" : "-b";
		argv[n++] = au;
	}
	argv[n++] = dev;
	argv[n] = NULL;
	prov_job_progress(j, 20, pg.what);
	return fsu_run(argv, &pg, 0, -1, msg, msglen);
}

/* The new file system as libblkid reads it: the type and label asked for. */
static enum vds_result
fsu_read_back(const struct fsspec *spec, const char *dev, const char *want_label, char *msg,
              size_t msglen)
{
	char type[16], label[64], uuid[40];

	if (fsu_read_fs(dev, type, label, uuid) < 0) {
		snprintf(msg, msglen, "no file system on %s after %s", dev, spec->mkfs);
		return VDS_R_TOOL_FAILED;
	}
	if (strcmp(type, spec->name) != 0 || strcmp(label, want_label) != 0) {
		snprintf(msg, msglen, "%s reads back as %s \"%s\", not %s \"%s\"", dev, type, label,
		         spec->name, want_label);
		return VDS_R_TOOL_FAILED;
	}
	log_info("fs", "%s: %s \"%s\" UUID %s", dev, type, label, uuid);
	return VDS_R_OK;
}

enum vds_result
fsu_format(const char *dev, const struct fsspec *spec, const char *label, unsigned alloc_unit,
           struct prov_job *j, char *msg, size_t msglen)
{
	enum vds_result r;

	prov_job_progress(j, 10, "wiping signatures");
	if ((r = fsu_wipe_dev(dev, msg, msglen)) != VDS_R_OK ||
	    (r = fsu_mkfs(spec, dev, label, alloc_unit, j, msg, msglen)) != VDS_R_OK)
		return r;
	prov_job_progress(j, 90, "reading file system");
	return fsu_read_back(spec, dev, label, msg, msglen);
}
