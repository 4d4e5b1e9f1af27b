/* SPDX-License-Identifier: ISC */
/*
 * test_vdisk_fault.c - the vdisk provider when things go wrong: an image
 * deleted while attached, a loop device detached behind vdsd's back, the
 * file system filling up during a fixed allocation (a 20 MiB tmpfs), a
 * restart of vdsd, a damaged state file.  Nothing may leak: no loop device
 * and no partial file left behind.
 */
#include "config.h"

#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "vdisk/vdisk.h"
#include "vdisk/vdisk_sync.h"
#include "vdiskfix.h"

#define MIB (1024ULL * 1024)

void vdisk_fault_suite(void);

static const struct inv_vdisk *
row(uint32_t index)
{
	return index ? inv_get(INV_VDISK, index) : NULL;
}

static int
state_of(const char *path, struct vdsy_state *st)
{
	struct vdr_rec r = {0};
	struct vdsy_view v;

	snprintf(r.path, sizeof(r.path), "%s", path);
	if (vdsy_view_read(&v, "/sys/block") < 0)
		return -1;
	vdsy_state(&r, &v, st);
	st->loop = NULL; /* points into v */
	vdsy_view_free(&v);
	return 0;
}

static void
test_image_deleted_while_attached(void)
{
	struct vdsy_state st;
	const struct inv_vdisk *v;
	char path[256], dev[64];
	uint32_t index;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("gone.img", 16 * MIB, INV_VF_RAW, INV_VDT_FIXED, &index),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vf_simple(JOB_ATTACH_VDISK, index), VDS_R_OK);
	snprintf(path, sizeof(path), "%s", row(index)->path);
	snprintf(dev, sizeof(dev), "%s", row(index)->devnode);
	CU_ASSERT_EQUAL_FATAL(unlink(path), 0);
	/* vdsd restarts: the vdisk is still attached (the kernel holds the file) but missing */
	CU_ASSERT_EQUAL_FATAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v = row(index));
	CU_ASSERT_TRUE(v->attached);
	CU_ASSERT_STRING_EQUAL(v->devnode, dev);
	CU_ASSERT_EQUAL(v->allocated_size, 0);
	CU_ASSERT_EQUAL(state_of(path, &st), 0);
	CU_ASSERT_EQUAL(st.status, INV_ST_MISSING);
	CU_ASSERT_TRUE(st.deleted);
	/* attach of a missing image: refused; detach still frees the device */
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, index), VDS_R_NOT_EMPTY);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_EQUAL(vf_our_loops(), 0);
	CU_ASSERT_FALSE(row(index)->attached);
	CU_ASSERT_EQUAL(vf_simple(JOB_ATTACH_VDISK, index), VDS_R_NOT_FOUND);
	CU_ASSERT_EQUAL(vf_simple(JOB_DELETE_VDISK, index), VDS_R_OK); /* forget it */
	CU_ASSERT_PTR_NULL(row(index));
	vf_down();
}

static void
test_detached_behind_our_back(void)
{
	char dev[64];
	uint32_t index;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("b.img", 16 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, &index),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vf_simple(JOB_ATTACH_VDISK, index), VDS_R_OK);
	snprintf(dev, sizeof(dev), "%s", row(index)->devnode);
	CU_ASSERT_EQUAL_FATAL(run_capture(NULL, 0, "losetup -d %s", dev), 0);
	/* losetup -d returns before the kernel unbinds on the last close */
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0,
	                "for i in $(seq 500); do [ -e /sys/block/%s/loop/backing_file ] || "
	                "exit 0; sleep 0.01; done; exit 1",
	                dev + 5),
	    0);
	/* the next job sees the truth: detach is refused as not attached */
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_INVALID_PARAM);
	CU_ASSERT_FALSE(row(index)->attached);
	CU_ASSERT_STRING_EQUAL(row(index)->devnode, "");
	/* and after a restart */
	CU_ASSERT_EQUAL_FATAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row(index));
	CU_ASSERT_FALSE(row(index)->attached);
	CU_ASSERT_EQUAL(vf_simple(JOB_ATTACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_TRUE(row(index)->attached);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, index), VDS_R_OK);
	CU_ASSERT_EQUAL(vf_our_loops(), 0);
	vf_down();
}

/* Free space checked when the job starts; the file system fills up after. */
static void
test_disk_full(void)
{
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_CREATE_VDISK,
	                       .size = 15 * MIB,
	                       .vdisk_type = INV_VDT_FIXED,
	                       .vdisk_format = INV_VF_RAW};
	char small[200], why[256];
	void *plan = NULL;
	size_t loops0;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	loops0 = vf_our_loops();
	snprintf(small, sizeof(small), "%s", vf_path("small"));
	if (run_capture(NULL, 0, "mkdir %s && mount -t tmpfs -o size=20m tmpfs %s", small, small) !=
	    0) {
		fprintf(stderr, "(tmpfs mount not possible here: disk-full test not run) ");
		vf_down();
		return;
	}
	/* more than there is: refused when the job starts */
	snprintf(p.path, sizeof(p.path), "%s/too-big.img", small);
	p.size = 30 * MIB;
	CU_ASSERT_EQUAL(vdisk_provider.prepare(vf_state, &p, &plan, why, sizeof(why)),
	                VDS_R_NO_SPACE);
	/* enough at the start, then another writer takes 10 MiB */
	snprintf(p.path, sizeof(p.path), "%s/full.img", small);
	p.size = 15 * MIB;
	CU_ASSERT_EQUAL_FATAL(vdisk_provider.validate(vf_state, &p, why, sizeof(why)), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vdisk_provider.prepare(vf_state, &p, &plan, why, sizeof(why)),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "fallocate -l 10M %s/other", small), 0);
	CU_ASSERT_EQUAL(vf_run_prepared(plan, &run), VDS_R_NO_SPACE);
	CU_ASSERT_PTR_NOT_NULL(strstr(run.msg, "full.img"));
	CU_ASSERT_NOT_EQUAL(access(p.path, F_OK), 0); /* the partial file is removed */
	CU_ASSERT_PTR_NULL(vdsy_row(p.path));
	CU_ASSERT_EQUAL(vf_our_loops(), loops0);
	/* the space is back: the file system holds only the other writer's file */
	CU_ASSERT_EQUAL(run_capture(why, sizeof(why), "du -sk %s | cut -f1", small), 0);
	CU_ASSERT(strtoul(why, NULL, 10) <= 10 * 1024 + 64);
	run_capture(NULL, 0, "umount %s", small);
	vf_down();
}

static void
test_restart(void)
{
	uint32_t a, b;
	char state[300];

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("r1.img", 8 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, &a),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vf_create("r2.vhd", 8 * MIB, INV_VF_VHD, INV_VDT_FIXED, &b),
	                      VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vf_simple(JOB_ATTACH_VDISK, b), VDS_R_OK);
	CU_ASSERT_EQUAL_FATAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row(a));
	CU_ASSERT_PTR_NOT_NULL_FATAL(row(b));
	CU_ASSERT_STRING_EQUAL(row(a)->path, vf_path("r1.img"));
	CU_ASSERT_FALSE(row(a)->attached);
	CU_ASSERT_TRUE(row(b)->attached);
	CU_ASSERT_EQUAL(row(b)->format, INV_VF_VHD);
	CU_ASSERT_EQUAL(row(b)->type, INV_VDT_FIXED);
	CU_ASSERT_EQUAL(vf_simple(JOB_DETACH_VDISK, b), VDS_R_OK);
	/* a damaged state file: the provider does not start rather than forget vdisks */
	snprintf(state, sizeof(state), "%s/state/vdisk.state", vf_dir);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "echo 'garbage line' >> %s", state), 0);
	CU_ASSERT_EQUAL(vf_restart(), -1);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "sed -i '$d' %s", state), 0);
	CU_ASSERT_EQUAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL(row(a));
	/* deleted: the previous generation comes back */
	CU_ASSERT_EQUAL(unlink(state), 0);
	CU_ASSERT_EQUAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL(row(a));
	/* cut before its end line: refused, then repaired by hand */
	CU_ASSERT_EQUAL(
	    run_capture(NULL, 0, "head -n 2 %s > %s.t && mv %s.t %s", state, state, state, state),
	    0);
	CU_ASSERT_EQUAL(vf_restart(), -1);
	CU_ASSERT_EQUAL(run_capture(NULL, 0, "cp %s.prev %s", state, state), 0);
	CU_ASSERT_EQUAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL(row(a));
	CU_ASSERT_EQUAL(vf_our_loops(), 0);
	vf_down();
}

/*
 * vdisk.state written off the loop (durable.h, fsynced): the job finishes
 * once it is on disk.  When that write fails (its temporary file cannot be
 * created) the job fails with ioError naming the file, the image is not
 * left behind and no row or record lists it; the next create, the cause
 * gone, lands and survives a restart.
 */
static void
test_record_write_fails(void)
{
	char state[160], tmp[170], out[64];
	struct contract_run run = {.cancel_at = -1};
	struct job_params p = {.type = JOB_CREATE_VDISK, .size = 8 * MIB};
	uint32_t a = 0;

	CU_ASSERT_EQUAL_FATAL(vf_up(), 0);
	CU_ASSERT_EQUAL_FATAL(vf_create("w1.img", 8 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, &a),
	                      VDS_R_OK);
	snprintf(state, sizeof(state), "%s/state/vdisk.state", vf_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", state);
	unlink(tmp);
	CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0); /* open(O_WRONLY) of it fails, root too */
	snprintf(p.path, sizeof(p.path), "%s", vf_path("w2.img"));
	p.vdisk_format = INV_VF_RAW;
	p.vdisk_type = INV_VDT_EXPANDABLE;
	CU_ASSERT_EQUAL(vf_job(&p, &run), VDS_R_IO_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(run.msg, state));
	CU_ASSERT_EQUAL(access(vf_path("w2.img"), F_OK), -1); /* not left behind */
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out), "grep -c w2.img %s", state), 1);
	CU_ASSERT_EQUAL(rmdir(tmp), 0);
	/* the records were put back: the same path is free again */
	CU_ASSERT_EQUAL(vf_create("w2.img", 8 * MIB, INV_VF_RAW, INV_VDT_EXPANDABLE, NULL),
	                VDS_R_OK);
	CU_ASSERT_EQUAL(run_capture(out, sizeof(out), "grep -c 'w[12].img' %s", state), 0);
	CU_ASSERT_STRING_EQUAL(out, "2");
	CU_ASSERT_EQUAL_FATAL(vf_restart(), 0);
	CU_ASSERT_PTR_NOT_NULL(row(a));
	vf_down();
}

void
vdisk_fault_suite(void)
{
	CU_pSuite s = CU_add_suite("vdisk faults", NULL, NULL);

	CU_add_test(s, "image deleted while attached", test_image_deleted_while_attached);
	CU_add_test(s, "loop device detached behind vdsd's back", test_detached_behind_our_back);
	CU_add_test(s, "disk full during a fixed allocation", test_disk_full);
	CU_add_test(s, "restart: rows and attachments re-established", test_restart);
	CU_add_test(s, "a failed write of vdisk.state fails the create", test_record_write_fails);
}
