/* SPDX-License-Identifier: ISC */
/*
 * basic_label.c - libfdisk for the basic provider.
 *
 * Placement follows libfdisk's own free-space list (what `sfdisk -F`
 * shows): the first free area, or the one holding the asked offset, that
 * has room for the size once its start is aligned up to the grain (1 MiB,
 * or the disk's optimal I/O size).  The size is rounded up to the grain.
 *
 * MBR: a partition is primary (slots 1-4; an extended container, type
 * 0x05/0x0f/0x85, takes one, at most one a disk), or logical (5, 6, ...)
 * when its offset lies inside the extended partition, or when the offset is
 * 0 and no primary slot is left.  A logical partition goes into a free area
 * of the container as libfdisk lists them, which leaves the room of its EBR
 * (one grain after the container's start or the previous logical one); an
 * offset in that room means the area's start.  libfdisk numbers logical
 * partitions in chain order and renumbers the later ones when one goes, as
 * the kernel does.  libfdisk's questions and messages go to the debug log;
 * it is never allowed to ask anything.
 */
#include "config.h"

#include <errno.h>
#include <libfdisk/libfdisk.h>
#include <stdio.h>
#include <string.h>

#include "basic_label.h"
#include "basic_safe.h"
#include "log.h"
#include "ptype.h"

#define BL_FAIL(r, ...)                                                                            \
	do {                                                                                       \
		snprintf(msg, msglen, __VA_ARGS__);                                                \
		return (r);                                                                        \
	} while (0)

static int
bl_ask(struct fdisk_context *cxt, struct fdisk_ask *ask, void *data)
{
	(void)cxt;
	(void)data;
	switch (fdisk_ask_get_type(ask)) {
	case FDISK_ASKTYPE_INFO:
	case FDISK_ASKTYPE_WARN:
	case FDISK_ASKTYPE_WARNX:
		log_debug("basic", "libfdisk: %s", fdisk_ask_print_get_mesg(ask));
		return 0;
	default:
		return -EINVAL; /* no dialogue: every parameter is given */
	}
}

struct fdisk_context *
blabel_open(int fd, const char *path, int ro, char *msg, size_t msglen)
{
	struct fdisk_context *cxt = fdisk_new_context();
	int rc;

	if (!cxt) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	fdisk_set_ask(cxt, bl_ask, NULL);
	rc = fd >= 0 ? fdisk_assign_device_by_fd(cxt, fd, path, ro)
	             : fdisk_assign_device(cxt, path, ro);
	if (rc < 0) {
		snprintf(msg, msglen, "libfdisk cannot read %s: %s", path, strerror(-rc));
		fdisk_unref_context(cxt);
		return NULL;
	}
	return cxt;
}

void
blabel_close(struct fdisk_context *cxt)
{
	if (!cxt)
		return;
	fdisk_deassign_device(cxt, 1);
	fdisk_unref_context(cxt);
}

enum inv_pstyle
blabel_style(struct fdisk_context *cxt)
{
	if (!fdisk_has_label(cxt))
		return INV_PS_NONE;
	if (fdisk_is_label(cxt, GPT))
		return INV_PS_GPT;
	if (fdisk_is_label(cxt, DOS))
		return INV_PS_MBR;
	return INV_PS_UNKNOWN;
}

uint64_t
blabel_grain(struct fdisk_context *cxt)
{
	return fdisk_get_grain_size(cxt);
}

/* The label to work on: keep the disk's, or create the one p asks for. */
enum vds_result
blabel_init(struct fdisk_context *cxt, enum inv_pstyle style, char *msg, size_t msglen)
{
	int rc;

	fdisk_enable_wipe(cxt, 1); /* stale signatures of the old content go */
	rc = fdisk_create_disklabel(cxt, style == INV_PS_GPT ? "gpt" : "dos");
	if (rc < 0)
		BL_FAIL(VDS_R_FAILED, "cannot create a label: %s", strerror(-rc));
	return VDS_R_OK;
}

static enum vds_result
bl_label(struct fdisk_context *cxt, const struct job_params *p, struct blabel_part *res, char *msg,
         size_t msglen)
{
	enum inv_pstyle have = blabel_style(cxt);
	enum inv_pstyle want = p->init_label == JOB_LABEL_GPT   ? INV_PS_GPT
	                       : p->init_label == JOB_LABEL_MBR ? INV_PS_MBR
	                                                        : INV_PS_NONE;
	size_t used = 0;
	enum vds_result r;

	res->style = have;
	if (have == INV_PS_UNKNOWN)
		BL_FAIL(VDS_R_NOT_SUPPORTED, "the disk's %s label is not supported",
		        fdisk_label_get_name(fdisk_get_label(cxt, NULL)));
	if (want == INV_PS_NONE || want == have) {
		if (have == INV_PS_NONE)
			BL_FAIL(VDS_R_INVALID_PARAM, "the disk has no partition table: give an "
			                             "initial label (gpt or mbr)");
		return VDS_R_OK;
	}
	if (have != INV_PS_NONE && fdisk_get_npartitions(cxt) > 0)
		for (size_t i = 0; i < fdisk_get_npartitions(cxt); i++)
			used += fdisk_is_partition_used(cxt, i) ? 1 : 0;
	if (used)
		BL_FAIL(VDS_R_NOT_EMPTY, "the disk has partitions: cannot write a new label");
	if (have == INV_PS_NONE && fdisk_get_collision(cxt))
		BL_FAIL(VDS_R_NOT_EMPTY, "the disk holds a %s signature: wipe it first",
		        fdisk_get_collision(cxt));
	if ((r = blabel_init(cxt, want, msg, msglen)) != VDS_R_OK)
		return r;
	res->style = want;
	res->new_label = 1;
	return VDS_R_OK;
}

/* Sectors start..end (inclusive) of the extended container in slot partno. */
struct bl_span {
	fdisk_sector_t start, end;
	size_t partno;
};

static int
bl_in(const struct bl_span *sp, fdisk_sector_t lba)
{
	return sp && lba >= sp->start && lba <= sp->end;
}

/* The extended container of an MBR label: 1 with its span, 0 when none. */
static int
bl_extended(struct fdisk_context *cxt, struct bl_span *ext)
{
	struct fdisk_partition *pa = NULL;
	int found = 0;

	for (size_t i = 0; !found && fdisk_is_label(cxt, DOS) && i < 4; i++) {
		if (!fdisk_is_partition_used(cxt, i) || fdisk_get_partition(cxt, i, &pa) < 0)
			continue;
		if ((found = fdisk_partition_is_container(pa))) {
			ext->start = fdisk_partition_get_start(pa);
			ext->end = fdisk_partition_get_end(pa);
			ext->partno = i;
		}
	}
	fdisk_unref_partition(pa);
	return found;
}

/* How many logical partitions an MBR label holds. */
static size_t
bl_nlogical(struct fdisk_context *cxt)
{
	size_t n = 0;

	for (size_t i = 4; fdisk_is_label(cxt, DOS) && i < fdisk_get_npartitions(cxt); i++)
		n += fdisk_is_partition_used(cxt, i) ? 1 : 0;
	return n;
}

/*
 * First free area (or the one at lba want) with room for n sectors, inside
 * the container ext (logical) or outside it: its aligned start, or 0.  A
 * logical want in the EBR room just before an area means the area's start.
 */
static fdisk_sector_t
bl_fit(struct fdisk_context *cxt, fdisk_sector_t want, fdisk_sector_t n, const struct bl_span *ext,
       int logical)
{
	struct fdisk_table *tb = NULL;
	struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
	struct fdisk_partition *pa;
	fdisk_sector_t found = 0, grain = blabel_grain(cxt) / fdisk_get_sector_size(cxt);

	if (!it || fdisk_get_freespaces(cxt, &tb) < 0)
		goto out;
	while (!found && fdisk_table_next_partition(tb, it, &pa) == 0) {
		fdisk_sector_t a = fdisk_partition_get_start(pa);
		fdisk_sector_t e = fdisk_partition_get_end(pa);
		fdisk_sector_t lo = logical && a >= ext->start + grain ? a - grain : a, s;

		if (bl_in(ext, a) != logical || (want && (want < lo || want > e)))
			continue;
		s = fdisk_align_lba_in_range(cxt, want > a ? want : a, a, e);
		if (s >= a && s + n - 1 <= e)
			found = s;
	}
out:
	fdisk_unref_table(tb);
	fdisk_free_iter(it);
	return found;
}

/* The first free primary slot of an MBR label, or -1. */
static int
bl_free_slot(struct fdisk_context *cxt)
{
	for (size_t i = 0; i < 4; i++)
		if (!fdisk_is_partition_used(cxt, i))
			return (int)i;
	return -1;
}

/* MBR: the first free primary slot; GPT: libfdisk's next free number. */
static int
bl_partno(struct fdisk_context *cxt, struct fdisk_partition *pa, enum inv_pstyle style)
{
	int slot;

	if (style != INV_PS_MBR)
		return fdisk_partition_partno_follow_default(pa, 1);
	if ((slot = bl_free_slot(cxt)) < 0)
		return -ENOSPC;
	return fdisk_partition_set_partno(pa, (size_t)slot);
}

static enum vds_result
bl_set_type(struct fdisk_context *cxt, struct fdisk_partition *pa, const struct job_params *p,
            enum inv_pstyle style, char *msg, size_t msglen)
{
	char t[40];
	struct fdisk_parttype *pt = NULL;

	if (ptype_resolve(style, p->partition_type, t, sizeof(t)) < 0 ||
	    !(pt = fdisk_label_parse_parttype(fdisk_get_label(cxt, NULL), t)))
		BL_FAIL(VDS_R_INVALID_PARAM, "partition type \"%s\" is not valid here",
		        p->partition_type);
	fdisk_partition_set_type(pa, pt);
	fdisk_unref_parttype(pt);
	if (p->name[0] && style == INV_PS_GPT && fdisk_partition_set_name(pa, p->name) < 0)
		BL_FAIL(VDS_R_NO_MEMORY, "out of memory");
	return VDS_R_OK;
}

static enum vds_result
bl_place(struct fdisk_context *cxt, struct fdisk_partition *pa, const struct job_params *p,
         struct blabel_part *res, char *msg, size_t msglen)
{
	uint64_t ss = fdisk_get_sector_size(cxt), grain = blabel_grain(cxt) / ss;
	fdisk_sector_t n = (p->size + ss - 1) / ss, want = p->offset / ss, s;
	struct bl_span ext;
	int has_ext = res->style == INV_PS_MBR && bl_extended(cxt, &ext), logical;
	char t[40];

	res->container = res->style == INV_PS_MBR &&
	                 ptype_resolve(INV_PS_MBR, p->partition_type, t, sizeof(t)) == 0 &&
	                 ptype_mbr_extended(t);
	if (res->container && has_ext)
		BL_FAIL(VDS_R_EXISTS, "the MBR has an extended partition already (partition %zu)",
		        ext.partno + 1);
	logical = has_ext && (want ? bl_in(&ext, want) : bl_free_slot(cxt) < 0);
	if (grain > 1)
		n = (n + grain - 1) / grain * grain;
	if (want)
		want = fdisk_align_lba(cxt, (p->offset + ss - 1) / ss, FDISK_ALIGN_UP);
	if (!(s = bl_fit(cxt, want, n, has_ext ? &ext : NULL, logical)))
		BL_FAIL(VDS_R_NO_SPACE, "no free extent of %llu bytes%s%s",
		        (unsigned long long)(n * ss), p->offset ? " at that offset" : "",
		        logical ? " in the extended partition" : "");
	if (!logical && bl_partno(cxt, pa, res->style) < 0)
		BL_FAIL(VDS_R_NO_SPACE, "the MBR has no free primary slot");
	fdisk_partition_set_start(pa, s);
	fdisk_partition_set_size(pa, n);
	res->offset = s * ss;
	res->size = n * ss;
	return VDS_R_OK;
}

enum vds_result
blabel_add(struct fdisk_context *cxt, const struct job_params *p, struct blabel_part *res,
           char *msg, size_t msglen)
{
	struct fdisk_partition *pa = NULL;
	enum vds_result r;
	size_t partno = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((r = bl_label(cxt, p, res, msg, msglen)) != VDS_R_OK)
		return r;
	if (!(pa = fdisk_new_partition()))
		BL_FAIL(VDS_R_NO_MEMORY, "out of memory");
	if ((r = bl_place(cxt, pa, p, res, msg, msglen)) != VDS_R_OK ||
	    (r = bl_set_type(cxt, pa, p, res->style, msg, msglen)) != VDS_R_OK)
		goto out;
	if ((rc = fdisk_add_partition(cxt, pa, &partno)) < 0) {
		snprintf(msg, msglen, "libfdisk cannot add the partition: %s", strerror(-rc));
		r = rc == -ENOSPC ? VDS_R_NO_SPACE : VDS_R_FAILED;
		goto out;
	}
	fdisk_wipe_partition(cxt, partno, 1);
	res->number = (uint32_t)partno + 1;
out:
	fdisk_unref_partition(pa);
	return r;
}

enum vds_result
blabel_get(struct fdisk_context *cxt, uint32_t number, struct blabel_part *res, char *msg,
           size_t msglen)
{
	struct fdisk_partition *pa = NULL;
	uint64_t ss = fdisk_get_sector_size(cxt);

	memset(res, 0, sizeof(*res));
	res->style = blabel_style(cxt);
	if (!number || res->style == INV_PS_NONE || !fdisk_is_partition_used(cxt, number - 1) ||
	    fdisk_get_partition(cxt, number - 1, &pa) < 0)
		BL_FAIL(VDS_R_NOT_FOUND, "partition %u is not in the label", number);
	res->number = number;
	res->offset = fdisk_partition_get_start(pa) * ss;
	res->size = fdisk_partition_get_size(pa) * ss;
	fdisk_unref_partition(pa);
	return VDS_R_OK;
}

enum vds_result
blabel_delete(struct fdisk_context *cxt, uint32_t number, char *msg, size_t msglen)
{
	struct bl_span ext;
	size_t n = bl_nlogical(cxt);
	int rc;

	if (n && bl_extended(cxt, &ext) && ext.partno + 1 == number)
		BL_FAIL(VDS_R_NOT_EMPTY,
		        "partition %u is an extended partition holding %zu logical partition%s: "
		        "delete %s first",
		        number, n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
	if ((rc = fdisk_delete_partition(cxt, number - 1)) < 0)
		BL_FAIL(VDS_R_FAILED, "libfdisk cannot delete partition %u: %s", number,
		        strerror(-rc));
	return VDS_R_OK;
}

enum vds_result
blabel_resize(struct fdisk_context *cxt, uint32_t number, uint64_t size, char *msg, size_t msglen)
{
	struct fdisk_partition *pa = fdisk_new_partition();
	uint64_t ss = fdisk_get_sector_size(cxt);
	int rc;

	if (!pa)
		BL_FAIL(VDS_R_NO_MEMORY, "out of memory");
	fdisk_partition_set_size(pa, size / ss);
	rc = fdisk_set_partition(cxt, number - 1, pa);
	fdisk_unref_partition(pa);
	if (rc < 0)
		BL_FAIL(VDS_R_FAILED, "libfdisk cannot resize partition %u: %s", number,
		        strerror(-rc));
	return VDS_R_OK;
}

enum vds_result
blabel_write(struct fdisk_context *cxt, const char *path, char *msg, size_t msglen)
{
	int rc = fdisk_write_disklabel(cxt);

	if (rc < 0)
		BL_FAIL(rc == -EROFS || rc == -EACCES || rc == -EPERM ? VDS_R_READ_ONLY
		        : rc == -ENODEV || rc == -ENXIO               ? VDS_R_DEVICE_GONE
		                                                      : VDS_R_IO_ERROR,
		        "cannot write the partition table of %s: %s", path, strerror(-rc));
	return VDS_R_OK;
}

enum vds_result
blabel_verify(const char *path, const struct blabel_part *want, char *msg, size_t msglen)
{
	struct fdisk_context *cxt = blabel_open(-1, path, 1, msg, msglen);
	struct blabel_part got;
	enum vds_result r = VDS_R_IO_ERROR;
	int bad;

	if (!cxt)
		return VDS_R_IO_ERROR;
	if (!fdisk_has_label(cxt) || (bad = fdisk_verify_disklabel(cxt)) != 0) {
		snprintf(msg, msglen, "the label of %s does not verify after writing", path);
		goto out;
	}
	r = blabel_get(cxt, want->number, &got, msg, msglen);
	if (!want->size) {
		/* gone, or a later logical partition took its number */
		r = r == VDS_R_NOT_FOUND || (r == VDS_R_OK && got.offset != want->offset)
		        ? VDS_R_OK
		        : VDS_R_IO_ERROR;
		if (r != VDS_R_OK)
			snprintf(msg, msglen, "partition %u is still in the label", want->number);
	} else if (r == VDS_R_OK && (got.offset != want->offset || got.size != want->size)) {
		snprintf(msg, msglen, "partition %u reads back at %llu+%llu", want->number,
		         (unsigned long long)got.offset, (unsigned long long)got.size);
		r = VDS_R_IO_ERROR;
	}
out:
	blabel_close(cxt);
	return r;
}

struct fdisk_table *
blabel_layout(struct fdisk_context *cxt)
{
	struct fdisk_table *tb = NULL;

	if (fdisk_get_partitions(cxt, &tb) < 0) {
		fdisk_unref_table(tb);
		return NULL;
	}
	return tb;
}

void
blabel_layout_free(struct fdisk_table *tb)
{
	fdisk_unref_table(tb);
}

/* Does the kernel see partition want->number where the label has it? */
static int
bl_kernel_agrees(const char *path, const struct blabel_part *want, char *why, size_t len)
{
	uint64_t off = 0, size = 0;
	int k = bsafe_kernel_part(path, want->number, &off, &size);

	/* gone, or a later logical partition took its number; the kernel shows
	 * an extended container as its first sector(s) only */
	if (k < 0 || (k == 0 && !want->size) || (k == 1 && !want->size && off != want->offset) ||
	    (k == 1 && want->size && off == want->offset &&
	     (size == want->size || (want->container && size <= want->size))))
		return 1;
	if (k == 0)
		snprintf(why, len, "it has no partition %u", want->number);
	else if (!want->size)
		snprintf(why, len, "it still has partition %u", want->number);
	else
		snprintf(why, len, "it has partition %u at %llu, %llu bytes", want->number,
		         (unsigned long long)off, (unsigned long long)size);
	return 0;
}

enum vds_result
blabel_tell_kernel(struct fdisk_context *cxt, struct fdisk_table *org, const char *path,
                   const struct blabel_part *want, char *msg, size_t msglen)
{
	char why[160];
	int rc = fdisk_reread_partition_table(cxt);

	if (rc == -EINVAL || rc == -ENOTTY)
		return VDS_R_OK; /* the device has no partitions (a loop without partscan) */
	if (rc == -EBUSY && org) {
		/* Another partition is in use: tell the kernel about the changed
		 * ones alone (BLKPG), as fdisk(8) does.  Its result does not say
		 * whether every BLKPG call worked; the kernel's view does. */
		log_info("basic", "%s: in use, updating the changed partitions only", path);
		if (fdisk_reread_changes(cxt, org) < 0)
			rc = -EBUSY;
	}
	if (bl_kernel_agrees(path, want, why, sizeof(why)))
		return VDS_R_OK;
	snprintf(msg, msglen,
	         "the partition table of %s was written; the kernel still uses the old table: %s "
	         "(%s%s)",
	         path, why, rc == 0 ? "it re-read the table without finding it" : "re-read: ",
	         rc == 0 ? "" : strerror(-rc));
	log_warnx("basic", "%s", msg);
	return rc == -EBUSY                    ? VDS_R_IN_USE
	       : rc == -EACCES || rc == -EPERM ? VDS_R_NOT_ALLOWED
	                                       : VDS_R_IO_ERROR;
}
