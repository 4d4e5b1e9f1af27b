#!/bin/bash
# SPDX-License-Identifier: ISC
# inventory.sh BUILDDIR - inventory figures of vdsd (issue 2's closing note):
#  1. 200 image-file disks (sparse, GPT, 2 partitions each): the time to
#     bulkwalk vdsDiskTable and vdsPartitionTable through the master (median
#     of several walks, by bench/snmplat.c);
#  2. a loop device attached while vdsd runs: the time from `losetup --find
#     --show` to its row in vdsDiskTable (vdsServiceDiskCount polled every
#     few ms, the row checked by devnode), repeated; detached after, exactly
#     that device.
# Everything runs in a temp dir on 127.0.0.1 and is stopped by PID.  Prints
# figures; not a test.  Knobs: BENCH_DISKS (200), BENCH_WALKS (20),
# BENCH_ATTACHES (10), BENCH_MAXREP (25), BENCH_POLL_MS (2).
. "$(dirname "$0")/lib.sh"

NDISKS=${BENCH_DISKS:-200}
WALKS=${BENCH_WALKS:-20}
ATTACHES=${BENCH_ATTACHES:-10}
MAXREP=${BENCH_MAXREP:-25}
POLL_MS=${BENCH_POLL_MS:-2}

bench_require
vds_require_cmd sfdisk losetup truncate
bench_build_client

note "making $NDISKS image disks (GPT, 2 partitions each)"
mkdir -p "$VDS_TMP/img"
vds_make_image "$VDS_TMP/img/proto.img" 8 gpt "2:linux:-:a" "3:linux:-:b"
images=()
for ((i = 1; i <= NDISKS; i++)); do
	# A copy keeps the label but each disk needs its own GUIDs.
	cp --sparse=always "$VDS_TMP/img/proto.img" "$VDS_TMP/img/d$i.img"
	sfdisk -q --disk-id "$VDS_TMP/img/d$i.img" "$(cat /proc/sys/kernel/random/uuid)" ||
		fail "sfdisk --disk-id d$i.img"
	images+=("imageDisk $VDS_TMP/img/d$i.img")
done
rm -f "$VDS_TMP/img/proto.img"
vds_make_image "$VDS_TMP/hot.img" 16 gpt "4:linux:-:hot"

VDS_SIM_JOB_MS=3000 vds_write_conf "${images[@]}"
bench_start_master
t0=$(now_ms)
bench_start_vdsd
note "vdsd up and registered $(($(now_ms) - t0)) ms after start"

echo "== inventory: $NDISKS image disks + sim disks + this machine's block devices"
echo "disks in vdsDiskTable: $(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$DISK_COUNT")"
lat walk 3 "$MAXREP" warmup=$VDS_ROOT_OID.1.2 >/dev/null || fail "walk failed"
lat walk "$WALKS" "$MAXREP" vdsDiskTable=$VDS_ROOT_OID.1.2 || fail "walk failed"
lat walk "$WALKS" "$MAXREP" vdsPartitionTable=$VDS_ROOT_OID.1.3 || fail "walk failed"
lat walk "$WALKS" "$MAXREP" vdsVolumeTable=$VDS_ROOT_OID.1.4 || fail "walk failed"

echo "== loop device attach -> row in vdsDiskTable ($ATTACHES times, poll every $POLL_MS ms)"
# The disk row whose devnode is $1 exists.
row_of() {
	snmpbulkwalk -v2c -c public -Cr50 -Oqv "127.0.0.1:$VDS_MASTER_PORT" \
		"$VDS_ROOT_OID.1.2.1.$(mib_col VDS_DISK_DEVNODE)" 2>/dev/null | grep -qx "\"\?$1\"\?"
}
count_is() { [ "$(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$DISK_COUNT")" = "$1" ]; }
lats=()
for ((i = 1; i <= ATTACHES; i++)); do
	before=$(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$DISK_COUNT")
	out=$(lat waitchange "$DISK_COUNT" "$POLL_MS" 5000 losetup --find --show "$VDS_TMP/hot.img")
	rc=$?
	dev=$(head -n1 <<<"$out")
	case "$dev" in
	/dev/loop*) VDS_LOOPS+=("$dev|$VDS_TMP/hot.img") ;;
	*) fail "losetup gave no device: $out" ;;
	esac
	[ "$rc" -eq 0 ] || fail "$dev: vdsServiceDiskCount did not change within 5 s"
	row_of "$dev" || check_fail "$dev: the disk count changed but no row has that devnode"
	ms=$(sed -n 's/^changed \([0-9.]*\) ms after the command started, \([0-9.]*\).*/\1/p' <<<"$out")
	after=$(sed -n 's/.*after it exited.*/&/p' <<<"$out" | sed 's/^changed [0-9.]* ms after the command started, \([0-9.]*\) ms.*/\1/')
	printf '  attach %2d %s: row after %s ms (%s ms after losetup exited)\n' "$i" "$dev" "$ms" "$after"
	lats+=("$ms")
	detach_loop "$dev"
	wait_for 5000 count_is "$before" || fail "$dev: row still there 5 s after the detach"
done
printf '%s\n' "${lats[@]}" | sort -g | awk '
	{ v[NR] = $1 }
	END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	      printf "attach-to-row: n=%d median=%.3f max=%.3f ms\n", NR, m, v[NR] }'
vds_finish
