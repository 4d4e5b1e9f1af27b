#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-health.sh - runs INSIDE the VM lane's guest (tests/vm/run.sh with
# VDS_VM_QEMU_EXTRA from tests/vm/health-devices.sh): disk health read from
# emulated hardware through the real kernel, checked against the reference
# tools in the same guest:
#   NVMe (QEMU nvme, serial vdsnvme0): vdsDiskCriticalWarning, Temperature,
#     PercentUsed, MediaErrors, AvailableSpare, SpareThreshold, PowerOnHours
#     against `nvme smart-log -o json`; healthy.
#   NVMe (serial vdsnvme1, smart_critical_warning=1): failing at its first
#     read, and vdsDiskHealthChanged says so.
#   ATA on AHCI (QEMU ide-hd): vdsDiskSmartStatus, Temperature, PowerOnHours,
#     reallocated/pending sectors against `smartctl -j`; healthy.
#   A virtio disk: unknown, source none.
#   An over-temperature made at run time: the NVMe temperature threshold set
#     below the current temperature (nvme set-feature 4) turns the temperature
#     critical warning on; a reload reads it (failing, notification), the
#     threshold restored reads healthy again (notification).
# Prints how long vdsd's health read took per disk (its debug log) next to
# the reference tools' own time.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-lane.sh)"
vds_require_root
vds_require_vdsd
vds_require_cmd smartctl nvme jq busybox

# busybox's modprobe, as init.sh: the lane's module tree has a text modules.dep only
for m in nvme ahci sd_mod; do
	busybox modprobe "$m" || fail "cannot load the kernel module $m"
done
udevadm settle --timeout=30
# the block device of the NVMe controller with SERIAL
nvme_dev() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c/serial" ] && [ "$(tr -d ' ' <"$c/serial")" = "$1" ] || continue
		ls -d "$c"/nvme*n1 2>/dev/null | head -n1 | sed 's|.*/|/dev/|'
		return 0
	done
	return 1
}
ata_dev() {
	local b
	for b in /sys/block/sd*; do
		[ "$(tr -d ' ' <"$b/device/vendor" 2>/dev/null)" = ATA ] && echo "/dev/${b##*/}" && return 0
	done
	return 1
}
wait_for 30000 nvme_dev vdsnvme0 >/dev/null || fail "no NVMe namespace for serial vdsnvme0: $(ls /sys/block)"
wait_for 30000 nvme_dev vdsnvme1 >/dev/null || fail "no NVMe namespace for serial vdsnvme1"
wait_for 30000 ata_dev >/dev/null || fail "no ATA disk: $(ls /sys/block)"
NV0=$(nvme_dev vdsnvme0) NV1=$(nvme_dev vdsnvme1) ATA=$(ata_dev)
note "NVMe $NV0 (healthy), $NV1 (critical warning 1), ATA $ATA"

vds_write_conf "discovery yes" "healthInterval 0"
vds_start_trapd
vds_start_master
vds_start_vdsd -d
vds_wait_registered 60000

c_dev=$(mib_col VDS_DISK_DEVNODE)
hoid=$VDS_ROOT_OID.1.$(mib_col VDS_DISK_HEALTH_TABLE).1
n_changed=$VDS_ROOT_OID.0.$(mib_col VDS_NOTIF_DISK_HEALTH_CHANGED)
hv() { vds_get_value "$hoid.$(mib_col "$1").$2"; } # ENUMERATOR DISK
disk_of() { inv_index 2 "$c_dev" "$1"; }
# shellcheck disable=SC2034 # T and T_rows are filled by vds_load (namerefs)
inv_index() { # ARC COL VALUE
	local -A T=()
	local -a T_rows=()
	vds_load T "$1" || return 1
	vds_find_row T "$2" "$3"
}
read_done() { [ "$(hv VDS_DH_HEALTH_SOURCE "$1")" != "" ] && grep -q "\\[health\\] disk $1 (.* read in" "$VDS_VDSD_LOG"; }

for dev in "$NV0" "$NV1" "$ATA" /dev/vda; do
	wait_for 60000 disk_of "$dev" >/dev/null || fail "$dev is not in vdsDiskTable"
done
D0=$(disk_of "$NV0") D1=$(disk_of "$NV1") DA=$(disk_of "$ATA") DV=$(disk_of /dev/vda)
for d in "$D0" "$D1" "$DA" "$DV"; do
	wait_for 60000 read_done "$d" || fail "disk $d: health not read"
done

# --- NVMe against nvme-cli
t0=$(now_ms)
nj=$(nvme smart-log "$NV0" -o json) || fail "nvme smart-log $NV0"
note "nvme smart-log took $(($(now_ms) - t0)) ms: $(printf '%s' "$nj" | tr -d '\n\t ' | cut -c1-300)"
nv() { printf '%s' "$nj" | jq -r ".$1"; }
ktemp=$(nv temperature)
[ "$ktemp" -gt 200 ] 2>/dev/null && ktemp=$((ktemp - 273)) # nvme-cli 2.x: kelvin
expect_eq "NVMe source" 3 "$(hv VDS_DH_HEALTH_SOURCE "$D0")"
expect_eq "NVMe health" 2 "$(hv VDS_DH_HEALTH "$D0")"
expect_eq "NVMe temperature" "$ktemp" "$(hv VDS_DH_TEMPERATURE "$D0")"
expect_eq "NVMe available spare" "$(nv avail_spare)" "$(hv VDS_DH_AVAILABLE_SPARE "$D0")"
expect_eq "NVMe spare threshold" "$(nv spare_thresh)" "$(hv VDS_DH_SPARE_THRESHOLD "$D0")"
expect_eq "NVMe percent used" "$(nv percent_used)" "$(hv VDS_DH_PERCENT_USED "$D0")"
expect_eq "NVMe media errors" "$(nv media_errors)" "$(hv VDS_DH_MEDIA_ERRORS "$D0")"
expect_eq "NVMe power-on hours" "$(nv power_on_hours)" "$(hv VDS_DH_POWER_ON_HOURS "$D0")"
expect_eq "NVMe critical warning" "00" "$(hv VDS_DH_CRITICAL_WARNING "$D0" | tr -d ' "')"
[ -z "$(hv VDS_DH_SMART_STATUS "$D0")" ] || check_fail "NVMe disk has an ATA SMART status"

# --- the NVMe controller made with a critical warning: failing, notified
expect_eq "NVMe with spare warning: critical warning bits" "80" \
	"$(hv VDS_DH_CRITICAL_WARNING "$D1" | tr -d ' "')"
expect_eq "NVMe with spare warning: health" 3 "$(hv VDS_DH_HEALTH "$D1")"
vds_wait_trap 30000 0 "$n_changed" "$hoid.$(mib_col VDS_DH_HEALTH).$D1 = INTEGER: 3" ||
	check_fail "no vdsDiskHealthChanged for the NVMe disk read failing"
note "disk $D1: $(hv VDS_DH_HEALTH_REASON "$D1")"

# --- ATA against smartctl
t0=$(now_ms)
sj=$(smartctl -j -a "$ATA")
note "smartctl -j -a took $(($(now_ms) - t0)) ms (exit $?)"
sv() { printf '%s' "$sj" | jq -r "$1"; }
attr_raw() { sv ".ata_smart_attributes.table[]? | select(.id == $1) | .raw.value"; }
expect_eq "ATA source" 2 "$(hv VDS_DH_HEALTH_SOURCE "$DA")" ||
	note "ATA disk $DA: $(hv VDS_DH_HEALTH_REASON "$DA"); skdump: $(skdump "$ATA" 2>&1 | head -n 12 | tr '\n' '|')"
passed=$(sv .smart_status.passed)
expect_eq "ATA SMART status (smartctl passed=$passed)" "$([ "$passed" = true ] && echo 1 || echo 2)" \
	"$(hv VDS_DH_SMART_STATUS "$DA")"
expect_eq "ATA health" 2 "$(hv VDS_DH_HEALTH "$DA")"
if [ "$(sv '.temperature.current // empty')" != "" ]; then
	expect_eq "ATA temperature" "$(sv .temperature.current)" "$(hv VDS_DH_TEMPERATURE "$DA")"
else
	expect_eq "ATA temperature (smartctl has none)" "" "$(hv VDS_DH_TEMPERATURE "$DA")"
fi
if [ "$(sv '.power_on_time.hours // empty')" != "" ]; then
	expect_eq "ATA power-on hours" "$(sv .power_on_time.hours)" "$(hv VDS_DH_POWER_ON_HOURS "$DA")"
fi
for a in 5:VDS_DH_REALLOCATED_SECTORS 197:VDS_DH_PENDING_SECTORS; do
	raw=$(attr_raw "${a%%:*}")
	expect_eq "ATA attribute ${a%%:*}" "$raw" "$(hv "${a#*:}" "$DA")"
done
[ -z "$(hv VDS_DH_CRITICAL_WARNING "$DA")" ] || check_fail "ATA disk has an NVMe critical warning"

# --- virtio: no health data
expect_eq "virtio health" 1 "$(hv VDS_DH_HEALTH "$DV")"
expect_eq "virtio source" 1 "$(hv VDS_DH_HEALTH_SOURCE "$DV")"

# --- over-temperature at run time (NVMe temperature threshold, feature 4)
reload() { kill -HUP "$VDS_VDSD_PID"; }
# a controller feature: set on the controller's character device (nsid 0)
ctrl=${NV0%n1}
thr=$(nvme get-feature "$ctrl" -f 4 2>/dev/null | sed -n 's/.*Current value: *\(0x[0-9a-fA-F]*\).*/\1/p' | head -n1)
[ -n "$thr" ] && thr=$((thr & 0xffff))
note "NVMe temperature threshold before: ${thr:-?} K, temperature ${ktemp} C"
skip_n=$(vds_trap_count)
nvme set-feature "$ctrl" -f 4 -v $((ktemp + 273 - 10)) >/dev/null || fail "nvme set-feature 4"
reload
turned() { [ "$(hv VDS_DH_HEALTH "$D0")" = "$1" ]; }
wait_for 60000 turned 3 || fail "over-temperature: disk $D0 did not turn failing"
expect_eq "over-temperature bits" "40" "$(hv VDS_DH_CRITICAL_WARNING "$D0" | tr -d ' "')"
vds_wait_trap 30000 "$skip_n" "$n_changed" "$hoid.$(mib_col VDS_DH_HEALTH).$D0 = INTEGER: 3" ||
	check_fail "no vdsDiskHealthChanged for the over-temperature"
note "over-temperature: $(hv VDS_DH_HEALTH_REASON "$D0")"
skip_n=$(vds_trap_count)
nvme set-feature "$ctrl" -f 4 -v "${thr:-343}" >/dev/null || fail "nvme set-feature 4 (restore)"
reload
wait_for 60000 turned 2 || fail "disk $D0 did not turn healthy again"
vds_wait_trap 30000 "$skip_n" "$n_changed" "$hoid.$(mib_col VDS_DH_HEALTH).$D0 = INTEGER: 2" ||
	check_fail "no vdsDiskHealthChanged back to healthy"

# --- how long a read takes (vdsd's own measure, per disk)
note "vdsd health reads (ms):"
grep -o '\[health\] disk [0-9]* ([^)]*) read in [0-9.]* ms' "$VDS_VDSD_LOG" | sed 's/^/#   /'
for n in 1 2 3; do
	t0=$(now_ms)
	nvme smart-log "$NV0" -o json >/dev/null
	t1=$(now_ms)
	smartctl -j -a "$ATA" >/dev/null
	note "reference run $n: nvme smart-log $((t1 - t0)) ms, smartctl -j -a $(($(now_ms) - t1)) ms"
done

vds_stop_vdsd
vds_finish
