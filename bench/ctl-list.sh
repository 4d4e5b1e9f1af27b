#!/bin/bash
# ctl-list.sh BUILDDIR - how fast vdsctl reads a large table (issue 16):
# `vdsctl list jobs` (the text table: the columns it shows), `vdsctl list
# jobs --json` (every column) and `snmpbulkwalk -Cr25` of the same
# vdsJobTable (every column, the reference), at 1,000 and at 10,000 finished
# job rows, all through one private snmpd master on 127.0.0.1, same run.
# Rows are made as in bench/jobs.sh (bench/snmplat.c fill: createPartition /
# deletePartition pairs on a sim disk with jobs of no duration).  Prints
# rows/s (the median of BENCH_CTL_RUNS runs) and PASS/MISS against the
# target: vdsctl list jobs >= 4x snmpbulkwalk.  Not a test.
# Knobs: BENCH_CTL_ROWS ("1000 10000"), BENCH_CTL_RUNS (3).
. "$(dirname "$0")/lib.sh"

ROWS=${BENCH_CTL_ROWS:-1000 10000}
RUNS=${BENCH_CTL_RUNS:-3}
VDSCTL=${top_builddir:?}/vdsctl
max=0
for n in $ROWS; do [ "$n" -gt "$max" ] && max=$n; done

bench_require
vds_require_cmd snmpbulkwalk
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"
bench_build_client
bench_start_master
VDS_SIM_JOB_MS=0 vds_write_conf "discovery no" "jobMaxRunning 4" "jobMaxQueued $((max + 10))" \
	"jobMaxRetained $((max + 10))" "jobPurgeTime 86400"
bench_start_vdsd
AGENT=127.0.0.1:$VDS_MASTER_PORT

# secs CMD...: the wall-clock seconds CMD takes (its output discarded).
secs() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || fail "$* failed"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'
}
# median_rate ROWS CMD...: rows/s of the median of RUNS runs of CMD.
median_rate() {
	local rows=$1 i
	shift
	for ((i = 0; i < RUNS; i++)); do secs "$@"; echo; done | sort -n |
		awk -v r="$rows" '{ t[NR] = $1 } END { printf "%.0f %.3f", r / t[int((NR + 1) / 2)], t[int((NR + 1) / 2)] }'
}

have=0
declare -A R=()
for n in $ROWS; do
	echo "== $n job rows"
	lat fill "$((n - have))" "$J" "$NEXT_HANDLE" 1 || fail "fill failed"
	have=$n
	got=$("$VDSCTL" -v2c -c public -t 10 -r 1 "$AGENT" list jobs | wc -l)
	got=$((got - 1))
	[ "$got" -eq "$n" ] || fail "vdsctl list jobs shows $got rows, not $n"
	walked=$(snmpbulkwalk -v2c -c public -t 10 -r 1 -Cr25 -On "$AGENT" "$J.2" | wc -l)
	[ "$walked" -eq "$n" ] || fail "snmpbulkwalk sees $walked rows, not $n"
	read -r ctl ctl_t <<<"$(median_rate "$n" "$VDSCTL" -v2c -c public -t 10 -r 1 "$AGENT" list jobs)"
	read -r json json_t <<<"$(median_rate "$n" "$VDSCTL" -v2c -c public -t 10 -r 1 "$AGENT" list jobs --json)"
	read -r walk walk_t <<<"$(median_rate "$n" snmpbulkwalk -v2c -c public -t 10 -r 1 -Cr25 "$AGENT" "$J")"
	printf 'vdsctl list jobs         %7s rows/s (%s s)\n' "$ctl" "$ctl_t"
	printf 'vdsctl list jobs --json  %7s rows/s (%s s)\n' "$json" "$json_t"
	printf 'snmpbulkwalk -Cr25       %7s rows/s (%s s)\n' "$walk" "$walk_t"
	R[$n]="$ctl $json $walk"
done

echo "== targets (vdsctl list jobs >= 4x snmpbulkwalk -Cr25 of vdsJobTable)"
for n in $ROWS; do
	read -r ctl json walk <<<"${R[$n]}"
	printf '%6s rows: list jobs %s rows/s = %.1fx, --json %s rows/s = %.1fx snmpbulkwalk %s rows/s: %s\n' \
		"$n" "$ctl" "$(awk -v a="$ctl" -v b="$walk" 'BEGIN { print a / b }')" "$json" \
		"$(awk -v a="$json" -v b="$walk" 'BEGIN { print a / b }')" "$walk" \
		"$(verdict "$ctl" '>=' "$(awk -v b="$walk" 'BEGIN { print 4 * b }')")"
done
vds_finish
