# shellcheck shell=bash
# SPDX-License-Identifier: ISC
#
# jobs-lib.sh - helpers the job integration tests (jobs-*.sh) share, on top
# of lib.sh: starting a job by vdsJobTable names, polling it, reading the
# inventory by name, checking the vdsJobCompleted notification.
# Source it after lib.sh.

VDS_JOB_ENTRY=$VDS_ROOT_OID.1.8.1
VDS_NOTIF=$VDS_ROOT_OID.0
HR_PENDING=80042409 # how -Oqv shows VdsHResult (DISPLAY-HINT "x")

# Status numbers of vdsJobStatus.
ST_CREATED=1 ST_QUEUED=2 ST_RUNNING=3 ST_SUCCEEDED=4 ST_FAILED=5 ST_CANCELLED=6

# jobs_start_vdsd RUNNING QUEUED: a master, and vdsd with sim jobs of
# VDS_SIM_JOB_MS (default 200), no discovery and those jobMaxRunning and
# jobMaxQueued, registered with it.
jobs_start_vdsd() {
	vds_start_master
	VDS_SIM_JOB_MS=${VDS_SIM_JOB_MS:-200} vds_write_conf "discovery no" "jobMaxRunning $1" \
		"jobMaxQueued $2"
	vds_start_vdsd
	vds_wait_registered
}

# A free handle from vdsJobNextHandle.
job_handle() {
	local h
	h=$(vds_get_value VDS-MIB::vdsJobNextHandle.0) || fail "cannot read vdsJobNextHandle"
	[ "$h" -gt 0 ] 2>/dev/null || fail "vdsJobNextHandle is \"$h\""
	echo "$h"
}

# job_get H COLUMN: one column of job H (enums as numbers), "" when absent.
job_get() { vds_get_value "VDS-MIB::vdsJob$2.$1" || true; }

# job_getn H COLUMN...: several columns in one GET, space-separated.
# (the joining in bash: job_follow polls with it, and each process costs
# 0.1-0.2 s of CPU in the VM lane's TCG guest, taken from the job it waits for)
job_getn() {
	local h=$1 c oids=() l res=
	local -a lines
	shift
	for c in "$@"; do oids+=("VDS-MIB::vdsJob$c.$h"); done
	mapfile -t lines < <(vds_snmpget -Oqv -Oe -OU "${oids[@]}" 2>/dev/null)
	for l in "${lines[@]}"; do
		[ "$l" = '""' ] && l=
		res+="$l "
	done
	printf '%s' "${res% }"
}

# job_logged H STATUS: vdsd logged that job H ended with STATUS (for when
# SNMP cannot tell: the master is away, or the row may be purged already).
job_logged() { grep -q "\[job\] job $1: $2 " "$VDS_VDSD_LOG"; }

# A service scalar (vdsJobsRunning, vdsJobsSucceeded, ...).
svc() { vds_get_value "VDS-MIB::$1.0"; }

# job_start H TYPE [COLUMN T V]...: createAndGo; fails the test if refused.
job_start() {
	local h=$1 type=$2 args=() out
	shift 2
	while [ $# -ge 3 ]; do
		args+=("VDS-MIB::vdsJob$1.$h" "$2" "$3")
		shift 3
	done
	out=$(vds_snmpset "VDS-MIB::vdsJobRowStatus.$h" i 4 "VDS-MIB::vdsJobType.$h" i "$type" \
		"${args[@]}" 2>&1) || fail "job $h (type $type) refused: $out"
}

job_finished() { # H
	local s
	s=$(job_get "$1" Status)
	[ "$s" = "$ST_SUCCEEDED" ] || [ "$s" = "$ST_FAILED" ] || [ "$s" = "$ST_CANCELLED" ]
}

# job_wait H [TIMEOUT_MS]: until finished; prints the final status.
job_wait() {
	wait_for "${2:-60000}" job_finished "$1" || fail "job $1 did not finish within ${2:-60000} ms"
	job_get "$1" Status
}

# job_follow H [TIMEOUT_MS]: poll status, percent and HRESULT until the job
# finishes and check them at every sample: percent 0-99 and HRESULT pending
# while queued or running, percent never going back, 100 and S_OK at
# success.  Sets JOB_SAMPLES, JOB_PERCENTS (the distinct values seen),
# JOB_RUN_MS (first running sample to the end) and prints nothing.
# VDS_POLL_S: the pause between samples (default 0.03).
job_follow() {
	local h=$1 timeout=${2:-60000} t0 st pc hr last=-1 bad=0 first_run=
	JOB_SAMPLES=0 JOB_PERCENTS='' JOB_RUN_MS=0
	t0=$(now_ms)
	while :; do
		read -r st pc hr <<<"$(job_getn "$h" Status PercentComplete HResult)"
		JOB_SAMPLES=$((JOB_SAMPLES + 1))
		case "$st" in
		"$ST_QUEUED" | "$ST_RUNNING" | "$ST_CREATED")
			[ "$st" = "$ST_RUNNING" ] && [ -z "$first_run" ] && first_run=$(now_ms)
			if [ "$pc" -gt 99 ] || [ "$hr" != "$HR_PENDING" ]; then
				check_fail "job $h while $st: percent $pc, HRESULT $hr (want 0-99, $HR_PENDING)"
				bad=1
			fi
			;;
		"$ST_SUCCEEDED" | "$ST_FAILED" | "$ST_CANCELLED") ;;
		*)
			check_fail "job $h: unexpected status \"$st\""
			return 1
			;;
		esac
		if [ "$pc" -lt "$last" ] && [ "$st" != "$ST_FAILED" ] && [ "$st" != "$ST_CANCELLED" ]; then
			check_fail "job $h: percent went back from $last to $pc"
			bad=1
		fi
		[ "$pc" != "$last" ] && JOB_PERCENTS+="${JOB_PERCENTS:+,}$pc"
		last=$pc
		case "$st" in
		"$ST_SUCCEEDED" | "$ST_FAILED" | "$ST_CANCELLED") break ;;
		esac
		if [ $(($(now_ms) - t0)) -gt "$timeout" ]; then
			check_fail "job $h did not finish within $timeout ms (status $st, $pc %)"
			return 1
		fi
		sleep "${VDS_POLL_S:-0.03}"
	done
	[ -n "$first_run" ] && JOB_RUN_MS=$(($(now_ms) - first_run))
	if [ "$st" = "$ST_SUCCEEDED" ]; then
		expect_eq "job $h percent at success" 100 "$pc" || bad=1
		expect_eq "job $h HRESULT at success" 0 "$hr" || bad=1
	fi
	JOB_FINAL=$st
	return "$bad"
}

# job_run TIMEOUT_MS TYPE [COLUMN T V]...: start a job with a free handle H
# and job_follow it to its end (JOB_FINAL, JOB_PERCENTS, ...); JOB_MS is
# its time through SNMP from the SET to the end.  job_follow's status.
job_run() {
	local timeout=$1 t0 rc
	shift
	H=$(job_handle)
	t0=$(now_ms)
	job_start "$H" "$@"
	job_follow "$H" "$timeout"
	rc=$?
	JOB_MS=$(($(now_ms) - t0))
	return "$rc"
}

# job_run_ok WHAT TIMEOUT_MS TYPE [COLUMN T V]...: job_run, and the job
# succeeded; else a check failure with its error, and status 1.
job_run_ok() {
	local what=$1
	shift
	job_run "$@"
	if [ "$JOB_FINAL" != "$ST_SUCCEEDED" ]; then
		check_fail "$what: job $H ended $JOB_FINAL: $(job_getn "$H" ErrorName ErrorMessage)"
		return 1
	fi
}

# job_expect_ok WHAT: the job H just followed succeeded (a check failure and
# its error noted if not).
job_expect_ok() {
	expect_eq "$1: succeeded" "$ST_SUCCEEDED" "$JOB_FINAL" ||
		note "error: $(job_getn "$H" ErrorName ErrorMessage)"
}

# ------------------------------------------------------------------ inventory

# inv_load NAME ARC: vds_load plus the column numbers.
inv_load() { vds_load "$1" "$2" || fail "walking table $2 failed"; }

# The column number of a mib_oids.h enumerator (cached by mib_col's caller).
C_DISK_NAME=$(mib_col VDS_DISK_NAME)
C_PART_DISK=$(mib_col VDS_PART_DISK_INDEX)
C_PART_OFFSET=$(mib_col VDS_PART_OFFSET)
C_PART_SIZE=$(mib_col VDS_PART_SIZE)
C_PART_OBJID=$(mib_col VDS_PART_OBJECT_ID)
C_VOL_NAME=$(mib_col VDS_VOL_NAME)
C_VOL_TYPE=$(mib_col VDS_VOL_TYPE)
C_VOL_SIZE=$(mib_col VDS_VOL_SIZE)
C_VOL_OBJID=$(mib_col VDS_VOL_OBJECT_ID)
C_VOL_PLEXES=$(mib_col VDS_VOL_PLEX_COUNT)
C_VOL_STRIPE=$(mib_col VDS_VOL_STRIPE_SIZE)
C_PLEX_VOL=$(mib_col VDS_PLEX_VOLUME_INDEX)
C_PLEX_NUMBER=$(mib_col VDS_PLEX_NUMBER)
C_PACK_NAME=$(mib_col VDS_PACK_NAME)
C_PACK_FREE=$(mib_col VDS_PACK_FREE)
C_VD_PATH=$(mib_col VDS_VDISK_PATH)
C_VD_OBJID=$(mib_col VDS_VDISK_OBJECT_ID)
C_VD_ATTACHED=$(mib_col VDS_VDISK_ATTACHED)
C_VD_DISK=$(mib_col VDS_VDISK_DISK_INDEX)
C_VD_SIZE=$(mib_col VDS_VDISK_VIRTUAL_SIZE)

# inv_index ARC COL VALUE: the index of the row whose COL is VALUE.
inv_index() {
	local -A _t=()
	local -a _t_rows=()
	vds_load _t "$1" || fail "walking table $1 failed"
	vds_find_row _t "$2" "$3"
}

# inv_value ARC COL INDEX: one cell ("" when the row is absent).
inv_value() {
	local -A _t=()
	local -a _t_rows=()
	vds_load _t "$1" || fail "walking table $1 failed"
	echo "${_t[$2.$3]:-}"
}

# ------------------------------------------------------------------ notifications

# The varbind OIDs vdsJobCompleted carries, in the MIB's OBJECTS order.
JOB_TRAP_COLS=(3 4 6 7 50 51 52 53 54 9)

# job_trap H TIMEOUT_MS: wait for the vdsJobCompleted of job H; sets
# VDS_TRAP_LINE and checks the varbinds come in the MIB's order.
job_trap() {
	local h=$1 order want c
	if ! vds_wait_trap "$2" 0 "$VDS_NOTIF.10" "$VDS_JOB_ENTRY.3.$h = "; then
		check_fail "no vdsJobCompleted for job $h within $2 ms"
		return 1
	fi
	order=$(printf '%s\n' "$VDS_TRAP_LINE" | tr '\t' '\n' | sed -n 's/ = .*//p' |
		tail -n +3 | tr '\n' ' ')
	want=
	for c in "${JOB_TRAP_COLS[@]}"; do want+="$VDS_JOB_ENTRY.$c.$h "; done
	expect_eq "vdsJobCompleted varbinds of job $h (order)" "$want" "$order"
}

# job_trap_values H: the values of the vdsJobCompleted varbinds of job H
# (VDS_TRAP_LINE), space-separated in MIB order, the message last.
job_trap_values() {
	local h=$1 c out=
	for c in "${JOB_TRAP_COLS[@]}"; do
		out+="$(vds_trap_varbind "$VDS_TRAP_LINE" "$VDS_JOB_ENTRY.$c.$h")|"
	done
	echo "${out%|}"
}

# job_row H: the columns of job H that do not change once it finished, one
# "COLUMN VALUE" per line (to compare a row before and after a restart).
job_row() {
	vds_snmpwalk -On -OQ -Oe -OU -Ot "VDS-MIB::vdsJobTable" |
		vds_table_parse 8 | awk -v h="$1" '$2 == h && $1 != 21 { $2 = ""; print }'
}

# ------------------------------------------------------------------ refusals

# refusal_count: vdsRefusalCount (SETs refused since vdsd started).
refusal_count() { vds_get_value VDS-MIB::vdsRefusalCount.0; }

# refusal_check WHAT REASON COUNT_BEFORE: the last refusal, read over SNMP,
# is the SET just refused with REASON: one more refusal, its error status,
# the varbind it was reported on and a reason for people.  Sets
# REFUSAL_REASON.
refusal_check() {
	local what=$1 want=$2 before=$3 count err obj
	count=$(refusal_count)
	expect_eq "$what: vdsRefusalCount" "$((before + 1))" "$count" || return 1
	read -r err obj <<<"$(vds_snmpget -Oqv VDS-MIB::vdsRefusalError.0 \
		VDS-MIB::vdsRefusalObject.0 | tr '\n' ' ')"
	expect_eq "$what: vdsRefusalError" "$want" "$err"
	REFUSAL_REASON=$(vds_get_value VDS-MIB::vdsRefusalReason.0)
	[ -n "$REFUSAL_REASON" ] && [ "$REFUSAL_REASON" != "$want" ] ||
		check_fail "$what: vdsRefusalReason is \"$REFUSAL_REASON\", not a reason"
	case "$obj" in
	*vdsJob*) ;;
	*) check_fail "$what: vdsRefusalObject is \"$obj\", not a vdsJobTable variable" ;;
	esac
}

# job_refused WHAT ERROR TEXT TYPE [COLUMN T V]...: the createAndGo of a job
# of TYPE on a free handle (REFUSED_H) is answered ERROR, refusal_check
# passes and vdsRefusalReason holds TEXT (else a check failure, status 1).
job_refused() {
	local what=$1 want=$2 text=$3 type=$4 nref a=()
	shift 4
	REFUSED_H=$(job_handle)
	while [ $# -ge 3 ]; do
		a+=("VDS-MIB::vdsJob$1.$REFUSED_H" "$2" "$3")
		shift 3
	done
	nref=$(refusal_count)
	expect_set_error "$what" "$want" "VDS-MIB::vdsJobRowStatus.$REFUSED_H" i 4 \
		"VDS-MIB::vdsJobType.$REFUSED_H" i "$type" "${a[@]}"
	refusal_check "$what" "$want" "$nref"
	case "$REFUSAL_REASON" in
	*"$text"*) ;;
	*)
		check_fail "$what: vdsRefusalReason \"$REFUSAL_REASON\" does not say \"$text\""
		return 1
		;;
	esac
}

# by_hand CMD...: run it, HAND its time in ms (a job's tool run by hand, for
# job_time: the job against the same tool alone)
by_hand() {
	local t0
	t0=$(now_ms)
	"$@" >/dev/null 2>&1 || check_fail "by hand: $* failed"
	HAND=$(($(now_ms) - t0))
}

# job_running_ms H: the job's own running time in vdsd in ms: as its log says
# at the end ("after N ms running"), else vdsJobStartTime to vdsJobEndTime
# (DateAndTime: to 0.1 s)
job_running_ms() {
	local ms
	ms=$(sed -n "s/.*\[job\] job $1: [a-z]* ([A-Z_]*) after \([0-9]*\) ms running.*/\1/p" \
		"${VDS_VDSD_LOG:-/dev/null}" 2>/dev/null | tail -n 1)
	[ -n "$ms" ] && { echo "$ms"; return; }
	job_getn "$1" StartTime EndTime | tr ' ' '\n' | awk -F, '{
		split($2, t, ":"); ms[NR] = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 }
		END { d = ms[2] - ms[1]; if (d < 0) d += 86400000; printf "%d", d }'
}

# job_time TYPE WHAT JOB_MS HAND_MS TOOL [H]: a job's time (SET to end as an
# SNMP client polling its row sees it) and, given its handle H, its running
# time in vdsd, against the same work done by hand with TOOL, as one "TIME"
# line; HAND_MS "-" when there is no such tool.  Also appended to $VDS_TIMES
# when it is set: the VM lane's table of every job type (guest-all.sh).
job_time() {
	local line ratio run=-
	[ -z "${6:-}" ] || run=$(job_running_ms "$6")
	ratio=$(awk -v j="$3" -v h="$4" 'BEGIN { if (h ~ /^[0-9]+$/ && h > 0) printf "%.1fx", j / h; else print "-" }')
	line=$(printf 'TIME %-16s %-40s job %6s ms (in vdsd %5s ms)  by hand %6s ms  %6s  (%s)' "$1" "$2" \
		"$3" "$run" "$4" "$ratio" "$5")
	echo "$line"
	[ -z "${VDS_TIMES:-}" ] || echo "$line" >>"$VDS_TIMES"
}
