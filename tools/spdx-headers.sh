#!/bin/sh
# SPDX-License-Identifier: ISC
# spdx-headers.sh [--check] - put "SPDX-License-Identifier: ISC" as the
# first comment line of every source file git tracks, in the comment syntax
# of its language.  Idempotent: a file that already names an SPDX licence in
# its first 5 lines is left alone, so it can be run again after a merge.
# With --check nothing is written; the status is 1 when a file lacks one.
#
# What counts as source (test data, fuzz corpora and generated maps do not):
#   C              *.c *.h             /* SPDX-License-Identifier: ISC */
#   shell, awk     *.sh *.awk, scripts with a #! line, .ci/run
#                                      # ... (after a #! or "# shellcheck" line)
#   automake/conf  Makefile.am, *.service.in, *.conf, *.conf.example,
#                  *.yaml, .clang-format, *.supp, packaging/deps-*.txt,
#                  .shellcheckrc       # ...
#   autoconf       configure.ac        dnl ...
#   man pages      *.[1-8]             .\" ...
#   the MIB        mibs/*.txt          -- ...
# Run from anywhere inside the work tree: tools/spdx-headers.sh
set -eu

id="SPDX-License-Identifier: ISC"
check=0
[ "${1:-}" = --check ] && check=1
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$top"

# comment_for PATH: the comment line for PATH, or nothing to skip it
comment_for() {
	case $1 in
	tests/fuzz/corpus/* | tests/unit/lvm/* | tests/mib/oids.map) return 0 ;;
	*.c | *.h) echo "/* $id */" ;;
	configure.ac) echo "dnl $id" ;;
	*.[1-8]) echo ".\\\" $id" ;;
	mibs/*.txt) echo "-- $id" ;;
	*.sh | *.awk | */Makefile.am | Makefile.am | *.service.in | *.conf | *.conf.example | \
		*.yaml | .clang-format | *.supp | packaging/deps-*.txt | *.shellcheckrc | .ci/run)
		echo "# $id" ;;
	*)
		# other scripts: by their #! line
		if head -c 2 "$1" 2>/dev/null | grep -q '^#!'; then echo "# $id"; fi
		;;
	esac
}

git ls-files -z | xargs -0 -n1 printf '%s\n' | while IFS= read -r f; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	line=$(comment_for "$f")
	[ -n "$line" ] || continue
	head -n 5 "$f" | grep -q 'SPDX-License-Identifier:' && continue
	if [ "$check" -eq 1 ]; then
		echo "no SPDX identifier: $f"
		echo 1 >"${TMPDIR:-/tmp}/spdx-missing.$$"
		continue
	fi
	tmp=$f.spdx-tmp
	first=$(head -n 1 "$f")
	case $first in
	'#!'* | '# shellcheck '*)
		# the interpreter line and shellcheck's file directive stay first
		{ printf '%s\n%s\n' "$first" "$line"; tail -n +2 "$f"; } >"$tmp" ;;
	*)
		{ printf '%s\n' "$line"; cat "$f"; } >"$tmp" ;;
	esac
	chmod --reference="$f" "$tmp"
	mv "$tmp" "$f"
	echo "spdx: $f"
done
if [ -e "${TMPDIR:-/tmp}/spdx-missing.$$" ]; then
	rm -f "${TMPDIR:-/tmp}/spdx-missing.$$"
	exit 1
fi
exit 0
