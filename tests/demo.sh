#!/bin/bash
# demo.sh - the README's first command: install what is missing, build in
# build/, then run the main job on the embedded default (the sim provider):
# a private snmpd master on a loopback port with its AgentX socket in a
# temp dir, vdsd, a private snmptrapd, and a walk of VDS-MIB.  Touches no
# system configuration; everything it starts is stopped at the end.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
jobs=$(nproc 2>/dev/null || echo 2)

"$top/tests/install-deps.sh" build run mibs || exit 1
echo "==> building in $build"
if [ ! -x "$top/configure" ]; then
	(cd "$top" && ./autogen.sh) || exit 1
fi
mkdir -p "$build" || exit 1
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && "$top/configure" -q) || exit 1
fi
make -C "$build" -s -j"$jobs" >"$build/demo-make.log" 2>&1 || {
	tail -n 40 "$build/demo-make.log"
	echo "demo: the build failed (full log: $build/demo-make.log)"
	exit 1
}

top_srcdir=$top
top_builddir=$build
VDS_TRAPD_OPTS=-OsU # notifications with names
VDS_TRAPD_MIBS=VDS-MIB:SNMPv2-MIB
# shellcheck source=tests/integration/lib.sh
. "$top/tests/integration/lib.sh"
vds_require_vdsd

show() { # print a command line, then run it
	printf '\n$ %s\n' "$*" | sed "s|$VDS_TMP|\$TMP|g; s|$top/||g"
	"$@"
}
opts=(-v2c -c public -M "$VDS_MIBDIRS" -m VDS-MIB)
echo "==> starting a private snmptrapd, snmpd master and vdsd (sim provider) in $VDS_TMP"
vds_start_trapd
vds_start_master
agent=127.0.0.1:$VDS_MASTER_PORT
vds_write_conf "provider sim" "discovery no" "simJobDuration 2000"
vds_start_vdsd
vds_wait_registered 10000
note "vdsd registered with the master after $VDS_WAITED_MS ms"

echo "==> VDS-MIB through the master (udp:$agent)"
show snmpbulkwalk "${opts[@]}" -Os "$agent" VDS-MIB::vdsService
for t in vdsDiskTable vdsPartitionTable vdsVolumeTable vdsPlexTable vdsPackTable vdsVDiskTable; do
	rows=$(snmpbulkwalk "${opts[@]}" -Cr25 "$agent" "VDS-MIB::$t" 2>/dev/null | grep -v 'No Such')
	if [ -n "$rows" ]; then
		show snmptable "${opts[@]}" -Cb -Ci -Cw 150 "$agent" "VDS-MIB::$t"
	else
		printf '\n$ snmptable ... %s\n(no rows)\n' "$t"
	fi
done

# The index of the object whose name column (COLUMN) reads VALUE.
index_of() { # COLUMN VALUE
	snmpbulkwalk "${opts[@]}" -Oqs "$agent" "VDS-MIB::$1" |
		awk -v v="$2" '{ n = $2; gsub(/"/, "", n) } n == v { sub(/.*\./, "", $1); print $1; exit }'
}

# Start a job with one SET (every "H" in the varbinds becomes the handle),
# then follow it the way IVdsAsync::QueryStatus would.
run_job() { # WHAT TYPE VARBIND...
	local what=$1 type=$2 h status percent
	shift 2
	h=$(snmpget "${opts[@]}" -Oqv "$agent" VDS-MIB::vdsJobNextHandle.0)
	echo
	echo "==> job $h: $what"
	show snmpset -v2c -c private -M "$VDS_MIBDIRS" -m VDS-MIB "$agent" \
		"VDS-MIB::vdsJobRowStatus.$h" i createAndGo "VDS-MIB::vdsJobType.$h" i "$type" \
		"${@//.H/.$h}" || return 1
	for _ in $(seq 1 100); do
		status=$(snmpget "${opts[@]}" -Oqv "$agent" "VDS-MIB::vdsJobStatus.$h")
		percent=$(snmpget "${opts[@]}" -OUqv "$agent" "VDS-MIB::vdsJobPercentComplete.$h")
		printf '    %-10s %3s%%  %s\n' "$status" "$percent" \
			"$(snmpget "${opts[@]}" -Oqv "$agent" "VDS-MIB::vdsJobDetails.$h")"
		case $status in succeeded | failed | cancelled) break ;; esac
		sleep 0.4
	done
	show snmpget "${opts[@]}" "$agent" "VDS-MIB::vdsJobResult.$h" "VDS-MIB::vdsJobHResult.$h" \
		"VDS-MIB::vdsJobOutOffset.$h" "VDS-MIB::vdsJobOutPartition.$h" \
		"VDS-MIB::vdsJobOutReclaimedBytes.$h" "VDS-MIB::vdsJobErrorMessage.$h"
}

disk=$(index_of vdsDiskName sim4)
vol=$(index_of vdsVolumeName backup)
run_job "a 2 GiB partition on the empty disk sim4 (index $disk), labelled GPT on the way" \
	createPartition VDS-MIB::vdsJobParamDisk.H u "$disk" VDS-MIB::vdsJobParamSizeMiB.H u 2048 \
	VDS-MIB::vdsJobParamInitLabel.H i gpt
run_job "shrink the volume \"backup\" (index $vol) by 10 GiB" \
	shrinkVolume VDS-MIB::vdsJobParamVolume.H u "$vol" VDS-MIB::vdsJobParamSizeMiB.H u 10240
show snmptable "${opts[@]}" -Cb -Ci -Cw 150 "$agent" VDS-MIB::vdsJobTable

sleep 0.5
echo
echo "==> notifications received by snmptrapd"
grep '^TRAP' "$VDS_TRAPLOG" | sed 's/^TRAP\t//; s/\t/\n    /g' || echo "(none)"

echo
echo "==> stopping vdsd, snmpd and snmptrapd"
vds_stop_vdsd
vds_finish
