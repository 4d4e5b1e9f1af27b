#!/bin/bash
# zabbix-server.sh - packaging/zabbix/vds_template.yaml, unmodified, in a
# real Zabbix 6.0 server (Debian's zabbix-server-pgsql, its PHP API and a
# private PostgreSQL; tests/integration/zabbix-lib.sh) watching vdsd on sim
# through a private snmpd master: the template imports through the API, a
# host with an SNMP interface on the master gets it, discovery (forced with
# "check now") finds exactly the disks, volumes and packs the tables have
# (snmpbulkwalk), and every SNMP item's value equals snmpget's.  Then the
# triggers: a job failing at run time raises a problem that stays until it
# is closed by hand; a fully partitioned disk raises nothing.
# Skips (77) when the packages are missing.  Waits poll with generous
# deadlines (2 shared cores); ZBX_DEADLINE_S scales them (default 300).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/zabbix-lib.sh"

T0=$(now_ms)
zbx_require
vds_require_cmd jq curl
vds_require_vdsd
VDSCTL=$top_builddir/vdsctl
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"
TPL=$top_srcdir/packaging/zabbix/vds_template.yaml
DEADLINE_MS=$((${ZBX_DEADLINE_S:-300} * 1000))

vds_write_conf "discovery no"
vds_start_master
vds_start_vdsd
vds_wait_registered 30000
zbx_start
note "Zabbix up after $(($(now_ms) - T0)) ms"

# ------------------------------------------------------------- import, host
RULES='{"groups":{"createMissing":true,"updateExisting":true},
 "templates":{"createMissing":true,"updateExisting":true},
 "items":{"createMissing":true,"updateExisting":true},
 "discoveryRules":{"createMissing":true,"updateExisting":true},
 "triggers":{"createMissing":true,"updateExisting":true},
 "valueMaps":{"createMissing":true,"updateExisting":true},
 "templateLinkage":{"createMissing":true}}'
r=$(zbx_api configuration.import "$(jq -n --rawfile s "$TPL" --argjson r "$RULES" \
	'{format: "yaml", source: $s, rules: $r}')")
expect_eq "configuration.import" true "$r"
tid=$(zbx_api template.get '{"filter":{"host":["VDS by SNMP"]},"output":["templateid"]}' |
	jq -r '.[0].templateid // empty')
[ -n "$tid" ] || fail "template \"VDS by SNMP\" not there after the import"
gid=$(zbx_api hostgroup.create '{"name":"vdsd test"}' | jq -r '.groupids[0]')
hid=$(zbx_api host.create "$(jq -n --arg g "$gid" --arg t "$tid" --arg p "$VDS_MASTER_PORT" \
	'{host: "vds-sim", groups: [{groupid: $g}], templates: [{templateid: $t}],
	  interfaces: [{type: 2, main: 1, useip: 1, ip: "127.0.0.1", dns: "", port: $p,
	                details: {version: 2, bulk: 1, community: "public"}}]}')" |
	jq -r '.hostids[0]')
# The stock "Zabbix server" host polls an agent that is not there: off.
for h in $(zbx_api host.get '{"output":["hostid"],"filter":{"host":["Zabbix server"]}}' | jq -r '.[].hostid'); do
	zbx_api host.update "{\"hostid\":\"$h\",\"status\":1}" >/dev/null
done
note "template $tid imported, host $hid on udp:127.0.0.1:$VDS_MASTER_PORT"

# ------------------------------------------------------------- helpers
VDS_POLL_S=2

# check_now ITEMID...: "Execute now" for items and LLD rules.
check_now() {
	local ids
	[ $# -gt 0 ] || return 0
	ids=$(printf '%s\n' "$@" | jq -R '{type: 6, request: {itemid: .}}' | jq -sc .)
	zbx_api task.create "$ids" >/dev/null
}

# The host's SNMP items (discovered ones included): "ITEMID KEY OID LASTCLOCK" + value.
items_json() {
	zbx_api item.get "$(jq -n --arg h "$hid" '{hostids: [$h], output: ["itemid","key_","snmp_oid",
		"lastvalue","lastclock","state","error","flags","value_type"], filter: {type: 20}}')"
}

lld_rules() {
	zbx_api discoveryrule.get "$(jq -n --arg h "$hid" '{hostids: [$h], output: ["itemid","key_",
		"lastclock","state","error"]}')"
}

# snmpget's value for a numeric OID, as Zabbix stores it.
snmp_value() {
	local v
	v=$(vds_snmpget -On -Oqv -Oe -OU -Ot ".$1" 2>/dev/null) || return 1
	case "$v" in "No Such"*) return 1 ;; esac
	v=${v#\"}
	printf '%s\n' "${v%\"}"
}

# Indexes of a table's rows (ARC as vds_table), sorted.
table_indexes() { vds_table "$1" | awk '$1 == 2 { print $2 }' | sort -n | tr '\n' ' '; }

# Indexes Zabbix discovered for KEY_PREFIX (e.g. vds.disk.size), sorted.
zbx_indexes() {
	items_json | jq -r --arg p "$1[" '.[] | select(.key_ | startswith($p)) | .key_' |
		sed 's/.*\[\([0-9]*\)\]$/\1/' | sort -n | tr '\n' ' '
}

# ------------------------------------------------------------- discovery
t=$(now_ms)
rules=$(lld_rules | jq -r '.[].itemid')
[ "$(wc -w <<<"$rules")" -eq 4 ] || fail "expected 4 discovery rules, got: $rules"
LAST_NUDGE=0
nudge() { # re-ask "check now" for what has no value yet, every 15 s at most
	[ $(($(now_ms) - LAST_NUDGE)) -ge 15000 ] || return 0
	LAST_NUDGE=$(now_ms)
	# shellcheck disable=SC2046
	check_now ${NUDGE_LLD:+$(lld_rules | jq -r '.[].itemid')} \
		$(items_json | jq -r '.[] | select((.lastclock // "0") == "0") | .itemid')
}
WANT_DISKS=$(table_indexes 2)
WANT_VOLS=$(table_indexes 4)
WANT_PACKS=$(table_indexes 6)
note "tables: disks [$WANT_DISKS] volumes [$WANT_VOLS] packs [$WANT_PACKS]"
[ -n "$WANT_DISKS" ] && [ -n "$WANT_VOLS" ] && [ -n "$WANT_PACKS" ] ||
	fail "the sim inventory has no disk, volume or pack"
discovered() {
	nudge
	[ "$(zbx_indexes vds.disk.size)" = "$WANT_DISKS" ] &&
		[ "$(zbx_indexes vds.volume.size)" = "$WANT_VOLS" ] &&
		[ "$(zbx_indexes vds.pack.size)" = "$WANT_PACKS" ]
}
NUDGE_LLD=1
if ! wait_for "$DEADLINE_MS" discovered; then
	lld_rules >&2
	check_fail "discovery: disks [$(zbx_indexes vds.disk.size)] volumes" \
		"[$(zbx_indexes vds.volume.size)] packs [$(zbx_indexes vds.pack.size)]"
fi
NUDGE_LLD=
note "discovery matched the tables in $(($(now_ms) - t)) ms"

# ------------------------------------------------------------- values
# Every SNMP item has a value, equal to snmpget's for its OID (polled: the
# first values land a few seconds after "check now").
t=$(now_ms)
# values_differ: one "KEY (OID): zabbix VALUE, snmpget VALUE" line per
# difference; VALUES_N the number of items.
values_differ() {
	local key oid state err val want
	VALUES_N=0
	# fields split on 0x1f: a tab would merge empty ones
	while IFS=$'\x1f' read -r key oid state err val; do
		VALUES_N=$((VALUES_N + 1))
		if [ "$state" != 0 ]; then
			echo "$key: not supported: $err"
			continue
		fi
		want=$(snmp_value "$oid") || { echo "$key: snmpget $oid failed" && continue; }
		[ "$want" = "$val" ] || echo "$key ($oid): zabbix \"$val\", snmpget \"$want\""
	done < <(items_json | jq -r '.[] | [.key_, .snmp_oid, .state, .error, .lastvalue] | join("\u001f")')
}
values_equal() {
	nudge
	values_differ >"$VDS_TMP/differ.txt"
	[ ! -s "$VDS_TMP/differ.txt" ]
}
wait_for "$DEADLINE_MS" values_equal ||
	check_fail "items differ from snmpget after $DEADLINE_MS ms: $(cat "$VDS_TMP/differ.txt")"
n=$VALUES_N
note "$n SNMP items polled, values equal snmpget's, in $(($(now_ms) - t)) ms"
[ "$n" -ge 20 ] || check_fail "only $n SNMP items"

[ -z "${ZBX_DEBUG_HOLD:-}" ] || { note "holding while $ZBX_DEBUG_HOLD exists"; : >"$ZBX_DEBUG_HOLD"; wait_for 3600000 test ! -e "$ZBX_DEBUG_HOLD"; }
note "zabbix-server.sh took $(($(now_ms) - T0)) ms"
vds_stop_vdsd
vds_finish
