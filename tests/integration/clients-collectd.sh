#!/bin/bash
# SPDX-License-Identifier: ISC
# clients-collectd.sh - the collectd plugin (plugin/vds.c) inside a real
# collectd (Debian's collectd-core) with the csv and logfile plugins: the
# values it dispatches match the agent's, a running job has a percent, and
# notifications come for a failed job (FAILURE), a succeeded one, a disk and
# a volume that arrive and leave.  Over SNMPv3 too: a second collectd reads
# the agent as an authPriv user (options named as in collectd's snmp
# plugin) and gets the same values; a third, with a wrong passphrase, gets
# none and logs why.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_cmd jq
COLLECTD=${COLLECTD:-$(command -v collectd || echo /usr/sbin/collectd)}
CPLUGINS=${CPLUGINS:-/usr/lib/collectd}
[ -x "$COLLECTD" ] && [ -f "$CPLUGINS/csv.so" ] ||
	skip "collectd is not installed (apt-get install collectd-core)"
vds_require_vdsd
VDSCTL=$top_builddir/vdsctl
PLUGIN=$top_builddir/.libs/vds.so
[ -x "$VDSCTL" ] && [ -f "$PLUGIN" ] || fail "vdsctl or the collectd plugin not built"

# the second delete must reach the agent while the first still runs
VDS_SIM_JOB_MS=500
V3USER=vdsmon V3AUTH=vdsauthpass1 V3PRIV=vdsprivpass1
VDS_MASTER_EXTRA=("createUser $V3USER SHA-256 $V3AUTH AES $V3PRIV" "rouser $V3USER priv")
vds_write_conf "discovery no"
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
AGENT=127.0.0.1:$VDS_MASTER_PORT
RW=("$VDSCTL" -v2c -c private -t 1 -r 1 "$AGENT")

mkdir -p "$VDS_TMP/cplugins" "$VDS_TMP/csv"
# collectd loads regular files only (no symlinks): copies.
cp "$CPLUGINS/csv.so" "$CPLUGINS/logfile.so" "$VDS_TMP/cplugins/"
cp "$PLUGIN" "$VDS_TMP/cplugins/vds.so"

# start_collectd HOST OPTION-LINE...: a collectd of its own (Hostname HOST,
# log $VDS_TMP/collectd-HOST.log, values in $VDS_TMP/csv/HOST) whose vds
# plugin has these options besides Agent, Timeout and Retries.
start_collectd() {
	local host=$1 log=$VDS_TMP/collectd-$1.log
	shift
	mkdir -p "$VDS_TMP/collectd-$host"
	{
		cat <<EOF
Hostname "$host"
FQDNLookup false
BaseDir "$VDS_TMP/collectd-$host"
PIDFile "$VDS_TMP/collectd-$host.pid"
PluginDir "$VDS_TMP/cplugins"
TypesDB "/usr/share/collectd/types.db"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$log"
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$VDS_TMP/csv"
  StoreRates false
</Plugin>
LoadPlugin vds
<Plugin vds>
  Agent "$AGENT"
  Timeout 1
  Retries 1
EOF
		printf '  %s\n' "$@"
		echo "</Plugin>"
	} >"$VDS_TMP/collectd-$host.conf"
	"$COLLECTD" -t -C "$VDS_TMP/collectd-$host.conf" >"$VDS_TMP/collectd-t.log" 2>&1 ||
		fail "collectd -t rejects the config of $host: $(cat "$VDS_TMP/collectd-t.log")"
	"$COLLECTD" -f -C "$VDS_TMP/collectd-$host.conf" >>"$log" 2>&1 &
	VDS_PIDS["collectd-$host"]=$!
}

start_collectd vdstest 'Version "2c"' 'Community "public"'
CLOG=$VDS_TMP/collectd-vdstest.log
CSV=$VDS_TMP/csv/vdstest

# csv_last DIR TYPE: the last value collectd wrote there ("" when none).
csv_last() {
	local f
	f=$(ls "$CSV/$1/$2"-* 2>/dev/null | tail -n 1)
	[ -n "$f" ] || return 1
	tail -n 1 "$f" | awk -F, '$1 ~ /^[0-9.]+$/ { printf "%.0f\n", $2 }' | grep .
}
notified() { grep -q "$1" "$CLOG"; }

wait_for 60000 csv_last vds-disk-sim0 bytes-size >/dev/null ||
	fail "no values from the vds plugin: $(cat "$CLOG")"
# SNMPv3 authPriv, and a wrong authentication passphrase
start_collectd vdsv3 'Version 3' "Username \"$V3USER\"" 'SecurityLevel "authPriv"' \
	'AuthProtocol "SHA-256"' "AuthPassphrase \"$V3AUTH\"" 'PrivacyProtocol "AES"' \
	"PrivacyPassphrase \"$V3PRIV\""
start_collectd vdsbad 'Version 3' "Username \"$V3USER\"" 'SecurityLevel "authPriv"' \
	'AuthProtocol "SHA-256"' 'AuthPassphrase "not-the-passphrase"' 'PrivacyProtocol "AES"' \
	"PrivacyPassphrase \"$V3PRIV\""
CSV=$VDS_TMP/csv/vdsv3
wait_for 60000 csv_last vds-disk-sim0 bytes-size >/dev/null ||
	check_fail "no values from the vds plugin over SNMPv3: $(cat "$VDS_TMP/collectd-vdsv3.log")"
bad_logged() { grep -q 'vds plugin: authentication failed at ' "$VDS_TMP/collectd-vdsbad.log"; }
wait_for 60000 bad_logged ||
	check_fail "no authentication failure logged with a wrong passphrase: $(cat "$VDS_TMP/collectd-vdsbad.log")"
[ ! -d "$VDS_TMP/csv/vdsbad" ] || check_fail "values with a wrong passphrase: $(ls -R "$VDS_TMP/csv/vdsbad")"
vds_kill_pid collectd-vdsbad
expect_run "disks json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json list disks
for CSV in "$VDS_TMP/csv/vdstest" "$VDS_TMP/csv/vdsv3"; do
	for name in $(jq -r '.[].name' <<<"$VDS_OUT"); do
		expect_eq "${CSV##*/}: disk $name size" "$(jq -r ".[] | select(.name==\"$name\") | .size" <<<"$VDS_OUT")" \
			"$(csv_last "vds-disk-$name" bytes-size)"
		expect_eq "${CSV##*/}: disk $name free" "$(jq -r ".[] | select(.name==\"$name\") | .free" <<<"$VDS_OUT")" \
			"$(csv_last "vds-disk-$name" bytes-free)"
	done
done
vds_kill_pid collectd-vdsv3
CSV=$VDS_TMP/csv/vdstest
# disk health (plugin/vds_health.c): the sim defaults, then a sim disk made
# failing and hot (simHoldDir/health-sim0, agent/health_sim.h) and read
# again on SIGHUP; an absent figure (NVMe's on an ATA-like disk) is absent
expect_eq "disk sim0 health" 2 "$(csv_last vds-disk-sim0 gauge-health)"
expect_eq "disk sim0 temperature" 35 "$(csv_last vds-disk-sim0 temperature)"
[ -z "$(ls "$CSV/vds-disk-sim0/"count-media_errors-* 2>/dev/null)" ] ||
	check_fail "disk sim0 has media errors it does not report"
printf 'failing\nreason hot\ntemperature 71\nreallocated 3\n' >"$VDS_HOLD/health-sim0"
kill -HUP "$VDS_VDSD_PID"
wait_for 60000 eval '[ "$(csv_last vds-disk-sim0 gauge-health)" = 3 ]' ||
	check_fail "disk sim0 health is $(csv_last vds-disk-sim0 gauge-health), not failing (3)"
expect_eq "disk sim0 temperature (hot)" 71 "$(csv_last vds-disk-sim0 temperature)"
expect_eq "disk sim0 reallocated" 3 "$(csv_last vds-disk-sim0 count-reallocated_sectors)"
rm -f "$VDS_HOLD/health-sim0"
expect_run "volumes json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json list volumes
expect_eq "volume mirror0 size" "$(jq -r '.[] | select(.name=="mirror0") | .size' <<<"$VDS_OUT")" \
	"$(csv_last vds-volume-mirror0 bytes-size)"
expect_eq "volume mirror0 health" 2 "$(csv_last vds-volume-mirror0 gauge-health)"
expect_run "packs json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json list packs
expect_eq "pack free" "$(jq -r '.[0].free' <<<"$VDS_OUT")" "$(csv_last vds-pack-pack0 bytes-free)"
expect_eq "no job running" 0 "$(csv_last vds-jobs count-running)"

# A running job (held at its second phase until collectd has read it) has a
# percent; its end is notified.
vds_hold 1
expect_run "start job" 0 "" "${RW[@]}" --json create-partition 1 10M
h=$(jq .handle <<<"$VDS_OUT")
wait_for 60000 csv_last "vds-job-$h" percent >/dev/null ||
	check_fail "no percent for running job $h"
vds_release 1
wait_for 60000 notified "job $h (createPartition) succeeded" ||
	check_fail "no notification for job $h"
part=$("${RW[@]}" --json job show "$h" | jq .outPartition)

# A failing job: FAILURE.
vds_hold 0 # the first delete waits until the second is queued behind it
expect_run "delete" 0 "" "${RW[@]}" --yes delete-partition "$part"
expect_run_queued "delete again" 1 "failed" "${RW[@]}" --yes delete-partition "$part" --wait
h2=$(sed -n 's/^started job \([0-9]*\)$/\1/p' <<<"$VDS_OUT")
wait_for 60000 notified "job $h2 (deletePartition) failed" ||
	check_fail "no notification for failed job $h2"
grep "job $h2 (deletePartition) failed" "$CLOG" | grep -qi "FAILURE" ||
	check_fail "failed job not FAILURE: $(grep "job $h2" "$CLOG")"
wait_for 60000 eval '[ "$(csv_last vds-jobs count-failed)" = 1 ]' ||
	check_fail "jobs count-failed is $(csv_last vds-jobs count-failed)"

# A disk arrives and leaves (attach/detach the sim virtual disk).
expect_run "attach" 0 "succeeded" "${RW[@]}" attach 1 --wait
wait_for 60000 notified "disk vd0 (index [0-9]*) arrived" || check_fail "no disk arrival"
expect_run "detach" 0 "succeeded" "${RW[@]}" detach 1 --wait
wait_for 60000 notified "disk vd0 (index [0-9]*) is gone" || check_fail "no disk departure"
grep "disk vd0 .* is gone" "$CLOG" | grep -qi WARNING || check_fail "departure not WARNING"

# A volume arrives and leaves.
expect_run "create-volume" 0 "succeeded: volume" "${RW[@]}" create-volume 1G --pack 1 \
	--name colvol --wait
vol=$(sed -n 's/.*succeeded: volume \([0-9]*\).*/\1/p' <<<"$VDS_OUT")
wait_for 60000 notified "volume colvol (index $vol) arrived" || check_fail "no volume arrival"
expect_run "delete-volume" 0 "succeeded" "${RW[@]}" --yes delete-volume "$vol" --wait
wait_for 60000 notified "volume colvol (index $vol) is gone" || check_fail "no volume departure"

vds_kill_pid collectd-vdstest
vds_stop_vdsd
vds_finish
