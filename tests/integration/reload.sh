#!/bin/bash
# SPDX-License-Identifier: ISC
# reload.sh - SIGHUP applies every directive or says it needs a restart:
#   jobMaxRunning raised: queued jobs start AND run (the worker pool grows),
#   vdsJobsRunning counts only jobs that really run;
#   jobMaxRunning lowered: running jobs finish, no new one starts beyond it;
#   simJobDuration: a job prepared after the reload uses the new duration;
#   a restart-only directive (agentXPingInterval) is named in the log and in
#   vdsServiceRestartNeeded, which a reload of the file changed back clears.
# Jobs are held at a phase by the sim test gates: nothing races the clock.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd

# A sim job of 10 minutes: a job that runs with it does not end in the test.
LONG_MS=600000
conf() { # MAX_RUNNING SIM_MS PING
	VDS_SIM_JOB_MS=$2 vds_write_conf "discovery no" "jobMaxRunning $1" "jobMaxQueued 8"
	sed -i "s/^agentXPingInterval .*/agentXPingInterval $3/" "$VDS_CONF"
}
# reload: SIGHUP, then wait for the log line that says it was applied.
reload() {
	local before
	before=$(grep -c "configuration reloaded" "$VDS_VDSD_LOG")
	kill -HUP "$VDS_VDSD_PID"
	reloaded() { [ "$(grep -c "configuration reloaded" "$VDS_VDSD_LOG")" -gt "$before" ]; }
	wait_for 60000 reloaded || fail "no \"configuration reloaded\" after SIGHUP"
}
# restart_needed: vdsServiceRestartNeeded ("" for the empty string)
restart_needed() {
	local v
	v=$(vds_snmpget -Oqv VDS-MIB::vdsServiceRestartNeeded.0 2>&1) ||
		check_fail "no vdsServiceRestartNeeded: $v"
	case $v in
	'""') v= ;;
	"No Such"*) check_fail "no vdsServiceRestartNeeded: $v" ;;
	esac
	printf '%s\n' "$v"
}
hold_job() { vds_hold "$1-$2"; }
release_job() { vds_release "$1-$2"; }
new_vdisk_job() { # NAME: a createVDisk on sim, held at phase 0; prints the handle
	local h
	h=$(job_handle)
	hold_job "$h" 0
	job_start "$h" 7 ParamPath s "$SIMDIR/$1.img" ParamSizeMiB u 8
	echo "$h"
}

vds_start_master
conf 1 "$LONG_MS" 1
vds_start_vdsd
vds_wait_registered
SIMDIR=$VDS_TMP/state/sim

# ---------------------------------------------------------------- raise jobMaxRunning
J1=$(new_vdisk_job r1)
J2=$(new_vdisk_job r2)
J3=$(new_vdisk_job r3)
vds_wait_reached "$J1" 0
expect_eq "jobMaxRunning 1: statuses" "3 2 2" \
	"$(job_get "$J1" Status) $(job_get "$J2" Status) $(job_get "$J3" Status)"

conf 3 200 1
reload
# Both queued jobs now read running and must really run (reach their gate).
vds_wait_reached "$J2" 0
vds_wait_reached "$J3" 0
expect_eq "jobMaxRunning 3: statuses" "3 3 3" \
	"$(job_get "$J1" Status) $(job_get "$J2" Status) $(job_get "$J3" Status)"
expect_eq "vdsJobMaxRunning / vdsJobsRunning" "3 3" "$(svc vdsJobMaxRunning) $(svc vdsJobsRunning)"

# ---------------------------------------------------------------- lower jobMaxRunning
conf 1 200 1
reload
J4=$(new_vdisk_job r4)
release_job "$J2" 0
# J2 was prepared after the reload to 200 ms: it ends well within 60 s
# (with the old 10 minutes it would not).
expect_eq "job $J2 (simJobDuration 200 after reload) succeeded" "$ST_SUCCEEDED" "$(job_wait "$J2")"
# J1 and J3 still run: with jobMaxRunning 1, J4 must not start.
expect_eq "jobMaxRunning lowered to 1: J1 J3 J4" "3 3 2" \
	"$(job_get "$J1" Status) $(job_get "$J3" Status) $(job_get "$J4" Status)"
vds_reached "$J4" 0 && check_fail "job $J4 started although 2 jobs run and jobMaxRunning is 1"
release_job "$J3" 0
expect_eq "job $J3 succeeded" "$ST_SUCCEEDED" "$(job_wait "$J3")"
expect_eq "J1 runs, J4 still queued (1 running, limit 1)" "3 2" \
	"$(job_get "$J1" Status) $(job_get "$J4" Status)"
# J1 was prepared with the old 10 minutes: cancel it (before its point of no return).
expect_set_error "cancel job $J1" noError "VDS-MIB::vdsJobControl.$J1" i 2
release_job "$J1" 0
expect_eq "job $J1 cancelled" "$ST_CANCELLED" "$(job_wait "$J1")"
vds_wait_reached "$J4" 0
release_job "$J4" 0
expect_eq "job $J4 succeeded" "$ST_SUCCEEDED" "$(job_wait "$J4")"
expect_eq "vdsJobsRunning at the end" 0 "$(svc vdsJobsRunning)"

# ---------------------------------------------------------------- restart-only directive
expect_eq "vdsServiceRestartNeeded before" "" "$(restart_needed)"
conf 1 200 2
reload
expect_eq "vdsServiceRestartNeeded after agentXPingInterval changed" "agentXPingInterval" \
	"$(restart_needed)"
if grep -q "agentXPingInterval changed in .*needs a restart" "$VDS_VDSD_LOG" &&
	grep "configuration reloaded" "$VDS_VDSD_LOG" | tail -n1 | grep -q "needs a restart: agentXPingInterval"; then
	note "restart-only directive logged: $(grep -m1 "agentXPingInterval changed" "$VDS_VDSD_LOG")"
else
	check_fail "agentXPingInterval changed on reload but no \"needs a restart\" in the log"
fi
grep "configuration reloaded" "$VDS_VDSD_LOG" | head -n -1 | grep -q "needs a restart" &&
	check_fail "a reload without restart-only changes said \"needs a restart\""
# the file changed back to the value in use: nothing waits for a restart
conf 1 200 1
reload
expect_eq "vdsServiceRestartNeeded after the file changed back" "" "$(restart_needed)"
grep "configuration reloaded" "$VDS_VDSD_LOG" | tail -n1 | grep -q "needs a restart" &&
	check_fail "a reload back to the running values said \"needs a restart\""

vds_stop_vdsd
vds_finish
