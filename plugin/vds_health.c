/* SPDX-License-Identifier: ISC */
/*
 * vds_health.c - disk health values for the collectd plugin (plugin/vds.c).
 * A figure the device does not report is not dispatched at all.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "mib_oids.h"
#include "vcfields.h"
#include "vds_health.h"

static int
vh_has(const struct vc_disk_health *h, unsigned col)
{
	const struct vcf_table *t = vcf_table(VC_T_DISK_HEALTH);

	return vcf_has(t, h, vcf_field(t, col));
}

int
vds_health_read(struct vc_conn *c, const struct vc_disk *d, size_t n, vds_health_gauge_fn gauge)
{
	static const struct {
		unsigned col;
		const char *type, *tinst;
	} figs[] = {
	    {VDS_DH_POWER_ON_HOURS, "gauge", "power_on_hours"},
	    {VDS_DH_REALLOCATED_SECTORS, "count", "reallocated_sectors"},
	    {VDS_DH_PENDING_SECTORS, "count", "pending_sectors"},
	    {VDS_DH_AVAILABLE_SPARE, "percent", "available_spare"},
	};
	struct vc_disk_health *h;
	size_t nh;

	if (vc_read_table(c, VC_T_DISK_HEALTH, (void **)&h, &nh) < 0)
		return -1;
	for (size_t i = 0; i < nh; i++) {
		const struct vcf_table *t = vcf_table(VC_T_DISK_HEALTH);
		const char *name = NULL;
		char pinst[80];

		for (size_t k = 0; k < n && !name; k++)
			if (d[k].index == h[i].index)
				name = d[k].name;
		if (!name)
			continue; /* a disk that came between the two walks */
		snprintf(pinst, sizeof(pinst), "disk-%s", name);
		gauge(pinst, "gauge", "health", h[i].health);
		if (vh_has(&h[i], VDS_DH_TEMPERATURE))
			gauge(pinst, "temperature", "", (double)(int32_t)h[i].temperature);
		if (vh_has(&h[i], VDS_DH_MEDIA_ERRORS))
			gauge(pinst, "count", "media_errors", (double)h[i].media_errors);
		if (vh_has(&h[i], VDS_DH_PERCENT_USED))
			gauge(pinst, h[i].percent_used > 100 ? "gauge" : "percent",
			      "endurance_used", h[i].percent_used);
		for (size_t k = 0; k < sizeof(figs) / sizeof(figs[0]); k++) {
			const struct vcf_field *f = vcf_field(t, figs[k].col);

			if (vcf_has(t, &h[i], f))
				gauge(pinst, figs[k].type, figs[k].tinst, vcf_u32(&h[i], f));
		}
	}
	free(h);
	return 0;
}
