#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs.sh BUILDDIR - job-table figures of vdsd (issue 3, "Benchmark"), all
# through a private snmpd master on 127.0.0.1, timed by bench/snmplat.c:
#  a. SET-to-row-visible: N createAndGo SETs (createPartition of 1 MiB on
#     sim disk 1; they queue behind each other on that disk), each followed
#     by GETs of that row's vdsJobStatus until it answers; the SET round
#     trip alone too.
#  b. GET latency while 200 sim jobs run (createVDisk, distinct paths, so
#     none waits for another): vdsJobStatus of a running job, alternating
#     with hrSystemUptime.0 served by a plain Net-SNMP subagent (snmpd -X)
#     on the same master - the reference.
#  c. Bulkwalk of 10,000 finished job rows against hrSWRunTable of as many
#     processes (sleep 600 in a process group of their own, killed as that
#     group afterwards), same master, same run.
# Prints figures and PASS/MISS against the issue's targets; not a test.
# Knobs: BENCH_SET_JOBS (500), BENCH_RUNNING (200), BENCH_GETS (3000),
# BENCH_ROWS (10000), BENCH_WALKS (3), BENCH_MAXREP (25).
. "$(dirname "$0")/lib.sh"

NSET=${BENCH_SET_JOBS:-500}
NRUN=${BENCH_RUNNING:-200}
NGET=${BENCH_GETS:-3000}
NROWS=${BENCH_ROWS:-10000}
WALKS=${BENCH_WALKS:-3}
MAXREP=${BENCH_MAXREP:-25}
SLEEPERS_PGID=

bench_require
bench_build_client

# The sleepers of part c are a process group of their own: kill exactly it.
bench_cleanup() {
	local rc=$?
	if [ -n "$SLEEPERS_PGID" ]; then
		kill -KILL -- "-$SLEEPERS_PGID" 2>/dev/null
		wait "$SLEEPERS_PGID" 2>/dev/null
	fi
	(exit "$rc")
	vds_cleanup
}
trap bench_cleanup EXIT

# Stop vdsd and start it again on an empty state dir with these settings.
fresh_vdsd() {
	vds_stop_vdsd
	rm -rf "$VDS_TMP/state"
	mkdir -p "$VDS_TMP/state"
	VDS_SIM_JOB_MS=$1 vds_write_conf discovery\ no "${@:2}"
	bench_start_vdsd
}

bench_start_master
bench_start_netsnmp_subagent

# ------------------------------------------------------------------ a
echo "== a. SET-to-row-visible, $NSET createAndGo jobs (createPartition, sim disk 1, queued)"
fresh_vdsd 600000 "jobMaxRunning 4" "jobMaxQueued $((NSET + 10))"
out=$(lat jobs "$NSET" "$NEXT_HANDLE" "$J" 4 2=i:4 3=i:1 30=u:1 32=u:1) || fail "jobs: $out"
printf '%s\n' "$out"
set_line=$(grep '^SET round trip' <<<"$out")
vis_line=$(grep '^SET-to-row-visible' <<<"$out")
set_p99=$(field "$set_line" p99)
vis_p99=$(field "$vis_line" p99)

# ------------------------------------------------------------------ b
echo "== b. GET latency while $NRUN sim jobs run ($NGET GETs each, alternating)"
fresh_vdsd 600000 "jobMaxRunning $NRUN" "jobMaxQueued 256"
mkdir -p "$VDS_TMP/vd"
out=$(lat jobs "$NRUN" "$NEXT_HANDLE" "$J" 4 2=i:4 3=i:7 "41=s:$VDS_TMP/vd/v%d.img" 32=u:1) ||
	fail "jobs: $out"
grep '^SET' <<<"$out" | sed 's/^/  (starting them) /'
h=$(($(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$NEXT_HANDLE") - 1))
running=$(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$VDS_ROOT_OID.1.1.7.0")
echo "vdsServiceJobsRunning before: $running (last job $h, status $(snmpget -v2c -c public -Oqv \
	"127.0.0.1:$VDS_MASTER_PORT" "$J.4.$h"))"
out=$(lat get "$NGET" "vdsd vdsJobStatus.$h=$J.4.$h" "Net-SNMP subagent hrSystemUptime.0=$HR_UPTIME")
printf '%s\n' "$out"
echo "vdsServiceJobsRunning after: $(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" \
	"$VDS_ROOT_OID.1.1.7.0")"
get_p99=$(field "$(grep '^vdsd' <<<"$out")" p99)

# ------------------------------------------------------------------ c
echo "== c. bulkwalk of $NROWS job rows vs hrSWRunTable of as many processes"
fresh_vdsd 0 "jobMaxRunning 4" "jobMaxQueued $((NROWS + 10))" "jobMaxRetained $((NROWS + 10))"
lat fill "$NROWS" "$J" "$NEXT_HANDLE" 1 || fail "fill failed"
echo "vdsServiceJobsSucceeded: $(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" \
	"$VDS_ROOT_OID.1.1.9.0"), vdsServiceJobsFailed: $(snmpget -v2c -c public -Oqv \
	"127.0.0.1:$VDS_MASTER_PORT" "$VDS_ROOT_OID.1.1.10.0")"

setsid bash -c 'for ((i = 0; i < '"$NROWS"'; i++)); do sleep 600 & done; wait' \
	</dev/null >/dev/null 2>&1 &
SLEEPERS_PGID=$!
want=$((NROWS + 1))
for ((i = 0; i < 600; i++)); do
	have=$(pgrep -c -g "$SLEEPERS_PGID")
	[ "$have" -ge "$want" ] && break
	sleep 0.1
done
note "$have processes in group $SLEEPERS_PGID (wanted $want); machine total $(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)"
lat walk 1 "$MAXREP" warm=$HR_SWRUN >/dev/null
jw=$(lat walk "$WALKS" "$MAXREP" vdsJobTable=$VDS_ROOT_OID.1.8) || fail "walk of vdsJobTable failed"
hw=$(lat walk "$WALKS" "$MAXREP" hrSWRunTable=$HR_SWRUN) || fail "walk of hrSWRunTable failed"
printf '%s\n%s\n' "$jw" "$hw"
kill -KILL -- "-$SLEEPERS_PGID" 2>/dev/null
wait "$SLEEPERS_PGID" 2>/dev/null
SLEEPERS_PGID=
rate() { sed -n "s/.* \([0-9]*\) $1\/s.*/\1/p" <<<"$2"; }
j_rows=$(rate rows "$jw")
h_rows=$(rate rows "$hw")
j_vbs=$(rate varbinds "$jw")
h_vbs=$(rate varbinds "$hw")

echo "== targets"
printf 'SET p99 %s ms < 2 ms: %s\n' "$set_p99" "$(verdict "$set_p99" '<' 2)"
printf 'SET-to-row-visible p99 %s ms < 2 ms: %s\n' "$vis_p99" "$(verdict "$vis_p99" '<' 2)"
printf 'GET p99 while %s jobs run %s ms < 1 ms: %s\n' "$NRUN" "$get_p99" "$(verdict "$get_p99" '<' 1)"
printf 'walk rate %s rows/s >= Net-SNMP hrSWRunTable %s rows/s: %s\n' "$j_rows" "$h_rows" \
	"$(verdict "$j_rows" '>=' "$h_rows")"
printf 'walk rate %s varbinds/s >= Net-SNMP hrSWRunTable %s varbinds/s: %s\n' "$j_vbs" "$h_vbs" \
	"$(verdict "$j_vbs" '>=' "$h_vbs")"
vds_finish
