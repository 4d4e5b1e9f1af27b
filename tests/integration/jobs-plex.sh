#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-plex.sh - the plex jobs and parity volumes on the sim provider
# through SNMP: createVolume parity(5) with vdsJobParamParityCount 1 (raid5)
# and 2 (raid6), addVolumePlex (a simple volume becomes a mirror),
# removeVolumePlex (never the last healthy plex), repairVolumePlex (the
# failed devices of a mirror leg or of a parity volume onto new disks,
# with simFailDisk steering the failure), each checked in the inventory and
# persisted across a restart of vdsd (sim.state); the refusals carry the
# precise SNMP error and vdsLastRefusal reason.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)
MIB=1048576
C_PLEX_DEV=$(mib_col VDS_PLEX_DEVICES)
C_PLEX_HEALTH=$(mib_col VDS_PLEX_HEALTH)
C_VOL_HEALTH=$(mib_col VDS_VOL_HEALTH)

jobs_start_vdsd 2 8
SIMDIR=$VDS_TMP/state/sim

# job TYPE [COLUMN T V]...: run a job to success; H is its handle.
job() {
	local st
	H=$(job_handle)
	job_start "$H" "$@"
	st=$(job_wait "$H")
	[ "$st" = "$ST_SUCCEEDED" ] ||
		fail "job $H (type $1) ended $st: $(job_getn "$H" Result ErrorName ErrorMessage)"
}

# refused WHAT ERROR REASON-PART TYPE [COLUMN T V]...: the createAndGo is
# refused with ERROR and vdsLastRefusal's reason holds REASON-PART.
refused() {
	job_refused "$@"
	expect_eq "$1: no row" "" "$(job_get "$REFUSED_H" Status)"
}

# Five 1 GiB disks in no pack, from sim vdisks.
VDS=()
for i in 1 2 3 4 5; do
	job 7 ParamPath s "$SIMDIR/px$i.img" ParamSizeMiB u 1024 ParamVDiskType i 1
	vd=$(job_get "$H" OutVDisk)
	job 8 ParamVDisk u "$vd"
	VDS+=("$(inv_value 7 "$C_VD_DISK" "$vd")")
done
note "disks ${VDS[*]}"
ALL=$(IFS=,; echo "${VDS[*]}")

# name_of DISK-INDEX
name_of() { inv_value 2 "$C_DISK_NAME" "$1"; }
N=()
for d in "${VDS[@]}"; do N+=("$(name_of "$d")"); done

# ---- parity volumes
refused "ParityCount on a mirror" inconsistentValue "parity count is for parity" \
	3 ParamVolumeType i 4 ParamSizeMiB u 64 ParamDisks s "${VDS[0]},${VDS[1]}" ParamParityCount u 1
refused "raid6 on 3 disks" inconsistentValue "needs 5 disks" \
	3 ParamVolumeType i 5 ParamParityCount u 2 ParamSizeMiB u 64 \
	ParamDisks s "${VDS[0]},${VDS[1]},${VDS[2]}"
job 3 ParamVolumeType i 5 ParamParityCount u 2 ParamSizeMiB u 96 ParamStripeKiB u 64 \
	ParamDisks s "$ALL" ParamName s p6
V6=$(job_get "$H" OutVolume)
PACK=$(inv_value 4 "$(mib_col VDS_VOL_PACK_INDEX)" "$V6")
expect_eq "raid6: type parity, 1 plex, stripe" "5 1 65536" \
	"$(inv_value 4 "$C_VOL_TYPE" "$V6") $(inv_value 4 "$C_VOL_PLEXES" "$V6") $(inv_value 4 "$C_VOL_STRIPE" "$V6")"
P6=$(inv_index 5 "$C_PLEX_VOL" "$V6")
expect_eq "raid6: its plex spans the five disks" "$(IFS=,; echo "${N[*]}")" \
	"$(inv_value 5 "$C_PLEX_DEV" "$P6")"
job 3 ParamPack u "$PACK" ParamVolumeType i 5 ParamSizeMiB u 64 \
	ParamDisks s "${VDS[0]},${VDS[1]},${VDS[2]}" ParamName s p5
V5=$(job_get "$H" OutVolume)
P5=$(inv_index 5 "$C_PLEX_VOL" "$V5")
expect_eq "raid5: type parity on 3 disks" "5 ${N[0]},${N[1]},${N[2]}" \
	"$(inv_value 4 "$C_VOL_TYPE" "$V5") $(inv_value 5 "$C_PLEX_DEV" "$P5")"

# ---- addVolumePlex: a simple volume on disk 4 gets a plex on disk 5
job 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 32 ParamDisks s "${VDS[3]}" \
	ParamName s m
VM=$(job_get "$H" OutVolume)
refused "addVolumePlex on a disk the volume uses" inconsistentValue "already holds plex" \
	12 ParamVolume u "$VM" ParamDisks s "${VDS[3]}"
refused "addVolumePlex without disks" inconsistentValue "vdsJobParamDisks" 12 ParamVolume u "$VM"
refused "addVolumePlex to a parity volume" inconsistentValue "simple, spanned or mirror" \
	12 ParamVolume u "$V5" ParamDisks s "${VDS[4]}"
job 12 ParamVolume u "$VM" ParamDisks s "${VDS[4]}"
NEWPX=$(job_get "$H" OutPlex)
expect_eq "addVolumePlex: out plex is plex 2 of m on ${N[4]}" "$VM 2 ${N[4]}" \
	"$(inv_value 5 "$C_PLEX_VOL" "$NEWPX") $(inv_value 5 "$C_PLEX_NUMBER" "$NEWPX") $(inv_value 5 "$C_PLEX_DEV" "$NEWPX")"
expect_eq "addVolumePlex: m is a mirror of 2 plexes" "4 2" \
	"$(inv_value 4 "$C_VOL_TYPE" "$VM") $(inv_value 4 "$C_VOL_PLEXES" "$VM")"
PX1=$(inv_index 5 "$C_PLEX_DEV" "${N[3]}")

# ---- a disk fails: the parity volumes degrade, the mirror's leg fails
reload_fail() { # DISK-NAME or "" to clear
	local want=$2
	if [ -n "$1" ]; then
		vds_write_conf "discovery no" "jobMaxRunning 2" "jobMaxQueued 8" "simFailDisk $1"
	else
		vds_write_conf "discovery no" "jobMaxRunning 2" "jobMaxQueued 8"
	fi
	kill -HUP "$VDS_VDSD_PID"
	wait_for 30000 vol_health_is "$VM" "$want" || fail "m health not $want after the reload"
}
vol_health_is() { [ "$(inv_value 4 "$C_VOL_HEALTH" "$1")" = "$2" ]; }
reload_fail "${N[4]}" 3
expect_eq "failed ${N[4]}: raid6 degraded, mirror leg failed" "3 5" \
	"$(inv_value 4 "$C_VOL_HEALTH" "$V6") $(inv_value 5 "$C_PLEX_HEALTH" "$NEWPX")"
refused "removeVolumePlex of the last healthy plex" inconsistentValue "last healthy plex" \
	13 ParamVolume u "$VM" ParamPlex u "$PX1"
refused "repairVolumePlex of a healthy plex" inconsistentValue "nothing to repair" \
	14 ParamVolume u "$VM" ParamPlex u "$PX1" ParamDisks s "${VDS[2]}"
refused "repairVolumePlex onto the failed disk" inconsistentValue "has failed" \
	14 ParamVolume u "$VM" ParamPlex u "$NEWPX" ParamDisks s "${VDS[4]}"
refused "repairVolumePlex with two disks for one lost" inconsistentValue "give 1 disks" \
	14 ParamVolume u "$VM" ParamPlex u "$NEWPX" ParamDisks s "${VDS[1]},${VDS[2]}"
job 14 ParamVolume u "$VM" ParamPlex u "$NEWPX" ParamDisks s "${VDS[2]}"
expect_eq "repairVolumePlex: out plex, now on ${N[2]}, healthy; m healthy" "$NEWPX ${N[2]} 2 2" \
	"$(job_get "$H" OutPlex) $(inv_value 5 "$C_PLEX_DEV" "$NEWPX") $(inv_value 5 "$C_PLEX_HEALTH" "$NEWPX") $(inv_value 4 "$C_VOL_HEALTH" "$VM")"
refused "repairVolumePlex of raid6 with a disk it uses" inconsistentValue "already holds plex" \
	14 ParamVolume u "$V6" ParamPlex u "$P6" ParamDisks s "${VDS[0]}"

# ---- raid5 loses disk 2 and is rebuilt onto disk 4
reload_fail "${N[1]}" 2
expect_eq "failed ${N[1]}: raid5 degraded" 3 "$(inv_value 4 "$C_VOL_HEALTH" "$V5")"
# no vdsJobParamDisks: the first healthy pack disk outside p5 with room
job 14 ParamVolume u "$V5" ParamPlex u "$P5"
expect_eq "repairVolumePlex raid5 (disks chosen): ${N[1]} replaced by ${N[3]}, healthy" \
	"${N[0]},${N[3]},${N[2]} 2" \
	"$(inv_value 5 "$C_PLEX_DEV" "$P5") $(inv_value 4 "$C_VOL_HEALTH" "$V5")"
reload_fail "" 2

# ---- removeVolumePlex: m back to a simple volume on disk 3
refused "removeVolumePlex of a parity volume" inconsistentValue "not a mirror" \
	13 ParamVolume u "$V5" ParamPlex u "$P5"
job 13 ParamVolume u "$VM" ParamPlex u "$PX1"
expect_eq "removeVolumePlex: m is simple with 1 plex on ${N[2]}" "1 1 ${N[2]}" \
	"$(inv_value 4 "$C_VOL_TYPE" "$VM") $(inv_value 4 "$C_VOL_PLEXES" "$VM") $(inv_value 5 "$C_PLEX_DEV" "$NEWPX")"
expect_eq "removeVolumePlex: plex row gone" "" "$(inv_value 5 "$C_PLEX_DEV" "$PX1")"

# ---- vdsctl: add-plex, repair-plex (usage), remove-plex, create-volume --parity
VDSCTL=$top_builddir/vdsctl
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"
CTL=("$VDSCTL" -v2c -c private -t 2 -r 1 "127.0.0.1:$VDS_MASTER_PORT")
expect_run "vdsctl add-plex" 0 "succeeded" "${CTL[@]}" add-plex m --disks "${VDS[4]}" --wait
expect_eq "vdsctl add-plex: m is a mirror again" "4 2" \
	"$(inv_value 4 "$C_VOL_TYPE" "$VM") $(inv_value 4 "$C_VOL_PLEXES" "$VM")"
expect_run "vdsctl repair-plex without --disks" 3 "--disks" "${CTL[@]}" repair-plex m 1
CTLPX=$(inv_index 5 "$C_PLEX_DEV" "${N[4]}")
expect_run "vdsctl remove-plex" 0 "succeeded" "${CTL[@]}" --yes remove-plex m "$CTLPX" --wait
expect_eq "vdsctl remove-plex: m simple" 1 "$(inv_value 4 "$C_VOL_TYPE" "$VM")"
expect_run "vdsctl create-volume --parity 1" 0 "succeeded: volume" "${CTL[@]}" \
	create-volume 16M --pack "$PACK" --disks "${VDS[1]},${VDS[3]},${VDS[4]}" --layout parity \
	--parity 1 --name p5b --wait

# ---- persisted: sim.state after a restart
grep -q "parity=2" "$VDS_TMP/state/sim.state" || check_fail "sim.state has no parity=2 volume"
vds_stop_vdsd
vds_start_vdsd
vds_wait_registered
V6=$(inv_index 4 "$C_VOL_NAME" p6)
V5=$(inv_index 4 "$C_VOL_NAME" p5)
VM=$(inv_index 4 "$C_VOL_NAME" m)
expect_eq "after restart: p6 p5 m types, m's plexes" "5 5 1 1" \
	"$(inv_value 4 "$C_VOL_TYPE" "$V6") $(inv_value 4 "$C_VOL_TYPE" "$V5") $(inv_value 4 "$C_VOL_TYPE" "$VM") $(inv_value 4 "$C_VOL_PLEXES" "$VM")"
expect_eq "after restart: raid5's devices" "${N[0]},${N[3]},${N[2]}" \
	"$(inv_value 5 "$C_PLEX_DEV" "$(inv_index 5 "$C_PLEX_VOL" "$V5")")"

# ---- damaged state: parity 3 is refused on load (the previous generation comes back)
vds_stop_vdsd
sed -i 's/parity=2/parity=3/' "$VDS_TMP/state/sim.state"
vds_start_vdsd
vds_wait_registered
grep -q "quarantined: volume p6: parity 3" "$VDS_VDSD_LOG" ||
	check_fail "vdsd did not refuse parity 3 in the damaged sim.state"
ls "$VDS_TMP"/state/sim.state.damaged-* >/dev/null 2>&1 || check_fail "the damaged sim.state was not set aside"
vds_stop_vdsd
note "jobs-plex took $(($(now_ms) - T0)) ms"
vds_finish
