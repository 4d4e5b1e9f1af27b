#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-faults.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh): the
# lvm provider's faults, through SNMP (private snmpd + vdsd "provider lvm"),
# on a volume group "vgf" over /dev/vdd and a device-mapper linear device
# "vdsflt" over /dev/vdc (the PV that fails):
#  1. a disk fails under a mirror mid-sync: the md resync is slowed down,
#     createVolume mirror is started and, during its initial sync, vdsflt
#     is switched to the dm "error" target.  md then ends the resync at
#     "100 %" with the leg dead; the job must fail IO_ERROR naming the
#     failed plex and its disk, the mirror stays in the model as degraded
#     (or failed) for repair, vdsd stays up; after the disk is back (linear
#     again, vgextend --restoremissing, lvchange --refresh) vgck passes and
#     the mirror resyncs to 100 % "AA".
#  1b. a disk pulled out of the running kernel (SCSI hot-unplug of one of
#     two scsi_debug disks of the VG "vgr") during a mirror's initial sync:
#     IO_ERROR naming the plex on that disk, degraded in the model, the
#     volume still readable from the other leg, vdsd up.
#  2. an lvm tool killed mid-operation, at chosen points: a calibration
#     breakVolumePlex runs vdsd's lvconvert under strace and records its
#     ioctls; then, for each device-mapper change it made (table loads,
#     suspends, renames, resumes, removes: the last of each run of one
#     kind, see sample_points; VDS_VM_KILL_POINTS=ends adds the first of
#     each run, =all takes every one, for a long run), a fresh 8 MiB
#     mirror holding a known pattern is split with strace delivering SIGKILL
#     at the entry of exactly that ioctl.  Each killed job must fail
#     TOOL_FAILED ("signal 9"), vdsd's recovery must leave no device
#     suspended, vgck passing, the /dev links right, the data readable from
#     the volume (and from the new one when the split completed), and its
#     message must name the real state: the mirror unchanged, the split
#     completed, or a half split "NEEDS REPAIR" (degraded in the model).
#     VDS_VM_KILL_FAULTS=0 leaves this case (and 3) out; the lane refuses to
#     run without strace (vm-lane.sh).
#  3. extendVolume of a mirror with lvextend killed the same way at each of
#     its dm changes: the job fails TOOL_FAILED, nothing stays suspended,
#     vgck passes, the data reads back, both legs are alive, and the volume
#     has its old or its new size, the same in LVM and in the model.
# Disks: $VDS_FAULT_DISKS (default /dev/vdc,/dev/vdd), wiped.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"
. "$top_srcdir/tests/vm/guest-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
IFS=, read -r D1 D2 <<<"${VDS_FAULT_DISKS:-/dev/vdc,/dev/vdd}"
lvjson() { lvmq lvs --reportformat json -o "$1" "$2" | jq -r ".report[0].lv[0].${1%%,*}"; }
FLT=vdsflt MIB=1048576
# How long a job may take (a deadline, not an expectation): 2 min was too
# short at load 10, where vdsd's recovery after a kill took up to 133 s.
JOB_MS=${VDS_VM_JOB_MS:-900000}
KILL_DEADLINE_MS=$JOB_MS
SECT=$(($(blockdev --getsz "$D1") - 2048))
R_TOOL_FAILED=$(result_code TOOL_FAILED)
R_IO_ERROR=$(result_code IO_ERROR)
C_VOL_HEALTH=$(mib_col VDS_VOL_HEALTH)
vol_health() { inv_value 4 "$C_VOL_HEALTH" "$(inv_index 4 "$C_VOL_NAME" "$1")"; }

flt_table() { # linear|error
	if [ "$1" = linear ]; then echo "0 $SECT linear $D1 2048"; else echo "0 $SECT error"; fi
}
flt_set() { # linear|error: swap the table of the live device
	dmsetup suspend --noflush "$FLT" && dmsetup load "$FLT" --table "$(flt_table "$1")" &&
		dmsetup resume "$FLT"
}
cleanup_storage() {
	local d
	lvmq vgremove -qf vgf >/dev/null 2>&1
	lvmq pvremove -qf "/dev/mapper/$FLT" "$D2" >/dev/null 2>&1
	dmsetup remove "$FLT" 2>/dev/null
	# vgr lost a disk: take its devices down by hand, its metadata goes with the RAM disks
	for d in $(dmsetup ls 2>/dev/null | awk '/^vgr-/ { print $1 }' | sort -r); do
		dmsetup remove -f "$d" 2>/dev/null
	done
	kmod rmmod scsi_debug 2>/dev/null
}
# modprobe/rmmod: kmod's when the host has it, else busybox's (the lane needs busybox)
kmod() { if command -v "$1" >/dev/null; then "$@"; else busybox "$@"; fi; }
# The disks of scsi_debug (RAM disks, a SCSI host of their own each: /sys/devices/pseudo_0/...).
sd_disks() {
	local b
	for b in /sys/block/sd*; do
		case $(readlink -f "$b") in */pseudo_*) echo "/dev/${b##*/}" ;; esac
	done
}
# mirror_syncing PACK NAME: createVolume mirror of 48 MiB on PACK with the md
# resync held (speed limits of 1 KiB/s: md then copies a few KiB a second,
# the sync cannot end before the test acts, however slow the machine);
# returns once the job is in its sync phase (percent 10..99, H: the job) and
# LVM shows the sync in progress.  sync_speed_back releases it.
mirror_syncing() {
	local st pc=0 sync=
	echo 1 >/proc/sys/dev/raid/speed_limit_min
	echo 1 >/proc/sys/dev/raid/speed_limit_max
	H=$(job_handle)
	job_start "$H" 3 ParamPack u "$1" ParamVolumeType i 4 ParamSizeMiB u 48 ParamName s "$2"
	for _ in $(seq 600); do # until the job waits on the sync, at most ~2 min
		read -r st pc <<<"$(job_getn "$H" Status PercentComplete)"
		[ "$st" = "$ST_RUNNING" ] && [ "$pc" -ge 10 ] && break
		job_finished "$H" && break
		sleep 0.2
	done
	[ "$st" != "$ST_RUNNING" ] || sync=$(lvmq lvs --reportformat json -o sync_percent "$3/$2" |
		jq -r '.report[0].lv[0].sync_percent')
	note "mirror job $H ($2) at $pc % (status $st), LVM sync $sync %"
	[ "$st" = "$ST_RUNNING" ] || check_fail "the mirror job $2 was not syncing ($st, $pc %)"
	awk -v s="$sync" 'BEGIN { exit !(s != "" && s + 0 < 100) }' ||
		check_fail "the mirror $3/$2 is not in its initial sync (LVM sync \"$sync\" %)"
}
sync_speed_back() {
	echo "$sl_min" >/proc/sys/dev/raid/speed_limit_min
	echo "$sl_max" >/proc/sys/dev/raid/speed_limit_max
}
vds_up() { vds_get_value "$VDS_ROOT_OID.1.1.1.0" >/dev/null && kill -0 "$VDS_VDSD_PID"; }
# phase NAME: starts a timed part of this test; the times are printed at the
# end, and each one as it ends into $VDS_PHASES (the lane's summary, also on
# a lane timeout, with the part running then in $VDS_PHASES.now).  LAPS: the
# ended phase's own breakdown (lap), printed with it.
PHASE='' PHASE_T0=$(date +%s) PHASE_TIMES='' LAPS=''
phase() {
	local t line
	t=$(date +%s)
	if [ -n "$PHASE" ]; then
		line=$(printf '    %-30s %4s s%s' "$PHASE" $((t - PHASE_T0)) "${LAPS:+ ($LAPS)}")
		PHASE_TIMES+=$line$'\n'
		[ -z "${VDS_PHASES:-}" ] || echo "$line" >>"$VDS_PHASES"
	fi
	PHASE=$1 PHASE_T0=$t LAPS='' LAP_T=$t
	[ -z "${VDS_PHASES:-}" ] || echo "    $PHASE: running since $(date +%T)" >"$VDS_PHASES.now"
	[ -z "$PHASE" ] || note "--- $PHASE"
}
# lap WHAT: adds "WHAT Ns" (the seconds since the last lap) to LAPS
LAP_T=$(date +%s)
lap() {
	local t
	t=$(date +%s)
	LAPS+="${LAPS:+, }$1 $((t - LAP_T))s"
	LAP_T=$t
}

phase setup
cleanup_storage
wipefs -qaf "$D1" "$D2" || fail "wipefs"
# The PV label lives inside vdsflt (2048 sectors in), so /dev/vdc itself shows none.
dmsetup create "$FLT" --table "$(flt_table linear)" || fail "dmsetup create $FLT"
guest_vg vgf "/dev/mapper/$FLT" "$D2"
# vgr: two SCSI RAM disks; one of them is pulled out of the running kernel in case 1b
kmod modprobe sd_mod || fail "modprobe sd_mod"
kmod modprobe scsi_debug dev_size_mb=80 add_host=2 per_host_store=1 || fail "modprobe scsi_debug"
udevadm settle --timeout=20
read -r S1 S2 <<<"$(sd_disks | sort | tr '\n' ' ')"
[ -b "${S1:-}" ] && [ -b "${S2:-}" ] || fail "scsi_debug made no two disks: $(sd_disks | tr '\n' ' ')"
guest_vg vgr "$S1" "$S2"
vds_start_master
vds_write_conf "discovery no" "provider lvm"
vds_start_vdsd -d
vds_on_exit 'cp "$VDS_VDSD_LOG" /vmout/guest-faults-vdsd.log 2>/dev/null'
vds_wait_registered 60000
PACK=$(inv_index 6 "$C_PACK_NAME" vgf) || fail "vgf is not in the pack table"
t=$(now_ms); lvmq lvs vgf >/dev/null; note "one lvs: $(($(now_ms) - t)) ms"
t=$(now_ms); vds_get_value "$VDS_ROOT_OID.1.1.1.0" >/dev/null; note "one snmpget: $(($(now_ms) - t)) ms"
t=$(now_ms); inv_index 6 "$C_PACK_NAME" vgf >/dev/null; note "one inv_index: $(($(now_ms) - t)) ms"

# ---- 1. a disk fails under a mirror mid-sync
phase "1 disk fails mid-sync"
sl_min=$(cat /proc/sys/dev/raid/speed_limit_min) sl_max=$(cat /proc/sys/dev/raid/speed_limit_max)
mirror_syncing "$PACK" mf vgf
note "failing $D1 under the mirror"
sync_before=$(lvjson sync_percent vgf/mf)
flt_set error || fail "cannot switch $FLT to the error target"
sync_speed_back # md ends the resync now, with the leg dead
job_follow "$H" "$JOB_MS"
note "mirror with a failed disk: job ended with status $JOB_FINAL ($(job_getn "$H" ErrorName ErrorMessage)), sync was $sync_before, percents $JOB_PERCENTS"
expect_eq "disk failed mid-sync: the createVolume job fails" "$ST_FAILED" "$JOB_FINAL"
expect_eq "disk failed mid-sync: result IO_ERROR" "$R_IO_ERROR" "$(job_get "$H" Result)"
msg=$(job_get "$H" ErrorMessage)
case $msg in *"plex "[12]" (/dev/mapper/$FLT) failed"*) ;;
*) check_fail "disk failed mid-sync: message \"$msg\" does not name the failed plex on /dev/mapper/$FLT" ;;
esac
h=$(vol_health vgf/mf)
case $h in 3 | 5) ;; *) check_fail "disk failed mid-sync: vgf/mf health in the model is \"$h\", not degraded(3)/failed(5)" ;; esac
note "dmsetup status vgf-mf: $(dmsetup status vgf-mf)"
note "lvs health: $(lvjson lv_health_status,sync_percent vgf/mf)"
vds_up || check_fail "vdsd is not answering after the disk failed"
# the disk comes back: the mirror is refreshed and resyncs
flt_set linear || fail "cannot switch $FLT back to linear"
lvmq vgextend -q --restoremissing vgf "/dev/mapper/$FLT" >/dev/null 2>&1 # when LVM marked it missing
lvmq lvchange -q --refresh vgf/mf || check_fail "lvchange --refresh after the disk came back"
for _ in $(seq 120); do
	[ "$(lvjson sync_percent vgf/mf)" = 100.00 ] && break
	sleep 0.5
done
lvmq vgck -q vgf || check_fail "vgck vgf after the failed disk came back"
expect_eq "disk back: lvs sync" 100.00 "$(lvjson sync_percent vgf/mf)"
expect_eq "disk back: dmsetup status (2 legs, both alive)" "raid1 2 AA" \
	"$(dmsetup status vgf-mf | awk '{print $4, $5, $6}')"
expect_eq "disk back: lvs health" "" "$(lvjson lv_health_status vgf/mf)"

# ---- 1b. a disk pulled out of the kernel under a mirror mid-sync (SCSI hot-unplug)
phase "1b disk removed mid-sync"
PACKR=$(inv_index 6 "$C_PACK_NAME" vgr) || fail "vgr is not in the pack table"
mirror_syncing "$PACKR" mr vgr
note "removing $S2 from the kernel (echo 1 > /sys/block/${S2#/dev/}/device/delete)"
echo 1 >"/sys/block/${S2#/dev/}/device/delete" || fail "cannot delete $S2"
sync_speed_back
job_follow "$H" "$JOB_MS"
msg=$(job_get "$H" ErrorMessage)
note "mirror with a removed disk: job ended with status $JOB_FINAL (\"$msg\"), percents $JOB_PERCENTS"
[ ! -e "$S2" ] || check_fail "$S2 is still there after its removal"
expect_eq "disk removed mid-sync: the createVolume job fails" "$ST_FAILED" "$JOB_FINAL"
expect_eq "disk removed mid-sync: result IO_ERROR" "$R_IO_ERROR" "$(job_get "$H" Result)"
case $msg in *"plex "[12]" ($S2) failed"*) ;;
*) check_fail "disk removed mid-sync: message \"$msg\" does not name the plex on $S2" ;;
esac
h=$(vol_health vgr/mr)
case $h in 3 | 5) ;; *) check_fail "disk removed mid-sync: vgr/mr health in the model is \"$h\", not degraded/failed" ;; esac
note "dmsetup status vgr-mr: $(dmsetup status vgr-mr)"
minor=$(dmsetup info -c --noheadings -o minor vgr-mr)
dd if="/dev/dm-$minor" of=/dev/null bs=1M count=8 iflag=direct status=none ||
	check_fail "vgr/mr cannot be read from its surviving plex"
vds_up || check_fail "vdsd is not answering after the disk was removed"

# ---- 2. lvconvert --splitmirrors killed at chosen points
# The lvm that vdsd runs is wrapped for lvconvert only: a calibration split
# runs under strace and records its ioctls; each kill run then has strace
# deliver SIGKILL at the entry of the Nth ioctl, for N = every
# device-mapper change the calibration made (table loads, suspends,
# renames, resumes, removes): the tool dies with exactly the state that
# change leaves, every time.  The kill run is traced too: its last ioctl must
# be the Nth and the change planned (the same tool on a mirror in the same
# state makes the same calls; this proves it for each run).
vol_index() { inv_index 4 "$C_VOL_NAME" "$1"; }
plex2_of() { # VOLUME_INDEX: the index of its plex 2
	local i
	local -A X=()
	local -a X_rows=()
	inv_load X 5
	for i in "${X_rows[@]}"; do
		[ "${X[$C_PLEX_VOL.$i]}" = "$1" ] && [ "${X[$C_PLEX_NUMBER.$i]}" = 2 ] && echo "$i" && return
	done
	fail "no plex 2 of volume $1"
}
mirror_new() { # NAME: an 8 MiB mirror through vdsd, in sync, with a known pattern on it
	local h
	h=$(job_handle)
	job_start "$h" 3 ParamPack u "$PACK" ParamVolumeType i 4 ParamSizeMiB u 8 ParamName s "$1"
	[ "$(job_wait "$h" "$JOB_MS")" = "$ST_SUCCEEDED" ] || fail "mirror $1: $(job_getn "$h" ErrorMessage)"
	lap create
	dd if="$VDS_TMP/pattern" of="/dev/vgf/$1" bs=1M oflag=direct status=none || fail "write $1"
}
# same_data LV: the kernel's device of vgf/LV (by its dm minor, not a /dev link) holds the pattern
same_data() {
	local minor
	minor=$(dmsetup info -c --noheadings -o minor "vgf-$1") || return 1
	cmp -s -n 1048576 "$VDS_TMP/pattern" "/dev/dm-$minor"
}
devno() { # PATH: "MAJOR:MINOR" of the device PATH leads to
	local hex
	hex=$(stat -L -c '%t %T' "$1" 2>/dev/null) || return 1
	set -- $hex
	printf '%d:%d' "0x$1" "0x$2"
}
# node_ok LV: /dev/vgf/LV and /dev/mapper/vgf-LV lead to that device
node_ok() {
	local want
	want=$(dmsetup info -c --noheadings --separator : -o major,minor "vgf-$1") || return 1
	[ "$(devno "/dev/vgf/$1")" = "$want" ] && [ "$(devno "/dev/mapper/vgf-$1")" = "$want" ]
}
split_start() { # NAME: breakVolumePlex of vgf/NAME plex 2 into NAME-b; prints the handle
	local v h
	v=$(vol_index "vgf/$1") || fail "vgf/$1 is not in the volume table"
	h=$(job_handle)
	job_start "$h" 6 ParamVolume u "$v" ParamPlex u "$(plex2_of "$v")" ParamName s "$1b"
	echo "$h"
}
# The kill points, from the calibration's dm changes ("N KIND" lines):
#  last (the lane's default): the last change of each run of one kind.
#    Killed there, the tool leaves every change of the run but one made:
#    the mixed state (some devices suspended and some not, some tables
#    loaded, the metadata before or after its commit, which falls between
#    runs) that recovery must settle in the right order.  A kill inside a
#    run leaves fewer devices in the same state, settled by the same code;
#    the first change of a run leaves the state the previous run's last
#    point left plus that one change.  Measured with lvm2 2.03.16 (split:
#    load 2, suspend 5, rename, resume, rename, resume 4, remove 3;
#    extend: load, resume, load, resume, load, suspend 2+, resume 2+), the
#    "ends" points this leaves out recovered the way the last point of
#    their run does (the same message, with fewer tables dropped or devices
#    resumed): the split's first load (nothing to undo), first suspend
#    (not committed: tables dropped, as at the last suspend, which also
#    resumes), first of the 4 resumes (committed: resumed, split finished)
#    and first remove (split finished); the extend's first suspend (not
#    committed) and first resume (committed: the new size).  Split 11 -> 7
#    points, extend 9 -> 7.
#  ends: the first and the last of each run (the lane's points until
#    2026-12; VDS_VM_KILL_POINTS=ends).
#  all: every change (VDS_VM_KILL_POINTS=all, the long run).
sample_points() {
	case ${VDS_VM_KILL_POINTS:-last} in
	all) cat ;;
	ends) awk '{ k[NR] = $2; l[NR] = $0 }
			END { for (i = 1; i <= NR; i++) if (k[i] != k[i - 1] || k[i] != k[i + 1]) print l[i] }' ;;
	last) awk '{ k[NR] = $2; l[NR] = $0 } END { for (i = 1; i <= NR; i++) if (k[i] != k[i + 1]) print l[i] }' ;;
	*) fail "VDS_VM_KILL_POINTS=$VDS_VM_KILL_POINTS: want last, ends or all" ;;
	esac
}
# intact LV: vgf/LV is a mirror as mirror_new leaves it (both legs alive, in
# sync, two plexes in the model, the pattern on it): a kill that left the
# mirror unchanged hands it to the next kill point (no new mirror).
# (the kill's own checks saw the plexes, the data and the device nodes)
intact() {
	dmsetup status "vgf-$1" | awk '{ split($7, s, "/") }
		END { exit !($4 == "raid1" && $5 == 2 && $6 == "AA" && s[1] == s[2] && $8 == "idle") }'
}
# kill_at N WHAT: the split killed at ioctl N (WHAT: the change it was about
# to make), of the mirror the last kill left unchanged ($SPARE) or a new one.
SPARE=
kill_at() {
	local n=$1 what=$2 lv=${SPARE:-k$1} msg segtype lvs st h left
	if [ -n "$SPARE" ]; then
		note "split of vgf/$lv, which the last kill left unchanged"
	else
		mirror_new "$lv"
		lap write
	fi
	SPARE=
	tool_killed lvconvert "$n" "$what" split_start "$lv"
	msg=$MSG
	# one report: vgf/LV's segment type and the LVs named LV...
	read -r segtype lvs <<<"$(lvmq lvs --reportformat json -o lv_name,segtype vgf | jq -r --arg lv "$lv" \
		'[.report[0].lv[] | select(.lv_name | startswith($lv))] | sort_by(.lv_name) |
		"\((.[] | select(.lv_name == $lv) | .segtype) // "none") \([.[].lv_name] | join(" "))"')"
	note "after the kill at $n: vgf/$lv $segtype, LVs \"$lvs\""
	case "$segtype/$lvs" in
	"raid1/$lv")
		st=unchanged
		case $msg in *"the mirror is unchanged"*) ;;
		*) check_fail "killed at $n: mirror intact, message does not say so: \"$msg\"" ;; esac
		expect_eq "killed at $n: plexes in the model" 2 "$(inv_value 4 "$C_VOL_PLEXES" "$(vol_index "vgf/$lv")")"
		expect_eq "killed at $n: dm-raid legs" 2 "$(dmsetup status "vgf-$lv" | awk '{print $5}')"
		;;
	"linear/$lv ${lv}b")
		st="split"
		case $msg in *"the split completed"*) ;;
		*) check_fail "killed at $n: split done, message does not say so: \"$msg\"" ;; esac
		vol_index "vgf/${lv}b" >/dev/null || check_fail "killed at $n: vgf/${lv}b is not in the model"
		same_data "${lv}b" || check_fail "killed at $n: vgf/${lv}b does not hold the mirror's data"
		;;
	*)
		st=half
		case $msg in *"NEEDS REPAIR"*) ;;
		*) check_fail "killed at $n: half split ($segtype/$lvs) not reported as needing repair: \"$msg\"" ;; esac
		h=$(vol_health "vgf/$lv")
		case $h in 3 | 5) ;; *) check_fail "killed at $n: half split, health in the model \"$h\"" ;; esac
		;;
	esac
	same_data "$lv" || check_fail "killed at $n ($what): vgf/$lv does not read back the data written before"
	node_ok "$lv" || check_fail "killed at $n ($what): /dev/vgf/$lv or /dev/mapper/vgf-$lv is not vgf/$lv's device"
	[ "$st" != split ] || node_ok "${lv}b" || check_fail "killed at $n ($what): the device nodes of vgf/${lv}b are wrong"
	KILL_STATES+="$n:$what:$st "
	lap checks
	if [ "$st" = unchanged ] && intact "$lv"; then
		SPARE=$lv
		return 0
	fi
	drop_lvs "$lv" "killed at $n ($what)"
	lap lvremove
}
# drop_lvs LV WHAT: removes vgf/LV and its split-off LVs; nothing of them may
# stay behind in the kernel
drop_lvs() {
	local h left
	for h in $(lvmq lvs --reportformat json -o lv_name vgf |
		jq -r ".report[0].lv[].lv_name | select(startswith(\"$1\"))"); do
		lvmq lvremove -qf "vgf/$h" >/dev/null 2>&1
	done
	left=$(dmsetup ls | awk -v p="vgf-$1" 'index($1, p) == 1 { print $1 }')
	[ -z "$left" ] || check_fail "$2: dm devices left after lvremove: $left"
}
# extend_start LV: extendVolume +8 MiB of vgf/LV; prints the handle.
extend_start() {
	local h
	h=$(job_handle)
	job_start "$h" 11 ParamVolume u "$(vol_index "vgf/$1")" ParamSizeMiB u 8
	echo "$h"
}
# extend_killed_at N WHAT: extendVolume +8 MiB of an 8 MiB mirror (the one
# the last kill left at 8 MiB and intact, $XSPARE, or a new one), lvextend
# killed at ioctl N.
XSPARE=
extend_killed_at() {
	local n=$1 what=$2 lv=${XSPARE:-x$1} size legs
	if [ -n "$XSPARE" ]; then
		note "extend of vgf/$lv, which the last kill left at 8 MiB"
	else
		mirror_new "$lv"
		lap write
	fi
	XSPARE=
	tool_killed lvextend "$n" "$what" extend_start "$lv"
	size=$(lvmq lvs --reportformat json --units b --nosuffix -o lv_size "vgf/$lv" | jq -r '.report[0].lv[0].lv_size')
	legs=$(dmsetup status "vgf-$lv" | awk '{ print $4, $5, $6 }' | sort -u | tr '\n' ' ')
	note "after the kill at $n: size $size, dm-raid $legs"
	case $size in $((8 * MIB)) | $((16 * MIB))) ;; *) check_fail "extend killed at $n: size $size is neither 8 nor 16 MiB" ;; esac
	expect_eq "extend killed at $n: the model has LVM's size" "$size" \
		"$(inv_value 4 "$C_VOL_SIZE" "$(vol_index "vgf/$lv")")"
	case $legs in "raid1 2 AA "*) ;; *) check_fail "extend killed at $n: dm-raid is \"$legs\", not 2 legs alive" ;; esac
	same_data "$lv" || check_fail "extend killed at $n ($what): vgf/$lv does not read back its data"
	node_ok "$lv" || check_fail "extend killed at $n ($what): the device nodes of vgf/$lv are wrong"
	XSTATES+="$n:$what:$((size / MIB)) "
	lap checks
	if [ "$size" = $((8 * MIB)) ] && intact "$lv"; then
		XSPARE=$lv
		return 0
	fi
	drop_lvs "$lv" "extend killed at $n ($what)"
	lap lvremove
}
if [ "${VDS_VM_KILL_FAULTS:-1}" = 1 ]; then
	dd if=/dev/urandom of="$VDS_TMP/pattern" bs=1M count=1 status=none
	phase "2 calibration split"
	lvm_wrap
	mirror_new cal
	echo "lvconvert trace $VDS_TMP/cal.trace" >"$INJ"
	H=$(split_start cal)
	[ "$(job_wait "$H" "$JOB_MS")" = "$ST_SUCCEEDED" ] || fail "calibration split: $(job_getn "$H" ErrorMessage)"
	same_data calb || check_fail "calibration split: vgf/calb does not hold the mirror's data"
	mapfile -t POINTS < <(dm_changes "$VDS_TMP/cal.trace")
	note "calibration: lvconvert made $(grep -c ' ioctl(' "$VDS_TMP/cal.trace") ioctls, dm changes at: ${POINTS[*]}"
	[ "${#POINTS[@]}" -ge 4 ] || fail "the calibration trace shows only ${#POINTS[@]} dm changes"
	# the kills run with the VG as the calibration had it: lvconvert makes one
	# status ioctl per LV, so vgf/cal and calb left there shift every point
	drop_lvs cal "after the calibration split"
	mapfile -t POINTS < <(printf '%s\n' "${POINTS[@]}" | sample_points)
	KILL_STATES=
	for p in "${POINTS[@]}"; do
		phase "2 split killed at ${p// /:}"
		# shellcheck disable=SC2086 # "N WHAT"
		kill_at $p
	done
	[ -z "$SPARE" ] || drop_lvs "$SPARE" "the last split kill"
	note "kill points (ioctl:change:state after recovery): $KILL_STATES"
	vds_up || check_fail "vdsd is not answering after the kills"

	# ---- 3. lvextend of a mirror killed at chosen points: the volume keeps its data and
	# is either its old or its new size, in the kernel, LVM and the model alike
	phase "3 calibration extend"
	mirror_new xcal
	echo "lvextend trace $VDS_TMP/ext.trace" >"$INJ"
	H=$(extend_start xcal)
	[ "$(job_wait "$H" "$JOB_MS")" = "$ST_SUCCEEDED" ] || fail "calibration extend: $(job_getn "$H" ErrorMessage)"
	mapfile -t XPOINTS < <(dm_changes "$VDS_TMP/ext.trace" | sample_points)
	note "extend calibration: dm changes at ${XPOINTS[*]}"
	drop_lvs xcal "after the calibration extend"
	[ "${#XPOINTS[@]}" -ge 2 ] || fail "the extend trace shows only ${#XPOINTS[@]} dm changes"
	XSTATES=
	for p in "${XPOINTS[@]}"; do
		phase "3 extend killed at ${p// /:}"
		# shellcheck disable=SC2086 # "N WHAT"
		extend_killed_at $p
	done
	[ -z "$XSPARE" ] || drop_lvs "$XSPARE" "the last extend kill"
	note "extend kill points (ioctl:change:size MiB after recovery): $XSTATES"
	vds_up || check_fail "vdsd is not answering after the extend kills"
else
	note "*** NOT RUN: lvm tool killed mid-operation (VDS_VM_KILL_FAULTS=0)"
fi
# the model follows the volume group again after the next job (a no-op refusal does not count)
phase "job after the faults"
run_ok=$(job_handle)
job_start "$run_ok" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 8 ParamName s after
job_follow "$run_ok" 60000
expect_eq "a job after the faults succeeds" "$ST_SUCCEEDED" "$JOB_FINAL"
lvmq vgck -q vgf || check_fail "vgck vgf at the end"

vds_stop_vdsd
cleanup_storage
phase ""
rm -f "${VDS_PHASES:-/nonexistent}.now"
if [ -n "${KILL_MISSED:-}" ]; then
	note "MISSED kill points (planned change -> the ioctl the tool was killed at): $KILL_MISSED"
	[ -z "${VDS_PHASES:-}" ] || echo "    MISSED kill points: $KILL_MISSED" >>"$VDS_PHASES"
fi
note "guest-faults times:"
printf '%s' "$PHASE_TIMES"
vds_finish
