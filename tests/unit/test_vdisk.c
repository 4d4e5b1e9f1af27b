/* SPDX-License-Identifier: ISC */
/*
 * test_vdisk.c - the vdisk provider on real files and loop devices (root):
 * validation, raw and fixed-VHD images checked with stat, losetup,
 * blockdev and qemu-img, attach/detach/delete, cancel.  Faults and restarts
 * are in test_vdisk_fault.c.
 */
#include "config.h"

#include <CUnit/Basic.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "model.h"
#include "vdisk/vdisk.h"
#include "vdisk/vdisk_image.h"
#include "vdiskfix.h"

#define MIB (1024ULL * 1024)

void vdisk_fault_suite(void);
void vdisk_grow_suite(void);
void vdisk_vhd_suite(void);
void vdisk_chain_suite(void);

static void
quiet(int prio, const char *token, const char *msg)
{
	(void)prio;
	(void)token;
	(void)msg;
}

static const struct inv_vdisk *
row(uint32_t index)
{
	return index ? inv_get(INV_VDISK, index) : NULL;
}

static uint64_t __attribute__((format(printf, 1, 2))) sh_u64(const char *fmt, ...)
{
	char cmd[1024], out[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (run_capture(out, sizeof(out), "%s", cmd) != 0)
		return UINT64_MAX;
	return strtoull(out, NULL, 10);
}

/* ---- validation ---- */

static enum vds_result
check_create(const char *path, uint64_t size, int format, int type, int *claimed)
{
	struct job_params p = {.type = JOB_CREATE_VDISK, .size = size};
	char why[256];

	p.vdisk_format = format;
	p.vdisk_type = type;
	snprintf(p.path, sizeof(p.path), "%s", path);
	*claimed = vdisk_provider.claims(vf_state, &p);
	return vdisk_provider.validate(vf_state, &p, why, sizeof(why));
}

static void
test_validate(void)
{
	static const struct job_params unknown[] = {
	    {.type = JOB_ATTACH_VDISK, .vdisk = 0x7ffffff0U},
	    {.type = JOB_DETACH_VDISK, .vdisk = 0x7ffffff0U},
	    {.type = JOB_DELETE_VDISK, .vdisk = 0x7ffffff0U},
	    {.type = JOB_DELETE_VDISK, .path = "/nonexistent/x.img"},
	    {.type = JOB_CREATE_PARTITION, .disk = 0x7ffffff0U, .size = MIB},
	};
	char why[256], link[256];
	int claimed;
	uint64_t gen;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	gen = inv_generation();
	CU_ASSERT_EQUAL(check_create("/var/tmp/x.img", MIB, 1, 2, &claimed), VDS_R_NOT_ALLOWED);
	CU_ASSERT_TRUE(claimed);
	CU_ASSERT_EQUAL(check_create(vf_root, MIB, 1, 2, &claimed), VDS_R_NOT_ALLOWED);
	CU_ASSERT_EQUAL(check_create("images/x.img", MIB, 1, 2, &claimed), VDS_R_INVALID_PARAM);
	snprintf(link, sizeof(link), "%s/../images/x.img", vf_root);
	CU_ASSERT_EQUAL(check_create(link, MIB, 1, 2, &claimed), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(check_create(vf_path("no/x.img"), MIB, 1, 2, &claimed), VDS_R_NOT_FOUND);
	CU_ASSERT_EQUAL(check_create(vf_path("x.img"), 0, 1, 2, &claimed), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(check_create(vf_path("x.vhd"), MIB, 2, 2, &claimed),
	                VDS_R_OK); /* dynamic */
	CU_ASSERT_EQUAL(check_create(vf_path("x.vhd"), MIB, 1, 3, &claimed), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(check_create(vf_path("x.vhd"), 2041ULL << 30, 2, 1, &claimed),
	                VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(check_create(vf_path("x.img"), MIB, 1, 2, &claimed), VDS_R_OK);
	/* A link inside the root leading out of it. */
	CU_ASSERT_EQUAL(symlink("/var/tmp", vf_path("out")), 0);
	CU_ASSERT_EQUAL(check_create(vf_path("out/x.img"), MIB, 1, 2, &claimed), VDS_R_NOT_ALLOWED);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "touch %s", vf_path("taken.img")), 0);
	CU_ASSERT_EQUAL(check_create(vf_path("taken.img"), MIB, 1, 2, &claimed), VDS_R_EXISTS);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		CU_ASSERT_FALSE(vdisk_provider.claims(vf_state, &unknown[i]));
		CU_ASSERT_EQUAL(vdisk_provider.validate(vf_state, &unknown[i], why, sizeof(why)),
		                VDS_R_NOT_FOUND);
	}
	CU_ASSERT_EQUAL(inv_generation(), gen); /* validate never changes the model */
	vf_down();
}

/* ---- raw images ---- */

static void
test_create_raw(void)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_CREATE_VDISK,
	                       .size = 64 * MIB,
	                       .vdisk_type = INV_VDT_FIXED,
	                       .vdisk_format = INV_VF_RAW};
	const struct inv_vdisk *v;
	char out[512];
	uint32_t sparse;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	snprintf(p.path, sizeof(p.path), "%s", vf_path("fixed.img"));
	CU_ASSERT_EQUAL_FATAL(vf_job(&p, &run), VDS_R_OK);
	CU_ASSERT(run.nprogress >= 1);
	CU_ASSERT_FALSE(run.went_back);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(run.out.vdisk));
	CU_ASSERT_STRING_EQUAL(run.out.objid, v->objid);
	CU_ASSERT_STRING_EQUAL(v->path, p.path);
	CU_ASSERT_STRING_EQUAL(v->provider, "vdisk");
	CU_ASSERT_EQUAL(v->virtual_size, 64 * MIB);
	CU_ASSERT_EQUAL(v->type, INV_VDT_FIXED);
	CU_ASSERT_FALSE(v->attached);
	/* stat(1): the whole size is allocated, and the row says what stat says */
	CU_ASSERT_EQUAL(sh_u64("stat -c %%s %s", p.path), 64 * MIB);
	CU_ASSERT(sh_u64("echo $(( $(stat -c '%%b*%%B' %s) ))", p.path) >= 64 * MIB);
	CU_ASSERT_EQUAL(sh_u64("echo $(( $(stat -c '%%b*%%B' %s) ))", p.path), v->allocated_size);
	CU_ASSERT_EQUAL(
	    vf_create("sparse.img", 1ULL << 40, INV_VF_RAW, INV_VDT_EXPANDABLE, &sparse), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(sparse));
	CU_ASSERT_EQUAL(sh_u64("stat -c %%s %s", v->path), 1ULL << 40);
	CU_ASSERT(v->allocated_size < MIB);
	/* the same path again: refused */
	CU_ASSERT_EQUAL(vf_create("sparse.img", MIB, 1, 2, NULL), VDS_R_EXISTS);
	CU_ASSERT_EQUAL(
	    run_capture(out, sizeof(out), "grep -c images/ %s/state/vdisk.state", vf_dir), 0);
	CU_ASSERT_STRING_EQUAL(out, "2");
	vf_down();
}

/* ---- VHD ---- */

static void
test_vhd_geometry(void)
{
	static const uint64_t sizes[] = {10 * MIB, 33 * MIB + 4096, 130 * MIB, 1031 * MIB};
	char out[512], path[300], ref[300];
	uint32_t index;
	const struct inv_vdisk *v;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "d%zu.vhd", i);
		CU_ASSERT_EQUAL_FATAL(vf_create(path, sizes[i], INV_VF_VHD, INV_VDT_FIXED, &index),
		                      VDS_R_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
		CU_ASSERT(v->virtual_size >= sizes[i]);
		CU_ASSERT_EQUAL(sh_u64("stat -c %%s %s", v->path), v->virtual_size + 512);
		/* qemu reads the footer: format, size from the CHS geometry */
		CU_ASSERT_EQUAL(sh_u64("qemu-img info -f vpc --output=json %s | "
		                       "sed -n 's/.*\"virtual-size\": \\([0-9]*\\).*/\\1/p'",
		                       v->path),
		                v->virtual_size);
		/* and qemu's own fixed VHD of the requested size has the same size */
		snprintf(ref, sizeof(ref), "%s/ref%zu.vhd", vf_dir, i);
		CU_ASSERT_EQUAL(
		    run_capture(out, sizeof(out),
		                "qemu-img create -q -f vpc -o subformat=fixed %s %" PRIu64
		                " && qemu-img info -f vpc --output=json %s | "
		                "sed -n 's/.*\"virtual-size\": \\([0-9]*\\).*/\\1/p'",
		                ref, sizes[i], ref),
		    0);
		CU_ASSERT_EQUAL(strtoull(out, NULL, 10), v->virtual_size);
	}
	vf_down();
}

static void
test_vhd_footer_checksum(void)
{
	uint8_t f[VDI_FOOTER_SIZE], uuid[16] = {1, 2, 3};
	struct vdi_chs chs;
	uint64_t size = vdi_vhd_size(20480, &chs), got;

	vdi_vhd_footer(f, size, &chs, 1700000000U, uuid);
	CU_ASSERT_EQUAL(vdi_vhd_parse(f, &got), 0);
	CU_ASSERT_EQUAL(got, size);
	CU_ASSERT_EQUAL(memcmp(f, "conectix", 8), 0);
	f[100] ^= 1; /* any change breaks the checksum */
	CU_ASSERT_EQUAL(vdi_vhd_parse(f, &got), -1);
	/* 10 MiB = 20480 sectors: 301x4x17 falls short, qemu rounds up to 302x4x17 */
	vdi_vhd_size(20480, &chs);
	CU_ASSERT(chs.heads == 4 && chs.spt == 17 && chs.cyls == 302);
}

/* ---- attach, detach, delete ---- */

static void
test_attach_detach_raw(void)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_ATTACH_VDISK};
	const struct inv_vdisk *v;
	char out[1024], dev[64], path[256];
	uint32_t index;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("a.img", 32 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, &index),
	                      VDS_R_OK);
	p.vdisk = index;
	CU_ASSERT_EQUAL_FATAL(vf_job(&p, &run), VDS_R_OK);
	CU_ASSERT_EQUAL(run.out.vdisk, 0); /* the MIB: an output of createVDisk only */
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
	CU_ASSERT_TRUE(v->attached);
	CU_ASSERT_EQUAL(strncmp(v->devnode, "/dev/loop", 9), 0);
	CU_ASSERT_NOT_EQUAL(v->disk_index, 0);
	snprintf(dev, sizeof(dev), "%s", v->devnode);
	snprintf(path, sizeof(path), "%s", v->path);
	/* losetup and blockdev, independently */
	CU_ASSERT_EQUAL(
	    run_capture(
	        out, sizeof(out),
	        "losetup --json -l -O NAME,BACK-FILE,AUTOCLEAR,RO,LOG-SEC %s | tr -d ' \\n'", dev),
	    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"autoclear\":false"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ro\":false"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"log-sec\":512"));
	CU_ASSERT_EQUAL(sh_u64("blockdev --getsize64 %s", dev), 32 * MIB);
	/* attached: attach again and delete refused, as job results */
	CU_ASSERT_EQUAL(vf_simple(JOB_ATTACH_VDISK, index), VDS_R_IN_USE);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, index), VDS_R_NOT_EMPTY);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
	CU_ASSERT_FALSE(v->attached);
	CU_ASSERT_STRING_EQUAL(v->devnode, "");
	CU_ASSERT_EQUAL(v->disk_index, 0);
	CU_ASSERT_EQUAL(vf_our_loops(), 0);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_INVALID_PARAM);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, index), VDS_R_OK);
	CU_ASSERT_PTR_NULL(row(index));
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	vf_down();
}

/* A VHD attached: the footer is not part of the disk; data written through
 * the loop device is what qemu reads from the VHD. */
static void
test_attach_vhd(void)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_ATTACH_VDISK};
	const struct inv_vdisk *v;
	char out[1024], dev[64], path[256];
	uint64_t vsize;
	uint32_t index;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("v.vhd", 20 * MIB, INV_VF_VHD, INV_VDT_FIXED, &index),
	                      VDS_R_OK);
	p.vdisk = index;
	CU_ASSERT_EQUAL_FATAL(vf_job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
	snprintf(dev, sizeof(dev), "%s", v->devnode);
	snprintf(path, sizeof(path), "%s", v->path);
	vsize = v->virtual_size;
	CU_ASSERT_EQUAL(sh_u64("blockdev --getsize64 %s", dev), vsize);
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0,
	                "head -c %" PRIu64 " /dev/urandom > %s/pattern && "
	                "dd if=%s/pattern of=%s bs=1M oflag=direct conv=fsync status=none",
	                vsize, vf_dir, vf_dir, dev),
	    0);
	/* writing past the end of the disk must fail: the footer is not reachable */
	CU_ASSERT_NOT_EQUAL(run_capture(NULL, 0,
	                                "dd if=/dev/zero of=%s bs=512 count=1 seek=%" PRIu64
	                                " conv=fsync status=none 2>/dev/null",
	                                dev, vsize / 512),
	                    0);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out),
	                            "qemu-img compare -q -f vpc -F raw %s %s/pattern", path,
	                            vf_dir),
	                0);
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out), "qemu-img info -f vpc %s", path), 0);
	/* read-only attach */
	p.read_only = 1;
	CU_ASSERT_EQUAL_FATAL(vf_job(&p, &run), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
	CU_ASSERT_EQUAL(
	    run_capture(out, sizeof(out), "losetup --json -l -O RO %s | tr -d ' \\n'", v->devnode),
	    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ro\":true"));
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_EQUAL(vf_our_loops(), 0);
	vf_down();
}

static void
test_detach_mounted(void)
{
	const struct inv_vdisk *v;
	char dev[64];
	uint32_t index;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("m.img", 32 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, &index),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vf_simple(JOB_ATTACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
	snprintf(dev, sizeof(dev), "%s", v->devnode);
	CU_ASSERT_EQUAL_FATAL(run_capture(NULL, 0,
	                                  "mkfs.ext4 -q %s && mkdir -p %s/mnt && mount %s %s/mnt",
	                                  dev, vf_dir, dev, vf_dir),
	                      0);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_IN_USE);
	CU_ASSERT_TRUE(row(index)->attached);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "umount %s/mnt", vf_dir), 0);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_EQUAL(vf_our_loops(), 0);
	vf_down();
}

static void
test_cancel_create(void)
{
	struct contract_run run = {.cancel_at = 0};
	struct job_params p = {.type = JOB_CREATE_VDISK,
	                       .size = 2048 * MIB,
	                       .vdisk_type = INV_VDT_FIXED,
	                       .vdisk_format = INV_VF_RAW};
	uint64_t gen;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	snprintf(p.path, sizeof(p.path), "%s", vf_path("big.img"));
	gen = inv_generation();
	CU_ASSERT_EQUAL(vf_job(&p, &run), VDS_R_CANCELLED);
	CU_ASSERT_EQUAL(run.cancel_answer, WORKER_CANCEL_REQUESTED);
	CU_ASSERT_NOT_EQUAL(access(p.path, F_OK), 0); /* the partial file is gone */
	CU_ASSERT_EQUAL(inv_generation(), gen);
	CU_ASSERT_EQUAL(run.out.vdisk, 0);
	vf_down();
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (geteuid() != 0) {
		fprintf(stderr, "test_vdisk: needs root (loop devices); skipped\n");
		return 77;
	}
	if (run_capture(NULL, 0, "command -v qemu-img >/dev/null") != 0) {
		fprintf(stderr,
		        "test_vdisk: qemu-img missing (apt-get install qemu-utils); skipped\n");
		return 77;
	}
	log_set_sink(quiet);
	{ /* the nbd server of this build tree (installed: pkglibexecdir) */
		char helper[PATH_MAX];

		if (realpath("vdsd-nbd", helper))
			setenv("VDSD_NBD_HELPER", helper, 0);
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("vdisk", NULL, NULL);
	CU_add_test(s, "validate and claims", test_validate);
	CU_add_test(s, "raw images: fixed, 1 TiB expandable", test_create_raw);
	CU_add_test(s, "VHD footer and checksum", test_vhd_footer_checksum);
	CU_add_test(s, "VHD geometry as qemu sees it", test_vhd_geometry);
	CU_add_test(s, "attach, detach, delete raw", test_attach_detach_raw);
	CU_add_test(s, "attach VHD: footer outside the disk, read-only", test_attach_vhd);
	CU_add_test(s, "detach refused while mounted", test_detach_mounted);
	CU_add_test(s, "cancel a fixed create: partial file removed", test_cancel_create);
	vdisk_fault_suite();
	vdisk_grow_suite();
	vdisk_vhd_suite();
	vdisk_chain_suite();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
