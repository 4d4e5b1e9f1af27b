#!/bin/sh
# SPDX-License-Identifier: ISC
# check-mib.sh - the MIB checks (an automake test: exit 0 pass, 1 fail,
# 77 skip only when smilint is not installed).
#
#  1. smilint -l 6 reports nothing at levels 1-4 for mibs/VDS-MIB.txt
#     (levels 5-6 are printed, not fatal);
#  2. Net-SNMP loads the module (snmptranslate -Tp) with nothing on stderr;
#  3. tests/mib/oids.map, agent/mib_oids.h and the MIB agree: every name in
#     the map resolves to its OID, the map is exactly what the header
#     numbers (names derived by header-oids.awk), and the MIB defines
#     nothing under vdsNotifications/vdsObjects that the map lacks.
#
# The IETF base modules come from tests/mib/fetch-base-mibs.sh into
# $top_builddir/tests/mibs (VDS_BASE_MIBS_DIR is honoured as a cache).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/../..}
top_builddir=${top_builddir:-.}
top_srcdir=$(cd "$top_srcdir" && pwd) || exit 1
top_builddir=$(cd "$top_builddir" && pwd) || exit 1

mib=$top_srcdir/mibs/VDS-MIB.txt
header=$top_srcdir/agent/mib_oids.h
map=$top_srcdir/tests/mib/oids.map
awkprog=$top_srcdir/tests/mib/header-oids.awk
basedir=$top_builddir/tests/mibs

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

if ! command -v smilint >/dev/null 2>&1; then
	echo "######################################################################"
	echo "## SKIP: smilint is not installed (Debian package smitools);       ##"
	echo "## VDS-MIB was NOT checked.  apt-get install smitools              ##"
	echo "######################################################################"
	exit 77
fi
command -v snmptranslate >/dev/null 2>&1 || {
	echo "FAIL: snmptranslate is not installed (Debian package snmp)"
	exit 1
}
for f in "$mib" "$header" "$map" "$awkprog"; do
	[ -r "$f" ] || {
		echo "FAIL: cannot read $f"
		exit 1
	}
done

sh "$top_srcdir/tests/mib/fetch-base-mibs.sh" "$basedir" || {
	echo "FAIL: cannot get the base MIBs into $basedir"
	exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/vds-check-mib.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Where NET-SNMP-MIB lives.
netsnmp_dirs=$(net-snmp-config --default-mibdirs 2>/dev/null) ||
	netsnmp_dirs=/usr/share/snmp/mibs

# --- 1. smilint ----------------------------------------------------------
# The imports are found through SMIPATH; -c /dev/null keeps the system's
# smi.conf (its level and hidden messages) out of the result.
SMIPATH="$basedir:$netsnmp_dirs" smilint -c /dev/null -l 6 -s "$mib" \
	>"$work/smilint.out" 2>&1
smi_rc=$?
l1=0 l2=0 l3=0 l4=0 l5=0 l6=0 other=0
while IFS= read -r line; do
	lvl=$(printf '%s\n' "$line" | sed -n 's/^[^:]*:[0-9]*: \[\([0-9]\)\].*/\1/p')
	case $lvl in
	1) l1=$((l1 + 1)) ;;
	2) l2=$((l2 + 1)) ;;
	3) l3=$((l3 + 1)) ;;
	4) l4=$((l4 + 1)) ;;
	5) l5=$((l5 + 1)) ;;
	6) l6=$((l6 + 1)) ;;
	*) other=$((other + 1)) ;;
	esac
done <"$work/smilint.out"
echo "smilint -l 6: level1=$l1 level2=$l2 level3=$l3 level4=$l4 level5=$l5 level6=$l6 unrated=$other (exit $smi_rc)"
[ -s "$work/smilint.out" ] && sed 's/^/  smilint: /' "$work/smilint.out"
[ $((l1 + l2 + l3 + l4)) -eq 0 ] || fail "smilint reports messages at levels 1-4"
[ "$other" -eq 0 ] || fail "smilint printed messages without a level"
[ "$smi_rc" -eq 0 ] || fail "smilint exited with $smi_rc"

# --- 2. Net-SNMP loads it ----------------------------------------------------
# A private config path and persistent dir: no ~/.snmp or /etc/snmp
# settings, nothing written outside $work.  -m VDS-MIB (not +VDS-MIB) loads
# only this module and its imports: Debian lacks most of Net-SNMP's default
# MIB list, whose errors would hide ours.
mkdir -p "$work/conf" "$work/persist/cert_indexes"
xlate() {
	env -u MIBS -u MIBDIRS SNMPCONFPATH="$work/conf" SNMP_PERSISTENT_DIR="$work/persist" \
		snmptranslate -M "+$basedir:$top_srcdir/mibs" -m VDS-MIB "$@"
}
xlate -Tp VDS-MIB::vdsMIB >"$work/tp.out" 2>"$work/tp.err"
if [ -s "$work/tp.err" ]; then
	sed 's/^/  snmptranslate: /' "$work/tp.err"
	fail "snmptranslate -Tp printed errors"
fi
grep -q 'vdsMIB(86)' "$work/tp.out" || fail "snmptranslate -Tp did not print the vdsMIB tree"
echo "snmptranslate -Tp: $(wc -l <"$work/tp.out") lines"
# Net-SNMP's parser warnings (-Pw) about VDS-MIB itself are failures too.
xlate -Pw -Tp VDS-MIB::vdsMIB 2>&1 >/dev/null | grep 'VDS-MIB' >"$work/pw.err"
if [ -s "$work/pw.err" ]; then
	sed 's/^/  snmptranslate -Pw: /' "$work/pw.err"
	fail "Net-SNMP warns about VDS-MIB"
fi

# --- 3. oids.map vs the MIB and vs agent/mib_oids.h ---------------------------
grep -v '^[[:space:]]*#' "$map" | grep -v '^[[:space:]]*$' | sort >"$work/map"
bad=$(awk 'NF != 2 || $2 !~ /^[0-9]+(\.[0-9]+)*$/' "$work/map")
[ -z "$bad" ] || fail "malformed lines in oids.map: $bad"

# 3a. every name resolves to its OID
n=0
while read -r name oid; do
	got=$(xlate -On "VDS-MIB::$name" 2>&1)
	if [ "$got" != ".$oid" ]; then
		fail "oids.map: $name is $oid, snmptranslate says: $got"
	fi
	n=$((n + 1))
done <"$work/map"
echo "oids.map: $n names checked against the MIB"

# 3b. the header numbers exactly what the map lists
if awk -f "$awkprog" "$header" >"$work/header.raw"; then
	sort "$work/header.raw" >"$work/header"
	if ! diff -u "$work/header" "$work/map" >"$work/diff"; then
		sed 's/^/  /' "$work/diff"
		fail "agent/mib_oids.h (-) and tests/mib/oids.map (+) disagree"
	fi
else
	fail "cannot read the OID layout of agent/mib_oids.h"
fi

# 3c. the MIB defines nothing under .0/.1 (nor other roots) the map lacks
root=$(awk '$1 == "vdsMIB" { print $2 }' "$work/map")
xlate -Tz >"$work/tz.raw" 2>/dev/null
tr -d '"' <"$work/tz.raw" |
	awk -v r="$root" '{ o = $2 }
		o == r || o == r ".2" || o == r ".0" || o == r ".1" ||
		index(o, r ".0.") == 1 || index(o, r ".1.") == 1 { print $1, o }' | sort >"$work/mib"
if ! diff -u "$work/map" "$work/mib" >"$work/diff2"; then
	sed 's/^/  /' "$work/diff2"
	fail "tests/mib/oids.map (-) and the MIB's objects (+) disagree"
fi
echo "MIB objects under vdsNotifications/vdsObjects: $(wc -l <"$work/mib") (with the top nodes)"

if [ "$fails" -ne 0 ]; then
	echo "check-mib: $fails check(s) failed"
	exit 1
fi
echo "check-mib: all checks passed"
exit 0
