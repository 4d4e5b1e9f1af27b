#!/bin/sh
# SPDX-License-Identifier: ISC
# fetch-base-mibs.sh DESTDIR - put the IETF base modules VDS-MIB needs
# (SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF, and SNMPv2-MIB when present) into
# DESTDIR as NAME.txt.  Debian strips them from its snmp packages; they are
# taken from the npm package net-snmp (package/lib/mibs/NAME.mib), with
# curl when installed, else with npm.
#
# Idempotent: modules already in DESTDIR are kept, so it works offline once
# fetched.  If VDS_BASE_MIBS_DIR is set, it is used as a cache: modules are
# copied from it when there, and what is fetched is stored in it too.
# Never commit the fetched files.
set -eu

NEEDED="SNMPv2-SMI SNMPv2-TC SNMPv2-CONF"
OPTIONAL="SNMPv2-MIB"

die() {
	echo "fetch-base-mibs: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 DESTDIR"
dest=$1
mkdir -p "$dest" || die "cannot create $dest"
cache=${VDS_BASE_MIBS_DIR:-}
if [ -n "$cache" ]; then
	mkdir -p "$cache" 2>/dev/null || true
fi

# Copy from the cache what DESTDIR lacks; list what is still missing.
missing=
for m in $NEEDED; do
	[ -s "$dest/$m.txt" ] && continue
	if [ -n "$cache" ] && [ -s "$cache/$m.txt" ]; then
		cp "$cache/$m.txt" "$dest/$m.txt.tmp" && mv "$dest/$m.txt.tmp" "$dest/$m.txt"
		continue
	fi
	missing="$missing $m"
done
for m in $OPTIONAL; do
	if [ ! -s "$dest/$m.txt" ] && [ -n "$cache" ] && [ -s "$cache/$m.txt" ]; then
		cp "$cache/$m.txt" "$dest/$m.txt"
	fi
done
[ -z "$missing" ] && exit 0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vds-basemibs.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
fixit="  To fix: make the npm registry reachable (a proxy: https_proxy for curl,
  npm config set https-proxy for npm), or put SNMPv2-SMI.txt, SNMPv2-TC.txt
  and SNMPv2-CONF.txt (from any net-snmp or libsmi copy) into a directory
  and set VDS_BASE_MIBS_DIR to it."

# curl (small) when there, else npm: the same tarball from the npm registry.
if command -v curl >/dev/null 2>&1; then
	reg=${npm_config_registry:-https://registry.npmjs.org/}
	reg=${reg%/}
	if ! curl -fsS --retry 2 --max-time 60 -o "$tmp/latest.json" "$reg/net-snmp/latest" 2>"$tmp/curl.err"; then
		die "cannot read $reg/net-snmp/latest: $(cat "$tmp/curl.err")
$fixit"
	fi
	url=$(sed -n 's/.*"tarball": *"\([^"]*\)".*/\1/p' "$tmp/latest.json" | head -n 1)
	[ -n "$url" ] || die "no tarball address in $reg/net-snmp/latest"
	curl -fsS --retry 2 --max-time 120 -o "$tmp/${url##*/}" "$url" 2>"$tmp/curl.err" ||
		die "cannot download $url: $(cat "$tmp/curl.err")
$fixit"
elif command -v npm >/dev/null 2>&1; then
	# Not --silent: when the registry cannot be reached npm says why only
	# at its normal log level.  A short fetch timeout: offline fails fast.
	if ! (cd "$tmp" && npm pack --loglevel=error --fetch-retries=1 --fetch-timeout=30000 \
		net-snmp >npm.out 2>npm.err); then
		why=$(grep -Eiv '^npm (ERR!|error) *$|complete log of this run|^npm (ERR!|error) +at ' \
			"$tmp/npm.err" 2>/dev/null | head -n 6)
		die "npm pack net-snmp failed (registry $(npm config get registry 2>/dev/null)):
${why:-  (npm printed nothing)}
$fixit"
	fi
else
	die "neither curl nor npm is installed: cannot fetch$missing (apt-get install curl)
$fixit"
fi
tgz=
for f in "$tmp"/net-snmp-*.tgz; do
	[ -f "$f" ] && tgz=$f
done
[ -n "$tgz" ] || die "no net-snmp tarball was fetched"
tar -xzf "$tgz" -C "$tmp" || die "cannot unpack $tgz"

for m in $NEEDED $OPTIONAL; do
	src="$tmp/package/lib/mibs/$m.mib"
	if [ ! -s "$src" ]; then
		case " $NEEDED " in
		*" $m "*) die "$m.mib is not in $(basename "$tgz")" ;;
		*) continue ;;
		esac
	fi
	# Tests fetch in parallel: each copy has a name of its own, and the
	# rename puts a whole file in place whoever comes last.
	if [ ! -s "$dest/$m.txt" ]; then
		cp "$src" "$dest/$m.txt.$$" && mv -f "$dest/$m.txt.$$" "$dest/$m.txt"
	fi
	if [ -n "$cache" ] && [ ! -s "$cache/$m.txt" ]; then
		if cp "$src" "$cache/$m.txt.$$" 2>/dev/null; then
			mv -f "$cache/$m.txt.$$" "$cache/$m.txt"
		fi
	fi
done
echo "fetch-base-mibs: fetched$missing from the npm package $(basename "$tgz" .tgz) into $dest"
