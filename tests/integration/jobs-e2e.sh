#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-e2e.sh - every job type end to end on the sim provider through the
# real stack (snmpd master, vdsd, snmptrapd, snmpset/snmpget by MIB names):
# the row while it runs (status, percent monotonic 0-99, HRESULT pending),
# at the end (succeeded, 100, S_OK), its outputs checked against the
# inventory tables, and the vdsJobCompleted notification (varbinds in the
# MIB's order, right values).  A shrink and an extend also send
# vdsVolumeModified.
# Last, a job started in steps: createAndWait, parameters, active.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)
MIB=1048576

vds_start_trapd
vds_start_master
VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-1000} vds_write_conf "discovery no" "jobProgressInterval 1"
vds_start_vdsd
vds_wait_registered

SIMDIR=$VDS_TMP/state/sim
D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
D_SIM2=$(inv_index 2 "$C_DISK_NAME" sim2) || fail "no sim2 disk"
D_SIM3=$(inv_index 2 "$C_DISK_NAME" sim3) || fail "no sim3 disk"
PACK0=$(inv_index 6 "$C_PACK_NAME" pack0) || fail "no pack0"
note "sim1 = disk $D_SIM1, sim2/sim3 = disks $D_SIM2/$D_SIM3, pack0 = pack $PACK0"

# run_job WHAT TYPE [COLUMN T V]...: start, follow to the end, check success
# and the notification; H is the job's handle afterwards.
run_job() {
	local what=$1 t0 st rs
	shift
	H=$(job_handle)
	t0=$(now_ms)
	job_start "$H" "$@"
	note "$what: job $H started, SET answered in $(($(now_ms) - t0)) ms"
	job_follow "$H" 60000
	st=$JOB_FINAL
	note "$what: job $H ended with status $st after $JOB_SAMPLES samples," \
		"percent $JOB_PERCENTS, running $JOB_RUN_MS ms"
	if [ "$st" != "$ST_SUCCEEDED" ]; then
		check_fail "$what: job $H ended $st: $(job_getn "$H" Result ErrorName ErrorMessage)"
		return 1
	fi
	rs=$(job_getn "$H" RowStatus Result HResult ErrorName ErrorMessage ResultType Provider)
	expect_eq "$what: row after success" "1 1 0   $1 sim" "$rs"
	job_trap "$H" 60000 || return 1
}

# check_trap_values EXPECTED: the vdsJobCompleted values of job H.
check_trap_values() {
	expect_eq "vdsJobCompleted values of job $H" "$1" "$(job_trap_values "$H")"
}

# outputs H: "offset partition volume reclaimed vdisk objid"
outputs() { job_getn "$H" OutOffset OutPartition OutVolume OutReclaimedBytes OutVDisk OutObjectId; }

# ---------------------------------------------------------------- partitions
declare -A P=()
declare -a P_rows=()

run_job "createPartition first fit" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 100
read -r off part vol recl vd oid <<<"$(outputs)"
inv_load P 3
expect_eq "createPartition: new partition's disk" "$D_SIM1" "${P[$C_PART_DISK.$part]:-}"
expect_eq "createPartition: new partition's offset = vdsJobOutOffset" "$off" \
	"${P[$C_PART_OFFSET.$part]:-}"
expect_eq "createPartition: size" $((100 * MIB)) "${P[$C_PART_SIZE.$part]:-}"
expect_eq "createPartition: object id" "${P[$C_PART_OBJID.$part]:-}" "$oid"
# sim1 holds one partition at 1 MiB of 100 GiB: first fit is right after it.
expect_eq "createPartition: first-fit offset" $((MIB + 100 * 1024 * MIB)) "$off"
expect_eq "createPartition: outputs vol/reclaimed/vdisk" "0 0 0" "$vol $recl $vd"
check_trap_values "1|4|1|0|$off|$part|0|0|0|"
note "createPartition: partition $part at offset $off"
P1=$part

run_job "createPartition at an offset" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 64 \
	ParamOffsetMiB u 200000 ParamPartitionType s 0x07
read -r off part vol recl vd oid <<<"$(outputs)"
inv_load P 3
expect_eq "createPartition at 200000 MiB: offset" $((200000 * MIB)) "$off"
expect_eq "createPartition at 200000 MiB: row offset" "$off" "${P[$C_PART_OFFSET.$part]:-}"
expect_eq "createPartition at 200000 MiB: row type" "0x07" "${P[$(mib_col VDS_PART_TYPE).$part]:-}"
P2=$part

run_job "deletePartition" 2 ParamPartition u "$P1"
read -r off part vol recl vd oid <<<"$(outputs)"
expect_eq "deletePartition: outputs" "0 0 0 0 0 " "$off $part $vol $recl $vd $oid"
inv_load P 3
expect_eq "deletePartition: row $P1 gone" "" "${P[$C_PART_DISK.$P1]:-}"
expect_eq "deletePartition: partition $P2 still there" "$D_SIM1" "${P[$C_PART_DISK.$P2]:-}"
check_trap_values "2|4|1|0|0|0|0|0|0|"

# MBR extended and logical partitions (issue 18): the container takes the
# freed first-fit area (100 GiB + 1 MiB); a logical partition by an offset
# in its EBR room starts 1 MiB in and is number 5, the next is 6; deleting
# 5 moves 6 down to 5, as the kernel numbers them; the empty container goes.
C_PART_NUMBER=$(mib_col VDS_PART_NUMBER)
C_PART_TYPE=$(mib_col VDS_PART_TYPE)
C_PART_VOL=$(mib_col VDS_PART_VOLUME_INDEX)
# part_row NUMBER: "offset size type volume" of sim1's partition NUMBER (P loaded)
part_row() {
	local i
	i=$(for r in "${P_rows[@]}"; do
		[ "${P[$C_PART_DISK.$r]:-}" = "$D_SIM1" ] && [ "${P[$C_PART_NUMBER.$r]:-}" = "$1" ] &&
			echo "$r"
	done)
	[ -n "$i" ] && echo "${P[$C_PART_OFFSET.$i]} ${P[$C_PART_SIZE.$i]} ${P[$C_PART_TYPE.$i]} ${P[$C_PART_VOL.$i]}"
}
EXT_MIB=$((100 * 1024 + 1))
run_job "createPartition extended" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 10240 \
	ParamPartitionType s extended
read -r off part vol recl vd oid <<<"$(outputs)"
PEXT=$part
inv_load P 3
expect_eq "extended: offset" $((EXT_MIB * MIB)) "$off"
expect_eq "extended: partition 2, its row, no volume" "2 $off $((10240 * MIB)) 0x05 0" \
	"${P[$C_PART_NUMBER.$part]:-} $(part_row 2)"
expect_eq "extended: no vdsJobOutVolume" 0 "$vol"
run_job "createPartition logical (offset in the EBR room)" 1 ParamDisk u "$D_SIM1" \
	ParamSizeMiB u 1024 ParamOffsetMiB u "$EXT_MIB"
read -r off part vol recl vd oid <<<"$(outputs)"
expect_eq "logical 5: offset 1 MiB into the container" $(((EXT_MIB + 1) * MIB)) "$off"
run_job "createPartition logical by offset" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 512 \
	ParamOffsetMiB u $((EXT_MIB + 3072)) ParamPartitionType s 0x82
inv_load P 3
expect_eq "logical 5 and 6: rows" \
	"$(((EXT_MIB + 1) * MIB)) $((1024 * MIB)) 0x83 0|$(((EXT_MIB + 3072) * MIB)) $((512 * MIB)) 0x82 0" \
	"$(part_row 5)|$(part_row 6)"
run_job "deletePartition logical 5" 2 ParamPartition u "$(vds_find_row P "$C_PART_OFFSET" \
	$(((EXT_MIB + 1) * MIB)))"
inv_load P 3
expect_eq "after deleting 5: the old 6 is 5, no 6" "$(((EXT_MIB + 3072) * MIB)) $((512 * MIB)) 0x82 0|" \
	"$(part_row 5)|$(part_row 6 || true)"
run_job "deletePartition the last logical" 2 ParamPartition u \
	"$(vds_find_row P "$C_PART_OFFSET" $(((EXT_MIB + 3072) * MIB)))"
run_job "deletePartition the empty extended" 2 ParamPartition u "$PEXT"
inv_load P 3
expect_eq "extended gone" "" "$(part_row 2 || true)"

# ---------------------------------------------------------------- volumes
declare -A V=()
declare -a V_rows=()
free0=$(inv_value 6 "$C_PACK_FREE" "$PACK0")

# mkvol WHAT NAME VTYPE SIZE_MIB [COLUMN T V]...: a createVolume in pack0;
# checks the new row (name, type, size) against the outputs.
mkvol() {
	local what=$1 name=$2 vtype=$3 size=$4
	shift 4
	run_job "$what" 3 ParamPack u "$PACK0" ParamVolumeType i "$vtype" ParamSizeMiB u "$size" \
		ParamName s "$name" "$@" || return 1
	read -r off part vol recl vd oid <<<"$(outputs)"
	inv_load V 4
	expect_eq "$what: vdsJobOutVolume is the volume named $name" \
		"$(vds_find_row V "$C_VOL_NAME" "$name")" "$vol"
	expect_eq "$what: type, size" "$vtype $((size * MIB))" \
		"${V[$C_VOL_TYPE.$vol]:-} ${V[$C_VOL_SIZE.$vol]:-}"
	expect_eq "$what: object id" "${V[$C_VOL_OBJID.$vol]:-}" "$oid"
	expect_eq "$what: other outputs" "0 0 0 0" "$off $part $recl $vd"
	check_trap_values "3|4|1|0|0|0|$vol|0|0|"
}

mkvol "createVolume simple" e2e_simple 1 1024
VSIMPLE=$vol
mkvol "createVolume spanned" e2e_span 2 512 ParamDisks s "$D_SIM2,$D_SIM3"
VSPAN=$vol
mkvol "createVolume striped" e2e_stripe 3 256 ParamStripeKiB u 128
expect_eq "striped: stripe size, plexes" "131072 1" \
	"${V[$C_VOL_STRIPE.$vol]:-} ${V[$C_VOL_PLEXES.$vol]:-}"
mkvol "createVolume mirror" e2e_mirror 4 128
VMIRROR=$vol
expect_eq "mirror: plexes" 2 "${V[$C_VOL_PLEXES.$vol]:-}"
free1=$(inv_value 6 "$C_PACK_FREE" "$PACK0")
# simple 1024 + spanned 512 + striped 256 + mirror 2 x 128 MiB
expect_eq "pack0 free space went down by the new volumes" $(((1024 + 512 + 256 + 256) * MIB)) \
	$((free0 - free1))

# createVolume by vdsJobParamDisks alone (issue 13.1): the pack is the disks'
# own (sim3 is in pack0); a disk in no pack (sim4) starts a new pack.
run_job "createVolume by disks, no pack" 3 ParamVolumeType i 1 ParamSizeMiB u 64 \
	ParamName s e2e_bydisk ParamDisks s "$D_SIM3"
read -r off part vol recl vd oid <<<"$(outputs)"
expect_eq "createVolume by disks: the volume is in pack0" "$PACK0" \
	"$(inv_value 4 "$(mib_col VDS_VOL_PACK_INDEX)" "$vol")"
D_SIM4=$(inv_index 2 "$C_DISK_NAME" sim4) || fail "no sim4 disk"
ntraps=$(vds_trap_count)
run_job "createVolume by a disk in no pack" 3 ParamVolumeType i 1 ParamSizeMiB u 64 \
	ParamName s e2e_newpack ParamDisks s "$D_SIM4"
read -r off part vol recl vd oid <<<"$(outputs)"
newpack=$(inv_value 4 "$(mib_col VDS_VOL_PACK_INDEX)" "$vol")
[ -n "$newpack" ] && [ "$newpack" != 0 ] && [ "$newpack" != "$PACK0" ] ||
	check_fail "createVolume by sim4: pack \"$newpack\", want a new pack"
expect_eq "createVolume by sim4: sim4 is in the new pack" "$newpack" \
	"$(inv_value 2 "$(mib_col VDS_DISK_PACK_INDEX)" "$D_SIM4")"
# vdsPackArrived is sent once sim4 has joined: it carries the pack's size.
C_PACK_SIZE=$(mib_col VDS_PACK_SIZE)
psize=$(inv_value 6 "$C_PACK_SIZE" "$newpack")
[ "${psize:-0}" -gt 0 ] || check_fail "createVolume by sim4: the new pack has no size [$psize]"
vds_wait_trap 60000 "$ntraps" "$VDS_NOTIF.12" "$VDS_ROOT_OID.1.6.1.$C_PACK_NAME.$newpack = " ||
	check_fail "no vdsPackArrived for the new pack $newpack"
expect_eq "vdsPackArrived: vdsPackSize of the new pack" "$psize" \
	"$(vds_trap_varbind "$VDS_TRAP_LINE" "$VDS_ROOT_OID.1.6.1.$C_PACK_SIZE.$newpack")"

# shrink: size down by exactly the reclaimed bytes; vdsVolumeModified
size0=$(inv_value 4 "$C_VOL_SIZE" "$VSIMPLE")
ntraps=$(vds_trap_count)
run_job "shrinkVolume" 5 ParamVolume u "$VSIMPLE" ParamSizeMiB u 300
read -r off part vol recl vd oid <<<"$(outputs)"
size1=$(inv_value 4 "$C_VOL_SIZE" "$VSIMPLE")
expect_eq "shrinkVolume: reclaimed bytes" $((300 * MIB)) "$recl"
expect_eq "shrinkVolume: the volume's size went down by the reclaimed bytes" "$recl" \
	$((size0 - size1))
# Seed 000 / VDS-MIB: a shrink outputs only the reclaimed bytes.
expect_eq "shrinkVolume: other outputs (MIB: 0 / empty for this type)" "0 0 0 0 " \
	"$off $part $vol $vd $oid"
check_trap_values "5|4|1|0|0|0|0|$recl|0|"
if vds_wait_trap 60000 "$ntraps" "$VDS_NOTIF.7" "$VDS_ROOT_OID.1.4.1.8.$VSIMPLE = Counter64: $size1"; then
	note "shrinkVolume: vdsVolumeModified with the new size $size1"
else
	check_fail "shrinkVolume: no vdsVolumeModified for volume $VSIMPLE with size $size1"
fi

# extend: the simple volume grows by exactly the size asked, the mirror by it on
# both plexes (twice from the pack); the volume is the output; vdsVolumeModified
free2=$(inv_value 6 "$C_PACK_FREE" "$PACK0")
ntraps=$(vds_trap_count)
run_job "extendVolume" 11 ParamVolume u "$VSIMPLE" ParamSizeMiB u 200
read -r off part vol recl vd oid <<<"$(outputs)"
size2=$(inv_value 4 "$C_VOL_SIZE" "$VSIMPLE")
expect_eq "extendVolume: the volume grew by the size asked" $((200 * MIB)) $((size2 - size1))
expect_eq "extendVolume: vdsJobOutVolume" "$VSIMPLE" "$vol"
expect_eq "extendVolume: object id" "$(inv_value 4 "$C_VOL_OBJID" "$VSIMPLE")" "$oid"
expect_eq "extendVolume: other outputs" "0 0 0 0" "$off $part $recl $vd"
check_trap_values "11|4|1|0|0|0|$VSIMPLE|0|0|"
vds_wait_trap 60000 "$ntraps" "$VDS_NOTIF.7" "$VDS_ROOT_OID.1.4.1.8.$VSIMPLE = Counter64: $size2" ||
	check_fail "extendVolume: no vdsVolumeModified for volume $VSIMPLE with size $size2"
run_job "extendVolume mirror" 11 ParamVolume u "$VMIRROR" ParamSizeMiB u 64
expect_eq "extendVolume mirror: size" $(((128 + 64) * MIB)) "$(inv_value 4 "$C_VOL_SIZE" "$VMIRROR")"
expect_eq "extendVolume: pack free went down by 200 + 2 x 64 MiB" $(((200 + 128) * MIB)) \
	$((free2 - $(inv_value 6 "$C_PACK_FREE" "$PACK0")))

# break the mirror's plex 2 off: a new volume, the mirror keeps one plex
declare -A X=()
declare -a X_rows=()
inv_load X 5
PLEX2=
for i in "${X_rows[@]}"; do
	[ "${X[$C_PLEX_VOL.$i]}" = "$VMIRROR" ] && [ "${X[$C_PLEX_NUMBER.$i]}" = 2 ] && PLEX2=$i
done
[ -n "$PLEX2" ] || fail "no plex 2 of volume $VMIRROR"
run_job "breakVolumePlex" 6 ParamVolume u "$VMIRROR" ParamPlex u "$PLEX2"
read -r off part vol recl vd oid <<<"$(outputs)"
inv_load V 4
expect_eq "breakVolumePlex: vdsJobOutVolume is e2e_mirror-plex2" \
	"$(vds_find_row V "$C_VOL_NAME" e2e_mirror-plex2)" "$vol"
expect_eq "breakVolumePlex: new volume object id" "${V[$C_VOL_OBJID.$vol]:-}" "$oid"
expect_eq "breakVolumePlex: the old mirror has 1 plex" 1 "${V[$C_VOL_PLEXES.$VMIRROR]:-}"
expect_eq "breakVolumePlex: new volume size = mirror size" "${V[$C_VOL_SIZE.$VMIRROR]:-}" \
	"${V[$C_VOL_SIZE.$vol]:-}"
check_trap_values "6|4|1|0|0|0|$vol|0|0|"

run_job "deleteVolume" 4 ParamVolume u "$VSPAN"
inv_load V 4
expect_eq "deleteVolume: row $VSPAN gone" "" "${V[$C_VOL_NAME.$VSPAN]:-}"
check_trap_values "4|4|1|0|0|0|0|0|0|"

# ---------------------------------------------------------------- virtual disks
declare -A D=()
declare -a D_rows=()
IMG=$SIMDIR/e2e.img
run_job "createVDisk" 7 ParamPath s "$IMG" ParamSizeMiB u 64 ParamVDiskType i 1
read -r off part vol recl vd oid <<<"$(outputs)"
inv_load D 7
expect_eq "createVDisk: vdsJobOutVDisk is the row of $IMG" "$(vds_find_row D "$C_VD_PATH" "$IMG")" "$vd"
expect_eq "createVDisk: size, attached" "$((64 * MIB)) 2" \
	"${D[$C_VD_SIZE.$vd]:-} ${D[$C_VD_ATTACHED.$vd]:-}"
expect_eq "createVDisk: object id" "${D[$C_VD_OBJID.$vd]:-}" "$oid"
check_trap_values "7|4|1|0|0|0|0|0|$vd|"
VD=$vd

run_job "attachVDisk" 8 ParamVDisk u "$VD"
read -r off part vol recl vd oid <<<"$(outputs)"
inv_load D 7
expect_eq "attachVDisk: attached" 1 "${D[$C_VD_ATTACHED.$VD]:-}"
ddisk=${D[$C_VD_DISK.$VD]:-0}
[ "$ddisk" -gt 0 ] || check_fail "attachVDisk: vdsVDiskDiskIndex is $ddisk"
[ -n "$(inv_value 2 "$C_DISK_NAME" "$ddisk")" ] || check_fail "attachVDisk: no disk row $ddisk"
expect_eq "attachVDisk: outputs (MIB: none for this type)" "0 0 0 0 0 " \
	"$off $part $vol $recl $vd $oid"
check_trap_values "8|4|1|0|0|0|0|0|0|"

run_job "detachVDisk (by path)" 9 ParamPath s "$IMG"
read -r off part vol recl vd oid <<<"$(outputs)"
inv_load D 7
expect_eq "detachVDisk: attached" 2 "${D[$C_VD_ATTACHED.$VD]:-}"
expect_eq "detachVDisk: disk row gone" "" "$(inv_value 2 "$C_DISK_NAME" "$ddisk")"
expect_eq "detachVDisk: outputs (MIB: none for this type)" "0 0 0 0 0 " \
	"$off $part $vol $recl $vd $oid"

run_job "deleteVDisk" 10 ParamVDisk u "$VD"
inv_load D 7
expect_eq "deleteVDisk: row $VD gone" "" "${D[$C_VD_PATH.$VD]:-}"
check_trap_values "10|4|1|0|0|0|0|0|0|"

# ---------------------------------------------------------------- in steps
H=$(job_handle)
vds_snmpset "VDS-MIB::vdsJobRowStatus.$H" i 5 >/dev/null || fail "createAndWait refused"
expect_eq "createAndWait: RowStatus, Status, HRESULT" "3 1 $HR_PENDING" \
	"$(job_getn "$H" RowStatus Status HResult)"
vds_snmpset "VDS-MIB::vdsJobType.$H" i 1 "VDS-MIB::vdsJobParamDisk.$H" u "$D_SIM1" >/dev/null ||
	fail "setting the type refused"
expect_eq "type and disk set, size missing: notReady" 3 "$(job_get "$H" RowStatus)"
vds_snmpset "VDS-MIB::vdsJobParamSizeMiB.$H" u 32 "VDS-MIB::vdsJobOwner.$H" s e2e-test \
	"VDS-MIB::vdsJobKeepResult.$H" i 1 >/dev/null || fail "setting the size refused"
expect_eq "all mandatory set: notInService, still created" "2 1" "$(job_getn "$H" RowStatus Status)"
sleep 0.3
expect_eq "not started yet" "1 0" "$(job_getn "$H" Status PercentComplete)"
vds_snmpset "VDS-MIB::vdsJobRowStatus.$H" i 1 >/dev/null || fail "active refused"
job_follow "$H" 60000
note "createAndWait + active: job $H ended $JOB_FINAL, percent $JOB_PERCENTS"
expect_eq "createAndWait + active: final" "4 1 e2e-test 1" \
	"$(job_getn "$H" Status RowStatus Owner KeepResult)"
read -r off part vol recl vd oid <<<"$(outputs)"
expect_eq "createAndWait + active: partition row at the output offset" "$off" \
	"$(inv_value 3 "$C_PART_OFFSET" "$part")"
job_trap "$H" 60000 && check_trap_values "1|4|1|0|$off|$part|0|0|0|"

expect_eq "vdsJobsSucceeded / Failed / Cancelled" "25 0 0" \
	"$(svc vdsJobsSucceeded) $(svc vdsJobsFailed) $(svc vdsJobsCancelled)"
note "$(grep -c "^TRAP.*$VDS_NOTIF.10" "$VDS_TRAPLOG") vdsJobCompleted notifications received"

# ---------------------------------------------------------------- progress notifications
# vdsJobProgress for a job with vdsJobNotifyProgress true(1), none for a job
# without.  The job is held at its second phase until its progress
# notification arrived, so the test does not depend on the job's speed.
PN=$(job_handle)
vds_hold "$PN-1"
job_start "$PN" 7 ParamPath s "$SIMDIR/progress.img" ParamSizeMiB u 8 NotifyProgress i 1
vds_wait_reached "$PN" 1
pc=$(job_get "$PN" PercentComplete)
# (rate-limited: the first report is sent, later ones within
# jobProgressInterval are dropped, so the percent may be an earlier one)
if vds_wait_trap 60000 0 "$VDS_NOTIF.11" "$VDS_JOB_ENTRY.4.$PN = "; then
	expect_eq "vdsJobProgress of job $PN: status running" 3 \
		"$(vds_trap_varbind "$VDS_TRAP_LINE" "$VDS_JOB_ENTRY.4.$PN")"
	tp=$(vds_trap_varbind "$VDS_TRAP_LINE" "$VDS_JOB_ENTRY.5.$PN")
	[ "$tp" -le "$pc" ] 2>/dev/null || check_fail "vdsJobProgress of job $PN: $tp %, held at $pc %"
else
	check_fail "no vdsJobProgress for held job $PN (at $pc %)"
fi
vds_release "$PN-1"
expect_eq "job $PN with progress notifications" "$ST_SUCCEEDED" "$(job_wait "$PN")"
QN=$(job_handle)
job_start "$QN" 7 ParamPath s "$SIMDIR/quiet.img" ParamSizeMiB u 8
expect_eq "job $QN without progress notifications" "$ST_SUCCEEDED" "$(job_wait "$QN")"
job_trap "$QN" 60000 >/dev/null # its completion came: any progress would be there before it
expect_eq "no vdsJobProgress for job $QN (vdsJobNotifyProgress false)" "" \
	"$(vds_trap_find 0 "$VDS_NOTIF.11" "$VDS_JOB_ENTRY.4.$QN = ")"
vds_stop_vdsd
note "jobs-e2e took $(($(now_ms) - T0)) ms"
vds_finish
