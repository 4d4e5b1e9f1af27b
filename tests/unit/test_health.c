/* SPDX-License-Identifier: ISC */
/*
 * test_health.c - what disk health figures mean (NVMe critical warning,
 * ATA SMART), the sim provider's health file (untrusted input) and the rate
 * limit of vdsVolumeRebuildProgress.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "health.h"
#ifdef HAVE_JSONC
#include "health_smartctl.h"
#endif
#include "notify_rebuild.h"
#include "health_sim.h"

static struct health_report
nvme(unsigned warn, uint32_t used)
{
	struct health_report r;

	memset(&r, 0, sizeof(r));
	r.valid = HF_CRITICAL | HF_PERCENT;
	r.critical_warning = warn;
	r.percent_used = used;
	health_judge_nvme(&r);
	return r;
}

static void
test_nvme(void)
{
	struct health_report r = nvme(0, 3);

	CU_ASSERT_EQUAL(r.state, HEALTH_HEALTHY);
	r = nvme(HEALTH_NVME_SPARE, 3);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "spare"));
	r = nvme(HEALTH_NVME_TEMP | HEALTH_NVME_DEGRADED, 3);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "temperature"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "reliability"));
	r = nvme(HEALTH_NVME_READONLY | HEALTH_NVME_SPARE, 3);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILED);
	r = nvme(0, 100);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	r = nvme(0, 99);
	CU_ASSERT_EQUAL(r.state, HEALTH_HEALTHY);
}

static void
test_ata(void)
{
	struct health_report r;

	memset(&r, 0, sizeof(r));
	health_judge_ata(&r, 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_UNKNOWN); /* no SMART status: never healthy */
	r.valid = HF_SMART | HF_REALLOCATED | HF_PENDING;
	r.smart = HEALTH_SMART_PASSED;
	health_judge_ata(&r, 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_HEALTHY);
	r.pending = 2;
	health_judge_ata(&r, 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	r.pending = 0;
	health_judge_ata(&r, 1);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	r.smart = HEALTH_SMART_FAILED;
	health_judge_ata(&r, 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILED);
}

#ifdef HAVE_JSONC
static void
test_smartctl(void)
{
	struct health_report r;
	static const char ok[] =
	    "{\"smart_status\":{\"passed\":true},\"temperature\":{\"current\":31},"
	    "\"power_on_time\":{\"hours\":12},\"ata_smart_attributes\":{\"table\":["
	    "{\"id\":5,\"when_failed\":\"\",\"raw\":{\"value\":0}},"
	    "{\"id\":197,\"when_failed\":\"\",\"raw\":{\"value\":0}}]}}";
	static const char pending[] =
	    "{\"smart_status\":{\"passed\":true},\"ata_smart_attributes\":{\"table\":["
	    "{\"id\":197,\"raw\":{\"value\":8}},{\"id\":5,\"raw\":\"x\"}]}}";
	static const char failed[] = "{\"smart_status\":{\"passed\":false},"
	                             "\"ata_smart_attributes\":{\"table\":[]}}";
	static const char attr_now[] =
	    "{\"smart_status\":{\"passed\":true},\"ata_smart_attributes\":{\"table\":["
	    "{\"id\":1,\"when_failed\":\"now\",\"raw\":{\"value\":1}}]}}";

	CU_ASSERT_EQUAL(health_smartctl_parse(ok, &r), 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_HEALTHY);
	CU_ASSERT_EQUAL(r.source, HEALTH_SRC_ATA);
	CU_ASSERT_EQUAL(r.temperature, 31);
	CU_ASSERT_EQUAL(r.power_on_hours, 12);
	CU_ASSERT_TRUE(r.valid & HF_REALLOCATED);
	CU_ASSERT_EQUAL(health_smartctl_parse(pending, &r), 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	CU_ASSERT_EQUAL(r.pending, 8);
	CU_ASSERT_FALSE(r.valid & HF_REALLOCATED); /* a raw value of the wrong type */
	CU_ASSERT_FALSE(r.valid & HF_TEMPERATURE);
	CU_ASSERT_EQUAL(health_smartctl_parse(failed, &r), 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILED);
	CU_ASSERT_EQUAL(health_smartctl_parse(attr_now, &r), 0);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILING);
	/* not an ATA report (NVMe, an error, garbage) */
	CU_ASSERT_EQUAL(health_smartctl_parse("{\"nvme_smart_health_information_log\":{}}", &r),
	                -1);
	CU_ASSERT_EQUAL(health_smartctl_parse("not json", &r), -1);
	CU_ASSERT_EQUAL(health_smartctl_parse("{\"ata_smart_attributes\":{\"table\":3}}", &r), -1);
}
#endif

static char dir[64];

static void
put(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/health-d1", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
test_sim(void)
{
	struct health_report r;

	strcpy(dir, "/tmp/test_health.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	health_sim_read(dir, "d1", &r); /* no file: healthy defaults */
	CU_ASSERT_EQUAL(r.state, HEALTH_HEALTHY);
	CU_ASSERT_EQUAL(r.source, HEALTH_SRC_SIM);
	CU_ASSERT_EQUAL(r.temperature, 35);
	health_sim_read("", "d1", &r);
	CU_ASSERT_EQUAL(r.state, HEALTH_HEALTHY);

	put("failed\nreason dead\ntemperature -5\nmedia_errors 4000000000\ncritical_warning 8\n");
	health_sim_read(dir, "d1", &r);
	CU_ASSERT_EQUAL(r.state, HEALTH_FAILED);
	CU_ASSERT_STRING_EQUAL(r.reason, "dead");
	CU_ASSERT_EQUAL(r.temperature, -5);
	CU_ASSERT_EQUAL(r.media_errors, 4000000000u);
	CU_ASSERT_TRUE(r.valid & HF_CRITICAL);
	CU_ASSERT_EQUAL(r.critical_warning, 8);

	/* damaged: unknown with no figure, never healthy */
	static const char *const bad[] = {
	    "",
	    "healthy\ntemperature hot\n",
	    "healthy\nwheels 4\n",
	    "healthy\nnospace\n",
	    "great\n",
	    "healthy\ntemperature 99999999999\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i]);
		health_sim_read(dir, "d1", &r);
		CU_ASSERT_EQUAL(r.state, HEALTH_UNKNOWN);
		CU_ASSERT_EQUAL(r.valid, 0);
	}
	char path[128];
	snprintf(path, sizeof(path), "%s/health-d1", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_rebuild_rate(void)
{
	notify_rebuild_config(0, 5);
	CU_ASSERT_FALSE(notify_rebuild_due(1, 1, 10, 0)); /* off */
	notify_rebuild_config(1, 5);
	CU_ASSERT_FALSE(notify_rebuild_due(1, 0, 100, 0));   /* never rebuilt */
	CU_ASSERT_TRUE(notify_rebuild_due(1, 1, 10, 1000));  /* start */
	CU_ASSERT_FALSE(notify_rebuild_due(1, 1, 20, 3000)); /* too soon */
	CU_ASSERT_FALSE(notify_rebuild_due(1, 1, 10, 7000)); /* no progress */
	CU_ASSERT_TRUE(notify_rebuild_due(1, 1, 30, 7000));
	CU_ASSERT_TRUE(notify_rebuild_due(2, 1, 0, 7001));     /* another plex: its own */
	CU_ASSERT_TRUE(notify_rebuild_due(1, 0, 100, 7002));   /* end, whatever the gap */
	CU_ASSERT_FALSE(notify_rebuild_due(1, 0, 100, 20000)); /* told already */
	notify_rebuild_config(0, 5);
	CU_ASSERT_FALSE(notify_rebuild_due(2, 0, 100, 30000));
	notify_rebuild_free();
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("health", NULL, NULL);
	CU_add_test(s, "NVMe critical warning", test_nvme);
	CU_add_test(s, "ATA SMART", test_ata);
	CU_add_test(s, "sim health file", test_sim);
	CU_add_test(s, "rebuild progress rate", test_rebuild_rate);
#ifdef HAVE_JSONC
	CU_add_test(s, "smartctl --json", test_smartctl);
#endif
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
