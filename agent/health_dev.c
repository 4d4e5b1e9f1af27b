/* SPDX-License-Identifier: ISC */
/*
 * health_dev.c - ATA SMART (libatasmart) and NVMe health (libnvme) of a
 * block device, on the poll thread.
 *
 * libatasmart is what udisks2 uses for ATA: it sends SMART READ DATA and
 * SMART RETURN STATUS through SG_IO (ATA pass-through, so SATA behind SAT
 * works too) and parses the attributes; when it cannot identify the disk
 * (its SAT passthrough fails where smartctl's works: Linux 6.1's libata
 * with QEMU's AHCI disk), `smartctl -j` as a child process reads it
 * (health_smartctl.c).  libnvme's nvme_get_log_smart sends
 * Get Log Page (SMART / Health Information) on the namespace's device node.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_ATASMART
#include <atasmart.h>
#endif
#ifdef HAVE_LIBNVME
#include <libnvme.h>
#endif

#include "health_dev.h"
#ifdef HAVE_JSONC
#include "health_smartctl.h"
#endif

static void
hd_none(struct health_report *r, const char *why, const char *devnode)
{
	r->state = HEALTH_UNKNOWN;
	r->source = HEALTH_SRC_NONE;
	r->valid = 0;
	snprintf(r->reason, sizeof(r->reason), "%s: %s", why, devnode);
}

#ifdef HAVE_LIBNVME
/* Little-endian 128-bit counter, saturated to 64 bits. */
static uint64_t
hd_le128(const uint8_t b[16])
{
	uint64_t v = 0;

	for (int i = 15; i >= 8; i--)
		if (b[i])
			return UINT64_MAX;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static void
hd_nvme(const char *devnode, struct health_report *r)
{
	struct nvme_smart_log log;
	int fd = open(devnode, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		hd_none(r, strerror(errno), devnode);
		return;
	}
	memset(&log, 0, sizeof(log));
	rc = nvme_get_log_smart(fd, NVME_NSID_ALL, false, &log);
	close(fd);
	if (rc != 0) {
		hd_none(r, rc < 0 ? strerror(errno) : "NVMe SMART log page refused", devnode);
		return;
	}
	r->source = HEALTH_SRC_NVME;
	r->valid = HF_CRITICAL | HF_TEMPERATURE | HF_PERCENT | HF_MEDIA | HF_SPARE | HF_SPARE_THR |
	           HF_POWER_ON;
	r->critical_warning = log.critical_warning;
	r->temperature = (int32_t)(log.temperature[0] | (log.temperature[1] << 8)) - 273;
	r->percent_used = log.percent_used;
	r->media_errors = hd_le128(log.media_errors);
	r->spare = log.avail_spare;
	r->spare_threshold = log.spare_thresh;
	uint64_t poh = hd_le128(log.power_on_hours);
	r->power_on_hours = poh > UINT32_MAX ? UINT32_MAX : (uint32_t)poh;
	health_judge_nvme(r);
}
#endif

#ifdef HAVE_ATASMART
struct hd_ata_walk {
	struct health_report *r;
	int bad_now;
};

static void
hd_ata_attr(SkDisk *d, const SkSmartAttributeParsedData *a, void *arg)
{
	struct hd_ata_walk *w = arg;

	(void)d;
	if (a->good_now_valid && !a->good_now)
		w->bad_now = 1;
	if (a->pretty_unit != SK_SMART_ATTRIBUTE_UNIT_SECTORS)
		return;
	if (a->id == 5) {
		w->r->reallocated =
		    a->pretty_value > UINT32_MAX ? UINT32_MAX : (uint32_t)a->pretty_value;
		w->r->valid |= HF_REALLOCATED;
	} else if (a->id == 197) {
		w->r->pending =
		    a->pretty_value > UINT32_MAX ? UINT32_MAX : (uint32_t)a->pretty_value;
		w->r->valid |= HF_PENDING;
	}
}

static void
hd_ata(const char *devnode, struct health_report *r)
{
	struct hd_ata_walk w = {r, 0};
	SkDisk *d = NULL;
	SkBool avail = 0, good = 0;
	uint64_t mk, ms;

	if (sk_disk_open(devnode, &d) < 0) {
		hd_none(r, "no ATA SMART", devnode);
		return;
	}
	if (sk_disk_smart_is_available(d, &avail) < 0 || !avail) {
		sk_disk_free(d);
#ifdef HAVE_JSONC
		if (health_smartctl_read(devnode, r) == 0)
			return;
#endif
		hd_none(r, "SMART not available", devnode);
		return;
	}
	r->source = HEALTH_SRC_ATA;
	r->valid = 0;
	if (sk_disk_smart_status(d, &good) == 0) {
		r->smart = good ? HEALTH_SMART_PASSED : HEALTH_SMART_FAILED;
		r->valid |= HF_SMART;
	}
	if (sk_disk_smart_read_data(d) == 0) {
		sk_disk_smart_parse_attributes(d, hd_ata_attr, &w);
		if (sk_disk_smart_get_temperature(d, &mk) == 0) {
			r->temperature = (int32_t)((int64_t)(mk / 1000) - 273);
			r->valid |= HF_TEMPERATURE;
		}
		if (sk_disk_smart_get_power_on(d, &ms) == 0) {
			r->power_on_hours = (uint32_t)(ms / 3600000ull);
			r->valid |= HF_POWER_ON;
		}
	}
	sk_disk_free(d);
	health_judge_ata(r, w.bad_now);
}
#endif

/* An sd disk is asked for ATA SMART only when libata put it there (SATA,
 * AHCI: vendor "ATA"); SAS, USB and virtual SCSI disks are not sent ATA
 * commands. */
static int
hd_is_ata(const char *base)
{
	char path[300], vendor[16] = "";
	FILE *f;

	if (!strncmp(base, "hd", 2))
		return 1;
	snprintf(path, sizeof(path), "/sys/block/%s/device/vendor", base);
	if (!(f = fopen(path, "re")))
		return 0;
	if (!fgets(vendor, sizeof(vendor), f))
		vendor[0] = '\0';
	fclose(f);
	return !strncmp(vendor, "ATA ", 4) || !strcmp(vendor, "ATA\n");
}

void
health_dev_read(const char *devnode, struct health_report *r)
{
	const char *base = strrchr(devnode, '/');

	memset(r, 0, sizeof(*r));
	base = base ? base + 1 : devnode;
	if (!strncmp(base, "loop", 4))
		hd_none(r, "a loop device has no health data", devnode);
	else if (!strncmp(base, "vd", 2) || !strncmp(base, "xvd", 3))
		hd_none(r, "a virtio/xen disk has no health data", devnode);
	else if (!strncmp(base, "nvme", 4))
#ifdef HAVE_LIBNVME
		hd_nvme(devnode, r);
#else
		hd_none(r, "vdsd was built without libnvme", devnode);
#endif
	else if ((!strncmp(base, "sd", 2) || !strncmp(base, "hd", 2)) && !hd_is_ata(base))
		hd_none(r, "not an ATA disk (SCSI, USB): its SMART is not read", devnode);
	else if (!strncmp(base, "sd", 2) || !strncmp(base, "hd", 2))
#ifdef HAVE_ATASMART
		hd_ata(devnode, r);
#else
		hd_none(r, "vdsd was built without libatasmart", devnode);
#endif
	else /* dm, md, zram, mmc, ...: no SMART to ask for */
		hd_none(r, "no health data for this kind of device", devnode);
}
