#!/bin/bash
# SPDX-License-Identifier: ISC
# sim-remove.sh - sim's test-only simRemoveDisk (providers/sim/sim_fault.h),
# applied on SIGHUP, sends each notification a pulled disk causes and keeps
# the tables consistent:
#   sim3 removed: vdsDiskRemoved (sim3); mirror0 degraded and stripe0 failed
#   (vdsVolumeModified); pack0 degraded, one disk; sim3's row gone;
#   sim2 and sim0 removed too: vdsDiskRemoved for both, vdsPartitionRemoved
#   for sim0's two partitions, vdsPackRemoved (pack0, its last disk gone);
#   mirror0 failed but still in the volume table (as VDS keeps the volumes
#   of a pack with missing disks; sim0's basic volumes leave with it);
#   a reload without them: vdsDiskArrived for the three, with their old
#   indexes, vdsPartitionArrived, vdsPackArrived (pack0, its real size), all
#   healthy again.
# sim.state is never rewritten by it.  Every wait is on a trap or a table.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_vdsd

NOTIF=$VDS_ROOT_OID.0
DISK_NAME=$VDS_ROOT_OID.1.2.1.$(mib_col VDS_DISK_NAME)
PART_DISK=$VDS_ROOT_OID.1.3.1.$(mib_col VDS_PART_DISK_INDEX)
VOL_HEALTH=$VDS_ROOT_OID.1.4.1.$(mib_col VDS_VOL_HEALTH)
PACK_NAME=$VDS_ROOT_OID.1.6.1.$(mib_col VDS_PACK_NAME)
PACK_SIZE=$VDS_ROOT_OID.1.6.1.$(mib_col VDS_PACK_SIZE)
PACK_HEALTH=$VDS_ROOT_OID.1.6.1.$(mib_col VDS_PACK_HEALTH)
HEALTHY=2 DEGRADED=3 FAILED=5

vds_start_trapd
vds_start_master
vds_write_conf "discovery no"
vds_start_vdsd
vds_wait_registered 30000
STATE=$VDS_TMP/state/sim.state
[ -f "$STATE" ] || STATE=$(find "$VDS_TMP/state" -name sim.state | head -n1)
[ -f "$STATE" ] || fail "no sim.state under $VDS_TMP/state"
SUM0=$(md5sum <"$STATE")

declare -A D P V K
declare -a D_rows=() P_rows=() V_rows=() K_rows=()
load_all() { vds_load D 2 && vds_load P 3 && vds_load V 4 && vds_load K 6; }
load_all || fail "cannot walk the tables"
c_dname=$(mib_col VDS_DISK_NAME)
c_pdisk=$(mib_col VDS_PART_DISK_INDEX)
c_vname=$(mib_col VDS_VOL_NAME)
c_kname=$(mib_col VDS_PACK_NAME)
c_ksize=$(mib_col VDS_PACK_SIZE)
sim0=$(vds_find_row D "$c_dname" sim0)
sim2=$(vds_find_row D "$c_dname" sim2)
sim3=$(vds_find_row D "$c_dname" sim3)
mirror=$(vds_find_row V "$c_vname" mirror0)
stripe=$(vds_find_row V "$c_vname" stripe0)
pack=$(vds_find_row K "$c_kname" pack0)
[ -n "$sim0" ] && [ -n "$sim2" ] && [ -n "$sim3" ] && [ -n "$mirror" ] && [ -n "$stripe" ] &&
	[ -n "$pack" ] || fail "the default sim objects are not all there"
PACKSIZE=${K[$c_ksize.$pack]}
[ "${PACKSIZE:-0}" -gt 0 ] || fail "pack0 has no size: [$PACKSIZE]"
parts0=()
for i in "${P_rows[@]}"; do
	[ "${P[$c_pdisk.$i]}" = "$sim0" ] && parts0+=("$i")
done
[ "${#parts0[@]}" = 2 ] || fail "sim0 does not have 2 partitions: ${parts0[*]}"

# reload LINE...: the config with those lines, SIGHUP, wait until applied.
reload() {
	local before
	before=$(grep -c "configuration reloaded" "$VDS_VDSD_LOG")
	vds_write_conf "discovery no" "$@"
	kill -HUP "$VDS_VDSD_PID"
	reloaded() { [ "$(grep -c "configuration reloaded" "$VDS_VDSD_LOG")" -gt "$before" ]; }
	wait_for 60000 reloaded || fail "no \"configuration reloaded\" after SIGHUP"
}
# want_trap WHAT ARC SUBSTRING...: a notification ARC after $T holding them all.
want_trap() {
	local what=$1 arc=$2
	shift 2
	vds_wait_trap 60000 "$T" "$NOTIF.$arc" "$@" || check_fail "no $what"
}
health() { vds_get_value "$1"; }
absent() { ! vds_get_value "$1" >/dev/null; }

# ---------------------------------------------------------------- sim3 removed
T=$(vds_trap_count)
reload "simRemoveDisk sim3"
want_trap "vdsDiskRemoved for sim3" 2 "$DISK_NAME.$sim3 = STRING: sim3"
want_trap "vdsVolumeModified mirror0 degraded" 7 "$VOL_HEALTH.$mirror = INTEGER: $DEGRADED"
want_trap "vdsVolumeModified stripe0 failed" 7 "$VOL_HEALTH.$stripe = INTEGER: $FAILED"
absent "$DISK_NAME.$sim3" || check_fail "sim3 still in vdsDiskTable"
expect_eq "sim2 still there" sim2 "$(vds_get_value "$DISK_NAME.$sim2")"
expect_eq "pack0 degraded" "$DEGRADED" "$(health "$PACK_HEALTH.$pack")"
expect_eq "pack0 disks" 1 "$(vds_get_value "$VDS_ROOT_OID.1.6.1.$(mib_col VDS_PACK_DISK_COUNT).$pack")"
vds_trap_find "$T" "$NOTIF.13" >/dev/null && check_fail "vdsPackRemoved with a disk of pack0 left"

# ---------------------------------------------------------------- pack0's last disk
T=$(vds_trap_count)
reload "simRemoveDisk sim3" "simRemoveDisk sim2" "simRemoveDisk sim0"
want_trap "vdsDiskRemoved for sim2" 2 "$DISK_NAME.$sim2 = STRING: sim2"
want_trap "vdsDiskRemoved for sim0" 2 "$DISK_NAME.$sim0 = STRING: sim0"
for i in "${parts0[@]}"; do
	want_trap "vdsPartitionRemoved for partition $i of sim0" 4 "$PART_DISK.$i = Gauge32: $sim0"
done
want_trap "vdsPackRemoved for pack0" 13 "$PACK_NAME.$pack = STRING: pack0"
want_trap "vdsVolumeModified mirror0 failed" 7 "$VOL_HEALTH.$mirror = INTEGER: $FAILED"
load_all || fail "cannot walk the tables"
expect_eq "pack table" "" "${K_rows[*]}"
for d in "$sim0" "$sim2" "$sim3"; do
	[ -z "${D[$c_dname.$d]:-}" ] || check_fail "disk row $d still there"
done
for i in "${parts0[@]}"; do
	[ -z "${P[$c_pdisk.$i]:-}" ] || check_fail "partition row $i still there"
done
expect_eq "volumes kept, failed" "mirror0 stripe0 $FAILED $FAILED" \
	"${V[$c_vname.$mirror]:-} ${V[$c_vname.$stripe]:-} $(health "$VOL_HEALTH.$mirror") $(health "$VOL_HEALTH.$stripe")"
# (sim0's partitions' basic volumes do leave, with their disk)
for v in "$mirror" "$stripe"; do
	vds_trap_find "$T" "$NOTIF.6" "$VDS_ROOT_OID.1.4.1.$c_vname.$v = " >/dev/null &&
		check_fail "vdsVolumeRemoved for pack0's volume $v"
done
expect_eq "sim.state with disks removed" "$SUM0" "$(md5sum <"$STATE")"

# ---------------------------------------------------------------- back
T=$(vds_trap_count)
reload
for n in sim0 sim2 sim3; do
	want_trap "vdsDiskArrived for $n" 1 "= STRING: $n"
done
want_trap "vdsDiskArrived for sim3 with its old index" 1 "$DISK_NAME.$sim3 = STRING: sim3"
for i in "${parts0[@]}"; do
	want_trap "vdsPartitionArrived for partition $i" 3 "$PART_DISK.$i = Gauge32: $sim0"
done
want_trap "vdsPackArrived for pack0" 12 "$PACK_NAME.$pack = STRING: pack0"
expect_eq "vdsPackArrived: vdsPackSize" "$PACKSIZE" "$(vds_trap_varbind "$VDS_TRAP_LINE" "$PACK_SIZE.$pack")"
healthy_again() {
	[ "$(health "$VOL_HEALTH.$mirror") $(health "$VOL_HEALTH.$stripe") $(health "$PACK_HEALTH.$pack")" = \
		"$HEALTHY $HEALTHY $HEALTHY" ]
}
wait_for 30000 healthy_again || check_fail "not all healthy after the disks came back"
load_all || fail "cannot walk the tables"
expect_eq "pack0 back, same size" "pack0 $PACKSIZE" "${K[$c_kname.$pack]:-} ${K[$c_ksize.$pack]:-}"
expect_eq "sim.state after the disks came back" "$SUM0" "$(md5sum <"$STATE")"
vds_finish
