#!/bin/bash
# SPDX-License-Identifier: ISC
# jobs-burst.sh - a burst of instant jobs as fast as one client can send
# them (bench/snmplat fill: createPartition + deletePartition pairs on sim0,
# simJobDuration 0): every job succeeds, and vdsd keeps answering through it.
# It once hung here: a pipe fd Net-SNMP had already drained was read again.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_vdsd
N=${VDS_BURST_JOBS:-1000}
LAT=$VDS_TMP/snmplat
read -ra cflags <<<"$(net-snmp-config --cflags)"
read -ra libs <<<"$(net-snmp-config --libs)"
cc -O2 "${cflags[@]}" -o "$LAT" "$top_srcdir/bench/snmplat.c" "$top_srcdir/bench/traplat.c" \
	"${libs[@]}" -lm \
	2>"$VDS_TMP/cc.log" || fail "cannot build bench/snmplat.c: $(tail -n 3 "$VDS_TMP/cc.log")"

vds_start_master
VDS_SIM_JOB_MS=0
vds_write_conf "discovery no" "jobMaxQueued $((N + 10))" "jobMaxRetained $((N + 10))"
vds_start_vdsd
vds_wait_registered

root=$VDS_ROOT_OID
t0=$(now_ms)
timeout 120 "$LAT" "$VDS_MASTER_PORT" fill "$N" "$root.1.8.1" "$root.1.1.12.0" 1 >"$VDS_TMP/fill.out" 2>&1 ||
	fail "the burst did not finish: $(tail -n 3 "$VDS_TMP/fill.out")"
note "$N jobs sent in $(($(now_ms) - t0)) ms"
ok() { [ "$(vds_get_value "$root.1.1.9.0")" -ge "$N" ]; } # vdsJobsSucceeded
wait_for 60000 ok || check_fail "vdsJobsSucceeded is $(vds_get_value "$root.1.1.9.0"), not $N"
expect_eq "jobs failed" 0 "$(vds_get_value "$root.1.1.10.0")"
vds_get_value "$root.1.1.1.0" >/dev/null || check_fail "vdsd stopped answering after the burst"
vds_finish
