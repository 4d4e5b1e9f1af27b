#!/bin/bash
# SPDX-License-Identifier: ISC
# vdisk-e2e.sh - the vdisk provider end to end through snmpset alone: create
# a fixed raw vdisk under a vdiskRoot, refusals of a path outside the roots
# and of an existing file, attach it (the loop device shows up as a disk
# row through udev discovery, linked by vdsVDiskDiskIndex), detach, delete.
# Checked independently with losetup and stat; prints the attach-to-row time.
# When vdsd has the basic provider, the attached vdisk is also partitioned
# and its volume shrunk through SNMP (the ext4 inside is made by hand first:
# no job type formats).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_root
vds_require_vdsd
vds_require_cmd losetup stat
MIB=1048576
C_VD_DEVNODE=$(mib_col VDS_VDISK_DEVNODE)
C_VD_PROVIDER=$(mib_col VDS_VDISK_PROVIDER)
C_VD_TYPE=$(mib_col VDS_VDISK_TYPE)
C_VD_ALLOC=$(mib_col VDS_VDISK_ALLOCATED_SIZE)
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE)
C_DISK_SIZE=$(mib_col VDS_DISK_SIZE)
ROOT=$VDS_TMP/images
IMG=$ROOT/e2e.img
mkdir -p "$ROOT"

vds_start_trapd
vds_start_master
HAVE_BASIC=0
grep -q '^#define ENABLE_BASIC 1' "$top_builddir/config.h" 2>/dev/null && HAVE_BASIC=1
if [ "$HAVE_BASIC" = 1 ]; then
	# basic may write the loop devices; the test names only its own disk
	vds_write_conf "provider vdisk" "vdiskRoot $ROOT" "provider basic" "allowDevice /dev/loop*"
else
	vds_write_conf "provider vdisk" "vdiskRoot $ROOT"
fi
vds_start_vdsd
vds_wait_registered

# vd_job WHAT TYPE [COLUMN T V]...: start, wait, expect success by provider
# $VD_PROV (vdisk unless set); H = handle.
vd_job() {
	local what=$1 st
	shift
	H=$(job_handle)
	job_start "$H" "$@"
	st=$(job_wait "$H" 30000)
	if [ "$st" != "$ST_SUCCEEDED" ]; then
		check_fail "$what: job $H ended $st: $(job_getn "$H" Result ErrorName ErrorMessage)"
		return 1
	fi
	expect_eq "$what: provider" "${VD_PROV:-vdisk}" "$(job_get "$H" Provider)"
}

# ---------------------------------------------------------------- create
T=$(vds_trap_count)
vd_job "createVDisk" 7 ParamPath s "$IMG" ParamSizeMiB u 64 ParamVDiskType i 1 ||
	fail "createVDisk failed"
VD=$(job_get "$H" OutVDisk)
declare -A D=()
inv_load D 7
expect_eq "createVDisk: row of OutVDisk" "$IMG" "${D[$C_VD_PATH.$VD]:-}"
expect_eq "createVDisk: size, attached, type, provider" "$((64 * MIB)) 2 1 vdisk" \
	"${D[$C_VD_SIZE.$VD]:-} ${D[$C_VD_ATTACHED.$VD]:-} ${D[$C_VD_TYPE.$VD]:-} ${D[$C_VD_PROVIDER.$VD]:-}"
expect_eq "createVDisk: allocated size is what stat says" \
	"$(($(stat -c '%b*%B' "$IMG")))" "${D[$C_VD_ALLOC.$VD]:-}"
vds_wait_trap 60000 "$T" "$VDS_NOTIF.8" "$IMG" || check_fail "no vdsVDiskArrived for $IMG"

# ---------------------------------------------------------------- refusals (SET time)
H=$(job_handle)
expect_set_error "createVDisk outside the roots" inconsistentValue \
	"VDS-MIB::vdsJobRowStatus.$H" i 4 "VDS-MIB::vdsJobType.$H" i 7 \
	"VDS-MIB::vdsJobParamPath.$H" s "$VDS_TMP/outside.img" "VDS-MIB::vdsJobParamSizeMiB.$H" u 1
expect_set_error "createVDisk on an existing file" inconsistentValue \
	"VDS-MIB::vdsJobRowStatus.$H" i 4 "VDS-MIB::vdsJobType.$H" i 7 \
	"VDS-MIB::vdsJobParamPath.$H" s "$IMG" "VDS-MIB::vdsJobParamSizeMiB.$H" u 1
[ -e "$VDS_TMP/outside.img" ] && check_fail "a refused create left $VDS_TMP/outside.img"

# A GPT with one 24 MiB ext4 partition, written into the image by hand.
if [ "$HAVE_BASIC" = 1 ]; then
	printf 'label: gpt\nsize=24MiB, type=linux\n' | sfdisk -q "$IMG" >/dev/null || fail "sfdisk $IMG"
	START=$(sfdisk --json "$IMG" | jq '.partitiontable.partitions[0].start')
	mkfs.ext4 -q -F -E offset=$((START * 512)) "$IMG" 24576k >/dev/null 2>&1 || fail "mkfs.ext4"
fi

# ---------------------------------------------------------------- attach
disk_row_of() { # VD: the disk row the vdisk names exists, with its devnode
	local -A V=() K=()
	local -a V_rows=() K_rows=()
	vds_load V 7 || return 1
	[ "${V[$C_VD_ATTACHED.$1]:-}" = 1 ] || return 1
	DISK=${V[$C_VD_DISK.$1]:-0}
	DEV=${V[$C_VD_DEVNODE.$1]:-}
	[ "$DISK" -gt 0 ] || return 1
	vds_load K 2 || return 1
	[ "${K[$C_DISK_DEVNODE.$DISK]:-}" = "$DEV" ]
}
T0=$(now_ms)
TA=$(vds_trap_count)
vd_job "attachVDisk" 8 ParamVDisk u "$VD" || fail "attachVDisk failed"
T_JOB=$(($(now_ms) - T0))
wait_for 60000 disk_row_of "$VD" || fail "no disk row for the attached vdisk within 60 s"
T_ROW=$(($(now_ms) - T0))
VDS_LOOPS+=("$DEV|$IMG") # the harness detaches it if the test fails before detach
note "attach: job done in $T_JOB ms, disk row $DISK ($DEV) in the table after $T_ROW ms"
printf 'vdisk-e2e: attach-to-table-row %d ms (job %d ms)\n' "$T_ROW" "$T_JOB"
expect_eq "losetup: backing file of $DEV" "$IMG" "$(losetup -n -O BACK-FILE "$DEV" | sed 's/ *$//')"
expect_eq "disk size" "$((64 * MIB))" "$(inv_value 2 "$C_DISK_SIZE" "$DISK")"
# As in VDS, attaching surfaces a disk (vdsDiskArrived); the virtual disk
# itself does not arrive again (vdsVDiskArrived is for its row).
vds_wait_trap 60000 "$TA" "$VDS_NOTIF.1" "= STRING: $DEV" || check_fail "no vdsDiskArrived for $DEV"
DISK_A=$DISK DEV_A=$DEV # disk_row_of below sets DISK and DEV for other vdisks
vds_trap_find "$TA" "$VDS_NOTIF.8" >/dev/null && check_fail "vdsVDiskArrived sent by the attach"

# ---------------------------------------------------------------- basic: partition, shrink
C_VOL_DISK=$(mib_col VDS_VOL_DISK_INDEX)
C_VOL_FS=$(mib_col VDS_VOL_FS_TYPE)
vol_there() { VOL=$(inv_index 4 "$C_VOL_DISK" "$DISK") && [ -n "$VOL" ]; }
if [ "$HAVE_BASIC" = 1 ]; then
	wait_for 60000 vol_there || fail "no volume row for the ext4 on disk $DISK"
	expect_eq "volume $VOL file system" ext4 "$(inv_value 4 "$C_VOL_FS" "$VOL")"
	VD_PROV=basic vd_job "createPartition on the vdisk (basic)" 1 ParamDisk u "$DISK" \
		ParamSizeMiB u 8
	P2=$(job_get "$H" OutPartition)
	[ "${P2:-0}" -gt 0 ] || check_fail "createPartition: no OutPartition"
	VD_PROV=basic vd_job "shrinkVolume on the vdisk (basic)" 5 ParamVolume u "$VOL" ParamSizeMiB u 8
	expect_eq "shrinkVolume: reclaimed" $((8 * MIB)) "$(job_get "$H" OutReclaimedBytes)"
	# independently: the label on the loop device
	expect_eq "sfdisk: partition 1 is 16 MiB, 2 partitions" "$((16 * 2048)) 2" \
		"$(sfdisk --json "$DEV" | jq -r '.partitiontable.partitions |
			"\(.[0].size) \(length)"')"
fi

# ---------------------------------------------------------------- vdsJobParamInitLabel
# createVDisk with an initial label: the attached disk has that partition
# table, as sfdisk reads it on the loop device (a VHD's footer is no sector
# of the disk: the GPT's backup header sits at the end of the data).
# label_case FILE LABEL(2 gpt, 3 mbr) WANT(sfdisk's name) [COLUMN T V]...
label_case() {
	local img=$1 label=$2 want=$3 vd disk dev got
	shift 3
	vd_job "createVDisk $img label $want" 7 ParamPath s "$img" ParamSizeMiB u 16 \
		ParamInitLabel i "$label" "$@" || return 1
	vd=$(job_get "$H" OutVDisk)
	vd_job "attachVDisk $img" 8 ParamVDisk u "$vd" || return 1
	wait_for 60000 disk_row_of "$vd" || fail "no disk row for vdisk $img within 60 s"
	disk=$DISK dev=$DEV
	VDS_LOOPS+=("$dev|$img")
	got=$(sfdisk --json "$dev" 2>/dev/null | jq -r '.partitiontable.label') || got="(no table)"
	expect_eq "createVDisk label $want: sfdisk on $dev" "$want" "$got" &&
		note "createVDisk $img with label $want: sfdisk reads a $got label on $dev"
	if [ "$want" = gpt ] && ! sfdisk --verify "$dev" >/dev/null 2>&1; then
		check_fail "sfdisk --verify $dev: $(sfdisk --verify "$dev" 2>&1 | head -n2)"
	fi
	vd_job "detachVDisk $img" 9 ParamVDisk u "$vd" || return 1
	gone_disk() { [ -z "$(inv_value 2 "$C_DISK_DEVNODE" "$disk")" ]; }
	wait_for 60000 gone_disk || check_fail "disk row $disk still there after detach"
	vd_job "deleteVDisk $img" 10 ParamVDisk u "$vd"
}
if [ "$HAVE_BASIC" = 1 ]; then
	vds_require_cmd sfdisk jq
	label_case "$ROOT/gpt.img" 2 gpt ParamVDiskType i 1
	label_case "$ROOT/mbr.vhd" 3 dos ParamVDiskType i 1 ParamVDiskFormat i 2
	label_case "$ROOT/gpt.vhd" 2 gpt ParamVDiskType i 1 ParamVDiskFormat i 2
else
	H=$(job_handle)
	expect_set_error "createVDisk with a label, built without libfdisk" inconsistentValue \
		"VDS-MIB::vdsJobRowStatus.$H" i 4 "VDS-MIB::vdsJobType.$H" i 7 \
		"VDS-MIB::vdsJobParamPath.$H" s "$ROOT/l.img" "VDS-MIB::vdsJobParamSizeMiB.$H" u 16 \
		"VDS-MIB::vdsJobParamInitLabel.$H" i 2
fi

# ---------------------------------------------------------------- detach, delete
TD=$(vds_trap_count)
vd_job "detachVDisk" 9 ParamVDisk u "$VD" || fail "detachVDisk failed"
expect_eq "detachVDisk: attached" 2 "$(inv_value 7 "$C_VD_ATTACHED" "$VD")"
expect_eq "detachVDisk: no loop device for $IMG" "" \
	"$(losetup -n -l -O NAME,BACK-FILE | awk -v f="$IMG" '$2 == f')"
gone() { [ -z "$(inv_value 2 "$C_DISK_DEVNODE" "$DISK_A")" ]; }
wait_for 60000 gone || check_fail "disk row $DISK_A still there after detach"
vds_wait_trap 60000 "$TD" "$VDS_NOTIF.2" "= STRING: $DEV_A" || check_fail "no vdsDiskRemoved for $DEV_A"
vds_trap_find "$TD" "$VDS_NOTIF.9" >/dev/null && check_fail "vdsVDiskRemoved sent by the detach"
T=$(vds_trap_count)
vd_job "deleteVDisk" 10 ParamVDisk u "$VD" || fail "deleteVDisk failed"
expect_eq "deleteVDisk: row gone" "" "$(inv_value 7 "$C_VD_PATH" "$VD")"
[ -e "$IMG" ] && check_fail "deleteVDisk left $IMG"
vds_wait_trap 60000 "$T" "$VDS_NOTIF.9" || check_fail "no vdsVDiskRemoved"
grep -q "detached outside vdsd" "$VDS_VDSD_LOG" && check_fail "vdsd took its own detach for a foreign one"
vds_stop_vdsd
vds_finish
