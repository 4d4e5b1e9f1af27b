#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-restart.sh - jobs survive restarts.
#   vdsd killed with SIGKILL while jobs run, then started again: every row is
#   back; the running and queued ones failed with vdsJobResult interrupted(11)
#   (HRESULT ERROR_OPERATION_ABORTED), the model untouched by them; finished
#   rows intact; a created row still created and startable;
#   vdsJobNextHandle above every handle.
#   vdsd killed with SIGKILL just as a sim job is logged succeeded (its
#   sim.state not fsynced yet): every succeeded job and its vdisk kept.
#   The master (snmpd) killed while jobs run and started again: the jobs
#   finish while it is away and their rows and outputs are intact after.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)

vds_start_trapd
vds_start_master
# Jobs are held at a phase (sim test gates) while vdsd or the master is
# killed, and released after: nothing here races a job's duration.
VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-400} vds_write_conf "discovery no" "jobMaxRunning 2"
vds_start_vdsd
vds_wait_registered

D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
SIMDIR=$VDS_TMP/state/sim
is_running() { [ "$(job_get "$1" Status)" = "$ST_RUNNING" ] && [ "$(job_get "$1" PercentComplete)" -ge 10 ]; }
vdisk_paths() { vds_table 7 | awk -v c="$C_VD_PATH" '$1 == c { print $3 }' | sort; }

# ---------------------------------------------------------------- vdsd SIGKILL
F=$(job_handle)
job_start "$F" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 100 KeepResult i 1
[ "$(job_wait "$F")" = "$ST_SUCCEEDED" ] || fail "job $F did not succeed"
row_f=$(job_row "$F")
vds_hold 1 # R1 and R2 wait at their second phase (past 0 %) until after the kill
R1=$(job_handle)
job_start "$R1" 7 ParamPath s "$SIMDIR/r1.img" ParamSizeMiB u 8
R2=$(job_handle)
job_start "$R2" 7 ParamPath s "$SIMDIR/r2.img" ParamSizeMiB u 8
Q=$(job_handle)
job_start "$Q" 7 ParamPath s "$SIMDIR/q.img" ParamSizeMiB u 8
C=$(job_handle)
vds_snmpset "VDS-MIB::vdsJobRowStatus.$C" i 5 "VDS-MIB::vdsJobType.$C" i 7 \
	"VDS-MIB::vdsJobParamPath.$C" s "$SIMDIR/c.img" "VDS-MIB::vdsJobParamSizeMiB.$C" u 8 \
	>/dev/null || fail "createAndWait of job $C refused"
vds_wait_reached "$R1" 1
vds_wait_reached "$R2" 1
{ wait_for 60000 is_running "$R1" && wait_for 60000 is_running "$R2"; } || fail "jobs $R1 $R2 do not run"
expect_eq "before the kill: statuses F R1 R2 Q C" "4 3 3 2 1" \
	"$(for j in "$F" "$R1" "$R2" "$Q" "$C"; do job_get "$j" Status; done | tr '\n' ' ' | sed 's/ $//')"
vdisks0=$(vdisk_paths)
note "killing vdsd (pid $VDS_VDSD_PID) with SIGKILL while jobs $R1 $R2 run at" \
	"$(job_get "$R1" PercentComplete) / $(job_get "$R2" PercentComplete) %, $Q queued"
ntraps=$(vds_trap_count)
vds_kill9_vdsd
t0=$(now_ms)
vds_start_vdsd
vds_wait_registered
note "vdsd back after $(($(now_ms) - t0)) ms"

for j in "$R1" "$R2" "$Q"; do
	expect_eq "job $j after the kill: status result HRESULT errorName percent<100" \
		"5 11 800703e3 ERROR_OPERATION_ABORTED" \
		"$(job_getn "$j" Status Result HResult ErrorName)"
	[ "$(job_get "$j" PercentComplete)" -lt 100 ] || check_fail "job $j: percent 100 after interrupt"
	[ -n "$(job_get "$j" ErrorMessage)" ] || check_fail "job $j: empty vdsJobErrorMessage"
done
expect_eq "finished row $F intact" "$row_f" "$(job_row "$F")"
expect_eq "created row $C: status, RowStatus" "1 2" "$(job_getn "$C" Status RowStatus)"
expect_eq "interrupted jobs made no vdisk" "$vdisks0" "$(vdisk_paths)"
expect_eq "vdsJobsFailed (since this start) counts the interrupted jobs" 3 "$(svc vdsJobsFailed)"
expect_eq "vdsJobsRunning / Queued after restart" "0 0" "$(svc vdsJobsRunning) $(svc vdsJobsQueued)"
read -r off part <<<"$(job_getn "$F" OutOffset OutPartition)"
expect_eq "the partition of job $F is still there" "$off" "$(inv_value 3 "$C_PART_OFFSET" "$part")"
N=$(job_handle)
note "vdsJobNextHandle after restart: $N (highest handle used: $C)"
[ "$N" -gt "$C" ] || check_fail "vdsJobNextHandle $N is not above the handles in use (up to $C)"
if vds_wait_trap 60000 "$ntraps" "$VDS_NOTIF.10" "$VDS_JOB_ENTRY.3.$R1 = "; then
	note "vdsJobCompleted received for interrupted job $R1"
else
	note "no vdsJobCompleted for interrupted job $R1 (vdsd was not registered when it loaded it)"
fi

# the restored rows still work: start the created one, and a new one
vds_release 1
expect_set_error "active on the restored created row" noError "VDS-MIB::vdsJobRowStatus.$C" i 1
job_start "$N" 7 ParamPath s "$SIMDIR/r1.img" ParamSizeMiB u 8
expect_eq "job $C after restart" "$ST_SUCCEEDED" "$(job_wait "$C")"
expect_eq "job $N (the path of interrupted $R1) after restart" "$ST_SUCCEEDED" "$(job_wait "$N")"
expect_eq "vdsJobsSucceeded since the restart" 2 "$(svc vdsJobsSucceeded)"

# ------------------------------------------------ SIGKILL just after success
# A sim job succeeds once sim.state is in place in the kernel, before its
# fsync (durable.h: the syncer follows within about 100 ms): a SIGKILL as
# soon as the last of three back-to-back jobs is logged succeeded (its
# vdsJobCompleted goes out right after) loses none of them.
K=()
for i in 1 2 3; do
	K+=("$(job_handle)")
	job_start "${K[-1]}" 7 ParamPath s "$SIMDIR/k$i.img" ParamSizeMiB u 8
done
wait_for 60000 job_logged "${K[2]}" succeeded || fail "job ${K[2]} did not succeed"
vds_kill9_vdsd
note "vdsd killed with SIGKILL as job ${K[2]} was logged succeeded"
vds_start_vdsd
vds_wait_registered
for i in 1 2 3; do
	k=${K[i - 1]}
	read -r st vd <<<"$(job_getn "$k" Status OutVDisk)"
	expect_eq "job $k kept after the SIGKILL" "$ST_SUCCEEDED" "$st"
	expect_eq "job $k: its vdisk kept after the SIGKILL" "$SIMDIR/k$i.img" "$(inv_value 7 "$C_VD_PATH" "$vd")"
done
! grep -q "sim.state.*\(damaged\|previous generation\)" "$VDS_VDSD_LOG" ||
	check_fail "sim.state was not whole after the SIGKILL: $(grep sim.state "$VDS_VDSD_LOG" | tail -3)"

# ---------------------------------------------------------------- master restart
vds_hold 1 # M1 and M2 wait at their second phase until the master is down
M1=$(job_handle)
job_start "$M1" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 50 KeepResult i 1
M2=$(job_handle)
job_start "$M2" 7 ParamPath s "$SIMDIR/m2.img" ParamSizeMiB u 8 KeepResult i 1
params() { job_row "$1" | awk '$1 <= 3 || ($1 >= 11 && $1 <= 13) || $1 == 15 || $1 == 16 || $1 == 17 || $1 == 18 || ($1 >= 30 && $1 <= 48)'; }
vds_wait_reached "$M1" 1
vds_wait_reached "$M2" 1
p1=$(params "$M1") p2=$(params "$M2")
expect_eq "both running before the master goes" "3 3" "$(job_get "$M1" Status) $(job_get "$M2" Status)"
vds_kill9_master
note "master killed with SIGKILL while jobs $M1 $M2 run"
vds_release 1
{ wait_for 60000 job_logged "$M1" succeeded && wait_for 60000 job_logged "$M2" succeeded; } ||
	fail "jobs $M1 $M2 did not finish while the master was away"
kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "vdsd died while the master was away"
t0=$(now_ms)
vds_start_master
vds_wait_registered 15000
note "master back; vdsd answers through it after $(($(now_ms) - t0)) ms"
expect_eq "jobs finished while the master was away" "4 4" "$(job_get "$M1" Status) $(job_get "$M2" Status)"
expect_eq "job $M1 parameters intact" "$p1" "$(params "$M1")"
expect_eq "job $M2 parameters intact" "$p2" "$(params "$M2")"
read -r off part <<<"$(job_getn "$M1" OutOffset OutPartition)"
expect_eq "job $M1: partition row at the output offset" "$off" "$(inv_value 3 "$C_PART_OFFSET" "$part")"
vd=$(job_get "$M2" OutVDisk)
expect_eq "job $M2: vdisk row of the output" "$SIMDIR/m2.img" "$(inv_value 7 "$C_VD_PATH" "$vd")"
expect_eq "finished row $F still intact" "$row_f" "$(job_row "$F")"

vds_stop_vdsd
note "jobs-restart took $(($(now_ms) - T0)) ms"
vds_finish
