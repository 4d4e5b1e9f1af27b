#!/bin/bash
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
#  2. an lvm tool killed mid-operation: the lvconvert --splitmirrors child
#     of vdsd is SIGKILLed as soon as it runs, then (when the mirror is
#     still there) again once it has suspended a device of vgf (when the
#     poll is too slow for that window, the split must just succeed).  A
#     killed job must fail with TOOL_FAILED ("signal 9"); vdsd's recovery
#     leaves no dm device suspended and vgck passing, and its message says
#     which state the volume is in, which must be the real one: the mirror
#     unchanged (possibly rolled back from LVM's metadata archive, with both
#     legs in dm-raid and the model), the split completed, or a half split
#     reported "NEEDS REPAIR" with the volume degraded/failed in the model.
# Disks: $VDS_FAULT_DISKS (default /dev/vdc,/dev/vdd), wiped.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
IFS=, read -r D1 D2 <<<"${VDS_FAULT_DISKS:-/dev/vdc,/dev/vdd}"
LVMC='activation { udev_sync=0 udev_rules=0 } devices { obtain_device_list_from_udev=0 }'
lvmq() { lvm "$1" --config "$LVMC" "${@:2}"; }
lvjson() { lvmq lvs --reportformat json -o "$1" "$2" | jq -r ".report[0].lv[0].${1%%,*}"; }
FLT=vdsflt
SECT=$(($(blockdev --getsz "$D1") - 2048))
result_code() { sed -n "s/.*VDS_R_$1 *= *\([0-9]*\).*/\1/p" "$top_srcdir/agent/result.h"; }
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
	lvmq vgremove -qf vgf >/dev/null 2>&1
	lvmq pvremove -qf "/dev/mapper/$FLT" "$D2" >/dev/null 2>&1
	dmsetup remove "$FLT" 2>/dev/null
}
vds_up() { vds_get_value "$VDS_ROOT_OID.1.1.1.0" >/dev/null && kill -0 "$VDS_VDSD_PID"; }
no_suspended() { ! dmsetup info -c --noheadings -o name,suspended | grep -q ':Suspended'; }

cleanup_storage
wipefs -qaf "$D1" "$D2" || fail "wipefs"
# The PV label lives inside vdsflt (2048 sectors in), so /dev/vdc itself shows none.
dmsetup create "$FLT" --table "$(flt_table linear)" || fail "dmsetup create $FLT"
lvmq pvcreate -q "/dev/mapper/$FLT" "$D2" || fail "pvcreate"
lvmq vgcreate -q vgf "/dev/mapper/$FLT" "$D2" || fail "vgcreate"
vds_start_master
vds_write_conf "discovery no" "provider lvm"
vds_start_vdsd
vds_wait_registered
PACK=$(inv_index 6 "$C_PACK_NAME" vgf) || fail "vgf is not in the pack table"

# ---- 1. a disk fails under a mirror mid-sync
sl_min=$(cat /proc/sys/dev/raid/speed_limit_min) sl_max=$(cat /proc/sys/dev/raid/speed_limit_max)
echo 100 >/proc/sys/dev/raid/speed_limit_min
echo 2000 >/proc/sys/dev/raid/speed_limit_max # KiB/s: 48 MiB take ~25 s
H=$(job_handle)
job_start "$H" 3 ParamPack u "$PACK" ParamVolumeType i 4 ParamSizeMiB u 48 ParamName s mf
pc=0
for _ in $(seq 600); do # until the job shows sync progress (10..99), at most ~60 s
	read -r st pc <<<"$(job_getn "$H" Status PercentComplete)"
	[ "$st" = "$ST_RUNNING" ] && [ "$pc" -ge 12 ] && break
	job_finished "$H" && break
	sleep 0.1
done
note "mirror job $H at $pc % (status $st): failing $D1 under the mirror"
[ "$st" = "$ST_RUNNING" ] || check_fail "the mirror job was not syncing when the disk failed ($st, $pc %)"
sync_before=$(lvjson sync_percent vgf/mf)
flt_set error || fail "cannot switch $FLT to the error target"
job_follow "$H" 120000
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
echo "$sl_min" >/proc/sys/dev/raid/speed_limit_min
echo "$sl_max" >/proc/sys/dev/raid/speed_limit_max
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

# ---- 2. lvconvert --splitmirrors killed while it runs
vgf_suspended() { dmsetup info -c --noheadings --separator : -o name,suspended | grep -q '^vgf-.*:Suspended'; }
# split_killed WHEN: breakVolumePlex of vgf/mf plex 2 with vdsd's lvconvert
# child SIGKILLed (by PID) as soon as it runs (start) or once it has
# suspended a device of vgf (suspend: mid-change); then the checks.
split_killed() {
	local when=$1 VM PLEX2 H killed='' p lc='' i msg segtype lvs_mfb h
	local -A X=()
	local -a X_rows=()
	# The model has the mirror (a failed job publishes the state it left).
	VM=$(inv_index 4 "$C_VOL_NAME" vgf/mf) || fail "vgf/mf is not in the volume table"
	inv_load X 5
	for i in "${X_rows[@]}"; do
		[ "${X[$C_PLEX_VOL.$i]}" = "$VM" ] && [ "${X[$C_PLEX_NUMBER.$i]}" = 2 ] && PLEX2=$i
	done
	[ -n "${PLEX2:-}" ] || fail "no plex 2 of volume $VM"
	H=$(job_handle)
	job_start "$H" 6 ParamVolume u "$VM" ParamPlex u "$PLEX2" ParamName s mfb
	for _ in $(seq 3000); do
		if [ -z "$lc" ]; then
			for p in $(pgrep -P "$VDS_VDSD_PID"); do
				tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q ' lvconvert ' && lc=$p
			done
		fi
		if [ -n "$lc" ] && { [ "$when" = start ] || vgf_suspended; }; then
			kill -9 "$lc" && killed=$lc
			break
		fi
		job_finished "$H" && break
	done
	job_follow "$H" 60000
	msg=$(job_get "$H" ErrorMessage)
	if [ -z "$killed" ]; then
		# the window was missed: then the split must simply have worked
		note "lvconvert ($when) finished before it could be killed: job $H status $JOB_FINAL"
		expect_eq "lvconvert not killed ($when): the split succeeds" "$ST_SUCCEEDED" "$JOB_FINAL"
		return
	fi
	note "killed lvconvert ($when) pid $killed: job $H status $JOB_FINAL, \"$msg\""
	expect_eq "lvconvert killed ($when): the job fails" "$ST_FAILED" "$JOB_FINAL"
	expect_eq "lvconvert killed ($when): result TOOL_FAILED" "$R_TOOL_FAILED" "$(job_get "$H" Result)"
	case $msg in *"signal 9"*) ;; *) check_fail "lvconvert killed: message \"$msg\" lacks signal 9" ;; esac
	no_suspended || check_fail "a device-mapper device was left suspended: $(dmsetup info -c)"
	lvmq vgck -q vgf || check_fail "vgck vgf after lvconvert was killed ($when)"
	segtype=$(lvjson segtype vgf/mf)
	lvs_mfb=$(lvmq lvs --reportformat json -o lv_name vgf | jq -r '[.report[0].lv[].lv_name] | sort | join(" ")')
	note "after the kill ($when): vgf/mf is $segtype, LVs: $lvs_mfb"
	case "$segtype/$lvs_mfb" in
	"raid1/mf")
		case $msg in *"the mirror is unchanged"*) ;;
		*) check_fail "mirror intact but the job message does not say so: \"$msg\"" ;; esac
		expect_eq "mirror intact ($when): plexes in the model" 2 "$(inv_value 4 "$C_VOL_PLEXES" "$VM")"
		expect_eq "mirror intact ($when): dm-raid legs" 2 "$(dmsetup status vgf-mf | awk '{print $5}')"
		;;
	"linear/mf mfb")
		case $msg in *"the split completed"*) ;;
		*) check_fail "split done but the job message does not say so: \"$msg\"" ;; esac
		inv_index 4 "$C_VOL_NAME" vgf/mfb >/dev/null || check_fail "vgf/mfb is not in the model"
		;;
	*)
		case $msg in *"NEEDS REPAIR"*) ;;
		*) check_fail "half split ($segtype/$lvs_mfb) not reported as needing repair: \"$msg\"" ;; esac
		h=$(vol_health vgf/mf)
		case $h in 3 | 5) ;; *) check_fail "half split: vgf/mf health in the model is \"$h\", not degraded/failed" ;; esac
		;;
	esac
}
# Case 2 is not reliable yet: in one lane run of five the killed lvconvert
# left vgf's sub-LVs suspended, the provider's recovery did not complete and a
# dmsetup hung in the guest kernel for good.  Until the recovery is made safe
# it runs only on request (VDS_VM_KILL_FAULTS=1), and says so loudly.
if [ "${VDS_VM_KILL_FAULTS:-0}" = 1 ]; then
	split_killed start
	# mid-change (the run that once left vgf/mf suspended), when the mirror is still there to split
	if [ "$(lvjson segtype vgf/mf)" = raid1 ]; then
		for _ in $(seq 120); do [ "$(lvjson sync_percent vgf/mf)" = 100.00 ] && break; sleep 0.5; done
		split_killed suspend
	fi
	vds_up || check_fail "vdsd is not answering after lvconvert was killed"
else
	note "*** NOT RUN: lvm tool killed mid-operation (flaky, can hang the guest's dm); VDS_VM_KILL_FAULTS=1 runs it"
fi
# the model follows the volume group again after the next job (a no-op refusal does not count)
run_ok=$(job_handle)
job_start "$run_ok" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 8 ParamName s after
job_follow "$run_ok" 60000
expect_eq "a job after the faults succeeds" "$ST_SUCCEEDED" "$JOB_FINAL"
lvmq vgck -q vgf || check_fail "vgck vgf at the end"

vds_stop_vdsd
cleanup_storage
vds_finish
