# shellcheck shell=bash
# SPDX-License-Identifier: ISC
#
# lib.sh - the harness every integration test sources: the real vdsd behind a
# private snmpd master on a loopback port, a private snmptrapd writing the
# notifications it receives to a file, and snmpget/snmpbulkwalk as clients.
#
# Everything lives in one temp dir; nothing outside it is read or written
# (Net-SNMP's own config and persistent files included).  One cleanup trap
# kills exactly the PIDs started here and detaches exactly the loop devices
# attached here, on success and failure alike.  VDS_KEEP_TMP=1 keeps the dir.
#
# A test:   . "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
#           vds_require_root; vds_require_vdsd
#           vds_start_trapd (optional, before the master); vds_start_master
#           vds_write_conf "imageDisk ..."; vds_start_vdsd; vds_wait_registered
#           ... checks with expect_eq / check_fail (go on) or fail (stop) ...
#           vds_stop_vdsd; vds_finish
# Helpers: wait_for MS CMD, now_ms, vds_snmpget/vds_snmpset/vds_snmpwalk,
# vds_get_value OID, vds_table ARC, vds_load ARRAY ARC, vds_find_row,
# mib_col ENUMERATOR (numbers from agent/mib_oids.h), vds_restart_master,
# vds_kill9_master, vds_restart_vdsd, vds_kill9_vdsd, vds_make_image,
# attach_loop/detach_loop, vds_trap_count, vds_wait_trap, vds_trap_varbind.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip.  vdsd runs with
# ASAN_OPTIONS=detect_leaks=1:abort_on_error=1; a sanitizer report in its
# output fails the test.

set -u
set -o pipefail

vds_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$vds_here/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir

VDSD=${VDSD:-$top_builddir/vdsd}
# the vdisk provider's nbd server, from the build tree (installed: pkglibexecdir)
[ -x "$top_builddir/vdsd-nbd" ] && export VDSD_NBD_HELPER=${VDSD_NBD_HELPER:-$top_builddir/vdsd-nbd}
VDS_BASE_MIBS=${VDS_BASE_MIBS:-$top_builddir/tests/mibs}
VDS_ROOT_OID=.1.3.6.1.4.1.8072.9999.86
VDS_TRAP_OID=.1.3.6.1.6.3.1.1.4.1.0
VDS_TEST=$(basename "$0" .sh)

declare -A VDS_PIDS=()	 # name -> PID of a process this test started
declare -a VDS_LOOPS=()	 # "devnode|backing-file" attached by this test
declare -a VDS_ON_EXIT=()	 # commands vds_cleanup runs (vds_on_exit), last first
VDS_FAILURES=0
VDS_MASTER_PORT=
VDS_TRAP_PORT=

# ------------------------------------------------------------------ basics

note() { printf '# %s\n' "$*"; }

fail() {
	printf 'FAIL: %s: %s\n' "$VDS_TEST" "$*" >&2
	exit 1
}

skip() {
	printf '\n*** SKIP %s: %s ***\n\n' "$VDS_TEST" "$*" >&2
	exit 77
}

# A failed check is counted and reported; vds_finish turns it into exit 1.
check_fail() {
	printf 'FAIL: %s: %s\n' "$VDS_TEST" "$*" >&2
	VDS_FAILURES=$((VDS_FAILURES + 1))
}

expect_eq() { # WHAT EXPECTED ACTUAL
	if [ "$2" != "$3" ]; then
		check_fail "$1: expected \"$2\", got \"$3\""
		return 1
	fi
	return 0
}

vds_finish() {
	vds_check_sanitizers || VDS_FAILURES=$((VDS_FAILURES + 1))
	if [ "$VDS_FAILURES" -gt 0 ]; then
		printf 'FAIL: %s: %d check(s) failed\n' "$VDS_TEST" "$VDS_FAILURES" >&2
		exit 1
	fi
	note "$VDS_TEST: all checks passed"
	exit 0
}

# (bash's clock when it has one: no date process, which costs 0.1-0.2 s in the VM lane's TCG guest)
now_ms() {
	local t=${EPOCHREALTIME:-}
	t=${t//[!0-9]/}
	if [ -n "$t" ]; then echo $((t / 1000)); else echo $(($(date +%s%N) / 1000000)); fi
}

# wait_for TIMEOUT_MS CMD...: poll CMD until it succeeds; VDS_WAITED_MS is
# the time it took.  Returns 1 on timeout.  VDS_POLL_S: the pause between
# tries (default 0.02; the VM lane polls slower: each try is an SNMP client
# competing for the guest's CPU with what it waits for).
wait_for() {
	local timeout=$1 start
	shift
	start=$(now_ms)
	while :; do
		if "$@"; then
			VDS_WAITED_MS=$(($(now_ms) - start))
			return 0
		fi
		VDS_WAITED_MS=$(($(now_ms) - start))
		[ "$VDS_WAITED_MS" -ge "$timeout" ] && return 1
		sleep "${VDS_POLL_S:-0.02}"
	done
}

vds_require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices, block device discovery)"
}

vds_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "the command \"$c\" is not installed"
	done
}

# ------------------------------------------------------------------ temp dir and cleanup

VDS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vdsd-$VDS_TEST.XXXXXX") || fail "mktemp -d failed"
mkdir -p "$VDS_TMP/snmpconf" "$VDS_TMP/persist" "$VDS_TMP/state"
# Keep Net-SNMP (clients, snmpd, snmptrapd and vdsd itself) away from
# /etc/snmp, ~/.snmp and /var/lib/snmp.
export SNMPCONFPATH=$VDS_TMP/snmpconf
export SNMP_PERSISTENT_DIR=$VDS_TMP/persist
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
# Leaks inside the libraries we link (not ours to fix) are listed there.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# NAME [SIG LATE-SIG SECONDS]: SIG (TERM), then LATE-SIG (KILL) to what is
# still there after SECONDS (5)
vds_kill_pid() {
	local name=$1 sig=${2:-TERM} late=${3:-KILL} secs=${4:-5} pid=${VDS_PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	unset "VDS_PIDS[$name]"
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -"$sig" "$pid" 2>/dev/null
	for ((i = 0; i < secs * 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	kill -0 "$pid" 2>/dev/null && kill -"$late" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# vds_on_exit CMD: run CMD (eval) when the test exits, before daemons are stopped.
vds_on_exit() { VDS_ON_EXIT+=("$1"); }

vds_dump_logs() {
	local f
	for f in "$VDS_TMP"/*.log; do
		[ -f "$f" ] || continue
		printf '\n----- %s (last 60 lines) -----\n' "${f##*/}" >&2
		tail -n 60 "$f" >&2
	done
}

vds_cleanup() {
	local rc=$? name entry i
	trap - EXIT INT TERM
	for ((i = ${#VDS_ON_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${VDS_ON_EXIT[i]}" || true
	done
	for name in "${!VDS_PIDS[@]}"; do
		vds_kill_pid "$name"
	done
	if [ "$rc" -eq 0 ] && ! vds_check_sanitizers; then
		rc=1
	fi
	for entry in "${VDS_LOOPS[@]}"; do
		vds_detach_if_ours "${entry%%|*}" "${entry#*|}"
	done
	vds_detach_leftovers
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		vds_dump_logs
	fi
	if [ "${VDS_KEEP_TMP:-0}" = 1 ]; then
		note "kept $VDS_TMP"
	else
		rm -rf "$VDS_TMP"
	fi
	exit "$rc"
}
trap vds_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ ports

# A UDP port on 127.0.0.1 nobody listens on right now.
vds_free_port() {
	local p hex i
	for ((i = 0; i < 500; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		hex=$(printf ':%04X ' "$p")
		if ! grep -qi "$hex" /proc/net/udp /proc/net/udp6 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# ------------------------------------------------------------------ SNMP clients

# Base MIBs (SNMPv2-SMI/TC/CONF) come from the npm package net-snmp.
vds_ensure_mibs() {
	local fetch=$top_srcdir/tests/mib/fetch-base-mibs.sh
	[ -f "$VDS_BASE_MIBS/SNMPv2-SMI.mib" ] || [ -f "$VDS_BASE_MIBS/SNMPv2-SMI.txt" ] ||
		[ -f "$VDS_BASE_MIBS/SNMPv2-SMI" ] && return 0
	[ -f "$fetch" ] || fail "$fetch is missing: cannot get the base MIBs"
	mkdir -p "$VDS_BASE_MIBS"
	# Parallel tests share the directory: one fetch at a time.
	(
		flock 9
		[ -e "$VDS_BASE_MIBS/SNMPv2-SMI.mib" ] || [ -e "$VDS_BASE_MIBS/SNMPv2-SMI.txt" ] ||
			[ -e "$VDS_BASE_MIBS/SNMPv2-SMI" ] || sh "$fetch" "$VDS_BASE_MIBS"
	) 9>"$VDS_BASE_MIBS/.lock" >"$VDS_TMP/fetch-mibs.log" 2>&1 ||
		fail "fetching the base MIBs (SNMPv2-SMI/TC/CONF from the npm package net-snmp) failed:
$(cat "$VDS_TMP/fetch-mibs.log")"
}

VDS_MIBDIRS=+$top_srcdir/mibs:$VDS_BASE_MIBS
# VDS_SNMP_TIMEOUT (seconds per try, 3 tries) and VDS_AGENTX_TIMEOUT (the
# master's wait for vdsd) are 1 and 2; the VM lane, where an emulated CPU
# on a loaded host stalls for seconds, raises both (guest-all.sh).
VDS_SNMP_OPTS=(-v2c -t "${VDS_SNMP_TIMEOUT:-1}" -r 2 -M "$VDS_MIBDIRS" -m VDS-MIB)

# Clients of the private master: vds_snmpget OID..., vds_snmpset OID T V...,
# vds_snmpwalk [OPTS] OID (the agent address is added).
vds_snmpget() { snmpget "${VDS_SNMP_OPTS[@]}" -c public "127.0.0.1:$VDS_MASTER_PORT" "$@"; }
vds_snmpset() { snmpset "${VDS_SNMP_OPTS[@]}" -c private "127.0.0.1:$VDS_MASTER_PORT" "$@"; }
vds_snmpwalk() {
	local opts=()
	while [ $# -gt 1 ]; do
		opts+=("$1")
		shift
	done
	snmpbulkwalk "${VDS_SNMP_OPTS[@]}" -c public -Cr25 "${opts[@]}" \
		"127.0.0.1:$VDS_MASTER_PORT" "$1"
}

# vds_get_value OID: the value alone (-Oqv), "" for noSuch*.
vds_get_value() {
	local v
	v=$(vds_snmpget -Oqv -Oe -OU "$1" 2>/dev/null) || return 1
	case "$v" in
	"No Such"* | "") return 1 ;;
	esac
	[ "$v" = '""' ] && v=
	printf '%s\n' "$v"
}

# vds_table ARC: walk vdsObjects.ARC (1 service, 2 disk, 3 partition, 4 volume,
# ...; see agent/mib_oids.h) and print "COLUMN INDEX VALUE" lines, enums as
# numbers.  The walk goes through the MIB's table name so it also proves that
# Net-SNMP resolves VDS-MIB.
vds_table() {
	local arc=$1 name
	case "$arc" in
	1) name=vdsService ;;
	2) name=vdsDiskTable ;;
	3) name=vdsPartitionTable ;;
	4) name=vdsVolumeTable ;;
	5) name=vdsPlexTable ;;
	6) name=vdsPackTable ;;
	7) name=vdsVDiskTable ;;
	8) name=vdsJobTable ;;
	10) name=vdsDiskHealthTable ;;
	*) fail "vds_table: unknown arc $arc" ;;
	esac
	vds_snmpwalk -On -OQ -Oe -OU -Ot "VDS-MIB::$name" |
		vds_table_parse "$arc"
}

# stdin: numeric walk lines; stdout "COLUMN INDEX VALUE".
vds_table_parse() {
	local prefix="$VDS_ROOT_OID.1.$1." line oid val rest
	[ "$1" = 1 ] || prefix="${prefix}1."
	while IFS= read -r line; do
		oid=${line%% = *}
		val=${line#* = }
		case "$oid" in
		"$prefix"*) ;;
		*) continue ;;
		esac
		case "$val" in
		"No Such"* | "No more variables"*) continue ;;
		'""') val= ;;
		esac
		rest=${oid#"$prefix"}
		printf '%s %s %s\n' "${rest%%.*}" "${rest#*.}" "$val"
	done
}

# vds_load ARRAY ARC: walk a table into the associative array ARRAY
# ("COL.INDEX" -> value) and the indexed array ARRAY_rows (row indexes).
vds_load() {
	local -n _vl_tab=$1 _vl_rows=${1}_rows
	local col idx val out
	_vl_tab=()
	_vl_rows=()
	out=$(vds_table "$2") || return 1
	while read -r col idx val; do
		_vl_tab["$col.$idx"]=$val
		# Every table's column 2 is the object id: one per row.
		[ "$col" = 2 ] && _vl_rows+=("$idx")
	done <<<"$out"
	return 0
}

# The number an agent/mib_oids.h enumerator stands for, e.g. VDS_DISK_NAME.
mib_col() {
	local v
	v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([0-9]*\),.*/\1/p" \
		"$top_srcdir/agent/mib_oids.h" | head -n1)
	[ -n "$v" ] || fail "mib_col: $1 not in agent/mib_oids.h"
	echo "$v"
}

# The first row of ARRAY (loaded by vds_load) whose column COL equals VALUE.
vds_find_row() { # ARRAY COL VALUE
	local -n _vf_tab=$1 _vf_rows=${1}_rows
	local idx
	for idx in "${_vf_rows[@]}"; do
		if [ "${_vf_tab[$2.$idx]:-}" = "$3" ]; then
			echo "$idx"
			return 0
		fi
	done
	return 1
}

# ------------------------------------------------------------------ snmpd master

# VDS_MASTER_CONF_FN names another function that writes
# $VDS_TMP/snmpd.conf (a test of a shipped configuration).
vds_write_master_conf() {
	cat >"$VDS_TMP/snmpd.conf" <<EOF
agentAddress udp:127.0.0.1:$VDS_MASTER_PORT
master agentx
agentXSocket $VDS_TMP/agentx.sock
agentXPerms 0600 0700
agentXTimeout ${VDS_AGENTX_TIMEOUT:-2}
dontLogTCPWrappersConnects yes
rwcommunity private 127.0.0.1
rocommunity public 127.0.0.1
${VDS_TRAP_PORT:+trap2sink 127.0.0.1:$VDS_TRAP_PORT public}
EOF
	# extra lines a test asks for (createUser, rwuser, ...)
	[ "${#VDS_MASTER_EXTRA[@]}" -eq 0 ] ||
		printf '%s\n' "${VDS_MASTER_EXTRA[@]}" >>"$VDS_TMP/snmpd.conf"
}

vds_master_up() {
	snmpget -v2c -c public -t 0.3 -r 0 -On "127.0.0.1:$VDS_MASTER_PORT" \
		.1.3.6.1.2.1.1.3.0 >/dev/null 2>&1
}

# Start snmpd on VDS_MASTER_PORT (a free one when unset); on a port clash
# pick another and try again.
vds_start_master() {
	local try pid
	for try in 1 2 3 4 5; do
		[ -n "$VDS_MASTER_PORT" ] || VDS_MASTER_PORT=$(vds_free_port) ||
			fail "no free UDP port"
		"${VDS_MASTER_CONF_FN:-vds_write_master_conf}"
		MIBS='' MIBDIRS=$VDS_TMP/snmpconf snmpd -C -c "$VDS_TMP/snmpd.conf" -f -I -smux \
			-Lf "$VDS_TMP/snmpd.log" -p "$VDS_TMP/snmpd.pid" &
		pid=$!
		VDS_PIDS[snmpd]=$pid
		if wait_for 30000 vds_master_up && kill -0 "$pid" 2>/dev/null; then
			note "snmpd master pid $pid on udp:127.0.0.1:$VDS_MASTER_PORT," \
				"AgentX $VDS_TMP/agentx.sock"
			return 0
		fi
		vds_kill_pid snmpd
		[ "$try" -gt 1 ] || note "snmpd did not come up on port $VDS_MASTER_PORT, retrying"
		VDS_MASTER_PORT=
	done
	fail "snmpd master does not start"
}

vds_stop_master() { vds_kill_pid snmpd; }

vds_kill9_master() {
	local pid=${VDS_PIDS[snmpd]:-}
	[ -n "$pid" ] || return 0
	unset "VDS_PIDS[snmpd]"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# Same port, same AgentX socket.
vds_restart_master() {
	vds_stop_master
	vds_start_master
}

# ------------------------------------------------------------------ snmptrapd

VDS_TRAPLOG=
VDS_TRAPD_FORMAT=${VDS_TRAPD_FORMAT:-'TRAP\t%V\t%v\n'}

vds_trapd_up() { grep -q 'NET-SNMP version' "$VDS_TRAPLOG" 2>/dev/null; }

# Must run before vds_start_master so the master's trap2sink points here.
# Each notification is one line: "TRAP<tab>OID = value<tab>OID = value...",
# numeric OIDs unless VDS_TRAPD_OPTS says otherwise.
vds_start_trapd() {
	local pid
	VDS_TRAP_PORT=$(vds_free_port) || fail "no free UDP port"
	VDS_TRAPLOG=$VDS_TMP/traps.log
	printf 'disableAuthorization yes\n' >"$VDS_TMP/snmptrapd.conf"
	# shellcheck disable=SC2086
	snmptrapd -f -C -c "$VDS_TMP/snmptrapd.conf" -Lf "$VDS_TRAPLOG" \
		-p "$VDS_TMP/snmptrapd.pid" -M "$VDS_MIBDIRS" -m "${VDS_TRAPD_MIBS:-VDS-MIB}" ${VDS_TRAPD_OPTS:--OnUe} \
		-F "$VDS_TRAPD_FORMAT" "udp:127.0.0.1:$VDS_TRAP_PORT" 2>>"$VDS_TMP/snmptrapd.err" &
	pid=$!
	VDS_PIDS[snmptrapd]=$pid
	wait_for 30000 vds_trapd_up || fail "snmptrapd does not start"
	kill -0 "$pid" 2>/dev/null || fail "snmptrapd exited (port $VDS_TRAP_PORT taken?)"
	note "snmptrapd pid $pid on udp:127.0.0.1:$VDS_TRAP_PORT, writing $VDS_TRAPLOG"
}

vds_stop_trapd() { vds_kill_pid snmptrapd; }

# Number of notifications received so far (to wait for later ones).
vds_trap_count() { grep -c '^TRAP' "$VDS_TRAPLOG" 2>/dev/null || true; }

# vds_trap_find SKIP TRAPOID [SUBSTRING...]: the first notification after the
# first SKIP ones whose snmpTrapOID is TRAPOID and that holds every SUBSTRING.
vds_trap_find() {
	local skip=$1 oid=$2 line s ok
	shift 2
	while IFS= read -r line; do
		case "$line" in
		*"$VDS_TRAP_OID = OID: $oid"$'\t'* | *"$VDS_TRAP_OID = OID: $oid") ;;
		*) continue ;;
		esac
		ok=1
		for s in "$@"; do
			case "$line" in
			*"$s"*) ;;
			*) ok=0 ;;
			esac
		done
		if [ "$ok" = 1 ]; then
			printf '%s\n' "$line"
			return 0
		fi
	done < <(grep '^TRAP' "$VDS_TRAPLOG" 2>/dev/null | tail -n +"$((skip + 1))")
	return 1
}

# vds_wait_trap TIMEOUT_MS SKIP TRAPOID [SUBSTRING...]: sets VDS_TRAP_LINE.
VDS_TRAP_LINE=
vds_wait_trap() {
	local timeout=$1
	shift
	VDS_TRAP_LINE=
	wait_for "$timeout" vds_trap_find_quiet "$@"
}
# shellcheck disable=SC2034 # read by the tests
vds_trap_find_quiet() { VDS_TRAP_LINE=$(vds_trap_find "$@"); }

# The value of varbind OID in a notification line ("" if absent).
vds_trap_varbind() { # LINE OID
	local vb
	while IFS= read -r vb; do
		case "$vb" in
		"$2 = "*)
			vb=${vb#"$2 = "}
			vb=${vb#*: }
			vb=${vb#\"}
			printf '%s\n' "${vb%\"}"
			return 0
			;;
		esac
	done < <(printf '%s\n' "$1" | tr '\t' '\n')
	return 1
}

# ------------------------------------------------------------------ vdsd

VDS_CONF=$VDS_TMP/vdsd.conf
VDS_VDSD_LOG=$VDS_TMP/vdsd.log

# The sim provider's test gates (simHoldDir, providers/sim/sim_gate.h): a test
# holds sim jobs at a phase and releases them, instead of racing a
# simJobDuration against the clock.  Phases count from 0.
VDS_HOLD=$VDS_TMP/hold
vds_hold() { : >"$VDS_HOLD/hold-$1"; }       # PHASE (every job) or H-PHASE (job H)
vds_release() { rm -f "$VDS_HOLD/hold-$1"; } # the same names
vds_reached() { [ -e "$VDS_HOLD/at-$1-$2" ]; } # H PHASE: job H got to PHASE
# vds_wait_reached H PHASE [TIMEOUT_MS]: until job H is at PHASE (held there
# if a gate is up); fails the test on timeout.
vds_wait_reached() {
	wait_for "${3:-30000}" vds_reached "$1" "$2" ||
		fail "job $1 did not reach phase $2 within ${3:-30000} ms"
}

# vds_write_conf [LINE...]: a config for this test; extra lines appended
# (imageDisk, provider, simJobDuration, ...).  Every config names the gate
# directory; no gate is up until a test raises one.
vds_write_conf() {
	mkdir -p "$VDS_HOLD" || fail "cannot make $VDS_HOLD"
	{
		printf '# written by %s\n' "$VDS_TEST"
		printf 'agentXSocket %s\n' "$VDS_TMP/agentx.sock"
		printf 'agentXPingInterval 1\n'
		printf 'stateDir %s\n' "$VDS_TMP/state"
		printf 'simJobDuration %s\n' "${VDS_SIM_JOB_MS:-500}"
		printf '%s\n' "$@"
		printf 'simHoldDir %s\n' "$VDS_HOLD"
	} >"$VDS_CONF"
}

vds_require_vdsd() {
	[ -x "$VDSD" ] || fail "$VDSD not built"
	command -v snmpd >/dev/null 2>&1 || skip "snmpd is not installed (apt-get install snmpd)"
	vds_require_cmd snmpget snmpbulkwalk snmptrapd
	vds_ensure_mibs
}

# vds_start_vdsd [ARGS...]: vdsd -f -c $VDS_CONF in the background, output
# appended to $VDS_VDSD_LOG.  Does not wait for the registration.
vds_start_vdsd() {
	local pid
	printf -- '--- %s: vdsd start\n' "$(date +%T.%N)" >>"$VDS_VDSD_LOG"
	"$VDSD" -f -c "$VDS_CONF" "$@" >>"$VDS_VDSD_LOG" 2>&1 &
	pid=$!
	VDS_PIDS[vdsd]=$pid
	VDS_VDSD_PID=$pid
}

# vdsServiceVersion answers through the master: vdsd is registered.
vds_registered() { vds_get_value "$VDS_ROOT_OID.1.1.1.0" >/dev/null; }

vds_wait_registered() { # [TIMEOUT_MS]
	wait_for "${1:-10000}" vds_registered ||
		fail "vdsd did not register with the master within ${1:-10000} ms"
	kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "vdsd died"
}

# Where every thread of a stuck process is: gdb when there is one, else the kernel's view.
vds_dump_stacks() { # PID
	echo "--- stacks of pid $1"
	if command -v gdb >/dev/null 2>&1; then
		timeout 30 gdb -batch -nx -p "$1" -ex 'thread apply all bt' 2>&1 | grep -E '^(#|Thread)'
	fi
	for t in /proc/"$1"/task/*; do
		echo "task ${t##*/}: $(cat "$t/wchan" 2>/dev/null) $(cat "$t/syscall" 2>/dev/null)"
		cat "$t/stack" 2>/dev/null
	done
}

# SIGTERM by PID, wait; a clean exit is status 0 and no sanitizer report.
vds_stop_vdsd() {
	local pid=${VDS_PIDS[vdsd]:-} rc i
	[ -n "$pid" ] || return 0
	unset "VDS_PIDS[vdsd]"
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 500; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	if kill -0 "$pid" 2>/dev/null; then
		vds_dump_stacks "$pid" >&2
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		check_fail "vdsd (pid $pid) ignored SIGTERM for 10 s"
		return 1
	fi
	wait "$pid"
	rc=$?
	printf -- '--- %s: vdsd exited with %s\n' "$(date +%T.%N)" "$rc" >>"$VDS_VDSD_LOG"
	vds_check_sanitizers || return 1
	[ "$rc" -eq 0 ] || { check_fail "vdsd exited with status $rc after SIGTERM"; return 1; }
}

vds_kill9_vdsd() {
	local pid=${VDS_PIDS[vdsd]:-}
	[ -n "$pid" ] || return 0
	unset "VDS_PIDS[vdsd]"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf -- '--- %s: vdsd killed with SIGKILL\n' "$(date +%T.%N)" >>"$VDS_VDSD_LOG"
	return 0
}

vds_restart_vdsd() {
	vds_stop_vdsd
	vds_start_vdsd "$@"
}

# vds_check_state_scalars WHAT: vdsStateQuarantined, vdsStateLastProblem and
# vdsStateLastProblemTime agree with the "quarantined" lines in vdsd's log
# since its last start: their number, the last one's "FILE: RECORD: REASON"
# (the MIB's 255 octets of it), and a time of this year; 0, "" and year 0
# when there is none.
vds_check_state_scalars() {
	local what=$1 want_n want_last n last t
	want_n=$(awk '/: vdsd start$/ { n = 0 } / \[state\] .*: quarantined: / { n++ }
		END { print n + 0 }' "$VDS_VDSD_LOG")
	want_last=$(awk '/: vdsd start$/ { l = "" } / \[state\] .*: quarantined: / { l = $0 }
		END { sub(/^.* \[state\] /, "", l); sub(/: quarantined: /, ": ", l); print l }' \
		"$VDS_VDSD_LOG")
	n=$(vds_get_value VDS-MIB::vdsStateQuarantined.0) || check_fail "$what: no vdsStateQuarantined"
	# (vds_get_value cannot tell "" from no value)
	last=$(vds_snmpget -Oqv VDS-MIB::vdsStateLastProblem.0 2>&1) ||
		check_fail "$what: no vdsStateLastProblem: $last"
	case $last in
	'""') last= ;;
	"No Such"*) check_fail "$what: no vdsStateLastProblem: $last" ;;
	esac
	t=$(vds_get_value VDS-MIB::vdsStateLastProblemTime.0) || check_fail "$what: no vdsStateLastProblemTime"
	expect_eq "$what: vdsStateQuarantined" "$want_n" "$n"
	expect_eq "$what: vdsStateLastProblem" "${want_last:0:255}" "$last"
	if [ -z "$want_last" ]; then
		expect_eq "$what: vdsStateLastProblemTime" "0-1-1,0:0:0.0" "$t"
	else
		case $t in
		"$(date -u +%Y)-"*) ;;
		*) check_fail "$what: vdsStateLastProblemTime $t is not this year's" ;;
		esac
	fi
	note "$what: vdsStateQuarantined $n, vdsStateLastProblem \"$last\""
}

# ASan/UBSan/LSan reports in vdsd's output fail the test.
vds_check_sanitizers() {
	local pat='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer'
	[ -f "$VDS_VDSD_LOG" ] || return 0
	if grep -Eq "$pat" "$VDS_VDSD_LOG"; then
		[ "${VDS_SANITIZER_REPORTED:-0}" = 1 ] && return 1
		VDS_SANITIZER_REPORTED=1
		printf 'FAIL: %s: sanitizer report in vdsd output:\n' "$VDS_TEST" >&2
		grep -E -A30 "$pat" "$VDS_VDSD_LOG" | head -n 60 >&2
		return 1
	fi
	return 0
}

# ------------------------------------------------------------------ disks

# vds_make_image PATH SIZE_MIB LABEL [PART...]: a sparse image with a gpt or
# dos label (or "none"), each PART "SIZE_MIB:TYPE:FS[:NAME[:FSLABEL]]"
# (TYPE as sfdisk takes it; FS ext4 or "-"); file systems are made at the
# partition's offset inside the image, as on a disk.
vds_make_image() {
	local path=$1 size=$2 label=$3 part script="" n=0 psize ptype fs pname flabel start
	shift 3
	rm -f "$path"
	truncate -s "${size}M" "$path" || fail "truncate $path"
	[ "$label" = none ] && return 0
	for part in "$@"; do
		IFS=: read -r psize ptype fs pname flabel <<<"$part"
		script+="size=${psize}MiB, type=$ptype${pname:+, name=\"$pname\"}"$'\n'
	done
	printf 'label: %s\n%s' "$label" "$script" | sfdisk -q "$path" >/dev/null ||
		fail "sfdisk $path"
	for part in "$@"; do
		n=$((n + 1))
		IFS=: read -r psize ptype fs pname flabel <<<"$part"
		[ "$fs" = - ] && continue
		start=$(sfdisk --json "$path" | jq ".partitiontable.partitions[$((n - 1))].start")
		mkfs."$fs" -q -F -E offset=$((start * 512)) ${flabel:+-L "$flabel"} "$path" \
			"$((psize * 1024))k" >/dev/null 2>&1 || fail "mkfs.$fs in $path partition $n"
	done
}

# attach_loop IMAGE: attach IMAGE (a file inside $VDS_TMP) to a free loop
# device; VDS_LOOP is that device.  Not in $(...): the record of what to
# detach lives in this shell.
VDS_LOOP=
attach_loop() {
	case "$1" in
	"$VDS_TMP"/*) ;;
	*) fail "attach_loop: $1 is not inside $VDS_TMP" ;;
	esac
	VDS_LOOP=$(losetup --find --show "$1") || fail "losetup --find --show $1"
	VDS_LOOPS+=("$VDS_LOOP|$1")
}

# detach_loop DEV: only a device this test attached.
detach_loop() {
	local i entry
	for i in "${!VDS_LOOPS[@]}"; do
		entry=${VDS_LOOPS[$i]}
		[ "${entry%%|*}" = "$1" ] || continue
		unset "VDS_LOOPS[$i]"
		vds_detach_if_ours "${entry%%|*}" "${entry#*|}"
		return
	done
	fail "detach_loop: $1 was not attached by this test"
}

# Safety net: a loop device backed by a file in this test's own temp dir
# (unique, from mktemp) was attached by this test, recorded or not.
vds_detach_leftovers() {
	local dev back
	while read -r dev back; do
		case "$back" in
		"$VDS_TMP"/*)
			printf 'warning: detaching unrecorded %s (%s)\n' "$dev" "$back" >&2
			losetup -d "$dev" || true
			;;
		esac
	done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null)
}

# Detach DEV if it is still backed by FILE (someone may have reused it).
vds_detach_if_ours() { # DEV FILE
	local back
	back=$(losetup -n -O BACK-FILE "$1" 2>/dev/null | sed 's/[[:space:]]*$//; s/ (deleted)$//')
	if [ "$back" = "$2" ] || [ "$back" = "$(readlink -f "$2")" ]; then
		losetup -d "$1" || printf 'warning: losetup -d %s failed\n' "$1" >&2
	fi
}

# ------------------------------------------------------------------ SET outcome helpers
# (added for the job tests; generic)

# vds_snmpset_raw OID T V...: snmpset without the client's own type and
# range checks (-Ir), so wrong types and out-of-range values reach the agent.
vds_snmpset_raw() {
	snmpset "${VDS_SNMP_OPTS[@]}" -Ir -c private "127.0.0.1:$VDS_MASTER_PORT" "$@"
}

# vds_set_reason OID T V...: send the SET (as vds_snmpset_raw) and print the
# error name snmpset reports ("Reason: NAME ..."), or noError when it succeeded.
vds_set_reason() {
	local out rc
	out=$(vds_snmpset_raw "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo noError
		return 0
	fi
	out=$(sed -n 's/^Reason: \([A-Za-z]*\).*/\1/p' <<<"$out" | head -n1)
	echo "${out:-clientError}"
}

# expect_set_error WHAT REASON OID T V...: the SET is answered with REASON.
expect_set_error() {
	local what=$1 want=$2 got
	shift 2
	got=$(vds_set_reason "$@")
	expect_eq "$what" "$want" "$got"
}

# ------------------------------------------------------------------ clients (issue 7)
# Small generic helpers for the client tests (tests/integration/clients-*.sh).

# Extra snmpd.conf lines (createUser, rwuser, ...) that vds_write_master_conf
# appends for the next vds_start_master.
VDS_MASTER_EXTRA=()

# run_rc CMD...: run CMD; VDS_RC its status, VDS_OUT its stdout, VDS_ERR its stderr.
VDS_RC=0 VDS_OUT='' VDS_ERR=
run_rc() {
	"$@" >"$VDS_TMP/run.out" 2>"$VDS_TMP/run.err"
	VDS_RC=$?
	VDS_OUT=$(cat "$VDS_TMP/run.out")
	VDS_ERR=$(cat "$VDS_TMP/run.err")
}

# expect_run WHAT RC SUBSTRING CMD...: CMD exits with RC and its stdout or
# stderr holds SUBSTRING ("" = anything).
expect_run() {
	local what=$1 rc=$2 sub=$3
	shift 3
	run_rc "$@"
	expect_result "$what" "$rc" "$sub"
}

# expect_run_queued WHAT RC SUBSTRING CMD...: as expect_run, for a CMD that
# starts a job which queues behind one held at its first phase (vds_hold 0
# is up): CMD runs in the background until vdsd counts a queued job, then
# the gate comes down and CMD ends.  So the first job is still there when
# the second is asked for, however slow the machine.
expect_run_queued() {
	local what=$1 rc=$2 sub=$3 pid
	shift 3
	"$@" >"$VDS_TMP/run.out" 2>"$VDS_TMP/run.err" &
	pid=$!
	VDS_PIDS[queued]=$pid
	queued() { [ "$(vds_get_value VDS-MIB::vdsJobsQueued.0)" -ge 1 ] 2>/dev/null; }
	wait_for 60000 queued || check_fail "$what: no job queued behind the held one"
	vds_release 0
	wait "$pid"
	VDS_RC=$?
	unset "VDS_PIDS[queued]"
	VDS_OUT=$(cat "$VDS_TMP/run.out")
	VDS_ERR=$(cat "$VDS_TMP/run.err")
	expect_result "$what" "$rc" "$sub"
}

# expect_result WHAT RC SUBSTRING: the last run_rc exited RC with SUBSTRING.
expect_result() {
	local what=$1 rc=$2 sub=$3
	expect_eq "$what: exit status (stderr: $VDS_ERR)" "$rc" "$VDS_RC" || return 1
	case "$VDS_OUT$VDS_ERR" in
	*"$sub"*) return 0 ;;
	esac
	check_fail "$what: expected \"$sub\" in the output, got: $VDS_OUT $VDS_ERR"
	return 1
}
