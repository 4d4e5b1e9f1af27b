#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-vdiskops.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh): the
# vdisk provider's expandVDisk, compactVDisk, dynamic and differencing VHDs
# and mergeVDisk (tests/integration/vdisk-ops.sh: qemu-img info/compare,
# libvhdi through FUSE, blockdev, cmp, job vs by-hand times) with the
# images on a fresh ext4 on /dev/vdd (with nbd loaded, the differencing
# VHD is attached through vdsd-nbd there), then qemu-nbd serving a dynamic
# VHD by hand, for the time it takes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_cmd mkfs.ext4 qemu-img
DISK=${VDS_VDISKOPS_DISK:-/dev/vdd}
MNT=/run/vds-vdiskops

wipefs -qa "$DISK" >/dev/null 2>&1
mkfs.ext4 -qF "$DISK" || fail "mkfs.ext4 $DISK"
mkdir -p "$MNT" && mount "$DISK" "$MNT" || fail "cannot mount $DISK"
vds_on_exit "umount $MNT"
{ modprobe nbd 2>/dev/null || busybox modprobe nbd; } && [ -b /dev/nbd0 ] ||
	check_fail "no nbd module: vdisk-ops.sh cannot attach dynamic and differencing VHDs"
VDS_VDISK_ROOT=$MNT/images "$top_srcdir/tests/integration/vdisk-ops.sh" ||
	check_fail "vdisk-ops.sh on ext4 failed"

# nbd: a dynamic VHD served by qemu-nbd, read back through /dev/nbd0
if ! command -v qemu-nbd >/dev/null; then
	note "nbd: no qemu-nbd on the host: no time by hand"
elif [ -b /dev/nbd0 ]; then
	qemu-img create -q -f vpc -o subformat=dynamic "$MNT/dyn.vhd" 64M || check_fail "qemu-img create vpc"
	t0=$(now_ms)
	if qemu-nbd -f vpc -c /dev/nbd0 "$MNT/dyn.vhd"; then
		vds_on_exit "qemu-nbd -d /dev/nbd0 >/dev/null 2>&1"
		wait_for 10000 test "$(blockdev --getsize64 /dev/nbd0 2>/dev/null || echo 0)" -gt 0 ||
			check_fail "nbd0 never got a size"
		note "nbd: a dynamic VHD of $(blockdev --getsize64 /dev/nbd0) bytes served as /dev/nbd0" \
			"in $(($(now_ms) - t0)) ms (qemu-nbd -c by hand)"
		qemu-nbd -d /dev/nbd0 >/dev/null || check_fail "qemu-nbd -d"
	else
		check_fail "qemu-nbd -c /dev/nbd0 failed though nbd loaded"
	fi
fi
vds_finish
