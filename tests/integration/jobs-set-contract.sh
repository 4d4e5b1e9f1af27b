#!/bin/bash
# jobs-set-contract.sh - the promises of a SET on vdsJobTable that the
# bad-input matrix does not cover (issue 13):
#   a fresh createAndWait row reads a valid value in every enumerated column;
#   admission counts every job one SET would start, queued ones included;
#   a retried createAndGo is answered as the original and starts nothing;
#   the reason of the last refusal is readable over SNMP.
# Jobs are held at a phase through the sim test gates: nothing here races
# the clock.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)

jobs_start_vdsd 2 1

D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
IMG=$VDS_TMP/state/sim

# The whole VDS-MIB but what moves on its own or by reading: job percent,
# details and last update, vdsServiceStartTime/LastChange, vdsJobNextHandle
# and vdsLastRefusal (checked on its own).
state() {
	vds_snmpwalk -On -OQ -Oe -OU -Ot "$VDS_ROOT_OID.1" |
		grep -Ev "^$VDS_ROOT_OID\.1\.(8\.1\.(5|10|21)\.|1\.(3|4|12)\.0 |9\.)"
}

# refused WHAT REASON OID T V...: the SET gets REASON, nothing changes and
# vdsLastRefusal tells why (REFUSAL_REASON).
refused() {
	local what=$1 want=$2 before after nref
	shift 2
	before=$(state)
	nref=$(refusal_count)
	expect_set_error "$what" "$want" "$@"
	refusal_check "$what" "$want" "$nref"
	after=$(state)
	if [ "$before" != "$after" ]; then
		check_fail "$what: the refused SET changed something:"
		diff <(echo "$before") <(echo "$after") | head -n 20 >&2
	fi
}

# refusal_says WHAT TEXT: the last refusal's reason contains TEXT.
refusal_says() {
	case "$REFUSAL_REASON" in
	*"$2"*) ;;
	*) check_fail "$1: vdsRefusalReason \"$REFUSAL_REASON\" does not say \"$2\"" ;;
	esac
}

# cvdisk H NAME: the varbinds of a createAndGo of an 8 MiB createVDisk as row H.
cvdisk() {
	echo "VDS-MIB::vdsJobRowStatus.$1 i 4 VDS-MIB::vdsJobType.$1 i 7" \
		"VDS-MIB::vdsJobParamPath.$1 s $IMG/$2.img VDS-MIB::vdsJobParamSizeMiB.$1 u 8"
}
# cpart H: the varbinds of a createAndGo of a 10 MiB createPartition on sim1 as row H.
cpart() {
	echo "VDS-MIB::vdsJobRowStatus.$1 i 4 VDS-MIB::vdsJobType.$1 i 1" \
		"VDS-MIB::vdsJobParamDisk.$1 u $D_SIM1 VDS-MIB::vdsJobParamSizeMiB.$1 u 10"
}

# ------------------------------------------------ point 7: vdsLastRefusal before any refusal
expect_eq "vdsLastRefusal before any refusal (count, handle, error, object, reason)" \
	"0|0|none|SNMPv2-SMI::zeroDotZero|" \
	"$(vds_snmpget -Oqv VDS-MIB::vdsRefusalCount.0 VDS-MIB::vdsRefusalHandle.0 \
		VDS-MIB::vdsRefusalError.0 VDS-MIB::vdsRefusalObject.0 VDS-MIB::vdsRefusalReason.0 |
		tr '\n' '|' | sed 's/|$//; s/""//')"

# ------------------------------------------------ point 3: a fresh createAndWait row
W=$(job_handle)
expect_set_error "createAndWait alone" noError "VDS-MIB::vdsJobRowStatus.$W" i 5
# Every INTEGER column prints as a label of its enumeration: a value the MIB
# does not define prints as a bare number.
row=$(vds_snmpwalk VDS-MIB::vdsJobTable | grep "\.$W = ")
[ -n "$row" ] || fail "row $W not walked"
bad=$(grep 'INTEGER: ' <<<"$row" | grep -Ev 'INTEGER: [A-Za-z]+\([0-9]+\)$' || true)
expect_eq "enumerated columns of a fresh createAndWait row outside their enumeration" "" "$bad"
expect_eq "type, result type, row status of the fresh row" "none none notReady" \
	"$(vds_snmpget -Oqv VDS-MIB::vdsJobType."$W" VDS-MIB::vdsJobResultType."$W" \
		VDS-MIB::vdsJobRowStatus."$W" | tr '\n' ' ' | sed 's/ $//')"
refused "vdsJobType none(0) cannot be written" wrongValue "VDS-MIB::vdsJobType.$W" i 0
# Complete it: notInService, no provider until it is made active.
expect_set_error "type and parameters of the waiting row" noError \
	"VDS-MIB::vdsJobType.$W" i 7 "VDS-MIB::vdsJobParamPath.$W" s "$IMG/w.img" \
	"VDS-MIB::vdsJobParamSizeMiB.$W" u 8
expect_eq "complete waiting row: row status, provider" "notInService|" \
	"$(vds_snmpget -Oqv VDS-MIB::vdsJobRowStatus."$W" VDS-MIB::vdsJobProvider."$W" |
		tr '\n' '|' | sed 's/|$//; s/""//')"
W2=$(job_handle)
expect_set_error "createAndWait with type and parameters" noError \
	"VDS-MIB::vdsJobRowStatus.$W2" i 5 "VDS-MIB::vdsJobType.$W2" i 7 \
	"VDS-MIB::vdsJobParamPath.$W2" s "$IMG/w2.img" "VDS-MIB::vdsJobParamSizeMiB.$W2" u 8
expect_eq "provider of a row made complete by createAndWait" "" "$(job_get "$W2" Provider)"
expect_set_error "createAndWait -> active" noError "VDS-MIB::vdsJobRowStatus.$W" i 1
[ "$(job_wait "$W")" = "$ST_SUCCEEDED" ] || check_fail "job $W did not succeed"
expect_eq "provider of the started row" sim "$(job_get "$W" Provider)"

# ------------------------------------------------ point 4: admission counts the whole PDU
# jobMaxRunning 2, jobMaxQueued 1.  Job R runs, held; two jobs on the same
# disk cannot run beside it, so both would wait: one more than the queue holds.
vds_hold 0
R=$(job_handle)
job_start "$R" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10
vds_wait_reached "$R" 0
A=$(job_handle)
B=$(job_handle)
# shellcheck disable=SC2046 # word splitting of cpart's output is intended
refused "two createAndGo on a busy disk, one queue slot" resourceUnavailable \
	$(cpart "$A") $(cpart "$B")
refusal_says "two createAndGo, one queue slot" "jobMaxQueued 1"
expect_eq "running / queued after the refused SET" "1 0" \
	"$(svc vdsJobsRunning) $(svc vdsJobsQueued)"
# One of them fits (it waits in the one queue slot)...
# shellcheck disable=SC2046
expect_set_error "one createAndGo on the busy disk" noError $(cpart "$A")
expect_eq "job $A waits behind job $R" "$ST_QUEUED" "$(job_get "$A" Status)"
# ...and a job elsewhere still runs in the free slot, but not two of them.
C=$(job_handle)
D=$(job_handle)
# shellcheck disable=SC2046
refused "two createAndGo, one running slot and a full queue" resourceUnavailable \
	$(cvdisk "$C" c) $(cvdisk "$D" d)
# shellcheck disable=SC2046
expect_set_error "one createAndGo in the free running slot" noError $(cvdisk "$C" c)
vds_wait_reached "$C" 0
expect_eq "running / queued at the limits" "2 1" "$(svc vdsJobsRunning) $(svc vdsJobsQueued)"
vds_release 0
for h in "$R" "$A" "$C"; do
	[ "$(job_wait "$h")" = "$ST_SUCCEEDED" ] || check_fail "job $h did not succeed"
done

# ------------------------------------------------ point 7: why, over SNMP
V=$(job_handle)
refused "stripe size out of range" wrongValue "VDS-MIB::vdsJobRowStatus.$V" i 4 \
	"VDS-MIB::vdsJobParamStripeKiB.$V" u 1048577
refusal_says "stripe size out of range" "1048577 is not in 0..1048576"
expect_eq "the varbind and handle of the refusal" "VDS-MIB::vdsJobParamStripeKiB.$V $V" \
	"$(vds_snmpget -Oqv VDS-MIB::vdsRefusalObject.0 VDS-MIB::vdsRefusalHandle.0 | tr '\n' ' ' |
		sed 's/ $//')"
# shellcheck disable=SC2046
refused "createPartition larger than the disk" inconsistentValue \
	$(cpart "$V" | sed 's/SizeMiB\.\([0-9]*\) u 10/SizeMiB.\1 u 300000/')
refusal_says "createPartition larger than the disk" "MiB"
expect_eq "a row refusal is reported on the row's first varbind" \
	"VDS-MIB::vdsJobRowStatus.$V" "$(vds_get_value VDS-MIB::vdsRefusalObject.0)"
refused "a column on no row" noCreation "VDS-MIB::vdsJobParamDisk.$V" u 1
refusal_says "a column on no row" "createAndGo(4)"
refused "a read-only column" notWritable "VDS-MIB::vdsJobStatus.$W" i 1
refused "a parameter of a finished job" inconsistentValue "VDS-MIB::vdsJobParamSizeMiB.$W" u 9
refusal_says "a parameter of a finished job" "the job has succeeded"
refused "destroy a finished row's handle again with createAndGo" inconsistentValue \
	"VDS-MIB::vdsJobRowStatus.$W" i 4
refusal_says "createAndGo on a handle in use" "is in use"

# vdsctl prints the reason after a refused SET.
VDSCTL=$top_builddir/vdsctl
if [ -x "$VDSCTL" ]; then
	n0=$(refusal_count)
	"$VDSCTL" -v2c -c private -t 1 -r 1 "127.0.0.1:$VDS_MASTER_PORT" create-vdisk "$IMG/w.img" 8M \
		>"$VDS_TMP/ctl.out" 2>"$VDS_TMP/ctl.err"
	expect_eq "vdsctl create-vdisk on a path that exists: exit status" 4 "$?"
	refusal_check "vdsctl create-vdisk on a path that exists" inconsistentValue "$n0"
	grep -qF "$REFUSAL_REASON" "$VDS_TMP/ctl.err" ||
		check_fail "vdsctl does not print vdsd's reason \"$REFUSAL_REASON\": $(cat "$VDS_TMP/ctl.err")"
else
	check_fail "$VDSCTL not built"
fi

# ------------------------------------------------ point 6: a retried createAndGo
# What snmpset -r does when a response is lost: the same PDU again.  It is
# answered noError and changes nothing; anything else on the handle is refused.
vds_hold 0
T=$(job_handle)
# shellcheck disable=SC2046
expect_set_error "createAndGo" noError $(cvdisk "$T" t)
vds_wait_reached "$T" 0
before=$(state)
# shellcheck disable=SC2046
expect_set_error "the same createAndGo again (a retry)" noError $(cvdisk "$T" t)
after=$(state)
[ "$before" = "$after" ] || {
	check_fail "the retried createAndGo changed something:"
	diff <(echo "$before") <(echo "$after") | head -n 20 >&2
}
expect_eq "running / queued after the retry" "1 0" "$(svc vdsJobsRunning) $(svc vdsJobsQueued)"
# shellcheck disable=SC2046
refused "createAndGo on the handle with another path" inconsistentValue $(cvdisk "$T" t2)
refused "createAndWait on the handle" inconsistentValue "VDS-MIB::vdsJobRowStatus.$T" i 5
vds_release 0
[ "$(job_wait "$T")" = "$ST_SUCCEEDED" ] || check_fail "job $T did not succeed"

# ------------------------------------------------ counters: discontinuity at a restart
start0=$(vds_get_value VDS-MIB::vdsServiceStartTime.0)
[ "$(svc vdsJobsSucceeded)" -gt 0 ] || check_fail "no job counted as succeeded"
vds_restart_vdsd
vds_wait_registered
expect_eq "vdsJobsSucceeded and vdsRefusalCount after a restart" "0 0" \
	"$(svc vdsJobsSucceeded) $(refusal_count)"
[ "$(vds_get_value VDS-MIB::vdsServiceStartTime.0)" != "$start0" ] ||
	check_fail "vdsServiceStartTime did not change across the restart: $start0"

vds_stop_vdsd
note "jobs-set-contract took $(($(now_ms) - T0)) ms"
vds_finish
