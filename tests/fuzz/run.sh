#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh [SECONDS] - build every libFuzzer target with clang in a build dir
# of its own and run each for SECONDS (default 20).
#
# The targets are the fuzz_* programs of Makefile.am's fuzzer block (asked
# from make, so a new target is picked up without editing this script);
# FUZZ_TARGETS="fuzz_a fuzz_b" runs only those.  Each starts from its seeds
# in tests/fuzz/corpus/TARGET/ plus what earlier runs found in
# BUILD/corpus/TARGET/.  A crash, leak, timeout or failed invariant makes the
# script fail and name the file that reproduces it
# (BUILD/crashes/TARGET-crash-...; replay: BUILD/tests/fuzz/TARGET FILE).
#
# FUZZ_BUILD_DIR: the build dir (default SRC/build-fuzz), configured here
# with CC=clang --enable-fuzzer when it has no Makefile.
set -eu
secs=${1:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}

command -v clang >/dev/null 2>&1 || { echo "run.sh: clang is missing" >&2; exit 2; }
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh >/dev/null)
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
	echo "== configuring $build (CC=clang --enable-fuzzer)"
	CC=clang "$src/configure" -q --enable-fuzzer ||
		{ echo "run.sh: configure failed in $build (see $build/config.log)" >&2; exit 2; }
fi
targets=${FUZZ_TARGETS:-$(printf 'fz-list:\n\t@echo $(noinst_PROGRAMS)\n' |
	make -s -f Makefile -f - fz-list | tr ' ' '\n' | sed -n 's|^tests/fuzz/\(fuzz_[A-Za-z0-9_]*\)$|\1|p')}
[ -n "$targets" ] || { echo "run.sh: no fuzz_* target in Makefile.am" >&2; exit 2; }
echo "== building:" $targets
progs=
for t in $targets; do progs="$progs tests/fuzz/$t"; done
# shellcheck disable=SC2086 # one word per target
make -s -j2 $progs >build.log 2>&1 ||
	{ tail -n 30 build.log >&2; echo "run.sh: build failed (see $build/build.log)" >&2; exit 2; }

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
failed=
for t in $targets; do
	mkdir -p "corpus/$t" crashes
	seeds=$src/tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vds-fuzz-$t.XXXXXX")
	echo "== $t for ${secs}s"
	rc=0
	TMPDIR=$tmp "./tests/fuzz/$t" -max_total_time="$secs" -max_len=4096 -timeout=25 \
		-print_final_stats=1 -artifact_prefix="crashes/$t-" "corpus/$t" ${seeds:+"$seeds"} \
		>"$t.log" 2>&1 || rc=$?
	rm -rf "$tmp"
	grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|average_exec_per_sec)' "$t.log" || :
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$t.log" | head -n 1)
	if [ "$rc" -ne 0 ] || [ -n "$art" ]; then
		grep -E 'ERROR|runtime error|SUMMARY|^fuzz_' "$t.log" | head -n 5 >&2 || :
		[ -n "$art" ] && art=$build/$art || art="no reproducer written"
		echo "FAIL: $t (exit $rc): $art (log: $build/$t.log)" >&2
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "run.sh: failed:$failed" >&2
	exit 1
fi
echo "run.sh: every target ran ${secs}s without a crash:" $targets
