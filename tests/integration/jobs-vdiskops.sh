#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-vdiskops.sh - expandVDisk(19), compactVDisk(20), differencing VHDs
# (createVDisk with vdsJobParamVDiskType differencing(3)) and mergeVDisk(21)
# on the sim provider through snmpset/snmpget: progress, outputs, the vdisk
# and disk rows after each job, sim.state kept across a restart, a compact
# cancelled before its point of no return, and the refusals (shrinking, a
# fixed disk to compact, a read-write attachment, a merge of a disk with no
# parent or too few levels, missing parameters) with vdsLastRefusal.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
MIB=1048576
C_DISK_SIZE=$(mib_col VDS_DISK_SIZE)
C_VD_TYPE=$(mib_col VDS_VDISK_TYPE)
C_VD_ALLOC=$(mib_col VDS_VDISK_ALLOCATED_SIZE)

vds_start_master
VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-300} vds_write_conf "discovery no" "jobProgressInterval 1"
vds_start_vdsd
vds_wait_registered
SIMDIR=$VDS_TMP/state/sim
STATE=$VDS_TMP/state/sim.state

# run_job WHAT TYPE [COLUMN T V]...: start, follow to success; H its handle.
run_job() {
	job_run 60000 "${@:2}" || check_fail "$1: job $H misbehaved while running"
	expect_eq "$1: job $H status" "$ST_SUCCEEDED" "$JOB_FINAL" ||
		note "$1: $(job_getn "$H" Result ErrorName Message)"
	note "$1: job $H in $JOB_MS ms, percents $JOB_PERCENTS"
}

vd_row() { inv_index 7 "$C_VD_PATH" "$1" || fail "no vdisk row for $1"; }

# ---- expandVDisk: a fixed raw image, attached: the disk row grows too
A=$SIMDIR/a.img
run_job "createVDisk fixed raw" 7 ParamPath s "$A" ParamSizeMiB u 64 ParamVDiskType i 1
VA=$(vd_row "$A")
run_job "attachVDisk" 8 ParamVDisk u "$VA"
DA=$(inv_value 7 "$C_VD_DISK" "$VA")
run_job "expandVDisk attached" 19 ParamVDisk u "$VA" ParamSizeMiB u 96
expect_eq "expandVDisk: vdsJobOutVDisk" "$VA" "$(job_get "$H" OutVDisk)"
expect_eq "expandVDisk: vdisk size" "$((96 * MIB))" "$(inv_value 7 "$C_VD_SIZE" "$VA")"
expect_eq "expandVDisk: its disk row's size" "$((96 * MIB))" "$(inv_value 2 "$C_DISK_SIZE" "$DA")"
job_refused "expandVDisk smaller" inconsistentValue "shrinking" 19 ParamVDisk u "$VA" \
	ParamSizeMiB u 32
job_refused "expandVDisk the same size" inconsistentValue "shrinking" 19 ParamPath s "$A" \
	ParamSizeMiB u 96
job_refused "expandVDisk with no size" inconsistentValue "vdsJobParamSizeMiB" 19 ParamVDisk u "$VA"
job_refused "compactVDisk of a fixed vdisk" inconsistentValue "fixed" 20 ParamVDisk u "$VA"
run_job "detachVDisk" 9 ParamVDisk u "$VA"

# ---- differencing VHD over a dynamic VHD
B=$SIMDIR/base.vhd C=$SIMDIR/child.vhd
run_job "createVDisk dynamic VHD" 7 ParamPath s "$B" ParamSizeMiB u 64 ParamVDiskFormat i 2
VB=$(vd_row "$B")
job_refused "differencing with no parent" inconsistentValue "vdsJobParamVDisk" 7 ParamPath s "$C" \
	ParamVDiskType i 3 ParamVDiskFormat i 2
job_refused "differencing, raw" inconsistentValue "VHD" 7 ParamPath s "$C" ParamVDiskType i 3 \
	ParamVDisk u "$VB"
job_refused "differencing of another size" inconsistentValue "parent's size" 7 ParamPath s "$C" \
	ParamVDiskType i 3 ParamVDiskFormat i 2 ParamVDisk u "$VB" ParamSizeMiB u 32
run_job "createVDisk differencing" 7 ParamPath s "$C" ParamVDiskType i 3 ParamVDiskFormat i 2 \
	ParamVDisk u "$VB"
VC=$(vd_row "$C")
expect_eq "differencing: type, size" "3 $((64 * MIB))" \
	"$(inv_value 7 "$C_VD_TYPE" "$VC") $(inv_value 7 "$C_VD_SIZE" "$VC")"
job_refused "expandVDisk in a chain" inconsistentValue "differencing chain" 19 ParamVDisk u "$VC" \
	ParamSizeMiB u 128
job_refused "deleteVDisk of a parent" inconsistentValue "parent" 10 ParamVDisk u "$VB"
job_refused "mergeVDisk of a disk with no parent" inconsistentValue "not a differencing" 21 \
	ParamVDisk u "$VB"
job_refused "mergeVDisk two levels of one" inconsistentValue "parent level" 21 ParamVDisk u "$VC" \
	ParamMergeDepth u 2
run_job "attachVDisk child" 8 ParamVDisk u "$VC"
job_refused "compactVDisk attached read-write" inconsistentValue "read-write" 20 ParamVDisk u "$VC"
job_refused "mergeVDisk attached read-write" inconsistentValue "read-write" 21 ParamVDisk u "$VC"
run_job "detachVDisk child" 9 ParamVDisk u "$VC"

# ---- what the child holds: recorded in sim.state by hand (the sim writes no
# blocks), kept across a restart; a bad value is refused on load elsewhere
vds_stop_vdsd || fail "vdsd did not stop"
grep -q "^vdisk path=$C " "$STATE" || fail "no vdisk line for $C in $STATE"
sed -i "s|^\(vdisk path=$C .*\) alloc=0 |\1 alloc=$((40 * MIB)) |" "$STATE"
grep -q "^vdisk path=$C .*alloc=$((40 * MIB)) " "$STATE" || fail "cannot set alloc in $STATE"
rm -f "$STATE.prev"
vds_start_vdsd
vds_wait_registered
expect_eq "child allocation after the restart" "$((40 * MIB))" "$(inv_value 7 "$C_VD_ALLOC" "$VC")"

# ---- compactVDisk: cancelled before the holes are punched, then for real
H=$(job_handle)
vds_hold "$H-1"
job_start "$H" 20 ParamVDisk u "$VC"
vds_wait_reached "$H" 1
expect_set_error "cancel compactVDisk while scanning" noError "VDS-MIB::vdsJobControl.$H" i 2
vds_release "$H-1"
expect_eq "cancelled compactVDisk: status" "$ST_CANCELLED" "$(job_wait "$H")"
expect_eq "cancelled compactVDisk: allocation kept" "$((40 * MIB))" \
	"$(inv_value 7 "$C_VD_ALLOC" "$VC")"
run_job "compactVDisk" 20 ParamPath s "$C"
expect_eq "compactVDisk: reclaimed bytes" "$((38 * MIB))" "$(job_get "$H" OutReclaimedBytes)"
expect_eq "compactVDisk: allocation" "$((2 * MIB))" "$(inv_value 7 "$C_VD_ALLOC" "$VC")"

# ---- mergeVDisk: the child's blocks into its parent
vds_stop_vdsd || fail "vdsd did not stop"
sed -i "s|^\(vdisk path=$C .*\) alloc=0 |\1 alloc=$((10 * MIB)) |" "$STATE"
vds_start_vdsd
vds_wait_registered
ALLOC_B=$(inv_value 7 "$C_VD_ALLOC" "$VB")
run_job "mergeVDisk" 21 ParamVDisk u "$VC"
expect_eq "mergeVDisk: vdsJobOutVDisk is the parent" "$VB" "$(job_get "$H" OutVDisk)"
expect_eq "mergeVDisk: parent allocation" "$((ALLOC_B + 10 * MIB))" \
	"$(inv_value 7 "$C_VD_ALLOC" "$VB")"
expect_eq "mergeVDisk: child emptied" "$((2 * MIB))" "$(inv_value 7 "$C_VD_ALLOC" "$VC")"
grep -q "^vdisk path=$C .*type=differencing .*parent=$B\b" "$STATE" ||
	wait_for 10000 grep -q "^vdisk path=$C .*parent=$B" "$STATE" ||
	check_fail "sim.state does not keep the child's parent"

# ---- sim.state is untrusted: a child whose parent is missing is quarantined
# and the previous generation (kept at start) is used instead
vds_stop_vdsd || fail "vdsd did not stop"
sed -i "s|^\(vdisk path=$C .*\)parent=[^ ]*|\1parent=$SIMDIR/gone.vhd|" "$STATE"
grep -q "parent=$SIMDIR/gone.vhd" "$STATE" || fail "cannot damage $STATE"
vds_start_vdsd
vds_wait_registered
since_start() { awk '/: vdsd start$/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$VDS_VDSD_LOG"; }
since_start | grep -q "sim.state: content: .*quarantined: vdisk $C: a parent in its chain is missing" ||
	since_start | grep -q "quarantined.*vdisk $C: a parent in its chain is missing" ||
	check_fail "a missing parent in sim.state was not quarantined"
expect_eq "after the damage: the child is back from sim.state.prev" 3 \
	"$(inv_value 7 "$C_VD_TYPE" "$(vd_row "$C")")"

# ---- the same through vdsctl
CTL=("$top_builddir/vdsctl" -v2c -c private -t 2 -r 1 "127.0.0.1:$VDS_MASTER_PORT")
run_rc "${CTL[@]}" expand-vdisk "$A" 128M --wait
expect_eq "vdsctl expand-vdisk: exit status ($VDS_ERR)" 0 "$VDS_RC"
expect_eq "vdsctl expand-vdisk: size" "$((128 * MIB))" "$(inv_value 7 "$C_VD_SIZE" "$VA")"
C2=$SIMDIR/c2.vhd
run_rc "${CTL[@]}" create-diff-vdisk "$C2" "$VB" --wait
expect_eq "vdsctl create-diff-vdisk: exit status ($VDS_ERR)" 0 "$VDS_RC"
VC2=$(vd_row "$C2")
expect_eq "vdsctl create-diff-vdisk: type" 3 "$(inv_value 7 "$C_VD_TYPE" "$VC2")"
run_rc "${CTL[@]}" merge-vdisk "$C2" --depth 1 --yes --wait
expect_eq "vdsctl merge-vdisk with a sibling: exit status" 4 "$VDS_RC"
case "$VDS_ERR" in
*"another differencing child"*) ;;
*) check_fail "vdsctl merge-vdisk with a sibling: \"$VDS_ERR\" gives no reason" ;;
esac
run_rc "${CTL[@]}" compact-vdisk "$VC2" --wait
expect_eq "vdsctl compact-vdisk: exit status ($VDS_ERR)" 0 "$VDS_RC"

vds_stop_vdsd
vds_finish
