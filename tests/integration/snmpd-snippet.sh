#!/bin/bash
# SPDX-License-Identifier: ISC
# snmpd-snippet.sh - the shipped snmpd snippet (packaging/snmpd/
# vdsd-snmpd.conf) dropped into Debian's stock snmpd.conf, as the README
# tells an administrator to do (its createUser line enabled), judged by the
# real snmpd and the snmp tools with the README's settings:
#   v2c "public" (the stock rocommunity, which matches first) reads VDS-MIB
#   and what the stock view showed before, and cannot write;
#   the SNMPv3 authPriv user starts a job with one SET, and can write
#   nothing outside VDS-MIB;
#   MIBS=VDS-MIB with the fetched base MIBs loads quietly (no "Cannot find
#   module" lines).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_vdsd
STOCK=/etc/snmp/snmpd.conf
grep -q '^rocommunity *public *default *-V *systemonly' "$STOCK" 2>/dev/null ||
	skip "$STOCK is not Debian's stock snmpd.conf (package snmpd)"
SNIPPET=$top_srcdir/packaging/snmpd/vdsd-snmpd.conf
AUTH=vds-test-auth-1 PRIV=vds-test-priv-1

# The stock file with its address and includeDir moved into the temp dir;
# the snippet as the README says: socket of this test, createUser enabled.
write_stock_conf() {
	mkdir -p "$VDS_TMP/conf.d" "$VDS_TMP/persist"
	sed -e "s|^agentaddress .*|agentaddress udp:127.0.0.1:$VDS_MASTER_PORT|" \
		-e "s|^includeDir .*|includeDir $VDS_TMP/conf.d|" "$STOCK" >"$VDS_TMP/snmpd.conf"
	sed -e "s|^agentXSocket .*|agentXSocket $VDS_TMP/agentx.sock|" \
		-e "s|^# *createUser vdsadmin SHA-256 \"[^\"]*\" AES \"[^\"]*\"|createUser vdsadmin SHA-256 \"$AUTH\" AES \"$PRIV\"|" \
		"$SNIPPET" >"$VDS_TMP/conf.d/vdsd.conf"
	grep -q '^createUser vdsadmin' "$VDS_TMP/conf.d/vdsd.conf" ||
		fail "the snippet's createUser line did not match the README's edit"
}
export SNMP_PERSISTENT_DIR=$VDS_TMP/persist # the user's keys stay in the temp dir
VDS_MASTER_CONF_FN=write_stock_conf
vds_start_master
vds_write_conf "discovery no"
vds_start_vdsd
AGENT=127.0.0.1:$VDS_MASTER_PORT
export MIBDIRS=+$top_srcdir/mibs:$VDS_BASE_MIBS MIBS=VDS-MIB # the README's settings
RO=(-v2c -c public -t 2 -r 2 "$AGENT")
V3=(-v3 -l authPriv -u vdsadmin -a SHA-256 -A "$AUTH" -x AES -X "$PRIV" -t 2 -r 2 "$AGENT")
registered() { snmpget -Oqv "${RO[@]}" VDS-MIB::vdsServiceVersion.0 2>/dev/null | grep -q '[0-9]'; }
wait_for 60000 registered || fail "public cannot read vdsServiceVersion through the stock snmpd.conf"
note "public reads VDS-MIB through Debian's stock snmpd.conf + the snippet"

expect_run "MIBS=VDS-MIB: quiet" 0 "" snmpget "${RO[@]}" VDS-MIB::vdsServiceVersion.0
expect_eq "no MIB warnings on stderr" "" "$VDS_ERR"
expect_run "the stock view still shows sysDescr" 0 "Linux" snmpget -Oqv "${RO[@]}" .1.3.6.1.2.1.1.1.0
expect_run "walk of vdsDiskTable as public" 0 "vdsDiskName" snmpbulkwalk "${RO[@]}" VDS-MIB::vdsDiskTable

H=$(snmpget -Oqv "${RO[@]}" VDS-MIB::vdsJobNextHandle.0)
D1=$(snmpbulkwalk -Oqs "${RO[@]}" VDS-MIB::vdsDiskName | awk '$2 == "sim1" { sub(/.*\./, "", $1); print $1 }')
[ -n "$D1" ] || fail "no sim1 disk"
GO=("VDS-MIB::vdsJobRowStatus.$H" i createAndGo "VDS-MIB::vdsJobType.$H" i createPartition
	"VDS-MIB::vdsJobParamDisk.$H" u "$D1" "VDS-MIB::vdsJobParamSizeMiB.$H" u 10)
run_rc snmpset "${RO[@]}" "${GO[@]}"
[ "$VDS_RC" -ne 0 ] || check_fail "v2c public could start a job"
expect_eq "no row after the public SET" "" "$(snmpget -Oqv "${RO[@]}" "VDS-MIB::vdsJobStatus.$H" 2>/dev/null | grep -v 'No Such')"

expect_run "SNMPv3 authPriv createAndGo" 0 "createAndGo" snmpset "${V3[@]}" "${GO[@]}"
done_ok() { [ "$(snmpget -Oqv -Oe "${RO[@]}" "VDS-MIB::vdsJobStatus.$H" 2>/dev/null)" = 4 ]; }
wait_for 60000 done_ok || check_fail "job $H started by the v3 user did not succeed"
run_rc snmpset "${V3[@]}" .1.3.6.1.6.3.1.1.6.1.0 i 1 # snmpSetSerialNo, outside VDS-MIB
[ "$VDS_RC" -ne 0 ] || check_fail "the v3 user could write outside VDS-MIB"
note "v3 write outside VDS-MIB refused: $VDS_ERR"

vds_stop_vdsd
vds_finish
