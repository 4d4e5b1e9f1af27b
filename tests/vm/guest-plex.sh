#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-plex.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh -n 4):
# the lvm provider's plex jobs and parity volumes through SNMP on a volume
# group "vgp" over /dev/vda, /dev/vdb, /dev/vdd and two device-mapper linear
# devices "vdsplx" and "vdsplx2" over the halves of /dev/vdc (the disks that
# fail):
#   createVolume parity(5), ParityCount 1 (raid5 on 3 disks): lvs segtype
#     raid5, 2 data stripes, dmsetup "raid5_ls 3 AAA";
#   addVolumePlex: a simple volume holding a pattern gets a leg on vdb:
#     raid1, "raid1 2 AA", in sync, vdsJobOutPlex is plex 2, data intact;
#   removeVolumePlex: the leg on vdb goes: linear again, data intact;
#   repairVolumePlex: the fault -- a leg on vdsplx is switched to the dm
#     "error" target and written to until md fails it (plex failed in the
#     model); the job rebuilds it onto vdd: "raid1 2 AA", data intact.
#   a leg failing mid-sync: with md's resync held (1 KiB/s), an
#     addVolumePlex onto "vdsplx2" and then a repairVolumePlex of that
#     failed leg onto "vdsplx" each see their target switched to the
#     "error" target while md copies onto it: the job fails IO_ERROR
#     saying which plex failed, the model shows it failed, the data reads
#     back; a repair onto vdd then brings the mirror back ("raid1 2 AA").
#   one kill each: addVolumePlex, removeVolumePlex and repairVolumePlex
#     (of a leg on vdsplx failed) of an 8 MiB volume with vdsd's lvconvert
#     killed (strace, guest-lib.sh) at the last suspend its calibration run
#     made (devices suspended, the new tables loaded): the job fails TOOL_FAILED, vdsd's recovery leaves nothing
#     suspended, vgck passes, the data reads back, the device nodes are
#     right, and the model's plexes are LVM's legs.
# vdsd does not rescan LVM on its own (only at start and after its jobs):
# the failed leg is seen after a restart of vdsd.
# Each prints the job's time through SNMP and the same lvm tool run by hand
# on the same sizes (repair by hand: lvconvert --replace of a healthy leg,
# the same full-leg resync).  raid6 needs 5 disks: only the sim runs it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"
. "$top_srcdir/tests/vm/guest-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
lvjson() { lvmq lvs --reportformat json -o "$1" "$2" | jq -r ".report[0].lv[0].${1%%,*}"; }
dmst() { dmsetup status "$1" | awk '{print $4, $5, $6}'; }
FLT=vdsplx FLT2=vdsplx2 DC=/dev/vdc
SECT=$((($(blockdev --getsz "$DC") - 2048) / 2))
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE)
C_PLEX_HEALTH=$(mib_col VDS_PLEX_HEALTH)
flt_table() { # linear|error [DEVICE]: the table of a fault device (vdsplx: vdc's first half)
	local start=2048
	[ "${2:-$FLT}" = "$FLT2" ] && start=$((2048 + SECT))
	if [ "$1" = linear ]; then echo "0 $SECT linear $DC $start"; else echo "0 $SECT error"; fi
}
flt_set() { # linear|error [DEVICE]
	local d=${2:-$FLT}
	dmsetup suspend --noflush "$d" && dmsetup load "$d" --table "$(flt_table "$1" "$d")" &&
		dmsetup resume "$d"
}
sl_min=$(cat /proc/sys/dev/raid/speed_limit_min) sl_max=$(cat /proc/sys/dev/raid/speed_limit_max)
sync_release() {
	echo "$sl_min" >/proc/sys/dev/raid/speed_limit_min
	echo "$sl_max" >/proc/sys/dev/raid/speed_limit_max
}
cleanup_storage() {
	sync_release
	flt_set linear 2>/dev/null
	flt_set linear "$FLT2" 2>/dev/null
	lvmq vgremove -qf vgp >/dev/null 2>&1
	lvmq pvremove -qf /dev/vda /dev/vdb /dev/vdd "/dev/mapper/$FLT" "/dev/mapper/$FLT2" >/dev/null 2>&1
	dmsetup remove "$FLT" 2>/dev/null
	dmsetup remove "$FLT2" 2>/dev/null
}
vds_on_exit cleanup_storage
cleanup_storage
wipefs -qaf /dev/vda /dev/vdb "$DC" /dev/vdd || fail "wipefs"
dmsetup create "$FLT" --table "$(flt_table linear "$FLT")" || fail "dmsetup create $FLT"
dmsetup create "$FLT2" --table "$(flt_table linear "$FLT2")" || fail "dmsetup create $FLT2"
guest_vg vgp /dev/vda /dev/vdb /dev/vdd "/dev/mapper/$FLT" "/dev/mapper/$FLT2"
vds_start_master
vds_write_conf "discovery yes" "provider lvm"
vds_start_vdsd
vds_wait_registered 60000
PACK=$(inv_index 6 "$C_PACK_NAME" vgp) || fail "vgp is not in the pack table"
disk() { wait_for 10000 inv_index 2 "$C_DISK_DEVNODE" "$1" >/dev/null && inv_index 2 "$C_DISK_DEVNODE" "$1"; }
DA=$(disk /dev/vda) DB=$(disk /dev/vdb) DD=$(disk /dev/vdd)
[ -n "$DA" ] && [ -n "$DB" ] && [ -n "$DD" ] || fail "vda/vdb/vdd not in the disk table"
# the fault devices are disks to vdsd too (device-mapper, but no LVM volume)
dmdisk() { disk "/dev/dm-$(dmsetup info -c --noheadings -o minor "$1" | tr -d ' ')"; }
DF=$(dmdisk "$FLT") DF2=$(dmdisk "$FLT2")
[ -n "$DF" ] && [ -n "$DF2" ] || fail "$FLT/$FLT2 not in the disk table"

run_job() { # WHAT TYPE [COLUMN T V]...: JOB_FINAL, JOB_MS, H
	job_run 300000 "${@:2}"
	note "$1: job $H ended $JOB_FINAL in $JOB_MS ms, percents: $JOB_PERCENTS"
	job_expect_ok "$1"
}
plex_of() { # VOLUME NUMBER
	local -A X=()
	local -a X_rows=()
	vds_load X 5 || return 1
	for i in "${X_rows[@]}"; do
		[ "${X[$C_PLEX_VOL.$i]}" = "$1" ] && [ "${X[$C_PLEX_NUMBER.$i]}" = "$2" ] && echo "$i"
	done
}
dd if=/dev/urandom of=/run/plex.pat bs=1M count=8 status=none
pat_write() { dd if=/run/plex.pat of="$1" bs=1M oflag=direct conv=fsync status=none; }
pat_same() { cmp -n $((8 * 1048576)) /run/plex.pat "$1" >/dev/null; }

# ---- parity: raid5 on vda, vdb, vdd
run_job "createVolume raid5" 3 ParamPack u "$PACK" ParamVolumeType i 5 ParamParityCount u 1 \
	ParamSizeMiB u 24 ParamStripeKiB u 64 ParamDisks s "$DA,$DB,$DD" ParamName s r5
expect_eq "raid5: lvs segtype" raid5 "$(lvjson segtype vgp/r5)"
expect_eq "raid5: lvs stripes (2 data + 1 parity)" 3 "$(lvmq lvs --noheadings -o stripes vgp/r5 | tr -d ' ')"
expect_eq "raid5: dmsetup (3 devices alive)" "raid5_ls 3 AAA" "$(dmst vgp-r5)"
V5=$(inv_index 4 "$C_VOL_NAME" vgp/r5)
expect_eq "raid5: model type parity" 5 "$(inv_value 4 "$C_VOL_TYPE" "$V5")"
R5_MS=$JOB_MS R5_H=$H
t0=$(now_ms)
lvmq lvcreate -y -W n --type raid5 -i 2 -I 64k -L 24m -n h5 vgp /dev/vda /dev/vdb /dev/vdd >/dev/null &&
	wait_synced vgp/h5
job_time createVolume "raid5 24 MiB, 3 disks (lvm)" "$R5_MS" "$(($(now_ms) - t0))" "lvcreate --type raid5" "$R5_H"
lvmq lvremove -qf vgp/h5 >/dev/null

# ---- addVolumePlex: simple pm on vda + a leg on vdb
run_job "createVolume simple" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 32 \
	ParamDisks s "$DA" ParamName s pm
VM=$(inv_index 4 "$C_VOL_NAME" vgp/pm)
pat_write /dev/vgp/pm
run_job "addVolumePlex" 12 ParamVolume u "$VM" ParamDisks s "$DB"
ADD_MS=$JOB_MS ADD_H=$H
expect_eq "add: lvs segtype" raid1 "$(lvjson segtype vgp/pm)"
expect_eq "add: dmsetup (2 legs alive)" "raid1 2 AA" "$(dmst vgp-pm)"
expect_eq "add: in sync" 100.00 "$(lvjson sync_percent vgp/pm)"
expect_eq "add: vdsJobOutPlex is plex 2" "$(plex_of "$VM" 2)" "$(job_get "$H" OutPlex)"
pat_same /dev/vgp/pm || check_fail "add: data changed"
lvmq lvcreate -y -W n -L 32m -n hm vgp /dev/vda >/dev/null
t0=$(now_ms)
lvmq lvconvert -y --type raid1 -m 1 vgp/hm /dev/vdb >/dev/null && wait_synced vgp/hm
job_time addVolumePlex "32 MiB linear -> 2-leg mirror (lvm)" "$ADD_MS" "$(($(now_ms) - t0))" \
	"lvconvert --type raid1 -m 1, sync" "$ADD_H"

# ---- removeVolumePlex: the leg on vdb
run_job "removeVolumePlex" 13 ParamVolume u "$VM" ParamPlex u "$(plex_of "$VM" 2)"
expect_eq "remove: lvs segtype" linear "$(lvjson segtype vgp/pm)"
pat_same /dev/vgp/pm || check_fail "remove: data changed"
RM_MS=$JOB_MS RM_H=$H
t0=$(now_ms)
lvmq lvconvert -y -m 0 vgp/hm /dev/vdb >/dev/null
job_time removeVolumePlex "32 MiB 2-leg mirror -> linear (lvm)" "$RM_MS" "$(($(now_ms) - t0))" "lvconvert -m 0" "$RM_H"

# ---- repairVolumePlex: a leg on vdsplx fails, rebuilt onto vdd
lvmq lvconvert -y --type raid1 -m 1 vgp/pm "/dev/mapper/$FLT" >/dev/null || fail "leg on $FLT"
wait_synced vgp/pm || fail "pm did not sync"
flt_set error || fail "cannot fail $FLT"
dd if=/run/plex.pat of=/dev/vgp/pm bs=1M count=1 oflag=direct status=none
# vdsd scans LVM at start and after its own jobs only: the leg added by hand
# and its failure are seen after a restart
vds_stop_vdsd
vds_start_vdsd
vds_wait_registered 60000
VM=$(inv_index 4 "$C_VOL_NAME" vgp/pm)
leg_failed() { [ "$(inv_value 5 "$C_PLEX_HEALTH" "$(plex_of "$VM" 2)")" = 5 ]; }
wait_for 60000 leg_failed || check_fail "repair: the leg on $FLT is not failed in the model: $(dmst vgp-pm)"
run_job "repairVolumePlex" 14 ParamVolume u "$VM" ParamPlex u "$(plex_of "$VM" 2)" ParamDisks s "$DD"
REP_MS=$JOB_MS REP_H=$H
expect_eq "repair: dmsetup (2 legs alive)" "raid1 2 AA" "$(dmst vgp-pm)"
case "$(lvmq lvs -a --noheadings -o devices vgp | tr -d ' ')" in
*/dev/vdd*) ;;
*) check_fail "repair: no leg on /dev/vdd" ;;
esac
pat_same /dev/vgp/pm || check_fail "repair: data changed"
flt_set linear
lvmq lvconvert -y --type raid1 -m 1 vgp/hm /dev/vdb >/dev/null && wait_synced vgp/hm
t0=$(now_ms)
lvmq lvconvert -y --replace /dev/vdb vgp/hm /dev/vdd >/dev/null && wait_synced vgp/hm
job_time repairVolumePlex "32 MiB mirror, 1 leg (lvm)" "$REP_MS" "$(($(now_ms) - t0))" \
	"lvconvert --replace of a healthy leg, resync" "$REP_H"

# ---- a leg failing mid-sync: md's resync held at 1 KiB/s, so the target
# fails while md is still copying onto it, however slow the machine
R_IO_ERROR=$(result_code IO_ERROR)
sync_hold() {
	echo 1 >/proc/sys/dev/raid/speed_limit_min
	echo 1 >/proc/sys/dev/raid/speed_limit_max
}
# syncing H LV: job H waits on its sync (running, 10..99 %) and LVM shows LV's sync under way
syncing() {
	local st='' pc=0 sync
	for _ in $(seq 1500); do # the job reaches its sync phase within ~5 min
		read -r st pc <<<"$(job_getn "$1" Status PercentComplete)"
		[ "$st" = "$ST_RUNNING" ] && [ "$pc" -ge 10 ] && break
		job_finished "$1" && break
		sleep 0.2
	done
	sync=$(lvjson sync_percent "$2")
	note "job $1 at $pc % ($st), LVM sync $sync %"
	[ "$st" = "$ST_RUNNING" ] && awk -v s="$sync" 'BEGIN { exit !(s != "" && s + 0 < 100) }'
}
leg2_failed() { [ "$(inv_value 5 "$C_PLEX_HEALTH" "$(plex_of "$(inv_index 4 "$C_VOL_NAME" vgp/fs)" 2)")" = 5 ]; }
# midsync WHAT DEVICE: job H syncs onto DEVICE, which fails; the job must fail IO_ERROR
midsync() {
	local msg
	syncing "$H" vgp/fs || check_fail "$1: the job was not syncing onto $2"
	flt_set error "$2" || fail "cannot fail $2"
	pat_write /dev/vgp/fs # the same bytes: md writes every leg, and fails the dead one at once
	sync_release
	job_follow "$H" 300000
	msg=$(job_get "$H" ErrorMessage)
	note "$1, $2 failed mid-sync: job $JOB_FINAL, \"$msg\""
	expect_eq "$1, $2 failed mid-sync: the job" "$ST_FAILED $R_IO_ERROR" "$JOB_FINAL $(job_get "$H" Result)"
	case $msg in *degraded*"plex 2"*failed*) ;; *) check_fail "$1: the message does not name plex 2 failed" ;; esac
	pat_same /dev/vgp/fs || check_fail "$1, $2 failed mid-sync: the data changed"
	wait_for 60000 leg2_failed || check_fail "$1, $2 failed mid-sync: plex 2 is not failed in the model"
}
run_job "createVolume simple (mid-sync faults)" 3 ParamPack u "$PACK" ParamVolumeType i 1 \
	ParamSizeMiB u 16 ParamDisks s "$DA" ParamName s fs
VF=$(inv_index 4 "$C_VOL_NAME" vgp/fs)
pat_write /dev/vgp/fs
sync_hold
H=$(job_handle)
job_start "$H" 12 ParamVolume u "$VF" ParamDisks s "$DF2"
midsync addVolumePlex "$FLT2"
sync_hold
H=$(job_handle)
job_start "$H" 14 ParamVolume u "$VF" ParamPlex u "$(plex_of "$VF" 2)" ParamDisks s "$DF"
midsync repairVolumePlex "$FLT"
flt_set linear
flt_set linear "$FLT2"
# the repair ran while vdsplx2 failed: LVM marked its PV missing; it is back
lvmq vgextend -q --restoremissing vgp "/dev/mapper/$FLT2" >/dev/null 2>&1
run_job "repairVolumePlex after the mid-sync faults" 14 ParamVolume u "$VF" \
	ParamPlex u "$(plex_of "$VF" 2)" ParamDisks s "$DD"
expect_eq "repaired after the mid-sync faults: dmsetup" "raid1 2 AA" "$(dmst vgp-fs)"
pat_same /dev/vgp/fs || check_fail "repaired after the mid-sync faults: the data changed"

# ---- one kill each: addVolumePlex and removeVolumePlex, lvconvert killed
# mid-change.  The VG holds only the volume km for the calibration runs and
# the kills alike: lvconvert makes one status ioctl per LV, so the same LVs
# give the same ioctl numbers.
KILL_VG=vgp
R_TOOL_FAILED=$(result_code TOOL_FAILED)
for lv in pm hm r5 fs; do lvmq lvremove -qf "vgp/$lv" >/dev/null || fail "lvremove vgp/$lv"; done
run_job "createVolume simple (kills)" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 8 \
	ParamDisks s "$DA" ParamName s km
VK=$(inv_index 4 "$C_VOL_NAME" vgp/km)
pat_write /dev/vgp/km
lvm_wrap
add_start() { # addVolumePlex of km on vdb; prints the handle
	local h
	h=$(job_handle)
	job_start "$h" 12 ParamVolume u "$VK" ParamDisks s "$DB"
	echo "$h"
}
remove_start() { # removeVolumePlex of km's plex 2; prints the handle
	local h
	h=$(job_handle)
	job_start "$h" 13 ParamVolume u "$VK" ParamPlex u "$(plex_of "$VK" 2)"
	echo "$h"
}
# last_suspend TRACE: "N suspend" of the last suspend among its dm changes
last_suspend() { dm_changes "$1" | awk '$2 == "suspend" { p = $0 } END { if (p) print p; else exit 1 }'; }
# km_state: "SEGTYPE LEGS" as LVM and device-mapper have km now
km_state() {
	local legs
	legs=$(dmsetup status vgp-km | awk '$3 == "raid" { print $5; exit } $3 == "linear" { print 1; exit }')
	echo "$(lvjson segtype vgp/km) ${legs:-?}"
}
# killed_checks WHAT: after a kill, the volume as LVM has it is what the model shows
killed_checks() {
	local st seg legs minor
	st=$(km_state)
	read -r seg legs <<<"$st"
	note "$1 killed: km is $st in LVM, $(inv_value 4 "$C_VOL_PLEXES" "$VK") plexes in the model"
	case $seg in raid1 | linear) ;; *) check_fail "$1 killed: km is $seg" ;; esac
	expect_eq "$1 killed: the model's plexes are LVM's legs" "$legs" "$(inv_value 4 "$C_VOL_PLEXES" "$VK")"
	minor=$(dmsetup info -c --noheadings -o minor vgp-km) || check_fail "$1 killed: no vgp-km device"
	pat_same "/dev/dm-$minor" || check_fail "$1 killed: km does not read back its data"
	[ "$(stat -L -c %t:%T /dev/vgp/km)" = "$(stat -L -c %t:%T "/dev/dm-$minor")" ] ||
		check_fail "$1 killed: /dev/vgp/km is not km's device"
	KILL_STATES+="$1:$seg/$legs "
}
# calibration: the same two jobs, traced
echo "lvconvert trace $VDS_TMP/add.trace" >"$INJ"
H=$(add_start)
job_follow "$H" 300000
job_expect_ok "addVolumePlex (traced)"
wait_synced vgp/km
echo "lvconvert trace $VDS_TMP/rm.trace" >"$INJ"
H=$(remove_start)
job_follow "$H" 300000
job_expect_ok "removeVolumePlex (traced)"
ADD_AT=$(last_suspend "$VDS_TMP/add.trace") || fail "addVolumePlex: no suspend in its trace"
RM_AT=$(last_suspend "$VDS_TMP/rm.trace") || fail "removeVolumePlex: no suspend in its trace"
note "calibration: addVolumePlex dm changes $(dm_changes "$VDS_TMP/add.trace" | tr '\n' ' '), removeVolumePlex $(dm_changes "$VDS_TMP/rm.trace" | tr '\n' ' ')"
KILL_STATES=
# shellcheck disable=SC2086 # "N WHAT"
tool_killed lvconvert $ADD_AT add_start
killed_checks addVolumePlex
# the removal starts from the mirror the calibration had: finish the add if the kill undid it
if [ "$(km_state)" != "raid1 2" ]; then
	run_job "addVolumePlex (after the kill)" 12 ParamVolume u "$VK" ParamDisks s "$DB"
fi
if [ "$(km_state)" = "raid1 2" ]; then
	wait_synced vgp/km
	# shellcheck disable=SC2086
	tool_killed lvconvert $RM_AT remove_start
	killed_checks removeVolumePlex
else
	check_fail "removeVolumePlex killed: km is $(km_state), not the 2-leg mirror to start from"
fi
# repairVolumePlex: km gets a leg on vdsplx by hand, vdsplx fails, vdsd
# (restarted: it scans LVM at start and after its jobs) sees plex 2 failed;
# the repair onto vdb is traced once, then the same state is made again and
# lvconvert --repair is killed at the last suspend of the traced run.
# km_failed_leg: km mirrored onto vdsplx, that leg failed and seen so by vdsd
km_failed_leg() {
	flt_set linear || fail "cannot bring $FLT back"
	lvmq vgextend -q --restoremissing vgp "/dev/mapper/$FLT" >/dev/null 2>&1
	case "$(km_state)" in
	"raid1 2") lvmq lvconvert -y -m 0 vgp/km /dev/vdb >/dev/null || fail "km: cannot drop the leg on vdb" ;;
	esac
	lvmq lvconvert -y --type raid1 -m 1 vgp/km "/dev/mapper/$FLT" >/dev/null || fail "km: no leg on $FLT"
	wait_synced vgp/km || fail "km did not sync onto $FLT"
	flt_set error || fail "cannot fail $FLT"
	pat_write /dev/vgp/km # the same bytes: md fails the dead leg on the write
	vds_stop_vdsd
	vds_start_vdsd
	vds_wait_registered 60000
	km_leg2_failed() { [ "$(inv_value 5 "$C_PLEX_HEALTH" "$(plex_of "$VK" 2)")" = 5 ]; }
	wait_for 60000 km_leg2_failed || fail "km: the leg on $FLT is not failed in the model: $(dmst vgp-km)"
}
repair_start() { # repairVolumePlex of km's plex 2 onto vdb; prints the handle
	local h
	h=$(job_handle)
	job_start "$h" 14 ParamVolume u "$VK" ParamPlex u "$(plex_of "$VK" 2)" ParamDisks s "$DB"
	echo "$h"
}
km_failed_leg
echo "lvconvert trace $VDS_TMP/rep.trace" >"$INJ"
H=$(repair_start)
job_follow "$H" 300000
job_expect_ok "repairVolumePlex (traced)"
REP_AT=$(last_suspend "$VDS_TMP/rep.trace") || fail "repairVolumePlex: no suspend in its trace"
note "calibration: repairVolumePlex dm changes $(dm_changes "$VDS_TMP/rep.trace" | tr '\n' ' ')"
km_failed_leg
# shellcheck disable=SC2086 # "N WHAT"
KILL_PV_MISSING=1 tool_killed lvconvert $REP_AT repair_start
killed_checks repairVolumePlex
case "$(km_state)" in
"raid1 2")
	wait_synced vgp/km || check_fail "repairVolumePlex killed: km does not sync"
	expect_eq "repairVolumePlex killed: km's legs alive" "raid1 2 AA" "$(dmst vgp-km)"
	;;
esac
flt_set linear || fail "cannot bring $FLT back"
lvmq vgextend -q --restoremissing vgp "/dev/mapper/$FLT" >/dev/null 2>&1
lvmq vgck -q vgp || check_fail "repairVolumePlex killed: vgck vgp with $FLT back"
note "kill points: addVolumePlex at $ADD_AT, removeVolumePlex at $RM_AT, repairVolumePlex at $REP_AT; after recovery: $KILL_STATES"
[ -z "${KILL_MISSED:-}" ] || note "MISSED kill points (planned -> killed at): $KILL_MISSED"
run_job "createVolume after the kills" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 8 \
	ParamDisks s "$DD" ParamName s after

vds_stop_vdsd
vds_finish
