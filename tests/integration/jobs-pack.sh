#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-pack.sh - replaceDisk(15) and recoverPack(16) on the sim provider,
# through SNMP.  pack0 is made of sim2, sim3, sim4 and sim5 (sim.state edited
# before the start: sim4 joins, sim5 is a new disk of it); lin0 is a simple
# volume on sim5.
#   replaceDisk sim3 onto sim4: held in "moving extents" and cancelled
#   (nothing moved), then run: mirror0's plex 2 and stripe0's share of sim3
#   go to sim4, sim3 leaves pack0; kept across a restart of vdsd.
#   Refused: no disk, unknown disk, a disk in no pack, a failed one, the
#   only disk of a pack, vdsJobParamDisks outside the pack, no room outside
#   the volumes already on the target (mirror0 and stripe0 on sim4).
#   recoverPack: refused on a healthy pack; sim4 removed (simRemoveDisk):
#   refused while sim5 lacks the room for mirror0's plex;
#   without consent mirror0's plex is rebuilt on sim5, stripe0 is lost and
#   kept with sim4 in the pack (Recovered 2, Lost 1, vdsJobDetails names
#   it); with vdsJobParamAllowDataLoss stripe0 is removed and sim4 leaves.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
MIB=1048576
HEALTHY=2 DEGRADED=3 FAILED=5
C_DISK_PACK=$(mib_col VDS_DISK_PACK_INDEX)
C_VOL_HEALTH=$(mib_col VDS_VOL_HEALTH)
C_PLEX_DEVICES=$(mib_col VDS_PLEX_DEVICES)
C_PLEX_HEALTH=$(mib_col VDS_PLEX_HEALTH)
C_PACK_HEALTH=$(mib_col VDS_PACK_HEALTH)
C_PACK_DISKS=$(mib_col VDS_PACK_DISK_COUNT)

vds_start_master
VDS_SIM_JOB_MS=300 vds_write_conf "discovery no"
vds_start_vdsd
vds_wait_registered
vds_stop_vdsd
STATE=$VDS_TMP/state/sim.state
[ -f "$STATE" ] || fail "no $STATE"
# sim4 joins pack0; sim5, a 500 GiB disk of pack0, is added (one record more)
awk '/^disk name=sim4 / { sub(/ pack=[^ ]*/, ""); print $0 " pack=pack0";
		print "disk name=sim5 size=536870912000 style=gpt serial=SIM-0099 pack=pack0"; next }
	/^end records=/ { split($2, a, "="); print "end records=" a[2] + 1; next }
	{ print }' "$STATE" >"$STATE.new" && mv "$STATE.new" "$STATE" || fail "cannot edit $STATE"
grep -q '^disk name=sim5 ' "$STATE" && grep -q '^disk name=sim4 .*pack=pack0' "$STATE" ||
	fail "sim.state has no sim4/sim5 line: $(grep '^disk' "$STATE")"
vds_start_vdsd
vds_wait_registered

D1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1"
D2=$(inv_index 2 "$C_DISK_NAME" sim2) || fail "no sim2"
D3=$(inv_index 2 "$C_DISK_NAME" sim3) || fail "no sim3"
D4=$(inv_index 2 "$C_DISK_NAME" sim4) || fail "no sim4"
D5=$(inv_index 2 "$C_DISK_NAME" sim5) || fail "sim5 did not load"
PACK0=$(inv_index 6 "$C_PACK_NAME" pack0) || fail "no pack0"
V_MIRROR=$(inv_index 4 "$C_VOL_NAME" mirror0) || fail "no mirror0"
V_STRIPE=$(inv_index 4 "$C_VOL_NAME" stripe0) || fail "no stripe0"
expect_eq "pack0 disks" 4 "$(inv_value 6 "$C_PACK_DISKS" "$PACK0")"

# run_job WHAT TYPE [COLUMN T V]...: H, followed to its end; JOB_FINAL.
run_job() {
	job_run 60000 "${@:2}" || check_fail "$1: job $H misbehaved while running"
	note "$1: job $H ended $JOB_FINAL, percents $JOB_PERCENTS"
}
ok_job() {
	run_job "$@"
	[ "$JOB_FINAL" = "$ST_SUCCEEDED" ] ||
		fail "$1: job $H ended $JOB_FINAL: $(job_getn "$H" ErrorName ErrorMessage)"
}

# refused WHAT SUBSTRING TYPE [COLUMN T V]...: inconsistentValue, no row,
# and vdsLastRefusal's reason holds SUBSTRING.
refused() {
	job_refused "$1" inconsistentValue "${@:2}"
	[ -z "$(job_get "$REFUSED_H" Status)" ] || check_fail "$1: a row $REFUSED_H was made"
}

# plex_devs VOLUME: "N:DEVICES ..." of its plexes, by number
plex_devs() {
	local -A X=()
	local -a X_rows=()
	local i out=()
	vds_load X 5 || fail "walking the plex table failed"
	for i in "${X_rows[@]}"; do
		[ "${X[$C_PLEX_VOL.$i]}" = "$1" ] &&
			out+=("${X[$C_PLEX_NUMBER.$i]}:${X[$C_PLEX_DEVICES.$i]}")
	done
	printf '%s\n' "${out[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# ---------------------------------------------------------------- lin0 on sim5
ok_job "createVolume lin0 on sim5" 3 ParamPack u "$PACK0" ParamVolumeType i 1 ParamSizeMiB u 1024 \
	ParamName s lin0 ParamDisks s "$D5"
V_LIN=$(job_get "$H" OutVolume)
expect_eq "lin0 on sim5" "1:sim5" "$(plex_devs "$V_LIN")"

# ---------------------------------------------------------------- refusals
refused "replaceDisk without a disk" "missing parameter: vdsJobParamDisk" 15
refused "recoverPack without a pack" "missing parameter: vdsJobParamPack" 16
refused "replaceDisk of an unknown disk" "no enabled provider handles this job" 15 ParamDisk u 99
refused "replaceDisk of a disk in no pack" "disk sim1 is in no pack" 15 ParamDisk u "$D1"
refused "replaceDisk onto a disk outside the pack" "disk sim1 is not in pack pack0" 15 \
	ParamDisk u "$D3" ParamDisks s "$D1"
refused "replaceDisk onto itself" "names sim3, the disk to empty" 15 ParamDisk u "$D3" \
	ParamDisks s "$D3"
refused "replaceDisk onto sim2 (holds mirror0)" "has 51200 MiB free outside volume mirror0" 15 \
	ParamDisk u "$D3" ParamDisks s "$D2"
refused "recoverPack of a healthy pack" "pack pack0 has no failed or missing disk" 16 \
	ParamPack u "$PACK0"
refused "recoverPack of an unknown pack" "" 16 ParamPack u 99

# ---------------------------------------------------------------- replaceDisk, cancelled
vds_hold 1
H=$(job_handle)
job_start "$H" 15 ParamDisk u "$D3" ParamDisks s "$D4"
vds_wait_reached "$H" 1
expect_eq "replaceDisk held: details" "moving extents" "$(job_get "$H" Details)"
vds_set_reason "VDS-MIB::vdsJobControl.$H" i 2 >/dev/null
vds_release 1
expect_eq "replaceDisk cancelled" "$ST_CANCELLED" "$(job_wait "$H")"
expect_eq "cancelled: mirror0 unchanged" "1:sim2 2:sim3" "$(plex_devs "$V_MIRROR")"
expect_eq "cancelled: sim3 still in pack0" "$PACK0" "$(inv_value 2 "$C_DISK_PACK" "$D3")"

# ---------------------------------------------------------------- replaceDisk
ok_job "replaceDisk sim3 onto sim4" 15 ParamDisk u "$D3" ParamDisks s "$D4"
expect_eq "mirror0 plexes" "1:sim2 2:sim4" "$(plex_devs "$V_MIRROR")"
expect_eq "stripe0 plexes" "1:sim2,sim4" "$(plex_devs "$V_STRIPE")"
expect_eq "sim3 left pack0" 0 "$(inv_value 2 "$C_DISK_PACK" "$D3")"
expect_eq "pack0 disks" 3 "$(inv_value 6 "$C_PACK_DISKS" "$PACK0")"
expect_eq "replaceDisk outputs" "0 0 " "$(job_getn "$H" OutRecovered OutLost Details)"
vds_restart_vdsd
vds_wait_registered
expect_eq "after a restart: sim3 out of pack0" 0 "$(inv_value 2 "$C_DISK_PACK" "$D3")"
expect_eq "after a restart: mirror0" "1:sim2 2:sim4" "$(plex_devs "$V_MIRROR")"

refused "replaceDisk of sim3, now in no pack" "disk sim3 is in no pack" 15 ParamDisk u "$D3"
refused "replaceDisk sim2 with no room" "outside volume mirror0" 15 ParamDisk u "$D2" \
	ParamDisks s "$D4"
ok_job "createVolume one3 (a new pack of sim3 alone)" 3 ParamVolumeType i 1 ParamSizeMiB u 64 \
	ParamName s one3 ParamDisks s "$D3"
refused "replaceDisk of a pack's only disk" "the only disk of pack" 15 ParamDisk u "$D3"

# ---------------------------------------------------------------- sim4 lost
reload() {
	local before
	before=$(grep -c "configuration reloaded" "$VDS_VDSD_LOG")
	VDS_SIM_JOB_MS=300 vds_write_conf "discovery no" "$@"
	kill -HUP "$VDS_VDSD_PID"
	reloaded() { [ "$(grep -c "configuration reloaded" "$VDS_VDSD_LOG")" -gt "$before" ]; }
	wait_for 60000 reloaded || fail "no \"configuration reloaded\" after SIGHUP"
}
reload "simFailDisk sim2"
refused "replaceDisk of a failed disk" "disk sim2 has failed" 15 ParamDisk u "$D2"
reload "simRemoveDisk sim4"
vol_health() { inv_value 4 "$C_VOL_HEALTH" "$1"; }
degraded() { [ "$(vol_health "$V_MIRROR")" = "$DEGRADED" ]; }
wait_for 30000 degraded || fail "mirror0 not degraded after sim4 left"
expect_eq "stripe0 failed" "$FAILED" "$(vol_health "$V_STRIPE")"

# no room to rebuild mirror0's plex: sim5 filled up to 39 GiB free
ok_job "createVolume big on sim5" 3 ParamPack u "$PACK0" ParamVolumeType i 1 \
	ParamSizeMiB u $((460 * 1024)) ParamName s big ParamDisks s "$D5"
V_BIG=$(job_get "$H" OutVolume)
refused "recoverPack with no room for mirror0's plex" \
	"no healthy disk of pack pack0 outside volume mirror0 has room to rebuild its plex 2" 16 \
	ParamPack u "$PACK0"
ok_job "deleteVolume big" 4 ParamVolume u "$V_BIG"
ok_job "recoverPack without consent" 16 ParamPack u "$PACK0"
expect_eq "no consent: recovered, lost, details" \
	"2 1 lost, kept with the missing disks: stripe0" "$(job_getn "$H" OutRecovered OutLost Details)"
expect_eq "no consent: mirror0 rebuilt on sim5" "1:sim2 2:sim5" "$(plex_devs "$V_MIRROR")"
expect_eq "no consent: mirror0 healthy" "$HEALTHY" "$(vol_health "$V_MIRROR")"
expect_eq "no consent: stripe0 kept, failed" "$FAILED" "$(vol_health "$V_STRIPE")"
grep -q '^disk name=sim4 .*pack=pack0' "$STATE" || check_fail "no consent: sim4 left pack0"
expect_eq "no consent: pack0 degraded" "$DEGRADED" "$(inv_value 6 "$C_PACK_HEALTH" "$PACK0")"

# with consent: through vdsctl, which asks first
VDSCTL=$top_builddir/vdsctl
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"
CTL=("$VDSCTL" -v2c -c private -t 5 -r 1 "127.0.0.1:$VDS_MASTER_PORT")
expect_run "vdsctl recover-pack --allow-data-loss without --yes" 3 "add --yes" \
	"${CTL[@]}" recover-pack pack0 --allow-data-loss </dev/null
expect_eq "nothing started without --yes" "$FAILED" "$(vol_health "$V_STRIPE")"
expect_run "vdsctl recover-pack --allow-data-loss --yes --wait" 0 "" \
	"${CTL[@]}" --json --yes --wait recover-pack pack0 --allow-data-loss </dev/null
H=$(sed -n 's/.*"handle": *\([0-9]*\).*/\1/p' <<<"$VDS_OUT" | head -n1)
[ -n "$H" ] || fail "no handle in vdsctl's output: $VDS_OUT $VDS_ERR"
expect_eq "consent: status, recovered, lost, details" "$ST_SUCCEEDED 2 1 lost and removed: stripe0" \
	"$(job_getn "$H" Status OutRecovered OutLost Details)"
expect_eq "consent: vdsctl's JSON" '1 "lost and removed: stripe0"' \
	"$(jq -r '[.outLost, (.details | tojson)] | join(" ")' <<<"$VDS_OUT")"
expect_eq "consent: stripe0 removed" "" "$(inv_value 4 "$C_VOL_NAME" "$V_STRIPE")"
expect_eq "consent: pack0 of sim2 and sim5" 2 "$(inv_value 6 "$C_PACK_DISKS" "$PACK0")"
expect_eq "consent: pack0 healthy" "$HEALTHY" "$(inv_value 6 "$C_PACK_HEALTH" "$PACK0")"
grep -q '^disk name=sim4 .*pack=pack0' "$STATE" && check_fail "consent: sim4 still in pack0"
grep -q '^volume name=stripe0 ' "$STATE" && check_fail "sim.state still has stripe0"
refused "recoverPack once recovered" "has no failed or missing disk" 16 ParamPack u "$PACK0"
vds_finish
