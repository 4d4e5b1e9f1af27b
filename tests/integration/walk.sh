#!/bin/bash
# SPDX-License-Identifier: ISC
# walk.sh - walk vdsService, vdsDiskTable, vdsPartitionTable and
# vdsVolumeTable through a real snmpd master over image-file disks (GPT, MBR,
# blank) and a loop device, and check every value against sfdisk --json,
# sfdisk -F and blkid -p, and that the sim provider's disks are listed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_root
vds_require_cmd sfdisk blkid mkfs.ext4 losetup jq truncate
vds_require_vdsd
declare -A D=() P=() V=() S=() S0=()
declare -a D_rows=() P_rows=() V_rows=()

img=$VDS_TMP/img
mkdir -p "$img"
vds_make_image "$img/gpt.img" 64 gpt "8:linux:ext4:data:vdsdata" "16:linux:-:raw"
vds_make_image "$img/mbr.img" 32 dos "8:83:ext4::mbrfs" "6:7:-"
vds_make_image "$img/blank.img" 16 none
vds_make_image "$img/loop.img" 48 gpt "12:linux:ext4:onloop:looped" "20:linux:ext4:second"
attach_loop "$img/loop.img"
loopdev=$VDS_LOOP
note "loop device $loopdev backs $img/loop.img"

vds_write_conf "imageDisk $img/gpt.img" "imageDisk $img/mbr.img" "imageDisk $img/blank.img"
vds_start_trapd
vds_start_master
vds_start_vdsd
vds_wait_registered 10000
note "vdsd registered after ${VDS_WAITED_MS} ms"

# A human-readable walk for the log (and proof the MIB's names resolve).
vds_snmpwalk -Os VDS-MIB::vdsService | sed 's/^/#   /'
# One consistent view: the service scalars (last change, counts) are the
# same before and after the table walks.  Other tests on this machine attach
# loop devices too, so the inventory may change under a walk: walk again.
c_last=$(mib_col VDS_SVC_LAST_CHANGE)
c_ndisks=$(mib_col VDS_SVC_DISK_COUNT)
c_nvols=$(mib_col VDS_SVC_VOLUME_COUNT)
walk_all() {
	local t0
	vds_load S0 1 || fail "walk of vdsService failed"
	t0=$(now_ms)
	vds_load D 2 || fail "walk of vdsDiskTable failed"
	note "vdsDiskTable: ${#D_rows[@]} rows in $(($(now_ms) - t0)) ms"
	vds_load P 3 || fail "walk of vdsPartitionTable failed"
	vds_load V 4 || fail "walk of vdsVolumeTable failed"
	vds_load S 1 || fail "walk of vdsService failed"
	note "vdsPartitionTable: ${#P_rows[@]} rows, vdsVolumeTable: ${#V_rows[@]} rows"
	# (lastChange has a resolution of a second: a disk that came and one that
	# went within it leave it and the counts alike, but not the rows walked)
	[ "${S0[$c_last.0]}" = "${S[$c_last.0]}" ] && [ "${S0[$c_ndisks.0]}" = "${S[$c_ndisks.0]}" ] &&
		[ "${S0[$c_nvols.0]}" = "${S[$c_nvols.0]}" ] && [ "${#D_rows[@]}" = "${S[$c_ndisks.0]}" ] &&
		[ "${#V_rows[@]}" = "${S[$c_nvols.0]}" ]
}
for try in 1 2 3 4 5 6; do
	walk_all && break
	[ "$try" = 6 ] && fail "the inventory kept changing during 6 walks"
	note "the inventory changed during the walk, walking again"
	sleep 0.5
done

c_dname=$(mib_col VDS_DISK_NAME)
c_ddev=$(mib_col VDS_DISK_DEVNODE)
c_dsize=$(mib_col VDS_DISK_SIZE)
c_dsect=$(mib_col VDS_DISK_SECTOR_SIZE)
c_dstyle=$(mib_col VDS_DISK_PARTITION_STYLE)
c_dtid=$(mib_col VDS_DISK_TABLE_ID)
c_dsrc=$(mib_col VDS_DISK_SOURCE)
c_dprov=$(mib_col VDS_DISK_PROVIDER)
c_dstat=$(mib_col VDS_DISK_STATUS)
c_dfree=$(mib_col VDS_DISK_FREE)
c_dpc=$(mib_col VDS_DISK_PARTITION_COUNT)
c_pdisk=$(mib_col VDS_PART_DISK_INDEX)
c_pnum=$(mib_col VDS_PART_NUMBER)
c_poff=$(mib_col VDS_PART_OFFSET)
c_psize=$(mib_col VDS_PART_SIZE)
c_ptype=$(mib_col VDS_PART_TYPE)
c_pname=$(mib_col VDS_PART_NAME)
c_puuid=$(mib_col VDS_PART_UUID)
c_pfst=$(mib_col VDS_PART_FS_TYPE)
c_pfsl=$(mib_col VDS_PART_FS_LABEL)
c_pfsu=$(mib_col VDS_PART_FS_UUID)
c_pvol=$(mib_col VDS_PART_VOLUME_INDEX)
c_vtype=$(mib_col VDS_VOL_TYPE)
c_vsize=$(mib_col VDS_VOL_SIZE)
c_vfst=$(mib_col VDS_VOL_FS_TYPE)
c_vfsl=$(mib_col VDS_VOL_FS_LABEL)
c_vfsu=$(mib_col VDS_VOL_FS_UUID)
c_vdisk=$(mib_col VDS_VOL_DISK_INDEX)
c_vpart=$(mib_col VDS_VOL_PARTITION_INDEX)

lower() { tr '[:upper:]' '[:lower:]'; }
# MBR types as a number ("0x07", "7" -> "7"); GPT type GUIDs lowercased.
norm_type() {
	local t
	t=$(printf '%s\n' "$1" | lower | sed 's/^0x//')
	case "$t" in
	[0-9a-f] | [0-9a-f][0-9a-f]) printf '%x\n' "0x$t" ;;
	*) printf '%s\n' "$t" ;;
	esac
}

# The partition row of disk DISK with number N.
part_row() {
	local idx
	for idx in "${P_rows[@]}"; do
		[ "${P[$c_pdisk.$idx]}" = "$1" ] && [ "${P[$c_pnum.$idx]}" = "$2" ] && {
			echo "$idx"
			return 0
		}
	done
	return 1
}

# check_disk DEVNODE SOURCE: the disk row against the independent tools.
check_disk() {
	local dev=$1 src=$2 d json label nparts i start size off p v expect_free blk
	d=$(vds_find_row D "$c_ddev" "$dev") || {
		check_fail "no vdsDiskTable row with devnode $dev"
		return
	}
	note "disk $dev is row $d (${D[$c_dname.$d]})"
	expect_eq "$dev size" "$(blockdev --getsize64 "$dev" 2>/dev/null || stat -c %s "$dev")" \
		"${D[$c_dsize.$d]}"
	expect_eq "$dev sector size" 512 "${D[$c_dsect.$d]}"
	expect_eq "$dev source" "$src" "${D[$c_dsrc.$d]}"
	expect_eq "$dev status" 1 "${D[$c_dstat.$d]}"
	json=$(sfdisk --json "$dev" 2>/dev/null) || json=
	if [ -z "$json" ]; then
		expect_eq "$dev partition style (no label)" 2 "${D[$c_dstyle.$d]}"
		expect_eq "$dev partition count" 0 "${D[$c_dpc.$d]}"
		expect_eq "$dev free bytes (no label)" "${D[$c_dsize.$d]}" "${D[$c_dfree.$d]}"
		return
	fi
	label=$(jq -r .partitiontable.label <<<"$json")
	case "$label" in
	gpt) expect_eq "$dev partition style" 4 "${D[$c_dstyle.$d]}" ;;
	dos) expect_eq "$dev partition style" 3 "${D[$c_dstyle.$d]}" ;;
	esac
	expect_eq "$dev table id" "$(jq -r .partitiontable.id <<<"$json" | lower | sed 's/^0x//')" \
		"$(printf '%s\n' "${D[$c_dtid.$d]}" | lower | sed 's/^0x//')"
	expect_free=$(sfdisk -F "$dev" | sed -n 's/^Unpartitioned space.*, \([0-9]*\) bytes,.*/\1/p')
	expect_eq "$dev free bytes (sfdisk -F)" "$expect_free" "${D[$c_dfree.$d]}"
	nparts=$(jq '.partitiontable.partitions | length' <<<"$json")
	expect_eq "$dev partition count" "$nparts" "${D[$c_dpc.$d]}"
	for ((i = 0; i < nparts; i++)); do
		start=$(jq ".partitiontable.partitions[$i].start" <<<"$json")
		size=$(jq ".partitiontable.partitions[$i].size" <<<"$json")
		off=$((start * 512))
		p=$(part_row "$d" $((i + 1))) || {
			check_fail "$dev: no vdsPartitionTable row for partition $((i + 1))"
			continue
		}
		expect_eq "$dev#$((i + 1)) offset" "$off" "${P[$c_poff.$p]}"
		expect_eq "$dev#$((i + 1)) size" $((size * 512)) "${P[$c_psize.$p]}"
		expect_eq "$dev#$((i + 1)) type" \
			"$(norm_type "$(jq -r ".partitiontable.partitions[$i].type" <<<"$json")")" \
			"$(norm_type "${P[$c_ptype.$p]}")"
		if [ "$label" = gpt ]; then
			expect_eq "$dev#$((i + 1)) PARTUUID" \
				"$(jq -r ".partitiontable.partitions[$i].uuid" <<<"$json" | lower)" \
				"$(printf '%s\n' "${P[$c_puuid.$p]}" | lower)"
			expect_eq "$dev#$((i + 1)) name" \
				"$(jq -r ".partitiontable.partitions[$i].name // \"\"" <<<"$json")" \
				"${P[$c_pname.$p]}"
		fi
		blk=$(blkid -p -O "$off" -o export "$dev" 2>/dev/null) || blk=
		local fstype fslabel fsuuid
		fstype=$(sed -n 's/^TYPE=//p' <<<"$blk")
		fslabel=$(sed -n 's/^LABEL=//p' <<<"$blk")
		fsuuid=$(sed -n 's/^UUID=//p' <<<"$blk")
		expect_eq "$dev#$((i + 1)) fs type (blkid)" "$fstype" "${P[$c_pfst.$p]}"
		expect_eq "$dev#$((i + 1)) fs label (blkid)" "$fslabel" "${P[$c_pfsl.$p]}"
		expect_eq "$dev#$((i + 1)) fs uuid (blkid)" "$fsuuid" "${P[$c_pfsu.$p]}"
		v=${P[$c_pvol.$p]}
		if [ -z "$fstype" ]; then
			expect_eq "$dev#$((i + 1)) volume index (no fs)" 0 "$v"
			continue
		fi
		if [ -z "${V[2.$v]:-}" ]; then
			check_fail "$dev#$((i + 1)): volume $v is not in vdsVolumeTable"
			continue
		fi
		expect_eq "volume $v type" 1 "${V[$c_vtype.$v]}"
		expect_eq "volume $v size" $((size * 512)) "${V[$c_vsize.$v]}"
		expect_eq "volume $v fs type" "$fstype" "${V[$c_vfst.$v]}"
		expect_eq "volume $v fs label" "$fslabel" "${V[$c_vfsl.$v]}"
		expect_eq "volume $v fs uuid" "$fsuuid" "${V[$c_vfsu.$v]}"
		expect_eq "volume $v disk index" "$d" "${V[$c_vdisk.$v]}"
		expect_eq "volume $v partition index" "$p" "${V[$c_vpart.$v]}"
	done
}

check_disk "$img/gpt.img" 2
check_disk "$img/mbr.img" 2
check_disk "$img/blank.img" 2
check_disk "$loopdev" 1

# Every partition row belongs to a disk row; every volume row with a
# partition points back at it.
for p in "${P_rows[@]}"; do
	[ -n "${D[2.${P[$c_pdisk.$p]}]:-}" ] ||
		check_fail "partition $p points at disk ${P[$c_pdisk.$p]}, which is not listed"
done
for v in "${V_rows[@]}"; do
	p=${V[$c_vpart.$v]}
	[ "$p" = 0 ] && continue
	expect_eq "partition $p's volume index" "$v" "${P[$c_pvol.$p]:-missing}"
done

# The sim provider (the default when no provider line is given) is there.
sim=0
for d in "${D_rows[@]}"; do
	[ "${D[$c_dsrc.$d]}" = 3 ] || continue
	sim=$((sim + 1))
	expect_eq "sim disk $d provider" sim "${D[$c_dprov.$d]}"
done
[ "$sim" -gt 0 ] || check_fail "no sim disk (vdsDiskSource sim(3)) in vdsDiskTable"
note "$sim sim disks"

# The service scalars agree with the tables.
case ",${S[$(mib_col VDS_SVC_PROVIDERS).0]}," in
*,sim,*) ;;
*) check_fail "vdsServiceProviders \"${S[$(mib_col VDS_SVC_PROVIDERS).0]}\" lacks sim" ;;
esac
[ -n "${S[$(mib_col VDS_SVC_VERSION).0]}" ] || check_fail "vdsServiceVersion is empty"
expect_eq "vdsDiskCount" "${#D_rows[@]}" "${S[$(mib_col VDS_SVC_DISK_COUNT).0]}"
expect_eq "vdsVolumeCount" "${#V_rows[@]}" "${S[$(mib_col VDS_SVC_VOLUME_COUNT).0]}"

vds_stop_vdsd
vds_finish
