#!/bin/bash
# SPDX-License-Identifier: ISC
# basic.sh BUILDDIR - figures of the basic provider (issue 4), on image files
# in a temp dir (root, for nothing but e2fsck/resize2fs on image files):
#  a. 100 createPartition jobs of 1 MiB (first fit, GPT) through the provider
#     (validate, prepare, run on the worker pool, commit: libfdisk write,
#     fsync, read-back verify, blkid probe) vs sfdisk adding the same 100
#     partitions one call at a time, and in one call.
#  b. shrinking a 1 GiB ext4 volume (partition 1, 300 MiB of data spread
#     over it) by half through the provider (e2fsck -f -p, resize2fs -P,
#     resize2fs -p, libfdisk) vs the same tools by hand (e2fsck -f -p,
#     resize2fs, sfdisk -N 1).
# Prints figures; not a test.  Knobs: BENCH_PARTS (100).
set -eu
B=${1:-${VDS_BUILDDIR:-}}
[ -n "$B" ] && [ -f "$B/libvdsd.la" ] || { echo "usage: $0 BUILDDIR" >&2; exit 2; }
B=$(cd "$B" && pwd)
S=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_PARTS:-100}
T=$(mktemp -d /tmp/vdsd-bench-basic.XXXXXX)
LOOP=
cleanup() {
	if [ -n "$LOOP" ]; then
		umount "$T/mnt" 2>/dev/null || true
		losetup -d "$LOOP" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# shellcheck disable=SC2046
cc -o "$T/bench_basic" -I"$B" -I"$S/agent" -I"$S/providers" "$S/bench/bench_basic.c" \
	"$B/.libs/libvdsd.a" $(pkg-config --cflags --libs libevent libevent_pthreads libudev \
	blkid sqlite3 fdisk) $(net-snmp-config --netsnmp-agent-libs) -lpthread

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

echo "== a. $N partitions of 1 MiB on a GPT image"
truncate -s 256M "$T/p.img"; echo 'label: gpt' | sfdisk -q "$T/p.img"
"$T/bench_basic" create "$N" "$T/p.img" 2>&1 | grep -v " INFO " | sed 's/^/provider:        /'
sfdisk --verify "$T/p.img" >/dev/null && echo "  (sfdisk --verify ok, $(sfdisk -d "$T/p.img" | grep -c start=) partitions)"
truncate -s 0 "$T/q.img"; truncate -s 256M "$T/q.img"; echo 'label: gpt' | sfdisk -q "$T/q.img"
t0=$(now)
for _ in $(seq "$N"); do echo ',1M' | sfdisk -q --append "$T/q.img" >/dev/null 2>&1; done
echo "sfdisk, 1 call per partition: seconds=$(secs "$t0" "$(now)")"
truncate -s 0 "$T/r.img"; truncate -s 256M "$T/r.img"
t0=$(now)
{ echo 'label: gpt'; for _ in $(seq "$N"); do echo ',1M'; done; } | sfdisk -q "$T/r.img" >/dev/null
echo "sfdisk, 1 call for all:       seconds=$(secs "$t0" "$(now)")"

echo "== b. shrink a 1 GiB ext4 volume by half"
truncate -s 0 "$T/s.img"; echo 'label: gpt' | { truncate -s 1100M "$T/s.img"; sfdisk -q "$T/s.img"; }
echo ',1G' | sfdisk -q --append "$T/s.img"
mkimg_data() {
	LOOP=$(losetup --find --show --offset 1048576 --sizelimit 1073741824 "$1")
	mkfs.ext4 -q -F "$LOOP"; mkdir -p "$T/mnt"; mount "$LOOP" "$T/mnt"
	for i in $(seq 0 9); do mkdir "$T/mnt/d$i"; head -c 30M /dev/urandom > "$T/mnt/d$i/f"; done
	umount "$T/mnt"; losetup -d "$LOOP"; LOOP=
}
mkimg_data "$T/s.img"
cp --sparse=always "$T/s.img" "$T/h.img"
"$T/bench_basic" shrink $((512 * 1048576)) "$T/s.img" 2>&1 | grep -v " INFO " | sed 's/^/provider:        /'
e2fsck -fn "$T/s.img?offset=1048576" >/dev/null 2>&1 && echo "  (e2fsck -fn clean; partition now $(sfdisk -d "$T/s.img" | sed -n 's/.*size= *\([0-9]*\).*/\1/p' | head -1) sectors)"
t0=$(now)
LOOP=$(losetup --find --show --offset 1048576 --sizelimit 1073741824 "$T/h.img")
e2fsck -f -p "$LOOP" >/dev/null
resize2fs "$LOOP" 524288K >/dev/null 2>&1
losetup -d "$LOOP"; LOOP=
echo ',512M' | sfdisk -q -N 1 "$T/h.img" >/dev/null 2>&1
echo "by hand (e2fsck, resize2fs, sfdisk): seconds=$(secs "$t0" "$(now)")"
