#!/bin/bash
# SPDX-License-Identifier: ISC
# sdnotify.sh - vdsd speaks systemd's Type=notify protocol, checked without
# systemd: NOTIFY_SOCKET names a private AF_UNIX datagram socket (a path in
# the first run, an abstract @name in the second: the two forms systemd
# uses) that tests/integration/notify_listener.py reads, noting for each message
# whether vdsd's log had said "AgentX subagent connected" by then.
#   master up at start:   READY=1 only once registered (the tables answer
#                         at once), STATUS "serving N disks, ...";
#   master down at start: READY=1 when start-up is done, STATUS "waiting
#                         for the AgentX master at SOCKET"; "serving" once
#                         the master comes, "waiting" again when it goes;
#   SIGHUP:               RELOADING=1 with MONOTONIC_USEC, then READY=1
#                         (also when the new file is refused: its error in STATUS);
#   SIGTERM:              STOPPING=1, then a clean exit.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_vdsd
vds_require_cmd python3

NOTES=$VDS_TMP/notify.txt
sock=$VDS_TMP/notify.sock
abstract=@vdsd-test-notify-$$-$RANDOM
python3 "$top_srcdir/tests/integration/notify_listener.py" "$NOTES" "$VDS_VDSD_LOG" "$sock" "$abstract" \
	>"$VDS_TMP/listener.log" 2>&1 &
VDS_PIDS[listener]=$!
listening() { grep -qx listening "$NOTES" 2>/dev/null; }
wait_for 30000 listening || fail "the notify listener did not start: $(cat "$VDS_TMP/listener.log")"
# vdsd's alone: snmpd, started here too, would send its own READY=1
start_vdsd() { NOTIFY_SOCKET=$sock vds_start_vdsd; }

# count PATTERN: the messages so far that match (grep -E)
count() { grep -cE "$1" "$NOTES"; }
# wait_msg PATTERN N WHAT: until at least N messages match
wait_msg() {
	has() { [ "$(count "$1")" -ge "$2" ]; }
	wait_for 30000 has "$1" "$2" || fail "no $3 (message /$1/ #$2) in 30 s; got: $(tail -n 5 "$NOTES")"
}
last() { grep -E "$1" "$NOTES" | tail -n 1; }

vds_write_conf "discovery no"

# ---- master down at start: ready, waiting for it
start_vdsd
wait_msg '^READY=1' 1 "READY=1 with the master down"
line=$(last '^READY=1')
case $line in
*"STATUS=waiting for the AgentX master at $VDS_TMP/agentx.sock [connected 0]") ;;
*) check_fail "READY with the master down does not say it waits for it: $line" ;;
esac
vds_start_master
wait_msg '^STATUS=serving [0-9]+ disks' 1 "\"serving\" status after the master came"
vds_wait_registered 30000
vds_stop_master
wait_msg '^STATUS=waiting for the AgentX master' 1 "\"waiting\" status after the master went"
vds_stop_vdsd || fail "vdsd did not stop cleanly"
expect_eq "STOPPING=1 messages at the first stop" 1 "$(count '^STOPPING=1')"
expect_eq "READY=1 messages of the first run" 1 "$(count '^READY=1')"

# ---- master up at start: READY only once registered (abstract socket)
sock=$abstract
vds_start_master
start_vdsd
wait_msg '^READY=1' 2 "READY=1 with the master up"
# at once, no retry: the READY came after the registration
vds_get_value "$VDS_ROOT_OID.1.1.1.0" >/dev/null || check_fail "READY=1 sent, but the tables do not answer"
line=$(last '^READY=1')
[[ $line =~ STATUS=serving\ ([0-9]+)\ disks,\ 0\ jobs\ running,\ 0\ queued\ \[connected\ 1\]$ ]] ||
	check_fail "READY=1 before the registration or without the serving status: $line"
disks=${BASH_REMATCH[1]:-none}
c_ddev=$(mib_col VDS_DISK_DEVNODE)
expect_eq "disks in the status and in vdsDiskTable" "$(vds_table 2 | awk -v c="$c_ddev" '$1 == c' | wc -l)" "$disks"

# ---- SIGHUP: RELOADING=1 + MONOTONIC_USEC, then READY=1
reload_ok() { # N: the Nth RELOADING then the (N+2)th READY (two at starts)
	kill -HUP "$VDS_VDSD_PID"
	wait_msg '^RELOADING=1 \| MONOTONIC_USEC=[0-9]+ ' "$1" "RELOADING=1 after SIGHUP #$1"
	wait_msg '^READY=1' $(($1 + 2)) "READY=1 after the reload #$1"
	# in that order
	tail -n 2 "$NOTES" | head -n 1 | grep -q '^RELOADING=1' ||
		check_fail "RELOADING=1 is not right before READY=1: $(tail -n 2 "$NOTES")"
}
reload_ok 1
expect_eq "status after the reload" "READY=1 | STATUS=serving $disks disks, 0 jobs running, 0 queued [connected 1]" \
	"$(last '^READY=1')"
echo "bogusDirective 1" >>"$VDS_CONF"
reload_ok 2
case $(last '^READY=1') in
*"STATUS=configuration not reloaded, keeping the old one: "*bogusDirective*) ;;
*) check_fail "a refused reload does not say so: $(last '^READY=1')" ;;
esac
vds_write_conf "discovery no"

# ---- SIGTERM: STOPPING=1 and a clean exit
vds_stop_vdsd || fail "vdsd did not stop cleanly"
expect_eq "STOPPING=1 messages" 2 "$(count '^STOPPING=1')"
vds_finish
