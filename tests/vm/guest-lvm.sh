#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-lvm.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh): the lvm
# provider end to end through SNMP (private snmpd master + vdsd with
# "provider lvm"), on the guest's virtio disks /dev/vda and /dev/vdb, each
# job checked independently with lvs/vgs JSON, dmsetup status and e2fsck -fn:
# createVolume mirror (raid1) / simple / striped, shrinkVolume of a mirror
# holding ext4, extendVolume (the mounted mirror online, ext4 growing with
# it; a volume without a file system), breakVolumePlex (the data written to the mirror reads back
# the same from the new volume), deleteVolume, and the refusals/failures
# (too big: refused at SET; shrink of a mounted volume: IN_USE); format of
# a volume (ext4, then vfat over it with Force; blkid, e2fsck, fsck.vfat); a volume
# made and removed by hand shows in the tables without a job (rescan); clean
# of a disk of the volume group (/dev/vdc, added by hand).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"
. "$top_srcdir/tests/vm/guest-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
MIB=1048576
lvjson() { lvmq lvs --reportformat json --units b --nosuffix -o "$1" "$2" | jq -r ".report[0].lv[0].${1%%,*}"; }
MNT=/run/vds-mnt

guest_vg vg0 /dev/vda /dev/vdb
vds_start_master
vds_write_conf "discovery yes" "provider lvm" "allowDevice /dev/vda" "allowDevice /dev/vdb" \
	"allowDevice /dev/vdc"
vds_start_vdsd
# its first lvm scan can hold the start for seconds in a loaded TCG guest
vds_wait_registered 60000

PACK=$(inv_index 6 "$C_PACK_NAME" vg0) || fail "vg0 is not in the pack table"
note "vg0 = pack $PACK"
# the physical volumes show their pack in the disk table; other disks none;
# logical volumes are volumes, not disks
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE) C_DISK_PACK=$(mib_col VDS_DISK_PACK_INDEX)
disk_pack() { inv_value 2 "$C_DISK_PACK" "$(inv_index 2 "$C_DISK_DEVNODE" "$1")"; }
wait_for 5000 inv_index 2 "$C_DISK_DEVNODE" /dev/vdb >/dev/null || fail "/dev/vdb is not in the disk table"
expect_eq "disk /dev/vda: pack" "$PACK" "$(disk_pack /dev/vda)"
expect_eq "disk /dev/vdb: pack" "$PACK" "$(disk_pack /dev/vdb)"
expect_eq "disk /dev/vdc: no pack" 0 "$(disk_pack /dev/vdc)"

# run_job WHAT TYPE [COLUMN T V]...: start, follow; JOB_FINAL, H afterwards.
run_job() {
	job_run 300000 "${@:2}"
	note "$1: job $H ended with status $JOB_FINAL in $JOB_MS ms, percents seen: $JOB_PERCENTS"
}
outputs() { job_getn "$H" OutOffset OutPartition OutVolume OutReclaimedBytes OutVDisk OutObjectId; }
# The same work by hand, for the TIME lines (job_time), on volumes of vg0
# named h*: hm (a mirror as m0 is), hs (linear), hst (striped).
hand_mirror() { # create as the job does: the job ends when the mirror is in sync
	lvmq lvcreate -qy --type raid1 -m 1 -L 64m -n hm vg0 >/dev/null && wait_synced vg0/hm
}

# ---- createVolume mirror
run_job "createVolume mirror" 3 ParamPack u "$PACK" ParamVolumeType i 4 ParamSizeMiB u 64 \
	ParamName s m0
job_expect_ok "createVolume mirror"
read -r _ _ VM0 _ _ _ <<<"$(outputs)"
by_hand hand_mirror
job_time createVolume "mirror 64 MiB, initial sync (lvm)" "$JOB_MS" "$HAND" \
	"lvcreate --type raid1 -m 1, sync" "$H"
expect_eq "mirror: lvs segtype" raid1 "$(lvjson segtype vg0/m0)"
expect_eq "mirror: lvs size" $((64 * MIB)) "$(lvjson lv_size vg0/m0)"
expect_eq "mirror: lvs sync" 100.00 "$(lvjson sync_percent vg0/m0)"
expect_eq "mirror: dmsetup status (2 legs, both alive)" "raid1 2 AA" \
	"$(dmsetup status vg0-m0 | awk '{print $4, $5, $6}')"
expect_eq "mirror: vdsJobOutVolume is vg0/m0" "$(inv_index 4 "$C_VOL_NAME" vg0/m0)" "$VM0"
expect_eq "mirror: 2 plexes" 2 "$(inv_value 4 "$C_VOL_PLEXES" "$VM0")"
M0_DEV=$(readlink -f /dev/mapper/vg0-m0)
! inv_index 2 "$C_DISK_DEVNODE" "$M0_DEV" >/dev/null || check_fail "the logical volume $M0_DEV is in the disk table"

# ---- simple and striped
run_job "createVolume simple" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 16 \
	ParamName s s0
job_expect_ok "createVolume simple"
by_hand lvmq lvcreate -qy -L 16m -n hs vg0
job_time createVolume "simple 16 MiB (lvm)" "$JOB_MS" "$HAND" "lvcreate" "$H"
expect_eq "simple: lvs segtype" linear "$(lvjson segtype vg0/s0)"
run_job "createVolume striped" 3 ParamPack u "$PACK" ParamVolumeType i 3 ParamSizeMiB u 16 \
	ParamName s st0 ParamStripeKiB u 64
job_expect_ok "createVolume striped"
by_hand lvmq lvcreate -qy -i 2 -I 64k -L 16m -n hst vg0
job_time createVolume "striped 2x64 KiB 16 MiB (lvm)" "$JOB_MS" "$HAND" "lvcreate -i 2 -I 64k" "$H"
expect_eq "striped: lvs stripes, stripe size" "2 65536" \
	"$(lvjson stripes vg0/st0) $(lvjson stripe_size vg0/st0)"

# ---- format of a volume: ext4 with a label, read back by blkid, e2fsck and
# the model; over it again only with Force; vfat over it with Force
C_VOL_FS=$(mib_col VDS_VOL_FS_TYPE) C_VOL_LABEL=$(mib_col VDS_VOL_FS_LABEL)
C_VOL_UUID=$(mib_col VDS_VOL_FS_UUID)
VST0=$(inv_index 4 "$C_VOL_NAME" vg0/st0)
run_job "format ext4" 18 ParamVolume u "$VST0" ParamFsType s ext4 ParamName s lvdata
job_expect_ok "format ext4"
read -r _ _ vol _ _ _ <<<"$(outputs)"
expect_eq "format: output volume" "$VST0" "$vol"
expect_eq "format: blkid type, label" "ext4 lvdata" \
	"$(blkid -p -o value -s TYPE /dev/vg0/st0) $(blkid -p -o value -s LABEL /dev/vg0/st0)"
e2fsck -fn /dev/vg0/st0 >/dev/null 2>&1 || check_fail "e2fsck -fn after the format"
expect_eq "format: the model's file system, label, UUID" \
	"ext4 lvdata $(blkid -p -o value -s UUID /dev/vg0/st0)" \
	"$(inv_value 4 "$C_VOL_FS" "$VST0") $(inv_value 4 "$C_VOL_LABEL" "$VST0") $(inv_value 4 "$C_VOL_UUID" "$VST0")"
fmt_ms=$JOB_MS
by_hand mkfs.ext4 -F -q -L lvdata /dev/vg0/hst
job_time format "ext4 16 MiB striped volume (lvm)" "$fmt_ms" "$HAND" "mkfs.ext4" "$H"
h=$(job_handle)
expect_set_error "format over a file system without Force: refused at SET" inconsistentValue \
	"VDS-MIB::vdsJobRowStatus.$h" i 4 "VDS-MIB::vdsJobType.$h" i 18 \
	"VDS-MIB::vdsJobParamVolume.$h" u "$VST0" "VDS-MIB::vdsJobParamFsType.$h" s ext4
run_job "format vfat with Force" 18 ParamVolume u "$VST0" ParamFsType s vfat ParamName s LVX \
	ParamForce i 1
job_expect_ok "format vfat with Force"
expect_eq "format vfat: blkid type (the ext4 signature is gone)" vfat \
	"$(blkid -p -o value -s TYPE /dev/vg0/st0)"
fsck.vfat -n /dev/vg0/st0 >/dev/null 2>&1 || check_fail "fsck.vfat -n after the format"
expect_eq "format vfat: the model's file system, label" "vfat LVX" \
	"$(inv_value 4 "$C_VOL_FS" "$VST0") $(inv_value 4 "$C_VOL_LABEL" "$VST0")"

# ---- refused at SET: more than the free space (RFC 2579: inconsistentValue)
too_big() { # WHAT TYPE TARGET-COLUMN INDEX
	local h
	h=$(job_handle)
	expect_set_error "$1: 100000 MiB refused at SET" inconsistentValue \
		"VDS-MIB::vdsJobRowStatus.$h" i 4 "VDS-MIB::vdsJobType.$h" i "$2" \
		"VDS-MIB::vdsJob$3.$h" u "$4" "VDS-MIB::vdsJobParamSizeMiB.$h" u 100000
}
too_big createVolume 3 ParamPack "$PACK"

# ---- data on the mirror, shrink (mounted: IN_USE; then for real)
mkfs.ext4 -q -F /dev/vg0/m0 || fail "mkfs.ext4"
mkdir -p "$MNT"
mount /dev/vg0/m0 "$MNT" || fail "mount"
head -c $((8 * MIB)) /dev/urandom >"$MNT/data"
sum0=$(md5sum <"$MNT/data")
# hm as m0: ext4 holding the same data, unmounted
mkfs.ext4 -q -F /dev/vg0/hm && mkdir -p "$MNT.h" && mount /dev/vg0/hm "$MNT.h" &&
	cp "$MNT/data" "$MNT.h/" && umount "$MNT.h" || fail "ext4 and data on vg0/hm"
run_job "shrinkVolume mounted" 5 ParamVolume u "$VM0" ParamSizeMiB u 16
expect_eq "shrink of a mounted volume fails" "$ST_FAILED" "$JOB_FINAL"
expect_eq "shrink of a mounted volume: result IN_USE" 6 "$(job_get "$H" Result)"
expect_eq "mounted: size unchanged" $((64 * MIB)) "$(lvjson lv_size vg0/m0)"
umount "$MNT"
run_job "shrinkVolume" 5 ParamVolume u "$VM0" ParamSizeMiB u 16
job_expect_ok "shrinkVolume"
by_hand sh -c "e2fsck -f -p /dev/vg0/hm; resize2fs /dev/vg0/hm 48M &&
	lvm lvreduce --config '$LVMC' -qy -L 48m vg0/hm"
job_time shrinkVolume "mirror 64 -> 48 MiB, ext4 (lvm)" "$JOB_MS" "$HAND" \
	"e2fsck -f, resize2fs, lvreduce" "$H"
read -r _ _ _ recl _ _ <<<"$(outputs)"
expect_eq "shrink: reclaimed" $((16 * MIB)) "$recl"
expect_eq "shrink: lvs size" $((48 * MIB)) "$(lvjson lv_size vg0/m0)"
expect_eq "shrink: model size" $((48 * MIB)) "$(inv_value 4 "$C_VOL_SIZE" "$VM0")"
e2fsck -fn /dev/vg0/m0 >/dev/null 2>&1 || check_fail "e2fsck -fn after the shrink"

# ---- extend: the mounted mirror grows online with its ext4; a volume without a file system
fs_bytes() { dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Block count/ { n = $2 } /^Block size/ { b = $2 } END { print n * b }'; }
mount /dev/vg0/m0 "$MNT" || fail "mount for the extend"
run_job "extendVolume mounted mirror" 11 ParamVolume u "$VM0" ParamSizeMiB u 24
job_expect_ok "extendVolume mounted mirror"
mount /dev/vg0/hm "$MNT.h" || fail "mount vg0/hm"
by_hand sh -c "lvm lvextend --config '$LVMC' -qy -L +24m vg0/hm && resize2fs /dev/vg0/hm"
job_time extendVolume "mirror 48 -> 72 MiB, mounted ext4 (lvm)" "$JOB_MS" "$HAND" \
	"lvextend, resize2fs online" "$H"
umount "$MNT.h"
read -r _ _ vol _ _ _ <<<"$(outputs)"
expect_eq "extend: output volume" "$VM0" "$vol"
expect_eq "extend: lvs size" $((72 * MIB)) "$(lvjson lv_size vg0/m0)"
expect_eq "extend: still a 2-leg mirror in sync" "raid1 2 AA" \
	"$(dmsetup status vg0-m0 | awk '{print $4, $5, $6}')"
expect_eq "extend: model size" $((72 * MIB)) "$(inv_value 4 "$C_VOL_SIZE" "$VM0")"
expect_eq "extend: ext4 grew to the volume (dumpe2fs)" $((72 * MIB)) "$(fs_bytes /dev/vg0/m0)"
expect_eq "extend: data unchanged" "$sum0" "$(md5sum <"$MNT/data")"
umount "$MNT"
e2fsck -fn /dev/vg0/m0 >/dev/null 2>&1 || check_fail "e2fsck -fn after the extend"
VS0=$(inv_index 4 "$C_VOL_NAME" vg0/s0)
run_job "extendVolume simple" 11 ParamVolume u "$VS0" ParamSizeMiB u 6
job_expect_ok "extendVolume simple"
by_hand lvmq lvextend -qy -L +6m vg0/hs
job_time extendVolume "simple 16 -> 24 MiB, no fs (lvm)" "$JOB_MS" "$HAND" "lvextend" "$H"
expect_eq "extend simple: 16 MiB + 6 MiB rounded up to whole 4 MiB extents" $((24 * MIB)) \
	"$(lvjson lv_size vg0/s0)"
too_big extendVolume 11 ParamVolume "$VS0"

# ---- break plex 2 off the mirror
declare -A X=()
declare -a X_rows=()
inv_load X 5
PLEX2=
for i in "${X_rows[@]}"; do
	[ "${X[$C_PLEX_VOL.$i]}" = "$VM0" ] && [ "${X[$C_PLEX_NUMBER.$i]}" = 2 ] && PLEX2=$i
done
[ -n "$PLEX2" ] || fail "no plex 2 of volume $VM0"
run_job "breakVolumePlex" 6 ParamVolume u "$VM0" ParamPlex u "$PLEX2" ParamName s m0b
job_expect_ok "breakVolumePlex"
wait_synced vg0/hm || fail "vg0/hm is not in sync after its extend"
by_hand lvmq lvconvert -qy --splitmirrors 1 -n hmb vg0/hm
job_time breakVolumePlex "mirror 72 MiB, 2 legs (lvm)" "$JOB_MS" "$HAND" "lvconvert --splitmirrors 1" "$H"
read -r _ _ VNEW _ _ _ <<<"$(outputs)"
expect_eq "break: output is vg0/m0b" "$(inv_index 4 "$C_VOL_NAME" vg0/m0b)" "$VNEW"
expect_eq "break: m0 is linear now" linear "$(lvjson segtype vg0/m0)"
expect_eq "break: m0 has 1 plex" 1 "$(inv_value 4 "$C_VOL_PLEXES" "$VM0")"
expect_eq "break: dmsetup targets of m0b (two segments after the extend)" linear \
	"$(dmsetup status vg0-m0b | awk '{print $3}' | sort -u)"
e2fsck -fn /dev/vg0/m0b >/dev/null 2>&1 || check_fail "e2fsck -fn of the broken-off plex"
mount -o ro /dev/vg0/m0b "$MNT" || fail "mount m0b"
expect_eq "break: data reads back the same from the new volume" "$sum0" "$(md5sum <"$MNT/data")"
umount "$MNT"

# ---- deleteVolume
run_job "deleteVolume" 4 ParamVolume u "$VNEW"
job_expect_ok "deleteVolume"
by_hand lvmq lvremove -qy vg0/hmb
job_time deleteVolume "linear 72 MiB, 2 segments (lvm)" "$JOB_MS" "$HAND" "lvremove" "$H"
lvmq lvremove -qy vg0/hm vg0/hs vg0/hst >/dev/null || fail "lvremove of the volumes made by hand"
lvmq lvs vg0/m0b >/dev/null 2>&1 && check_fail "m0b still exists after deleteVolume"
expect_eq "delete: row gone" "" "$(inv_value 4 "$C_VOL_NAME" "$VNEW")"
expect_eq "vgs: lv_count" 3 "$(lvmq vgs --reportformat json -o lv_count vg0 |
	jq -r '.report[0].vg[0].lv_count')"

# ---- extend of xfs (mounted: xfs_growfs at its mount point) and btrfs (not
# mounted: on vdsd's own mount under /run/vdsd), each volume made and
# formatted by jobs, the same by hand on hx0/hb0
new_fs_volume() { # NAME MIB FS: createVolume simple + format; VOL its index
	run_job "createVolume $1" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u "$2" \
		ParamName s "$1"
	job_expect_ok "createVolume $1"
	read -r _ _ VOL _ _ _ <<<"$(outputs)"
	run_job "format $1 $3" 18 ParamVolume u "$VOL" ParamFsType s "$3"
	job_expect_ok "format $1 $3"
	lvmq lvcreate -qy -L "${2}m" -n "h$1" vg0 >/dev/null && "mkfs.$3" -q -f "/dev/vg0/h$1" >/dev/null ||
		fail "h$1 by hand"
}
drop_by_hand() { # NAME: lvremove vg0/NAME, and wait until the pack's free space is LVM's (a rescan)
	lvmq lvremove -qy "vg0/$1" >/dev/null || fail "lvremove vg0/$1"
	wait_for 120000 free_is_lvms || fail "vg0's free space in the pack table is not LVM's after vg0/$1 went"
}
free_is_lvms() {
	[ "$(inv_value 6 "$C_PACK_FREE" "$PACK")" = "$(lvmq vgs --reportformat json --units b --nosuffix \
		-o vg_free vg0 | jq -r '.report[0].vg[0].vg_free')" ]
}
if command -v mkfs.xfs >/dev/null && grep -qw xfs /proc/filesystems; then
	new_fs_volume x0 300 xfs
	mount /dev/vg0/x0 "$MNT" && head -c 8M /dev/urandom >"$MNT/data" || fail "data on vg0/x0"
	sumx=$(md5sum <"$MNT/data")
	run_job "extendVolume mounted xfs" 11 ParamVolume u "$VOL" ParamSizeMiB u 32
	job_expect_ok "extendVolume mounted xfs"
	mount /dev/vg0/hx0 "$MNT.h" || fail "mount vg0/hx0"
	by_hand sh -c "lvm lvextend --config '$LVMC' -qy -L +32m vg0/hx0 && xfs_growfs -d $MNT.h"
	umount "$MNT.h"
	job_time extendVolume "linear 300 -> 332 MiB, mounted xfs (lvm)" "$JOB_MS" "$HAND" \
		"lvextend, xfs_growfs" "$H"
	expect_eq "xfs extend: data unchanged" "$sumx" "$(md5sum <"$MNT/data")"
	umount "$MNT"
	expect_eq "xfs extend: lvs size" $((332 * MIB)) "$(lvjson lv_size vg0/x0)"
	expect_eq "xfs extend: xfs fills the volume (xfs_db)" $((332 * MIB)) \
		"$(xfs_db -r -c 'sb 0' -c 'p dblocks' -c 'p blocksize' /dev/vg0/x0 | awk '{ v[NR] = $3 } END { print v[1] * v[2] }')"
	xfs_repair -n /dev/vg0/x0 >/dev/null 2>&1 || check_fail "xfs_repair -n vg0/x0 after the extend"
	run_job "deleteVolume x0" 4 ParamVolume u "$VOL"
	drop_by_hand hx0
else
	note "xfs on lvm: no mkfs.xfs or no xfs module: not run"
fi
if command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems; then
	new_fs_volume b0 256 btrfs
	run_job "extendVolume btrfs, not mounted" 11 ParamVolume u "$VOL" ParamSizeMiB u 32
	job_expect_ok "extendVolume btrfs, not mounted"
	by_hand sh -c "lvm lvextend --config '$LVMC' -qy -L +32m vg0/hb0 && mount /dev/vg0/hb0 $MNT.h &&
		btrfs filesystem resize max $MNT.h && umount $MNT.h"
	job_time extendVolume "linear 256 -> 288 MiB, btrfs (lvm)" "$JOB_MS" "$HAND" \
		"lvextend, mount, btrfs resize" "$H"
	expect_eq "btrfs extend: btrfs fills the volume (dump-super)" $((288 * MIB)) \
		"$(btrfs inspect-internal dump-super /dev/vg0/b0 | awk '$1 == "dev_item.total_bytes" { print $2 }')"
	btrfs check --readonly /dev/vg0/b0 >/dev/null 2>&1 || check_fail "btrfs check vg0/b0 after the extend"
	grep -q ' /run/vdsd/fs' /proc/mounts && check_fail "vdsd left its btrfs mount behind"
	run_job "deleteVolume b0" 4 ParamVolume u "$VOL"
	drop_by_hand hb0
else
	note "btrfs on lvm: no mkfs.btrfs or no btrfs module: not run"
fi

# ---- changed outside vdsd: an administrator's lvcreate and lvremove show
# in the tables without a job (a rescan after their uevents, agent/rescan.h),
# and vg0's free space follows
free0=$(inv_value 6 "$C_PACK_FREE" "$PACK")
lvmq lvcreate -q -y -n byhand -L 8m vg0 >/dev/null || fail "lvcreate by hand"
wait_for 120000 inv_index 4 "$C_VOL_NAME" vg0/byhand >/dev/null ||
	fail "a volume made by hand is not in the volume table after 2 min"
VH=$(inv_index 4 "$C_VOL_NAME" vg0/byhand)
expect_eq "made by hand: size in the model" $((8 * MIB)) "$(inv_value 4 "$C_VOL_SIZE" "$VH")"
expect_eq "made by hand: pack free space" $((free0 - 8 * MIB)) \
	"$(inv_value 6 "$C_PACK_FREE" "$PACK")"
grep -q 'changed outside vdsd' "$VDS_VDSD_LOG" || check_fail "vdsd did not log the change"
lvmq lvremove -q -y vg0/byhand >/dev/null || fail "lvremove by hand"
gone() { [ -z "$(inv_index 4 "$C_VOL_NAME" vg0/byhand)" ]; }
wait_for 120000 gone || check_fail "a volume removed by hand is still in the volume table after 2 min"
expect_eq "removed by hand: pack free space" "$free0" "$(inv_value 6 "$C_PACK_FREE" "$PACK")"

# ---- clean of a disk in a volume group: /dev/vdc added to vg0 by hand
# shows in its pack (rescan); clean of /dev/vda (it holds volumes) is
# refused at SET; clean of /dev/vdc takes it out of vg0 (vgreduce,
# pvremove) and wipes it: no PV, no signature, no pack in the disk table
lvmq vgextend -q vg0 /dev/vdc >/dev/null || fail "vgextend by hand"
vdc_in_vg0() { [ "$(disk_pack /dev/vdc)" = "$PACK" ]; }
wait_for 120000 vdc_in_vg0 || fail "/dev/vdc added to vg0 by hand is not in its pack after 2 min"
D_VDA=$(inv_index 2 "$C_DISK_DEVNODE" /dev/vda) D_VDC=$(inv_index 2 "$C_DISK_DEVNODE" /dev/vdc)
h=$(job_handle)
expect_set_error "clean of a disk holding volumes: refused at SET" inconsistentValue \
	"VDS-MIB::vdsJobRowStatus.$h" i 4 "VDS-MIB::vdsJobType.$h" i 17 \
	"VDS-MIB::vdsJobParamDisk.$h" u "$D_VDA"
run_job "clean of an empty disk of vg0" 17 ParamDisk u "$D_VDC"
job_expect_ok "clean of an empty disk of vg0"
lvmq pvs /dev/vdc >/dev/null 2>&1 && check_fail "/dev/vdc is still a physical volume after the clean"
expect_eq "clean: no signature left (blkid -p)" "" "$(blkid -p -o value -s TYPE /dev/vdc)"
expect_eq "clean: vg0's disks (vgs pv_count)" 2 \
	"$(lvmq vgs --reportformat json -o pv_count vg0 | jq -r '.report[0].vg[0].pv_count')"
expect_eq "clean: /dev/vdc in no pack in the disk table" 0 "$(disk_pack /dev/vdc)"

vds_stop_vdsd
vds_finish
