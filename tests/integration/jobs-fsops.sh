#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-fsops.sh - clean(17) and format(18) on the sim provider through
# snmpd and vdsd: the refusals at SET time (inconsistentValue with the
# reason in vdsLastRefusal: partitions or a pack without Force, a pack disk
# whose volumes live on it even with Force, mounted, an existing file
# system without Force, too small for xfs, a label too long, a bad
# allocation unit, missing parameters; wrongLength/wrongValue for the
# columns themselves), a full clean held at its "zeroing blocks" phase (a
# sim gate), then the model: no partition table, no partitions, out of its
# pack; a partition formatted becomes a volume with the file system's type,
# label and a UUID (vdsJobOutVolume is its row); an xfs volume grows with
# extendVolume and does not shrink (VDS_E_CANNOT_SHRINK); all of it as
# before after vdsd restarts (sim.state).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
T0=$(now_ms)

vds_start_trapd
vds_start_master
VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-300} vds_write_conf "discovery no"
vds_start_vdsd
vds_wait_registered

C_DISK_STYLE=$(mib_col VDS_DISK_PARTITION_STYLE)
C_DISK_NPARTS=$(mib_col VDS_DISK_PARTITION_COUNT)
C_DISK_PACK=$(mib_col VDS_DISK_PACK_INDEX)
C_PART_VOL=$(mib_col VDS_PART_VOLUME_INDEX)
C_PART_FS=$(mib_col VDS_PART_FS_TYPE)
C_VOL_FS=$(mib_col VDS_VOL_FS_TYPE)
C_VOL_LABEL=$(mib_col VDS_VOL_FS_LABEL)
C_VOL_UUID=$(mib_col VDS_VOL_FS_UUID)
C_PACK_DISKS=$(mib_col VDS_PACK_DISK_COUNT)

D_SIM0=$(inv_index 2 "$C_DISK_NAME" sim0) || fail "no sim0 disk"
D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
D_SIM2=$(inv_index 2 "$C_DISK_NAME" sim2) || fail "no sim2 disk"
D_SIM4=$(inv_index 2 "$C_DISK_NAME" sim4) || fail "no sim4 disk"
V_MIRROR=$(inv_index 4 "$C_VOL_NAME" mirror0) || fail "no mirror0 volume"
V_STRIPE=$(inv_index 4 "$C_VOL_NAME" stripe0) || fail "no stripe0 volume"
PACK0=$(inv_index 6 "$C_PACK_NAME" pack0) || fail "no pack0"
declare -A P=()
declare -a P_rows=()
inv_load P 3
P_EFI=
for k in "${P_rows[@]}"; do
	[ "${P[$C_PART_DISK.$k]}" = "$D_SIM0" ] && [ "${P[$C_PART_FS.$k]}" = vfat ] && P_EFI=$k
done
[ -n "$P_EFI" ] || fail "no vfat partition on sim0"

# refused WHAT ERROR REASON-PART TYPE COLUMN T V...: job_refused, the reason noted.
refused() { job_refused "$@" && note "$1: $REFUSAL_REASON"; }

# run_ok WHAT TYPE [COLUMN T V]...: the job succeeds; H its handle.
run_ok() {
	job_run_ok "$1" 60000 "${@:2}" || return 1
	note "$1: job $H succeeded in $JOB_MS ms, percent $JOB_PERCENTS"
	job_trap "$H" 60000
}

# ----------------------------------------------------------------- refusals
refused "clean without a disk" inconsistentValue "missing parameter: vdsJobParamDisk" 17
refused "format without a file system" inconsistentValue "missing parameter: vdsJobParamFsType" \
	18 ParamVolume u "$V_MIRROR"
refused "format without a volume" inconsistentValue \
	"missing parameter: vdsJobParamVolume or vdsJobParamPartition" 18 ParamFsType s ext4
refused "clean of a disk with partitions, no Force" inconsistentValue "vdsJobParamForce" \
	17 ParamDisk u "$D_SIM1"
refused "clean of a pack member, no Force" inconsistentValue "holds volumes of pack" \
	17 ParamDisk u "$D_SIM2"
refused "clean of a pack member with volumes, Force" inconsistentValue "Force does not apply" \
	17 ParamDisk u "$D_SIM2" ParamForce i 1
refused "clean of a disk with a mounted file system" inconsistentValue "mounted" \
	17 ParamDisk u "$D_SIM0" ParamForce i 1
refused "format of a mounted partition" inconsistentValue "mounted" \
	18 ParamPartition u "$P_EFI" ParamFsType s ext4 ParamForce i 1
refused "format over ext4, no Force" inconsistentValue "holds a ext4 file system" \
	18 ParamVolume u "$V_MIRROR" ParamFsType s xfs
refused "format as ntfs" inconsistentValue "not one of" \
	18 ParamVolume u "$V_MIRROR" ParamFsType s ntfs ParamForce i 1
refused "vfat label of 12 bytes" inconsistentValue "at most 11 bytes" \
	18 ParamVolume u "$V_MIRROR" ParamFsType s vfat ParamName s ABCDEFGHIJKL ParamForce i 1
refused "allocation unit 3000" inconsistentValue "power of two" \
	18 ParamVolume u "$V_MIRROR" ParamFsType s ext4 ParamAllocUnit u 3000 ParamForce i 1
refused "vdsJobParamFsType of 16 bytes" wrongLength "" \
	18 ParamVolume u "$V_MIRROR" ParamFsType s 0123456789abcdef
refused "vdsJobParamAllocUnit past 64 MiB" wrongValue "" \
	18 ParamVolume u "$V_MIRROR" ParamFsType s ext4 ParamAllocUnit u 67108865

# ------------------------------------------------------- format a partition
run_ok "createPartition of 200 MiB on sim4 (gpt)" 1 ParamDisk u "$D_SIM4" ParamSizeMiB u 200 \
	ParamInitLabel i 2
PART=$(job_get "$H" OutPartition)
expect_eq "the new partition has no volume" "0" "$(inv_value 3 "$C_PART_VOL" "$PART")"
refused "xfs on 200 MiB" inconsistentValue "xfs needs at least 300 MiB" \
	18 ParamPartition u "$PART" ParamFsType s xfs
run_ok "format the partition ext4" 18 ParamPartition u "$PART" ParamFsType s ext4 \
	ParamName s fsdata ParamAllocUnit u 4096
VOL=$(job_get "$H" OutVolume)
[ "${VOL:-0}" -gt 0 ] 2>/dev/null || check_fail "format: vdsJobOutVolume is \"$VOL\""
expect_eq "the partition's volume is vdsJobOutVolume" "$VOL" "$(inv_value 3 "$C_PART_VOL" "$PART")"
declare -A V=()
declare -a V_rows=()
inv_load V 4
expect_eq "formatted volume: type and label" "ext4 fsdata" "${V[$C_VOL_FS.$VOL]:-} ${V[$C_VOL_LABEL.$VOL]:-}"
UUID=${V[$C_VOL_UUID.$VOL]:-}
[[ $UUID =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
	check_fail "formatted volume: UUID \"$UUID\""
expect_eq "formatted volume: object id = vdsJobOutObjectId" "${V[$C_VOL_OBJID.$VOL]:-}" \
	"$(job_get "$H" OutObjectId)"
refused "format again without Force" inconsistentValue "holds a ext4 file system" \
	18 ParamVolume u "$VOL" ParamFsType s vfat
run_ok "format it again as vfat, Force" 18 ParamVolume u "$VOL" ParamFsType s vfat \
	ParamName s NEWFAT ParamForce i 1
expect_eq "reformatted: vdsJobOutVolume" "$VOL" "$(job_get "$H" OutVolume)"
inv_load V 4
expect_eq "reformatted volume: type and label" "vfat NEWFAT" "${V[$C_VOL_FS.$VOL]:-} ${V[$C_VOL_LABEL.$VOL]:-}"
[[ ${V[$C_VOL_UUID.$VOL]:-} =~ ^[0-9A-F]{4}-[0-9A-F]{4}$ ]] ||
	check_fail "vfat UUID \"${V[$C_VOL_UUID.$VOL]:-}\""

# ------------------------------------------- format a pack volume: xfs grows
run_ok "format mirror0 as xfs, Force" 18 ParamVolume u "$V_MIRROR" ParamFsType s xfs \
	ParamName s m0 ParamForce i 1
expect_eq "mirror0: type and label" "xfs m0" \
	"$(inv_value 4 "$C_VOL_FS" "$V_MIRROR") $(inv_value 4 "$C_VOL_LABEL" "$V_MIRROR")"
SIZE0=$(inv_value 4 "$C_VOL_SIZE" "$V_STRIPE")
run_ok "extend the xfs stripe0 by 1 GiB" 11 ParamVolume u "$V_STRIPE" ParamSizeMiB u 1024
expect_eq "stripe0 grew" $((SIZE0 + 1073741824)) "$(inv_value 4 "$C_VOL_SIZE" "$V_STRIPE")"
refused "shrink of xfs" inconsistentValue "cannot shrink" 5 ParamVolume u "$V_STRIPE" \
	ParamSizeMiB u 64

# ------------------------------------------------------------ clean, held
H=$(job_handle)
vds_hold "$H-2"
job_start "$H" 17 ParamDisk u "$D_SIM1" ParamForce i 1 ParamFullClean i 1
vds_wait_reached "$H" 2
expect_eq "full clean held at its third phase: details" "zeroing blocks" "$(job_get "$H" Details)"
vds_release "$H-2"
expect_eq "full clean of sim1" "$ST_SUCCEEDED" "$(job_wait "$H" 60000)"
declare -A D=()
declare -a D_rows=()
inv_load D 2
expect_eq "sim1 after clean: style none(2), no partitions" "2 0" \
	"${D[$C_DISK_STYLE.$D_SIM1]:-} ${D[$C_DISK_NPARTS.$D_SIM1]:-}"

# a pack member whose pack holds no volume on it: Force takes it out
run_ok "delete stripe0" 4 ParamVolume u "$V_STRIPE"
run_ok "delete mirror0" 4 ParamVolume u "$V_MIRROR"
run_ok "clean of sim2, Force" 17 ParamDisk u "$D_SIM2" ParamForce i 1
expect_eq "sim2 left pack0" "0" "$(inv_value 2 "$C_DISK_PACK" "$D_SIM2")"
expect_eq "pack0 holds one disk" "1" "$(inv_value 6 "$C_PACK_DISKS" "$PACK0")"

# ---------------------------------------------------------- after a restart
vds_restart_vdsd
vds_wait_registered
inv_load D 2
inv_load V 4
expect_eq "restart: sim1 still clean" "2 0" \
	"${D[$C_DISK_STYLE.$D_SIM1]:-} ${D[$C_DISK_NPARTS.$D_SIM1]:-}"
expect_eq "restart: sim2 in no pack" "0" "${D[$C_DISK_PACK.$D_SIM2]:-}"
expect_eq "restart: the formatted volume" "vfat NEWFAT" \
	"${V[$C_VOL_FS.$VOL]:-} ${V[$C_VOL_LABEL.$VOL]:-}"

# ------------------------------------------------------------------- vdsctl
VDSCTL=$top_builddir/vdsctl
if [ -x "$VDSCTL" ]; then
	VC=("$VDSCTL" -v2c -c private -t 5 -r 1 "127.0.0.1:$VDS_MASTER_PORT")
	expect_run "vdsctl format without --fs" 3 "needs --fs" "${VC[@]}" format "$VOL" --yes
	expect_run "vdsctl format over vfat, no --force" 4 "vdsJobParamForce" \
		"${VC[@]}" format "$VOL" --fs ext3 --label viactl --yes --wait
	expect_run "vdsctl format --force" 0 "succeeded" \
		"${VC[@]}" format "$VOL" --fs ext3 --label viactl --unit 4K --force --yes --wait
	expect_eq "vdsctl format: the volume row" "ext3 viactl" \
		"$(inv_value 4 "$C_VOL_FS" "$VOL") $(inv_value 4 "$C_VOL_LABEL" "$VOL")"
	expect_run "vdsctl clean, no --force" 4 "vdsJobParamForce" \
		"${VC[@]}" clean sim4 --yes --wait
	expect_run "vdsctl clean --force --full" 0 "succeeded" \
		"${VC[@]}" clean sim4 --force --full --yes --wait
	expect_eq "vdsctl clean: sim4 has no table, no partition" "2 0" \
		"$(inv_value 2 "$C_DISK_STYLE" "$D_SIM4") $(inv_value 2 "$C_DISK_NPARTS" "$D_SIM4")"
else
	check_fail "$VDSCTL not built"
fi
vds_stop_vdsd
note "jobs-fsops took $(($(now_ms) - T0)) ms"
vds_finish
