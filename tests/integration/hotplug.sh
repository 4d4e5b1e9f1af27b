#!/bin/bash
# SPDX-License-Identifier: ISC
# hotplug.sh - a loop device attached while vdsd runs appears in vdsDiskTable
# (and its partitions in vdsPartitionTable) within 1 s and vdsDiskArrived
# reaches a private snmptrapd with name, devnode, serial and size; detached,
# the row is gone within 1 s and vdsDiskRemoved arrives.  No udevd is
# started: vdsd must cope with kernel uevents alone.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_root
vds_require_cmd sfdisk mkfs.ext4 losetup jq truncate
vds_require_vdsd
declare -A D=() P=()
declare -a P_rows=()

TARGET_MS=1000 # ARCHITECTURE.md: "within a second"; measured by bench/inventory.sh
c_ddev=$(mib_col VDS_DISK_DEVNODE)
c_dname=$(mib_col VDS_DISK_NAME)
c_dserial=$(mib_col VDS_DISK_SERIAL)
c_dsize=$(mib_col VDS_DISK_SIZE)
c_pdisk=$(mib_col VDS_PART_DISK_INDEX)
disk_col=$VDS_ROOT_OID.1.2.1
n_arrived=$VDS_ROOT_OID.0.1
n_removed=$VDS_ROOT_OID.0.2
n_part_arrived=$VDS_ROOT_OID.0.3

vds_make_image "$VDS_TMP/hot.img" 40 gpt "10:linux:ext4:hot:hotfs" "10:linux:-:cold"

vds_write_conf
vds_start_trapd
vds_start_master
vds_start_vdsd
vds_wait_registered 10000

# The index of the disk row with devnode $1 and, when given, size $2 (the
# size tells this test's image from an earlier one on the same device).
disk_index_of() {
	vds_table 2 2>/dev/null | awk -v dev="$1" -v size="${2:-}" -v cd="$c_ddev" -v cs="$c_dsize" '
		$1 == cd { d[$2] = substr($0, length($1) + length($2) + 3) }
		$1 == cs { s[$2] = $3 }
		END { for (i in d) if (d[i] == dev && (size == "" || s[i] == size)) { print i; ok = 1 }
		      exit !ok }'
}
row_present() { disk_index_of "$@" >/dev/null; }
row_absent() { ! disk_index_of "$@" >/dev/null && vds_registered; }
hot_size=$((40 << 20))
swap_size=$((24 << 20))
vds_make_image "$VDS_TMP/swap.img" 24 gpt "8:linux:ext4:swp"

# ---- arrival
skip_traps=$(vds_trap_count)
t0=$(now_ms)
attach_loop "$VDS_TMP/hot.img"
dev=$VDS_LOOP
if wait_for 60000 row_present "$dev" "$hot_size"; then
	ms=$(($(now_ms) - t0))
	note "attach $dev: row visible after $ms ms (target $TARGET_MS; a figure, not a check: bench/inventory.sh)"
else
	fail "$dev did not appear in vdsDiskTable within 5 s"
fi
idx=$(disk_index_of "$dev" "$hot_size")

vds_load D 2 || fail "walk of vdsDiskTable failed"
expect_eq "$dev size" "$(blockdev --getsize64 "$dev")" "${D[$c_dsize.$idx]}"
expect_eq "$dev name" "${dev#/dev/}" "${D[$c_dname.$idx]}"

if vds_wait_trap 60000 "$skip_traps" "$n_arrived" "$dev"; then
	note "vdsDiskArrived received after $(($(now_ms) - t0)) ms"
	line=$VDS_TRAP_LINE
	expect_eq "vdsDiskArrived vdsDiskName" "${D[$c_dname.$idx]}" \
		"$(vds_trap_varbind "$line" "$disk_col.$c_dname.$idx")"
	expect_eq "vdsDiskArrived vdsDiskDevNode" "$dev" \
		"$(vds_trap_varbind "$line" "$disk_col.$c_ddev.$idx")"
	vds_trap_varbind "$line" "$disk_col.$c_dserial.$idx" >/dev/null ||
		check_fail "vdsDiskArrived lacks vdsDiskSerial.$idx: $line"
	expect_eq "vdsDiskArrived vdsDiskSize" "${D[$c_dsize.$idx]}" \
		"$(vds_trap_varbind "$line" "$disk_col.$c_dsize.$idx")"
else
	check_fail "no vdsDiskArrived for $dev within 3 s; received: $(grep '^TRAP' "$VDS_TRAPLOG")"
fi

# Its two partitions, read from the label, and their notifications.
vds_load P 3 || fail "walk of vdsPartitionTable failed"
nparts=0
for p in "${P_rows[@]}"; do
	[ "${P[$c_pdisk.$p]}" = "$idx" ] && nparts=$((nparts + 1))
done
expect_eq "partitions of $dev" 2 "$nparts"
got=0
for ((i = 0; i < 50; i++)); do
	got=$(grep '^TRAP' "$VDS_TRAPLOG" | tail -n +"$((skip_traps + 1))" |
		grep -c "OID: $n_part_arrived"$'\t'".*$VDS_ROOT_OID.1.3.1.$c_pdisk.[0-9]* = [A-Za-z0-9]*: $idx"$'\(\t\|$\)') || true
	[ "$got" -ge 2 ] && break
	sleep 0.05
done
expect_eq "vdsPartitionArrived notifications for $dev" 2 "$got"

# ---- removal
skip_traps=$(vds_trap_count)
t0=$(now_ms)
detach_loop "$dev"
if wait_for 60000 row_absent "$dev" "$hot_size"; then
	ms=$(($(now_ms) - t0))
	note "detach $dev: row gone after $ms ms (target $TARGET_MS)"
else
	check_fail "$dev still in vdsDiskTable 5 s after losetup -d"
fi
if vds_wait_trap 60000 "$skip_traps" "$n_removed" "$dev"; then
	note "vdsDiskRemoved received after $(($(now_ms) - t0)) ms"
	expect_eq "vdsDiskRemoved vdsDiskDevNode" "$dev" \
		"$(vds_trap_varbind "$VDS_TRAP_LINE" "$disk_col.$c_ddev.$idx")"
else
	check_fail "no vdsDiskRemoved for $dev within 3 s; received: $(grep '^TRAP' "$VDS_TRAPLOG")"
fi
vds_load P 3 || fail "walk of vdsPartitionTable failed"
for p in "${P_rows[@]}"; do
	[ "${P[$c_pdisk.$p]}" = "$idx" ] && check_fail "partition $p of removed disk $idx is still listed"
done

# ---- attached again: the same index (the image is the identity)
attach_loop "$VDS_TMP/hot.img"
dev=$VDS_LOOP
wait_for 60000 row_present "$dev" "$hot_size" || check_fail "$dev did not come back"
expect_eq "index after re-attach" "$idx" "$(disk_index_of "$dev" "$hot_size")"

# ---- another image on the same device node at once: the old disk leaves,
# a new one (new index) arrives
skip_traps=$(vds_trap_count)
detach_loop "$dev"
t0=$(now_ms)
attach_loop "$VDS_TMP/swap.img"
dev2=$VDS_LOOP
if wait_for 60000 row_present "$dev2" "$swap_size"; then
	note "swap $dev -> $dev2: new row after $(($(now_ms) - t0)) ms"
else
	check_fail "swap.img on $dev2 not listed 5 s after losetup"
fi
idx2=$(disk_index_of "$dev2" "$swap_size")
[ "$idx2" != "$idx" ] || check_fail "swap.img got the index $idx of hot.img"
row_absent "$dev" "$hot_size" || check_fail "hot.img still listed on $dev after it was detached"
vds_wait_trap 60000 "$skip_traps" "$n_removed" "$disk_col.$c_ddev.$idx = STRING: $dev" ||
	check_fail "no vdsDiskRemoved for hot.img (index $idx) after the swap"
vds_wait_trap 60000 "$skip_traps" "$n_arrived" "$disk_col.$c_ddev.$idx2 = STRING: $dev2" ||
	check_fail "no vdsDiskArrived for swap.img (index $idx2) after the swap"
note "$( [ "$dev" = "$dev2" ] && echo "same device node $dev" || echo "$dev2 differs from $dev")"
detach_loop "$dev2"

vds_stop_vdsd
vds_finish
