#!/bin/bash
# SPDX-License-Identifier: ISC
# demo.sh - the README's first command: install what is missing (the build,
# run and mibs purposes of packaging/deps-debian.txt), build in build/, then
# run vdsd on the embedded default (the sim provider) behind a private
# snmpd master on a loopback port with its AgentX socket in a temp dir, and
# a private snmptrapd.  Shows VDS-MIB through the snmp tools, vdsctl and
# check_vds, runs two jobs and shows their notifications.  Touches no
# system configuration; everything it starts is stopped at the end.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
jobs=$(nproc 2>/dev/null || echo 2)

cat <<'INTRO'
demo: vdsd on its simulated provider, with the tools that talk to it.
  1. installs the missing Debian packages to build and run it (the first
     time on a fresh Debian 12: ~120 packages, 95 MB to download; a few
     minutes)
  2. builds in build/ (~1-2 min the first time)
  3. fetches the IETF base MIBs VDS-MIB imports from the npm package
     net-snmp with curl (~1 MB, once), starts a private snmpd, snmptrapd and vdsd on
     127.0.0.1, and shows tables, two jobs and their notifications (~30 s)
INTRO

"$top/tests/install-deps.sh" build run mibs || exit 1
echo "==> building in $build"
mkdir -p "$build" || exit 1
blog=$build/demo-build.log
: >"$blog"
quiet() { # WHAT CMD...: CMD's output in the build log, shown when it fails
	local what=$1
	shift
	"$@" >>"$blog" 2>&1 && return 0
	tail -n 40 "$blog"
	echo "demo: $what failed (full log: $blog)"
	exit 1
}
if [ ! -x "$top/configure" ]; then
	(cd "$top" && quiet autogen.sh ./autogen.sh)
fi
if [ ! -f "$build/Makefile" ]; then
	(cd "$build" && quiet configure "$top/configure" -q)
fi
quiet "the build" make -C "$build" -s -j"$jobs"

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
# Reads with SNMPv2c (community public), writes with SNMPv3 authPriv, as a
# real master should be set up (packaging/snmpd/vdsd-snmpd.conf).
V3_SHOWN="-l authPriv -u vdsadmin -a SHA -A demoauthpass -x AES -X demoprivpass"
VDS_MASTER_EXTRA=("createUser vdsadmin SHA demoauthpass AES demoprivpass" "rwuser vdsadmin priv")
ro=(-v2c -c public -M "$VDS_MIBDIRS" -m VDS-MIB)
# shellcheck disable=SC2206 # word splitting wanted
rw=(-v3 $V3_SHOWN -M "$VDS_MIBDIRS" -m VDS-MIB)
echo "==> starting a private snmptrapd, snmpd master and vdsd (sim provider) in $VDS_TMP"
vds_start_trapd
vds_start_master
agent=127.0.0.1:$VDS_MASTER_PORT
vds_write_conf "provider sim" "discovery no" "simJobDuration 2000"
vds_start_vdsd
vds_wait_registered 60000
note "vdsd registered with the master after $VDS_WAITED_MS ms"

echo
echo "==> VDS-MIB through the master (udp:$agent), with the snmp tools"
show snmpbulkwalk "${ro[@]}" -Os "$agent" VDS-MIB::vdsService
echo "(each read of vdsJobNextHandle hands out a fresh job handle: this walk took one)"
show snmptable "${ro[@]}" -Cb -Ci -Cw 150 "$agent" VDS-MIB::vdsDiskTable

echo
echo "==> the same through vdsctl"
show "$build/vdsctl" -v2c -c public "$agent" list disks
show "$build/vdsctl" -v2c -c public "$agent" list volumes

# The index of the object whose name column (COLUMN) reads VALUE.
index_of() { # COLUMN VALUE
	snmpbulkwalk "${ro[@]}" -Oqs "$agent" "VDS-MIB::$1" |
		awk -v v="$2" '{ n = $2; gsub(/"/, "", n) } n == v { sub(/.*\./, "", $1); print $1; exit }'
}

# Start a job with one SET (every "H" in the varbinds becomes the handle),
# then follow it the way IVdsAsync::QueryStatus would: a line each time its
# state changes, until it ends (a generous deadline: the machine may be busy).
run_job() { # WHAT TYPE VARBIND...
	local what=$1 type=$2 h status percent line last='' deadline
	shift 2
	h=$(snmpget "${ro[@]}" -Oqv "$agent" VDS-MIB::vdsJobNextHandle.0)
	echo
	echo "==> job $h: $what"
	show snmpset "${rw[@]}" "$agent" \
		"VDS-MIB::vdsJobRowStatus.$h" i createAndGo "VDS-MIB::vdsJobType.$h" i "$type" \
		"${@//.H/.$h}" || return 1
	deadline=$((SECONDS + 180))
	while :; do
		status=$(snmpget "${ro[@]}" -Oqv "$agent" "VDS-MIB::vdsJobStatus.$h")
		percent=$(snmpget "${ro[@]}" -OUqv "$agent" "VDS-MIB::vdsJobPercentComplete.$h")
		line=$(printf '    %-10s %3s%%  %s' "$status" "$percent" \
			"$(snmpget "${ro[@]}" -Oqv "$agent" "VDS-MIB::vdsJobDetails.$h")")
		[ "$line" = "$last" ] || printf '%s\n' "$line"
		last=$line
		case $status in succeeded | failed | cancelled) break ;; esac
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "demo: job $h has not ended after 180 s (status $status)"
			return 1
		fi
		sleep 0.3
	done
	show snmpget "${ro[@]}" "$agent" "VDS-MIB::vdsJobResult.$h" "VDS-MIB::vdsJobHResult.$h" \
		"VDS-MIB::vdsJobOutOffset.$h" "VDS-MIB::vdsJobOutPartition.$h" "VDS-MIB::vdsJobErrorMessage.$h"
}

disk=$(index_of vdsDiskName sim4)
vol=$(index_of vdsVolumeName backup)
run_job "a 2 GiB partition on the empty disk sim4 (index $disk), labelled GPT on the way" \
	createPartition VDS-MIB::vdsJobParamDisk.H u "$disk" VDS-MIB::vdsJobParamSizeMiB.H u 2048 \
	VDS-MIB::vdsJobParamInitLabel.H i gpt || VDS_FAILURES=$((VDS_FAILURES + 1))

echo
echo "==> a job through vdsctl: shrink the volume \"backup\" (index $vol) by 10 GiB, --wait"
echo "    (a progress bar on a terminal; the exit status says how the job ended)"
# shellcheck disable=SC2086 # word splitting wanted
show "$build/vdsctl" -v3 $V3_SHOWN "$agent" shrink "$vol" 10G --wait --yes ||
	VDS_FAILURES=$((VDS_FAILURES + 1))
show "$build/vdsctl" -v2c -c public "$agent" list jobs

echo
echo "==> check_vds, the Nagios/Icinga plugin"
for m in agent free volumes jobs; do
	show "$build/check_vds" -H 127.0.0.1:"$VDS_MASTER_PORT" -C public -m "$m"
done

completed() { [ "$(grep -c 'vdsJobCompleted' "$VDS_TRAPLOG")" -ge 2 ]; }
wait_for 30000 completed || echo "(the second vdsJobCompleted did not come within 30 s)"
echo
echo "==> notifications received by snmptrapd"
grep '^TRAP' "$VDS_TRAPLOG" | sed 's/^TRAP\t//; s/\t/\n    /g' || echo "(none)"

echo
echo "==> stopping vdsd, snmpd and snmptrapd"
vds_stop_vdsd
cat <<NEXT

What next:
  - the programs: $build/vdsd, $build/vdsctl, $build/check_vds
    (and the collectd plugin $build/.libs/vds.so when collectd-dev is installed)
  - install them: make -C build install (prefix /usr/local; configure
    --prefix=/usr --sysconfdir=/etc --localstatedir=/var for the system paths),
    then set up snmpd with packaging/snmpd/vdsd-snmpd.conf and start
    vdsd (packaging/systemd/vdsd.service)
  - read: README.md and the man pages vdsd(8), vdsd.conf(5), vdsctl(8)
    (installed; here: man -l man/vdsd.8, man -l client/vdsctl.8)
  - the full test run: tests/ci.sh
NEXT
vds_finish
