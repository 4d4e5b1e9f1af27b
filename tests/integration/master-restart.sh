#!/bin/bash
# SPDX-License-Identifier: ISC
# master-restart.sh - the AgentX master dies (SIGKILL) while vdsd runs and
# comes back on the same socket: the tables answer again (target 5 s), with
# the same rows.  Also: vdsd started while no master runs connects once one
# comes up, and a master stopped cleanly (SIGTERM) is survived the same way.
# The ping interval (Net-SNMP's retry period) is 30 s here: vdsd must not
# wait for it but connect when the master's socket appears, which its log
# shows ("master socket ... appeared" before "subagent connected").
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_root
vds_require_cmd truncate
vds_require_vdsd

# Target: the tables answer within 5 s of the master's return (ping interval
# 1 s).  Printed as a figure; the check is that they come back at all (60 s):
# a loaded machine must not turn a latency target into a red test.
TARGET_MS=5000
c_ddev=$(mib_col VDS_DISK_DEVNODE)

vds_make_image "$VDS_TMP/a.img" 16 gpt "4:linux:-:a"

# disk rows as "index devnode" lines, sorted
disk_rows() {
	vds_table 2 | awk -v c="$c_ddev" '$1 == c { print $2, $3 }' | sort -n
}
tables_answer() { [ -n "$(disk_rows 2>/dev/null)" ]; }

# No udev discovery: other tests' loop devices would change the table.
vds_write_conf "imageDisk $VDS_TMP/a.img" "discovery no"
sed -i 's/^agentXPingInterval .*/agentXPingInterval 30/' "$VDS_CONF"

# connected_on_socket LINE0 WHAT: in the log after line LINE0, vdsd saw the
# master's socket appear and connected after that, not on a retry timer.
connected_on_socket() {
	local seen conn
	seen=$(tail -n +"$(($1 + 1))" "$VDS_VDSD_LOG" | grep -n -m1 "master socket .* appeared" | cut -d: -f1)
	conn=$(tail -n +"$(($1 + 1))" "$VDS_VDSD_LOG" | grep -n -m1 "AgentX subagent connected" | cut -d: -f1)
	if [ -z "$seen" ] || [ -z "$conn" ] || [ "$seen" -gt "$conn" ]; then
		check_fail "$2: vdsd did not connect on the master's socket appearing (log lines: appeared ${seen:-none}, connected ${conn:-none})"
	fi
}

# ---- vdsd first, master later
vds_start_vdsd
sleep 1.5
kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "vdsd exited while no master was running"
line0=$(wc -l <"$VDS_VDSD_LOG")
vds_start_master
if wait_for 60000 tables_answer; then
	note "vdsd started before the master: tables answer ${VDS_WAITED_MS} ms after the master came up (target $TARGET_MS)"
else
	fail "vdsd started before the master: no tables 60 s after the master came up"
fi
connected_on_socket "$line0" "vdsd started before the master"
before=$(disk_rows) || fail "walk failed"
grep -q " $VDS_TMP/a.img\$" <<<"$before" || fail "image disk missing: $before"

# restart_after KIND: kill the master with KIND (kill9 or stop), start it on
# the same port and socket, measure until the tables answer.
restart_after() {
	local t0 after
	case "$1" in
	kill9) vds_kill9_master ;;
	stop) vds_stop_master ;;
	esac
	sleep 0.5
	kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "vdsd exited when the master went away ($1)"
	line0=$(wc -l <"$VDS_VDSD_LOG")
	t0=$(now_ms)
	vds_start_master
	if wait_for 60000 tables_answer; then
		local ms=$(($(now_ms) - t0))
		note "master restart after $1: tables answer again after $ms ms (target $TARGET_MS)"
	else
		fail "after $1 the tables did not answer within 60 s"
	fi
	connected_on_socket "$line0" "master restart after $1"
	after=$(disk_rows) || fail "walk failed"
	expect_eq "disk rows after master restart ($1)" "$before" "$after"
}

restart_after kill9
restart_after kill9
restart_after stop

vds_stop_vdsd
vds_finish
