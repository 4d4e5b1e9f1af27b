/* SPDX-License-Identifier: ISC */
/*
 * lvmscript.h - what the lvm provider's job tests share: recorded LVM
 * outputs (tests/unit/lvm/), a scripted command runner standing in for the
 * tools at the system edge (the only fake: the provider's code runs for
 * real, on a real worker), and running one job plan to its end.
 */
#ifndef VDS_LVMSCRIPT_H
#define VDS_LVMSCRIPT_H

#include <stddef.h>

#include "lvm/lvm_cmd.h"
#include "lvm/lvm_run.h"

/* The recorded file tests/unit/lvm/NAME, malloc'd (the test fails without it). */
char *fixture(const char *name);

#define LVS_A "lvs --reportformat json --units b --nosuffix -a -o vg_name"

/*
 * The first rule whose text is in the command line (argv[1..] without the
 * --config pair, joined with ' ') and has uses left answers it: stdout from
 * a fixture file or literal text, stderr from the fixture file err, and the
 * exit status.  A rule with seen answers only once the job's progress the
 * loop received has had those details (so a poll cannot overtake the one
 * before it).  vgs and pvs answer from vgs.json and pvs-used.json.  Every
 * call is logged in order; the runner may be called from several threads.
 */
struct rule {
	const char *match, *file, *text;
	int status;
	int uses; /* 0: any number */
	const char *err, *seen;
};

struct script {
	struct rule *rules;
	char log[8192];
	size_t loglen;
};

int script_run(void *arg, const struct lvm_cmd *cmd, struct lvm_output *o);

struct jobrun {
	enum vds_result r;
	char msg[512];
	int done;
	char progress[4096]; /* "PERCENT DETAILS\n" as the loop received them */
	size_t proglen;
};

/* Run the plan's job on a real worker with sc as the command runner. */
void run_job(struct lvm_plan *pl, struct script *sc, struct jobrun *jr);
/* A plan of type on vgf/mf; plan_free() it. */
struct lvm_plan *plan_new(enum job_type type);
void plan_free(struct lvm_plan *pl);
/* Where in sc's log the line "what\n" first is: its offset, or -1. */
long script_at(const struct script *sc, const char *what);
/* Where in sc's log the first line containing what is: its offset, or -1. */
long logged(const struct script *sc, const char *what);
/* Did the loop receive progress "PERCENT DETAILS" of jr's job? */
int progressed(const struct jobrun *jr, const char *line);

#endif
