#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-all.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh -n 4):
# every real-kernel test, one after the other, on the guest's virtio disks
# (each test wipes the disks it is given):
#   guest-lvm.sh     every lvm operation end to end through SNMP (vda, vdb)
#   test_basic_disk  basic provider contract suite + partition/shrink tests
#                    on /dev/vdc, a real disk with kernel partition devices
#   test_lvm_disk    lvm provider contract suite (volumes) on /dev/vdc,/dev/vdd
#   guest-faults.sh  disk failing under a mirror mid-sync, lvconvert killed
#                    (vdc, vdd)
#   guest-fsops.sh   basic format/extend/deleteVolume/clean through SNMP on
#                    /dev/vdc, tools by hand on /dev/vdd for the times
#   guest-vdiskops.sh expandVDisk/compactVDisk on ext4 (vdd), nbd for VHDs
#   guest-plex.sh    raid5 and the plex jobs (add, remove, repair) on lvm
#                    (vda, vdb, vdd and a dm device)
#   guest-health.sh  disk health of emulated NVMe and ATA disks against
#                    nvme-cli and smartctl (tests/vm/health-devices.sh)
# A test that skips here counts as a failure: the guest has what they need.
# Prints one line per test with its time and, for a failed one, its first
# failures (also into /vmout/summary: run.sh prints it last); exit 0 only
# when all passed.  VDS_VM_PARTS (a list of the names below) runs only
# those parts, and then exits 1 (not a whole lane).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
[ "${VDS_VM:-}" = 1 ] || { echo "guest-all: runs only inside the VM lane"; exit 77; }
failed=0 notrun=0 summary=

# reasons LOG: the first failures a test printed (shell tests' FAIL lines,
# CUnit's failed tests and assertions, sanitizer summaries), at most 8:
# what a reader needs, without the leak traces around them.
reasons() {
	grep -E '^FAIL: |\.\.\.FAILED|^ +[0-9]+\. [^ ]+:[0-9]+ +- |^SUMMARY: [A-Za-z]+Sanitizer|runtime error:|SKIP' "$1" |
		head -n 8 | cut -c1-200 | sed 's/^/      /'
}

# The summary is written as the parts end, and the part that runs is in
# /vmout/running (with the phases it has ended in /vmout/phases-NAME): when
# the lane times out, run.sh still prints what finished and what was running.
: >/vmout/summary
# every part's job_time lines (tests/integration/jobs-lib.sh), for the table at the end
export VDS_TIMES=/vmout/times
: >"$VDS_TIMES"

# fresh_disks: what an earlier part left on the virtio disks goes before
# the next part starts (each part wipes the disks it is given, but a part
# that fails halfway, or that uses a disk another part used, must not meet
# active volume groups, device-mapper devices, mounts or signatures).
fresh_disks() {
	local d
	awk '$1 ~ /^\/dev\/(vd|mapper|nbd)/ { print $2 }' /proc/mounts | sort -r |
		while read -r d; do umount "$d" 2>/dev/null; done
	vgchange -an >/dev/null 2>&1
	dmsetup remove_all --force >/dev/null 2>&1
	for d in /dev/vd[a-z]; do
		[ -b "$d" ] && wipefs -a -q "$d" >/dev/null 2>&1
	done
	udevadm settle 2>/dev/null
}

step() { # NAME ENV... -- CMD...
	local name=$1 t0 rc log=/vmout/part-$1.log phases=/vmout/phases-$1 line
	shift
	# VDS_VM_PARTS="guest-faults.sh ...": only those parts (a developer's
	# rerun of one part; the lane runs all); the others are listed NOT RUN
	# and the guest fails, so that such a run never passes for a lane
	case " ${VDS_VM_PARTS:-$name} " in *" $name "*) ;; *)
		line="$(printf '  %-16s NOT RUN (VDS_VM_PARTS)' "$name")"$'\n'
		summary+=$line
		printf '%s' "$line" >>/vmout/summary
		notrun=$((notrun + 1))
		return 0
		;;
	esac
	t0=$(date +%s)
	echo "=== vm test: $name ($(cut -d' ' -f1-3 /proc/loadavg) load)"
	printf '  %-16s RUNNING  since %s (guest clock), load %s\n' "$name" "$(date +%T)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" >/vmout/running
	: >"$phases"
	fresh_disks
	# stdin /dev/null: a tool that asks (lvcreate's "Wipe it? [y/n]") gets
	# no answer and fails, instead of waiting for the lane's timeout
	env VDS_PHASES="$phases" "$@" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	rm -f /vmout/running
	line="$(printf '  %-16s %-8s %4s s' "$name" "$([ "$rc" = 0 ] && echo PASS || echo "FAIL($rc)")" \
		$(($(date +%s) - t0)))"$'\n'
	[ -s "$phases" ] && line+="$(cat "$phases")"$'\n'
	[ "$rc" = 0 ] || line+="$(reasons "$log")"$'\n'
	[ "$rc" = 0 ] || failed=$((failed + 1))
	summary+=$line
	printf '%s' "$line" >>/vmout/summary
}

# md resyncs at full speed (the default minimum, 1 MB/s, is what md falls
# back to when the disk is busy: a 64 MiB mirror then syncs for a minute);
# guest-faults slows it down itself where it needs a sync in progress.
echo 200000 >/proc/sys/dev/raid/speed_limit_min 2>/dev/null
# Job and event waits poll at 0.25 s, not the default 0.02-0.03: each poll is
# an SNMP client that takes the guest's CPU from the job it waits for.
export VDS_POLL_S=0.25
# The guest's CPU is emulated (TCG) and shares a loaded host: it stalls for
# seconds (vdsd's loop saw a 2 s gap at host load 9, and a walk through the
# master, 3 tries of 1 s with an AgentX wait of 2 s, failed for it).  A
# client here waits 10 s per try and the master 10 s for vdsd: an answer
# late by the machine's speed is no failure; a missing one still fails.
export VDS_SNMP_TIMEOUT=10 VDS_AGENTX_TIMEOUT=10

step guest-lvm.sh "$top_srcdir/tests/vm/guest-lvm.sh"
step test_basic_disk VDS_TEST_DISKS=/dev/vdc "$top_builddir/tests/unit/test_basic_disk"
step test_lvm_disk VDS_TEST_DISKS=/dev/vdc,/dev/vdd "$top_builddir/tests/unit/test_lvm_disk"
step guest-faults.sh VDS_FAULT_DISKS=/dev/vdc,/dev/vdd "$top_srcdir/tests/vm/guest-faults.sh"
step guest-fsops.sh "$top_srcdir/tests/vm/guest-fsops.sh"
step guest-pack.sh "$top_srcdir/tests/vm/guest-pack.sh"
step guest-vdiskops.sh VDS_VDISKOPS_DISK=/dev/vdd "$top_srcdir/tests/vm/guest-vdiskops.sh"
step guest-plex.sh "$top_srcdir/tests/vm/guest-plex.sh"
step guest-health.sh "$top_srcdir/tests/vm/guest-health.sh"
echo "vm tests:"
printf '%s' "$summary"
# The table: each job type's time through SNMP against the same tool by
# hand, grouped by type; the MIB's types with no line are named.
times_table() {
	local t missing=
	echo "job times in this guest, through SNMP against the same tool by hand:"
	sort -s -k2,2 "$VDS_TIMES" | sed 's/^TIME /  /'
	for t in $(sed -n '/^VdsJobType ::=/,/^ *}/s/^ *\([a-zA-Z]*\)([0-9]*),*$/\1/p' \
		"$top_srcdir/mibs/VDS-MIB.txt"); do
		[ "$t" = none ] || grep -q "^TIME $t " "$VDS_TIMES" || missing+=" $t"
	done
	echo "  job types with no time here:${missing:- none}"
}
times_table | tee -a /vmout/summary
[ "$notrun" = 0 ] || echo "vm tests: $notrun part(s) NOT RUN (VDS_VM_PARTS=$VDS_VM_PARTS): not a lane run"
exit $((failed + notrun > 0))
