#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-fsops.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh): the
# basic provider's createPartition, format, extendVolume, deleteVolume,
# deletePartition and clean through SNMP
# on /dev/vdc, a real disk with kernel partition devices, each checked with
# independent tools: blkid -p, e2fsck -fn, fsck.vfat -n, dumpe2fs, sfdisk
# --json, wipefs -n, cmp against /dev/zero; data written before the extend
# (mounted, sha256sum) read back after it.  The same tools run by hand on
# the same sizes on /dev/vdd, and both times are printed (job_time: "TIME ...").
# xfs (300 MiB at least for mkfs.xfs) when the disks hold it (the lane's are
# 512 MiB): format, shrink refused, extend (mounted under /run by vdsd;
# run.sh loads the xfs module at boot).  btrfs when the guest kernel loads
# it: format, shrink (not under 256 MiB) and extend, each resize on vdsd's own
# mount, checked by btrfs check, dump-super and the data read back.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"
. "$top_srcdir/tests/vm/guest-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
vds_require_cmd mkfs.ext4 mkfs.vfat fsck.vfat e2fsck dumpe2fs resize2fs sfdisk wipefs blkid jq \
	blkdiscard sha256sum
D=/dev/vdc H2=/dev/vdd MNT=/run/vds-fsmnt
mkdir -p "$MNT"
wipefs -qa "$D" "$H2" || fail "wipefs of $D $H2"
vds_on_exit "umount $MNT 2>/dev/null"

# polls as guest-all.sh does them: each snmpget takes the guest's CPU from the job
export VDS_POLL_S=${VDS_POLL_S:-0.25}
vds_start_master
vds_write_conf "discovery yes" "provider basic" "allowDevice $D"
vds_start_vdsd
vds_wait_registered 60000
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE)
C_VOL_FS=$(mib_col VDS_VOL_FS_TYPE) C_VOL_LABEL=$(mib_col VDS_VOL_FS_LABEL)
C_VOL_UUID=$(mib_col VDS_VOL_FS_UUID) C_PART_VOL=$(mib_col VDS_PART_VOLUME_INDEX)
wait_for 20000 inv_index 2 "$C_DISK_DEVNODE" "$D" >/dev/null || fail "$D is not in the disk table"
DISK=$(inv_index 2 "$C_DISK_DEVNODE" "$D")
DSIZE=$(blockdev --getsize64 "$D")

# run_ok WHAT TYPE [COLUMN T V]...: the job succeeds; H its handle, JOB_MS its
# time from the SET to the end as seen through SNMP (JOB: "MS ms, running R ms").
run_ok() {
	job_run_ok "$1" 300000 "${@:2}" || return 1
	JOB="$JOB_MS ms through SNMP (running $(job_running_ms "$H") ms)"
	note "$1: job $H: $JOB, percents $JOB_PERCENTS"
}
sectors() { sfdisk --json "$1" | jq -r ".partitiontable.partitions[$2].size"; }

# ---- format ext4 on a new partition
run_ok "createPartition 64 MiB" 1 ParamDisk u "$DISK" ParamSizeMiB u 64 ParamInitLabel i 2
by_hand sh -c "printf 'label: gpt\nsize=64MiB\n' | sfdisk -q $H2"
job_time createPartition "64 MiB, new GPT (basic)" "$JOB_MS" "$HAND" "sfdisk" "$H"
PART=$(job_get "$H" OutPartition)
refused_set() { # WHAT REASON-PART COLUMN T V...
	local what=$1 part=$2 h out
	shift 2
	h=$(job_handle)
	local a=()
	while [ $# -ge 3 ]; do a+=("VDS-MIB::vdsJob$1.$h" "$2" "$3"); shift 3; done
	out=$(vds_snmpset "VDS-MIB::vdsJobRowStatus.$h" i 4 "${a[@]}" 2>&1) &&
		check_fail "$what: the SET was accepted"
	case "$(vds_get_value VDS-MIB::vdsRefusalReason.0)" in
	*"$part"*) note "$what: refused" ;;
	*) check_fail "$what: refused with \"$(vds_get_value VDS-MIB::vdsRefusalReason.0)\" ($out)" ;;
	esac
}
refused_set "xfs on 64 MiB" "xfs needs at least 300 MiB" Type i 18 ParamPartition u "$PART" \
	ParamFsType s xfs
run_ok "format ext4" 18 ParamPartition u "$PART" ParamFsType s ext4 ParamName s lanefs \
	ParamAllocUnit u 4096
by_hand mkfs.ext4 -F -q -b 4096 -L lanefs "${H2}1"
job_time format "ext4 64 MiB partition (basic)" "$JOB_MS" "$HAND" "mkfs.ext4" "$H"
VOL=$(job_get "$H" OutVolume)
expect_eq "format: vdsJobOutVolume is the partition's volume" "$VOL" "$(inv_value 3 "$C_PART_VOL" "$PART")"
expect_eq "blkid: type and label" "ext4 lanefs" \
	"$(blkid -p -s TYPE -o value "${D}1") $(blkid -p -s LABEL -o value "${D}1")"
expect_eq "volume row: type, label, UUID as blkid reads" \
	"ext4 lanefs $(blkid -p -s UUID -o value "${D}1")" \
	"$(inv_value 4 "$C_VOL_FS" "$VOL") $(inv_value 4 "$C_VOL_LABEL" "$VOL") $(inv_value 4 "$C_VOL_UUID" "$VOL")"
e2fsck -fn "${D}1" >/dev/null 2>&1 || check_fail "e2fsck -fn ${D}1 after format"
refused_set "format over ext4 without Force" "vdsJobParamForce" Type i 18 ParamVolume u "$VOL" \
	ParamFsType s ext4

# ---- a mounted file system is never formatted
mount "${D}1" "$MNT" || fail "mount ${D}1"
head -c 8M /dev/urandom >"$MNT/data" && sha=$(sha256sum <"$MNT/data") || fail "writing data"
h=$(job_handle)
if vds_snmpset "VDS-MIB::vdsJobRowStatus.$h" i 4 "VDS-MIB::vdsJobType.$h" i 18 \
	"VDS-MIB::vdsJobParamVolume.$h" u "$VOL" "VDS-MIB::vdsJobParamFsType.$h" s vfat \
	"VDS-MIB::vdsJobParamForce.$h" i 1 >/dev/null 2>&1; then
	job_wait "$h" 120000 >/dev/null
	expect_eq "format of a mounted volume" "VDS_E_DEVICE_IN_USE" "$(job_get "$h" ErrorName)"
else
	note "format of a mounted volume: refused at SET ($(vds_get_value VDS-MIB::vdsRefusalReason.0))"
fi
umount "$MNT" || fail "umount"
expect_eq "still ext4 after the refused format" ext4 "$(blkid -p -s TYPE -o value "${D}1")"

# ---- extend by 32 MiB: partition, then ext4; the data reads back
run_ok "extendVolume +32 MiB" 11 ParamVolume u "$VOL" ParamSizeMiB u 32
by_hand sh -c "echo ',+32M' | sfdisk -q -N 1 $H2 && e2fsck -f -p ${H2}1 && resize2fs ${H2}1"
job_time extendVolume "ext4 64 -> 96 MiB (basic)" "$JOB_MS" "$HAND" "sfdisk, e2fsck, resize2fs" "$H"
expect_eq "sfdisk: 96 MiB partition" 196608 "$(sectors "$D" 0)"
expect_eq "the kernel's ${D}1" $((96 * 1048576)) "$(blockdev --getsize64 "${D}1")"
e2fsck -fn "${D}1" >/dev/null 2>&1 || check_fail "e2fsck -fn ${D}1 after extend"
expect_eq "ext4 fills the partition" 24576 \
	"$(dumpe2fs -h "${D}1" 2>/dev/null | sed -n 's/^Block count: *//p')"
mount -o ro "${D}1" "$MNT" || fail "mount ${D}1 after extend"
expect_eq "data read back after extend" "$sha" "$(sha256sum <"$MNT/data")"
umount "$MNT"

# ---- vfat over it (Force), then deleteVolume
run_ok "format vfat, Force" 18 ParamVolume u "$VOL" ParamFsType s vfat ParamName s LANEFAT \
	ParamForce i 1
by_hand mkfs.vfat -n LANEFAT "${H2}1"
job_time format "vfat 96 MiB partition (basic)" "$JOB_MS" "$HAND" "mkfs.vfat" "$H"
expect_eq "blkid: vfat LANEFAT" "vfat LANEFAT" \
	"$(blkid -p -s TYPE -o value "${D}1") $(blkid -p -s LABEL -o value "${D}1")"
fsck.vfat -n "${D}1" >/dev/null 2>&1 || check_fail "fsck.vfat -n ${D}1"
expect_eq "volume row: vfat" vfat "$(inv_value 4 "$C_VOL_FS" "$VOL")"
run_ok "deleteVolume" 4 ParamVolume u "$VOL"
by_hand sh -c "wipefs -qa ${H2}1 && sfdisk -q --delete $H2 1"
job_time deleteVolume "vfat 96 MiB partition (basic)" "$JOB_MS" "$HAND" "wipefs, sfdisk --delete" "$H"
expect_eq "sfdisk: no partition left" 0 "$(sfdisk --json "$D" | jq '.partitiontable.partitions | length')"
[ -b "${D}1" ] && check_fail "${D}1 still exists after deleteVolume"

# ---- clean: refused with partitions, then Force + FullClean
run_ok "createPartition 32 MiB" 1 ParamDisk u "$DISK" ParamSizeMiB u 32
run_ok "format ext4 (to be cleaned)" 18 ParamPartition u "$(job_get "$H" OutPartition)" \
	ParamFsType s ext4
refused_set "clean without Force" "vdsJobParamForce" Type i 17 ParamDisk u "$DISK"
run_ok "clean" 17 ParamDisk u "$DISK" ParamForce i 1
by_hand wipefs -a "$H2"
job_time clean "$((DSIZE >> 20)) MiB disk (basic)" "$JOB_MS" "$HAND" "wipefs -a" "$H"
expect_eq "wipefs -n: no signature" "" "$(wipefs -n "$D")"
blkid -p "$D" >/dev/null 2>&1 && check_fail "blkid -p still finds something on $D"
sfdisk --json "$D" >/dev/null 2>&1 && check_fail "sfdisk still reads a table on $D"
[ -b "${D}1" ] && check_fail "${D}1 still exists after clean"
run_ok "createPartition 32 MiB again" 1 ParamDisk u "$DISK" ParamSizeMiB u 32 ParamInitLabel i 2

# ---- deletePartition: the table keeps its label, the partition goes
run_ok "deletePartition" 2 ParamPartition u "$(job_get "$H" OutPartition)"
printf 'label: gpt\nsize=32MiB\n' | sfdisk -q "$H2" || fail "sfdisk $H2"
by_hand sfdisk -q --delete "$H2" 1
job_time deletePartition "32 MiB (basic)" "$JOB_MS" "$HAND" "sfdisk --delete" "$H"
expect_eq "sfdisk after deletePartition: gpt, no partition" "gpt 0" \
	"$(sfdisk --json "$D" | jq -r '"\(.partitiontable.label) \(.partitiontable.partitions // [] | length)"')"
[ -b "${D}1" ] && check_fail "${D}1 still exists after deletePartition"
run_ok "clean, FullClean" 17 ParamDisk u "$DISK" ParamForce i 1 ParamFullClean i 1
by_hand sh -c "wipefs -a $H2 && blkdiscard -z $H2"
job_time clean "FullClean $((DSIZE >> 20)) MiB disk (basic)" "$JOB_MS" "$HAND" "wipefs -a, blkdiscard -z" "$H"
cmp -s -n "$DSIZE" "$D" /dev/zero ||
	check_fail "$D is not all zeroes after FullClean"
expect_eq "wipefs -n after FullClean" "" "$(wipefs -n "$D")"

# format_new FS MIB LABEL: a new MIB MiB partition on $D formatted FS with
# LABEL through SNMP (VOL its volume; blkid checks it), the same by hand on
# ${H2}1, timed
format_new() {
	{ wipefs -qa "$H2" && printf 'label: gpt\nsize=%sMiB\n' "$2" | sfdisk -q "$H2"; } || fail "sfdisk $H2"
	run_ok "createPartition $2 MiB" 1 ParamDisk u "$DISK" ParamSizeMiB u "$2" ParamInitLabel i 2
	run_ok "format $1" 18 ParamPartition u "$(job_get "$H" OutPartition)" ParamFsType s "$1" \
		ParamName s "$3"
	by_hand "mkfs.$1" -f -q -L "$3" "${H2}1"
	job_time format "$1 $2 MiB partition (basic)" "$JOB_MS" "$HAND" "mkfs.$1" "$H"
	VOL=$(job_get "$H" OutVolume)
	expect_eq "blkid: $1 $3" "$1 $3" \
		"$(blkid -p -s TYPE -o value "${D}1") $(blkid -p -s LABEL -o value "${D}1")"
}

# ---- xfs
if [ "$DSIZE" -lt $((400 * 1048576)) ] || ! command -v mkfs.xfs >/dev/null; then
	note "xfs: disks under 400 MiB or no mkfs.xfs: not run"
else
	format_new xfs 320 lanexfs
	xfs_repair -n "${D}1" >/dev/null 2>&1 || check_fail "xfs_repair -n ${D}1 after format"
	refused_set "shrink of xfs" "cannot be shrunk" Type i 5 ParamVolume u "$VOL" ParamSizeMiB u 16
	modprobe -q xfs 2>/dev/null
	if grep -qw xfs /proc/filesystems; then
		run_ok "extendVolume xfs +64 MiB" 11 ParamVolume u "$VOL" ParamSizeMiB u 64
		by_hand sh -c "echo ',+64M' | sfdisk -q -N 1 $H2 && mount ${H2}1 $MNT && xfs_growfs -d $MNT &&
			umount $MNT"
		job_time extendVolume "xfs 320 -> 384 MiB (basic)" "$JOB_MS" "$HAND" "sfdisk, mount, xfs_growfs" "$H"
		xfs_repair -n "${D}1" >/dev/null 2>&1 || check_fail "xfs_repair -n ${D}1 after extend"
		expect_eq "xfs fills 384 MiB" $((384 * 1048576)) "$(xfs_db -r -c 'sb 0' -c 'p dblocks' \
			-c 'p blocksize' "${D}1" | awk '{ v[NR] = $3 } END { print v[1] * v[2] }')"
		grep -q ' /run/vdsd/fs' /proc/mounts && check_fail "vdsd left its xfs mount behind"
	else
		note "xfs: the guest kernel has no xfs module: extend not run"
	fi
fi

# ---- btrfs: shrink and extend, each on vdsd's own mount under /run
btrfs_total() { btrfs inspect-internal dump-super "$1" | awk '$1 == "dev_item.total_bytes" { print $2 }'; }
btrfs_data_ok() { # WHAT: btrfs check, and the data reads back
	btrfs check --readonly "${D}1" >/dev/null 2>&1 || check_fail "btrfs check ${D}1 after $1"
	mount -o ro "${D}1" "$MNT" || { check_fail "mount ${D}1 after $1"; return; }
	expect_eq "data read back after $1" "$sha" "$(sha256sum <"$MNT/data")"
	umount "$MNT"
}
{ modprobe -q btrfs || busybox modprobe btrfs; } >/dev/null 2>&1
if [ "$DSIZE" -lt $((448 * 1048576)) ] || ! command -v mkfs.btrfs >/dev/null ||
	! grep -qw btrfs /proc/filesystems; then
	note "btrfs: disks under 448 MiB, no mkfs.btrfs or no btrfs module: not run"
else
	run_ok "clean before btrfs" 17 ParamDisk u "$DISK" ParamForce i 1
	format_new btrfs 400 lanebtr
	{ mount "${D}1" "$MNT" && head -c 40M /dev/urandom >"$MNT/data" &&
		sha=$(sha256sum <"$MNT/data") && umount "$MNT"; } || fail "writing data on ${D}1"
	{ mount "${H2}1" "$MNT" && head -c 40M /dev/urandom >"$MNT/data" && umount "$MNT"; } ||
		fail "writing data on ${H2}1"
	refused_set "shrink of btrfs under 256 MiB" "no less than 256 MiB" Type i 5 ParamVolume u "$VOL" \
		ParamSizeMiB u 160
	run_ok "shrinkVolume btrfs -96 MiB" 5 ParamVolume u "$VOL" ParamSizeMiB u 96
	by_hand sh -c "mount ${H2}1 $MNT && btrfs filesystem resize 304M $MNT && umount $MNT &&
		echo ',304M' | sfdisk -q -N 1 $H2"
	job_time shrinkVolume "btrfs 400 -> 304 MiB (basic)" "$JOB_MS" "$HAND" "mount, btrfs resize, sfdisk" "$H"
	expect_eq "sfdisk: 304 MiB partition" $((304 * 2048)) "$(sectors "$D" 0)"
	expect_eq "btrfs device: 304 MiB" $((304 * 1048576)) "$(btrfs_total "${D}1")"
	btrfs_data_ok shrink
	run_ok "extendVolume btrfs +64 MiB" 11 ParamVolume u "$VOL" ParamSizeMiB u 64
	by_hand sh -c "echo ',+64M' | sfdisk -q -N 1 $H2 && mount ${H2}1 $MNT &&
		btrfs filesystem resize max $MNT && umount $MNT"
	job_time extendVolume "btrfs 304 -> 368 MiB (basic)" "$JOB_MS" "$HAND" "sfdisk, mount, btrfs resize" "$H"
	expect_eq "btrfs device: 368 MiB" $((368 * 1048576)) "$(btrfs_total "${D}1")"
	btrfs_data_ok extend
	grep -q ' /run/vdsd/fs' /proc/mounts && check_fail "vdsd left its btrfs mount behind"
fi
vds_stop_vdsd
vds_finish
