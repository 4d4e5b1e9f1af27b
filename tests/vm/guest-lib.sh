# shellcheck shell=bash
# SPDX-License-Identifier: ISC
#
# guest-lib.sh - what the VM lane's guest scripts (guest-lvm, guest-pack,
# guest-plex, guest-faults, guest-fsops) share, on top of lib.sh: the lvm
# tools apart from udev, a volume group made on fresh disks, a tool timed
# by hand.  Source it after lib.sh.

# lvm that neither waits for udev nor takes its device list from it.
LVMC='activation { udev_sync=0 udev_rules=0 } devices { obtain_device_list_from_udev=0 }'
lvmq() { lvm "$1" --config "$LVMC" "${@:2}"; }

# guest_vg VG DEV...: physical volumes on DEV... and the volume group VG of
# them; fails the test if either cannot be made.
guest_vg() {
	local vg=$1
	shift
	lvmq pvcreate -qy "$@" >/dev/null || fail "pvcreate $*"
	lvmq vgcreate -q "$vg" "$@" >/dev/null || fail "vgcreate $vg on $*"
}

# by_hand CMD...: run it, HAND its time in ms (a job's tool, run by hand for
# the lane's TIME lines: the job against the same tool alone)
by_hand() {
	local t0
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 || check_fail "by hand: $* failed"
	# shellcheck disable=SC2034 # read by the parts that source this file
	HAND=$(($(now_ms) - t0))
}
