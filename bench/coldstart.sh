#!/bin/bash
# SPDX-License-Identifier: ISC
# coldstart.sh BUILDDIR - vdsd's start with BENCH_DISKS (1000) image disks
# (sparse, GPT, 2 partitions each): cold (an empty stateDir: every index
# is new and index.map is written) against warm (the same stateDir again),
# in one run.  For each: milliseconds from exec to vdsServiceDiskCount
# showing every image (without strace; the median of BENCH_REPEAT (3)
# starts, cold and warm alternately), and the fsync/fdatasync count of
# the whole start and stop (a second start under strace -f -c).
# And the loop thread's longest block (a third and fourth start under
# strace -f -T of epoll_wait: from exec to its first wait, or one
# callback), cold and warm.
# Target (issue 12): cold under 1 s and within 1.5x of warm.  Prints
# figures; not a test.
. "$(dirname "$0")/lib.sh"

NDISKS=${BENCH_DISKS:-1000}
REPEAT=${BENCH_REPEAT:-3}

bench_require
vds_require_cmd sfdisk truncate strace

note "making $NDISKS image disks (GPT, 2 partitions each)"
mkdir -p "$VDS_TMP/img"
vds_make_image "$VDS_TMP/img/proto.img" 8 gpt "2:linux:-:a" "3:linux:-:b"
images=()
for ((i = 1; i <= NDISKS; i++)); do
	cp --sparse=always "$VDS_TMP/img/proto.img" "$VDS_TMP/img/d$i.img"
	sfdisk -q --disk-id "$VDS_TMP/img/d$i.img" "$(cat /proc/sys/kernel/random/uuid)" ||
		fail "sfdisk --disk-id d$i.img"
	images+=("imageDisk $VDS_TMP/img/d$i.img")
done
rm -f "$VDS_TMP/img/proto.img"
vds_write_conf "${images[@]}"
bench_start_master

real_vdsd=$VDSD
count_ge() { # N: vdsServiceDiskCount >= N
	local v
	v=$(snmpget -v2c -c public -Oqv "127.0.0.1:$VDS_MASTER_PORT" "$DISK_COUNT" 2>/dev/null) ||
		return 1
	[ "${v:-0}" -ge "$1" ] 2>/dev/null
}
# These run in this shell, never in $(...): vds_start_vdsd records the
# pid in VDS_PIDS for vds_stop_vdsd and the cleanup trap, and a subshell's
# record is lost (the vdsd would keep running into the next measurement).
# ready_ms: start vdsd, set MS to the ms until every image is counted.
ready_ms() {
	local t0
	t0=$(now_ms)
	vds_start_vdsd
	wait_for 60000 count_ge "$NDISKS" || fail "vdsd did not list $NDISKS disks"
	MS=$(($(now_ms) - t0))
}
# traced_child: set CHILD to the vdsd that strace runs and make it the one
# the cleanup stops (stopping strace would only detach it), also when a
# wait below fails.
has_traced_child() {
	[ -n "$(cat "/proc/$VDS_VDSD_PID/task/$VDS_VDSD_PID/children" 2>/dev/null)" ]
}
traced_child() {
	wait_for 10000 has_traced_child || fail "strace started no vdsd"
	CHILD=$(cat "/proc/$VDS_VDSD_PID/task/$VDS_VDSD_PID/children")
	CHILD=${CHILD%% *}
	VDS_PIDS["vdsd"]=$CHILD
}
# fsyncs NAME: start under strace -f (every thread), wait until ready,
# stop, set FS to the fsync+fdatasync count.
fsyncs() {
	local out=$VDS_TMP/strace.$1 child
	printf '#!/bin/sh\nexec strace -f -c -e trace=fsync,fdatasync -o %s %s "$@"\n' \
		"$out" "$real_vdsd" >"$VDS_TMP/vdsd-strace"
	chmod +x "$VDS_TMP/vdsd-strace"
	VDSD=$VDS_TMP/vdsd-strace
	vds_start_vdsd
	traced_child
	child=$CHILD
	wait_for 60000 count_ge "$NDISKS" || fail "vdsd (strace) did not list $NDISKS disks"
	kill -TERM "$child"
	wait "$VDS_VDSD_PID" || true
	unset "VDS_PIDS[vdsd]"
	VDSD=$real_vdsd
	[ -s "$out" ] || fail "strace wrote no summary to $out"
	# "% time seconds usecs/call calls [errors] syscall": calls is field 4
	FS=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$out")
}

# loopblock NAME: start under strace -f (epoll_wait only), wait until ready,
# stop; set LB to the loop thread's longest time away from epoll_wait, in
# ms: from exec to its first epoll_wait (the start-up), or between the
# return of one and the next call (a callback).
loopblock() {
	local out=$VDS_TMP/strace.lb.$1 child
	printf '#!/bin/sh\nexec strace -f -tt -T -e trace=execve,epoll_wait,epoll_pwait -o %s %s "$@"\n' \
		"$out" "$real_vdsd" >"$VDS_TMP/vdsd-strace"
	chmod +x "$VDS_TMP/vdsd-strace"
	VDSD=$VDS_TMP/vdsd-strace
	vds_start_vdsd
	traced_child
	child=$CHILD
	wait_for 60000 count_ge "$NDISKS" || fail "vdsd (strace) did not list $NDISKS disks"
	kill -TERM "$child"
	wait "$VDS_VDSD_PID" || true
	unset "VDS_PIDS[vdsd]"
	VDSD=$real_vdsd
	# lines "PID HH:MM:SS.us epoll_wait(...) = N <secs>": the main pid is vdsd's pid
	LB=$(awk -v p="$child" '
		function sec(t, a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
		NR == 1 { end = sec($2) } # the execve: the start-up counts
		$1 == p && /epoll_(p)?wait\(/ {
			s = sec($2)
			if (s - end > max) max = s - end
			if ($NF ~ /^<[0-9.]+>$/) end = s + substr($NF, 2, length($NF) - 2)
		}
		$1 == p && /resumed>/ { end = sec($2) }
		END { printf "%d", max * 1000 }' "$out")
}

# cold and warm alternately, BENCH_REPEAT times: on a loaded machine one
# start varies by a factor of two; the medians are compared
colds=() warms=()
for ((r = 0; r < REPEAT; r++)); do
	rm -rf "$VDS_TMP/state"
	ready_ms
	colds+=("$MS")
	vds_stop_vdsd
	ready_ms
	warms+=("$MS")
	vds_stop_vdsd
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
cold_ms=$(median "${colds[@]}")
warm_ms=$(median "${warms[@]}")
rm -rf "$VDS_TMP/state"
fsyncs cold
cold_fs=$FS
fsyncs warm
warm_fs=$FS
rm -rf "$VDS_TMP/state"
loopblock cold
cold_lb=$LB
loopblock warm
warm_lb=$LB

echo "== start with $NDISKS image disks (+ sim disks and this machine's)"
echo "cold: ready in $cold_ms ms (median of ${colds[*]}), $cold_fs fsync+fdatasync calls (start to stop)"
echo "warm: ready in $warm_ms ms (median of ${warms[*]}), $warm_fs fsync+fdatasync calls (start to stop)"
echo "longest time the loop thread spent away from epoll_wait (strace): cold $cold_lb ms, warm $warm_lb ms"
ratio=$(awk -v c="$cold_ms" -v w="$warm_ms" 'BEGIN { printf "%.2f", c / (w ? w : 1) }')
echo "cold/warm: ${ratio}x  under 1 s: $(verdict "$cold_ms" '<' 1000)" \
	" within 1.5x: $(verdict "$ratio" '<' 1.5)"
vds_finish
