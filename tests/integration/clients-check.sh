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
VDS_MASTER_EXTRA=(
	"createUser vdsmon SHA vdsauthpass1 AES vdsprivpass1"
	"rouser vdsmon priv"
)
vds_write_conf "discovery no"
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
AGENT=127.0.0.1:$VDS_MASTER_PORT
# jobs mode's history of vdsJobsFailed goes here, not to /var/tmp
export NAGIOS_PLUGIN_STATE_DIRECTORY=$VDS_TMP/cvstate
mkdir -p "$NAGIOS_PLUGIN_STATE_DIRECTORY"
SNMP=(-- -v2c -c public -t 1 -r 1 "$AGENT")
RW=("$VDSCTL" -v2c -c private -t 1 -r 1 "$AGENT")

expect_run "agent" 0 "VDS OK - vdsd" "$CHECK" -m agent "${SNMP[@]}"
case "$VDS_OUT" in
*"| disks=5;;;0; volumes="*) ;;
*) check_fail "agent perfdata: $VDS_OUT" ;;
esac
expect_run "agent -H" 0 "VDS OK" "$CHECK" -m agent -H "$AGENT" -C public
expect_run "agent -H -p" 0 "VDS OK" "$CHECK" -m agent -H 127.0.0.1 -p "$VDS_MASTER_PORT" -C public
expect_run "agent SNMPv3" 0 "VDS OK" "$CHECK" -m agent -- -v3 -l authPriv -u vdsmon -a SHA \
	-A vdsauthpass1 -x AES -X vdsprivpass1 -t 1 -r 1 "$AGENT"
# Wrong credentials are named as such where SNMP tells (v3), UNKNOWN: the
# check's configuration is wrong, not the agent.
expect_run "agent wrong v3 passphrase" 3 "VDS UNKNOWN - authentication failed" \
	"$CHECK" -m agent -- -v3 -l authPriv -u vdsmon -a SHA -A wrongpassphrase -x AES \
	-X vdsprivpass1 -t 1 -r 0 "$AGENT"
expect_run "agent unknown v3 user" 3 "does not know the user \"nobody\"" \
	"$CHECK" -m agent -- -v3 -l authNoPriv -u nobody -a SHA -A whatever12 -t 1 -r 0 "$AGENT"
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
# Arguments are checked before any SNMP: UNKNOWN with a clear message.
expect_run "bad -W" 3 "VDS UNKNOWN - -W (the window of jobs mode, seconds): \"soon\"" \
	"$CHECK" -m jobs -W soon -H "$AGENT"
expect_run "bad -p" 3 "VDS UNKNOWN - -p (the agent's UDP port): \"0\"" "$CHECK" -m agent -H x -p 0
expect_run "-p without -H" 3 "-p goes with -H" "$CHECK" -m agent -p 161 -- -v2c -c public "$AGENT"
expect_run "bad -t" 3 "VDS UNKNOWN - -t (the timeout, seconds)" "$CHECK" -m agent -t 0 -H "$AGENT"
expect_run "unknown option" 3 "unknown option --frob" "$CHECK" -m agent --frob -H "$AGENT"
expect_run "-w in agent mode" 3 "-w and -c have no meaning in agent mode" \
	"$CHECK" -m agent -w 1 -H "$AGENT"
expect_run "free warning below critical" 3 \
	"VDS UNKNOWN - the warning threshold 10% alerts at less free space than the critical 20%" \
	"$CHECK" -m free -w 10% -c 20% -H "$AGENT"
expect_run "jobs warning above critical" 3 "the warning threshold 5 alerts at a higher count" \
	"$CHECK" -m jobs -w 5 -c 2 -H "$AGENT"
expect_run "free bare number" 3 "threshold \"500\" is not a range of sizes with a unit" \
	"$CHECK" -m free -w 500 -H "$AGENT"
expect_run "free mixed range" 3 "threshold \"10%:1G\" is not a range" \
	"$CHECK" -m free -w 10%:1G -H "$AGENT"
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
# A free threshold is a minimum: N: (low is bad) in the perfdata, in bytes.
case "$VDS_OUT" in
*"'pack_pack0_free'=${pfree}B;2147483648000:;1073741824:;0;$psize") ;;
*) check_fail "free perfdata: $VDS_OUT" ;;
esac
expect_run "free % perfdata" 0 "VDS OK" "$CHECK" -m free -o pack0 -w 0.5% "${SNMP[@]}"
case "$VDS_OUT" in
*"'pack_pack0_free'=${pfree}B;$((psize / 200)):;;0;$psize") ;;
*) check_fail "free % perfdata: $VDS_OUT" ;;
esac
# Ranges of the guidelines: outside 1B:FREE-1 is an alert (pack0 has one
# byte more), inside @1B:FREE-1 is not, inside @1B:FREE is; ~:1G alerts
# above 1 GiB.
expect_run "free range outside" 1 "VDS WARNING" \
	"$CHECK" -m free -o pack0 -w "1B:$((pfree - 1))B" "${SNMP[@]}"
expect_run "free range @ (edge)" 0 "VDS OK" \
	"$CHECK" -m free -o pack0 -w "@1B:$((pfree - 1))B" "${SNMP[@]}"
expect_run "free range @" 1 "VDS WARNING" "$CHECK" -m free -o pack0 -w "@1B:${pfree}B" "${SNMP[@]}"
expect_run "free range ~:" 2 "VDS CRITICAL" "$CHECK" -m free -o pack0 -c "~:1G" "${SNMP[@]}"

# Every object at once: the ones past a threshold come first, critical
# before warning, then "; ok: " and the others.  The thresholds are put
# between the objects' own free percentages (from vdsctl --json).
expect_run "disks json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json list disks
disks=$VDS_OUT
expect_run "packs json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json list packs
# "pct kind name" of the objects free mode checks by default, lowest first
objs=$(jq -r --argjson p "$VDS_OUT" '
	([.[] | select(.status == "online" and (.partitionStyle == "gpt" or .partitionStyle == "mbr"))
	  | {k: "disk", n: .name, f: .free, s: .size}] +
	 [$p[] | {k: "pack", n: .name, f: .free, s: .size}])
	| map(select(.s > 0) | "\(.f * 100 / .s) \(.k) \(.n)") | .[]' <<<"$disks" | sort -g)
mapfile -t O <<<"$objs"
if [ "${#O[@]}" -ge 3 ]; then
	read -r p0 k0 n0 <<<"${O[0]}"
	read -r p1 k1 n1 <<<"${O[1]}"
	read -r p2 _ _ <<<"${O[2]}"
	crit=$(awk -v a="$p0" -v b="$p1" 'BEGIN { printf "%.6f", (a + b) / 2 }')
	warn=$(awk -v a="$p1" -v b="$p2" 'BEGIN { printf "%.6f", (a + b) / 2 }')
	if awk -v a="$p0" -v b="$p1" -v c="$p2" 'BEGIN { exit !(a < b && b < c) }'; then
		expect_run "free: breaching first" 2 "VDS CRITICAL - $k0 $n0 " \
			"$CHECK" -m free -w "$warn%" -c "$crit%" "${SNMP[@]}"
		case "$VDS_OUT" in
		"VDS CRITICAL - $k0 $n0 "*" is critical ($crit%), $k1 $n1 "*" is warning ($warn%); ok: "*) ;;
		*) check_fail "free: order of the status line: $VDS_OUT" ;;
		esac
	else
		note "free: the objects' percentages are not distinct (${O[*]}): order not checked"
	fi
else
	check_fail "free: fewer than 3 objects to check: ${O[*]}"
fi
expect_run "free every disk" 0 "disk sim0" "$CHECK" -m free "${SNMP[@]}"
expect_run "free no match" 3 "no disk or pack matches disk:99" \
	"$CHECK" -m free -o disk:99 "${SNMP[@]}"
expect_run "free bad threshold" 3 "threshold \"lots\" is not a range" \
	"$CHECK" -m free -w lots "${SNMP[@]}"

expect_run "volumes" 0 "VDS OK - all 5 volumes healthy" "$CHECK" -m volumes "${SNMP[@]}"

# jobs: none failed yet; then a real failure (a second delete of one
# partition); a window that ends before it sees none.
expect_run "jobs none" 0 "VDS OK - 0 jobs failed" "$CHECK" -m jobs "${SNMP[@]}"
expect_run "create" 0 "succeeded" "${RW[@]}" create-partition 1 10M --wait
part=$(sed -n 's/.*succeeded: partition \([0-9]*\) .*/\1/p' <<<"$VDS_OUT")
vds_hold 0 # the first delete waits until the second is queued behind it
expect_run "delete" 0 "" "${RW[@]}" --yes delete-partition "$part"
expect_run_queued "delete again" 1 "failed" "${RW[@]}" --yes delete-partition "$part" --wait
expect_run "jobs failed" 1 "VDS WARNING - 1 job failed in the last 3600 s; last: job" \
	"$CHECK" -m jobs "${SNMP[@]}"
case "$VDS_OUT" in
*"| failed=1;0;;0;") ;;
*) check_fail "jobs perfdata: $VDS_OUT" ;;
esac
expect_run "jobs critical" 2 "VDS CRITICAL" "$CHECK" -m jobs -w 0 -c 0 "${SNMP[@]}"
expect_run "jobs tolerated" 0 "VDS OK - 1 job failed" "$CHECK" -m jobs -w 1 "${SNMP[@]}"
expect_run "jobs range @" 2 "VDS CRITICAL - 1 job failed" "$CHECK" -m jobs -w 5 -c @1:1 "${SNMP[@]}"
case "$VDS_OUT" in
*"| failed=1;5;@1:1;0;") ;;
*) check_fail "jobs range perfdata: $VDS_OUT" ;;
esac
# The count does not depend on job rows, which are purged: vdsd started
# inside the window, so vdsJobsFailed counts the failure after its row is
# removed.
fh=$(sed -n 's/.*last: job \([0-9]*\):.*/\1/p' <<<"$VDS_OUT")
[ -n "$fh" ] || check_fail "no failed job handle in: $VDS_OUT"
expect_run "forget the failed job" 0 "removed job $fh" "${RW[@]}" job forget "$fh"
expect_run "jobs: the failure counts without its row" 1 \
	"VDS WARNING - 1 job failed in the last 3600 s" "$CHECK" -m jobs "${SNMP[@]}"
# The history check_vds keeps: a sample of an earlier run older than the
# window, with the counter below today's, counts the failure since then -
# without its row (forgotten) and with vdsd started before the window.  The
# file is untrusted input: bad lines are skipped and not written back.
state=("$NAGIOS_PLUGIN_STATE_DIRECTORY"/check_vds-jobs-*.state)
[ -f "${state[0]}" ] || check_fail "no history file in $NAGIOS_PLUGIN_STATE_DIRECTORY"
expect_run "status json" 0 "" "$VDSCTL" -v2c -c public "$AGENT" --json status
started=$(date -u -d "$(jq -r .startTime <<<"$VDS_OUT")" +%s)
now=$(date +%s)
printf 'garbage\n1 2\n%s %s 0\n%s %s 0 x\n' "$((now - 4))" "$started" "$((now - 3))" \
	"$started" >"${state[0]}"
expect_run "jobs: from the history" 1 "VDS WARNING - 1 job failed in the last 3 s" \
	"$CHECK" -m jobs -W 3 "${SNMP[@]}"
grep -qvE '^[0-9]+ [0-9]+ [0-9]+$' "${state[0]}" &&
	check_fail "bad lines written back: $(cat "${state[0]}")"
sleep 2.2
expect_run "jobs window" 0 "VDS OK - 0 jobs failed in the last 1 s" \
	"$CHECK" -m jobs -W 1 "${SNMP[@]}"

vds_stop_vdsd
vds_finish
