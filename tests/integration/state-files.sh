#!/bin/bash
# SPDX-License-Identifier: ISC
# state-files.sh - damaged state files (index.map, sim.state, vdisk.state):
# cut to 0 and to half, random bytes at several offsets, a duplicated
# record, deletion, a read-only state directory.  After each: vdsd starts,
# a full walk of VDS-MIB works (every column of every row is read), no
# name has an index another name had, and every damage found is logged as
# quarantined with its file and line, and counted in vdsStateQuarantined
# with the last one in vdsStateLastProblem.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_root
vds_require_cmd sfdisk mkfs.ext4 truncate mount
vds_require_vdsd

img=$VDS_TMP/img
state=$VDS_TMP/state
mkdir -p "$img"
vds_make_image "$img/a.img" 16 gpt "4:linux:ext4:p1:alpha" "4:linux:-:p2"
vds_make_image "$img/b.img" 16 dos "4:83:ext4"
vds_write_conf "imageDisk $img/a.img" "imageDisk $img/b.img"

# "TABLE NAME INDEX" for disks (devnode) and volumes (name), sorted.
names() {
	{
		vds_table 2 | awk -v c="$(mib_col VDS_DISK_DEVNODE)" '$1 == c { print "disk", $3, $2 }'
		vds_table 4 | awk -v c="$(mib_col VDS_VOL_NAME)" '$1 == c { print "volume", $3, $2 }'
	} | sort
}
# Every name keeps its index or gets one no name had in REF.
check_indexes() { # WHAT REF NOW
	local t n i old
	while read -r t n i; do
		old=$(awk -v t="$t" -v n="$n" '$1 == t && $2 == n { print $3 }' <<<"$2")
		[ "$old" = "$i" ] && continue
		if awk -v t="$t" -v i="$i" '$1 == t && $3 == i' <<<"$2" | grep -q .; then
			check_fail "$1: $t $n has index $i, which another $t had"
		fi
	done <<<"$3"
}
# Every cell of the disk, volume, pack and vdisk tables: "ARC INDEX COL VALUE".
snapshot() {
	local arc
	for arc in 2 4 6 7; do
		vds_table "$arc" | awk -v t="$arc" '{ v = $0; sub(/^[^ ]* [^ ]* ?/, "", v)
			print t, $2, $1, v }'
	done | sort
}
# A sim object (name in column 3) listed at the index it had shows every
# value it had in $rows_ref: nothing damaged is served.  One line per change.
changed_values() { # SNAPSHOT-FILE
	awk -v cdsrc="$(mib_col VDS_DISK_SOURCE)" -v cvprov="$(mib_col VDS_VOL_PROVIDER)" \
		-v cpprov="$(mib_col VDS_PACK_PROVIDER)" -v cdprov="$(mib_col VDS_VDISK_PROVIDER)" '
	function issim(t, c, v) {
		return (t == 2 && c == cdsrc && v == 3) || (t == 4 && c == cvprov && v == "sim") ||
		       (t == 6 && c == cpprov && v == "sim") || (t == 7 && c == cdprov && v == "sim")
	}
	{
		v = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", v); k = $1 " " $2
		if (FILENAME == ARGV[1]) {
			bcell[k " " $3] = v
			if ($3 == 3) bname[k] = v
			if (issim($1, $3, v)) bsim[k] = 1
		} else {
			acell[k " " $3] = v
			if ($3 == 3) aname[k] = v
		}
	}
	END {
		for (c in bcell) {
			split(c, p, " "); k = p[1] " " p[2]
			if (!(k in bsim) || !(k in aname) || aname[k] != bname[k])
				continue
			if (acell[c] != bcell[c])
				print "table " p[1] " index " p[2] " (" bname[k] "): column " p[3] \
				      " was \"" bcell[c] "\", now \"" acell[c] "\""
		}
	}' "$rows_ref" "$1"
}
rows_ref=$VDS_TMP/rows.ref
# Start, walk everything, compare.
start_and_check() { # WHAT
	local now bad
	vds_start_vdsd
	vds_wait_registered 20000
	vds_snmpwalk -On VDS-MIB::vdsObjects >"$VDS_TMP/walk" || check_fail "$1: walk failed"
	kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "$1: vdsd died during the walk"
	vds_check_state_scalars "$1"
	now=$(names) || check_fail "$1: table walk failed"
	check_indexes "$1" "$ref" "$now"
	if [ -f "$rows_ref" ]; then
		snapshot >"$VDS_TMP/rows" || check_fail "$1: table walk failed"
		bad=$(changed_values "$VDS_TMP/rows")
		[ -z "$bad" ] || check_fail "$1: $bad"
	else
		snapshot >"$rows_ref" || fail "$1: table walk failed"
	fi
	vds_stop_vdsd
}
since_start() { # the log since the last start
	awk '/: vdsd start$/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' \
		"$VDS_VDSD_LOG"
}
logged() { # WHAT FILE: a quarantine line naming the file since the last start
	since_start | grep -q "$2: .*quarantined" ||
		check_fail "$1: no quarantine line for $2 in the log"
}

vds_start_master
vds_start_vdsd
vds_wait_registered 20000
ref=$(names) || fail "walk failed"
[ "$(grep -c . <<<"$ref")" -ge 4 ] || fail "expected disks and volumes, got: $ref"
vds_stop_vdsd
start_and_check "a clean restart" # index.map.prev now exists
ref=$(names)

size() { stat -c %s "$1"; }
damage() { # CASE FILE
	case "$1" in
	zero) : >"$2" ;;
	half) truncate -s $(($(size "$2") / 2)) "$2" ;;
	bytes)
		for off in 40 $(($(size "$2") / 2)) $(($(size "$2") - 20)); do
			head -c 8 /dev/urandom | dd of="$2" bs=1 seek="$off" conv=notrunc status=none
		done
		;;
	dup) sed -n '3p' "$2" >>"$2" ;;
	dupindex) # issue 12's B3 in a format 1 map: the second sim disk has the first one's index
		awk '$1 == "r" { k = $5; gsub(/%20/, " ", k); print $2, $3, $4, k }' "$2" |
			awk '$1 == 0 && $4 ~ /^sim:/ && n++ < 2 { if (n == 1) i = $2; else $2 = i } { print }' \
				>"$2.f1"
		mv "$2.f1" "$2"
		;;
	delete) rm -f "$2" ;;
	esac
}
for file in index.map sim.state; do
	for c in zero half bytes dup dupindex delete; do
		[ "$file $c" = "sim.state dupindex" ] && continue
		cp -a "$state" "$VDS_TMP/state.good"
		damage "$c" "$state/$file"
		note "$file: $c"
		start_and_check "$file $c"
		[ "$c" = delete ] || logged "$file $c" "$state/$file"
		rm -rf "$state"
		mv "$VDS_TMP/state.good" "$state"
	done
done

# A read-only state directory: vdsd serves, or refuses to start saying why
# (the job store needs to write); it never crashes and changes nothing.
mount --bind "$state" "$state" || fail "cannot bind-mount $state"
vds_on_exit "umount $state 2>/dev/null"
mount -o remount,ro,bind "$state" || fail "cannot make $state read-only"
settled() { since_start | grep -qE 'started \(providers|vdsd stopped'; }
vds_start_vdsd
wait_for 20000 settled || fail "read-only: vdsd neither started nor stopped"
if since_start | grep -q 'started (providers'; then
	vds_wait_registered 20000
	vds_snmpwalk -On VDS-MIB::vdsObjects >"$VDS_TMP/walk" || check_fail "read-only: walk failed"
	check_indexes "read-only" "$ref" "$(names)"
	vds_stop_vdsd
else
	rc=0
	wait "$VDS_VDSD_PID" || rc=$?
	unset "VDS_PIDS[vdsd]"
	[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] || check_fail "read-only: vdsd ended with status $rc"
	note "read-only: vdsd refused to start (status $rc)"
fi
grep -q "cannot write $state/index.map" "$VDS_VDSD_LOG" ||
	check_fail "read-only: no line saying index.map cannot be written"
umount "$state"
vds_finish
