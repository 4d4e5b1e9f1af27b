#!/bin/bash
# SPDX-License-Identifier: ISC
# loopfsync.sh BUILDDIR - does the loop thread (vdsd's main thread) fsync or
# rename state files while sim jobs run?  vdsd runs under
# strace -f -e trace=fsync,fdatasync,rename,renameat,renameat2; after
# BENCH_JOBS (6) createPartition and deletePartition jobs on the sim provider, the calls made
# by the main pid (the loop thread) are counted and listed.  Issue 12's
# rule: 0.  Prints figures and the offending calls; exits 1 when there are
# any, so it can serve as a check.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/jobs-lib.sh
. "$top_srcdir/tests/integration/jobs-lib.sh"
unset MIBS MIBDIRS # bench/lib.sh goes numeric; this script uses VDS-MIB names

NJOBS=${BENCH_JOBS:-6}

bench_require
vds_require_vdsd
vds_require_cmd strace
vds_start_master
VDS_SIM_JOB_MS=100 vds_write_conf "discovery no"
out=$VDS_TMP/strace.jobs
printf '#!/bin/sh\nexec strace -f -tt -e trace=fsync,fdatasync,rename,renameat,renameat2 -o %s %s "$@"\n' \
	"$out" "$VDSD" >"$VDS_TMP/vdsd-strace"
chmod +x "$VDS_TMP/vdsd-strace"
VDSD=$VDS_TMP/vdsd-strace vds_start_vdsd
vds_wait_registered 30000
child=$(cat "/proc/$VDS_VDSD_PID/task/$VDS_VDSD_PID/children")
child=${child%% *}
[ -n "$child" ] || fail "no vdsd under strace"
VDS_PIDS["vdsd"]=$child # the cleanup stops vdsd itself (strace would only detach); strace follows
D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
mark=$(wc -l <"$out")
for ((i = 0; i < NJOBS; i++)); do
	H=$(job_handle)
	if ((i % 2 == 0)); then
		job_start "$H" 1 ParamDisk u "$D_SIM1" ParamSizeMiB u 8
	else
		job_start "$H" 2 ParamPartition u "$P"
	fi
	st=$(job_wait "$H" 60000)
	[ "$st" = "$ST_SUCCEEDED" ] || fail "job $H ended $st"
	P=$(job_get "$H" OutPartition)
done
# the main thread's lines after start-up (strace -f prefixes each with the tid)
tail -n +"$((mark + 1))" "$out" | awk -v p="$child" '$1 == p' >"$VDS_TMP/loop.calls"
n=$(grep -c . "$VDS_TMP/loop.calls" || true)
all=$(tail -n +"$((mark + 1))" "$out" | grep -cE 'fsync|fdatasync|rename' || true)
echo "== $NJOBS sim jobs: fsync/fdatasync/rename calls: $all in all, $n on the loop thread (pid $child)"
sed 's/^/  loop: /' "$VDS_TMP/loop.calls" | head -20
echo "none on the loop thread: $(verdict "$n" '<' 1)"
unset "VDS_PIDS[vdsd]"
kill -TERM "$child"
wait "$VDS_VDSD_PID" || true
vds_finish
[ "$n" -eq 0 ]
