/* SPDX-License-Identifier: ISC */
/*
 * cv_health.c - judge the disks' health for check_vds -m health.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cv_health.h"
#include "mib_oids.h"
#include "vcfields.h"

static const char *
cvh_name(const struct vc_disk *disks, size_t nd, uint32_t index, char *buf, size_t len)
{
	for (size_t i = 0; i < nd; i++)
		if (disks[i].index == index)
			return disks[i].name[0] ? disks[i].name : disks[i].devnode;
	snprintf(buf, len, "disk %u", index);
	return buf;
}

static int
cvh_has(const struct vc_disk_health *h, unsigned col)
{
	const struct vcf_table *t = vcf_table(VC_T_DISK_HEALTH);

	return vcf_has(t, h, vcf_field(t, col));
}

int
cvh_evaluate(const struct vc_disk *disks, size_t nd, const struct vc_disk_health *h, size_t nh,
             const struct cv_range *tw, const struct cv_range *tc, char *text, size_t tlen,
             char *perf, size_t plen)
{
	size_t used = 0, pused = 0, failing = 0, failed = 0, unknown = 0, hot = 0;
	int worst = 0;
	char nbuf[32];

	text[0] = perf[0] = '\0';
	for (size_t i = 0; i < nh; i++) {
		const char *name = cvh_name(disks, nd, h[i].index, nbuf, sizeof(nbuf));
		int st = 0, is_hot = 0, has_t = cvh_has(&h[i], VDS_DH_TEMPERATURE);
		double temp = (double)(int32_t)h[i].temperature;

		if (h[i].health == 4) {
			st = 2;
			failed++;
		} else if (h[i].health == 3) {
			st = 1;
			failing++;
		} else if (h[i].health != 2) {
			unknown++;
		}
		if (has_t && tc->set && cvr_alert(tc, temp, 0))
			is_hot = 2;
		else if (has_t && tw->set && cvr_alert(tw, temp, 0))
			is_hot = 1;
		if (is_hot) {
			st = st > is_hot ? st : is_hot;
			hot++;
		}
		if (has_t && pused < plen)
			pused += (size_t)snprintf(perf + pused, plen - pused,
			                          " '%s_temp'=%.0f;%s;%s;;", name, temp,
			                          tw->set ? tw->text : "", tc->set ? tc->text : "");
		if (!st)
			continue;
		worst = st > worst ? st : worst;
		if (used < tlen && h[i].health >= 3)
			used += (size_t)snprintf(
			    text + used, tlen - used, "%s%s is %s (%s)", used ? ", " : "", name,
			    h[i].health == 4 ? "failed" : "failing", h[i].reason);
		if (used < tlen && is_hot)
			used += (size_t)snprintf(text + used, tlen - used, "%s%s at %.0f C",
			                         used ? ", " : "", name, temp);
	}
	if (!worst)
		snprintf(text, tlen, "%zu disks: %zu healthy, %zu without health data", nh,
		         nh - unknown, unknown);
	if (pused < plen)
		snprintf(perf + pused, plen - pused,
		         " failing=%zu;;;0; failed=%zu;;;0; hot=%zu;;;0;", failing, failed, hot);
	return worst;
}
