#!/bin/bash
# SPDX-License-Identifier: ISC
# prometheus.sh - the shipped snmp_exporter module (packaging/prometheus/
# snmp.yml, unmodified) in Debian's prometheus-snmp-exporter 0.21, scraping
# vdsd (sim) through a private snmpd master: snmp.yml is what generate.sh
# makes of generator.yml today; sizes are gauges equal to snmpget's values,
# enums are state sets / info metrics carrying snmpget's names, rows carry
# object names; a job's row and a size after the job are seen in a second
# scrape; the SNMPv3 module (its example user created in the master) reads
# the same values.  A failed disk (sim's simFailDisk, set and cleared by a
# reload) shows as a degraded mirror, a failed plex and stripe, a degraded
# pack, in vdsVolumeModified and in the scrape, and all recover.  The
# Grafana dashboard's queries name only metrics, labels and states the
# scrape has.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

EXPORTER=${EXPORTER:-prometheus-snmp-exporter}
command -v "$EXPORTER" >/dev/null 2>&1 && command -v prometheus-snmp-generator >/dev/null 2>&1 ||
	skip "prometheus-snmp-exporter is not installed (apt-get install prometheus-snmp-exporter)"
vds_require_cmd curl jq
vds_require_vdsd
VDSCTL=$top_builddir/vdsctl
[ -x "$VDSCTL" ] || fail "vdsctl not built"
PROM=$top_srcdir/packaging/prometheus
SNMPYML=$PROM/snmp.yml
T0=$(now_ms)
declare -A D=() V=() PL=() P=()
declare -a D_rows=() V_rows=() PL_rows=() P_rows=()

# 1. The committed snmp.yml is a fresh generation of generator.yml.
VDS_BASE_MIBS=$VDS_BASE_MIBS "$PROM/generate.sh" "$VDS_TMP/snmp-fresh.yml" \
	>"$VDS_TMP/generate.log" 2>&1 || fail "generate.sh: $(cat "$VDS_TMP/generate.log")"
diff -u "$SNMPYML" "$VDS_TMP/snmp-fresh.yml" >"$VDS_TMP/snmp-yml.diff" ||
	check_fail "packaging/prometheus/snmp.yml is not what generate.sh makes of generator.yml and
the MIB now; run packaging/prometheus/generate.sh and commit: $(head -n 40 "$VDS_TMP/snmp-yml.diff")"

# The v3 module's example user, as snmp.yml has it, exists in the master.
v3() { sed -n "/^vds_v3:/,\$s/^ *$1: //p" "$SNMPYML" | head -n 1; }
V3USER=$(v3 username) V3AUTH=$(v3 password) V3PRIV=$(v3 priv_password)
[ -n "$V3USER" ] && [ -n "$V3AUTH" ] && [ -n "$V3PRIV" ] ||
	fail "no SNMPv3 credentials in the vds_v3 module of $SNMPYML"
expect_eq "v3 protocols" "SHA256 AES" "$(v3 auth_protocol) $(v3 priv_protocol)"
VDS_MASTER_EXTRA=("createUser $V3USER SHA-256 $V3AUTH AES $V3PRIV" "rouser $V3USER priv")

vds_write_conf "discovery no"
vds_start_trapd
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
AGENT=127.0.0.1:$VDS_MASTER_PORT
RW=("$VDSCTL" -v2c -c private -t 1 -r 1 "$AGENT")

# 2. The exporter, on a free loopback TCP port, stopped by PID.
tcp_free() { ! grep -qi "$(printf ':%04X ' "$1")" /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
exporter_up() { curl -fsS -o /dev/null "http://127.0.0.1:$EPORT/metrics" 2>/dev/null; }
for try in 1 2 3 4 5; do
	EPORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	tcp_free "$EPORT" || continue
	"$EXPORTER" --config.file="$SNMPYML" --web.listen-address="127.0.0.1:$EPORT" \
		>>"$VDS_TMP/exporter.log" 2>&1 &
	VDS_PIDS[exporter]=$!
	wait_for 30000 eval 'exporter_up || ! kill -0 "${VDS_PIDS[exporter]}" 2>/dev/null'
	exporter_up && break
	vds_kill_pid exporter
	note "the exporter did not come up on port $EPORT (try $try)"
done
exporter_up || fail "prometheus-snmp-exporter does not start: $(tail -n 20 "$VDS_TMP/exporter.log")"
note "prometheus-snmp-exporter pid ${VDS_PIDS[exporter]} on 127.0.0.1:$EPORT"

# scrape MODULE FILE: one scrape of the private master through the exporter.
scrape() {
	curl -fsS --max-time 60 -o "$2" \
		"http://127.0.0.1:$EPORT/snmp?module=$1&target=$AGENT" 2>"$VDS_TMP/curl.err" ||
		fail "scrape of module $1 failed: $(cat "$VDS_TMP/curl.err") $(tail -n 5 "$VDS_TMP/exporter.log")"
	grep -q '^vdsServiceVersion{' "$2" || fail "scrape of module $1 has no vdsd metrics: $(head -c 2000 "$2")"
}

# pv FILE NAME [LABEL=VALUE...]: the value of the one series of NAME with
# those labels (fails when there is not exactly one).
pv() {
	local file=$1 name=$2
	shift 2
	awk -v name="$name" -v want="$(printf '%s\n' "$@")" '
		BEGIN { n = split(want, w, "\n") }
		/^#/ { next }
		{
			i = index($0, "{"); if (i == 0) next
			if (substr($0, 1, i - 1) != name) next
			j = length($0); while (substr($0, j, 1) != "}") j--
			labels = "," substr($0, i + 1, j - i - 1) ","
			for (k = 1; k <= n; k++) {
				if (w[k] == "") continue
				eq = index(w[k], "=")
				if (index(labels, "," substr(w[k], 1, eq - 1) "=\"" substr(w[k], eq + 1) "\",") == 0) next
			}
			found++; v = substr($0, j + 2)
		}
		END {
			if (found != 1) { print name ": " found + 0 " series" > "/dev/stderr"; exit 1 }
			if (v ~ /^[-+0-9.eE]+$/) printf "%.0f\n", v; else print v
		}
	' "$file"
}
ptype() { sed -n "s/^# TYPE $2 //p" "$1"; }
# snmpget's value of OBJECT.INDEX, enums by name
sv() { vds_snmpget -Oqv -OU "VDS-MIB::$1" 2>/dev/null; }
svn() { vds_snmpget -Oqv -OU -Oe "VDS-MIB::$1" 2>/dev/null; }

S1=$VDS_TMP/scrape1.prom
t=$(now_ms)
scrape vds "$S1"
SCRAPE_MS=$(($(now_ms) - t))
note "scrape 1: $(grep -vc '^#' "$S1") series in $SCRAPE_MS ms"

# 3. Byte sizes are gauges, every one the MIB types VdsBytes.
for obj in $(awk '/OBJECT-TYPE/ { o = $1 } /SYNTAX +VdsBytes/ { print o }' "$top_srcdir/mibs/VDS-MIB.txt"); do
	ty=$(ptype "$S1" "$obj")
	[ -z "$ty" ] || expect_eq "TYPE of $obj" gauge "$ty"
done
for obj in vdsDiskSize vdsDiskFree vdsVolumeSize vdsPackSize vdsPackFree vdsPartitionSize; do
	[ -n "$(ptype "$S1" "$obj")" ] || check_fail "$obj not in the scrape"
done
expect_eq "TYPE of vdsJobsFailed" counter "$(ptype "$S1" vdsJobsFailed)"

# 4. Disks: size, free, status by name, labelled vdsDiskName.
vds_load D 2
[ "${#D_rows[@]}" -gt 0 ] || fail "no disks"
for i in "${D_rows[@]}"; do
	name=${D[$(mib_col VDS_DISK_NAME).$i]}
	expect_eq "disk $name size" "$(sv "vdsDiskSize.$i")" \
		"$(pv "$S1" vdsDiskSize vdsDiskIndex="$i" vdsDiskName="$name")"
	expect_eq "disk $name free" "$(sv "vdsDiskFree.$i")" \
		"$(pv "$S1" vdsDiskFree vdsDiskName="$name")"
	st=$(sv "vdsDiskStatus.$i")
	expect_eq "disk $name status $st" 1 "$(pv "$S1" vdsDiskStatus vdsDiskName="$name" vdsDiskStatus="$st")"
	expect_eq "disk $name partition style" 1 "$(pv "$S1" vdsDiskPartitionStyle_info vdsDiskName="$name" \
		vdsDiskPartitionStyle="$(sv "vdsDiskPartitionStyle.$i")")"
done

# 5. Volumes, plexes, packs: sizes, health state sets, names.
vds_load V 4
[ "${#V_rows[@]}" -gt 0 ] || fail "no volumes"
for i in "${V_rows[@]}"; do
	name=${V[$(mib_col VDS_VOL_NAME).$i]}
	expect_eq "volume $name size" "$(sv "vdsVolumeSize.$i")" "$(pv "$S1" vdsVolumeSize vdsVolumeName="$name")"
	h=$(sv "vdsVolumeHealth.$i")
	expect_eq "volume $name health $h" 1 "$(pv "$S1" vdsVolumeHealth vdsVolumeName="$name" vdsVolumeHealth="$h")"
	expect_eq "volume $name not failed" 0 "$(pv "$S1" vdsVolumeHealth vdsVolumeName="$name" vdsVolumeHealth=failed)"
	expect_eq "volume $name layout" 1 "$(pv "$S1" vdsVolumeType_info vdsVolumeName="$name" \
		vdsVolumeType="$(sv "vdsVolumeType.$i")")"
done
vds_load PL 5
for i in "${PL_rows[@]}"; do
	vol=${V[$(mib_col VDS_VOL_NAME).$(svn "vdsPlexVolumeIndex.$i")]}
	num=$(svn "vdsPlexNumber.$i")
	expect_eq "plex $vol/$num health" 1 "$(pv "$S1" vdsPlexHealth vdsVolumeName="$vol" vdsPlexNumber="$num" \
		vdsPlexHealth="$(sv "vdsPlexHealth.$i")")"
done
vds_load P 6
for i in "${P_rows[@]}"; do
	name=${P[$(mib_col VDS_PACK_NAME).$i]}
	expect_eq "pack $name free" "$(sv "vdsPackFree.$i")" "$(pv "$S1" vdsPackFree vdsPackName="$name")"
	expect_eq "pack $name health" 1 "$(pv "$S1" vdsPackHealth vdsPackName="$name" \
		vdsPackHealth="$(sv "vdsPackHealth.$i")")"
done

# 6. A job: its row, and the disk's free space after it, in a second scrape.
disk=${D_rows[0]}
dname=${D[$(mib_col VDS_DISK_NAME).$disk]}
free1=$(pv "$S1" vdsDiskFree vdsDiskName="$dname")
expect_run "create-partition" 0 "" "${RW[@]}" --json create-partition "$disk" 16M
h=$(jq -r .handle <<<"$VDS_OUT")
[ -n "$h" ] && [ "$h" != null ] || fail "no job handle: $VDS_OUT"
expect_run "job $h" 0 "succeeded" "${RW[@]}" job wait "$h"
S2=$VDS_TMP/scrape2.prom
scrape vds "$S2"
expect_eq "job $h status" 1 "$(pv "$S2" vdsJobStatus vdsJobHandle="$h" vdsJobStatus="$(sv "vdsJobStatus.$h")")"
expect_eq "job $h status succeeded" 1 "$(pv "$S2" vdsJobStatus vdsJobHandle="$h" vdsJobStatus=succeeded)"
expect_eq "job $h type" 1 "$(pv "$S2" vdsJobType_info vdsJobHandle="$h" vdsJobType="$(sv "vdsJobType.$h")")"
expect_eq "job $h result" 1 "$(pv "$S2" vdsJobResult_info vdsJobHandle="$h" vdsJobResult=success)"
expect_eq "job $h percent" "$(sv "vdsJobPercentComplete.$h")" "$(pv "$S2" vdsJobPercentComplete vdsJobHandle="$h")"
free2=$(pv "$S2" vdsDiskFree vdsDiskName="$dname")
expect_eq "disk $dname free after the job" "$(sv "vdsDiskFree.$disk")" "$free2"
[ "$free2" -lt "$free1" ] 2>/dev/null || check_fail "disk $dname free did not shrink: $free1 -> $free2"
part=$(svn "vdsJobOutPartition.$h")
expect_eq "partition $part size" "$(sv "vdsPartitionSize.$part")" \
	"$(pv "$S2" vdsPartitionSize vdsDiskName="$dname" vdsPartitionNumber="$(svn "vdsPartitionNumber.$part")")"

# 7. SNMPv3: the vds_v3 module reads the same.
S3=$VDS_TMP/scrape3.prom
scrape vds_v3 "$S3"
expect_eq "v3 disk $dname free" "$free2" "$(pv "$S3" vdsDiskFree vdsDiskName="$dname")"
expect_eq "v3 job $h status" 1 "$(pv "$S3" vdsJobStatus vdsJobHandle="$h" vdsJobStatus=succeeded)"

# 8. The dashboard: every selector NAME{LABEL="V"|LABEL=~"A|B"} of its
# queries (instance aside) matches series of the scrape, for each
# alternative; every {{LABEL}} of a legend is a label of its query's metric.
DASH=$PROM/grafana-vds.json
jq -e '.panels | length > 0' "$DASH" >/dev/null || check_fail "$DASH: no panels"
cat "$S1" "$S2" >"$VDS_TMP/both.prom"
while IFS= read -r sel; do
	name=${sel%%\{*}
	grep -q "^${name}[{ ]" "$VDS_TMP/both.prom" || { check_fail "dashboard: no metric $name"; continue; }
	while IFS= read -r m; do
		lab=${m%%=*} vals=${m#*\"} vals=${vals%\"}
		[ "$lab" = instance ] && continue
		for v in ${vals//|/ }; do
			grep -q "^$name{.*$lab=\"$v\"" "$VDS_TMP/both.prom" ||
				check_fail "dashboard: no $name series with $lab=\"$v\""
		done
	done < <(grep -o '[A-Za-z_]*=~\?"[^"]*"' <<<"$sel")
done < <(jq -r '.panels[].targets[].expr' "$DASH" | grep -o 'vds[A-Za-z]*{[^}]*}')
while IFS=$'\t' read -r expr legend; do
	name=$(grep -o 'vds[A-Za-z]*' <<<"$expr" | head -n 1)
	for lab in $(grep -o '{{[A-Za-z_]*}}' <<<"$legend" | tr -d '{}'); do
		[ "$lab" = instance ] && continue
		grep -qE "^$name\{(.*,)?$lab=" "$VDS_TMP/both.prom" ||
			check_fail "dashboard: legend {{$lab}} is no label of $name"
	done
done < <(jq -r '.panels[].targets[] | [.expr, .legendFormat] | @tsv' "$DASH")

# 9. A disk fails (simFailDisk sim3, reloaded) and comes back.
C_VHEALTH=$(mib_col VDS_VOL_HEALTH)
vds_load V 4
mirror=$(vds_find_row V "$(mib_col VDS_VOL_NAME)" mirror0) || fail "no volume mirror0"
stripe=$(vds_find_row V "$(mib_col VDS_VOL_NAME)" stripe0) || fail "no volume stripe0"
# fault STATE MIRROR-HEALTH: reload with (fail) or without (clear) the
# fault, wait for vdsVolumeModified of mirror0 with that health (a number).
fault() {
	local n t
	n=$(vds_trap_count)
	if [ "$1" = fail ]; then
		vds_write_conf "discovery no" "simFailDisk sim3"
	else
		vds_write_conf "discovery no"
	fi
	t=$(now_ms)
	kill -HUP "$VDS_VDSD_PID"
	vds_wait_trap 30000 "$n" "$VDS_ROOT_OID.0.7" "$VDS_ROOT_OID.1.4.1.$C_VHEALTH.$mirror = INTEGER: $2" ||
		fail "no vdsVolumeModified of mirror0 with health $2 after the reload ($1)"
	note "simFailDisk sim3 $1: vdsVolumeModified of mirror0 (health $2) $(($(now_ms) - t)) ms after SIGHUP"
}
fault fail 3
expect_eq "snmpget mirror0 health" degraded "$(sv "vdsVolumeHealth.$mirror")"
expect_eq "snmpget stripe0 health" failed "$(sv "vdsVolumeHealth.$stripe")"
S4=$VDS_TMP/scrape4.prom
scrape vds "$S4"
expect_eq "mirror0 degraded" 1 "$(pv "$S4" vdsVolumeHealth vdsVolumeName=mirror0 vdsVolumeHealth=degraded)"
expect_eq "mirror0 not healthy" 0 "$(pv "$S4" vdsVolumeHealth vdsVolumeName=mirror0 vdsVolumeHealth=healthy)"
expect_eq "stripe0 failed" 1 "$(pv "$S4" vdsVolumeHealth vdsVolumeName=stripe0 vdsVolumeHealth=failed)"
expect_eq "mirror0 plex 1 (sim2) healthy" 1 \
	"$(pv "$S4" vdsPlexHealth vdsVolumeName=mirror0 vdsPlexNumber=1 vdsPlexHealth=healthy)"
expect_eq "mirror0 plex 2 (sim3) failed" 1 \
	"$(pv "$S4" vdsPlexHealth vdsVolumeName=mirror0 vdsPlexNumber=2 vdsPlexHealth=failed)"
expect_eq "pack0 degraded" 1 "$(pv "$S4" vdsPackHealth vdsPackName=pack0 vdsPackHealth=degraded)"
fault clear 2
expect_eq "snmpget stripe0 health after" healthy "$(sv "vdsVolumeHealth.$stripe")"
S5=$VDS_TMP/scrape5.prom
scrape vds "$S5"
expect_eq "mirror0 healthy again" 1 "$(pv "$S5" vdsVolumeHealth vdsVolumeName=mirror0 vdsVolumeHealth=healthy)"
expect_eq "stripe0 healthy again" 1 "$(pv "$S5" vdsVolumeHealth vdsVolumeName=stripe0 vdsVolumeHealth=healthy)"
expect_eq "pack0 healthy again" 1 "$(pv "$S5" vdsPackHealth vdsPackName=pack0 vdsPackHealth=healthy)"

vds_kill_pid exporter
vds_stop_vdsd
note "prometheus.sh: $(($(now_ms) - T0)) ms in all (one scrape: $SCRAPE_MS ms)"
vds_finish
