# shellcheck shell=bash
# SPDX-License-Identifier: ISC
#
# bench/lib.sh - what the benchmark scripts share.  It sources the integration
# test harness (tests/integration/lib.sh: temp dir, private snmpd master,
# vdsd, loop devices, one cleanup trap that stops exactly what was started)
# and adds: the build dir from $1 or $VDS_BUILDDIR, the C latency client
# bench/snmplat.c (+ traplat.c) compiled into the temp dir, a master that leaves the
# host-resources groups to a Net-SNMP subagent (the reference), and PASS/MISS.
#
# Benchmarks print figures; they are not tests and not in make check.

bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "$bench_here/.." && pwd)
top_builddir=${1:-${VDS_BUILDDIR:-}}
if [ -z "$top_builddir" ] || [ ! -x "$top_builddir/vdsd" ]; then
	printf 'usage: %s BUILDDIR (or VDS_BUILDDIR=...): a build dir holding vdsd\n' "$0" >&2
	exit 2
fi
top_builddir=$(cd "$top_builddir" && pwd)

# shellcheck source=../tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

J=$VDS_ROOT_OID.1.8.1              # vdsJobEntry
NEXT_HANDLE=$VDS_ROOT_OID.1.1.12.0 # vdsJobNextHandle
SVC_VERSION=$VDS_ROOT_OID.1.1.1.0  # vdsServiceVersion
DISK_COUNT=$VDS_ROOT_OID.1.1.5.0   # vdsServiceDiskCount
HR_UPTIME=.1.3.6.1.2.1.25.1.1.0    # hrSystemUptime.0
HR_SWRUN=.1.3.6.1.2.1.25.4.2       # hrSWRunTable
SNMPLAT=$VDS_TMP/snmplat
# Numeric OIDs only: no MIB loading in the Net-SNMP tools (base MIBs are absent).
export MIBS="" MIBDIRS=$VDS_TMP/snmpconf

bench_require() {
	vds_require_root
	vds_require_cmd snmpd snmpget cc net-snmp-config
	[ -x "$VDSD" ] || fail "$VDSD not built"
}

bench_build_client() {
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra $(net-snmp-config --cflags) -o "$SNMPLAT" "$bench_here/snmplat.c" \
		"$bench_here/traplat.c" $(net-snmp-config --libs) -lm || fail "cannot build bench/snmplat.c"
}

lat() { "$SNMPLAT" "$VDS_MASTER_PORT" "$@"; }

# The harness's master with the host-resources groups (hrSystem, hrSWRun)
# left out, so a Net-SNMP subagent serves them through AgentX like vdsd.
bench_start_master() {
	local pid
	for _ in 1 2 3 4 5; do
		VDS_MASTER_PORT=$(vds_free_port) || fail "no free UDP port"
		vds_write_master_conf
		MIBS='' MIBDIRS=$VDS_TMP/snmpconf snmpd -C -c "$VDS_TMP/snmpd.conf" -f \
			-I -smux,hr_system,hr_swrun,hrSWRunTable -Lf "$VDS_TMP/snmpd.log" -p "$VDS_TMP/snmpd.pid" &
		pid=$!
		VDS_PIDS["snmpd"]=$pid
		if wait_for 5000 vds_master_up && kill -0 "$pid" 2>/dev/null; then
			note "snmpd master pid $pid on udp:127.0.0.1:$VDS_MASTER_PORT"
			return 0
		fi
		vds_kill_pid snmpd
	done
	fail "snmpd master does not start"
}

# A plain Net-SNMP snmpd as AgentX subagent of our master: the reference.
bench_start_netsnmp_subagent() {
	local pid
	printf 'agentXSocket %s\nagentXTimeout 2\n' "$VDS_TMP/agentx.sock" >"$VDS_TMP/subagent.conf"
	MIBS='' snmpd -f -C -c "$VDS_TMP/subagent.conf" -X -I -smux -Lf "$VDS_TMP/subagent.log" \
		-p "$VDS_TMP/subagent.pid" &
	pid=$!
	VDS_PIDS["subagent"]=$pid
	wait_for 10000 bench_answers "$HR_UPTIME" || fail "the Net-SNMP subagent does not answer"
	note "Net-SNMP subagent pid $pid serves hrSystem/hrSWRun through the master"
}

bench_answers() { # OID
	local v
	v=$(snmpget -v2c -c public -t 0.5 -r 0 -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$1" 2>/dev/null) ||
		return 1
	case "$v" in "No Such"* | "") return 1 ;; esac
	return 0
}

bench_start_vdsd() {
	vds_start_vdsd
	wait_for 20000 bench_answers "$SVC_VERSION" || fail "vdsd did not register"
	note "vdsd pid $VDS_VDSD_PID registered"
}

# verdict VALUE OP TARGET: PASS when VALUE OP TARGET holds (OP < or >=).
verdict() {
	if awk -v v="$1" -v t="$3" -v op="$2" \
		'BEGIN { exit !((op == "<") ? (v + 0 < t + 0) : (v + 0 >= t + 0)) }'; then
		echo PASS
	else
		echo MISS
	fi
}

# field LINE KEY: the number after "KEY=" in a snmplat line.
field() { sed -n "s/.*[ :]$2=\([0-9.]*\).*/\1/p" <<<"$1" | head -n1; }
