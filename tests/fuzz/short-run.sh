#!/bin/sh
# short-run.sh - make check: a short run of every libFuzzer target
# (VDS_FUZZ_SECONDS each, default 20), built with clang in fuzz-build/ of the
# build dir.  Fails on a crash and names the file; skips (77) only when
# clang is missing.  Longer runs by hand: tests/fuzz/run.sh SECONDS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: clang is missing: the fuzz targets are not built or run" \
		"(install clang and libclang-rt-14-dev, packaging/deps-debian.txt)" >&2
	exit 77
fi
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$PWD/fuzz-build}
export FUZZ_BUILD_DIR
exec "$here/run.sh" "${VDS_FUZZ_SECONDS:-20}"
