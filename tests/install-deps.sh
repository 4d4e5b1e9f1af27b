#!/bin/sh
# install-deps.sh - install the Debian packages of packaging/deps-debian.txt
# that are not installed yet (apt-get update once, only when something is
# missing).  Changes nothing when all are there.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
list=${1:-$here/packaging/deps-debian.txt}
[ -r "$list" ] || { echo "install-deps: cannot read $list" >&2; exit 1; }

missing=
while read -r pkg cmd _; do
	case "$pkg" in '' | '#'*) continue ;; esac
	if [ -n "$cmd" ]; then
		command -v "$cmd" >/dev/null 2>&1 && continue
	fi
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
	[ "$status" = "install ok installed" ] && continue
	missing="$missing $pkg"
done <"$list"

if [ -z "$missing" ]; then
	echo "install-deps: all packages of ${list##*/} are installed"
	exit 0
fi
echo "install-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root to install them (apt-get install -y$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || exit 1
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
