#!/bin/bash
# SPDX-License-Identifier: ISC
# zabbix-server.sh - packaging/zabbix/vds_template.yaml, unmodified, in a
# real Zabbix 6.0 server (Debian's zabbix-server-pgsql, its PHP API and a
# private PostgreSQL; tests/integration/zabbix-lib.sh) watching vdsd on sim
# through a private snmpd master: the template imports through the API, a
# host with an SNMP interface on the master gets it, discovery (forced with
# "check now") finds exactly the disks, volumes and packs the tables have
# (snmpbulkwalk), and every SNMP item's value equals snmpget's.  Traps reach
# Zabbix through snmptrapd and the shipped vds-traphandle --zabbix
# (packaging/snmptrapd/): every notification type reaches its trap item
# naming its object, timed from vdsd's send (vdsPackRemoved: the disk of a
# new pack pulled with sim's simRemoveDisk, a reload).  Then the triggers, each timed: a missing and an
# unreadable image disk raise their problems and recover after a reprobe; a
# fully partitioned disk raises nothing; a job failing at run time raises
# "a job failed" (the counter) and "a job failed (trap)", which stay open
# through later polls and a later successful job until closed by hand
# through the API; a queue that does not drain raises its problem and
# recovers; a detached disk raises the INFO trap problem, which recovers
# after {$VDS.TRAP.RECENT}; a failed disk of pack0 (sim's simFailDisk, set
# and cleared by a reload) raises exactly "volume mirror0 is degraded",
# "volume stripe0 has failed" and "pack pack0 is degraded", plus "disk sim1
# is failing" (its simulated health, $VDS_HOLD/health-sim1, in the same
# reload); sim3 back and sim1 failed, the three and "is failing" recover
# and "disk sim1 has failed" fires alone; sim1 healthy, it recovers; the
# vdsDiskHealthChanged trap item holds each transition (sim1's index, new
# and old health, reason); vdsd stopping raises exactly one problem, "VDS
# unavailable", and none per disk, volume or pack; vdsd back recovers it.
# Skips (77) when the packages are missing.  Waits poll with generous
# deadlines (2 shared cores); ZBX_DEADLINE_S scales them (default 300).
# ZBX_DEBUG_HOLD=FILE: at the end, keep everything running while FILE exists.
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

# snmptrapd with the shipped receiver, writing Zabbix's SNMPTrapperFile
HANDLER=$top_srcdir/packaging/snmptrapd/vds-traphandle
mkdir -p "$ZBX_DIR"
: >"$ZBX_TRAPS"
TRAPD_PORT=$(vds_free_port) || fail "no free UDP port"
printf 'disableAuthorization yes\ntraphandle default /bin/sh %s --zabbix %s\n' "$HANDLER" \
	"$ZBX_TRAPS" >"$VDS_TMP/trapd-zabbix.conf"
snmptrapd -f -C -c "$VDS_TMP/trapd-zabbix.conf" -Lf "$VDS_TMP/trapd-zabbix.log" \
	-p "$VDS_TMP/trapd-zabbix.pid" -M "$VDS_MIBDIRS" -m VDS-MIB "udp:127.0.0.1:$TRAPD_PORT" \
	2>>"$VDS_TMP/trapd-zabbix.err" &
VDS_PIDS["trapd-zabbix"]=$!
wait_for 60000 grep -qs "NET-SNMP version" "$VDS_TMP/trapd-zabbix.log" || fail "snmptrapd does not start"
VDS_MASTER_EXTRA+=("trap2sink 127.0.0.1:$TRAPD_PORT public")

# late.img: an image disk whose file is not there yet (vdsDiskStatus
# missing); odd.img: a directory (probeError)
mkdir -p "$VDS_TMP/odd.img"
vds_write_conf "discovery no" "imageDisk $VDS_TMP/late.img" "imageDisk $VDS_TMP/odd.img"
vds_start_master
vds_start_vdsd -d # its log has "sent notification ARC for TABLE.INDEX" lines, timed
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
	  macros: [{macro: "{$VDS.TRAP.RECENT}", value: "30s"}, {macro: "{$VDS.JOBS.QUEUED.MAX}", value: "0"},
	           {macro: "{$VDS.JOBS.QUEUED.TIME}", value: "20s"}],
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
		if [ "$key" = vds.available ]; then # preprocessed: 1 while vdsd answers
			snmp_value "$oid" >/dev/null && want=1 || want=0
		else
			want=$(snmp_value "$oid") || { echo "$key: snmpget $oid failed" && continue; }
		fi
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

# ------------------------------------------------------------- triggers
RW=("$VDSCTL" -v2c -c private -t 2 -r 2 "127.0.0.1:$VDS_MASTER_PORT")

# problems: the host's open problems, "EVENTID<0x1f>NAME" lines
problems() {
	zbx_api problem.get "$(jq -n --arg h "$hid" '{hostids: [$h], output: ["eventid", "name"]}')" |
		jq -r '.[] | .eventid + "\u001f" + .name'
}
problem_names() { problems | cut -d $'\x1f' -f 2 | sort; }
has_problem() { problem_names | grep -Fx -- "$1" >/dev/null; }
no_problem() { ! has_problem "$1"; }
itemid() { items_json | jq -r --arg k "$1" '.[] | select(.key_ == $k) | .itemid'; }
trap_itemid() {
	zbx_api item.get "$(jq -n --arg h "$hid" --arg k "$1" \
		'{hostids: [$h], output: ["itemid"], filter: {key_: $k}}')" | jq -r '.[0].itemid'
}
item_value() { # ITEMID
	zbx_api item.get "$(jq -n --arg i "$1" '{itemids: [$i], output: ["lastvalue"]}')" |
		jq -r '.[0].lastvalue'
}
# poll_item ITEMID WANT: "check now" until the item's value is WANT
poll_item() {
	local id=$1 want=$2 last=0
	_poll_item() {
		if [ $(($(now_ms) - last)) -ge 10000 ]; then
			last=$(now_ms)
			check_now "$id"
		fi
		[ "$(item_value "$id")" = "$want" ]
	}
	wait_for "$DEADLINE_MS" _poll_item
}

# The image disk whose file is absent is missing, the directory cannot be
# read: exactly those two problems.
MISSING="VDS: disk late.img is missing"
UNREAD="VDS: disk odd.img cannot be read"
wait_for "$DEADLINE_MS" has_problem "$MISSING" || check_fail "no \"$MISSING\": $(problem_names)"
wait_for "$DEADLINE_MS" has_problem "$UNREAD" || check_fail "no \"$UNREAD\": $(problem_names)"
expect_eq "problems at the start" "$(printf '%s\n' "$MISSING" "$UNREAD" | sort)" "$(problem_names)"
# Files appear and vdsd reprobes (SIGHUP): both recover by themselves.
row_named() { vds_table "$1" | tr -d '"' | awk -v n="$2" '$1 == 3 && $3 == n { print $2 }'; }
late=$(row_named 2 late.img)
odd=$(row_named 2 odd.img)
[ -n "$late" ] && [ -n "$odd" ] || fail "no late.img or odd.img row in vdsDiskTable"
truncate -s 64M "$VDS_TMP/late.img" || fail "truncate late.img"
rmdir "$VDS_TMP/odd.img" && truncate -s 64M "$VDS_TMP/odd.img" || fail "odd.img"
kill -HUP "$VDS_VDSD_PID"
t=$(now_ms)
poll_item "$(itemid "vds.disk.status[$late]")" 1 || check_fail "late.img never online in Zabbix"
poll_item "$(itemid "vds.disk.status[$odd]")" 1 || check_fail "odd.img never online in Zabbix"
wait_for "$DEADLINE_MS" no_problem "$MISSING" || check_fail "\"$MISSING\" did not recover"
wait_for "$DEADLINE_MS" no_problem "$UNREAD" || check_fail "\"$UNREAD\" did not recover"
note "\"$MISSING\" and \"$UNREAD\" recovered $(($(now_ms) - t)) ms after the files appeared (SIGHUP)"
expect_eq "problems before the jobs" "" "$(problem_names)"

# A fully partitioned disk: sim0 gets a partition over its unpartitioned
# space; vdsDiskFree (vds.disk.unpartitioned) drops near 0 and nothing fires.
free=$(vds_get_value "$VDS_ROOT_OID.1.2.1.16.1")
size=$(((free / 1048576 - 1) * 1048576))
expect_run "fill sim0" 0 "succeeded" "${RW[@]}" create-partition 1 "$((size / 1048576))M" --wait
part=$(sed -n 's/.*succeeded: partition \([0-9]*\) .*/\1/p' <<<"$VDS_OUT")
[ -n "$part" ] || fail "no partition made on sim0: $VDS_OUT $VDS_ERR"
# Each notification type the test causes: WANT[N] an ERE its trap record
# must match, naming the object; all checked together through history.get
# at the end.
declare -A WANT
want_trap() { WANT[$1]=$2; } # N ERE
re_quote() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }
want_trap vdsPartitionArrived "(^| )vdsPartitionArrived index=$part vdsPartitionDiskIndex=1 "
free=$(vds_get_value "$VDS_ROOT_OID.1.2.1.16.1")
[ "$free" -lt $((${size} / 100)) ] || check_fail "sim0 still has $free bytes unpartitioned"
t=$(now_ms)
poll_item "$(itemid 'vds.disk.unpartitioned[1]')" "$free" ||
	check_fail "vds.disk.unpartitioned[1] never read $free"
note "sim0 fully partitioned ($free bytes left), polled in $(($(now_ms) - t)) ms"

# A job failing at run time: the second delete of the same partition,
# queued behind the first (held at its first phase), fails when it runs.
failed0=$(vds_get_value VDS-MIB::vdsJobsFailed.0)
vds_hold 0
expect_run "delete" 0 "" "${RW[@]}" delete-partition "$part" --yes
expect_run_queued "delete again" 1 "failed" "${RW[@]}" delete-partition "$part" --yes --wait
want_trap vdsPartitionRemoved "(^| )vdsPartitionRemoved index=$part vdsPartitionDiskIndex=1 "
expect_eq "vdsJobsFailed" $((failed0 + 1)) "$(vds_get_value VDS-MIB::vdsJobsFailed.0)"
t=$(now_ms)
poll_item "$(itemid vds.jobs.failed)" $((failed0 + 1)) || check_fail "vds.jobs.failed never rose"
wait_for "$DEADLINE_MS" has_problem "VDS: a job failed" ||
	check_fail "no \"VDS: a job failed\" problem; open: $(problem_names)"
note "\"VDS: a job failed\" raised $(($(now_ms) - t)) ms after the failure"
wait_for "$DEADLINE_MS" has_problem "VDS: a job failed (trap)" ||
	check_fail "no \"VDS: a job failed (trap)\" problem; open: $(problem_names); traps: $(cat "$ZBX_TRAPS")"
note "\"VDS: a job failed (trap)\" raised $(($(now_ms) - t)) ms after the failure"

# They stay through later polls and a later successful job (and its trap).
succ0=$(vds_get_value VDS-MIB::vdsJobsSucceeded.0)
expect_run "a good job" 0 "succeeded" "${RW[@]}" create-partition 2 1M --wait
jc=$(trap_itemid 'snmptrap["vdsJobCompleted index="]')
poll_item "$(itemid vds.jobs.succeeded)" $((succ0 + 1)) || check_fail "vds.jobs.succeeded never rose"
poll_item "$(itemid vds.jobs.failed)" $((failed0 + 1)) || check_fail "vds.jobs.failed moved"
got_success_trap() { item_value "$jc" | grep -q 'vdsJobStatus=succeeded'; }
wait_for "$DEADLINE_MS" got_success_trap || check_fail "the successful job's trap never reached Zabbix"
has_problem "VDS: a job failed" || check_fail "\"VDS: a job failed\" closed by itself"
has_problem "VDS: a job failed (trap)" || check_fail "\"VDS: a job failed (trap)\" closed by itself"

# Closed by hand (acknowledge + close), they go.
ev=$(problems | awk -F $'\x1f' '$2 ~ /^VDS: a job failed/ { print $1 }' | jq -R . | jq -sc .)
zbx_api event.acknowledge "{\"eventids\":$ev,\"action\":7,\"message\":\"seen by the test\"}" >/dev/null
t=$(now_ms)
wait_for "$DEADLINE_MS" no_problem "VDS: a job failed" &&
	wait_for "$DEADLINE_MS" no_problem "VDS: a job failed (trap)" ||
	check_fail "closing did not close: $(problem_names)"
note "job-failed problems closed $(($(now_ms) - t)) ms after event.acknowledge"

# Jobs pile up: with {$VDS.JOBS.QUEUED.MAX} 0 and {$VDS.JOBS.QUEUED.TIME}
# 20s on this host, one job queued behind one held for 20 s raises the
# problem; the queue draining recovers it.
QUEUED="VDS: more than 0 jobs queued for 20s"
vds_hold 0
expect_run "held job" 0 "" "${RW[@]}" create-partition 2 1M
"${RW[@]}" create-partition 2 1M >"$VDS_TMP/queued.out" 2>&1 &
VDS_PIDS["queued-job"]=$!
one_queued() { [ "$(vds_get_value VDS-MIB::vdsJobsQueued.0)" = 1 ]; }
wait_for 60000 one_queued || check_fail "no job queued behind the held one"
t=$(now_ms)
qid=$(itemid vds.jobs.queued)
QLAST=0
queued_problem() { # polled every 5 s so that min() over 20 s has values
	if [ $(($(now_ms) - QLAST)) -ge 5000 ]; then
		QLAST=$(now_ms)
		check_now "$qid"
	fi
	has_problem "$QUEUED"
}
wait_for "$DEADLINE_MS" queued_problem || check_fail "no \"$QUEUED\": $(problem_names)"
note "\"$QUEUED\" raised $(($(now_ms) - t)) ms after the job queued"
vds_release 0
wait "${VDS_PIDS["queued-job"]}"
unset 'VDS_PIDS["queued-job"]'
t=$(now_ms)
poll_item "$qid" 0 || check_fail "vds.jobs.queued never read 0"
wait_for "$DEADLINE_MS" no_problem "$QUEUED" || check_fail "\"$QUEUED\" did not recover"
note "\"$QUEUED\" recovered $(($(now_ms) - t)) ms after the queue drained"

# Disks, virtual disks, volumes and packs come and go, one job sends
# progress: their notifications reach Zabbix (checked at the end); a disk
# removed raises the INFO problem, which recovers {$VDS.TRAP.RECENT} (30 s
# on this host) after the last such trap.
expect_run "attach" 0 "succeeded" "${RW[@]}" attach 1 --wait
want_trap vdsDiskArrived "(^| )vdsDiskArrived index=[0-9]+ vdsDiskName=vd0 "
expect_run "detach" 0 "succeeded" "${RW[@]}" detach 1 --wait
want_trap vdsDiskRemoved "(^| )vdsDiskRemoved index=[0-9]+ vdsDiskName=vd0 "
t=$(now_ms)
VHD=$VDS_TMP/zbx.vhd
expect_run "create-vdisk" 0 "succeeded" "${RW[@]}" create-vdisk "$VHD" 1G --wait
want_trap vdsVDiskArrived "(^| )vdsVDiskArrived index=[0-9]+ vdsVDiskPath=\"?$(re_quote "$VHD")[\" ]"
expect_run "delete-vdisk" 0 "succeeded" "${RW[@]}" delete-vdisk "$VHD" --yes --wait
want_trap vdsVDiskRemoved "(^| )vdsVDiskRemoved index=[0-9]+ vdsVDiskPath=\"?$(re_quote "$VHD")[\" ]"
# A volume on sim4 alone, a disk in no pack: a new pack.  The job is held
# at its first phase while vdsJobNotifyProgress is set on its row.
sim4=$(row_named 2 sim4)
[ -n "$sim4" ] || fail "no sim4 row in vdsDiskTable"
vds_hold 0
expect_run "create-volume" 0 "started job" "${RW[@]}" create-volume 1G --disks "$sim4" --name zbxvol
h=$(sed -n 's/^started job \([0-9]*\).*/\1/p' <<<"$VDS_OUT")
vds_wait_reached "$h" 0
vds_snmpset "$VDS_ROOT_OID.1.8.1.15.$h" i 1 >/dev/null || fail "vdsJobNotifyProgress.$h not set"
vds_release 0
expect_run "create-volume" 0 "succeeded" "${RW[@]}" job wait "$h"
vol=$(row_named 4 zbxvol)
pack=$(vds_table 6 | tr -d '"' | awk -v i="$(vds_get_value "VDS-MIB::vdsVolumePackIndex.$vol")" \
	'$1 == 3 && $2 == i { print $3 }')
[ -n "$vol" ] && [ -n "$pack" ] && [ "$pack" != pack0 ] || fail "zbxvol [$vol] is not in a new pack [$pack]"
want_trap vdsJobProgress "(^| )vdsJobProgress index=$h vdsJobStatus=running vdsJobPercentComplete=[0-9]+"
want_trap vdsJobCompleted "(^| )vdsJobCompleted index=$h vdsJobType=createVolume vdsJobStatus=succeeded "
want_trap vdsVolumeArrived "(^| )vdsVolumeArrived index=$vol vdsVolumeName=zbxvol "
want_trap vdsPackArrived "(^| )vdsPackArrived index=[0-9]+ vdsPackName=$pack "
expect_run "delete-volume" 0 "succeeded" "${RW[@]}" delete-volume "$vol" --yes --wait
want_trap vdsVolumeRemoved "(^| )vdsVolumeRemoved index=$vol vdsVolumeName=zbxvol "
# sim4, the new pack's only disk, is pulled (simRemoveDisk, a reload; it
# stays out for the rest of the test): the pack goes.  Its vdsDiskRemoved
# falls in the detach's {$VDS.TRAP.RECENT} window below.
CONF=("discovery no" "imageDisk $VDS_TMP/late.img" "imageDisk $VDS_TMP/odd.img" "simRemoveDisk sim4")
vds_write_conf "${CONF[@]}"
kill -HUP "$VDS_VDSD_PID"
want_trap vdsPackRemoved "(^| )vdsPackRemoved index=[0-9]+ vdsPackName=$pack "
REMOVED="VDS: a disk was removed (trap)"
wait_for "$DEADLINE_MS" has_problem "$REMOVED" || check_fail "no \"$REMOVED\": $(problem_names)"
note "\"$REMOVED\" raised $(($(now_ms) - t)) ms after the detach"
t=$(now_ms)
wait_for "$DEADLINE_MS" no_problem "$REMOVED" || check_fail "\"$REMOVED\" did not recover"
note "\"$REMOVED\" recovered $(($(now_ms) - t)) ms after it was raised ({\$VDS.TRAP.RECENT} 30s)"

# A disk of pack0 fails: sim3 (simFailDisk, SIGHUP) holds the second plex
# of mirror0 and half of stripe0; in the same reload sim1 predicts its
# failure (its simulated health, $VDS_HOLD/health-sim1: failing).  Exactly
# four problems.  The next reload brings sim3 back while sim1 has failed:
# the three recover, "has failed" fires and "is failing" resolves (the two
# triggers test last() for 3 and 4, one value: never both open, no
# dependency between them).  The last one makes sim1 healthy: none open.
mirror=$(row_named 4 mirror0)
stripe=$(row_named 4 stripe0)
pack=$(row_named 6 pack0)
sim1=$(row_named 2 sim1)
[ -n "$mirror" ] && [ -n "$stripe" ] && [ -n "$pack" ] && [ -n "$sim1" ] ||
	fail "no mirror0, stripe0, pack0 or sim1 row"
VDEGRADED="VDS: volume mirror0 is degraded"
VFAILED="VDS: volume stripe0 has failed"
PDEGRADED="VDS: pack pack0 is degraded"
DFAILING="VDS: disk sim1 is failing"
DFAILED="VDS: disk sim1 has failed"
HFILE=$VDS_HOLD/health-sim1
# health_is MIRROR STRIPE PACK DISK: snmpget's vdsVolumeHealth,
# vdsPackHealth and sim1's vdsDiskHealth
health_is() {
	[ "$(vds_get_value "$VDS_ROOT_OID.1.4.1.6.$mirror") $(vds_get_value "$VDS_ROOT_OID.1.4.1.6.$stripe")" \
		= "$1 $2" ] && [ "$(vds_get_value "$VDS_ROOT_OID.1.6.1.5.$pack")" = "$3" ] &&
		[ "$(vds_get_value "$VDS_ROOT_OID.1.10.1.1.$sim1")" = "$4" ]
}
# reload fail|back MIRROR STRIPE PACK DISK: reload with or without sim3's
# fault (sim1's health file written by the caller), wait until snmpget and
# then Zabbix read those health values.
reload() {
	local what=$1
	shift
	if [ "$what" = fail ]; then
		vds_write_conf "${CONF[@]}" "simFailDisk sim3"
	else
		vds_write_conf "${CONF[@]}"
	fi
	kill -HUP "$VDS_VDSD_PID"
	T_HUP=$(now_ms)
	wait_for 30000 health_is "$@" || fail "sim3 $what: snmpget health is not $*"
	note "sim3 $what, sim1 health $4: snmpget reads health $* $(($(now_ms) - T_HUP)) ms after SIGHUP"
	ids=("$(itemid "vds.volume.health[$mirror]")" "$(itemid "vds.volume.health[$stripe]")"
		"$(itemid "vds.pack.health[$pack]")" "$(itemid "vds.disk.health[$sim1]")")
	want="$*" last=0
	_polled() { # "check now" for the four every 10 s until they read want
		if [ $(($(now_ms) - last)) -ge 10000 ]; then
			last=$(now_ms)
			check_now "${ids[@]}"
		fi
		[ "$(item_value "${ids[0]}") $(item_value "${ids[1]}") $(item_value "${ids[2]}") $(item_value "${ids[3]}")" = "$want" ]
	}
	wait_for "$DEADLINE_MS" _polled || check_fail "sim3 $what: Zabbix never read health $want"
	note "sim3 $what, sim1 health $4: Zabbix polled health $* $(($(now_ms) - T_HUP)) ms after SIGHUP"
}
# raised|recovered PROBLEM...: each opens / closes, timed from the SIGHUP
raised() {
	local p
	for p in "$@"; do
		wait_for "$DEADLINE_MS" has_problem "$p" || check_fail "no \"$p\": $(problem_names)"
		note "\"$p\" raised $(($(now_ms) - T_HUP)) ms after SIGHUP"
	done
}
recovered() {
	local p
	for p in "$@"; do
		wait_for "$DEADLINE_MS" no_problem "$p" || check_fail "\"$p\" did not recover"
		note "\"$p\" recovered $(($(now_ms) - T_HUP)) ms after SIGHUP"
	done
}
printf 'failing\nreason 12 reallocated sectors\nreallocated 12\n' >"$HFILE"
reload fail 3 5 3 3
want_trap vdsVolumeModified "(^| )vdsVolumeModified index=$mirror vdsVolumeName=mirror0 .*vdsVolumeHealth=degraded"
raised "$VDEGRADED" "$VFAILED" "$PDEGRADED" "$DFAILING"
expect_eq "problems with sim3 failed, sim1 failing" \
	"$(printf '%s\n' "$VDEGRADED" "$VFAILED" "$PDEGRADED" "$DFAILING" | sort)" "$(problem_names)"
printf 'failed\nreason SMART overall assessment: FAILED\nsmart 2\n' >"$HFILE"
reload back 2 2 2 4
raised "$DFAILED"
recovered "$VDEGRADED" "$VFAILED" "$PDEGRADED" "$DFAILING"
expect_eq "problems with sim3 back, sim1 failed" "$DFAILED" "$(problem_names)"
rm -f "$HFILE"
reload back 2 2 2 2
recovered "$DFAILED"
# vdsDiskHealthChanged: each transition of sim1 (its index: the health
# table augments the disk table) with the new and old health and the reason
want_trap vdsDiskHealthChanged "(^| )vdsDiskHealthChanged index=$sim1 vdsDiskHealth=failing vdsDiskHealthPrevious=healthy vdsDiskHealthReason=\"12 reallocated sectors\""
HEALTH_STEPS=("index=$sim1 vdsDiskHealth=failed vdsDiskHealthPrevious=failing vdsDiskHealthReason=\"SMART overall assessment: FAILED\""
	"index=$sim1 vdsDiskHealth=healthy vdsDiskHealthPrevious=failed vdsDiskHealthReason=\"simulated: healthy\"")

# Every notification the receiver wrote reached its trap item; each one
# the test caused (every type) is in its item's history (history.get),
# naming the right object.
# Latency: vdsd's "sent notification" log line (-d) to Zabbix's clock.
for n in $(sed -n 's/^\(vds[A-Za-z]*\) index=.*/\1/p' "$ZBX_TRAPS" | sort -u); do
	id=$(trap_itemid "snmptrap[\"$n index=\"]")
	has_value() { [ -n "$(item_value "$id")" ]; }
	wait_for "$DEADLINE_MS" has_value || check_fail "trap $n never reached its item"
done
NOTIFS=(vdsDiskArrived vdsDiskRemoved vdsPartitionArrived vdsPartitionRemoved vdsVolumeArrived
	vdsVolumeRemoved vdsVolumeModified vdsVDiskArrived vdsVDiskRemoved vdsJobCompleted
	vdsJobProgress vdsPackArrived vdsPackRemoved vdsDiskHealthChanged)
declare -A TRAPID GOT
for n in "${!WANT[@]}"; do TRAPID[$n]=$(trap_itemid "snmptrap[\"$n index=\"]"); done
# history_match N: the first value of N's item matching WANT[N], as
# "CLOCK_MS<tab>VALUE" (log items: history 2; one jq, Oniguruma regex)
history_match() {
	zbx_api history.get "$(jq -n --arg i "${TRAPID[$1]}" '{history: 2, itemids: [$i],
		output: ["clock", "ns", "value"], sortfield: "clock", sortorder: "ASC"}')" |
		jq -er --arg re "${WANT[$1]}" 'map(select(.value | test($re))) | first // empty |
			"\((.clock | tonumber) * 1000 + ((.ns | tonumber) / 1000000 | floor))\t\(.value | gsub("\n"; " "))"'
}
all_traps_in() {
	local n
	for n in "${!WANT[@]}"; do
		[ -n "${GOT[$n]:-}" ] || GOT[$n]=$(history_match "$n") || return 1
	done
}
t=$(now_ms)
if ! wait_for "$DEADLINE_MS" all_traps_in; then
	for n in "${!WANT[@]}"; do
		[ -n "${GOT[$n]:-}" ] || check_fail "no $n value matching /${WANT[$n]}/ in Zabbix; traps: $(grep "^$n " "$ZBX_TRAPS")"
	done
fi
note "all ${#WANT[@]} trap items held their values $(($(now_ms) - t)) ms after the last action"
# sim1's later transitions follow its first in the item's history, in order.
health_steps_in() {
	local step n prev=0
	zbx_api history.get "$(jq -n --arg i "${TRAPID[vdsDiskHealthChanged]}" '{history: 2, itemids: [$i],
		output: ["clock", "ns", "value"], sortfield: "clock", sortorder: "ASC"}')" |
		jq -r '.[].value | gsub("\n"; " ")' >"$VDS_TMP/health-history.txt"
	for step in "vdsDiskHealthChanged index=$sim1 vdsDiskHealth=failing " "${HEALTH_STEPS[@]}"; do
		n=$(grep -nF -- "$step" "$VDS_TMP/health-history.txt" | head -n 1 | cut -d : -f 1)
		[ -n "$n" ] && [ "$n" -gt "$prev" ] || return 1
		prev=$n
	done
}
wait_for "$DEADLINE_MS" health_steps_in ||
	check_fail "sim1's health transitions are not all in Zabbix, in order: $(cat "$VDS_TMP/health-history.txt")"
# sent_ms ARC INDEX BEFORE_MS: the time of vdsd's last "sent notification
# ARC for T.INDEX" line at or before BEFORE_MS
sent_ms() {
	local ts ms best=
	while read -r ts; do
		ms=$(date -d "$ts" +%s%3N) || continue
		[ "$ms" -le "$3" ] && best=$ms
	done < <(grep -E "notify\] sent notification $1 for [A-Za-z]+\.$2\$" "$VDS_VDSD_LOG" | cut -d ' ' -f 1)
	[ -n "$best" ] && echo "$best"
}
for i in "${!NOTIFS[@]}"; do
	n=${NOTIFS[$i]}
	[ -n "${WANT[$n]:-}" ] || check_fail "$n: not caused by the test"
	[ -n "${GOT[$n]:-}" ] || continue
	clock=${GOT[$n]%%$'\t'*}
	idx=$(sed -n "s/.*$n index=\([0-9]*\) .*/\1/p" <<<"${GOT[$n]#*$'\t'}")
	if s=$(sent_ms $((i + 1)) "$idx" "$clock"); then
		note "$n (index $idx): in Zabbix $((clock - s)) ms after vdsd sent it"
	else
		note "$n (index $idx): in Zabbix, no send time in vdsd's log"
	fi
done
expect_eq "problems after the jobs" "" "$(problem_names)"

# vdsd stops: exactly one problem, "VDS unavailable"; none per object even
# once every per-object item has been polled without vdsd.
vds_stop_vdsd
t=$(now_ms)
poll_item "$(itemid vds.available)" 0 || check_fail "vds.available never read 0"
UNAV="VDS unavailable: vdsd does not answer through the SNMP master"
wait_for "$DEADLINE_MS" has_problem "$UNAV" || check_fail "no \"$UNAV\" problem: $(problem_names)"
note "\"VDS unavailable\" raised $(($(now_ms) - t)) ms after vdsd stopped"
# shellcheck disable=SC2046
check_now $(items_json | jq -r '.[] | select(.key_ | test("^vds\\.(disk|volume|pack)\\.")) | .itemid')
all_unsupported() {
	[ "$(items_json | jq '[.[] | select((.key_ | test("^vds\\.(disk|volume|pack)\\.")) and .state == "0")] | length')" = 0 ]
}
wait_for "$DEADLINE_MS" all_unsupported || check_fail "per-object items still supported without vdsd"
expect_eq "problems with vdsd stopped" "$UNAV" "$(problem_names)"

# vdsd back: it recovers by itself.
vds_start_vdsd
vds_wait_registered 30000
t=$(now_ms)
poll_item "$(itemid vds.available)" 1 || check_fail "vds.available never read 1 again"
wait_for "$DEADLINE_MS" no_problem "$UNAV" || check_fail "\"$UNAV\" did not recover"
note "\"VDS unavailable\" recovered $(($(now_ms) - t)) ms after vdsd came back"

[ -z "${ZBX_DEBUG_HOLD:-}" ] || { note "holding while $ZBX_DEBUG_HOLD exists"; : >"$ZBX_DEBUG_HOLD"; wait_for 3600000 test ! -e "$ZBX_DEBUG_HOLD"; }
note "zabbix-server.sh took $(($(now_ms) - T0)) ms"
vds_stop_vdsd
vds_finish
