#!/bin/bash
# SPDX-License-Identifier: ISC
# clients-check.sh - check_vds against the real stack: every mode, the
# threshold edges of free (percent and bytes, equal is not below), failed
# jobs in a time window (a real failing job), bad SNMP credentials, an
# unreachable agent, the overall timeout and bad usage; exit codes 0/1/2/3
# and the perfdata.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_cmd jq
vds_require_vdsd
CHECK=$top_builddir/check_vds
VDSCTL=$top_builddir/vdsctl
[ -x "$CHECK" ] && [ -x "$VDSCTL" ] || fail "check_vds or vdsctl not built"

# the second delete must reach the agent while the first still runs
VDS_SIM_JOB_MS=500
vds_write_conf "discovery no"
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
AGENT=127.0.0.1:$VDS_MASTER_PORT
SNMP=(-- -v2c -c public -t 1 -r 1 "$AGENT")
RW=("$VDSCTL" -v2c -c private -t 1 -r 1 "$AGENT")

expect_run "agent" 0 "VDS OK - vdsd" "$CHECK" -m agent "${SNMP[@]}"
case "$VDS_OUT" in
*"| disks=5;;;0; volumes="*) ;;
*) check_fail "agent perfdata: $VDS_OUT" ;;
esac
expect_run "agent -H" 0 "VDS OK" "$CHECK" -m agent -H "$AGENT" -C public
expect_run "agent wrong community" 2 "VDS CRITICAL - the agent at $AGENT did not answer" \
	"$CHECK" -m agent -- -v2c -c wrongcommunity -t 0.3 -r 0 "$AGENT"
port=$(vds_free_port)
expect_run "agent unreachable" 2 "did not answer" \
	"$CHECK" -m agent -- -v2c -c public -t 0.3 -r 0 "127.0.0.1:$port"
expect_run "overall timeout" 3 "VDS UNKNOWN - check timed out" \
	"$CHECK" -m agent -t 1 -- -v2c -c wrongcommunity -t 1 -r 5 "$AGENT"
expect_run "no mode" 3 "VDS UNKNOWN - no mode" "$CHECK" -H "$AGENT"
expect_run "bad mode" 3 "unknown mode" "$CHECK" -m frob -H "$AGENT"
expect_run "version" 0 "check_vds v" "$CHECK" --version
expect_run "help" 0 "Exit status: 0 OK" "$CHECK" --help

# free: pack0 of the sim provider, edges taken from the agent's own numbers.
expect_run "pack json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json show pack 1
pfree=$(jq .free <<<"$VDS_OUT")
psize=$(jq .size <<<"$VDS_OUT")
pct=$((pfree * 100 / psize)) # rounded down: free is >= pct%
expect_run "free OK" 0 "VDS OK - pack pack0" "$CHECK" -m free -o pack:1 -w "${pct}%" "${SNMP[@]}"
expect_run "free % warning" 1 "VDS WARNING" "$CHECK" -m free -o pack0 -w "$((pct + 1))%" "${SNMP[@]}"
expect_run "free % critical" 2 "VDS CRITICAL" \
	"$CHECK" -m free -o pack0 -w 100% -c "$((pct + 1))%" "${SNMP[@]}"
expect_run "free bytes equal" 0 "VDS OK" "$CHECK" -m free -o pack0 -c "${pfree}B" "${SNMP[@]}"
expect_run "free bytes +1" 2 "VDS CRITICAL" \
	"$CHECK" -m free -o pack0 -c "$((pfree + 1))B" "${SNMP[@]}"
expect_run "free units" 1 "VDS WARNING" "$CHECK" -m free -o pack0 -w 2000G -c 1G "${SNMP[@]}"
case "$VDS_OUT" in
*"'pack_pack0_free'=${pfree}B;2147483648000;1073741824;0;$psize") ;;
*) check_fail "free perfdata: $VDS_OUT" ;;
esac
expect_run "free every disk" 0 "disk sim0" "$CHECK" -m free "${SNMP[@]}"
expect_run "free no match" 3 "no disk or pack matches disk:99" \
	"$CHECK" -m free -o disk:99 "${SNMP[@]}"
expect_run "free bad threshold" 3 "thresholds are" "$CHECK" -m free -w lots "${SNMP[@]}"

expect_run "volumes" 0 "VDS OK - all 5 volumes healthy" "$CHECK" -m volumes "${SNMP[@]}"

# jobs: none failed yet; then a real failure (a second delete of one
# partition); a window that ends before it sees none.
expect_run "jobs none" 0 "VDS OK - 0 jobs failed" "$CHECK" -m jobs "${SNMP[@]}"
expect_run "create" 0 "succeeded" "${RW[@]}" create-partition 1 10M --wait
part=$(sed -n 's/.*succeeded: partition \([0-9]*\) .*/\1/p' <<<"$VDS_OUT")
vds_hold 0 # the first delete waits until the second is queued behind it
expect_run "delete" 0 "" "${RW[@]}" delete-partition "$part"
expect_run_queued "delete again" 1 "failed" "${RW[@]}" delete-partition "$part" --wait
expect_run "jobs failed" 1 "VDS WARNING - 1 job failed in the last 3600 s; last: job" \
	"$CHECK" -m jobs "${SNMP[@]}"
case "$VDS_OUT" in
*"| failed=1;0;;0;") ;;
*) check_fail "jobs perfdata: $VDS_OUT" ;;
esac
expect_run "jobs critical" 2 "VDS CRITICAL" "$CHECK" -m jobs -w 0 -c 0 "${SNMP[@]}"
expect_run "jobs tolerated" 0 "VDS OK - 1 job failed" "$CHECK" -m jobs -w 1 "${SNMP[@]}"
sleep 2.2
expect_run "jobs window" 0 "VDS OK - 0 jobs failed in the last 1 s" \
	"$CHECK" -m jobs -W 1 "${SNMP[@]}"

vds_stop_vdsd
vds_finish
