/* SPDX-License-Identifier: ISC */
/*
 * sim_gate.c - hold a sim job at a phase while a gate file exists (tests).
 *
 * Runs on a worker thread only: a stat() every few ms while held, never on
 * the loop.  The files are the test's interface, see sim_gate.h.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sim_gate.h"

#define SIM_GATE_POLL_MS 10

static int
sim_gate_exists(const char *dir, const char *name)
{
	char path[1024];
	struct stat sb;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return 0;
	return stat(path, &sb) == 0;
}

static void
sim_gate_mark(const char *dir, uint32_t handle, unsigned phase)
{
	char path[1024];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/at-%u-%u", dir, handle, phase) >= sizeof(path))
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		log_warn("sim", "cannot mark %s", path);
		return;
	}
	close(fd);
}

static int
sim_gate_closed(const char *dir, uint32_t handle, unsigned phase)
{
	char all[32], one[48];

	snprintf(all, sizeof(all), "hold-%u", phase);
	snprintf(one, sizeof(one), "hold-%u-%u", handle, phase);
	return sim_gate_exists(dir, all) || sim_gate_exists(dir, one);
}

int
sim_gate_pass(const char *dir, struct prov_job *j, unsigned phase)
{
	uint32_t h = prov_job_handle(j);
	int held = 0;

	if (!dir || !dir[0])
		return 0;
	sim_gate_mark(dir, h, phase);
	while (sim_gate_closed(dir, h, phase) && !prov_job_stopping()) {
		if (!held++)
			log_debug("sim", "job %u held at phase %u", h, phase);
		/* returns 1 only for a cancel the job may still honour */
		if (prov_job_sleep(j, SIM_GATE_POLL_MS))
			return 1;
	}
	return 0;
}
