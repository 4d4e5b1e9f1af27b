#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-pack.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh): the lvm
# provider's replaceDisk(15) and recoverPack(16) through SNMP on a volume
# group "vgp" of /dev/vda, /dev/vdb, /dev/vdc (and, for the lost disk, a
# device-mapper linear device "vdspk" over /dev/vdd switched to the "error"
# target, as guest-faults.sh fails a disk), checked with pvs/lvs JSON,
# dmsetup status, vgck and the md5 of data written before each job:
#  1. replaceDisk /dev/vdc with pvmove killed mid-way (dm-mirror's copy
#     throttled so that it is still copying, the job showing "moving
#     extents: N%"): the job fails TOOL_FAILED saying pvmove --abort put
#     every extent back, no pvmove volume is left, vdc is still in vgp,
#     vgck passes, the data reads back.
#  2. replaceDisk /dev/vdc onto /dev/vdb: a raid1 mirror's image and a linear
#     volume move (pvmove), vdc leaves the group, the data reads back.  The
#     same move by hand (pvmove --atomic + vgreduce) is timed against it.
#  3. vdspk fails under a mirror (m2, vda + vdspk) and a linear volume (l2,
#     on vdspk): recoverPack without consent rebuilds m2 (lvconvert --repair)
#     and keeps l2 and the missing disk (Recovered 3, Lost 1, details naming
#     vgp/l2); with vdsJobParamAllowDataLoss l2 is removed and the missing
#     disk leaves.  lvconvert --repair + vgreduce --removemissing by hand on
#     an equal mirror are timed against it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"
. "$top_srcdir/tests/vm/guest-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
# lvs_json FIELDS [LV]: lvs -a of vgp as JSON lines {lv_name:..,...}
lvs_json() { lvmq lvs -a --reportformat json -o "lv_name,$1" vgp 2>/dev/null | jq -c '.report[0].lv[]'; }
pv_vg() { lvmq pvs --reportformat json -o pv_name,vg_name 2>/dev/null | jq -r --arg p "$1" '.report[0].pv[] | select(.pv_name == $p) | .vg_name'; }
md5() { md5sum <"$1" | cut -d' ' -f1; }
result_code() { sed -n "s/.*VDS_R_$1 *= *\([0-9]*\).*/\1/p" "$top_srcdir/agent/result.h"; }
R_TOOL_FAILED=$(result_code TOOL_FAILED)
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE)
FLT=vdspk
SECT=$(($(blockdev --getsz /dev/vdd) - 2048))
THROTTLE=/sys/module/dm_mirror/parameters/raid1_resync_throttle
ms() { echo $(($(date +%s%N) / 1000000)); }

cleanup_pack() {
	[ -w "$THROTTLE" ] && echo 100 >"$THROTTLE"
	for d in $(dmsetup ls 2>/dev/null | awk '/^vgp-/ { print $1 }' | sort -r); do
		dmsetup remove -f "$d" 2>/dev/null
	done
	dmsetup remove -f "$FLT" 2>/dev/null
	wipefs -aq /dev/vda /dev/vdb /dev/vdc /dev/vdd 2>/dev/null
}
vds_on_exit cleanup_pack
cleanup_pack
flt_set() { # linear|error
	local t="0 $SECT linear /dev/vdd 2048"
	[ "$1" = error ] && t="0 $SECT error"
	dmsetup suspend --noflush "$FLT" && dmsetup load "$FLT" --table "$t" && dmsetup resume "$FLT"
}

guest_vg vgp /dev/vda /dev/vdb /dev/vdc
lvmq lvcreate -qy -W n --type raid1 -m 1 -L 32m -n m vgp /dev/vda /dev/vdc >/dev/null ||
	fail "lvcreate m"
lvmq lvcreate -qy -W n -L 48m -n l vgp /dev/vdc >/dev/null || fail "lvcreate l"
lvmq vgmknodes vgp >/dev/null 2>&1
insync() { [ "$(lvs_json sync_percent | jq -r 'select(.lv_name == "m") | .sync_percent')" = 100.00 ]; }
wait_for 120000 insync || fail "vgp/m did not sync"
head -c $((32 << 20)) /dev/urandom >/run/pack-m && head -c $((48 << 20)) /dev/urandom >/run/pack-l
dd if=/run/pack-m of=/dev/vgp/m bs=1M oflag=direct status=none && dd if=/run/pack-l of=/dev/vgp/l bs=1M oflag=direct status=none || fail "writing the data"
SUM_M=$(md5 /run/pack-m) SUM_L=$(md5 /run/pack-l)
data_ok() { # WHAT
	expect_eq "$1: vgp/m data" "$SUM_M" "$(md5 /dev/vgp/m)"
	expect_eq "$1: vgp/l data" "$SUM_L" "$(md5 /dev/vgp/l)"
}

vds_start_master
vds_write_conf "discovery yes" "provider lvm" "allowDevice /dev/vd*"
vds_start_vdsd
vds_wait_registered 60000
PACK=$(inv_index 6 "$C_PACK_NAME" vgp) || fail "vgp is not in the pack table"
disk() { inv_index 2 "$C_DISK_DEVNODE" "$1"; }
wait_for 10000 disk /dev/vdc >/dev/null || fail "/dev/vdc is not in the disk table"
DB=$(disk /dev/vdb) DC=$(disk /dev/vdc)

run_job() { # WHAT TYPE [COLUMN T V]...: H, JOB_FINAL, JOB_MS (SET to the end)
	job_run 600000 "${@:2}"
	note "$1: job $H ended $JOB_FINAL in $JOB_MS ms, percents $JOB_PERCENTS"
}

# ---------------------------------------------------------------- 1. pvmove killed
if [ -w "$THROTTLE" ]; then
	echo 1 >"$THROTTLE"
	H=$(job_handle)
	job_start "$H" 15 ParamDisk u "$DC"
	moving() {
		PID=$(pgrep -a -x lvm | awk '/ pvmove / { print $1; exit }')
		[ -n "$PID" ] && lvs_json copy_percent | jq -e 'select(.lv_name | test("pvmove"))' >/dev/null &&
			[[ "$(job_get "$H" Details)" == "moving extents: "* ]]
	}
	wait_for 120000 moving || fail "no pvmove of job $H in progress"
	note "pvmove pid $PID, job details \"$(job_get "$H" Details)\", pvmove volume: $(lvs_json copy_percent | jq -c 'select(.lv_name | test("pvmove"))')"
	kill -9 "$PID"
	echo 100 >"$THROTTLE"
	expect_eq "pvmove killed: job failed" "$ST_FAILED" "$(job_wait "$H" 300000)"
	read -r res msg <<<"$(job_getn "$H" Result ErrorMessage)"
	expect_eq "pvmove killed: result" "$R_TOOL_FAILED" "$res"
	case "$msg" in
	*"killed by signal 9: pvmove --abort put every extent back on /dev/vdc, which stays in pack vgp"*) ;;
	*) check_fail "pvmove killed: message \"$msg\"" ;;
	esac
	expect_eq "pvmove killed: no pvmove volume left" "" \
		"$(lvs_json copy_percent | jq -r 'select(.lv_name | test("pvmove")) | .lv_name')"
	expect_eq "pvmove killed: vdc still in vgp" vgp "$(pv_vg /dev/vdc)"
	lvmq vgck vgp >/dev/null 2>&1 || check_fail "pvmove killed: vgck vgp fails"
	data_ok "pvmove killed"
else
	note "no $THROTTLE (dm_mirror not loaded?): the killed-pvmove case is left out"
fi

# ---------------------------------------------------------------- 2. replaceDisk
run_job "replaceDisk vdc onto vdb" 15 ParamDisk u "$DC" ParamDisks s "$DB"
job_expect_ok "replaceDisk"
T_JOB_REPLACE=$JOB_MS T_H_REPLACE=$H
expect_eq "replaceDisk: vdc left vgp (pvs)" "" "$(pv_vg /dev/vdc)"
expect_eq "replaceDisk: nothing on vdc (lvs devices)" "" \
	"$(lvs_json devices | jq -r 'select(.devices | test("vdc")) | .lv_name')"
expect_eq "replaceDisk: l on vdb" '/dev/vdb(0)' \
	"$(lvs_json devices | jq -r 'select(.lv_name == "l") | .devices')"
expect_eq "replaceDisk: dmsetup status of m (2 legs, both alive)" "raid1 2 AA" \
	"$(dmsetup status vgp-m | awk '{print $4, $5, $6}')"
data_ok "replaceDisk"
nopack() { [ "$(inv_value 2 "$(mib_col VDS_DISK_PACK_INDEX)" "$DC")" = 0 ]; }
wait_for 10000 nopack || check_fail "replaceDisk: the disk table still shows vdc in vgp"

# the same move by hand, back onto vdc (the lvm provider reads the groups at
# its start and after its jobs: recoverPack reads them afresh when it runs)
lvmq vgextend -q vgp /dev/vdc >/dev/null || fail "vgextend vdc"
t0=$(ms)
lvmq pvmove -q --atomic /dev/vdb /dev/vdc >/dev/null && lvmq vgreduce -q vgp /dev/vdb >/dev/null ||
	fail "pvmove by hand"
T_HAND_REPLACE=$(($(ms) - t0))
data_ok "pvmove by hand"

# ---------------------------------------------------------------- 3. recoverPack
dmsetup create "$FLT" --table "0 $SECT linear /dev/vdd 2048" || fail "dmsetup create $FLT"
lvmq pvcreate -qy "/dev/mapper/$FLT" >/dev/null && lvmq vgextend -q vgp "/dev/mapper/$FLT" >/dev/null ||
	fail "vgextend $FLT"
lvmq lvcreate -qy -W n --type raid1 -m 1 -L 16m -n m2 vgp /dev/vda "/dev/mapper/$FLT" >/dev/null &&
	lvmq lvcreate -qy -W n -L 16m -n l2 vgp "/dev/mapper/$FLT" >/dev/null || fail "lvcreate m2 l2"
lvmq vgmknodes vgp >/dev/null 2>&1
m2sync() { [ "$(lvs_json sync_percent | jq -r 'select(.lv_name == "m2") | .sync_percent')" = 100.00 ]; }
wait_for 120000 m2sync || fail "vgp/m2 did not sync"
head -c $((16 << 20)) /dev/urandom >/run/pack-m2
dd if=/run/pack-m2 of=/dev/vgp/m2 bs=1M oflag=direct status=none || fail "writing m2"
SUM_M2=$(md5 /run/pack-m2)
flt_set error || fail "cannot fail $FLT"
missing() { lvmq pvs --reportformat json -o pv_name,vg_name 2>/dev/null | jq -e '.report[0].pv[] | select(.pv_name | test("unknown"))' >/dev/null; }
wait_for 30000 missing || fail "lvm does not see $FLT missing"

run_job "recoverPack without consent" 16 ParamPack u "$PACK"
job_expect_ok "recoverPack without consent"
T_JOB_RECOVER=$JOB_MS T_H_RECOVER=$H
expect_eq "no consent: recovered, lost, details" "3 1 lost, kept with the missing disks: vgp/l2" \
	"$(job_getn "$H" OutRecovered OutLost Details)"
expect_eq "no consent: m2 on no missing disk" "" \
	"$(lvs_json devices | jq -r 'select(.lv_name | test("m2_r")) | select(.devices | test("unknown")) | .lv_name')"
expect_eq "no consent: dmsetup status of m2" "raid1 2 AA" "$(dmsetup status vgp-m2 | awk '{print $4, $5, $6}')"
expect_eq "no consent: m2 data" "$SUM_M2" "$(md5 /dev/vgp/m2)"
expect_eq "no consent: l2 kept" l2 "$(lvs_json devices | jq -r 'select(.lv_name == "l2") | .lv_name')"
missing || check_fail "no consent: the missing disk left vgp"
data_ok "recoverPack without consent"

run_job "recoverPack with consent" 16 ParamPack u "$PACK" ParamAllowDataLoss i 1
job_expect_ok "recoverPack with consent"
expect_eq "consent: recovered, lost, details" "3 1 lost and removed: vgp/l2" \
	"$(job_getn "$H" OutRecovered OutLost Details)"
expect_eq "consent: l2 removed" "" "$(lvs_json devices | jq -r 'select(.lv_name == "l2") | .lv_name')"
missing && check_fail "consent: a missing disk is still in vgp"
lvmq vgck vgp >/dev/null 2>&1 || check_fail "consent: vgck vgp fails"
expect_eq "consent: m2 data" "$SUM_M2" "$(md5 /dev/vgp/m2)"
data_ok "recoverPack with consent"

# the same repair by hand on an equal mirror
flt_set linear || fail "cannot bring $FLT back"
lvmq pvcreate -qyff "/dev/mapper/$FLT" >/dev/null && lvmq vgextend -q vgp "/dev/mapper/$FLT" >/dev/null &&
	lvmq lvcreate -qy -W n --type raid1 -m 1 -L 16m -n m3 vgp /dev/vda "/dev/mapper/$FLT" >/dev/null ||
	fail "m3 for the repair by hand"
m3sync() { [ "$(lvs_json sync_percent | jq -r 'select(.lv_name == "m3") | .sync_percent')" = 100.00 ]; }
wait_for 120000 m3sync || fail "vgp/m3 did not sync"
flt_set error || fail "cannot fail $FLT again"
wait_for 30000 missing || fail "lvm does not see $FLT missing (again)"
t0=$(ms)
lvmq lvconvert -qy --repair vgp/m3 >/dev/null 2>&1 || check_fail "lvconvert --repair by hand"
wait_for 120000 m3sync || check_fail "vgp/m3 did not resync"
lvmq vgreduce -q --removemissing vgp >/dev/null 2>&1 || check_fail "vgreduce --removemissing by hand"
T_HAND_RECOVER=$(($(ms) - t0))

job_time replaceDisk "32 MiB mirror image + 48 MiB linear (lvm)" "$T_JOB_REPLACE" "$T_HAND_REPLACE" \
	"pvmove --atomic, vgreduce" "$T_H_REPLACE"
job_time recoverPack "16 MiB mirror rebuilt, 1 volume lost (lvm)" "$T_JOB_RECOVER" "$T_HAND_RECOVER" \
	"lvconvert --repair, resync, vgreduce --removemissing" "$T_H_RECOVER"
vds_finish
