#!/bin/bash
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
expect_run "job forget" 0 "removed job $h" "${V3[@]}" job forget "$h"
expect_run "job show forgotten" 4 "job $h does not exist" "${V3[@]}" job show "$h"

# create-volume by --disks alone (issue 13.1): the pack is the disks' own.
sim2=$(vds_find_row D "$c_name" sim2) || fail "no sim2 disk"
sim3=$(vds_find_row D "$c_name" sim3) || fail "no sim3 disk"
expect_run "create-volume --disks (no --pack)" 0 "succeeded: volume" "${V3[@]}" \
	create-volume 64M --disks "$sim2,$sim3" --layout spanned --name cldisks --wait

# A job that fails: the second delete of one partition queues behind the
# first and finds the partition gone.
vds_hold 0 # the first delete waits until the second is queued behind it
expect_run "delete-partition" 0 "started job" "${V3[@]}" delete-partition "$part2"
expect_run_queued "failing job" 1 "failed: " "${V3[@]}" delete-partition "$part2" --wait
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

# ---------------------------------------------------------------- bad input
expect_run "missing disk" 4 "disk 999 does not exist" "${V3[@]}" create-partition 999 100M
expect_run "too big" 4 "not enough for a partition of 100.0 TiB" \
	"${V3[@]}" create-partition "$sim1" 100T
expect_run "missing volume" 4 "volume 777 does not exist" "${V3[@]}" shrink 777 1G
expect_run "bad size" 3 "is not a size" "${V3[@]}" create-partition "$sim1" 12parsecs
expect_run "bad index" 3 "is not an index" "${V3[@]}" show disk abc
expect_run "unknown command" 3 "no command" "${V3[@]}" frobnicate
expect_run "unknown option" 3 "unknown option --color" "${V3[@]}" shrink 1 1G --color red
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

vds_stop_vdsd
vds_finish
