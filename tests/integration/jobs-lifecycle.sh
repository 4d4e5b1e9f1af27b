#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-lifecycle.sh - a job's life after the SET, through the real stack:
#   cancel before the point of no return -> cancelled, model unchanged;
#   cancel after it -> vdsJobCancelState tooLate(3), the job succeeds;
#   purge after jobPurgeTime (2 s here) unless keepResult; destroy(6);
#   destroy(6) refused while queued or running;
#   jobMaxRunning 2: a third job queues, then runs;
#   jobs on the same disk never run at the same time.
# Jobs are held at a phase by the sim test gates and released by the test:
# no check here depends on how fast the machine runs the jobs.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)
SIM_MS=${VDS_SIM_JOB_MS:-1000}

vds_start_trapd
vds_start_master
VDS_SIM_JOB_MS=$SIM_MS vds_write_conf "discovery no" "jobMaxRunning 2" "jobMaxQueued 8" \
	"jobPurgeTime 2"
vds_start_vdsd
vds_wait_registered
expect_eq "vdsJobMaxRunning / vdsJobPurgeTime" "2 2" "$(svc vdsJobMaxRunning) $(svc vdsJobPurgeTime)"

D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
SIMDIR=$VDS_TMP/state/sim
inventory() { vds_table 2; vds_table 3; vds_table 4; vds_table 7; }
is_status() { [ "$(job_get "$1" Status)" = "$2" ]; }
gone() { [ -z "$(job_get "$1" Status)" ]; }
now_ds() { echo $(($(date +%s%N) / 100000000)); }
# hold_job H PHASE / release_job H PHASE: a gate for job H alone
hold_job() { vds_hold "$1-$2"; }
release_job() { vds_release "$1-$2"; }

# DateAndTime "2026-11-22,10:36:18.4,+0:0" -> deciseconds since the epoch
dat_ds() {
	local d t
	IFS=, read -r d t _ <<<"$1"
	echo $(($(date -u -d "$d ${t%.*}" +%s) * 10 + ${t##*.}))
}

# ---------------------------------------------------------------- cancel early
# createVDisk passes its point of no return at 75 %: cancel at once.
inv0=$(inventory)
H=$(job_handle)
hold_job "$H" 0
job_start "$H" 7 ParamPath s "$SIMDIR/cancel.img" ParamSizeMiB u 16 KeepResult i 1
vds_wait_reached "$H" 0
expect_eq "job $H runs, held at its first phase" "$ST_RUNNING" "$(job_get "$H" Status)"
pc=$(job_get "$H" PercentComplete)
t0=$(now_ms)
expect_set_error "cancel of a running job (at $pc %)" noError "VDS-MIB::vdsJobControl.$H" i 2
st=$(job_wait "$H")
note "cancel at $pc %: job $H ended $st $(($(now_ms) - t0)) ms after the cancel"
release_job "$H" 0
expect_eq "cancelled job: status result HRESULT errorName cancelState control" \
	"6 10 8004240d VDS_E_OPERATION_CANCELED 4 2" \
	"$(job_getn "$H" Status Result HResult ErrorName CancelState Control)"
pc2=$(job_get "$H" PercentComplete)
{ [ "$pc2" -ge "$pc" ] && [ "$pc2" -lt 75 ]; } ||
	check_fail "cancelled job: percent $pc2 (was $pc at cancel, no return at 75)"
[ -n "$(job_get "$H" ErrorMessage)" ] || check_fail "cancelled job: empty vdsJobErrorMessage"
expect_eq "the model is unchanged after the cancel" "$inv0" "$(inventory)"
expect_eq "vdsJobsCancelled" 1 "$(svc vdsJobsCancelled)"
job_trap "$H" 60000 && expect_eq "vdsJobCompleted of the cancelled job (type status result hr)" \
	"7|6|10|8004240d" "$(job_trap_values "$H" | cut -d'|' -f1-4)"

# ---------------------------------------------------------------- cancel too late
# createPartition passes its point of no return at its second phase (of
# three): hold it at the third, cancel, then release it.
H=$(job_handle)
hold_job "$H" 2
job_start "$H" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 100 KeepResult i 1
vds_wait_reached "$H" 2
past_half() { [ "$(job_get "$H" PercentComplete)" -ge 50 ]; }
wait_for 60000 past_half || fail "job $H at its last phase but not past 50 %"
pc=$(job_get "$H" PercentComplete)
expect_set_error "cancel past the point of no return (at $pc %)" noError "VDS-MIB::vdsJobControl.$H" i 2
expect_eq "cancel state right after the cancel" 3 "$(job_get "$H" CancelState)"
expect_eq "still running" "$ST_RUNNING" "$(job_get "$H" Status)"
release_job "$H" 2
st=$(job_wait "$H")
note "cancel at $pc %: cancel state tooLate, job $H ended $st"
expect_eq "too-late job: status result HRESULT cancelState" "4 1 0 3" \
	"$(job_getn "$H" Status Result HResult CancelState)"
read -r off part <<<"$(job_getn "$H" OutOffset OutPartition)"
expect_eq "too-late job: its partition exists" "$off" "$(inv_value 3 "$C_PART_OFFSET" "$part")"
expect_eq "vdsJobsCancelled unchanged" 1 "$(svc vdsJobsCancelled)"

# ---------------------------------------------------------------- purge and keepResult
P=$(job_handle)
hold_job "$P" 0
job_start "$P" 7 ParamPath s "$SIMDIR/purge.img" ParamSizeMiB u 8
K=$(job_handle)
job_start "$K" 7 ParamPath s "$SIMDIR/keep.img" ParamSizeMiB u 8 KeepResult i 1
vds_wait_reached "$P" 0
expect_set_error "destroy(6) of a running job" inconsistentValue "VDS-MIB::vdsJobRowStatus.$P" i 6
expect_eq "job $P still running after the refused destroy" "$ST_RUNNING" "$(job_get "$P" Status)"
release_job "$P" 0
# P's end comes from vdsd's log, which keeps it: its row may be purged (2 s)
# before a slow poll sees it finished.
wait_for 60000 job_logged "$P" succeeded || check_fail "job $P did not succeed"
end_p=$(($(date -u -d "$(grep -m1 "\[job\] job $P: succeeded " "$VDS_VDSD_LOG" |
	cut -d' ' -f1)" +%s%N) / 100000000))
job_wait "$K" >/dev/null
end_k=$(dat_ds "$(vds_snmpget -Oqv "VDS-MIB::vdsJobEndTime.$K")")
expect_eq "job $K (keepResult) succeeded" "$ST_SUCCEEDED" "$(job_get "$K" Status)"
# Purged, and not before jobPurgeTime (2 s) after it ended; the upper bound
# is only a deadline, since a loaded machine may poll late.
if wait_for 60000 gone "$P"; then
	ds=$(($(now_ds) - end_p))
	note "job $P without keepResult seen purged $ds ds after its end time (jobPurgeTime 2 s)"
	[ "$ds" -ge 19 ] || check_fail "job $P purged $ds ds after it ended, before jobPurgeTime"
else
	check_fail "job $P without keepResult still there 60 s after it ended"
fi
# past K's own purge time too (a condition on the clock, not a race: a
# kept row must stay however long we wait)
past_k() { [ "$(now_ds)" -gt $((end_k + 25)) ]; }
wait_for 60000 past_k
expect_eq "job $K with keepResult still there after the purge time" "$ST_SUCCEEDED" \
	"$(job_get "$K" Status)"
expect_set_error "destroy(6) of the kept finished row" noError "VDS-MIB::vdsJobRowStatus.$K" i 6
expect_eq "job $K gone after destroy(6)" "" "$(job_get "$K" Status)"
expect_eq "the vdisks of both jobs stay" "2" \
	"$(vds_table 7 | grep -c "^$C_VD_PATH .* $SIMDIR/\(purge\|keep\).img$")"

# ---------------------------------------------------------------- jobMaxRunning 2
J1=$(job_handle)
hold_job "$J1" 0
job_start "$J1" 7 ParamPath s "$SIMDIR/l1.img" ParamSizeMiB u 8 KeepResult i 1
J2=$(job_handle)
hold_job "$J2" 0
job_start "$J2" 7 ParamPath s "$SIMDIR/l2.img" ParamSizeMiB u 8 KeepResult i 1
J3=$(job_handle)
hold_job "$J3" 0
job_start "$J3" 7 ParamPath s "$SIMDIR/l3.img" ParamSizeMiB u 8 KeepResult i 1
vds_wait_reached "$J1" 0
vds_wait_reached "$J2" 0
expect_eq "three jobs: statuses" "3 3 2" \
	"$(job_get "$J1" Status) $(job_get "$J2" Status) $(job_get "$J3" Status)"
expect_eq "vdsJobsRunning / vdsJobsQueued" "2 1" "$(svc vdsJobsRunning) $(svc vdsJobsQueued)"
expect_eq "queued job: percent, HRESULT" "0 $HR_PENDING" "$(job_getn "$J3" PercentComplete HResult)"
expect_set_error "destroy(6) of a queued job" inconsistentValue "VDS-MIB::vdsJobRowStatus.$J3" i 6
release_job "$J1" 0 # J1 ends: its slot goes to J3, J2 still holds the other
vds_wait_reached "$J3" 0
expect_eq "job $J1 ended, $J2 still running, $J3 runs in the freed slot" "4 3 3" \
	"$(job_get "$J1" Status) $(job_get "$J2" Status) $(job_get "$J3" Status)"
release_job "$J2" 0
release_job "$J3" 0
for j in "$J1" "$J2" "$J3"; do
	expect_eq "job $j succeeded" "$ST_SUCCEEDED" "$(job_wait "$j")"
done
e12=$(dat_ds "$(vds_snmpget -Oqv "VDS-MIB::vdsJobEndTime.$J1")")
s3=$(dat_ds "$(vds_snmpget -Oqv "VDS-MIB::vdsJobStartTime.$J3")")
[ "$s3" -ge "$e12" ] || [ "$s3" -ge "$(dat_ds "$(vds_snmpget -Oqv "VDS-MIB::vdsJobEndTime.$J2")")" ] ||
	check_fail "job $J3 started before $J1 or $J2 ended"

# ---------------------------------------------------------------- same disk, serialised
A=$(job_handle)
hold_job "$A" 2 # A holds sim1 at its last phase
job_start "$A" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 KeepResult i 1
B=$(job_handle)
hold_job "$B" 0
job_start "$B" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 KeepResult i 1
vds_wait_reached "$A" 2
expect_eq "same disk: the second job waits though a slot is free" "3 2" \
	"$(job_get "$A" Status) $(job_get "$B" Status)"
vds_reached "$B" 0 && check_fail "job $B started while job $A holds the same disk"
release_job "$A" 2
vds_wait_reached "$B" 0
expect_eq "same disk: job $B runs only once job $A ended" "4 3" \
	"$(job_get "$A" Status) $(job_get "$B" Status)"
release_job "$B" 0
job_wait "$B" >/dev/null
expect_eq "same-disk jobs succeeded" "4 4" "$(job_get "$A" Status) $(job_get "$B" Status)"
ea=$(dat_ds "$(vds_snmpget -Oqv "VDS-MIB::vdsJobEndTime.$A")")
sb=$(dat_ds "$(vds_snmpget -Oqv "VDS-MIB::vdsJobStartTime.$B")")
note "job $A ended at ${ea} ds, job $B started at ${sb} ds"
[ "$sb" -ge "$ea" ] || check_fail "job $B started (${sb} ds) before job $A ended (${ea} ds)"
offa=$(job_get "$A" OutOffset) offb=$(job_get "$B" OutOffset)
[ "$offa" != "$offb" ] || check_fail "both same-disk jobs report offset $offa"

vds_stop_vdsd
note "jobs-lifecycle took $(($(now_ms) - T0)) ms"
vds_finish
