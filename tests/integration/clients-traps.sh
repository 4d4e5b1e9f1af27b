#!/bin/bash
# SPDX-License-Identifier: ISC
# clients-traps.sh - packaging/snmptrapd/vds-traphandle inside a real
# snmptrapd that receives real notifications from vdsd (through the private
# snmpd master): a job that succeeds, a job that fails and the partition
# that arrives, each one JSON line with the right values; the same lines
# whether snmptrapd prints OIDs numeric, as names, or has no MIB loaded.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_cmd jq
vds_require_vdsd
VDSCTL=$top_builddir/vdsctl
HANDLER=$top_srcdir/packaging/snmptrapd/vds-traphandle
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"

# Our own snmptrapds (with the traphandle), printing OIDs three ways:
# numeric (-On), as names with VDS-MIB but without SNMPv2-MIB (the trap OID
# then reads SNMPv2-SMI::snmpModules.1.1.4.1.0), and with no MIB at all
# (iso.3.6.1...).  The master sends to each; every one must give the same
# lines.
JSONL=$VDS_TMP/traps.jsonl
declare -A TRAPD_PORT
start_handle_trapd() { # NAME JSONL SNMPTRAPD-OPTIONS...
	local name=$1 out=$2 port
	shift 2
	port=$(vds_free_port) || fail "no free UDP port"
	printf 'disableAuthorization yes\ntraphandle default /bin/sh %s %s\n' "$HANDLER" "$out" \
		>"$VDS_TMP/$name.conf"
	snmptrapd -f -C -c "$VDS_TMP/$name.conf" -Lf "$VDS_TMP/$name.log" \
		-p "$VDS_TMP/$name.pid" -M "$VDS_MIBDIRS" "$@" "udp:127.0.0.1:$port" 2>>"$VDS_TMP/$name.err" &
	VDS_PIDS[$name]=$!
	TRAPD_PORT[$name]=$port
	wait_for 60000 grep -qs "NET-SNMP version" "$VDS_TMP/$name.log" ||
		fail "snmptrapd $name does not start"
	VDS_MASTER_EXTRA+=("trap2sink 127.0.0.1:$port public")
}
start_handle_trapd trapd-handle "$JSONL" -m VDS-MIB -On
start_handle_trapd trapd-names "$VDS_TMP/names.jsonl" -m VDS-MIB
start_handle_trapd trapd-nomib "$VDS_TMP/nomib.jsonl" -m NONE

# the second delete must reach the agent while the first still runs
VDS_SIM_JOB_MS=500
vds_write_conf "discovery no"
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
RW=("$VDSCTL" -v2c -c private -t 1 -r 1 "127.0.0.1:$VDS_MASTER_PORT")

# jline NOTIFICATION INDEX: the JSON line of that notification, if any.
jline() {
	[ -f "$JSONL" ] || return 1
	jq -c "select(.notification == \"$1\" and .index == $2)" "$JSONL" 2>/dev/null | head -n 1 |
		grep .
}

expect_run "create" 0 "succeeded" "${RW[@]}" create-partition 1 10M --wait
h=$(sed -n 's/^started job \([0-9]*\)$/\1/p' <<<"$VDS_OUT")
part=$(sed -n 's/.*succeeded: partition \([0-9]*\) .*/\1/p' <<<"$VDS_OUT")
wait_for 60000 jline vdsJobCompleted "$h" >/dev/null || fail "no vdsJobCompleted line for job $h"
l=$(jline vdsJobCompleted "$h")
note "$l"
expect_eq "type" createPartition "$(jq -r .varbinds.vdsJobType <<<"$l")"
expect_eq "status" succeeded "$(jq -r .varbinds.vdsJobStatus <<<"$l")"
expect_eq "out partition" "$part" "$(jq -r .varbinds.vdsJobOutPartition <<<"$l")"
expect_eq "address" 1 "$(jq -r '.address | test("127.0.0.1") | if . then 1 else 0 end' <<<"$l")"
wait_for 60000 jline vdsPartitionArrived "$part" >/dev/null ||
	check_fail "no vdsPartitionArrived line for partition $part"
l=$(jline vdsPartitionArrived "$part")
expect_eq "arrived size" 10485760 "$(jq -r .varbinds.vdsPartitionSize <<<"$l")"

# A failing job: its line says failed, with the error message.
vds_hold 0 # the first delete waits until the second is queued behind it
expect_run "delete" 0 "" "${RW[@]}" --yes delete-partition "$part"
expect_run_queued "delete again" 1 "failed" "${RW[@]}" --yes delete-partition "$part" --wait
h2=$(sed -n 's/^started job \([0-9]*\)$/\1/p' <<<"$VDS_OUT")
wait_for 60000 jline vdsJobCompleted "$h2" >/dev/null || fail "no vdsJobCompleted for job $h2"
l=$(jline vdsJobCompleted "$h2")
expect_eq "failed status" failed "$(jq -r .varbinds.vdsJobStatus <<<"$l")"
[ -n "$(jq -r .varbinds.vdsJobErrorMessage <<<"$l")" ] || check_fail "no error message: $l"

# vdsVolumeRebuildProgress: sim never rebuilds a plex, so the notification
# comes from Net-SNMP's snmptrap, as vdsd sends it (plex 7 of volume 2,
# rebuilding, 40 %), to each snmptrapd.
R=.1.3.6.1.4.1.8072.9999.86
for t in trapd-handle trapd-names trapd-nomib; do
	snmptrap -v2c -c public "udp:127.0.0.1:${TRAPD_PORT[$t]}" '' "$R.0.15" \
		"$R.1.5.1.3.7" u 2 "$R.1.5.1.5.7" i 4 "$R.1.5.1.7.7" u 40 ||
		fail "snmptrap to $t failed"
done
rebuild() { l=$(grep -m1 '"vdsVolumeRebuildProgress"' "$JSONL"); }
wait_for 60000 rebuild || fail "no vdsVolumeRebuildProgress line: $(tail -n 3 "$JSONL")"
expect_eq "rebuild index" 7 "$(jq -r .index <<<"$l")"
expect_eq "rebuild volume" 2 "$(jq -r .varbinds.vdsPlexVolumeIndex <<<"$l")"
expect_eq "rebuild health" rebuilding "$(jq -r .varbinds.vdsPlexHealth <<<"$l")"
expect_eq "rebuild percent" 40 "$(jq -r .varbinds.vdsPlexSyncPercent <<<"$l")"

# Every line is one JSON object.
n=$(wc -l <"$JSONL")
expect_eq "one JSON object a line" "$n" "$(jq -c . "$JSONL" | wc -l)"

# The same notifications, whatever MIBs snmptrapd had.
same() { # JSONL: what it holds without time and address, sorted
	jq -c '{notification, index, varbinds}' "$1" 2>/dev/null | sort
}
want=$(same "$JSONL")
for f in names nomib; do
	got() { [ "$(same "$VDS_TMP/$f.jsonl")" = "$want" ]; }
	wait_for 60000 got ||
		check_fail "$f: the handler's lines differ from -On's: $(diff <(echo "$want") <(same "$VDS_TMP/$f.jsonl"))"
done
note "$(wc -l <<<"$want") notifications, the same with -On, names without SNMPv2-MIB, no MIB"

vds_stop_vdsd
vds_finish
