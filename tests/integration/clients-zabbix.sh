#!/bin/bash
# SPDX-License-Identifier: ISC
# clients-zabbix.sh - packaging/zabbix/vds_template.yaml parses (PyYAML; a
# small awk check where python3-yaml is missing), has the structure of a
# Zabbix 6.0 template with the discovery rules and triggers it promises, and
# every OID in it is an object of VDS-MIB (snmptranslate with the base MIBs).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_cmd snmptranslate
vds_ensure_mibs
TPL=$top_srcdir/packaging/zabbix/vds_template.yaml
[ -f "$TPL" ] || fail "$TPL is missing"

# ---------------------------------------------------------------- parse
# PyYAML (python3-yaml, of the test purpose) parses it; the awk check only
# where it is missing.
parsed=0 py=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import yaml' 2>/dev/null && py=$p && break
done
if [ -n "$py" ]; then
	cat >"$VDS_TMP/check.py" <<'EOF'
import re, sys
import yaml

try:
    with open(sys.argv[1], encoding='utf-8') as f:
        z = yaml.safe_load(f)['zabbix_export']
except (yaml.YAMLError, KeyError, TypeError) as e:
    sys.exit('%s' % e)
t = z['templates'][0]
out = ['version %s' % z['version'], 'template %s' % t['template'],
       'rules ' + ','.join(sorted(r['key'] for r in t['discovery_rules']))]
# What Zabbix's API demands (CApiInputValidator::validateUuid): 32 hex
# digits, version nibble 4, variant 10xx (8, 9, a or b).
UUID4 = re.compile(r'^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$')
uuids, dup, bad = set(), 0, 0
def seen(o):
    global dup, bad
    if isinstance(o, list):
        for x in o:
            seen(x)
    elif isinstance(o, dict):
        u = o.get('uuid')
        if u:
            u = str(u)
            dup += u in uuids
            uuids.add(u)
            bad += not UUID4.match(u)
        for x in o.values():
            seen(x)
seen(z)
out.append('uuids dup=%d bad=%d' % (dup, bad))
for i in t.get('items') or []:
    out += ['trigger ' + x['name'] for x in i.get('triggers') or []]
for r in t['discovery_rules']:
    out += ['trigger ' + x['name'] for x in r.get('trigger_prototypes') or []]
out += ['trap ' + i['key'] for i in t.get('items') or [] if i.get('type') == 'SNMP_TRAP']
print('\n'.join(out))
EOF
	"$py" "$VDS_TMP/check.py" "$TPL" >"$VDS_TMP/parsed.txt" 2>"$VDS_TMP/parse.err" ||
		fail "the template does not parse: $(cat "$VDS_TMP/parse.err")"
	parsed=1
	note "parsed with PyYAML"
else
	note "python3-yaml not installed: awk structure check only"
	# Indentation in steps of 2, no tabs, every "key:" line well formed.
	awk '/\t/ { print "tab on line " NR; bad = 1 }
	     /^ *[^ #-]/ && !/^ *[A-Za-z_]+:( |$)/ && !/^ *- / { print "odd line " NR ": " $0; bad = 1 }
	     { match($0, /^ */); if (RLENGTH % 2) { print "indent on line " NR; bad = 1 } }
	     END { exit bad }' "$TPL" >"$VDS_TMP/awk.err" || fail "template: $(cat "$VDS_TMP/awk.err")"
fi

if [ "$parsed" = 1 ]; then
	p=$(cat "$VDS_TMP/parsed.txt")
	grep -qx "version 6.0" <<<"$p" || check_fail "not a 6.0 export: $p"
	grep -qx "template VDS by SNMP" <<<"$p" || check_fail "template name: $p"
	expect_eq "discovery rules" \
		"rules vds.disk.discovery,vds.job.discovery,vds.pack.discovery,vds.volume.discovery" \
		"$(grep '^rules ' <<<"$p")"
	expect_eq "uuids" "uuids dup=0 bad=0" "$(grep '^uuids ' <<<"$p")"
	for t in "VDS unavailable" "a job failed" "a job failed (trap)" "disk .* is missing" \
		"is degraded" "has failed" "disk .* is failing" "disk .* has failed"; do
		grep -q "^trigger .*$t" <<<"$p" || check_fail "no trigger \"$t\""
	done
	# vdsDiskFree is unpartitioned space: no "free space" alarm on it
	! grep -q "^trigger .*free space" <<<"$p" || check_fail "a free-space trigger is back"
	# one trap item per notification, matching what vds-traphandle --zabbix
	# writes for it (a record "NAME index=N ...")
	for n in vdsDiskArrived vdsDiskRemoved vdsPartitionArrived vdsPartitionRemoved \
		vdsVolumeArrived vdsVolumeRemoved vdsVolumeModified vdsVDiskArrived vdsVDiskRemoved \
		vdsJobCompleted vdsJobProgress vdsPackArrived vdsPackRemoved vdsDiskHealthChanged; do
		key=$(grep "^trap snmptrap\[\"$n " <<<"$p") || { check_fail "no trap item for $n" && continue; }
		re=${key#trap snmptrap[\"}
		re=${re%\"]}
		num=$(snmptranslate -M "$VDS_MIBDIRS" -m VDS-MIB -On "VDS-MIB::$n")
		rec=$(printf 'h\nUDP: [127.0.0.1]:1->[127.0.0.1]:162\n.1.3.6.1.6.3.1.1.4.1.0 %s\n%s 7\n' \
			"$num" ".1.3.6.1.4.1.8072.9999.86.1.8.1.5.7" |
			sh "$top_srcdir/packaging/snmptrapd/vds-traphandle" --zabbix)
		grep -Eq -- "$re" <<<"$rec" || check_fail "trap item $key does not match: $rec"
	done
fi

# ---------------------------------------------------------------- UUIDs
# Without PyYAML too: every uuid is a UUIDv4 as Zabbix's API demands it
# (32 lower-case hex digits, version nibble 4, variant 8, 9, a or b), and
# no two are the same.
all=$(sed -n 's/^ *- *uuid: *//p; s/^ *uuid: *//p' "$TPL" | tr -d "'\"" | sort)
[ -n "$all" ] || check_fail "no uuid in the template"
bad=$(grep -Evx '[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}' <<<"$all")
[ -z "$bad" ] || check_fail "not a UUIDv4 (Zabbix refuses the import): $(echo $bad)"
dup=$(uniq -d <<<"$all")
[ -z "$dup" ] || check_fail "duplicate uuids: $(echo $dup)"
note "$(wc -l <<<"$all") uuids checked"

# ---------------------------------------------------------------- OIDs
# Every OID under vdsMIB, with the instance ({#SNMPINDEX}, .0) taken off,
# must translate to a VDS-MIB object name and back to itself.
oids=$(sed 's/\\//g' "$TPL" | grep -o '1\.3\.6\.1\.4\.1\.8072\.9999\.86[0-9.]*' |
	sed 's/\.$//' | sort -u)
n=0
for oid in $oids; do
	n=$((n + 1))
	case "$oid" in
	*.1.1.*.0) oid=${oid%.0} ;; # a scalar's instance
	esac
	name=$(snmptranslate -M "$VDS_MIBDIRS" -m VDS-MIB -Os ".$oid" 2>"$VDS_TMP/tr.err")
	case "$name" in
	vds* | *::vds*) ;;
	*) check_fail "OID $oid: $name $(cat "$VDS_TMP/tr.err")" && continue ;;
	esac
	case "$name" in
	*.*) check_fail "OID $oid is not a VDS-MIB object ($name)" && continue ;;
	esac
	back=$(snmptranslate -M "$VDS_MIBDIRS" -m VDS-MIB -On "VDS-MIB::$name" 2>"$VDS_TMP/tr.err")
	expect_eq "OID $oid ($name) round trip" ".$oid" "$back"
done
[ "$n" -ge 20 ] || check_fail "only $n OIDs found in the template"
note "$n OIDs checked"
vds_finish
