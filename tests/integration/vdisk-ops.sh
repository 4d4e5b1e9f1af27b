#!/bin/bash
# SPDX-License-Identifier: ISC
# vdisk-ops.sh - expandVDisk(19) and compactVDisk(20) on the vdisk provider
# through snmpset, checked with independent tools: a fixed VHD grown while
# attached (qemu-img info sees the new size, the loop device has it, data
# written before reads back after), shrinking refused; a sparse raw image
# compacted while attached read-only (qemu-img compare against a copy
# taken before, the device reads the same, the bytes the file gave back as
# stat sees them), compaction refused for a fixed image and while attached
# read-write; mergeVDisk of a disk with no parent refused.  Dynamic and
# differencing VHDs: made through snmpset, read by qemu (dynamic) and
# libvhdi (vhdiinfo, vhdimount: the chain), data put into the child by
# tests/integration/vhd_write.py (a writer from the specification, not
# vdsd's), the child attached as /dev/nbdN through vdsd-nbd (where the
# kernel has nbd: read with cmp, written with dd, kept across a restart,
# detached; elsewhere the attach fails naming the module), attach of a
# parent read-write, delete, expand and merge of an attached child refused
# with the reason, the chain kept across a restart, mergeVDisk into the
# parent (qemu reads the parent as the child read), a dynamic VHD expanded
# (attached through nbd where there is nbd: the device grows, a write past
# the old end lands in the image).
# Prints each job's time next to the same work done by hand.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_root
vds_require_vdsd
vds_require_cmd losetup stat qemu-img qemu-io blockdev fallocate cmp python3 vhdiinfo vhdimount
[ -c /dev/fuse ] || modprobe fuse 2>/dev/null || busybox modprobe fuse 2>/dev/null || true
# nbd (the VM lane's kernel has it): attachVDisk of dynamic and differencing VHDs
[ -e /sys/block/nbd0 ] || modprobe nbd 2>/dev/null || busybox modprobe nbd 2>/dev/null || true
[ -c /dev/fuse ] || skip "no /dev/fuse (fuse module): vhdimount cannot read differencing VHDs"
MIB=1048576
C_VD_DEVNODE=$(mib_col VDS_VDISK_DEVNODE)
# VDS_VDISK_ROOT: where the images go (the lane: a fresh ext4 on a virtio disk)
ROOT=${VDS_VDISK_ROOT:-$VDS_TMP/images}
# the same work by hand (job_time) on images beside vdsd's, on the same file system
HD=$ROOT.hand
mkdir -p "$ROOT" "$HD"
# loop devices still backed by our images at exit (by backing file, never by name alone)
vds_on_exit "for f in $ROOT/* $HD/*; do losetup -j \"\$f\" -n -O NAME | xargs -r -n1 losetup -d; done"

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
by_hand qemu-img create -q -f vpc -o subformat=fixed "$HD/fixed.vhd" 64M
job_time createVDisk "fixed VHD 64 MiB (vdisk)" "$JOB_MS" "$HAND" "qemu-img create -o subformat=fixed" "$H"
head -c $((4 * MIB)) /dev/urandom >"$VDS_TMP/data"
dd if="$VDS_TMP/data" of="$VHD" bs=1M seek=1 conv=notrunc status=none
vd_job "attachVDisk" 8 ParamVDisk u "$V1"
t0=$(now_ms)
HL=$(losetup -f --show "$HD/fixed.vhd") || fail "losetup of $HD/fixed.vhd"
job_time attachVDisk "fixed VHD 64 MiB, loop (vdisk)" "$JOB_MS" "$(($(now_ms) - t0))" "losetup -f" "$H"
wait_for 10000 has_devnode "$V1" || fail "no devnode for the attached VHD"
DEV=$(devnode_of "$V1")
vd_refused "expandVDisk smaller" "shrinking" 19 ParamVDisk u "$V1" ParamSizeMiB u 32
vd_job "expandVDisk attached" 19 ParamVDisk u "$V1" ParamSizeMiB u 96
by_hand sh -c "fallocate -o $((64 * MIB + 512)) -l $((32 * MIB)) $HD/fixed.vhd && losetup -c $HL"
job_time expandVDisk "fixed VHD 64 -> 96 MiB, attached (vdisk)" "$JOB_MS" "$HAND" \
	"fallocate, losetup -c (no footer moved)" "$H"
NEW=$(inv_value 7 "$C_VD_SIZE" "$V1")
[ "$NEW" -ge $((96 * MIB)) ] || check_fail "expandVDisk: virtual size $NEW < 96 MiB"
expect_eq "expandVDisk: the loop device's size" "$NEW" "$(blockdev --getsize64 "$DEV")"
expect_eq "expandVDisk: vdsJobOutVDisk" "$V1" "$(job_get "$H" OutVDisk)"
cmp -s -n $((4 * MIB)) "$VDS_TMP/data" <(dd if="$DEV" bs=1M skip=1 count=4 status=none) ||
	check_fail "expandVDisk: the data written before does not read back"
vd_job "detachVDisk" 9 ParamVDisk u "$V1"
by_hand losetup -d "$HL"
job_time detachVDisk "fixed VHD 96 MiB, loop (vdisk)" "$JOB_MS" "$HAND" "losetup -d" "$H"
expect_eq "expandVDisk: qemu-img virtual size" "$NEW" "$(qsize -f vpc "$VHD")"
expect_eq "expandVDisk: file length (data + footer)" "$((NEW + 512))" "$(stat -c %s "$VHD")"
vd_refused "compactVDisk of a fixed vdisk" "fixed" 20 ParamVDisk u "$V1"
vd_refused "mergeVDisk of a disk with no parent" "not a differencing" 21 ParamVDisk u "$V1"

# ---- compactVDisk: a sparse raw image with zeros written into it
RAW=$ROOT/sparse.img
vd_job "createVDisk expandable raw" 7 ParamPath s "$RAW" ParamSizeMiB u 64
V2=$(job_get "$H" OutVDisk)
by_hand truncate -s 64M "$HD/sparse.img"
job_time createVDisk "expandable raw 64 MiB (vdisk)" "$JOB_MS" "$HAND" "truncate -s" "$H"
dd if=/dev/zero of="$RAW" bs=1M seek=8 count=16 conv=notrunc status=none
dd if="$VDS_TMP/data" of="$RAW" bs=1M seek=30 conv=notrunc status=none
sync "$RAW"
cp --sparse=never "$RAW" "$VDS_TMP/before.img"
cp --sparse=never "$RAW" "$HD/sparse.img"
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
by_hand fallocate --dig-holes "$HD/sparse.img"
job_time compactVDisk "raw 64 MiB, 16 MiB of zeros (vdisk)" "$CT" "$HAND" "fallocate --dig-holes" "$CH"

# ---- dynamic and differencing VHDs, mergeVDisk
C_VD_TYPE=$(mib_col VDS_VDISK_TYPE)
DYN=$ROOT/base.vhd
CHILD=$ROOT/child.vhd
MNT=$VDS_TMP/vhdi
mkdir -p "$MNT"
vds_on_exit "mountpoint -q $MNT && umount $MNT"
# nbd devices still served for our images at exit (by the server's command line)
nbd_cleanup() {
	local p
	for p in /sys/block/nbd*/pid; do
		[ -e "$p" ] && tr '\0' ' ' <"/proc/$(cat "$p")/cmdline" | grep -qF "$ROOT/" &&
			qemu-nbd -d "/dev/$(basename "$(dirname "$p")")" >/dev/null
	done
	return 0
}
vds_on_exit nbd_cleanup
# vhdi_reads VHD LAYER RAW: libvhdi's view of layer LAYER of VHD's chain is RAW
vhdi_reads() {
	local rc=0
	vhdimount "$1" "$MNT" >/dev/null || return 1
	cmp -s "$MNT/vhdi$2" "$3" || rc=1
	umount "$MNT"
	return $rc
}
# put RAW OFFSET LENGTH BYTE: the expected disk, written as vhd_write.py writes the VHD
put() { perl -e "print chr($4) x $3" | dd of="$1" bs=512 seek=$(($2 / 512)) conv=notrunc status=none; }
vd_job "createVDisk dynamic VHD" 7 ParamPath s "$DYN" ParamSizeMiB u 64 ParamVDiskFormat i 2
VB=$(job_get "$H" OutVDisk)
T_JOB=$JOB_MS T_H=$H
expect_eq "dynamic VHD: vdsVDiskType" 2 "$(inv_value 7 "$C_VD_TYPE" "$VB")"
expect_eq "dynamic VHD: qemu-img virtual size" "$(inv_value 7 "$C_VD_SIZE" "$VB")" \
	"$(qsize -f vpc "$DYN")"
case "$(vhdiinfo "$DYN")" in
*"Disk type"*": Dynamic"*) ;;
*) check_fail "vhdiinfo: $DYN is no dynamic VHD" ;;
esac
by_hand qemu-img create -q -f vpc -o subformat=dynamic "$HD/dyn.vhd" 64M
job_time createVDisk "dynamic VHD 64 MiB (vdisk)" "$T_JOB" "$HAND" "qemu-img create -o subformat=dynamic" "$T_H"
qemu-io -f vpc -c "write -P 0x42 1M 6M" "$DYN" >/dev/null || fail "qemu-io write into $DYN"
qemu-img convert -f vpc -O raw "$DYN" "$VDS_TMP/want.raw"
vd_refused "createVDisk differencing of another size" "parent's size" 7 ParamPath s "$CHILD" \
	ParamVDiskType i 3 ParamVDiskFormat i 2 ParamVDisk u "$VB" ParamSizeMiB u 8
vd_job "createVDisk differencing VHD" 7 ParamPath s "$CHILD" ParamVDiskType i 3 ParamVDiskFormat i 2 \
	ParamVDisk u "$VB"
VC=$(job_get "$H" OutVDisk)
by_hand qemu-img create -q -f qcow2 -b "$HD/dyn.vhd" -F vpc "$HD/child.qcow2"
job_time createVDisk "differencing VHD over 64 MiB (vdisk)" "$JOB_MS" "$HAND" \
	"qemu-img create of a qcow2 overlay (qemu makes no differencing VHD)" "$H"
expect_eq "differencing VHD: vdsVDiskType" 3 "$(inv_value 7 "$C_VD_TYPE" "$VC")"
PID=$(vhdiinfo "$DYN" | sed -n 's/^\tIdentifier\t*: //p')
case "$(vhdiinfo "$CHILD")" in
*"Parent identifier"*": $PID"*) [ -n "$PID" ] || check_fail "vhdiinfo: no identifier for $DYN" ;;
*) check_fail "vhdiinfo: $CHILD does not name $DYN's identifier $PID" ;;
esac
vhdi_reads "$CHILD" 2 "$VDS_TMP/want.raw" || check_fail "libvhdi: the new child does not read as its parent"
# the child's own data, by a writer that is not vdsd's
python3 "$top_srcdir/tests/integration/vhd_write.py" "$CHILD" $((5 * MIB)) $((3 * MIB)) 0x63 &&
	python3 "$top_srcdir/tests/integration/vhd_write.py" "$CHILD" $((40 * MIB)) 4096 0x64 ||
	fail "vhd_write.py into $CHILD"
cp "$VDS_TMP/want.raw" "$VDS_TMP/child.raw"
put "$VDS_TMP/child.raw" $((5 * MIB)) $((3 * MIB)) 0x63
put "$VDS_TMP/child.raw" $((40 * MIB)) 4096 0x64
vhdi_reads "$CHILD" 2 "$VDS_TMP/child.raw" || check_fail "libvhdi: the child does not read its data"
# what a chain refuses, and why
vd_refused "deleteVDisk of a parent" "parent of a differencing" 10 ParamVDisk u "$VB"
vd_refused "expandVDisk in a chain" "chain" 19 ParamVDisk u "$VB" ParamSizeMiB u 128
vd_refused "mergeVDisk two levels of one" "parent level" 21 ParamVDisk u "$VC" ParamMergeDepth u 2
vd_refused "attachVDisk of a parent read-write" "attach it read-only" 8 ParamVDisk u "$VB"
# attach: vdsd-nbd serves the child as /dev/nbdN where the kernel has nbd devices
NDEV=
if [ -e /sys/block/nbd0 ]; then
	vd_job "attachVDisk differencing VHD (nbd)" 8 ParamVDisk u "$VC"
	T_JOB=$JOB_MS T_H=$H
	wait_for 10000 has_devnode "$VC" || fail "no devnode for the attached child"
	NDEV=$(devnode_of "$VC")
	case $NDEV in
	/dev/nbd*) ;;
	*) fail "the child is attached as $NDEV, not as an nbd device" ;;
	esac
	expect_eq "nbd: the device's size" "$(inv_value 7 "$C_VD_SIZE" "$VC")" \
		"$(blockdev --getsize64 "$NDEV")"
	cmp -s "$NDEV" "$VDS_TMP/child.raw" || check_fail "nbd: $NDEV does not read as the child"
	# written through the device, with O_DIRECT: into the child's file
	head -c $((2 * MIB)) /dev/urandom >"$VDS_TMP/rnd"
	dd if="$VDS_TMP/rnd" of="$NDEV" bs=1M seek=12 oflag=direct conv=fsync status=none ||
		check_fail "nbd: writing $NDEV failed"
	dd if="$VDS_TMP/rnd" of="$VDS_TMP/child.raw" bs=1M seek=12 conv=notrunc status=none
	H=$(job_handle)
	job_start "$H" 21 ParamVDisk u "$VC"
	expect_eq "mergeVDisk of an attached child" "$ST_FAILED" "$(job_wait "$H")"
	case "$(job_get "$H" ErrorMessage)" in
	*"detach it first"*) ;;
	*) check_fail "mergeVDisk of an attached child: \"$(job_get "$H" ErrorMessage)\"" ;;
	esac
	# by hand: qemu-nbd serving the parent (it reads no differencing VHD)
	FREE=$(for d in /sys/block/nbd*; do [ -e "$d/pid" ] || { basename "$d"; break; }; done)
	t0=$(now_ms)
	if qemu-nbd -r -f vpc -c "/dev/$FREE" "$DYN" 2>/dev/null; then
		job_time attachVDisk "differencing VHD 64 MiB, nbd (vdisk)" "$T_JOB" "$(($(now_ms) - t0))" \
			"qemu-nbd -c of its dynamic parent (qemu-nbd reads no differencing VHD)" "$T_H"
		by_hand qemu-nbd -d "/dev/$FREE"
		HAND_NBD_DETACH=$HAND
	fi
else
	H=$(job_handle)
	job_start "$H" 8 ParamVDisk u "$VC"
	expect_eq "attachVDisk with no nbd device" "$ST_FAILED" "$(job_wait "$H")"
	case "$(job_get "$H" ErrorMessage)" in
	*"modprobe nbd"*) ;;
	*) check_fail "attachVDisk with no nbd device: \"$(job_get "$H" ErrorMessage)\"" ;;
	esac
	note "no nbd device here: attachVDisk of a differencing VHD fails naming the module" \
		"(the VM lane attaches it)"
fi
# the chain is in the records, an attachment in the kernel: a restart keeps both
vds_stop_vdsd
vds_start_vdsd
vds_wait_registered
expect_eq "after a restart: the child's vdsVDiskType" 3 "$(inv_value 7 "$C_VD_TYPE" "$VC")"
vd_refused "deleteVDisk of a parent, after a restart" "parent of a differencing" 10 ParamVDisk u "$VB"
if [ -n "$NDEV" ]; then
	expect_eq "after a restart: the child's device" "$NDEV" "$(devnode_of "$VC")"
	vd_job "detachVDisk (nbd)" 9 ParamVDisk u "$VC"
	job_time detachVDisk "differencing VHD 64 MiB, nbd (vdisk)" "$JOB_MS" "${HAND_NBD_DETACH:--}" \
		"qemu-nbd -d" "$H"
	[ ! -e "/sys/block/${NDEV#/dev/}/pid" ] || check_fail "nbd: $NDEV still served after the detach"
	vhdi_reads "$CHILD" 2 "$VDS_TMP/child.raw" ||
		check_fail "libvhdi: the child does not read what was written through $NDEV"
fi
# merge: the parent holds what the child read; the child, emptied, reads the same
vd_job "mergeVDisk" 21 ParamVDisk u "$VC"
T_JOB=$JOB_MS T_H=$H
expect_eq "mergeVDisk: vdsJobOutVDisk is the parent" "$VB" "$(job_get "$H" OutVDisk)"
expect_eq "mergeVDisk: percent" 100 "$(job_get "$H" PercentComplete)"
qemu-img compare -q -f vpc -F raw "$DYN" "$VDS_TMP/child.raw" ||
	check_fail "mergeVDisk: qemu does not read the child's data in the parent"
vhdi_reads "$CHILD" 2 "$VDS_TMP/child.raw" || check_fail "libvhdi: the merged child reads differently"
[ "$(stat -c %s "$CHILD")" -lt $((64 * 1024)) ] ||
	check_fail "mergeVDisk: the child still holds $(stat -c %s "$CHILD") bytes"
# by hand, the nearest tool: qemu-img commit of a qcow2 overlay with the same data
qemu-img convert -q -f raw -O qcow2 "$VDS_TMP/want.raw" "$HD/base.qcow2"
qemu-img create -q -f qcow2 -b "$HD/base.qcow2" -F qcow2 "$HD/top.qcow2"
qemu-io -f qcow2 -c "write -P 0x63 5M 3M" -c "write -P 0x64 40M 4k" "$HD/top.qcow2" >/dev/null
by_hand qemu-img commit -q "$HD/top.qcow2"
job_time mergeVDisk "3 MiB + 4 KiB into 64 MiB dynamic (vdisk)" "$T_JOB" "$HAND" \
	"qemu-img commit of a qcow2 overlay holding the same" "$T_H"
vd_job "deleteVDisk the child" 10 ParamVDisk u "$VC"
by_hand rm "$HD/child.qcow2"
job_time deleteVDisk "differencing VHD (vdisk)" "$JOB_MS" "$HAND" "rm of a qcow2 overlay" "$H"
# compact: 4 MiB of zeros written into a dynamic VHD's blocks are given back (but the
# 64 KiB punch blocks they share with a bitmap), the disk reads the same
python3 "$top_srcdir/tests/integration/vhd_write.py" "$DYN" $((20 * MIB)) $((4 * MIB)) 0 ||
	fail "vhd_write.py zeros into $DYN"
sync "$DYN"
B0=$(($(stat -c %b "$DYN") * 512))
cp --sparse=always "$DYN" "$HD/dyn-zeros.vhd"
vd_job "compactVDisk dynamic VHD" 20 ParamVDisk u "$VB"
by_hand fallocate --dig-holes "$HD/dyn-zeros.vhd"
job_time compactVDisk "dynamic VHD, 4 MiB of zeros (vdisk)" "$JOB_MS" "$HAND" \
	"fallocate --dig-holes of the whole file" "$H"
B1=$(($(stat -c %b "$DYN") * 512))
expect_eq "compactVDisk dynamic: vdsJobOutReclaimedBytes" "$((B0 - B1))" \
	"$(job_get "$H" OutReclaimedBytes)"
[ $((B0 - B1)) -ge $((3 * MIB)) ] || check_fail "compactVDisk dynamic: only $((B0 - B1)) bytes given back"
qemu-img compare -q -f vpc -F raw "$DYN" "$VDS_TMP/child.raw" ||
	check_fail "compactVDisk dynamic: the data reads differently"
# a dynamic VHD in no chain grows: its BAT moves to the end of the file;
# attached (nbd), its server grows it between two requests, and the device
NDEV2=
if [ -e /sys/block/nbd0 ]; then
	vd_job "attachVDisk dynamic VHD (nbd)" 8 ParamVDisk u "$VB"
	wait_for 10000 has_devnode "$VB" || fail "no devnode for the attached dynamic VHD"
	NDEV2=$(devnode_of "$VB")
fi
vd_job "expandVDisk dynamic VHD${NDEV2:+, attached}" 19 ParamVDisk u "$VB" ParamSizeMiB u 1024
T_JOB=$JOB_MS T_H=$H
NEW=$(inv_value 7 "$C_VD_SIZE" "$VB")
[ "$NEW" -ge $((1024 * MIB)) ] || check_fail "expandVDisk dynamic: virtual size $NEW < 1 GiB"
expect_eq "expandVDisk dynamic: qemu-img virtual size" "$NEW" "$(qsize -f vpc "$DYN")"
truncate -s "$NEW" "$VDS_TMP/child.raw"
if [ -n "$NDEV2" ]; then
	expect_eq "expandVDisk attached: the size of $NDEV2" "$NEW" "$(blockdev --getsize64 "$NDEV2")"
	head -c $MIB /dev/urandom >"$VDS_TMP/rnd2"
	dd if="$VDS_TMP/rnd2" of="$NDEV2" bs=1M seek=900 oflag=direct conv=fsync status=none ||
		check_fail "expandVDisk attached: writing past the old end of $NDEV2 failed"
	dd if="$VDS_TMP/rnd2" of="$VDS_TMP/child.raw" bs=1M seek=900 conv=notrunc status=none
	cmp -s "$NDEV2" "$VDS_TMP/child.raw" || check_fail "expandVDisk attached: $NDEV2 reads differently"
	vd_job "detachVDisk dynamic VHD (nbd)" 9 ParamVDisk u "$VB"
fi
qemu-img compare -q -f vpc -F raw "$DYN" "$VDS_TMP/child.raw" ||
	check_fail "expandVDisk dynamic: the data reads differently"
t0=$(now_ms)
if qemu-img resize -q -f vpc "$HD/dyn.vhd" 1G 2>/dev/null; then
	HAND=$(($(now_ms) - t0)) tool="qemu-img resize"
else
	HAND=- tool="qemu-img resize refused: $(qemu-img resize -f vpc "$HD/dyn.vhd" 1G 2>&1 | tail -1)"
fi
job_time expandVDisk "dynamic VHD 64 MiB -> 1 GiB${NDEV2:+, attached} (vdisk)" "$T_JOB" "$HAND" "$tool" "$T_H"

vds_stop_vdsd
vds_finish
