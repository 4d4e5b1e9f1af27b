#!/bin/bash
# ci.sh - the README's test command and what .ci/run calls: install what is
# missing, build from scratch (-Werror, ASan/UBSan), run every test (unit,
# MIB and integration: make check), make distcheck, and the clang-format
# and shellcheck checks.  Prints a summary; the exit status says it all.
# Run as root on Debian 12 (the integration tests attach loop devices).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${VDS_CI_BUILD:-$top/build-ci}
jobs=$(nproc 2>/dev/null || echo 2)
declare -a names=() results=() times=()
failed=0

# step NAME CMD...: run CMD with its output in $build/NAME.log (shown when
# it fails), record the result and the time.
step() {
	local name=$1 t0 rc log
	shift
	log=$build/logs/$name.log
	t0=$(date +%s)
	printf '==> %s\n' "$name"
	"$@" >"$log" 2>&1
	rc=$?
	names+=("$name")
	times+=("$(($(date +%s) - t0))")
	if [ "$rc" -eq 0 ]; then
		results+=(PASS)
	else
		results+=("FAIL($rc)")
		failed=$((failed + 1))
		printf -- '--- %s failed (exit %s), last lines of %s:\n' "$name" "$rc" "$log"
		tail -n 80 "$log"
	fi
	return "$rc"
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
	(cd "$top" && ./autogen.sh) &&
		"$top/configure" --enable-werror --enable-sanitizers &&
		make -j"$jobs"
}

do_check() {
	local rc
	# Everything but the VM lane, in parallel; the lane (a qemu that keeps a
	# core busy for minutes) then runs alone and must run in CI: a skip fails.
	VDS_VM_SKIP=1 make -j"$jobs" check
	rc=$?
	[ "$rc" -eq 0 ] || cat test-suite.log
	cp test-suite.log test-suite-main.log 2>/dev/null
	return "$rc"
}

do_vm_lane() {
	local rc
	VDS_VM_REQUIRED=1 make check TESTS=tests/vm/vm-lane.sh
	rc=$?
	[ "$rc" -eq 0 ] || cat tests/vm/vm-lane.sh.log
	return "$rc"
}

do_distcheck() {
	# the tarball's own make check: every test but the VM lane (run above)
	VDS_VM_SKIP=1 make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
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

# test counts of make check, from test-suite.log
# (the VM lane, a step of its own, is counted as one)
count() { sed -n "s/^# $1: *\\([0-9]*\\)\$/\\1/p" "$build/test-suite-main.log" 2>/dev/null | head -n1; }

"$top/tests/install-deps.sh" || { echo "ci: installing packages failed"; exit 1; }
rm -rf "$build"
mkdir -p "$build/logs" || exit 1
cd "$build" || exit 1
export VDS_BASE_MIBS_DIR=${VDS_BASE_MIBS_DIR:-$build/mib-cache}

if step build do_build; then
	step check do_check
	step vm-lane do_vm_lane
	step distcheck do_distcheck
fi
step clang-format do_clang_format
step shellcheck do_shellcheck

pass=$(count PASS) fail=$(count FAIL) err=$(count ERROR) skip=$(count SKIP) xpass=$(count XPASS)
pass=${pass:-0} fail=${fail:-0} err=${err:-0} skip=${skip:-0} xpass=${xpass:-0}
echo
echo "ci summary ($build)"
for i in "${!names[@]}"; do
	printf '  %-13s %-9s %4ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
printf '  make check: %s pass, %s fail, %s error, %s skip\n' "$pass" "$fail" "$err" "$skip"
# the VM lane is skipped in make check on purpose: it runs as a step of its own
if grep -q '^SKIP: tests/vm/vm-lane.sh' "$build/logs/check.log" 2>/dev/null; then
	skip=$((skip - 1))
fi
if [ "$skip" -gt 0 ]; then
	grep -h '^SKIP:' "$build/logs/check.log" | grep -v 'vm-lane.sh' | sed 's/^/    /'
fi
# the closing line: tests of make check plus the other steps as one check each
other_pass=0
for i in "${!names[@]}"; do
	[ "${names[$i]}" = check ] && continue
	[ "${results[$i]}" = PASS ] && other_pass=$((other_pass + 1))
done
other_fail=$failed
for i in "${!names[@]}"; do
	[ "${names[$i]}" = check ] && [ "${results[$i]}" != PASS ] && other_fail=$((other_fail - 1))
done
total_fail=$((fail + err + xpass + other_fail))
if [ "$failed" -gt 0 ] && [ "$total_fail" -eq 0 ]; then
	total_fail=1 # make check failed without a counted test (build of a test)
fi
echo "ci: $((pass + other_pass)) passed, $total_fail failed, $skip skipped"
[ "$failed" -eq 0 ]
