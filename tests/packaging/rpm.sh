#!/bin/bash
# SPDX-License-Identifier: ISC
# rpm.sh - build the RPM packages of packaging/rpm/vdsd.spec with rpmbuild
# (Debian's rpm package: no rpm database of the build dependencies, hence
# --nodeps; the Debian -dev packages of packaging/deps-debian.txt stand in
# for them) from the release tarball of the work tree (make dist), then
# check the layout with rpm -qlp: the files where Fedora/RHEL expect them,
# the conffile, no .la; and that the %bcond switches drop what they name.
# Prints the files of each package.  VDS_PKG_KEEP=1 keeps the work directory.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vdsd-rpm.XXXXXX") || exit 1
cleanup() {
	if [ "${VDS_PKG_KEEP:-0}" = 1 ]; then
		echo "rpm: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}
t0=$(date +%s)
phase() { echo "=== rpm: $* (+$(($(date +%s) - t0)) s)"; }
for c in rpmbuild rpmspec rpm; do
	command -v "$c" >/dev/null || fail "$c missing: tests/install-deps.sh package"
done
spec=$top/packaging/rpm/vdsd.spec

phase "the tarball (make dist)"
mkdir -p "$work/src" "$work/b" || exit 1
if git -C "$top" rev-parse >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -) |
		tar -xf - -C "$work/src" || fail "cannot copy the tree"
else
	tar -C "$top" --exclude=./build --exclude=./build-ci --exclude=./build-deb -cf - . |
		tar -xf - -C "$work/src" || fail "cannot copy the tree"
fi
{ (cd "$work/src" && ./autogen.sh) && cd "$work/b" && "$work/src/configure" -q --with-cunit=no &&
	make dist-gzip; } >"$work/dist.log" 2>&1 || {
	tail -20 "$work/dist.log"
	fail "make dist failed"
}
version=$(rpmspec -q --srpm --qf '%{version}' "$spec") || fail "rpmspec cannot parse $spec"
tarball=$work/b/vdsd-$version.tar.gz
[ -r "$tarball" ] || fail "make dist made no vdsd-$version.tar.gz (spec and configure.ac disagree?)"

phase rpmbuild
mkdir -p "$work/rpm/SOURCES" && cp "$tarball" "$work/rpm/SOURCES/" || exit 1
rpmbuild -bb --nodeps --define "_topdir $work/rpm" --define 'debug_package %{nil}' \
	"$spec" >"$work/rpmbuild.log" 2>&1 || {
	tail -40 "$work/rpmbuild.log"
	fail "rpmbuild failed"
}
libdir=$(rpm --eval '%{_libdir}')
unitdir=$(rpm --define '_unitdir /usr/lib/systemd/system' --eval '%{_unitdir}')
declare -A want=(
	[vdsd]="/usr/sbin/vdsd /etc/vdsd/vdsd.conf $unitdir/vdsd.service /usr/share/snmp/mibs/VDS-MIB.txt
		/usr/share/vdsd/vds-traphandle /usr/share/vdsd/vdsd-snmpd.conf /usr/share/vdsd/vdsd.conf.example
		/var/lib/vdsd"
	[vdsd-clients]="/usr/bin/vdsctl $libdir/nagios/plugins/check_vds /usr/share/vdsd/vds_template.yaml"
	[vdsd-collectd]="$libdir/collectd/vds.so"
)
for p in vdsd vdsd-clients vdsd-collectd; do
	f=$(ls "$work"/rpm/RPMS/*/"$p-$version"-*.rpm 2>/dev/null) || fail "no $p rpm built"
	rpm -qlp "$f" >"$work/$p.files" 2>/dev/null || fail "rpm -qlp $f"
	echo "--- $(basename "$f"):"
	sed 's/^/  /' "$work/$p.files"
	for w in ${want[$p]}; do
		grep -q -x -F "$w" "$work/$p.files" || fail "$p has no $w"
	done
	grep -q '\.la$' "$work/$p.files" && fail "$p ships a .la file"
done
rpm -qp --configfiles "$(ls "$work"/rpm/RPMS/*/vdsd-"$version"-*.rpm)" 2>/dev/null |
	grep -q -x /etc/vdsd/vdsd.conf || fail "/etc/vdsd/vdsd.conf is not %config"
# the compiled-in paths: stateDir is the unit's StateDirectory
mkdir -p "$work/x" && (cd "$work/x" && rpm2cpio "$(ls "$work"/rpm/RPMS/*/vdsd-"$version"-*.rpm)" |
	cpio -idm --quiet) || fail "cannot unpack the vdsd rpm"
grep -q -a -F /var/lib/vdsd "$work/x/usr/sbin/vdsd" || fail "vdsd's default stateDir is not /var/lib/vdsd"
grep -q -a -F /etc/vdsd/vdsd.conf "$work/x/usr/sbin/vdsd" || fail "vdsd's default configuration is not /etc/vdsd/vdsd.conf"
echo "layout: the files where Fedora/RHEL expect them, no .la, the configuration is %config," \
	"vdsd defaults to /etc/vdsd/vdsd.conf and /var/lib/vdsd"

# %bcond: --without collectd drops the subpackage and --without lvm the
# configure switch (the spec as rpmbuild would read it)
rpmspec -q --without collectd --qf '%{name}\n' "$spec" 2>/dev/null | grep -q -x vdsd-collectd &&
	fail "--without collectd still builds vdsd-collectd"
rpmspec -P --without lvm --without sim "$spec" 2>/dev/null | grep -q -e '--disable-lvm' ||
	fail "--without lvm does not configure --disable-lvm"
echo "bcond: --without collectd, --without lvm, --without sim take effect"
phase finished
echo "rpm: PASS"
