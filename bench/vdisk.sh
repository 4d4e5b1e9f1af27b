#!/bin/bash
# SPDX-License-Identifier: ISC
# bench/vdisk.sh BUILDDIR - figures for the vdisk provider, through the real
# stack (snmpset, vdsd, the job table): a fixed 1 GiB raw vdisk against
# `fallocate -l 1G` + fsync and `dd ... conv=fsync` on the same file system,
# a fixed 1 GiB VHD, a 1 TiB expandable vdisk, and the time from the
# attachVDisk SET to the loop device's row in the disk table (median of 5).
# Job times are SET to "succeeded" as a manager sees them (polling ~20 ms).
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/jobs-lib.sh
. "$top_srcdir/tests/integration/jobs-lib.sh"
unset MIBS MIBDIRS # bench/lib.sh goes numeric; this script uses VDS-MIB names

bench_require
vds_require_vdsd
ROOT=$VDS_TMP/images
mkdir -p "$ROOT"
C_VD_DEVNODE=$(mib_col VDS_VDISK_DEVNODE)
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE)

vds_start_master
vds_write_conf "provider vdisk" "vdiskRoot $ROOT"
vds_start_vdsd
vds_wait_registered

# job_ms TYPE [COLUMN T V]...: ms from the SET to success; H = handle.
job_ms() {
	local t0 st
	H=$(job_handle)
	t0=$(now_ms)
	job_start "$H" "$@"
	st=$(job_wait "$H" 600000)
	[ "$st" = "$ST_SUCCEEDED" ] || fail "job $H: $(job_getn "$H" Result ErrorMessage)"
	echo $(($(now_ms) - t0))
}

ms_of() { # CMD...: wall ms
	local t0
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 || fail "$*"
	echo $(($(now_ms) - t0))
}

alloc_mib() { echo $(($(stat -c '%b*%B' "$1") / 1048576)); }

FS=$(df -T "$ROOT" | awk 'NR == 2 { print $2 " on " $1 }')
printf 'vdisk benchmark on %s (%s), kernel %s\n' "$ROOT" "$FS" "$(uname -r)"

sync
T=$(job_ms 7 ParamPath s "$ROOT/fixed.img" ParamSizeMiB u 1024 ParamVDiskType i 1)
printf '  createVDisk fixed raw 1 GiB (vdsd job) ........ %6d ms  allocated %d MiB\n' "$T" \
	"$(alloc_mib "$ROOT/fixed.img")"
T=$(ms_of sh -c "fallocate -l 1G '$ROOT/fa.img' && sync '$ROOT/fa.img'")
printf '  fallocate -l 1G + fsync (by hand) ............ %6d ms  allocated %d MiB\n' "$T" \
	"$(alloc_mib "$ROOT/fa.img")"
T=$(ms_of dd if=/dev/zero of="$ROOT/dd.img" bs=1M count=1024 conv=fsync)
printf '  dd if=/dev/zero bs=1M count=1024 conv=fsync .. %6d ms  allocated %d MiB\n' "$T" \
	"$(alloc_mib "$ROOT/dd.img")"
T=$(job_ms 7 ParamPath s "$ROOT/fixed.vhd" ParamSizeMiB u 1024 ParamVDiskType i 1 \
	ParamVDiskFormat i 2)
printf '  createVDisk fixed VHD 1 GiB (vdsd job) ....... %6d ms  size %d bytes\n' "$T" \
	"$(stat -c %s "$ROOT/fixed.vhd")"
T=$(job_ms 7 ParamPath s "$ROOT/tera.img" ParamSizeMiB u 1048576 ParamVDiskType i 2)
printf '  createVDisk expandable 1 TiB (vdsd job) ...... %6d ms  allocated %d MiB\n' "$T" \
	"$(alloc_mib "$ROOT/tera.img")"
rm -f "$ROOT/fa.img" "$ROOT/dd.img"

# attach-to-table-row: the SET until the disk row with the loop device's node.
VD=$(inv_index 7 "$C_VD_PATH" "$ROOT/fixed.img") || fail "no vdisk row for fixed.img"
row_there() {
	local dev disk
	dev=$(inv_value 7 "$C_VD_DEVNODE" "$VD")
	disk=$(inv_value 7 "$C_VD_DISK" "$VD")
	[ -n "$dev" ] && [ "${disk:-0}" -gt 0 ] &&
		[ "$(inv_value 2 "$C_DISK_DEVNODE" "$disk")" = "$dev" ]
}
declare -a ROWS=()
for i in 1 2 3 4 5; do
	H=$(job_handle)
	t0=$(now_ms)
	job_start "$H" 8 ParamVDisk u "$VD"
	wait_for 10000 row_there || fail "no disk row after attach ($i)"
	ROWS+=($(($(now_ms) - t0)))
	VDS_LOOPS+=("$(inv_value 7 "$C_VD_DEVNODE" "$VD")|$ROOT/fixed.img")
	[ "$(job_ms 9 ParamVDisk u "$VD")" -ge 0 ] || true
done
MED=$(printf '%s\n' "${ROWS[@]}" | sort -n | sed -n 3p)
printf '  attachVDisk SET -> disk row in the table ..... %6d ms  median of 5 (%s)\n' "$MED" \
	"${ROWS[*]}"
vds_stop_vdsd
