#!/bin/bash
# SPDX-License-Identifier: ISC
# clients-vdsctl.sh - vdsctl against the real stack (private snmpd master,
# vdsd on the sim provider): tables and JSON checked against plain snmpget,
# jobs started with SNMPv3 authPriv and followed to their end (success,
# failure, cancel), an interrupted --wait, a progress bar on a terminal, and
# bad input: wrong community, wrong v3 passphrase, unknown user, read-only
# write, unreachable agent, missing objects, bad sizes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

vds_require_cmd jq
vds_require_vdsd
VDSCTL=$top_builddir/vdsctl
[ -x "$VDSCTL" ] || fail "$VDSCTL not built"

# Jobs that must be seen running are held at a phase by the sim test gates
# (vds_hold / vds_release) rather than made long: no race with the clock.
VDS_SIM_JOB_MS=500
VDS_MASTER_EXTRA=(
	"createUser vdsadmin SHA vdsauthpass1 AES vdsprivpass1"
	"rwuser vdsadmin priv"
)
vds_write_conf "discovery no"
vds_start_master
vds_start_vdsd
vds_wait_registered 10000

AGENT=127.0.0.1:$VDS_MASTER_PORT
RO=("$VDSCTL" -v2c -c public -t 1 -r 1 "$AGENT")
V3=("$VDSCTL" -v3 -l authPriv -u vdsadmin -a SHA -A vdsauthpass1 -x AES -X vdsprivpass1
	-t 2 -r 1 "$AGENT")

# ---------------------------------------------------------------- reading
declare -A D=() P=()
declare -a D_rows=() P_rows=()
vds_load D 2 || fail "walk of vdsDiskTable failed"
c_name=$(mib_col VDS_DISK_NAME)
c_size=$(mib_col VDS_DISK_SIZE)
c_free=$(mib_col VDS_DISK_FREE)

expect_run "list disks --json" 0 "" "${RO[@]}" list disks --json
json=$VDS_OUT
expect_eq "disk rows" "${#D_rows[@]}" "$(jq length <<<"$json")"
for i in "${D_rows[@]}"; do
	expect_eq "disk $i name" "${D[$c_name.$i]}" "$(jq -r ".[] | select(.index==$i) | .name" <<<"$json")"
	expect_eq "disk $i size" "${D[$c_size.$i]}" "$(jq -r ".[] | select(.index==$i) | .size" <<<"$json")"
	expect_eq "disk $i free" "${D[$c_free.$i]}" "$(jq -r ".[] | select(.index==$i) | .free" <<<"$json")"
done
sim0=$(vds_find_row D "$c_name" sim0) || fail "no sim0 disk"
sim1=$(vds_find_row D "$c_name" sim1) || fail "no sim1 disk"
# sim1 is MBR (4 partitions at most): the later jobs go to the GPT disk sim0.

# The human table: a header, one line a disk, sizes in binary units.
expect_run "list disks" 0 "64.0 GiB" "${RO[@]}" list disks
expect_eq "list disks lines" "$((${#D_rows[@]} + 1))" "$(wc -l <<<"$VDS_OUT")"
line=$(grep -E "^$sim0 +sim0 " <<<"$VDS_OUT")
case "$line" in
*"64.0 GiB"*online*) ;;
*) check_fail "list disks: sim0 line is \"$line\"" ;;
esac
for t in partitions volumes plexes packs vdisks jobs; do
	expect_run "list $t" 0 "" "${RO[@]}" list "$t"
	expect_run "list $t --json" 0 "" "${RO[@]}" list "$t" --json
	jq -e 'type == "array"' <<<"$VDS_OUT" >/dev/null || check_fail "list $t --json: not an array"
done
expect_run "show disk" 0 "" "${RO[@]}" show disk "$sim0" --json
expect_eq "show disk name" sim0 "$(jq -r .name <<<"$VDS_OUT")"
expect_eq "show disk status" online "$(jq -r .status <<<"$VDS_OUT")"
expect_run "status" 0 "version" "${RO[@]}" status

# --json has real types (vdsctl(8), JSON OUTPUT): numbers, booleans, null
# for "none", RFC 3339 UTC times, arrays for BITS.
RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
expect_run "list disks --json (types)" 0 "" "${RO[@]}" list disks --json
jq -e 'all(.[]; (.index|type) == "number" and (.size|type) == "number" and
	(.free|type) == "number" and (.sectorSize|type) == "number" and
	(.flags|type) == "array" and (.status|type) == "string" and
	(.packIndex == null or (.packIndex|type) == "number"))' <<<"$VDS_OUT" >/dev/null ||
	check_fail "list disks --json: types: $VDS_OUT"
expect_eq "no pack is null (sim0)" null "$(jq -c '.[] | select(.name=="sim0") | .packIndex' <<<"$VDS_OUT")"
expect_eq "a pack is a number (sim2)" number \
	"$(jq -r '.[] | select(.name=="sim2") | .packIndex | type' <<<"$VDS_OUT")"
expect_run "show disk sim0 (table)" 0 "" "${RO[@]}" show disk "$sim0"
grep -Eq '^packIndex +-$' <<<"$VDS_OUT" || check_fail "no pack in the table: $VDS_OUT"
expect_run "list vdisks --json (types)" 0 "" "${RO[@]}" list vdisks --json
jq -e 'all(.[]; (.attached|type) == "boolean")' <<<"$VDS_OUT" >/dev/null ||
	check_fail "vdisk attached is not a boolean: $VDS_OUT"
expect_run "list partitions --json (types)" 0 "" "${RO[@]}" list partitions --json
jq -e 'all(.[]; (.bootable|type) == "boolean" and (.offset|type) == "number" and
	(.volumeIndex == null or (.volumeIndex|type) == "number") and
	(.fsType == null or (.fsType|type) == "string") and .fsType != "")' <<<"$VDS_OUT" >/dev/null ||
	check_fail "partitions --json: types: $VDS_OUT"
expect_run "status --json (types)" 0 "" "${RO[@]}" status --json
jq -e --arg re "$RFC3339" '(.startTime|test($re)) and (.diskCount|type) == "number"' \
	<<<"$VDS_OUT" >/dev/null || check_fail "status --json: $VDS_OUT"

# ---------------------------------------------------------------- jobs
free0=${D[$c_free.$sim1]}
# --wait while the job is held at its second phase, released once vdsctl
# has shown it running.
vds_hold 1
"${V3[@]}" create-partition "$sim1" 100M --wait >"$VDS_TMP/cp.out" 2>"$VDS_TMP/cp.err" &
pid=$!
VDS_PIDS["vdsctl"]=$pid
wait_for 60000 grep -q "^job [0-9]*: running [0-9]*%" "$VDS_TMP/cp.err" ||
	check_fail "no progress line while the job was held: $(cat "$VDS_TMP/cp.err")"
vds_release 1
wait "$pid"
VDS_RC=$?
unset "VDS_PIDS[vdsctl]"
VDS_OUT=$(cat "$VDS_TMP/cp.out") VDS_ERR=$(cat "$VDS_TMP/cp.err")
expect_eq "create-partition --wait: exit status (stderr: $VDS_ERR)" 0 "$VDS_RC"
grep -q "succeeded: partition" <<<"$VDS_OUT$VDS_ERR" ||
	check_fail "create-partition --wait: no \"succeeded: partition\" in $VDS_OUT $VDS_ERR"
newpart=$(sed -n 's/.*succeeded: partition \([0-9]*\) .*/\1/p' <<<"$VDS_OUT")
[ -n "$newpart" ] || check_fail "no partition index in \"$VDS_OUT\""
expect_eq "new partition size" 104857600 \
	"$(vds_get_value "$VDS_ROOT_OID.1.3.1.$(mib_col VDS_PART_SIZE).$newpart")"
expect_eq "free space after" "$((free0 - 104857600))" \
	"$(vds_get_value "$VDS_ROOT_OID.1.2.1.$c_free.$sim1")"
# Plain progress lines when stderr is not a terminal.
grep -q "^job [0-9]*: running [0-9]*%" <<<"$VDS_ERR" ||
	check_fail "no progress lines in: $VDS_ERR"

# Started without --wait, then followed with job wait; JSON output.
expect_run "create-partition" 0 "" "${V3[@]}" --json create-partition "$sim1" 1.5G --name cl
h=$(jq .handle <<<"$VDS_OUT")
expect_run "job wait" 0 "" "${V3[@]}" --json job wait "$h"
expect_eq "job wait json status" succeeded "$(jq -r .status <<<"$VDS_OUT")"
expect_eq "job size param" 1536 "$(jq -r .paramSizeMiB <<<"$VDS_OUT")"
part2=$(jq -r .outPartition <<<"$VDS_OUT")
# A finished job: booleans, times, null for what it has not (no error, no
# volume made); keepResult selects with jq as a boolean.
jq -e --arg re "$RFC3339" '(.keepResult|type) == "boolean" and (.notifyProgress|type) == "boolean" and
	(.createTime|test($re)) and (.startTime|test($re)) and (.endTime|test($re)) and
	.errorMessage == null and .outVolume == null and (.outPartition|type) == "number" and
	.paramVolume == null and (.paramDisk|type) == "number" and (.percentComplete|type) == "number"' \
	<<<"$VDS_OUT" >/dev/null || check_fail "job --json types: $VDS_OUT"
expect_run "list jobs --json" 0 "" "${V3[@]}" --json list jobs
expect_eq "select(.keepResult) on jobs nobody kept" 0 \
	"$(jq '[.[] | select(.keepResult)] | length' <<<"$VDS_OUT")"
expect_run "job forget" 0 "removed job $h" "${V3[@]}" job forget "$h"
expect_run "job show forgotten" 4 "job $h does not exist" "${V3[@]}" job show "$h"

# --type passes through as it is: the MBR alias extended (issue 18).  sim1
# has three primaries now, so the container takes its last slot, and later
# create-partitions on sim1 make logical partitions in it.
expect_run "create-partition --type extended" 0 "succeeded: partition" \
	"${V3[@]}" create-partition "$sim1" 2G --type extended --wait
expect_run "list partitions --json" 0 "" "${V3[@]}" --json list partitions
expect_eq "sim1's extended partition: number 4, type 0x05" "4 0x05" \
	"$(jq -r --argjson d "$sim1" '.[] | select(.diskIndex == $d and .type == "0x05") |
		"\(.number) \(.type)"' <<<"$VDS_OUT")"

# create-volume by --disks alone (issue 13.1): the pack is the disks' own.
sim2=$(vds_find_row D "$c_name" sim2) || fail "no sim2 disk"
sim3=$(vds_find_row D "$c_name" sim3) || fail "no sim3 disk"
expect_run "create-volume --disks (no --pack)" 0 "succeeded: volume" "${V3[@]}" \
	create-volume 64M --disks "$sim2,$sim3" --layout spanned --name cldisks --wait

# A job that fails: the second delete of one partition queues behind the
# first and finds the partition gone.
vds_hold 0 # the first delete waits until the second is queued behind it
expect_run "delete-partition" 0 "started job" "${V3[@]}" --yes delete-partition "$part2"
expect_run_queued "failing job" 1 "failed: " "${V3[@]}" --yes delete-partition "$part2" --wait
case "$VDS_ERR" in
*VDS_E_OBJECT_NOT_FOUND*0x80042405*) ;;
*) check_fail "failed job message: $VDS_ERR" ;;
esac

# Cancel: a job queued behind a running one (held) on the same disk.
vds_hold 0
expect_run "start job" 0 "" "${V3[@]}" --json create-partition "$sim0" 10M
h1=$(jq .handle <<<"$VDS_OUT")
vds_wait_reached "$h1" 0
expect_run "start job 2" 0 "" "${V3[@]}" --json create-partition "$sim0" 10M
h2=$(jq .handle <<<"$VDS_OUT")
expect_run "forget a running job" 4 "cancel it first" "${V3[@]}" job forget "$h1"
expect_run "job cancel --wait" 2 "job $h2 (createPartition) was cancelled" \
	"${V3[@]}" job cancel "$h2" --wait
expect_run "cancel a finished job" 4 "already ended (cancelled)" "${V3[@]}" job cancel "$h2"
vds_release 0
expect_run "the held job ends" 0 "succeeded" "${V3[@]}" job wait "$h1"

# A cancel past the point of no return (createPartition: its last phase,
# held there) says it came too late and exits 5; the job goes on.
# held_job PHASE: a 10M createPartition on sim0, running and held at PHASE
# (the gate stays up); its handle in HELD.
held_job() {
	vds_hold "$1"
	expect_run "start a job held at phase $1" 0 "" "${V3[@]}" --json create-partition "$sim0" 10M
	HELD=$(jq .handle <<<"$VDS_OUT")
	vds_wait_reached "$HELD" "$1"
}
held_job 2
h4=$HELD
expect_run "late cancel" 5 "the cancel came too late: job $h4 (createPartition)" \
	"${V3[@]}" job cancel "$h4"
expect_run "late cancel --json" 5 "" "${V3[@]}" --json job cancel "$h4"
expect_eq "late cancel json cancelState" tooLate "$(jq -r .cancelState <<<"$VDS_OUT")"
vds_release 2
expect_run "the late-cancelled job succeeds" 0 "succeeded" "${V3[@]}" job wait "$h4"

# A cancel of a running job before that point is requested, and honoured
# at the job's next step: vdsctl polls the job until the agent has decided
# and says what happened.
held_job 0
h5=$HELD
expect_run "cancel a running job" 0 "cancelled job $h5 (createPartition)" \
	"${V3[@]}" job cancel "$h5"
vds_release 0
expect_run "cancelled job" 0 "" "${V3[@]}" --json job show "$h5"
expect_eq "cancelled job: status, cancelState" "cancelled done" \
	"$(jq -r '"\(.status) \(.cancelState)"' <<<"$VDS_OUT")"

# Ctrl-C during --wait leaves the job running (held at its first phase) and
# says so.
vds_hold 0
"${V3[@]}" create-partition "$sim0" 10M --wait >"$VDS_TMP/int.out" 2>"$VDS_TMP/int.err" &
pid=$!
VDS_PIDS["vdsctl"]=$pid
wait_for 60000 grep -q "running" "$VDS_TMP/int.err" || check_fail "no progress before Ctrl-C"
kill -INT "$pid"
wait "$pid"
rc=$?
unset "VDS_PIDS[vdsctl]"
expect_eq "interrupted --wait exit status" 130 "$rc"
grep -q "still running on the agent" "$VDS_TMP/int.err" ||
	check_fail "interrupt message: $(cat "$VDS_TMP/int.err")"
h3=$(sed -n 's/^started job \([0-9]*\)$/\1/p' "$VDS_TMP/int.out")
expect_run "job after Ctrl-C" 0 "" "${V3[@]}" --json job show "$h3"
expect_eq "job $h3 after Ctrl-C (held)" running "$(jq -r .status <<<"$VDS_OUT")"
vds_release 0
expect_run "wait again after Ctrl-C" 0 "succeeded" "${V3[@]}" job wait "$h3"

# A progress bar on a terminal (script(1) gives vdsctl a pty).
# The job is held at its second phase until the bar is on the terminal.
if command -v script >/dev/null 2>&1; then
	vds_hold 1
	script -qefc "$(printf '%q ' "${V3[@]}" create-partition "$sim0" 10M --wait)" \
		"$VDS_TMP/tty.log" >/dev/null 2>&1 &
	pid=$!
	VDS_PIDS["script"]=$pid
	wait_for 60000 grep -q '\[#*\.*\] *[0-9]*%' "$VDS_TMP/tty.log" ||
		check_fail "no progress bar on a terminal: $(tr "\r" "\n" <"$VDS_TMP/tty.log")"
	vds_release 1
	wait "$pid" || check_fail "vdsctl --wait on a terminal: exit status $?"
	unset "VDS_PIDS[script]"
fi

# "started job N" is on its way before the progress lines: one log for both
# (2>&1 into a file), the job held at its second phase until a progress
# line is there.
vds_hold 1
"${V3[@]}" create-partition "$sim1" 10M --wait >"$VDS_TMP/order.log" 2>&1 &
pid=$!
VDS_PIDS["vdsctl"]=$pid
wait_for 60000 grep -q "^job [0-9]*: running" "$VDS_TMP/order.log" ||
	check_fail "no progress line: $(cat "$VDS_TMP/order.log")"
vds_release 1
wait "$pid" || check_fail "create-partition --wait (order): exit status $?"
unset "VDS_PIDS[vdsctl]"
first=$(head -n 1 "$VDS_TMP/order.log")
case "$first" in
"started job "*) ;;
*) check_fail "2>&1 log out of order, first line \"$first\": $(cat "$VDS_TMP/order.log")" ;;
esac
ordpart=$(sed -n 's/.*succeeded: partition \([0-9]*\) .*/\1/p' "$VDS_TMP/order.log")

# Objects by name and by device node as well as by index.
expect_run "show disk by name" 0 "" "${RO[@]}" --json show disk sim1
expect_eq "disk sim1 by name" "$sim1" "$(jq .index <<<"$VDS_OUT")"
devnode=$(jq -r .devNode <<<"$VDS_OUT")
expect_run "show disk by device node" 0 "" "${RO[@]}" --json show disk "$devnode"
expect_eq "disk $devnode by device node" "$sim1" "$(jq .index <<<"$VDS_OUT")"
expect_run "show volume by name" 0 "" "${RO[@]}" --json show volume mirror0
expect_eq "volume by name" mirror0 "$(jq -r .name <<<"$VDS_OUT")"
expect_run "no such disk name" 3 "no disk is named \"sim1x\"" "${RO[@]}" show disk sim1x
expect_run "create-partition on a disk by name" 0 "started job" \
	"${V3[@]}" create-partition sim1 10M

# Data-destroying commands ask first: never without a terminal (a usage
# error unless --yes), on a terminal (script(1) gives one) "[y/N]".
no_tty() { "$@" </dev/null; }
expect_run "delete without --yes, no terminal" 3 "add --yes to confirm" \
	no_tty "${V3[@]}" delete-partition "$ordpart"
expect_eq "not deleted" "$sim1" "$(vds_get_value "$VDS_ROOT_OID.1.3.1.$(mib_col VDS_PART_DISK_INDEX).$ordpart")"
if command -v script >/dev/null 2>&1; then
	printf 'n\n' | script -qec "$(printf '%q ' "${V3[@]}" delete-partition "$ordpart")" \
		"$VDS_TMP/no.log" >/dev/null 2>&1
	rc=$?
	expect_eq "answered no: exit status ($(tr '\r' ' ' <"$VDS_TMP/no.log"))" 6 "$rc"
	grep -q "delete-partition $ordpart destroys the data on the partition. Go on? \[y/N\]" \
		"$VDS_TMP/no.log" || check_fail "no question: $(cat "$VDS_TMP/no.log")"
	expect_eq "answered no: not deleted" "$sim1" \
		"$(vds_get_value "$VDS_ROOT_OID.1.3.1.$(mib_col VDS_PART_DISK_INDEX).$ordpart")"
	printf 'y\n' | script -qec "$(printf '%q ' "${V3[@]}" delete-partition "$ordpart" --wait)" \
		"$VDS_TMP/yes.log" >/dev/null 2>&1
	rc=$?
	expect_eq "answered yes: exit status ($(tr '\r' ' ' <"$VDS_TMP/yes.log"))" 0 "$rc"
	grep -q "succeeded" "$VDS_TMP/yes.log" || check_fail "answered yes: $(cat "$VDS_TMP/yes.log")"
fi

# Tables are read with one varbind a column in each GETBULK, so a response
# brings whole rows: list jobs (7 columns shown) needs a request for about
# every 14 rows, --json (every column, 56 of them) one per row (snmpd answers
# 100 varbinds at most); column after column took one for every 30 values.
# -d makes Net-SNMP print each request it sends.
expect_run "list jobs (rows)" 0 "" "${RO[@]}" --json list jobs
njobs=$(jq length <<<"$VDS_OUT")
"${RO[@]}" -d list jobs >/dev/null 2>"$VDS_TMP/requests.log" || check_fail "list jobs -d failed"
nreq=$(grep -c "^Sending" "$VDS_TMP/requests.log")
[ "$nreq" -le $((njobs / 10 + 2)) ] ||
	check_fail "list jobs of $njobs rows took $nreq requests (more than $((njobs / 10 + 2)))"
"${RO[@]}" -d list jobs --json >/dev/null 2>"$VDS_TMP/requests.log" || check_fail "list jobs --json -d failed"
nreq=$(grep -c "^Sending" "$VDS_TMP/requests.log")
[ "$nreq" -le $((njobs + 2)) ] ||
	check_fail "list jobs --json of $njobs rows took $nreq requests (more than $((njobs + 2)))"
note "list jobs: $njobs rows, $nreq requests with --json"

# ---------------------------------------------------------------- bad input
expect_run "missing disk" 4 "disk 999 does not exist" "${V3[@]}" create-partition 999 100M
expect_run "too big" 4 "not enough for a partition of 100.0 TiB" \
	"${V3[@]}" create-partition "$sim1" 100T
expect_run "missing volume" 4 "volume 777 does not exist" "${V3[@]}" shrink 777 1G
expect_run "bad size" 3 "is not a size" "${V3[@]}" create-partition "$sim1" 12parsecs
expect_run "bad index" 3 "no disk is named \"abc\"" "${V3[@]}" show disk abc
expect_run "unknown command" 3 "unknown command 'frobnicate'" "${V3[@]}" frobnicate
expect_run "no command" 3 "no command given" "${V3[@]}"
expect_run "unknown option" 3 "unknown option '--color'" "${V3[@]}" shrink 1 1G --color red
# Typos name the word and what it probably meant (edit distance).
expect_run "typo lsit" 3 "unknown command 'lsit' (did you mean 'list'?)" "${RO[@]}" lsit disks
expect_run "typo stauts" 3 "unknown command 'stauts' (did you mean 'status'?)" "${RO[@]}" stauts
expect_run "typo delete-partiton" 3 \
	"unknown command 'delete-partiton' (did you mean 'delete-partition'?)" \
	"${V3[@]}" delete-partiton 3
expect_run "typo --jsno" 3 "unknown option '--jsno' (did you mean '--json'?)" \
	"${RO[@]}" list disks --jsno
expect_run "typo dsiks" 3 "unknown object type 'dsiks' (did you mean 'disks'?)" \
	"${RO[@]}" list dsiks
expect_run "typo --ofset" 3 "unknown option '--ofset' (did you mean '--offset'?)" \
	"${V3[@]}" create-partition "$sim1" 1M --ofset 1M
expect_run "typo job cancle" 3 "unknown job command 'cancle' (did you mean 'cancel'?)" \
	"${V3[@]}" job cancle 1
expect_run "status --wiat" 3 "unknown option '--wiat' (did you mean '--wait'?)" \
	"${RO[@]}" status --wiat
expect_run "show missing" 4 "disk 4242 does not exist" "${RO[@]}" show disk 4242
expect_run "read-only community writes" 4 "access denied" \
	"${RO[@]}" create-partition "$sim1" 10M
expect_run "wrong community" 4 "did not answer" \
	"$VDSCTL" -v2c -c nosuchcommunity -t 0.3 -r 0 "$AGENT" list disks
expect_run "wrong v3 passphrase" 4 "authentication failed" \
	"$VDSCTL" -v3 -l authPriv -u vdsadmin -a SHA -A wrongpassphrase -x AES -X vdsprivpass1 \
	-t 1 -r 0 "$AGENT" list disks
expect_run "unknown v3 user" 4 "does not know the user \"nobody\"" \
	"$VDSCTL" -v3 -l authNoPriv -u nobody -a SHA -A whatever12 -t 1 -r 0 "$AGENT" list disks
port=$(vds_free_port)
expect_run "unreachable agent" 4 "the agent at 127.0.0.1:$port did not answer" \
	"$VDSCTL" -v2c -c public -t 0.3 -r 0 "127.0.0.1:$port" status
expect_run "help" 0 "Exit status" "$VDSCTL" --help

# Net-SNMP's snmp.conf supplies the defaults (vdsctl(8)): SNMPv3 credentials
# kept there, none on the command line.
mkdir -p "$VDS_TMP/userconf"
printf '%s\n' "defVersion 3" "defSecurityName vdsadmin" "defSecurityLevel authPriv" \
	"defAuthType SHA" "defAuthPassphrase vdsauthpass1" "defPrivType AES" \
	"defPrivPassphrase vdsprivpass1" >"$VDS_TMP/userconf/snmp.conf"
expect_run "credentials from snmp.conf" 0 "sim0" \
	env SNMPCONFPATH="$VDS_TMP/userconf" "$VDSCTL" -t 2 -r 1 "$AGENT" list disks

vds_stop_vdsd
vds_finish
