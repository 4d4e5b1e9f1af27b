#!/bin/sh
# SPDX-License-Identifier: ISC
# short-run.sh - make check: a short run of every libFuzzer target
# (VDS_FUZZ_SECONDS each, default 20), built with clang in fuzz-build/ of the
# build dir (make clean removes it; under make distcheck the read-only
# source tree is only read).  Fails on a crash and names the file; skips
# (77) only when clang or its libFuzzer runtime is missing, and says which.
# Longer runs by hand: tests/fuzz/run.sh SECONDS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: clang is missing: the fuzz targets are not built or run" \
		"(install clang and libclang-rt-14-dev, packaging/deps-debian.txt)" >&2
	exit 77
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/vds-fuzz-probe.XXXXXX")
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n > 1 && d[0] == 1; }' \
	>"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >"$probe/log" 2>&1; then
	echo "SKIP: clang cannot link a libFuzzer program (the fuzzer runtime," \
		"libclang_rt.fuzzer, is in libclang-rt-14-dev): $(head -n 3 "$probe/log" | tr '\n' ' ')" >&2
	exit 77
fi
if [ ! -x "$here/../../configure" ] && [ ! -w "$here/../.." ]; then
	echo "SKIP: the source tree has no configure and is read-only: cannot build the fuzz targets" >&2
	exit 77
fi
# The fuzz build is a make of its own, not part of this one.
unset MAKEFLAGS MFLAGS MAKELEVEL
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$PWD/fuzz-build}
export FUZZ_BUILD_DIR
"$here/run.sh" "${VDS_FUZZ_SECONDS:-20}"
