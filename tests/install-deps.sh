#!/bin/sh
# SPDX-License-Identifier: ISC
# install-deps.sh [PURPOSE...] - install the Debian packages of
# packaging/deps-debian.txt for PURPOSEs (build, run, mibs, test, lint, vm;
# "all", the default, is every section) that are not installed yet
# (apt-get update once, only when something is missing).  Changes nothing
# when all are there.  VDS_DEPS_LIST names another list.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
list=${VDS_DEPS_LIST:-$here/packaging/deps-debian.txt}
[ -r "$list" ] || { echo "install-deps: cannot read $list" >&2; exit 1; }
[ $# -gt 0 ] || set -- all
want=" $* "
for p in "$@"; do
	[ "$p" = all ] || grep -q "^\[$p\]\$" "$list" ||
		{ echo "install-deps: no section [$p] in $list" >&2; exit 2; }
done

missing=
section=
while read -r pkg cmd _; do
	case "$pkg" in
	'' | '#'*) continue ;;
	'['*']') section=${pkg#[} section=${section%]} && continue ;;
	esac
	case "$want" in *" all "* | *" $section "*) ;; *) continue ;; esac
	if [ -n "$cmd" ]; then
		command -v "$cmd" >/dev/null 2>&1 && continue
	fi
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
	[ "$status" = "install ok installed" ] && continue
	case " $missing " in *" $pkg "*) continue ;; esac
	missing="$missing $pkg"
done <"$list"

if [ -z "$missing" ]; then
	echo "install-deps: the packages for $* are installed"
	exit 0
fi
echo "install-deps: installing (for $*):$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root to install them (apt-get install -y$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || exit 1
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
