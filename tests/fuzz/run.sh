#!/bin/sh
# Build the libFuzzer targets with clang in a build dir of their own and run
# each for SECONDS (default 20).  Usage: tests/fuzz/run.sh [SECONDS]
set -eu
secs=${1:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || CC=clang "$src/configure" -q --enable-fuzzer
targets="fuzz_conf fuzz_probe fuzz_jobset fuzz_idmap fuzz_simstate fuzz_vdiskstate"
# shellcheck disable=SC2046,SC2086 # one word per target
make -s -j2 $(printf 'tests/fuzz/%s ' $targets)
for t in $targets; do
	echo "== $t for ${secs}s"
	mkdir -p "corpus/$t"
	"./tests/fuzz/$t" -max_total_time="$secs" -max_len=8192 "corpus/$t" 2>&1 | tail -n 3
done
