#!/bin/bash
# SPDX-License-Identifier: ISC
# deb.sh - build the Debian packages of the work tree with
# dpkg-buildpackage -us -uc -b, check them with lintian (no error, no
# warning), then in a fresh Debian 12 root: install them with apt, run
# vdsd -t, check_vds, vdsctl and collectd -T with the plugin, remove (the
# conffile and the state stay), purge (nothing of them stays: the root's
# file list is the one before the install).  Run as root; prints the
# lintian output and the files of each package.
#
# The fresh root, fastest first: $VDS_MINBASE_TAR or /work/minbase/pristine.tar
# (a debootstrap --variant=minbase tarball), else the cached
# /var/cache/vdsd-pkg/minbase-bookworm.tar, else debootstrap --variant=minbase
# bookworm (~2 min; its .debs from the host's apt cache where they are
# there), cached for the next run.  Inside, apt takes the host's package
# lists and its /var/cache/apt/archives (bind-mounted): the dependencies are
# the host's cached .debs, downloaded only when missing.
# VDS_PKG_KEEP=1 keeps the work directory.  VDS_DEB_OUT=DIR: only build,
# copy the packages into DIR and stop (tests/vm/vm-systemd.sh).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${VDS_PKG_CACHE:-/var/cache/vdsd-pkg}
work=$(mktemp -d "${TMPDIR:-/tmp}/vdsd-deb.XXXXXX") || exit 1
root=$work/root
mounted=()
pkgs=(vdsd vdsd-clients collectd-vdsd)

vpid=
cleanup() {
	local i
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}"
	done
	if [ "${VDS_PKG_KEEP:-0}" = 1 ]; then
		echo "deb: kept $work"
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
phase() { echo "=== deb: $* (+$(($(date +%s) - t0)) s)"; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

[ "$(id -u)" -eq 0 ] || fail "run as root (chroot, mounts)"
for c in dpkg-buildpackage dh lintian; do
	command -v "$c" >/dev/null || fail "$c missing: tests/install-deps.sh package"
done

# ---- build, from a copy of the tree (dpkg-buildpackage writes into ..)
phase build
mkdir -p "$work/src" || exit 1
if git -C "$top" rev-parse >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -) |
		tar -xf - -C "$work/src" || fail "cannot copy the tree"
else
	tar -C "$top" --exclude=./build --exclude=./build-ci --exclude=./build-deb -cf - . |
		tar -xf - -C "$work/src" || fail "cannot copy the tree"
fi
[ -e "$work/src/debian" ] || ln -s packaging/debian "$work/src/debian"
(cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -40 "$work/build.log"
	fail "dpkg-buildpackage failed"
}
debs=()
for p in "${pkgs[@]}"; do
	f=$(ls "$work/${p}"_*.deb 2>/dev/null) || fail "no $p package built"
	debs+=("$f")
done
if [ -n "${VDS_DEB_OUT:-}" ]; then
	cp "${debs[@]}" "$VDS_DEB_OUT/" || fail "cannot copy the packages into $VDS_DEB_OUT"
	echo "deb: built in $(($(date +%s) - t0)) s into $VDS_DEB_OUT"
	exit 0
fi

phase lintian
lintian --fail-on error,warning --display-info "$work"/*.changes >"$work/lintian.log" 2>&1
rc=$?
grep -v '^running with root privileges' "$work/lintian.log"
[ "$rc" -eq 0 ] || fail "lintian reports errors or warnings"
echo "lintian: no error, no warning"
for f in "${debs[@]}"; do
	echo "--- $(basename "$f"):"
	dpkg-deb -c "$f" | awk '$1 !~ /^d/ { print "  " $6 ($7 != "" ? " " $7 " " $8 : "") }'
done

# ---- a fresh root
phase "fresh root"
mkdir -p "$root" || exit 1
tarball=${VDS_MINBASE_TAR:-/work/minbase/pristine.tar}
[ -r "$tarball" ] || tarball=$cache/minbase-bookworm.tar
if [ ! -r "$tarball" ]; then
	command -v debootstrap >/dev/null || fail "no minbase tarball and no debootstrap"
	echo "deb: no minbase tarball: debootstrap (cached in $tarball afterwards)"
	mkdir -p "$cache" || exit 1
	debootstrap --variant=minbase --cache-dir=/var/cache/apt/archives bookworm \
		"$work/boot" >"$work/debootstrap.log" 2>&1 || {
		tail -20 "$work/debootstrap.log"
		fail "debootstrap failed"
	}
	tar -C "$work/boot" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" || fail "cannot cache $tarball"
	rm -rf "${work:?}/boot"
fi
echo "deb: fresh root from $tarball"
tar -C "$root" -xf "$tarball" || fail "cannot extract $tarball"
# the host's apt sources, configuration and lists; its cache of .debs
rm -rf "$root/var/lib/apt/lists"
cp -a /var/lib/apt/lists "$root/var/lib/apt/lists" || exit 1
rm -rf "$root/etc/apt/sources.list" "$root/etc/apt/sources.list.d"
cp -a /etc/apt/sources.list.d "$root/etc/apt/sources.list.d" || exit 1
[ -e /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/"
cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/" 2>/dev/null
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# the cache is the host's: keep what is downloaded, and no host hook (such
# as docker-clean's "rm /var/cache/apt/archives/*.deb") runs in the root
cat >"$root/etc/apt/apt.conf.d/99zz-vdsd-test" <<'APT'
#clear DPkg::Post-Invoke;
#clear DPkg::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
APT::Keep-Downloaded-Packages "true";
Binary::apt::APT::Keep-Downloaded-Packages "true";
APT
mount -t proc proc "$root/proc" && mounted+=("$root/proc") || fail "cannot mount proc"
mount --bind /var/cache/apt/archives "$root/var/cache/apt/archives" &&
	mounted+=("$root/var/cache/apt/archives") || fail "cannot bind the apt cache"
# no service starts inside the root
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
# no lists on the host (apt-get update never ran there): the root's own
if [ -z "$(ls "$root"/var/lib/apt/lists/*Packages* 2>/dev/null)" ]; then
	in_root apt-get update -q >/dev/null || fail "apt-get update in the root failed"
fi

# the dependencies first, so that the file list before our packages can be
# compared with the one after their purge
deps=$(for f in "${debs[@]}"; do dpkg-deb -f "$f" Depends; done | tr ',' '\n' |
	sed 's/([^)]*)//; s/|.*//; s/ //g' | grep -v -x -e '' "${pkgs[@]/#/-e}" | sort -u)
# shellcheck disable=SC2086 # one package a word
in_root apt-get install -y -q --no-install-recommends $deps >"$work/deps.log" 2>&1 || {
	tail -20 "$work/deps.log"
	fail "cannot install the dependencies: $(echo $deps)"
}
snapshot() { # the root's files, without what apt and dpkg keep for themselves
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
		-o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./var/log \) \
		-prune -o -print | sort)
}
snapshot >"$work/before.txt"

# ---- install, run
phase install
mkdir -p "$root/tmp/debs" && cp "${debs[@]}" "$root/tmp/debs/" || exit 1
inroot_debs=()
for f in "${debs[@]}"; do inroot_debs+=("/tmp/debs/$(basename "$f")"); done
in_root apt-get install -y -q --no-install-recommends "${inroot_debs[@]}" >"$work/install.log" 2>&1 || {
	tail -30 "$work/install.log"
	fail "apt-get install of the packages failed"
}
out=$(in_root vdsd -t 2>&1) || fail "vdsd -t on the shipped configuration: $out"
echo "$out"
case $out in *"configuration is valid"*) ;; *) fail "vdsd -t said: $out" ;; esac
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' vdsd)
case $conffiles in *" /etc/vdsd/vdsd.conf "*) ;; *) fail "/etc/vdsd/vdsd.conf is not a conffile: $conffiles" ;; esac
[ -L "$root/etc/systemd/system/multi-user.target.wants/vdsd.service" ] ||
	fail "the unit is not enabled"
in_root /usr/lib/nagios/plugins/check_vds --version >/dev/null || fail "check_vds does not run"
in_root vdsctl --help >/dev/null 2>&1 || in_root vdsctl -h >/dev/null 2>&1 || fail "vdsctl does not run"
# collectd finds the plugin in its own directory (-T: load the plugins,
# read once, exit; without an Agent block the plugin's init then fails,
# which is not the point here)
printf 'LoadPlugin vds\n' >"$root/tmp/collectd.conf"
out=$(in_root collectd -T -C /tmp/collectd.conf 2>&1)
case $out in *'plugin "vds" successfully loaded'*) ;; *) fail "collectd cannot load vds: $out" ;; esac
# a missing file named with -c is an error, not "configuration is valid"
out=$(in_root vdsd -t -c /etc/vdsd/missing.conf 2>&1) && fail "vdsd -t on a missing file: $out"
case $out in *"cannot read /etc/vdsd/missing.conf"*) ;; *) fail "vdsd -t on a missing file said: $out" ;; esac
# without its configuration file vdsd starts on the defaults and says so
# (sim provider only; no snmpd here: it keeps retrying the master)
mv "$root/etc/vdsd/vdsd.conf" "$root/etc/vdsd/vdsd.conf.away" || exit 1
# chroot and env exec, so $! is vdsd itself (through the in_root function
# it would be a subshell, and killing that left vdsd running)
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
	vdsd -f >"$work/noconf.log" 2>&1 &
vpid=$!
for _ in $(seq 300); do
	grep -q "vdsd .* started" "$work/noconf.log" && break
	kill -0 "$vpid" 2>/dev/null || break
	sleep 0.1
done
kill "$vpid" 2>/dev/null
wait "$vpid"
vpid=
mv "$root/etc/vdsd/vdsd.conf.away" "$root/etc/vdsd/vdsd.conf" || exit 1
grep -q "/etc/vdsd/vdsd.conf does not exist: the built-in defaults apply" "$work/noconf.log" ||
	fail "vdsd without its configuration file: $(head -5 "$work/noconf.log")"
grep -q "vdsd .* started" "$work/noconf.log" ||
	fail "vdsd without its configuration file did not start: $(head -5 "$work/noconf.log")"
echo "installed: vdsd -t, check_vds, vdsctl and collectd -T with the plugin run;" \
	"vdsd starts on the defaults without its configuration file"

# ---- remove, purge
phase "remove, purge"
# what a running vdsd leaves: its state directory
mkdir -p "$root/var/lib/vdsd" && echo x >"$root/var/lib/vdsd/index.map" || exit 1
in_root apt-get remove -y -q "${pkgs[@]}" >"$work/remove.log" 2>&1 || {
	tail -20 "$work/remove.log"
	fail "apt-get remove failed"
}
[ -e "$root/etc/vdsd/vdsd.conf" ] || fail "remove took the conffile"
[ -e "$root/var/lib/vdsd/index.map" ] || fail "remove took the state"
[ -e "$root/usr/sbin/vdsd" ] && fail "remove left /usr/sbin/vdsd"
# dpkg: apt no longer knows a removed local package
in_root dpkg --purge "${pkgs[@]}" >"$work/purge.log" 2>&1 || {
	tail -20 "$work/purge.log"
	fail "dpkg --purge failed"
}
rm -rf "$root/tmp/debs" "$root/tmp/collectd.conf"
snapshot >"$work/after.txt"
if ! diff -u "$work/before.txt" "$work/after.txt" >"$work/left.diff"; then
	cat "$work/left.diff"
	fail "the purge left the root changed (above: - gone, + left)"
fi
echo "purged: the root's files are those before the install"
phase finished
echo "deb: PASS"
