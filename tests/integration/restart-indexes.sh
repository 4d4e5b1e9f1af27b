#!/bin/bash
# SPDX-License-Identifier: ISC
# restart-indexes.sh - every disk, partition and volume index (with its key
# columns: name, devnode, object id, disk index, number) is the same after
# vdsd restarts; a disk that disappears and comes back keeps its index, and
# a new disk gets a fresh one that no other row had.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_root
vds_require_cmd sfdisk mkfs.ext4 losetup jq truncate
vds_require_vdsd

img=$VDS_TMP/img
mkdir -p "$img"
vds_make_image "$img/one.img" 32 gpt "8:linux:ext4:p1:one" "8:linux:-:p2"
vds_make_image "$img/two.img" 32 dos "8:83:ext4" "8:83:ext4"
vds_make_image "$img/three.img" 16 gpt "4:linux:ext4:p1"
vds_make_image "$img/loop.img" 32 gpt "8:linux:ext4:l1" "8:linux:-:l2"
attach_loop "$img/loop.img"
loopdev=$VDS_LOOP

# Index-bearing columns, one "TABLE INDEX COL=VALUE" line per cell, sorted.
snapshot() {
	{
		vds_table 2 | sel disk VDS_DISK_OBJECT_ID VDS_DISK_NAME VDS_DISK_DEVNODE VDS_DISK_SOURCE
		vds_table 3 | sel partition VDS_PART_OBJECT_ID VDS_PART_DISK_INDEX VDS_PART_NUMBER \
			VDS_PART_VOLUME_INDEX
		vds_table 4 | sel volume VDS_VOL_OBJECT_ID VDS_VOL_DEVNODE VDS_VOL_DISK_INDEX \
			VDS_VOL_PARTITION_INDEX VDS_VOL_PROVIDER
	} | sort
}
sel() { # TABLE COLUMN-ENUM...
	local t=$1 cols="" c
	shift
	for c in "$@"; do cols+=" $(mib_col "$c") "; done
	awk -v t="$t" -v cols="$cols" 'index(cols, " " $1 " ") {
		print t, $2, $1 "=" substr($0, length($1) + length($2) + 3) }'
}
# The rows of this test's disks and of the sim provider, with their
# partitions and volumes; other disks on this shared machine may come and go.
ours() {
	awk -v img="$img/" -v loop="$loopdev" -v cdev="$(mib_col VDS_DISK_DEVNODE)" \
		-v csrc="$(mib_col VDS_DISK_SOURCE)" -v cpd="$(mib_col VDS_PART_DISK_INDEX)" \
		-v cvd="$(mib_col VDS_VOL_DISK_INDEX)" -v cvp="$(mib_col VDS_VOL_PROVIDER)" '
	{
		line[NR] = $0; t[NR] = $1; x[NR] = $2
		rest = substr($0, length($1) + length($2) + 3)
		col = substr(rest, 1, index(rest, "=") - 1); val = substr(rest, index(rest, "=") + 1)
		if ($1 == "disk" && col == cdev && (index(val, img) == 1 || val == loop)) mine[$2] = 1
		if ($1 == "disk" && col == csrc && val == 3) mine[$2] = 1
		if ($1 == "partition" && col == cpd) pdisk[$2] = val
		if ($1 == "volume" && col == cvd) vdisk[$2] = val
		if ($1 == "volume" && col == cvp && val == "sim") simvol[$2] = 1
	}
	END {
		for (i = 1; i <= NR; i++)
			if ((t[i] == "disk" && mine[x[i]]) ||
			    (t[i] == "partition" && mine[pdisk[x[i]]]) ||
			    (t[i] == "volume" && (mine[vdisk[x[i]]] || simvol[x[i]])))
				print line[i]
	}' <<<"$1"
}
disk_index() { # SNAPSHOT DEVNODE
	awk -v c="$(mib_col VDS_DISK_DEVNODE)=$2" '$1 == "disk" && $3 == c { print $2 }' <<<"$1"
}
count() { grep -c "^$1 [0-9]* $(mib_col "$2")=" <<<"$3"; }

vds_write_conf "imageDisk $img/one.img" "imageDisk $img/two.img" "imageDisk $img/three.img"
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
first=$(snapshot) || fail "walk failed"
mine1=$(ours "$first")
note "ours before the restart: $(count disk VDS_DISK_OBJECT_ID "$mine1") disks," \
	"$(count partition VDS_PART_OBJECT_ID "$mine1") partitions," \
	"$(count volume VDS_VOL_OBJECT_ID "$mine1") volumes"
for f in one two three; do
	[ -n "$(disk_index "$first" "$img/$f.img")" ] || check_fail "$f.img not listed"
done
[ -n "$(disk_index "$first" "$loopdev")" ] || check_fail "$loopdev not listed"
[ "$(count partition VDS_PART_OBJECT_ID "$mine1")" -ge 7 ] ||
	check_fail "expected at least the 7 partitions of our images: $mine1"

vds_restart_vdsd
vds_wait_registered 10000
second=$(snapshot) || fail "walk failed"
mine2=$(ours "$second")
expect_eq "our rows after a restart" "$mine1" "$mine2" ||
	diff <(printf '%s\n' "$mine1") <(printf '%s\n' "$mine2") >&2

# A disk that leaves (dropped from the config) and comes back later keeps its
# index; a new disk gets an index no disk had before.
three=$(disk_index "$first" "$img/three.img")
vds_make_image "$img/four.img" 16 none
vds_stop_vdsd
vds_write_conf "imageDisk $img/one.img" "imageDisk $img/two.img" "imageDisk $img/four.img"
vds_start_vdsd
vds_wait_registered 10000
gone=$(snapshot) || fail "walk failed"
[ -z "$(disk_index "$gone" "$img/three.img")" ] ||
	check_fail "three.img still listed after it was dropped from the config"
four=$(disk_index "$gone" "$img/four.img")
if [ -z "$four" ]; then
	check_fail "four.img not listed"
elif awk '$1 == "disk" { print $2 }' <<<"$first" | grep -qx "$four"; then
	check_fail "new disk four.img got index $four, which another disk had"
fi
vds_stop_vdsd
vds_write_conf "imageDisk $img/one.img" "imageDisk $img/two.img" "imageDisk $img/four.img" \
	"imageDisk $img/three.img"
vds_start_vdsd
vds_wait_registered 10000
third=$(snapshot) || fail "walk failed"
expect_eq "index of three.img after it came back" "$three" "$(disk_index "$third" "$img/three.img")"
expect_eq "index of four.img after a restart" "$four" "$(disk_index "$third" "$img/four.img")"
mine3=$(ours "$third" | grep -v "=$img/four.img\$")
four_rows=$(ours "$third" | awk -v d="$four" '$1 == "disk" && $2 == d')
mine3=$(comm -23 <(printf '%s\n' "$mine3") <(printf '%s\n' "$four_rows"))
expect_eq "our rows after leaving and coming back" "$mine1" "$mine3" ||
	diff <(printf '%s\n' "$mine1") <(printf '%s\n' "$mine3") >&2

vds_stop_vdsd
vds_finish
