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

"$top/tests/install-deps.sh" || exit 1
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
vds_write_conf "provider sim" "discovery no"
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

sleep 0.5
echo
echo "==> notifications received by snmptrapd"
grep '^TRAP' "$VDS_TRAPLOG" | sed 's/^TRAP\t//; s/\t/\n    /g' || echo "(none)"

echo
echo "==> stopping vdsd, snmpd and snmptrapd"
vds_stop_vdsd
vds_finish
