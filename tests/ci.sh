#!/bin/bash
# SPDX-License-Identifier: ISC
# ci.sh - the README's test command and what .ci/run calls: install what is
# missing, build from scratch (-Werror, ASan/UBSan), run every test (unit,
# MIB and integration: make check), the real-kernel VM lane, make distcheck,
# and the clang-format and shellcheck checks.  One line per test as it
# ends, then a summary with each failed test's own log; the exit status
# says it all (0: everything passed).
# Run as root on Debian 12 (the integration tests attach loop devices).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${VDS_CI_BUILD:-$top/build-ci}
jobs=$(nproc 2>/dev/null || echo 2)
declare -a names=() results=() times=()
failed=0
# shellcheck source=tests/ci-lib.sh
. "$top/tests/ci-lib.sh"

cat <<INTRO
ci: the full test run of vdsd, in $build (logs in $build/logs).
Steps, with their usual times on 2 cores (about 35 min; a fresh machine with
both cores kept busy by two CPU burners: 64 min, the lane's length):
  deps        install the missing Debian packages (every purpose of
              packaging/deps-debian.txt; ~4-7 min the first time, else 0 s)
  build       autogen, configure --enable-werror --enable-sanitizers, make (~3-7 min)
  check       make check: unit, MIB and integration tests, one line per test
              (~6 min; ~11 min with two CPU burners, beside the lane)
  vm-lane     (in the background, alongside the steps after build; the
              summary waits for it)
              tests/vm/ in qemu on a real Debian kernel: basic and LVM on
              virtio disks, fault injection, disk health on emulated NVMe
              and AHCI disks, then the built .deb started by a real systemd
              (~30 min; 58 with two CPU burners, over 60 at load 10); the first
              run downloads the kernel package
              (~70 MB; ~400 MB unpacked) into /var/cache/vdsd-vm, reused afterwards
  distcheck   the release tarball: build and make check again (~6 min; ~13 loaded)
  package-deb tests/packaging/deb.sh: dpkg-buildpackage, lintian, install,
              run, remove and purge in a fresh Debian root (~1.5 min)
  package-rpm tests/packaging/rpm.sh: rpmbuild of packaging/rpm/vdsd.spec
              from make dist, the layout checked with rpm -qlp (~1 min)
  lint        clang-format, shellcheck and the SPDX identifiers (~20 s)
The base MIBs (SNMPv2-SMI, -TC, -CONF) come from the npm package net-snmp
(~1 MB, once: cached in \$VDS_BASE_MIBS_DIR).
INTRO

# step_record NAME RC SECONDS: add a step's result to the summary (names,
# results, times, failed) and print its "NAME: RESULT in Ns" line.
step_record() {
	names+=("$1")
	times+=("$3")
	if [ "$2" -eq 0 ]; then
		results+=(PASS)
	else
		results+=("FAIL($2)")
		failed=$((failed + 1))
	fi
	printf '    %s: %s in %ss\n' "$1" "${results[-1]}" "${times[-1]}"
}

# step NAME CMD...: run CMD with its output in $build/logs/NAME.log, record
# the result and the time.  CMD may write progress lines to fd 3 (the
# terminal).
step() {
	local name=$1 t0 rc log
	shift
	log=$build/logs/$name.log
	t0=$(date +%s)
	printf '==> %s (%s)\n' "$name" "$(date +%H:%M:%S)"
	"$@" 3>&1 >"$log" 2>&1
	rc=$?
	step_record "$name" "$rc" "$(($(date +%s) - t0))"
	return "$rc"
}

# step_bg NAME CMD...: step in the background (its result is recorded by
# step_wait NAME); progress lines still go to the terminal, prefixed.
step_bg() {
	local name=$1
	shift
	printf '==> %s (%s, in the background)\n' "$name" "$(date +%H:%M:%S)"
	(
		t0=$(date +%s)
		"$@" 3>&1 >"$build/logs/$name.log" 2>&1
		echo "$? $(($(date +%s) - t0))" >"$build/logs/$name.status"
	) &
	bg_pid=$!
}

# step_wait NAME: wait for the background step and record it as step does.
step_wait() {
	local name=$1 rc=1 secs=0
	[ -n "${bg_pid:-}" ] && wait "$bg_pid"
	[ -r "$build/logs/$name.status" ] && read -r rc secs <"$build/logs/$name.status"
	step_record "$name" "$rc" "$secs"
}

# make_tests STEP MAKE-ARGS...: make with one progress line per test (fd 3),
# results in $build/logs/STEP.results; the status is make's.
make_tests() {
	local name=$1
	shift
	: >"$build/logs/$name.results"
	make TESTS_ENVIRONMENT="$CI_TESTS_ENV" "$@" 2>&1 | ci_progress "$build/logs/$name.results"
	return "${PIPESTATUS[0]}"
}

lint_files() { # PATTERN...: committed files (every file outside git)
	if git -C "$top" rev-parse >/dev/null 2>&1; then
		git -C "$top" ls-files -- "$@"
	else
		(cd "$top" && for p in "$@"; do find . -path ./build -prune -o -path ./build-ci -prune \
			-o -name "${p##*/}" -type f -print; done | sed 's|^\./||')
	fi
}

do_build() {
	# the test programs too (make check with no tests): the lane uses them
	# while make check runs alongside
	(cd "$top" && ./autogen.sh) &&
		"$top/configure" --enable-werror --enable-sanitizers &&
		make -j"$jobs" && make -j"$jobs" check TESTS=
}

do_check() {
	# Everything but the VM lane, in parallel; the lane is a step of its
	# own and must run in CI: a skip fails.
	VDS_VM_SKIP=1 make_tests check -j"$jobs" check
}

# The lane's guest parts as they start, from the guest's console.
vm_follow() {
	local line t0
	t0=$(date +%s)
	while IFS= read -r line; do
		line=${line//$'\r'/}
		case $line in
		'=== vm test: '*)
			printf '        vm-lane +%ss: %s started\n' "$(($(date +%s) - t0))" "${line#=== vm test: }" >&3
			;;
		esac
	done
}

do_vm_lane() {
	local pid rc tmp=$build/vm-tmp console='' log=$build/logs/vm-lane.log t0 res
	rm -rf "$tmp"
	mkdir -p "$tmp" || return 1
	: >"$build/logs/vm-lane.results"
	t0=$(date +%s)
	# Not through make: make check (alongside) has the lane in its TESTS
	# too (skipped there) and would write over its log.  The lane's output
	# is this step's log; tests/vm/run.sh keeps the guest's console in its
	# work dir under TMPDIR.
	TMPDIR=$tmp VDS_VM_REQUIRED=1 top_srcdir=$top top_builddir=$build \
		"$top/tests/vm/vm-lane.sh" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for console in "$tmp"/vdsd-vm.*/console.log; do
			[ -f "$console" ] && break
		done
		[ -f "$console" ] && break
		sleep 1
	done
	if [ -f "$console" ]; then
		printf '        vm-lane: qemu started, the guest tests as they start:\n' >&3
		tail -n +1 -F --pid="$pid" "$console" 2>/dev/null | vm_follow
	fi
	wait "$pid"
	rc=$?
	case $rc in
	0) res=PASS ;;
	77) res=SKIP ;;
	*) res=FAIL ;;
	esac
	# one results line, as make_tests writes them: the log is this step's
	echo "$res logs/vm-lane $build $(($(date +%s) - t0))" >>"$build/logs/vm-lane.results"
	# the lane's own summary (one line per guest test, with its time; after
	# a timeout, what had finished and what was running)
	sed -n -E '/^vm: (TIMEOUT|parts)/,/^vm-lane: /p' "$log" 2>/dev/null | tr -d '\r' | sed 's/^/        /' >&3
	rm -rf "$tmp"
	return "$rc"
}

do_distcheck() {
	# the tarball's own make check: every test but the VM lane (run above)
	VDS_VM_SKIP=1 make_tests distcheck -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
}

do_clang_format() {
	local files
	mapfile -t files < <(lint_files '*.c' '*.h')
	[ "${#files[@]}" -gt 0 ] || { echo "no C files"; return 1; }
	echo "${#files[@]} files"
	(cd "$top" && clang-format --dry-run --Werror "${files[@]}")
}

do_shellcheck() {
	local files
	mapfile -t files < <(lint_files '*.sh' .ci/run)
	echo "${#files[@]} files"
	(cd "$top" && shellcheck -x -S warning "${files[@]}")
}

t_start=$(date +%s)
printf '==> deps (%s)\n' "$(date +%H:%M:%S)"
"$top/tests/install-deps.sh" all || { echo "ci: installing packages failed"; exit 1; }
rm -rf "$build"
mkdir -p "$build/logs" || exit 1
cd "$build" || exit 1
export VDS_BASE_MIBS_DIR=${VDS_BASE_MIBS_DIR:-$build/mib-cache}
export CI_STAMPS=$build/logs/test-starts

# The VM lane (a qemu guest, about one core, for most of the run) goes
# side by side with the other steps: on a machine with cores to spare that
# takes the run's longest step off its sum.  VDS_CI_SERIAL=1 runs it
# after make check instead, alone.
lane_bg=0
[ "${VDS_CI_SERIAL:-0}" = 1 ] || lane_bg=1
if step build do_build; then
	[ "$lane_bg" = 1 ] && step_bg vm-lane do_vm_lane
	step check do_check
	[ "$lane_bg" = 1 ] || step vm-lane do_vm_lane
	step distcheck do_distcheck
fi
step package-deb "$top/tests/packaging/deb.sh"
step package-rpm "$top/tests/packaging/rpm.sh"
step clang-format do_clang_format
step shellcheck do_shellcheck
step spdx "$top/tools/spdx-headers.sh" --check
if [ "$lane_bg" = 1 ] && [ -n "${bg_pid:-}" ]; then
	printf '==> waiting for vm-lane (%s)\n' "$(date +%H:%M:%S)"
	step_wait vm-lane
fi

# ---- summary
# Test counts: make check's tests one by one (the VM lane, skipped there on
# purpose, runs as a step of its own), every other step as one check.
res=$build/logs/check.results
pass=$(ci_count "$res" PASS XFAIL)
tfail=$(ci_count "$res" FAIL ERROR XPASS)
skip=$(awk '$1 == "SKIP" && $2 != "tests/vm/vm-lane.sh"' "$res" 2>/dev/null | wc -l)
echo
echo "ci summary ($build, $(($(date +%s) - t_start)) s in all)"
for i in "${!names[@]}"; do
	extra=
	if [ "${names[$i]}" = check ] && [ -s "$res" ]; then
		extra="$pass pass, $tfail fail, $skip skip"
	fi
	printf '  %-13s %-9s %5ss  %s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}" "$extra"
done
if [ "$skip" -gt 0 ]; then
	echo "skipped tests:"
	while read -r r name dir _; do
		[ "$r" = SKIP ] && [ "$name" != tests/vm/vm-lane.sh ] || continue
		printf '  SKIP %s  (%s)\n' "$name" "$(ci_skip_reason "$dir/$name.log")"
	done <"$res"
fi
other_pass=0 other_fail=0
for i in "${!names[@]}"; do
	if [ "${names[$i]}" = check ]; then
		# make check failed without a failed test (a test program did not build)
		[ "${results[$i]}" != PASS ] && [ "$tfail" -eq 0 ] && other_fail=$((other_fail + 1))
	elif [ "${results[$i]}" = PASS ]; then
		other_pass=$((other_pass + 1))
	else
		other_fail=$((other_fail + 1))
	fi
done
if [ "$failed" -gt 0 ]; then
	echo
	echo "what failed:"
	for i in "${!names[@]}"; do
		[ "${results[$i]}" = PASS ] && continue
		n=${names[$i]} log=$build/logs/${names[$i]}.log
		case $n in
		check | vm-lane | distcheck)
			if [ "$(ci_count "$build/logs/$n.results" FAIL ERROR XPASS)" -gt 0 ]; then
				ci_show_failures "$build/logs/$n.results"
				continue
			fi
			;;
		esac
		printf -- '--- step %s: %s, log %s\n' "$n" "${results[$i]}" "$log"
		ci_show_log_failure "$log"
	done
fi
echo
echo "ci: $((pass + other_pass)) passed, $((tfail + other_fail)) failed, $skip skipped"
[ "$failed" -eq 0 ]
