#!/bin/bash
# SPDX-License-Identifier: ISC
# persist.sh BUILDDIR - the four figures of issue 12 ("Figures to reach"),
# each against its reference measured in the same run, through a private
# snmpd master on 127.0.0.1 whose trap2sink is the benchmark client itself
# (bench/traplat.c: kernel receive timestamps, SO_TIMESTAMPNS):
#  1. SET -> vdsJobCompleted, stateDir on a disk (not tmpfs: checked), one
#     job at a time (sim provider, simJobDuration 0; createPartition of
#     1 MiB on sim disk 1, then deletePartition of it, alternating), against
#     the same path for a plain Net-SNMP AgentX subagent that sends a
#     notification at the COMMIT of a SET (bench/notifyref.c).  Targets:
#     median within 2x of the reference, p99 under 2 ms on a quiet machine
#     (the load average is printed next to it).
#  2. SET round trip p99 while jobs commit (a stream of the same jobs,
#     BENCH_WINDOW outstanding): stateDir on a disk against stateDir on a
#     tmpfs mounted for this run.  Target: within 1.5x.
#  3. Cold start with BENCH_DISKS image disks: bench/coldstart.sh, run
#     from here (its own master and temp dir).
#  4. VmRSS of vdsd with BENCH_ROWS retained finished job rows against an
#     idle Net-SNMP snmpd running as AgentX subagent (snmpd -X) of the same
#     master.  Target: within 1.25x.  Use a build without sanitizers (it
#     says which it got).
# Prints figures and PASS/MISS; not a test and not in make check.
# Knobs: BENCH_JOBS (1000), BENCH_STREAM_JOBS (2000), BENCH_WINDOW (8),
# BENCH_ROWS (10000), BENCH_DISKS (1000), BENCH_COLDSTART (1; 0 skips 3).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

NJOBS=${BENCH_JOBS:-1000}
NSTREAM=${BENCH_STREAM_JOBS:-2000}
WINDOW=${BENCH_WINDOW:-8}
NROWS=${BENCH_ROWS:-10000}
NDISKS=${BENCH_DISKS:-1000}
NOTIFYREF=$VDS_TMP/notifyref
REF_SCALAR=.1.3.6.1.4.1.8072.9999.87.1.0
REF_TRAP=.1.3.6.1.4.1.8072.9999.87.0.1
STATE=$VDS_TMP/state
STATE_MOUNTED=

bench_require
vds_require_cmd mount umount stat
bench_build_client
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra $(net-snmp-config --cflags) -o "$NOTIFYREF" "$bench_here/notifyref.c" \
	$(net-snmp-config --agent-libs) || fail "cannot build bench/notifyref.c"

# The tmpfs on the state dir is unmounted once vdsd no longer holds it.
bench_cleanup() {
	local rc=$?
	vds_kill_pid vdsd
	state_unmount
	(exit "$rc")
	vds_cleanup
}
state_unmount() {
	[ -n "$STATE_MOUNTED" ] || return 0
	umount "$STATE" || umount -l "$STATE"
	STATE_MOUNTED=
}
trap bench_cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
rss_parts() { awk '/^Rss(Anon|File|Shmem):/ { printf "%s%s %s kB", n++ ? ", " : "", $1, $2 }' \
	"/proc/$1/status"; }
sanitized() { grep -q 'libasan\|libubsan' "/proc/$1/maps" && echo "with sanitizers" ||
	echo "without sanitizers"; }

# fresh_vdsd disk|tmpfs [CONF LINE...]: vdsd on an empty state dir of that kind.
fresh_vdsd() {
	vds_stop_vdsd
	state_unmount
	rm -rf "$STATE"
	mkdir -p "$STATE"
	if [ "$1" = tmpfs ]; then
		mount -t tmpfs -o size=512m,mode=0700 vdsbench "$STATE" || fail "cannot mount a tmpfs"
		STATE_MOUNTED=1
	fi
	VDS_SIM_JOB_MS=0 vds_write_conf "discovery no" "${@:2}"
	# the harness's test gates (simHoldDir) create a file at every phase of
	# every sim job: not what an installed vdsd does, and not timed here
	sed -i '/^simHoldDir /d' "$VDS_CONF"
	bench_start_vdsd
	note "stateDir $STATE on $(stat -f -c %T "$STATE"), vdsd $(sanitized "$VDS_VDSD_PID")"
}

fs=$(stat -f -c %T "$VDS_TMP")
[ "$fs" != tmpfs ] && [ "$fs" != ramfs ] ||
	fail "$VDS_TMP is on $fs: set TMPDIR to a directory on a disk (e.g. /var/tmp)"

VDS_TRAP_PORT=$(vds_free_port) || fail "no free UDP port"
bench_start_master
echo "load average at the start: $(load)"

# ------------------------------------------------------------------ 1
echo "== 1. SET -> notification received, $NJOBS SETs one at a time"
"$NOTIFYREF" "$VDS_TMP/agentx.sock" 2>>"$VDS_TMP/notifyref.log" &
VDS_PIDS["notifyref"]=$!
wait_for 10000 bench_answers "$REF_SCALAR" || fail "bench/notifyref does not answer"
ref=$(lat trapset "$NJOBS" "$VDS_TRAP_PORT" "$REF_SCALAR" "$REF_TRAP") || fail "trapset: $ref"
vds_kill_pid notifyref
printf 'Net-SNMP subagent (reference) %s\n' "${ref//$'\n'/$'\n'Net-SNMP subagent (reference) }"

declare -A seq stream
for kind in disk tmpfs; do
	fresh_vdsd "$kind" "jobMaxQueued 256"
	seq[$kind]=$(lat trapjobs "$NJOBS" 1 "$VDS_TRAP_PORT" "$NEXT_HANDLE" "$J" 1) ||
		fail "trapjobs ($kind): ${seq[$kind]}"
	seq_load=$(load)
	printf 'vdsd, stateDir on %s: %s\n' "$kind" \
		"${seq[$kind]//$'\n'/$'\n'vdsd, stateDir on $kind: }"
	echo "  load average: $seq_load"
	[ "$kind" = disk ] && disk_load=$seq_load
	stream[$kind]=$(lat trapjobs "$NSTREAM" "$WINDOW" "$VDS_TRAP_PORT" "$NEXT_HANDLE" "$J" 1) ||
		fail "trapjobs stream ($kind): ${stream[$kind]}"
done

# ------------------------------------------------------------------ 2
echo "== 2. SET round trip while jobs commit: $NSTREAM jobs, $WINDOW outstanding"
for kind in disk tmpfs; do
	printf 'stateDir on %s: %s\n' "$kind" "${stream[$kind]//$'\n'/$'\n'stateDir on $kind: }"
done
stream_load=$(load)
echo "  load average: $stream_load"

# ------------------------------------------------------------------ 4
echo "== 4. VmRSS with $NROWS retained job rows vs an idle snmpd -X subagent"
fresh_vdsd disk "jobMaxQueued $((NROWS + 10))" "jobMaxRetained $((NROWS + 10))" \
	"jobPurgeTime 86400"
rss0=$(rss_kb "$VDS_VDSD_PID")
rss0_parts=$(rss_parts "$VDS_VDSD_PID")
lat fill "$NROWS" "$J" "$NEXT_HANDLE" 1 || fail "fill failed"
rows=$(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$VDS_ROOT_OID.1.1.9.0")
rss=$(rss_kb "$VDS_VDSD_PID")
bench_start_netsnmp_subagent
ref_rss=$(rss_kb "${VDS_PIDS[subagent]}")
echo "vdsd ($(sanitized "$VDS_VDSD_PID")): VmRSS $rss kB with $rows succeeded rows" \
	"($rss0 kB before them: $(((rss - rss0) * 1024 / NROWS)) B per row)"
echo "  vdsd with the rows: $(rss_parts "$VDS_VDSD_PID"); before them: $rss0_parts"
echo "snmpd -X subagent, idle: VmRSS $ref_rss kB"
rss_load=$(load)
echo "  load average: $rss_load"
vds_stop_vdsd
vds_kill_pid subagent

# ------------------------------------------------------------------ 3
cold=
if [ "${BENCH_COLDSTART:-1}" = 1 ]; then
	echo "== 3. cold start with $NDISKS image disks (bench/coldstart.sh)"
	cold=$(BENCH_DISKS=$NDISKS "$bench_here/coldstart.sh" "$top_builddir" 2>&1) ||
		fail "coldstart.sh: $cold"
	grep -v '^#' <<<"$cold"
	cold_load=$(load)
	echo "  load average: $cold_load"
fi

# ------------------------------------------------------------------ targets
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }'; }
echo "== targets"
ref_med=$(field "$(grep '^SET-to-notification' <<<"$ref")" median)
d_line=$(grep '^SET-to-vdsJobCompleted' <<<"${seq[disk]}")
d_med=$(field "$d_line" median)
d_p99=$(field "$d_line" p99)
r=$(ratio "$d_med" "$ref_med")
printf '1. SET->vdsJobCompleted (disk) median %s ms = %sx the reference %s ms, within 2x: %s\n' \
	"$d_med" "$r" "$ref_med" "$(verdict "$r" '<' 2)"
printf '   p99 %s ms < 2 ms: %s (load average %s)\n' "$d_p99" "$(verdict "$d_p99" '<' 2)" \
	"$disk_load"
sd=$(field "$(grep '^SET round trip' <<<"${stream[disk]}")" p99)
st=$(field "$(grep '^SET round trip' <<<"${stream[tmpfs]}")" p99)
r=$(ratio "$sd" "$st")
printf '2. SET round trip p99 while jobs commit: disk %s ms = %sx tmpfs %s ms, within 1.5x: %s (load average %s)\n' \
	"$sd" "$r" "$st" "$(verdict "$r" '<' 1.5)" "$stream_load"
if [ -n "$cold" ]; then
	printf '3. %s (load average %s)\n' "$(grep '^cold/warm' <<<"$cold")" "$cold_load"
fi
r=$(ratio "$rss" "$ref_rss")
printf '4. VmRSS %s kB with %s rows = %sx snmpd -X %s kB, within 1.25x: %s (load average %s)\n' \
	"$rss" "$rows" "$r" "$ref_rss" "$(verdict "$r" '<' 1.25)" "$rss_load"
echo "load average at the end: $(load)"
vds_finish
