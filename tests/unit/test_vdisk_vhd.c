/* SPDX-License-Identifier: ISC */
/*
 * test_vdisk_vhd.c - dynamic and differencing VHDs
 * (providers/vdisk/vdisk_vhd.c), checked by tools that are not vdsd's:
 * qemu (qemu-img info/convert, qemu-io writes) reads and writes dynamic
 * VHDs, libvhdi (vhdiinfo, vhdimount) reads differencing chains.
 *
 * - a dynamic VHD made here: qemu sees its size, reads what was written
 *   here, and what qemu-io wrote reads back here;
 * - a differencing VHD over a dynamic VHD qemu made: vhdiinfo names the
 *   parent's identifier and file name, vhdimount reads the same disk as
 *   vhd_read, the parent is left unchanged;
 * - merge: into the parent (qemu-img convert of the parent = the child's
 *   view), two levels up, the child emptied and still reading the same,
 *   a cancelled merge leaving the child reading the same;
 * - damaged files refused: footer checksum, a BAT entry outside the file,
 *   two entries on one block, a parent that is another VHD, a missing
 *   parent, a chain that names itself.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdisk/vdisk_image.h"
#include "vdisk/vdisk_vhd.h"
#include "testutil.h"

#define MIB  (1024ULL * 1024)
#define SIZE (64 * MIB)

void vdisk_vhd_suite(void);

static char dir[64];
static int have_vhdi; /* vhdiinfo and a vhdimount that can mount (FUSE) */

static const char *
at(const char *name)
{
	static char path[4][128];
	static unsigned k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

/* The whole virtual disk as vhd_read gives it, into a raw file. */
static int
dump(const char *vhd, const char *raw)
{
	char msg[256], *buf = malloc(MIB);
	struct vhd *v;
	FILE *f = fopen(raw, "we");
	int rc = -1;

	if (!buf || !f || vhd_open(&v, vhd, 0, msg, sizeof(msg)) < 0)
		goto out;
	rc = 0;
	for (uint64_t off = 0; off < v->size && rc == 0; off += MIB) {
		size_t n = v->size - off < MIB ? (size_t)(v->size - off) : MIB;

		if (vhd_read(v, buf, off, n) < 0 || fwrite(buf, 1, n, f) != n)
			rc = -1;
	}
	vhd_close(v);
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

/* n bytes of byte c at off, through vhd_write. */
static int
fill(const char *vhd, uint64_t off, size_t n, int c)
{
	char msg[256], *buf = malloc(n);
	struct vhd *v;
	int rc = -1;

	if (buf && vhd_open(&v, vhd, 1, msg, sizeof(msg)) == 0) {
		memset(buf, c, n);
		rc = vhd_write(v, buf, off, n);
		vhd_close(v);
	}
	free(buf);
	return rc;
}

/* The same bytes into a plain raw file: what the disk must read. */
static void
expect_fill(const char *raw, uint64_t off, size_t n, int c)
{
	CU_ASSERT_EQUAL(run_capture(NULL, 0,
	                            "perl -e 'print chr(%d) x %zu' | dd of=%s bs=512 seek=%" PRIu64
	                            " conv=notrunc status=none",
	                            c, n, raw, off / 512),
	                0);
}

static int
same(const char *a, const char *b)
{
	return run_capture(NULL, 0, "cmp -s %s %s", a, b) == 0;
}

static void
test_dynamic(void)
{
	char msg[256], out[4096];
	struct vhd *v;

	CU_ASSERT_EQUAL_FATAL(vhd_create(at("d.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(vhd_create(at("d.vhd"), SIZE, NULL, msg, sizeof(msg)), -1); /* O_EXCL */
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("d.vhd"), 0, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(v->type, VDI_VHD_DYNAMIC);
	CU_ASSERT_EQUAL(vhd_allocated(v), 0);
	CU_ASSERT_EQUAL(v->size, vdi_virtual_size(INV_VF_VHD, SIZE));
	vhd_close(v);
	/* qemu: a vpc image of that size */
	CU_ASSERT_EQUAL(
	    run_capture(out, sizeof(out), "qemu-img info -f vpc --output=json %s", at("d.vhd")), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"virtual-size\": 67125248"));
	/* written here (across a block boundary, and a last partial block), read by qemu */
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "truncate -s %d %s", 67125248, at("d.want")), 0);
	CU_ASSERT_EQUAL(fill(at("d.vhd"), 3 * MIB + 512, 2 * MIB, 'a'), 0);
	expect_fill(at("d.want"), 3 * MIB + 512, 2 * MIB, 'a');
	CU_ASSERT_EQUAL(fill(at("d.vhd"), 67125248ULL - 4096, 4096, 'z'), 0);
	expect_fill(at("d.want"), 67125248ULL - 4096, 4096, 'z');
	/* written by qemu-io, read here */
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "qemu-io -f vpc -c 'write -P 0x71 9M 1536' %s", at("d.vhd")), 0);
	expect_fill(at("d.want"), 9 * MIB, 1536, 0x71);
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "qemu-img convert -f vpc -O raw %s %s", at("d.vhd"), at("d.qemu")),
	    0);
	CU_ASSERT(same(at("d.qemu"), at("d.want")));
	CU_ASSERT_EQUAL(dump(at("d.vhd"), at("d.mine")), 0);
	CU_ASSERT(same(at("d.mine"), at("d.want")));
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("d.vhd"), 0, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(vhd_allocated(v), 4 * (VHD_BLOCK_SIZE + 512)); /* blocks 1, 2, 4, 31 */
	vhd_close(v);
}

/* Grown in the BAT's padding, then past it (the BAT moves): qemu sees the size and the data. */
static void
test_expand(void)
{
	char msg[256], out[4096];
	struct vhd *v;
	uint64_t bat0;

	CU_ASSERT_EQUAL_FATAL(vhd_create(at("e.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "truncate -s 67125248 %s", at("e.want")), 0);
	CU_ASSERT_EQUAL(fill(at("e.vhd"), 5 * MIB, MIB, 'e'), 0);
	expect_fill(at("e.want"), 5 * MIB, MIB, 'e');
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("e.vhd"), 0, msg, sizeof(msg)), 0);
	bat0 = v->bat_off;
	vhd_close(v);
	/* 200 MiB: 100 entries fit the 512 bytes the BAT of 32 takes */
	CU_ASSERT_EQUAL(vhd_expand(at("e.vhd"), 200 * MIB, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("e.vhd"), 0, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(v->bat_off, bat0);
	CU_ASSERT_EQUAL(v->size, vdi_virtual_size(INV_VF_VHD, 200 * MIB));
	vhd_close(v);
	/* 1 GiB: 512 entries, the BAT moves to the end */
	CU_ASSERT_EQUAL(vhd_expand(at("e.vhd"), 1024 * MIB, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("e.vhd"), 0, msg, sizeof(msg)), 0);
	CU_ASSERT(v->bat_off > bat0);
	CU_ASSERT_EQUAL(v->nbat, (v->size + VHD_BLOCK_SIZE - 1) / VHD_BLOCK_SIZE);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "truncate -s %" PRIu64 " %s", v->size, at("e.want")),
	                0);
	vhd_close(v);
	CU_ASSERT_EQUAL(vhd_expand(at("e.vhd"), 512 * MIB, msg, sizeof(msg)), -1); /* no shrink */
	/* qemu writes past the old end; both readers agree with the expected disk */
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "qemu-io -f vpc -c 'write -P 0x45 900M 3M' %s", at("e.vhd")), 0);
	expect_fill(at("e.want"), 900 * MIB, 3 * MIB, 0x45);
	CU_ASSERT_EQUAL(fill(at("e.vhd"), 700 * MIB, 4096, 'n'), 0);
	expect_fill(at("e.want"), 700 * MIB, 4096, 'n');
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out), "qemu-img compare -q -f vpc -F raw %s %s",
	                            at("e.vhd"), at("e.want")),
	                0);
	CU_ASSERT_EQUAL(dump(at("e.vhd"), at("e.mine")), 0);
	CU_ASSERT(same(at("e.mine"), at("e.want")));
	if (have_vhdi) {
		CU_ASSERT_EQUAL(run_capture(out, sizeof(out), "vhdiinfo %s", at("e.vhd")), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "Dynamic"));
	}
	unlink(at("e.mine"));
	unlink(at("e.want"));
}

/* p.vhd made by qemu with 'P' in [1M, 5M); c.vhd over it, 'c' in [4M, 6M) and one sector. */
static void
make_chain(void)
{
	char msg[256], out[4096];
	struct vhd *v;

	unlink(at("p.vhd"));
	unlink(at("c.vhd"));
	CU_ASSERT_EQUAL_FATAL(
	    run_capture(NULL, 0,
	                "qemu-img create -q -f vpc -o subformat=dynamic %s 64M && "
	                "qemu-io -f vpc -c 'write -P 0x50 1M 4M' %s",
	                at("p.vhd"), at("p.vhd")),
	    0);
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("c.vhd"), 0, at("p.vhd"), msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("c.vhd"), 0, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(v->type, VDI_VHD_DIFF);
	CU_ASSERT_STRING_EQUAL(v->parent_path, at("p.vhd"));
	CU_ASSERT_PTR_NOT_NULL(v->parent);
	vhd_close(v);
	CU_ASSERT_EQUAL(
	    run_capture(out, sizeof(out), "qemu-img info -f vpc --output=json %s", at("p.vhd")), 0);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "qemu-img convert -f vpc -O raw %s %s && cp %s %s",
	                            at("p.vhd"), at("p.want"), at("p.want"), at("c.want")),
	                0);
	CU_ASSERT_EQUAL(fill(at("c.vhd"), 4 * MIB, 2 * MIB, 'c'), 0);
	expect_fill(at("c.want"), 4 * MIB, 2 * MIB, 'c');
	CU_ASSERT_EQUAL(fill(at("c.vhd"), 40 * MIB + 1024, 512, 'x'), 0);
	expect_fill(at("c.want"), 40 * MIB + 1024, 512, 'x');
}

/* vhdimount's layer N of vhd equals raw (libvhdi reads the chain on its own). */
static void
vhdi_reads(const char *vhd, int layer, const char *raw)
{
	char mnt[128];

	if (!have_vhdi)
		return;
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	CU_ASSERT_EQUAL(run_capture(NULL, 0,
	                            "mkdir -p %s && vhdimount %s %s >/dev/null && "
	                            "cmp %s/vhdi%d %s; rc=$?; umount %s; exit $rc",
	                            mnt, vhd, mnt, mnt, layer, raw, mnt),
	                0);
}

static void
test_differencing(void)
{
	char out[4096], pid[64], msg[256];
	uint8_t bm;
	struct vhd *v;

	make_chain();
	CU_ASSERT_EQUAL(dump(at("c.vhd"), at("c.mine")), 0);
	CU_ASSERT(same(at("c.mine"), at("c.want")));
	/* the one sector written in block 20 is its third: bit 5 of the bitmap's
	 * first byte (most significant first, as the specification and blktap have it) */
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("c.vhd"), 0, msg, sizeof(msg)), 0);
	CU_ASSERT_FATAL(v->bat[20] != UINT32_MAX);
	CU_ASSERT(pread(v->fd, &bm, 1, (off_t)v->bat[20] * 512) == 1);
	CU_ASSERT_EQUAL(bm, 0x20);
	vhd_close(v);
	/* the parent is unchanged (qemu reads it as before) */
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "qemu-img convert -f vpc -O raw %s %s", at("p.vhd"), at("p.now")),
	    0);
	CU_ASSERT(same(at("p.now"), at("p.want")));
	if (!have_vhdi)
		return;
	CU_ASSERT_EQUAL(run_capture(pid, sizeof(pid),
	                            "vhdiinfo %s | sed -n 's/^\\tIdentifier\\t*: //p'",
	                            at("p.vhd")),
	                0);
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out), "vhdiinfo %s", at("c.vhd")), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Differential"));
	CU_ASSERT(pid[0] && strstr(out, pid) != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Parent filename\t\t: p.vhd"));
	vhdi_reads(at("c.vhd"), 2, at("c.want"));
	vhdi_reads(at("c.vhd"), 1, at("p.want"));
}

static int
cancel_at_50(void *arg, unsigned percent)
{
	(*(unsigned *)arg)++;
	return percent >= 50;
}

static int
count_steps(void *arg, unsigned percent)
{
	unsigned *last = arg;

	CU_ASSERT(percent >= *last && percent <= 100);
	*last = percent;
	return 0;
}

static void
test_merge(void)
{
	char msg[256];
	struct vhd *v;
	unsigned calls = 0, last = 0;

	make_chain();
	/* cancelled half way: the child still reads the same */
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("c.vhd"), 1, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(vhd_merge(v, 1, cancel_at_50, &calls, msg, sizeof(msg)), -1);
	CU_ASSERT_EQUAL(errno, ECANCELED);
	CU_ASSERT(calls > 0);
	vhd_close(v);
	CU_ASSERT_EQUAL(dump(at("c.vhd"), at("c.mine")), 0);
	CU_ASSERT(same(at("c.mine"), at("c.want")));
	/* merged: the parent (read by qemu) is the child's view; the child is empty over it */
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("c.vhd"), 1, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(vhd_merge(v, 1, count_steps, &last, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(last, 100);
	CU_ASSERT_EQUAL(vhd_allocated(v), 0);
	vhd_close(v);
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "qemu-img convert -f vpc -O raw %s %s", at("p.vhd"), at("p.now")),
	    0);
	CU_ASSERT(same(at("p.now"), at("c.want")));
	CU_ASSERT_EQUAL(dump(at("c.vhd"), at("c.mine")), 0);
	CU_ASSERT(same(at("c.mine"), at("c.want")));
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "test $(stat -c %%s %s) -eq %d", at("c.vhd"),
	                            512 + 1024 + 512 + 1024 + 512),
	                0);
	vhdi_reads(at("c.vhd"), 2, at("c.want"));
}

/* g.vhd (qemu) <- p2.vhd <- c2.vhd, each written; c2 merged two levels into g. */
static void
test_merge_two_levels(void)
{
	char msg[256];
	struct vhd *v;

	unlink(at("g.vhd"));
	unlink(at("p2.vhd"));
	unlink(at("c2.vhd"));
	CU_ASSERT_EQUAL_FATAL(
	    run_capture(NULL, 0,
	                "qemu-img create -q -f vpc -o subformat=dynamic %s 32M && "
	                "qemu-io -f vpc -c 'write -P 0x47 0 8M' %s && "
	                "qemu-img convert -f vpc -O raw %s %s",
	                at("g.vhd"), at("g.vhd"), at("g.vhd"), at("c2.want")),
	    0);
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("p2.vhd"), 0, at("g.vhd"), msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("c2.vhd"), 0, at("p2.vhd"), msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(fill(at("p2.vhd"), 6 * MIB, 4 * MIB, 'p'), 0);
	expect_fill(at("c2.want"), 6 * MIB, 4 * MIB, 'p');
	CU_ASSERT_EQUAL(fill(at("c2.vhd"), 7 * MIB, 4096, 'C'), 0);
	expect_fill(at("c2.want"), 7 * MIB, 4096, 'C');
	CU_ASSERT_EQUAL(fill(at("c2.vhd"), 20 * MIB, MIB, 'C'), 0);
	expect_fill(at("c2.want"), 20 * MIB, MIB, 'C');
	vhdi_reads(at("c2.vhd"), 3, at("c2.want"));
	/* one sector over the parent's data: libvhdi reads bitmaps a byte (4 KiB) at a
	 * time, so only vdsd's reader and, after the merge, qemu check this one */
	CU_ASSERT_EQUAL(fill(at("c2.vhd"), 9 * MIB + 512, 512, 'C'), 0);
	expect_fill(at("c2.want"), 9 * MIB + 512, 512, 'C');
	CU_ASSERT_EQUAL(dump(at("c2.vhd"), at("c2.mine")), 0);
	CU_ASSERT(same(at("c2.mine"), at("c2.want")));
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("c2.vhd"), 1, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(vhd_merge(v, 3, NULL, NULL, msg, sizeof(msg)), -1); /* only 2 levels */
	CU_ASSERT_EQUAL(vhd_merge(v, 2, NULL, NULL, msg, sizeof(msg)), 0);
	CU_ASSERT_STRING_EQUAL(v->parent_path, at("g.vhd"));
	vhd_close(v);
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "qemu-img convert -f vpc -O raw %s %s", at("g.vhd"), at("g.now")),
	    0);
	CU_ASSERT(same(at("g.now"), at("c2.want")));
	CU_ASSERT_EQUAL(dump(at("c2.vhd"), at("c2.mine")), 0);
	CU_ASSERT(same(at("c2.mine"), at("c2.want")));
	/* now g <- c2: two layers; g holds the sector, libvhdi reads it from there */
	vhdi_reads(at("c2.vhd"), 2, at("c2.want"));
}

/* Bytes into a file at off. */
static void
poke(const char *path, uint64_t off, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pwrite(fd, buf, n, (off_t)off) == (ssize_t)n);
	close(fd);
}

/* Set BAT entry i of a vdsd-made VHD (BAT at 1536) and fix nothing else. */
static void
poke_bat(const char *path, uint32_t i, uint32_t sector)
{
	uint8_t e[4];

	vdi_be(e, sector, 4);
	poke(path, 1536 + 4 * (uint64_t)i, e, 4);
}

/* Header field: write then recompute the header checksum (a well-formed lie). */
static void
poke_header(const char *path, unsigned off, const void *val, size_t n)
{
	uint8_t h[VHD_HEADER];
	int fd = open(path, O_RDWR);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pread(fd, h, sizeof(h), 512) == (ssize_t)sizeof(h));
	memcpy(h + off, val, n);
	vdi_be(h + 36, vdi_vhd_checksum(h, sizeof(h), 36), 4);
	CU_ASSERT(pwrite(fd, h, sizeof(h), 512) == (ssize_t)sizeof(h));
	close(fd);
}

static void
refused(const char *path, int err, const char *says)
{
	char msg[256];
	struct vhd *v = NULL;

	CU_ASSERT_EQUAL(vhd_open(&v, path, 0, msg, sizeof(msg)), -1);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(errno, err);
	if (!strstr(msg, says))
		fprintf(stderr, "\n  %s: said \"%s\", not \"%s\"\n", path, msg, says);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, says));
}

static void
test_damaged(void)
{
	char msg[256];
	uint8_t b = 0x5a, uuid[16];
	struct vhd *v;

	/* footer checksum */
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("x1.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(run_capture(NULL, 0,
	                            "printf Z | dd of=%s bs=1 seek=$(( $(stat -c %%s %s) - 400 )) "
	                            "conv=notrunc status=none",
	                            at("x1.vhd"), at("x1.vhd")),
	                0);
	refused(at("x1.vhd"), EINVAL, "no valid VHD footer");
	/* a BAT entry past the end of the file */
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("x2.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	poke_bat(at("x2.vhd"), 3, 1u << 20);
	refused(at("x2.vhd"), EINVAL, "BAT entry 3 points past the end");
	/* a BAT entry on the header (the file long enough to hold the block) */
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("x5.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(fill(at("x5.vhd"), 0, 512, 'a'), 0);
	CU_ASSERT_EQUAL(fill(at("x5.vhd"), 2 * MIB, 512, 'a'), 0);
	poke_bat(at("x5.vhd"), 3, 1);
	refused(at("x5.vhd"), EINVAL, "BAT entry 3 overlaps the header");
	/* two entries on one block */
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("x3.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(fill(at("x3.vhd"), 0, 512, 'a'), 0);
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("x3.vhd"), 0, msg, sizeof(msg)), 0);
	poke_bat(at("x3.vhd"), 5, v->bat[0]);
	vhd_close(v);
	refused(at("x3.vhd"), EINVAL, "two BAT entries overlap (0 and 5)");
	/* dynamic header checksum */
	CU_ASSERT_EQUAL_FATAL(vhd_create(at("x4.vhd"), SIZE, NULL, msg, sizeof(msg)), 0);
	poke(at("x4.vhd"), 512 + 30, &b, 1);
	refused(at("x4.vhd"), EINVAL, "bad dynamic header");
	/* a block size that is no power of two (checksum kept right) */
	{
		uint8_t bs[4];

		vdi_be(bs, 3 << 20, 4);
		poke_header(at("x4.vhd"), 32, bs, 4);
	}
	refused(at("x4.vhd"), EINVAL, "block size");
	/* the parent replaced by another VHD of the same size: its id differs */
	make_chain();
	CU_ASSERT_EQUAL(run_capture(NULL, 0,
	                            "rm %s && qemu-img create -q -f vpc -o "
	                            "subformat=dynamic %s 64M",
	                            at("p.vhd"), at("p.vhd")),
	                0);
	refused(at("c.vhd"), EINVAL, "is not the parent");
	/* the parent gone */
	unlink(at("p.vhd"));
	refused(at("c.vhd"), ENOENT, "parent VHD is not found");
	/* a child naming itself as its parent: its own id, its own path */
	make_chain();
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, at("c.vhd"), 0, msg, sizeof(msg)), 0);
	memcpy(uuid, v->footer + 68, 16);
	vhd_close(v);
	poke_header(at("c.vhd"), 40, uuid, 16);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "mv %s %s.real && ln -s c.vhd %s", at("p.vhd"),
	                            at("p.vhd"), at("p.vhd")),
	                0);
	refused(at("c.vhd"), ELOOP, "levels of parents");
	unlink(at("p.vhd"));
	CU_ASSERT_EQUAL(rename(at("p.vhd.real"), at("p.vhd")), 0);
}

static int
vhd_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vdsd-test-vhd.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	have_vhdi = run_capture(NULL, 0,
	                        "command -v vhdiinfo >/dev/null && command -v vhdimount >/dev/null "
	                        "&& test -c /dev/fuse") == 0;
	if (!have_vhdi)
		fprintf(stderr, "test_vdisk: no vhdiinfo/vhdimount or /dev/fuse (libvhdi-utils): "
		                "differencing VHDs are checked by vdsd's own reader only\n");
	return 0;
}

static int
vhd_teardown(void)
{
	char mnt[128];

	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	run_capture(NULL, 0, "mountpoint -q %s && umount %s; rm -rf %s", mnt, mnt, dir);
	return 0;
}

void
vdisk_vhd_suite(void)
{
	CU_pSuite s = CU_add_suite("vdisk VHD", vhd_setup, vhd_teardown);

	CU_add_test(s, "dynamic: qemu reads ours, we read qemu's", test_dynamic);
	CU_add_test(s, "dynamic grown, the BAT moved", test_expand);
	CU_add_test(s, "differencing: libvhdi reads the chain", test_differencing);
	CU_add_test(s, "merge into the parent, cancelled and done", test_merge);
	CU_add_test(s, "merge two levels up", test_merge_two_levels);
	CU_add_test(s, "damaged files and chains refused", test_damaged);
}
