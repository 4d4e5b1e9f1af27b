/* SPDX-License-Identifier: ISC */
/*
 * test_vdisk_chain.c - the vdisk provider's dynamic and differencing VHD
 * jobs (createVDisk, mergeVDisk and the refusals around chains), run as
 * the engine runs them and checked with qemu (the parents' data) and the
 * state file across a restart:
 *
 * - a dynamic VHD and a differencing one over it: rows, sizes, qemu-img;
 * - attach through vdsd-nbd (where the kernel has nbd: else refused
 *   NOT_SUPPORTED, naming the module); what a chain refuses: a parent
 *   attached read-write, delete of a parent, expand of any disk in a chain, a differencing
 *   disk of another size or over a raw image, an initial label, a merge
 *   of a disk with no parent or deeper than its chain, a merge into a
 *   parent that has another child;
 * - merge: the parent, read by qemu, is what the child read; the output
 *   names the parent; two levels up, the child re-parented in the records
 *   and the file, across a restart.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "vdisk/vdisk_image.h"
#include "vdisk/vdisk_vhd.h"
#include "vdiskfix.h"

#define MIB (1024ULL * 1024)

void vdisk_chain_suite(void);

static const struct inv_vdisk *
row(uint32_t index)
{
	return index ? inv_get(INV_VDISK, index) : NULL;
}

/* createVDisk differencing over vdisk parent: the result, *index the child. */
static enum vds_result
create_diff(const char *name, uint32_t parent, uint64_t size, uint32_t *index)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_CREATE_VDISK, .size = size, .vdisk = parent};
	enum vds_result r;

	snprintf(p.path, sizeof(p.path), "%s", vf_path(name));
	p.vdisk_type = INV_VDT_DIFFERENCING;
	r = vf_job(&p, &run);
	if (index)
		*index = run.out.vdisk;
	return r;
}

static enum vds_result
merge(uint32_t vdisk, unsigned depth, uint32_t *out)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_MERGE_VDISK, .vdisk = vdisk, .merge_depth = depth};
	enum vds_result r = vf_job(&p, &run);

	if (r != VDS_R_OK)
		fprintf(stderr, "\n  merge: %s\n", run.msg);
	if (out)
		*out = run.out.vdisk;
	return r;
}

/* n bytes of c at off into the VHD (vdisk_vhd.c's writer: test_vdisk_vhd checks it). */
static void
fill(const char *name, uint64_t off, size_t n, int c, const char *want)
{
	char msg[256], *buf = malloc(n);
	struct vhd *v;

	CU_ASSERT_FATAL(buf != NULL);
	CU_ASSERT_EQUAL_FATAL(vhd_open(&v, vf_path(name), 1, msg, sizeof(msg)), 0);
	memset(buf, c, n);
	CU_ASSERT_EQUAL(vhd_write(v, buf, off, n), 0);
	vhd_close(v);
	free(buf);
	CU_ASSERT_EQUAL(run_capture(NULL, 0,
	                            "perl -e 'print chr(%d) x %zu' | dd of=%s bs=512 seek=%" PRIu64
	                            " conv=notrunc status=none",
	                            c, n, vf_path(want), off / 512),
	                0);
}

/* qemu's reading of the VHD name is the raw file want. */
static int
qemu_reads(const char *name, const char *want)
{
	return run_capture(NULL, 0, "qemu-img compare -q -f vpc -F raw %s %s", vf_path(name),
	                   vf_path(want)) == 0;
}

static void
test_chain_jobs(void)
{
	struct job_params attach = {.type = JOB_ATTACH_VDISK}, label = {.type = JOB_CREATE_VDISK};
	uint32_t par = 0, child = 0, other = 0, raw = 0, out = 0;
	struct contract_run run = {.cancel_at = -1};
	char out_s[256];

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("p.vhd", 64 * MIB, INV_VF_VHD, INV_VDT_EXPANDABLE, &par),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(row(par) != NULL, 1);
	CU_ASSERT_EQUAL(row(par)->type, INV_VDT_EXPANDABLE);
	CU_ASSERT_EQUAL(row(par)->virtual_size, 67125248);
	CU_ASSERT_EQUAL(run_capture(out_s, sizeof(out_s),
	                            "qemu-img info -f vpc --output=json %s | "
	                            "sed -n 's/.*\"virtual-size\": *\\([0-9]*\\).*/\\1/p'",
	                            vf_path("p.vhd")),
	                0);
	CU_ASSERT_STRING_EQUAL(out_s, "67125248");
	/* the parent's data, written by qemu */
	CU_ASSERT_EQUAL(run_capture(NULL, 0,
	                            "qemu-io -f vpc -c 'write -P 0x50 1M 4M' %s >/dev/null && "
	                            "qemu-img convert -f vpc -O raw %s %s",
	                            vf_path("p.vhd"), vf_path("p.vhd"), vf_path("want.raw")),
	                0);
	/* differencing: wrong size, no parent, a raw parent */
	CU_ASSERT_EQUAL(create_diff("c.vhd", par, 10 * MIB, NULL), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(create_diff("c.vhd", 0, 0, NULL), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(vf_create("r.img", 8 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, &raw),
	                VDS_R_OK);
	CU_ASSERT_EQUAL(create_diff("c.vhd", raw, 0, NULL), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(create_diff("c.vhd", par, 0, &child), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(row(child) != NULL, 1);
	CU_ASSERT_EQUAL(row(child)->type, INV_VDT_DIFFERENCING);
	CU_ASSERT_EQUAL(row(child)->format, INV_VF_VHD);
	CU_ASSERT_EQUAL(row(child)->virtual_size, row(par)->virtual_size);
	/* no initial label on a dynamic VHD */
	snprintf(label.path, sizeof(label.path), "%s", vf_path("l.vhd"));
	label.size = 8 * MIB;
	label.vdisk_format = INV_VF_VHD;
	label.vdisk_type = INV_VDT_EXPANDABLE;
	label.init_label = JOB_LABEL_GPT;
	CU_ASSERT_EQUAL(vf_job(&label, &run), VDS_R_NOT_SUPPORTED);
	/* attach: through vdsd-nbd where the kernel has nbd devices, else refused saying so */
	attach.vdisk = child;
	if (access("/sys/block/nbd0", F_OK) == 0) {
		CU_ASSERT_EQUAL(vf_job(&attach, &run), VDS_R_OK);
		CU_ASSERT_EQUAL(strncmp(row(child)->devnode, "/dev/nbd", 8), 0);
		CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, child), VDS_R_OK);
	} else {
		CU_ASSERT_EQUAL(vf_job(&attach, &run), VDS_R_NOT_SUPPORTED);
		CU_ASSERT_PTR_NOT_NULL(strstr(run.msg, "modprobe nbd"));
	}
	/* what the chain refuses: a parent written under its child */
	attach.vdisk = par;
	CU_ASSERT_EQUAL(vf_job(&attach, &run), VDS_R_IN_USE);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, par), VDS_R_NOT_EMPTY);
	{
		struct job_params ex = {.type = JOB_EXPAND_VDISK, .vdisk = par, .size = 128 * MIB};

		CU_ASSERT_EQUAL(vf_job(&ex, &run), VDS_R_NOT_SUPPORTED);
		ex.vdisk = child;
		CU_ASSERT_EQUAL(vf_job(&ex, &run), VDS_R_NOT_SUPPORTED);
	}
	CU_ASSERT_EQUAL(merge(par, 1, NULL), VDS_R_INVALID_PARAM);
	/* a dynamic VHD in no chain grows (qemu sees the size) */
	{
		struct job_params ex = {.type = JOB_EXPAND_VDISK, .vdisk = raw, .size = 16 * MIB};
		uint32_t solo = 0;
		char sz[64];

		CU_ASSERT_EQUAL(vf_create("s.vhd", 16 * MIB, INV_VF_VHD, INV_VDT_EXPANDABLE, &solo),
		                VDS_R_OK);
		ex.vdisk = solo;
		ex.size = 600 * MIB;
		CU_ASSERT_EQUAL(vf_job(&ex, &run), VDS_R_OK);
		CU_ASSERT_EQUAL(row(solo)->virtual_size, vdi_virtual_size(INV_VF_VHD, 600 * MIB));
		CU_ASSERT_EQUAL(run_capture(sz, sizeof(sz),
		                            "qemu-img info -f vpc --output=json %s | "
		                            "sed -n 's/.*\"virtual-size\": *\\([0-9]*\\).*/\\1/p'",
		                            vf_path("s.vhd")),
		                0);
		CU_ASSERT_EQUAL(strtoull(sz, NULL, 10), row(solo)->virtual_size);
		CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, solo), VDS_R_OK);
	}
	CU_ASSERT_EQUAL(merge(child, 2, NULL), VDS_R_INVALID_PARAM);
	/* a second child: the merge would change what it reads */
	CU_ASSERT_EQUAL(create_diff("o.vhd", par, 0, &other), VDS_R_OK);
	CU_ASSERT_EQUAL(merge(child, 1, NULL), VDS_R_NOT_EMPTY);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, other), VDS_R_OK);
	/* merge: the child's data lands in the parent */
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "cp %s %s", vf_path("want.raw"), vf_path("c.raw")), 0);
	fill("c.vhd", 4 * MIB, 2 * MIB, 'c', "c.raw");
	fill("c.vhd", 30 * MIB + 512, 512, 'x', "c.raw");
	CU_ASSERT(qemu_reads("p.vhd", "want.raw"));
	CU_ASSERT_EQUAL(merge(child, 0, &out), VDS_R_OK);
	CU_ASSERT_EQUAL(out, par);
	CU_ASSERT(qemu_reads("p.vhd", "c.raw"));
	CU_ASSERT_EQUAL_FATAL(row(child) != NULL, 1);
	CU_ASSERT(row(child)->allocated_size < 64 * 1024); /* emptied */
	/* across a restart: the chain is the records' */
	CU_ASSERT_EQUAL_FATAL(vf_restart(), 0);
	CU_ASSERT_EQUAL_FATAL(row(child) != NULL, 1);
	CU_ASSERT_EQUAL(row(child)->type, INV_VDT_DIFFERENCING);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, par), VDS_R_NOT_EMPTY);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, child), VDS_R_OK);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, par), VDS_R_OK);
	vf_down();
}

static void
test_merge_two_levels(void)
{
	uint32_t g = 0, m = 0, k = 0, out = 0;
	char state[160];

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("g.vhd", 32 * MIB, INV_VF_VHD, INV_VDT_EXPANDABLE, &g),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "truncate -s %" PRIu64 " %s", row(g)->virtual_size,
	                            vf_path("k.raw")),
	                0);
	CU_ASSERT_EQUAL_FATAL(create_diff("m.vhd", g, 0, &m), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(create_diff("k.vhd", m, 0, &k), VDS_R_OK);
	fill("g.vhd", 0, 8 * MIB, 'g', "k.raw");
	fill("m.vhd", 6 * MIB, 4 * MIB, 'm', "k.raw");
	fill("k.vhd", 7 * MIB, 4096, 'k', "k.raw");
	CU_ASSERT_EQUAL(merge(k, 3, NULL), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(merge(k, 2, &out), VDS_R_OK);
	CU_ASSERT_EQUAL(out, g);
	CU_ASSERT(qemu_reads("g.vhd", "k.raw"));
	/* k now sits on g, in the file and the records; m has no child left */
	snprintf(state, sizeof(state), "%s/state/vdisk.state", vf_dir);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "grep -qF \"$(printf '%s\\t%s')\" %s",
	                            vf_path("k.vhd"), vf_path("g.vhd"), state),
	                0);
	CU_ASSERT_EQUAL_FATAL(vf_restart(), 0);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, m), VDS_R_OK);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, g), VDS_R_NOT_EMPTY);
	/* a state file whose child names a parent it does not list: refused, named */
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "sed -i -e '/^2 2 /d' -e 's/^end .*/end 1/' %s", state), 0);
	CU_ASSERT_EQUAL(vf_restart(), -1);
	vf_down();
}

void
vdisk_chain_suite(void)
{
	CU_pSuite s = CU_add_suite("vdisk chains", NULL, NULL);

	CU_add_test(s, "dynamic and differencing VHDs: create, refusals, merge", test_chain_jobs);
	CU_add_test(s, "merge two levels up, re-parented across a restart", test_merge_two_levels);
}
