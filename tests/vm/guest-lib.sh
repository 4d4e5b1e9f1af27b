# shellcheck shell=bash
# SPDX-License-Identifier: ISC
#
# guest-lib.sh - what the VM lane's guest scripts (guest-lvm, guest-pack,
# guest-plex, guest-faults, guest-fsops) share, on top of lib.sh: the lvm
# tools apart from udev, a volume group made on fresh disks, and an lvm
# tool of vdsd's traced or killed at a chosen ioctl (guest-faults,
# guest-plex).  Source it after lib.sh (and jobs-lib.sh: by_hand, job_time).

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

# wait_synced VG/LV: wait (up to 5 min) until LVM reports the raid volume in sync.
wait_synced() {
	wait_for 300000 sh -c "[ \"\$(lvm lvs --config '$LVMC' --noheadings -o sync_percent $1 | tr -d ' ')\" = 100.00 ]"
}

# A result code of agent/result.h by name (VDS_R_NAME).
# shellcheck disable=SC2154 # top_srcdir: set by lib.sh
result_code() { sed -n "s/.*VDS_R_$1 *= *\([0-9]*\).*/\1/p" "$top_srcdir/agent/result.h"; }

# Every device-mapper device live (none left suspended).
no_suspended() { ! dmsetup info -c --noheadings -o name,suspended | grep -q ':Suspended'; }

# lap WHAT: a timed step of a phase (guest-faults.sh times its phases and
# defines its own); nothing elsewhere.
lap() { :; }

# ---- an lvm tool of vdsd's traced, or killed at its Nth ioctl
# The lvm that vdsd runs is wrapped for one named command at a time: a
# calibration job runs it under strace and records its ioctls; a kill run
# then has strace deliver SIGKILL at the entry of the Nth ioctl, N a
# device-mapper change the calibration made: the tool dies with exactly
# the state that change leaves.  The kill run is traced too: its last ioctl
# must be the Nth and the change planned.
INJ=/run/vds-lvm-inject
lvm_wrap() { # bind a wrapper over the lvm binary vdsd runs
	LVM_BIN=$(readlink -f "$(command -v lvm)")
	mkdir -p /run/vds-lvm && cp "$LVM_BIN" /run/vds-lvm/lvm || fail "copy $LVM_BIN"
	cat >"$VDS_TMP/lvm-wrap" <<-'W'
		#!/bin/bash
		# one-shot: "COMMAND trace FILE" or "COMMAND kill N FILE" in /run/vds-lvm-inject
		if read -r cmd mode arg file 2>/dev/null </run/vds-lvm-inject && [ "$1" = "$cmd" ]; then
			rm -f /run/vds-lvm-inject
			case $mode in
			trace) exec strace -f -qq -o "$arg" -e trace=ioctl /run/vds-lvm/lvm "$@" ;;
			kill) exec strace -f -qq -o "$file" -e trace=ioctl \
				-e inject=ioctl:signal=KILL:when="$arg" /run/vds-lvm/lvm "$@" ;;
			esac
		fi
		exec /run/vds-lvm/lvm "$@"
	W
	chmod 755 "$VDS_TMP/lvm-wrap"
	mount --bind "$VDS_TMP/lvm-wrap" "$LVM_BIN" || fail "bind the lvm wrapper"
	vds_on_exit "umount $LVM_BIN"
}
# The ioctl numbers (1-based, as strace counts them) of each dm change in a trace.
dm_changes() {
	awk '/ ioctl\(/ { n++ } / ioctl\(.*(DM_TABLE_LOAD|DM_DEV_SUSPEND|DM_DEV_RENAME|DM_DEV_REMOVE|DM_DEV_CREATE|DM_TABLE_CLEAR)/ {
		what = $0; sub(/.*ioctl\([0-9]+, /, "", what); sub(/,.*/, "", what)
		if (what == "DM_DEV_SUSPEND") what = $0 ~ /DM_SUSPEND_FLAG/ ? "suspend" : "resume"
		print n, what }' "$1"
}
# The number and request of the last ioctl in a trace (the one strace killed
# the tool at: strace shows it unfinished, its arguments not decoded).
killed_ioctl() {
	awk '/ ioctl\(/ { n++; r = $0; sub(/.* ioctl\([0-9]+, /, "", r); sub(/[ ,].*/, "", r) }
		END { print n + 0, r }' "$1"
}
# tool_killed TOOL N WHAT START...: the job START... starts (it prints its
# handle) with vdsd's TOOL killed at ioctl N (WHAT: the change it was about
# to make), and the checks every kill shares: the job fails TOOL_FAILED
# with "signal 9", nothing stays suspended, vgck of $KILL_VG (default vgf)
# passes (with KILL_PV_MISSING=1, fails for a missing PV alone).  The job may take KILL_DEADLINE_MS (default 15 min: vdsd's
# recovery after a kill took up to 133 s at load 10).  Sets H and MSG.
tool_killed() {
	local tool=$1 n=$2 what=$3
	shift 3
	local trace=$VDS_TMP/kill.trace got req
	rm -f "$trace"
	echo "$tool kill $n $trace" >"$INJ"
	H=$("$@")
	lap start
	job_follow "$H" "${KILL_DEADLINE_MS:-900000}"
	lap follow
	rm -f "$INJ"
	MSG=$(job_get "$H" ErrorMessage)
	note "$tool killed at ioctl $n ($what): job $JOB_FINAL, \"$MSG\""
	got=$(killed_ioctl "$trace")
	case $what in suspend | resume) req=DM_DEV_SUSPEND ;; *) req=$what ;; esac
	# Known open: some split points land on a status ioctl next to the planned
	# change (the sequence differs from the calibration's); reported in the
	# summary's MISSED line, a failure with VDS_VM_KILL_STRICT=1.
	if [ "$got" != "$n $req" ]; then
		KILL_MISSED+="$tool@$n:$req->${got#* } "
		[ "${VDS_VM_KILL_STRICT:-0}" != 1 ] ||
			check_fail "$tool killed at $n ($what): the killed ioctl is \"$got\", not \"$n $req\""
	fi
	expect_eq "$tool killed at $n ($what): the job fails" "$ST_FAILED" "$JOB_FINAL"
	expect_eq "$tool killed at $n ($what): result TOOL_FAILED" "$R_TOOL_FAILED" "$(job_get "$H" Result)"
	case $MSG in *"signal 9"*) ;; *) check_fail "$tool killed at $n: message \"$MSG\" lacks signal 9" ;; esac
	no_suspended || check_fail "$tool killed at $n ($what): dm devices left suspended: $(dmsetup info -c)"
	# KILL_PV_MISSING=1: a PV of the group is failed on purpose; vgck then
	# fails for that alone ("missing N physical volumes"), and for nothing else
	if ! got=$(lvmq vgck -q "${KILL_VG:-vgf}" 2>&1); then
		if [ "${KILL_PV_MISSING:-0}" = 1 ] &&
			[ -z "$(grep -v -e WARNING -e 'is missing [0-9]* physical volume' <<<"$got")" ]; then
			note "$tool killed at $n ($what): vgck ${KILL_VG:-vgf} fails for the failed PV alone"
		else
			check_fail "$tool killed at $n ($what): vgck ${KILL_VG:-vgf}: $got"
		fi
	fi
	lap vgck
}
