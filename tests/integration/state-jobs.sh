#!/bin/bash
# SPDX-License-Identifier: ISC
# state-jobs.sh - the job store (stateDir/jobs.db, jobs.floor) damaged the
# way disks, full file systems and hand edits damage it.
#   Garbage written into row columns with the sqlite3 CLI (a disk list far
#   longer than the array, a blob of random bytes where the list belongs,
#   bad enums, a percent of 250, an hresult that does not match the result,
#   a string longer than its buffer, a control character, text and blobs
#   where integers belong, a negative time), a duplicated row (refused by
#   the primary key) and a deleted row; jobs.db truncated to 0 and to half,
#   overwritten with random bytes; a read-only stateDir; a full file system
#   while jobs start (stateDir on a tiny tmpfs).
# Rules checked after each: no crash at start, during a full walk of VDS-MIB
# and a GET of every job column of every handle; no damaged value served
# (the damaged rows are absent, and quarantined with file, record and
# reason in vdsd's log); no handle handed out twice; no acknowledged SET
# lost; a store that cannot be trusted as a whole stops vdsd with a message
# naming the file, the cause and the way out.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

vds_require_root
vds_require_vdsd
vds_require_cmd sqlite3 mount umount
T0=$(now_ms)

STATE=$VDS_TMP/state
DB=$STATE/jobs.db
# Every handle vdsd ever acknowledged (createAndGo/createAndWait answered
# noError); none may come back from vdsJobNextHandle.
ACKED=()
HMAX=0
acked() {
	ACKED+=("$1")
	[ "$1" -gt "$HMAX" ] && HMAX=$1
	return 0
}

# ------------------------------------------------------------------ helpers

# A full walk of VDS-MIB and a GET of every job column of every handle in
# "$@" (and of the rows vdsd shows): vdsd stays up and answers.
walk_and_get() { # WHAT HANDLE...
	local what=$1 h c oids
	shift
	vds_snmpwalk -On VDS-MIB::vdsMIB >"$VDS_TMP/walk.out" 2>&1 ||
		check_fail "$what: full walk of VDS-MIB failed: $(tail -n 2 "$VDS_TMP/walk.out")"
	for h in "$@" $(vds_table 8 | awk '{ print $2 }' | sort -un); do
		[ "$h" -le 2147483647 ] || continue # not an index the MIB can name
		oids=()
		for c in $(seq 2 21) $(seq 30 48) $(seq 50 55); do oids+=("$VDS_JOB_ENTRY.$c.$h"); done
		vds_snmpget -On "${oids[@]}" >/dev/null 2>&1 ||
			check_fail "$what: GET of every column of job $h failed"
	done
	kill -0 "$VDS_VDSD_PID" 2>/dev/null || fail "$what: vdsd died (see $VDS_VDSD_LOG)"
}

# The next handle is above every handle ever acknowledged.
check_no_reuse() { # WHAT
	local n
	n=$(job_handle)
	note "$1: vdsJobNextHandle $n, highest handle acknowledged $HMAX"
	[ "$n" -gt "$HMAX" ] || check_fail "$1: handle $n handed out again (acknowledged up to $HMAX)"
}

# Every acknowledged handle that was not deliberately removed has its row.
check_acked_kept() { # WHAT [SKIP_HANDLE...]
	local what=$1 h s
	shift
	for h in "${ACKED[@]}"; do
		case " $* " in *" $h "*) continue ;; esac
		s=$(job_get "$h" Status)
		[ -n "$s" ] || check_fail "$what: acknowledged job $h lost"
	done
}

# vdsd must refuse to start: it exits (not a signal, no sanitizer report)
# and its log names the file, the cause and the way out.
VDS_REFUSED_PID=
vdsd_gone() { ! kill -0 "$VDS_REFUSED_PID" 2>/dev/null; }
# vdsd connects to the master before it opens the job store: "started" in
# its log since line $VDS_LOG_FROM is the sign that it serves.
up_or_gone() {
	vdsd_gone || { tail -n +"$VDS_LOG_FROM" "$VDS_VDSD_LOG" | grep -q '\[main\] vdsd .* started' && vds_registered; }
}
expect_refusal() { # WHAT FILE CAUSE_REGEX
	local what=$1 file=$2 cause=$3 rc from
	from=$(wc -l <"$VDS_VDSD_LOG")
	vds_start_vdsd
	VDS_REFUSED_PID=$VDS_VDSD_PID
	if ! wait_for 20000 vdsd_gone; then
		check_fail "$what: vdsd did not stop"
		vds_stop_vdsd
		return 1
	fi
	unset "VDS_PIDS[vdsd]"
	wait "$VDS_REFUSED_PID"
	rc=$?
	tail -n +"$((from + 1))" "$VDS_VDSD_LOG" >"$VDS_TMP/refusal.log"
	note "$what: vdsd exited with $rc: $(grep -F "$file" "$VDS_TMP/refusal.log" | grep -Ei "$cause" | head -n 1)"
	[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || check_fail "$what: vdsd exit status $rc (want an error exit, no signal)"
	grep -F "$file" "$VDS_TMP/refusal.log" | grep -Eqi "$cause" ||
		check_fail "$what: no message naming $file and the cause /$cause/"
	grep -F "$file" "$VDS_TMP/refusal.log" | grep -Eqi 'aside|writable|space' ||
		check_fail "$what: the message does not say how to recover"
	vds_check_sanitizers || check_fail "$what: sanitizer report"
}

start_ok() { # WHAT
	vds_start_vdsd
	vds_wait_registered 20000
	walk_and_get "$1"
}

sql() { sqlite3 -batch -bail "$DB" "$@"; }

# ------------------------------------------------------------------ a store with jobs

vds_start_master
VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-200} vds_write_conf "discovery no"
start_ok "fresh start"
vds_check_state_scalars "fresh start"
expect_eq "fresh start: vdsStateQuarantined" 0 "$(svc vdsStateQuarantined)"
D1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
D4=$(inv_index 2 "$C_DISK_NAME" sim4) || fail "no sim4 disk"

A=$(job_handle) # finished, kept
job_start "$A" 1 ParamDisk u "$D1" ParamSizeMiB u 16 KeepResult i 1 Owner s ops
acked "$A"
expect_eq "job $A" "$ST_SUCCEEDED" "$(job_wait "$A")"
B=$(job_handle) # created (createAndWait) with a disk list
# (createVDisk ignores the disk list; it is stored and served all the same)
vds_snmpset "VDS-MIB::vdsJobRowStatus.$B" i 5 "VDS-MIB::vdsJobType.$B" i 7 \
	"VDS-MIB::vdsJobParamPath.$B" s "$STATE/sim/b.img" "VDS-MIB::vdsJobParamSizeMiB.$B" u 8 \
	"VDS-MIB::vdsJobParamDisks.$B" s "$D1,$D4" \
	>/dev/null || fail "createAndWait of job $B refused"
acked "$B"
C=$(job_handle) # finished, then its row is deleted by hand
job_start "$C" 1 ParamDisk u "$D1" ParamSizeMiB u 8 KeepResult i 1
acked "$C"
expect_eq "job $C" "$ST_SUCCEEDED" "$(job_wait "$C")"
row_a=$(job_row "$A")
row_b=$(job_row "$B")
expect_eq "job $B disk list" "$D1,$D4" "$(job_get "$B" ParamDisks)"
vds_stop_vdsd

# ------------------------------------------------------------------ garbage in rows

expect_eq "schema version" 3 "$(sql 'PRAGMA user_version')"
# Each damaged row is a copy of row A under a new handle with one bad value.
declare -A DAMAGE=(
	[disks_long]="p_disks = '$(seq -s, 1 40)'"
	[disks_blob]="p_disks = randomblob(512)"
	[status_enum]="status = 9"
	[result_enum]="result = 99"
	[hresult_mismatch]="hresult = 12345"
	[percent_range]="percent = 250"
	[owner_long]="owner = printf('%.300c', 'x')"
	[message_control]="error_message = 'bell' || char(7)"
	[status_blob]="status = x'0102'"
	[type_text]="p_type = 'createPartition'"
	[keep_blob]="keep = zeroblob(64)"
	[end_negative]="end_ms = -5"
	[volume_type_enum]="p_volume_type = 77"
	[handle_huge]="handle = 4294967296"
)
declare -A DAMAGED=() # handle -> case
h=$((C + 100))
for k in "${!DAMAGE[@]}"; do
	h=$((h + 1))
	sql "CREATE TEMP TABLE t AS SELECT * FROM jobs WHERE handle = $A;
	     UPDATE t SET handle = $h; UPDATE t SET ${DAMAGE[$k]};
	     INSERT INTO jobs SELECT * FROM t;" || fail "cannot write case $k with sqlite3"
	if [ "$k" = handle_huge ]; then
		DAMAGED[4294967296]=$k
	else
		DAMAGED[$h]=$k
	fi
done
# A duplicated row: the primary key refuses it.
if sql "INSERT INTO jobs SELECT * FROM jobs WHERE handle = $A" 2>/dev/null; then
	check_fail "a second row with handle $A was accepted by jobs.db"
fi
# A deleted row: its handle must not come back.
sql "DELETE FROM jobs WHERE handle = $C" || fail "cannot delete row $C"

start_ok "garbage in rows" "${!DAMAGED[@]}"
for h in "${!DAMAGED[@]}"; do
	k=${DAMAGED[$h]}
	[ "$h" -gt 2147483647 ] && continue # not an index the MIB can name
	[ -z "$(job_get "$h" Status)" ] || check_fail "damaged row $h ($k) is served"
	grep -Eq "jobs\.db: job $h: quarantined: .+" "$VDS_VDSD_LOG" ||
		check_fail "damaged row $h ($k): no quarantine line with file, record and reason"
done
grep -Eq "jobs\.db: job 4294967296: quarantined: .+" "$VDS_VDSD_LOG" ||
	check_fail "row with handle 2^32: no quarantine line"
note "quarantine lines: $(grep -c 'quarantined' "$VDS_VDSD_LOG")"
nq=$(sql "SELECT count(*) FROM quarantine")
expect_eq "rows in the quarantine table" "${#DAMAGED[@]}" "$nq"
# The count and the last reason are readable by a manager.
vds_check_state_scalars "garbage in rows"
[ "$(svc vdsStateQuarantined)" -ge "${#DAMAGED[@]}" ] ||
	check_fail "vdsStateQuarantined below the ${#DAMAGED[@]} damaged rows"
svc vdsStateLastProblem | grep -Eq "^$DB: job [0-9]+: [a-z_]+.* " ||
	check_fail "vdsStateLastProblem does not name jobs.db, the job and the column"
expect_eq "row $A intact beside the damage" "$row_a" "$(job_row "$A")"
expect_eq "row $B intact beside the damage" "$row_b" "$(job_row "$B")"
expect_eq "job $B disk list after the damage" "$D1,$D4" "$(job_get "$B" ParamDisks)"
[ -z "$(job_get "$C" Status)" ] || check_fail "deleted row $C is back"
check_no_reuse "after a deleted row"
check_acked_kept "garbage in rows" "$C"
# The created row still starts.
expect_set_error "active on created row $B" noError "VDS-MIB::vdsJobRowStatus.$B" i 1
expect_eq "restored created job $B" "$ST_SUCCEEDED" "$(job_wait "$B")"
vds_stop_vdsd
# Quarantined rows stay aside: a second start reports nothing new.
n1=$(grep -c 'quarantined' "$VDS_VDSD_LOG")
start_ok "second start after the quarantine"
expect_eq "no new quarantine on the second start" "$n1" "$(grep -c 'quarantined' "$VDS_VDSD_LOG")"
vds_check_state_scalars "second start after the quarantine"
vds_stop_vdsd

# ------------------------------------------------------------------ truncated to 0

cp "$DB" "$VDS_TMP/jobs.db.good"
: >"$DB"
rm -f "$DB-wal" "$DB-shm"
ACKED=() # those rows are gone on purpose; their handles stay below HMAX
start_ok "jobs.db truncated to 0"
check_no_reuse "jobs.db truncated to 0"
grep -Eq 'jobs\.(db|floor).*(lost|rebuilt|floor)' "$VDS_VDSD_LOG" ||
	check_fail "jobs.db truncated to 0: vdsd did not say that it rebuilt the handle floor"
N=$(job_handle)
job_start "$N" 1 ParamDisk u "$D1" ParamSizeMiB u 8 KeepResult i 1
acked "$N"
expect_eq "a new job after the loss" "$ST_SUCCEEDED" "$(job_wait "$N")"
vds_stop_vdsd
# jobs.floor lost instead: rebuilt from jobs.db.
rm -f "$STATE/jobs.floor"
start_ok "jobs.floor deleted"
check_no_reuse "jobs.floor deleted"
expect_eq "job $N after jobs.floor was lost" "$ST_SUCCEEDED" "$(job_get "$N" Status)"
vds_stop_vdsd
cp "$DB" "$VDS_TMP/jobs.db.good" # holds every acknowledged row again

# ------------------------------------------------------------------ truncated to half, random bytes

cp "$VDS_TMP/jobs.db.good" "$DB"
size=$(stat -c %s "$DB")
truncate -s $((size / 2)) "$DB"
expect_refusal "jobs.db cut to half ($((size / 2)) of $size bytes)" "$DB" 'integrity|malformed|not a|damaged|corrupt'
mv "$DB" "$DB.damaged"
rm -f "$DB-wal" "$DB-shm"
start_ok "jobs.db moved aside as told"
check_no_reuse "jobs.db moved aside"
vds_stop_vdsd

head -c 65536 /dev/urandom >"$DB"
rm -f "$DB-wal" "$DB-shm"
expect_refusal "jobs.db overwritten with random bytes" "$DB" 'not a|database|damaged|corrupt'
rm -f "$DB"

# Random bytes at several offsets inside a good store: either the whole file
# is refused, or every row served passes the checks (no crash either way).
size=$(stat -c %s "$VDS_TMP/jobs.db.good")
for off in 100 4096 $((size / 2)) $((size - 600)); do
	cp "$VDS_TMP/jobs.db.good" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	head -c 512 /dev/urandom | dd of="$DB" bs=1 seek="$off" conv=notrunc status=none
	VDS_LOG_FROM=$(($(wc -l <"$VDS_VDSD_LOG") + 1))
	vds_start_vdsd
	VDS_REFUSED_PID=$VDS_VDSD_PID
	wait_for 20000 up_or_gone || fail "random bytes at $off: vdsd neither serves nor stops"
	if ! vdsd_gone; then
		walk_and_get "512 random bytes at $off"
		check_no_reuse "512 random bytes at $off (served: $(vds_table 8 | awk '$1 == 4' | wc -l) rows)"
		vds_stop_vdsd
	else
		unset "VDS_PIDS[vdsd]"
		wait "$VDS_REFUSED_PID"
		rc=$?
		[ "$rc" -lt 128 ] || check_fail "random bytes at $off: vdsd died of signal $((rc - 128))"
		grep -Fq "$DB" "$VDS_VDSD_LOG" || check_fail "random bytes at $off: no message naming $DB"
		vds_check_sanitizers || check_fail "random bytes at $off: sanitizer report"
		note "512 random bytes at $off: vdsd refused the store (exit $rc)"
	fi
done
rm -f "$DB" "$DB-wal" "$DB-shm"
cp "$VDS_TMP/jobs.db.good" "$DB"

# ------------------------------------------------------------------ stateDir on a tmpfs: read-only, full

# The state moves onto a small tmpfs mounted over stateDir.
cp -a "$STATE" "$VDS_TMP/state.saved"
mount -t tmpfs -o size=4m,mode=0700 vdsd-test-state "$STATE" || skip "cannot mount a tmpfs"
vds_on_exit "umount -l '$STATE'"
cp -a "$VDS_TMP/state.saved/." "$STATE/"
mount -o remount,ro "$STATE" || fail "cannot remount $STATE read-only"
# The refusal names the file under the stateDir the operator gave, the
# system's cause and the way out, in one line.
expect_refusal "read-only stateDir" "$DB" "$STATE is not writable: read-only file system"
grep -F "$DB: cannot be used" "$VDS_TMP/refusal.log" | grep -qF "remount it read-write" ||
	check_fail "read-only stateDir: the message does not say to remount $STATE read-write"
mount -o remount,rw "$STATE" || fail "cannot remount $STATE read-write"
start_ok "stateDir writable again"
check_no_reuse "after the read-only stateDir"
check_acked_kept "after the read-only stateDir" "$C"

# Fill the file system, then start jobs: each SET either fails (and starts
# nothing) or is recorded.
dd if=/dev/zero of="$STATE/filler" bs=4k status=none 2>/dev/null
note "tmpfs full: $(df -k "$STATE" | awk 'NR == 2 { print $4 }') KiB free"
FULL_OK=() FULL_REFUSED=()
for _ in 1 2 3 4 5 6; do
	h=$(job_handle)
	r=$(vds_set_reason "VDS-MIB::vdsJobRowStatus.$h" i 4 "VDS-MIB::vdsJobType.$h" i 7 \
		"VDS-MIB::vdsJobParamPath.$h" s "$STATE/sim/full-$h.img" "VDS-MIB::vdsJobParamSizeMiB.$h" u 1 \
		"VDS-MIB::vdsJobKeepResult.$h" i 1)
	if [ "$r" = noError ]; then
		FULL_OK+=("$h")
		acked "$h"
	else
		FULL_REFUSED+=("$h:$r")
		[ -z "$(job_get "$h" Status)" ] || check_fail "refused job $h ($r) has a row"
		grep -q "job $h refused" "$VDS_VDSD_LOG" || check_fail "refused job $h: no \"refused\" line in the log"
	fi
done
note "file system full: acknowledged ${FULL_OK[*]:-none}, refused ${FULL_REFUSED[*]:-none}"
[ "${#FULL_REFUSED[@]}" -gt 0 ] || check_fail "no SET was refused on a full stateDir"
for r in "${FULL_REFUSED[@]}"; do
	case "${r#*:}" in
	noError | clientError) check_fail "job ${r%%:*}: refused with ${r#*:}" ;;
	esac
done
walk_and_get "full file system" "${FULL_OK[@]}"
# SIGKILL, space back, start again: everything acknowledged is there.
vds_kill9_vdsd
rm -f "$STATE/filler"
start_ok "after the full file system"
check_acked_kept "after the full file system" "$C"
for r in "${FULL_REFUSED[@]}"; do
	[ -z "$(job_get "${r%%:*}" Status)" ] || check_fail "refused job ${r%%:*} came back after the restart"
done
check_no_reuse "after the full file system"
vds_stop_vdsd

note "state-jobs took $(($(now_ms) - T0)) ms"
vds_finish
