#!/bin/bash
# SPDX-License-Identifier: ISC
# clients-traps.sh - packaging/snmptrapd/vds-traphandle inside a real
# snmptrapd that receives real notifications from vdsd (through the private
# snmpd master): a job that succeeds, a job that fails and the partition
# that arrives, each one JSON line with the right values.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_cmd jq
vds_require_vdsd
VDSCTL=$top_builddir/vdsctl
HANDLER=$top_srcdir/packaging/snmptrapd/vds-traphandle
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"

# Our own snmptrapd (with the traphandle); the master sends to its port.
JSONL=$VDS_TMP/traps.jsonl
VDS_TRAP_PORT=$(vds_free_port) || fail "no free UDP port"
cat >"$VDS_TMP/trapd-handle.conf" <<EOF
disableAuthorization yes
traphandle default /bin/sh $HANDLER $JSONL
EOF
snmptrapd -f -C -c "$VDS_TMP/trapd-handle.conf" -Lf "$VDS_TMP/trapd-handle.log" \
	-p "$VDS_TMP/trapd-handle.pid" -M "$VDS_MIBDIRS" -m VDS-MIB -On \
	"udp:127.0.0.1:$VDS_TRAP_PORT" &
VDS_PIDS["trapd-handle"]=$!
wait_for 60000 grep -qs "NET-SNMP version" "$VDS_TMP/trapd-handle.log" ||
	fail "snmptrapd does not start"

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

# Every line is one JSON object.
n=$(wc -l <"$JSONL")
expect_eq "one JSON object a line" "$n" "$(jq -c . "$JSONL" | wc -l)"

vds_stop_vdsd
vds_finish
