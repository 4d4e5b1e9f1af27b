#!/bin/bash
# SPDX-License-Identifier: ISC
# bad-config.sh - a wrong config line stops vdsd at start with "file:line:
# reason" on stderr and a non-zero exit; on SIGHUP a bad line is logged and
# the old config kept (vdsd keeps running and serving), while a good reload
# takes effect.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_vdsd

max_running=$VDS_ROOT_OID.1.1.$(mib_col VDS_SVC_JOB_MAX_RUNNING).0
purge_time=$VDS_ROOT_OID.1.1.$(mib_col VDS_SVC_JOB_PURGE_TIME).0

# start_bad LINE-NUMBER-OF-BAD-LINE WHAT: vdsd must refuse $VDS_CONF.
start_bad() {
	local line=$1 what=$2 pid rc err=$VDS_TMP/stderr.txt
	"$VDSD" -f -c "$VDS_CONF" >"$VDS_TMP/stdout.txt" 2>"$err" &
	pid=$!
	VDS_PIDS[vdsd-bad]=$pid
	exited() { ! kill -0 "$pid" 2>/dev/null; }
	if ! wait_for 60000 exited; then
		check_fail "$what: vdsd still running 60 s after start"
		vds_kill_pid vdsd-bad
		return
	fi
	unset "VDS_PIDS[vdsd-bad]"
	wait "$pid"
	rc=$?
	cat "$err" >>"$VDS_VDSD_LOG"
	[ "$rc" -ne 0 ] || check_fail "$what: vdsd exited with status 0"
	[ "$rc" -lt 128 ] || check_fail "$what: vdsd died of signal $((rc - 128))"
	if grep -q "$VDS_CONF:$line: " "$err"; then
		note "$what: exit $rc, \"$(grep -m1 "$VDS_CONF:$line: " "$err")\""
	else
		check_fail "$what: no \"$VDS_CONF:$line: reason\" on stderr: $(cat "$err")"
	fi
}

vds_write_conf "jobMaxRunning many"
start_bad 6 "bad number"
vds_write_conf "# fine" "frobnicate yes"
start_bad 7 "unknown directive"
vds_write_conf "provider nosuch"
start_bad 6 "unknown provider"
vds_write_conf "imageDisk relative/path.img"
start_bad 6 "relative image path"
vds_write_conf "jobMaxRunning 0"
start_bad 6 "out of range"
vds_write_conf "stateDir"
start_bad 6 "missing value"
# A config file that does not exist, named with -c, is an error too.
rm -f "$VDS_CONF"
"$VDSD" -f -c "$VDS_CONF" >/dev/null 2>"$VDS_TMP/stderr.txt" &
VDS_PIDS[vdsd-bad]=$!
bad_gone() { ! kill -0 "${VDS_PIDS[vdsd-bad]}" 2>/dev/null; }
wait_for 60000 bad_gone ||
	check_fail "vdsd runs without its config file"
vds_kill_pid vdsd-bad
grep -q "$VDS_CONF" "$VDS_TMP/stderr.txt" || check_fail "missing config: no file name on stderr"
# -t on a file that does not exist is an error, not "configuration is valid".
"$VDSD" -t -c "$VDS_CONF" >"$VDS_TMP/stdout.txt" 2>"$VDS_TMP/stderr.txt"
rc=$?
[ "$rc" -ne 0 ] || check_fail "vdsd -t -c MISSING exited 0: $(cat "$VDS_TMP/stdout.txt")"
grep -q "$VDS_CONF" "$VDS_TMP/stderr.txt" || check_fail "vdsd -t -c MISSING: no file name on stderr"
note "vdsd -t -c MISSING: exit $rc, \"$(head -n1 "$VDS_TMP/stderr.txt")\""
vds_write_conf "jobMaxRunning 2"
"$VDSD" -t -c "$VDS_CONF" >"$VDS_TMP/stdout.txt" 2>"$VDS_TMP/stderr.txt" ||
	check_fail "vdsd -t on a good file: $(cat "$VDS_TMP/stderr.txt")"
grep -q "configuration is valid" "$VDS_TMP/stdout.txt" || check_fail "vdsd -t on a good file says nothing"
vds_write_conf "jobMaxRunning lots"
"$VDSD" -t -c "$VDS_CONF" >/dev/null 2>"$VDS_TMP/stderr.txt" && check_fail "vdsd -t on a bad line exited 0"
grep -q "$VDS_CONF:6: " "$VDS_TMP/stderr.txt" || check_fail "vdsd -t on a bad line: no file:line on stderr"

# ---- SIGHUP
vds_start_master
vds_write_conf "jobMaxRunning 3" "jobPurgeTime 60"
vds_start_vdsd
vds_wait_registered 10000
expect_eq "vdsJobMaxRunning at start" 3 "$(vds_get_value "$max_running")"

# bad line: logged, old config kept
vds_write_conf "jobMaxRunning 7" "jobPurgeTime 120" "jobMaxQueued lots"
lines_before=$(wc -l <"$VDS_VDSD_LOG")
kill -HUP "$VDS_VDSD_PID"
logged() { tail -n +"$((lines_before + 1))" "$VDS_VDSD_LOG" | grep -q "$VDS_CONF:8: "; }
if wait_for 60000 logged; then
	note "bad reload logged: $(tail -n +"$((lines_before + 1))" "$VDS_VDSD_LOG" | grep -m1 "$VDS_CONF:8: ")"
else
	check_fail "no \"$VDS_CONF:8: reason\" in the log after SIGHUP with a bad line"
fi
sleep 0.3
kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "vdsd exited on SIGHUP with a bad config"
expect_eq "vdsJobMaxRunning after a bad reload" 3 "$(vds_get_value "$max_running")"
expect_eq "vdsJobPurgeTime after a bad reload" 60 "$(vds_get_value "$purge_time")"

# good line: applied
vds_write_conf "jobMaxRunning 7" "jobPurgeTime 120"
kill -HUP "$VDS_VDSD_PID"
applied() { [ "$(vds_get_value "$max_running")" = 7 ]; }
wait_for 60000 applied || check_fail "vdsJobMaxRunning is not 7 after a good reload"
expect_eq "vdsJobPurgeTime after a good reload" 120 "$(vds_get_value "$purge_time")"

vds_stop_vdsd
vds_finish
