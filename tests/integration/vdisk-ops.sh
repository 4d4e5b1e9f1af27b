#!/bin/bash
# SPDX-License-Identifier: ISC
# vdisk-ops.sh - expandVDisk(19) and compactVDisk(20) on the vdisk provider
# through snmpset, checked with independent tools: a fixed VHD grown while
# attached (qemu-img info sees the new size, the loop device has it, data
# written before reads back after), shrinking refused; a sparse raw image
# compacted while attached read-only (qemu-img compare against a copy
# taken before, the device reads the same, the bytes the file gave back as
# stat sees them), compaction refused for a fixed image and while attached
# read-write; mergeVDisk refused (no differencing VHDs here).
# Prints each job's time next to the same work done by hand.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_root
vds_require_vdsd
vds_require_cmd losetup stat qemu-img blockdev fallocate cmp
MIB=1048576
C_VD_DEVNODE=$(mib_col VDS_VDISK_DEVNODE)
# VDS_VDISK_ROOT: where the images go (the lane: a fresh ext4 on a virtio disk)
ROOT=${VDS_VDISK_ROOT:-$VDS_TMP/images}
mkdir -p "$ROOT"
# loop devices still backed by our images at exit (by backing file, never by name alone)
vds_on_exit "for f in $ROOT/*; do losetup -j \"\$f\" -n -O NAME | xargs -r -n1 losetup -d; done"

vds_start_master
vds_write_conf "provider vdisk" "vdiskRoot $ROOT"
vds_start_vdsd
vds_wait_registered

# vd_job WHAT TYPE [COLUMN T V]...: start, wait for success; H, JOB_MS.
vd_job() {
	local what=$1 st t0
	shift
	H=$(job_handle)
	t0=$(now_ms)
	job_start "$H" "$@"
	st=$(job_wait "$H" 60000)
	JOB_MS=$(($(now_ms) - t0))
	[ "$st" = "$ST_SUCCEEDED" ] ||
		fail "$what: job $H ended $st: $(job_getn "$H" Result ErrorName ErrorMessage)"
}

# vd_refused WHAT TEXT TYPE [COLUMN T V]...: the SET is refused, saying TEXT.
vd_refused() { job_refused "$1" inconsistentValue "${@:2}"; }

qsize() { qemu-img info --output=json "$@" | sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p'; }
devnode_of() { inv_value 7 "$C_VD_DEVNODE" "$1"; }
has_devnode() { [ -n "$(devnode_of "$1")" ]; }

# ---- expandVDisk: a fixed VHD, attached
VHD=$ROOT/grow.vhd
vd_job "createVDisk fixed VHD" 7 ParamPath s "$VHD" ParamSizeMiB u 64 ParamVDiskType i 1 \
	ParamVDiskFormat i 2
V1=$(job_get "$H" OutVDisk)
head -c $((4 * MIB)) /dev/urandom >"$VDS_TMP/data"
dd if="$VDS_TMP/data" of="$VHD" bs=1M seek=1 conv=notrunc status=none
vd_job "attachVDisk" 8 ParamVDisk u "$V1"
wait_for 10000 has_devnode "$V1" || fail "no devnode for the attached VHD"
DEV=$(devnode_of "$V1")
vd_refused "expandVDisk smaller" "shrinking" 19 ParamVDisk u "$V1" ParamSizeMiB u 32
vd_job "expandVDisk attached" 19 ParamVDisk u "$V1" ParamSizeMiB u 96
NEW=$(inv_value 7 "$C_VD_SIZE" "$V1")
[ "$NEW" -ge $((96 * MIB)) ] || check_fail "expandVDisk: virtual size $NEW < 96 MiB"
expect_eq "expandVDisk: the loop device's size" "$NEW" "$(blockdev --getsize64 "$DEV")"
expect_eq "expandVDisk: vdsJobOutVDisk" "$V1" "$(job_get "$H" OutVDisk)"
cmp -s -n $((4 * MIB)) "$VDS_TMP/data" <(dd if="$DEV" bs=1M skip=1 count=4 status=none) ||
	check_fail "expandVDisk: the data written before does not read back"
vd_job "detachVDisk" 9 ParamVDisk u "$V1"
expect_eq "expandVDisk: qemu-img virtual size" "$NEW" "$(qsize -f vpc "$VHD")"
expect_eq "expandVDisk: file length (data + footer)" "$((NEW + 512))" "$(stat -c %s "$VHD")"
T_JOB=$JOB_MS
cp --sparse=always "$VHD" "$VDS_TMP/hand.vhd"
t0=$(now_ms)
fallocate -o $((NEW + 512)) -l $((NEW - 64 * MIB)) "$VDS_TMP/hand.vhd"
note "expandVDisk of a fixed VHD 64->96 MiB: job ${T_JOB} ms (attached, through SNMP);" \
	"fallocate of the same bytes by hand $(($(now_ms) - t0)) ms"
rm -f "$VDS_TMP/hand.vhd"
vd_refused "compactVDisk of a fixed vdisk" "fixed" 20 ParamVDisk u "$V1"
vd_refused "mergeVDisk on the vdisk provider" "differencing" 21 ParamVDisk u "$V1"

# ---- compactVDisk: a sparse raw image with zeros written into it
RAW=$ROOT/sparse.img
vd_job "createVDisk expandable raw" 7 ParamPath s "$RAW" ParamSizeMiB u 64
V2=$(job_get "$H" OutVDisk)
dd if=/dev/zero of="$RAW" bs=1M seek=8 count=16 conv=notrunc status=none
dd if="$VDS_TMP/data" of="$RAW" bs=1M seek=30 conv=notrunc status=none
sync "$RAW"
cp --sparse=never "$RAW" "$VDS_TMP/before.img"
cp --sparse=never "$RAW" "$VDS_TMP/hand.img"
vd_job "attachVDisk sparse" 8 ParamVDisk u "$V2"
H=$(job_handle)
job_start "$H" 20 ParamVDisk u "$V2"
expect_eq "compactVDisk while attached" "$ST_FAILED" "$(job_wait "$H")"
case "$(job_get "$H" ErrorMessage)" in
*attached*) ;;
*) check_fail "compactVDisk while attached: message \"$(job_get "$H" ErrorMessage)\"" ;;
esac
vd_job "detachVDisk sparse" 9 ParamVDisk u "$V2"
# attached read-only, it may be compacted: reads see the same zeros either way
vd_job "attachVDisk sparse read-only" 8 ParamVDisk u "$V2" ParamReadOnly i 1
wait_for 10000 has_devnode "$V2" || fail "no devnode for the read-only vdisk"
DEV2=$(devnode_of "$V2")
B0=$(($(stat -c %b "$RAW") * 512))
vd_job "compactVDisk attached read-only" 20 ParamVDisk u "$V2"
CH=$H CT=$JOB_MS
cmp -s "$VDS_TMP/before.img" "$DEV2" || check_fail "compactVDisk: the device reads differently"
vd_job "detachVDisk read-only" 9 ParamVDisk u "$V2"
B1=$(($(stat -c %b "$RAW") * 512))
expect_eq "compactVDisk: vdsJobOutReclaimedBytes" "$((B0 - B1))" "$(job_get "$CH" OutReclaimedBytes)"
[ $((B0 - B1)) -ge $((16 * MIB)) ] || check_fail "compactVDisk: only $((B0 - B1)) bytes given back"
qemu-img compare -q -f raw -F raw "$VDS_TMP/before.img" "$RAW" ||
	check_fail "compactVDisk: the image's contents changed"
t0=$(now_ms)
fallocate --dig-holes "$VDS_TMP/hand.img"
note "compactVDisk of a 64 MiB raw image: job ${CT} ms (reclaimed $((B0 - B1)) bytes);" \
	"fallocate --dig-holes by hand $(($(now_ms) - t0)) ms"

vds_stop_vdsd
vds_finish
