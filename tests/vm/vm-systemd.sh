#!/bin/bash
# SPDX-License-Identifier: ISC
# vm-systemd.sh - the VM lane's systemd part (called by tests/vm/vm-lane.sh,
# or alone as root from a build directory): builds the Debian packages of
# the tree (tests/packaging/deb.sh with VDS_DEB_OUT: dpkg-buildpackage
# only, ~1 min), then boots a guest whose PID 1 is the host's systemd
# (tests/vm/run.sh -S, three 384 MiB virtio disks) and runs
# tests/vm/guest-systemd.sh in it: install, start, jobs of each provider
# under the hardened unit, reload, stop.  Prints the part's line (result,
# time) like the guest-all.sh parts; after it, the guest's whole console
# when it failed (from a line "--- console of the systemd guest").
# VDS_VM_DEBS=DIR: packages built before (a rerun), not built again.
# Exit: the guest test's status, 77 when the packages cannot be built.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir

t0=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/vdsd-vmsd.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
for c in dpkg-buildpackage dh; do
	command -v "$c" >/dev/null || {
		echo "vm-systemd: SKIP: $c missing (tests/install-deps.sh package)"
		exit 77
	}
done
debs=$work
if [ -n "${VDS_VM_DEBS:-}" ]; then
	debs=$VDS_VM_DEBS # packages built before (a rerun): not built again
elif ! VDS_DEB_OUT=$work "$top_srcdir/tests/packaging/deb.sh" >"$work/deb.log" 2>&1; then
	cat "$work/deb.log"
	echo "vm-systemd: FAIL: the packages do not build"
	exit 1
fi
tb=$(($(date +%s) - t0))
"$top_srcdir/tests/vm/run.sh" -S -n 3 -s 384 -t "${VDS_VM_SD_TIMEOUT:-900}" -- \
	"$top_srcdir/tests/vm/guest-systemd.sh" "$debs" >"$work/run.log" 2>&1
rc=$?
# run.sh's last lines: the part's line, its boot/setup time and the result;
# then, when it failed, the guest's console
sed -n '/^vm: parts/,$p' "$work/run.log" | sed "s/^vm: parts (/vm: systemd part (packages built in $tb s; /"
grep -q '^vm: parts' "$work/run.log" || echo "vm: systemd part: no result (packages built in $tb s)"
if [ "$rc" != 0 ]; then
	echo "--- console of the systemd guest"
	cat "$work/run.log"
fi
exit "$rc"
