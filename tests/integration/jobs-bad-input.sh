#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-bad-input.sh - every bad SET on vdsJobTable gets the SNMP error the
# MIB names (the exact name snmpset prints) and changes nothing: no row
# made, no job started, counters and the other rows as they were.
#   wrongType / wrongLength / wrongValue   every writable column
#   notWritable                            every read-only column
#   noCreation                             a column but RowStatus on no row
#   inconsistentValue                      conflicts with the model or the row
#   resourceUnavailable                    past jobMaxRunning + jobMaxQueued
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)

vds_start_master
# The checks made while a job runs hold it at its first phase (a sim test
# gate) and release it after: nothing here depends on the machine's speed.
VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-200} vds_write_conf "discovery no" "jobMaxRunning 1" \
	"jobMaxQueued 1"
vds_start_vdsd
vds_wait_registered

D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
D_SIM2=$(inv_index 2 "$C_DISK_NAME" sim2) || fail "no sim2 disk"
V_MIRROR=$(inv_index 4 "$C_VOL_NAME" mirror0) || fail "no mirror0 volume"
V_STRIPE=$(inv_index 4 "$C_VOL_NAME" stripe0) || fail "no stripe0 volume"
PACK0=$(inv_index 6 "$C_PACK_NAME" pack0) || fail "no pack0"
NCHECKS=0

# sim1 gets an extended partition holding one logical partition (issue 18)
# for the refusals of MBR containers below: two jobs that succeed.
EXT_MIB=$((100 * 1024 + 1)) # first fit on sim1: right after its 100 GiB partition
for args in "ParamSizeMiB u 4096 ParamPartitionType s extended" \
	"ParamSizeMiB u 1024 ParamOffsetMiB u $EXT_MIB"; do
	J=$(job_handle)
	# shellcheck disable=SC2086 # args holds column/type/value triples
	job_start "$J" 1 ParamDisk u "$D_SIM1" $args
	[ "$(job_wait "$J")" = "$ST_SUCCEEDED" ] || fail "createPartition $args did not succeed"
	[ -n "${P_EXT:-}" ] || P_EXT=$(job_get "$J" OutPartition)
done

# The state a refused SET must leave alone: every VDS-MIB object but the
# job columns that move while a job runs (percent, details, last update),
# vdsJobNextHandle (every read moves it, by design), vdsLastRefusal
# (checked on its own: it describes the refusal) and vdsDiskHealthCheckTime
# (the health poll's clock: at load 14 this test ran 14 minutes, and the
# poll every healthInterval, 10 minutes, moved it between two walks).
state() {
	vds_snmpwalk -On -OQ -Oe -OU -Ot "$VDS_ROOT_OID.1" |
		grep -Ev "^$VDS_ROOT_OID\.1\.(8\.1\.(5|10|21)\.|10\.1\.5\.|1\.(3|4|12)\.0 |9\.)"
}
STATE_LAST= # the state after the last check, "" when something may have moved since

# refused WHAT REASON OID T V...: the SET gets REASON, nothing changes and
# vdsLastRefusal tells why.
refused() {
	local what=$1 want=$2 before after nref
	shift 2
	before=${STATE_LAST:-$(state)}
	nref=$(refusal_count)
	expect_set_error "$what" "$want" "$@"
	refusal_check "$what" "$want" "$nref"
	after=$(state)
	STATE_LAST=$after
	NCHECKS=$((NCHECKS + 1))
	if [ "$before" != "$after" ]; then
		check_fail "$what: the refused SET changed something:"
		diff <(echo "$before") <(echo "$after") | head -n 20 >&2
	fi
}

# ------------------------------------------------ per column, on a new handle
# Each SET carries createAndGo with a valid createPartition so that only the
# column under test is wrong; no row may appear.
H=$(job_handle)
GO=("VDS-MIB::vdsJobRowStatus.$H" i 4 "VDS-MIB::vdsJobType.$H" i 1 "VDS-MIB::vdsJobParamDisk.$H" u "$D_SIM1"
	"VDS-MIB::vdsJobParamSizeMiB.$H" u 10)
col() { echo "VDS-MIB::vdsJob$1.$H"; }
LONG40=$(printf 'p%.0s' $(seq 40))
LONG64=$(printf 'n%.0s' $(seq 64))
LONG128=$(printf 'o%.0s' $(seq 128))
LONG256=$(printf 'x%.0s' $(seq 256))

# INTEGER enumerations: wrongType, and wrongValue below and above the range
for spec in RowStatus:0:7 Type:0:22 KeepResult:0:3 Control:0:3 NotifyProgress:0:3 \
	ParamVolumeType:0:6 ParamVDiskType:0:4 ParamVDiskFormat:0:3 ParamInitLabel:0:4 \
	ParamReadOnly:0:3 ParamForce:0:3 ParamFullClean:0:3 ParamAllowDataLoss:0:3; do
	IFS=: read -r c lo hi <<<"$spec"
	refused "$c wrongType (Unsigned32)" wrongType "$(col "$c")" u 1
	refused "$c wrongType (OCTET STRING)" wrongType "$(col "$c")" s 1
	[ "$c" = RowStatus ] && continue
	refused "$c = $lo" wrongValue "${GO[@]}" "$(col "$c")" i "$lo"
	refused "$c = $hi" wrongValue "${GO[@]}" "$(col "$c")" i "$hi"
	refused "$c = -1" wrongValue "${GO[@]}" "$(col "$c")" i -1
done
refused "RowStatus = 0" wrongValue "$(col RowStatus)" i 0
refused "RowStatus = 7" wrongValue "$(col RowStatus)" i 7
refused "RowStatus notReady(3) cannot be written" wrongValue "$(col RowStatus)" i 3

# Unsigned32 columns: wrongType; the ranged ones also wrongValue
for c in ParamDisk ParamOffsetMiB ParamSizeMiB ParamPartition ParamPack ParamStripeKiB \
	ParamVolume ParamPlex ParamVDisk ParamPlexCount ParamAllocUnit ParamMergeDepth \
	ParamParityCount; do
	refused "$c wrongType (INTEGER)" wrongType "${GO[@]}" "$(col "$c")" i 1
	refused "$c wrongType (OCTET STRING)" wrongType "$(col "$c")" s 1
done
refused "ParamStripeKiB = 1048577" wrongValue "${GO[@]}" "$(col ParamStripeKiB)" u 1048577
refused "ParamPlexCount = 33" wrongValue "${GO[@]}" "$(col ParamPlexCount)" u 33
refused "ParamAllocUnit = 64 MiB + 1" wrongValue "${GO[@]}" "$(col ParamAllocUnit)" u 67108865
refused "ParamMergeDepth = 65" wrongValue "${GO[@]}" "$(col ParamMergeDepth)" u 65
refused "ParamParityCount = 3" wrongValue "${GO[@]}" "$(col ParamParityCount)" u 3

# strings: wrongType, wrongLength past the SIZE, wrongValue for bad text
for c in Owner ParamPartitionType ParamDisks ParamPath ParamName ParamFsType; do
	refused "$c wrongType (INTEGER)" wrongType "${GO[@]}" "$(col "$c")" i 1
	refused "$c wrongType (Unsigned32)" wrongType "$(col "$c")" u 1
	refused "$c non-printable" wrongValue "${GO[@]}" "$(col "$c")" x 2F0A01
done
refused "Owner 128 characters" wrongLength "${GO[@]}" "$(col Owner)" s "$LONG128"
refused "ParamPartitionType 40 characters" wrongLength "${GO[@]}" "$(col ParamPartitionType)" s "$LONG40"
refused "ParamName 64 characters" wrongLength "${GO[@]}" "$(col ParamName)" s "$LONG64"
refused "ParamFsType 16 characters" wrongLength "${GO[@]}" "$(col ParamFsType)" s "$(printf 'f%.0s' $(seq 16))"
refused "ParamDisks 256 characters" wrongLength "${GO[@]}" "$(col ParamDisks)" s "$LONG256"
refused "ParamPath 256 characters" wrongLength "${GO[@]}" "$(col ParamPath)" s "/$LONG256"
refused "ParamPath empty" wrongLength "${GO[@]}" "$(col ParamPath)" s ""
refused "ParamPath relative" wrongValue "${GO[@]}" "$(col ParamPath)" s "img/a.img"
refused "ParamPath with /../" wrongValue "${GO[@]}" "$(col ParamPath)" s "/srv/../etc/a.img"
refused "ParamPath with /./" wrongValue "${GO[@]}" "$(col ParamPath)" s "/srv/./a.img"
for bad in "1,,2" "1," ",1" "a" "0" "1;2" "-1" "1 2" \
	"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"; do
	refused "ParamDisks \"$bad\"" wrongValue "${GO[@]}" "$(col ParamDisks)" s "$bad"
done
# the same columns accept their limits (the test can tell right from wrong)
expect_eq "row $H absent after all refused SETs" "" "$(job_get "$H" Status)"

# ------------------------------------------------ noCreation
refused "a parameter on a handle with no row" noCreation "$(col ParamDisk)" u "$D_SIM1"
refused "vdsJobType on a handle with no row" noCreation "$(col Type)" i 1
refused "vdsJobControl on a handle with no row" noCreation "$(col Control)" i 1
refused "handle 0" noCreation VDS-MIB::vdsJobRowStatus.0 i 4 VDS-MIB::vdsJobType.0 i 1 \
	VDS-MIB::vdsJobParamDisk.0 u "$D_SIM1" VDS-MIB::vdsJobParamSizeMiB.0 u 10

# ------------------------------------------------ a finished row, kept
F=$(job_handle)
job_start "$F" 7 ParamPath s "$VDS_TMP/state/sim/f.img" ParamSizeMiB u 8 KeepResult i 1
[ "$(job_wait "$F")" = "$ST_SUCCEEDED" ] || fail "job $F did not succeed"
STATE_LAST=

# notWritable: every read-only column (a value of its own type)
for spec in Status:i:4 PercentComplete:u:5 Result:i:1 HResult:u:0 ErrorName:s:x \
	ErrorMessage:s:x Details:s:x CancelState:i:1 ResultType:i:1 Provider:s:sim \
	CreateTime:x:07E9010100000000 StartTime:x:07E9010100000000 \
	EndTime:x:07E9010100000000 LastUpdateTime:x:07E9010100000000 OutOffset:c:0 \
	OutPartition:u:1 OutVolume:u:1 OutReclaimedBytes:c:0 OutVDisk:u:1 \
	OutObjectId:s:x; do
	IFS=: read -r c t v <<<"$spec"
	[ "$t" = c ] && t=u # snmpset cannot send Counter64: Unsigned32 (notWritable comes first)
	refused "$c is read-only (existing row)" notWritable "VDS-MIB::vdsJob$c.$F" "$t" "$v"
	refused "$c is read-only (new row)" notWritable "${GO[@]}" "$(col "$c")" "$t" "$v"
done

refused "createAndGo on an existing handle" inconsistentValue \
	"VDS-MIB::vdsJobRowStatus.$F" i 4 "VDS-MIB::vdsJobType.$F" i 1 \
	"VDS-MIB::vdsJobParamDisk.$F" u "$D_SIM1" "VDS-MIB::vdsJobParamSizeMiB.$F" u 10
refused "createAndWait on an existing handle" inconsistentValue "VDS-MIB::vdsJobRowStatus.$F" i 5
refused "a parameter of a finished job" inconsistentValue "VDS-MIB::vdsJobParamSizeMiB.$F" u 9
refused "vdsJobType of a finished job" inconsistentValue "VDS-MIB::vdsJobType.$F" i 7
refused "notInService on a finished job" inconsistentValue "VDS-MIB::vdsJobRowStatus.$F" i 2
refused "cancel of a finished job" inconsistentValue "VDS-MIB::vdsJobControl.$F" i 2
expect_set_error "keepResult stays writable on a finished job" noError \
	"VDS-MIB::vdsJobKeepResult.$F" i 1

# ------------------------------------------------ conflicts with the model
go() { # TYPE COLUMN T V...: a createAndGo of TYPE on the new handle
	local type=$1 a=()
	shift
	while [ $# -ge 3 ]; do
		a+=("$(col "$1")" "$2" "$3")
		shift 3
	done
	echo "$(col RowStatus) i 4 $(col Type) i $type ${a[*]}"
}
# shellcheck disable=SC2046 # word splitting of go's output is intended
{
	refused "unknown disk" inconsistentValue $(go 1 ParamDisk u 99 ParamSizeMiB u 10)
	refused "no free space (300000 MiB on a 256 GiB disk)" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 300000)
	refused "no free space at that offset" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 ParamOffsetMiB u 2)
	refused "partition type not valid on MBR" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 ParamPartitionType s linuxx)
	refused "createPartition on a pack's disk" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM2" ParamSizeMiB u 10)
	refused "missing mandatory: createPartition without a size" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1")
	refused "missing mandatory: createPartition without a disk" inconsistentValue \
		$(go 1 ParamSizeMiB u 10)
	refused "missing mandatory: no type" inconsistentValue \
		"$(col RowStatus)" i 4 "$(col ParamDisk)" u "$D_SIM1" "$(col ParamSizeMiB)" u 10
	refused "missing mandatory: deletePartition without a partition" inconsistentValue $(go 2)
	refused "missing mandatory: shrinkVolume without a size" inconsistentValue \
		$(go 5 ParamVolume u "$V_MIRROR")
	refused "missing mandatory: createVDisk without a path" inconsistentValue \
		$(go 7 ParamSizeMiB u 10)
	refused "unknown partition" inconsistentValue $(go 2 ParamPartition u 999)
	refused "unknown volume" inconsistentValue $(go 4 ParamVolume u 999)
	refused "unknown pack" inconsistentValue $(go 3 ParamPack u 99 ParamSizeMiB u 10)
	refused "unknown vdisk" inconsistentValue $(go 8 ParamVDisk u 99)
	refused "plex that does not exist" inconsistentValue \
		$(go 6 ParamVolume u "$V_MIRROR" ParamPlex u 999)
	refused "plex of another volume" inconsistentValue \
		$(go 6 ParamVolume u "$V_MIRROR" ParamPlex u \
			"$(inv_index 5 "$C_PLEX_VOL" "$V_STRIPE")")
	refused "shrink larger than the volume (mirror0 is 50 GiB)" inconsistentValue \
		$(go 5 ParamVolume u "$V_MIRROR" ParamSizeMiB u 51200)
	refused "shrink more than the free part (12 GiB of 50 used)" inconsistentValue \
		$(go 5 ParamVolume u "$V_MIRROR" ParamSizeMiB u 40000)
	refused "shrink an xfs volume" inconsistentValue $(go 5 ParamVolume u "$V_STRIPE" ParamSizeMiB u 10)
	refused "striped volume with 1 disk" inconsistentValue \
		$(go 3 ParamPack u "$PACK0" ParamSizeMiB u 10 ParamVolumeType i 3 ParamDisks s "$D_SIM2")
	refused "createVDisk on a path that exists" inconsistentValue \
		$(go 7 ParamPath s "$VDS_TMP/state/sim/f.img" ParamSizeMiB u 8)
	refused "cancel together with createAndGo" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 Control i 2)
	refused "active on a handle with no row" inconsistentValue "$(col RowStatus)" i 1
	# MBR containers (issue 18): one a disk, none on GPT, not deleted while
	# it holds logical partitions, no file system in it, logical ones fit it
	refused "a second extended partition (0x0f)" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 ParamPartitionType s 0x0f)
	case $REFUSAL_REASON in
	*"extended partition already"*) ;;
	*) check_fail "second extended: vdsRefusalReason \"$REFUSAL_REASON\"" ;;
	esac
	refused "an extended partition on GPT" inconsistentValue \
		$(go 1 ParamDisk u "$(inv_index 2 "$C_DISK_NAME" sim0)" ParamSizeMiB u 10 \
			ParamPartitionType s extended)
	refused "deletePartition of an extended partition holding a logical one" inconsistentValue \
		$(go 2 ParamPartition u "$P_EXT")
	refused "format of an extended partition" inconsistentValue \
		$(go 18 ParamPartition u "$P_EXT" ParamFsType s ext4)
	refused "a logical partition larger than its container" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 8192 ParamOffsetMiB u $((EXT_MIB + 2048)))
	refused "a logical partition inside another" inconsistentValue \
		$(go 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10 ParamOffsetMiB u $((EXT_MIB + 1)))
}
expect_eq "row $H absent after the refused createAndGo" "" "$(job_get "$H" Status)"

# ------------------------------------------------ a running job
R=$(job_handle)
vds_hold 0 # every job waits at its first phase until released below
job_start "$R" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10
vds_wait_reached "$R" 0
expect_eq "job $R runs (held at its first phase)" "$ST_RUNNING" "$(job_get "$R" Status)"
STATE_LAST=
refused "destroy on a running job" inconsistentValue "VDS-MIB::vdsJobRowStatus.$R" i 6
refused "a parameter of a running job" inconsistentValue "VDS-MIB::vdsJobParamSizeMiB.$R" u 20
refused "vdsJobType of a running job" inconsistentValue "VDS-MIB::vdsJobType.$R" i 2
refused "notInService on a running job" inconsistentValue "VDS-MIB::vdsJobRowStatus.$R" i 2

# ------------------------------------------------ the queue limit (1 running + 1 queued)
Q=$(job_handle)
job_start "$Q" 7 ParamPath s "$VDS_TMP/state/sim/q.img" ParamSizeMiB u 8
expect_eq "running / queued (jobMaxRunning 1, jobMaxQueued 1)" "1 1" \
	"$(svc vdsJobsRunning) $(svc vdsJobsQueued)"
expect_eq "job $Q is queued" "$ST_QUEUED" "$(job_get "$Q" Status)"
STATE_LAST=
X=$(job_handle)
refused "a third job past the queue limit" resourceUnavailable \
	"VDS-MIB::vdsJobRowStatus.$X" i 4 "VDS-MIB::vdsJobType.$X" i 7 \
	"VDS-MIB::vdsJobParamPath.$X" s "$VDS_TMP/state/sim/x.img" "VDS-MIB::vdsJobParamSizeMiB.$X" u 8
expect_eq "no row $X" "" "$(job_get "$X" Status)"
# createAndWait is not starting: allowed; active past the limit is not.
expect_set_error "createAndWait at the limit" noError "VDS-MIB::vdsJobRowStatus.$X" i 5 \
	"VDS-MIB::vdsJobType.$X" i 7 "VDS-MIB::vdsJobParamPath.$X" s "$VDS_TMP/state/sim/x.img" \
	"VDS-MIB::vdsJobParamSizeMiB.$X" u 8
STATE_LAST=
refused "active past the queue limit" resourceUnavailable "VDS-MIB::vdsJobRowStatus.$X" i 1
expect_eq "job $X still created" "$ST_CREATED" "$(job_get "$X" Status)"

expect_eq "job $R still running after the checks" "$ST_RUNNING" "$(job_get "$R" Status)"
expect_set_error "cancel of the queued job" noError "VDS-MIB::vdsJobControl.$Q" i 2
expect_eq "cancelled queued job: status, cancel state" "6 4" "$(job_getn "$Q" Status CancelState)"
vds_release 0
[ "$(job_wait "$R")" = "$ST_SUCCEEDED" ] || check_fail "job $R did not succeed"
expect_set_error "active once there is room" noError "VDS-MIB::vdsJobRowStatus.$X" i 1
[ "$(job_wait "$X")" = "$ST_SUCCEEDED" ] || check_fail "job $X did not succeed"
expect_eq "succeeded / failed / cancelled (2 of them the MBR set-up)" "5 0 1" \
	"$(svc vdsJobsSucceeded) $(svc vdsJobsFailed) $(svc vdsJobsCancelled)"

note "$NCHECKS refused SETs checked, each followed by a no-change check"
vds_stop_vdsd
note "jobs-bad-input took $(($(now_ms) - T0)) ms"
vds_finish
