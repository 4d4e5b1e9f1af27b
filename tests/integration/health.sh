#!/bin/bash
# SPDX-License-Identifier: ISC
# health.sh - vdsDiskHealthTable and vdsDiskHealthChanged through the real
# stack, driven by the sim provider's simulated health (agent/
# health_sim.h): a sim disk goes healthy -> failing -> failed -> healthy ->
# unknown (a damaged health file), each step made by a file in simHoldDir and
# a SIGHUP (which reads every disk again), each checked in the table and in
# the notification (new health, old health, reason), in vdsctl (list health,
# show disk, --json show health) and in check_vds -m health (failing
# WARNING, failed CRITICAL, temperature thresholds).  NVMe-like figures
# (critical warning bits, percent used, media errors, spare) come through the
# same way.  An image disk and a loop device have no health data: they read
# unknown with no figure, never healthy.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_root
vds_require_cmd losetup truncate
vds_require_vdsd
CHECK=$top_builddir/check_vds
VDSCTL=$top_builddir/vdsctl
[ -x "$CHECK" ] && [ -x "$VDSCTL" ] || fail "check_vds or vdsctl not built"

img=$VDS_TMP/img
mkdir -p "$img"
vds_make_image "$img/plain.img" 16 none
vds_make_image "$img/loop.img" 16 none
attach_loop "$img/loop.img"
loopdev=$VDS_LOOP

# healthInterval 0: reads happen at start, on arrival and on SIGHUP only, so
# every change below is one the test made.
vds_write_conf "imageDisk $img/plain.img" "healthInterval 0"
vds_start_trapd
vds_start_master
vds_start_vdsd
vds_wait_registered 10000

c_name=$(mib_col VDS_DISK_NAME)
c_dev=$(mib_col VDS_DISK_DEVNODE)
c_src=$(mib_col VDS_DISK_SOURCE)
c_h=$(mib_col VDS_DH_HEALTH)
c_prev=$(mib_col VDS_DH_HEALTH_PREVIOUS)
c_reason=$(mib_col VDS_DH_HEALTH_REASON)
c_hsrc=$(mib_col VDS_DH_HEALTH_SOURCE)
c_time=$(mib_col VDS_DH_HEALTH_CHECK_TIME)
c_smart=$(mib_col VDS_DH_SMART_STATUS)
c_realloc=$(mib_col VDS_DH_REALLOCATED_SECTORS)
c_temp=$(mib_col VDS_DH_TEMPERATURE)
c_poh=$(mib_col VDS_DH_POWER_ON_HOURS)
c_crit=$(mib_col VDS_DH_CRITICAL_WARNING)
c_pused=$(mib_col VDS_DH_PERCENT_USED)
c_media=$(mib_col VDS_DH_MEDIA_ERRORS)
c_spare=$(mib_col VDS_DH_AVAILABLE_SPARE)
n_changed=$VDS_ROOT_OID.0.$(mib_col VDS_NOTIF_DISK_HEALTH_CHANGED)
hoid=$VDS_ROOT_OID.1.$(mib_col VDS_DISK_HEALTH_TABLE).1

declare -A D=() H=()
declare -a D_rows=() H_rows=()
# every disk has a health row that has been read (its check time is set)
all_read() {
	local i
	vds_load D 2 && vds_load H 10 || return 1
	[ "${#D_rows[@]}" -gt 0 ] && [ "${#D_rows[@]}" = "${#H_rows[@]}" ] || return 1
	for i in "${D_rows[@]}"; do
		[ -n "${H[$c_h.$i]:-}" ] || return 1
		case ${H[$c_time.$i]:-} in "" | *"00 00 01 01 00 00 00 00"* | "0-1-1,0:0:0.0") return 1 ;; esac
	done
}
wait_for 30000 all_read || fail "not every disk has a health row that was read"
note "${#D_rows[@]} disks, ${#H_rows[@]} health rows"

sim=$(vds_find_row D "$c_src" 3) || fail "no sim disk"
simname=${D[$c_name.$sim]}
image=$(vds_find_row D "$c_src" 2) || fail "no image disk"
loop=$(vds_find_row D "$c_dev" "$loopdev") || fail "$loopdev is not in vdsDiskTable"
note "sim disk $sim ($simname), image disk $image, loop disk $loop ($loopdev)"

# --- disks without health data: unknown, source none, no figures
for i in "$image" "$loop"; do
	expect_eq "disk $i health (no health data)" 1 "${H[$c_h.$i]}"
	expect_eq "disk $i health source" 1 "${H[$c_hsrc.$i]}"
	for c in "$c_smart" "$c_temp" "$c_poh" "$c_crit" "$c_media"; do
		[ -z "${H[$c.$i]+x}" ] || check_fail "disk $i has figure column $c: ${H[$c.$i]}"
	done
	note "disk $i: ${H[$c_reason.$i]}"
done

# --- the sim disk starts healthy with ATA-like figures
expect_eq "sim disk health" 2 "${H[$c_h.$sim]}"
expect_eq "sim disk source" 4 "${H[$c_hsrc.$sim]}"
expect_eq "sim disk SMART status" 1 "${H[$c_smart.$sim]}"
expect_eq "sim disk temperature" 35 "${H[$c_temp.$sim]}"
expect_eq "sim disk power-on hours" 1000 "${H[$c_poh.$sim]}"
[ -z "${H[$c_crit.$sim]+x}" ] || check_fail "sim disk (ATA-like) has a critical warning column"
vds_trap_find 0 "$n_changed" >/dev/null &&
	check_fail "a disk first read healthy or unknown sent vdsDiskHealthChanged"

AGENT=127.0.0.1:$VDS_MASTER_PORT
SNMP=(-- -v2c -c public -t 2 -r 1 "$AGENT")
CTL=("$VDSCTL" -v2c -c public -t 2 -r 1 "$AGENT")
labels=(- unknown healthy failing failed)

# clients STATE: vdsctl and check_vds agree with the table (sim disk STATE).
clients() {
	local want=${labels[$1]} line
	expect_run "vdsctl list health" 0 "" "${CTL[@]}" list health
	line=$(printf '%s\n' "$VDS_OUT" | awk -v i="$sim" '$1 == i')
	case "$line" in "$sim  "*"$want"*) ;; *) check_fail "vdsctl list health: disk $sim is not $want: $line" ;; esac
	expect_run "vdsctl show disk" 0 "health               $want" "${CTL[@]}" show disk "$simname"
	expect_run "vdsctl --json show health" 0 "\"health\":\"$want\"" "${CTL[@]}" --json show health "$sim"
	case $1 in
	4) expect_run "check_vds health (failed)" 2 "VDS CRITICAL - $simname is failed" "$CHECK" -m health "${SNMP[@]}" ;;
	3) expect_run "check_vds health (failing)" 1 "VDS WARNING - $simname is failing" "$CHECK" -m health "${SNMP[@]}" ;;
	*) expect_run "check_vds health (ok)" 0 "VDS OK - " "$CHECK" -m health "${SNMP[@]}" ;;
	esac
}
clients 2
# the image and loop disks show no figure in vdsctl (absent, not 0)
expect_run "vdsctl --json show health (image)" 0 "\"health\":\"unknown\"" "${CTL[@]}" --json show health "$image"
case "$VDS_OUT" in *temperature*) check_fail "image disk shows a temperature: $VDS_OUT" ;; esac
# temperature thresholds: the sim disk reads 35 C
expect_run "check_vds health -w 30" 1 "$simname at 35 C" "$CHECK" -m health -w 30 -c 40 "${SNMP[@]}"
expect_run "check_vds health -c 30" 2 "$simname at 35 C" "$CHECK" -m health -w 20 -c 30 "${SNMP[@]}"
expect_run "check_vds health -w 40" 0 "'${simname}_temp'=35;40;50" "$CHECK" -m health -w 40 -c 50 "${SNMP[@]}"
expect_run "check_vds health -w 50 -c 40 (inverted)" 3 "" "$CHECK" -m health -w 50 -c 40 "${SNMP[@]}"

hfile=$VDS_HOLD/health-$simname
# step WANT PREV REASON: SIGHUP, then the row reads WANT and a notification
# says WANT, PREV and REASON.
step() {
	local want=$1 prev=$2 reason=$3 skip
	skip=$(vds_trap_count)
	kill -HUP "$VDS_VDSD_PID"
	reads() { [ "$(vds_get_value "$hoid.$c_h.$sim")" = "$want" ]; }
	wait_for 30000 reads || fail "disk $sim did not turn $want (reads $(vds_get_value "$hoid.$c_h.$sim"))"
	expect_eq "previous health" "$prev" "$(vds_get_value "$hoid.$c_prev.$sim")"
	expect_eq "reason" "$reason" "$(vds_get_value "$hoid.$c_reason.$sim" | tr -d '"')"
	vds_wait_trap 30000 "$skip" "$n_changed" "$hoid.$c_h.$sim = INTEGER: $want" ||
		fail "no vdsDiskHealthChanged to $want for disk $sim"
	expect_eq "trap: new health" "$want" "$(vds_trap_varbind "$VDS_TRAP_LINE" "$hoid.$c_h.$sim")"
	expect_eq "trap: old health" "$prev" "$(vds_trap_varbind "$VDS_TRAP_LINE" "$hoid.$c_prev.$sim")"
	expect_eq "trap: reason" "$reason" "$(vds_trap_varbind "$VDS_TRAP_LINE" "$hoid.$c_reason.$sim")"
	note "disk $sim: $prev -> $want ($reason)"
	clients "$want"
}

printf 'failing\nreason 12 reallocated sectors\nreallocated 12\n' >"$hfile"
step 3 2 "12 reallocated sectors"
expect_eq "reallocated sectors" 12 "$(vds_get_value "$hoid.$c_realloc.$sim")"

printf 'failed\nreason SMART overall assessment: FAILED\nsmart 2\ntemperature 71\n' >"$hfile"
step 4 3 "SMART overall assessment: FAILED"
expect_eq "SMART status failed" 2 "$(vds_get_value "$hoid.$c_smart.$sim")"
expect_eq "temperature" 71 "$(vds_get_value "$hoid.$c_temp.$sim")"

rm -f "$hfile"
step 2 4 "simulated: healthy"

# NVMe-like: spare below threshold and temperature (bits 0 and 1)
printf 'failing\nreason NVMe critical warning\ncritical_warning 3\npercent_used 42\nmedia_errors 7\nspare 5\nspare_threshold 10\ntemperature -5\n' >"$hfile"
step 3 2 "NVMe critical warning"
expect_eq "critical warning bits" "C0" "$(vds_get_value "$hoid.$c_crit.$sim" | tr -d ' "')"
expect_eq "percent used" 42 "$(vds_get_value "$hoid.$c_pused.$sim")"
expect_eq "media errors" 7 "$(vds_get_value "$hoid.$c_media.$sim")"
expect_eq "available spare" 5 "$(vds_get_value "$hoid.$c_spare.$sim")"
expect_eq "temperature below zero" -5 "$(vds_get_value "$hoid.$c_temp.$sim")"
expect_run "vdsctl: temperature below zero" 0 '"temperature":-5,' "${CTL[@]}" --json show health "$sim"
expect_run "vdsctl: warning bits" 0 '"criticalWarning":["spareBelowThreshold","temperature"]' \
	"${CTL[@]}" --json show health "$sim"

# a damaged file is untrusted input: unknown with the reason, never healthy
printf 'on fire\n' >"$hfile"
step 1 3 "$hfile: line 1 not understood"
[ -z "$(vds_get_value "$hoid.$c_temp.$sim")" ] || check_fail "unknown health still has a temperature"

rm -f "$hfile"
step 2 1 "simulated: healthy"

vds_stop_vdsd
vds_finish
