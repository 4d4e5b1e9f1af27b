#!/bin/bash
# clients-completion.sh - the bash completion of vdsctl
# (packaging/bash-completion/vdsctl): completions after the agent, of object
# types, job subcommands, option values and each command's --options; every
# command and --option of `vdsctl --help` is known to it; `make install`
# puts it where bash-completion looks.  Needs no agent.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
COMP=$top_srcdir/packaging/bash-completion/vdsctl
VDSCTL=$top_builddir/vdsctl
failed=0
check_fail() { echo "FAIL: clients-completion: $*" >&2; failed=$((failed + 1)); }
[ -r "$COMP" ] && [ -x "$VDSCTL" ] || { echo "FAIL: $COMP or $VDSCTL missing" >&2; exit 1; }
# shellcheck source=../../packaging/bash-completion/vdsctl
. "$COMP"

# comp WORD...: what completing the last WORD offers, sorted, one line
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	_vdsctl
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
expect_comp() { # WANT WORD...
	local want=$1 got
	shift
	got=$(comp "$@")
	[ "$got" = "$want" ] || check_fail "completing \"$*\": expected \"$want\", got \"$got\""
}

expect_comp "list" vdsctl localhost l
expect_comp "show shrink status" vdsctl -v 2c -c public localhost s
expect_comp "show shrink status" vdsctl -v2c -cpublic udp:127.0.0.1:161 s
expect_comp "1 2c 3" vdsctl -v ""
expect_comp "authNoPriv authPriv" vdsctl -v3 -l auth
expect_comp "" vdsctl l
expect_comp "disks" vdsctl localhost list d
expect_comp "pack partition plex" vdsctl localhost show p
expect_comp "cancel" vdsctl localhost job c
expect_comp "--offset" vdsctl localhost create-partition 1 1G --o
expect_comp "--wait" vdsctl localhost delete-partition 3 --wa
expect_comp "--yes" vdsctl localhost delete-volume 3 --y
expect_comp "mirror" vdsctl localhost create-volume 1G --layout m
expect_comp "--json" vdsctl --j

# Everything --help lists is known to the completion.
help=$("$VDSCTL" --help) || check_fail "vdsctl --help failed"
cmds=$(sed -n '/^Commands:/,/^Options:/p' <<<"$help" | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p; s/^  \([a-z][a-z-]*\)$/\1/p' |
	sort -u)
[ -n "$cmds" ] || check_fail "no commands in vdsctl --help"
for c in $cmds; do
	[ "$(comp vdsctl localhost "$c")" = "$c" ] || check_fail "command $c of --help is not completed"
done
for o in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
	found=0
	for c in "" $cmds; do
		case " $(comp vdsctl localhost ${c:+"$c"} --) " in *" $o "*) found=1 && break ;; esac
	done
	[ "$found" = 1 ] || check_fail "option $o of --help is not completed"
done

# make install puts it in bash-completion's completions directory as vdsctl.
dest=$(mktemp -d "${TMPDIR:-/tmp}/vdsd-completion.XXXXXX") || exit 1
trap 'rm -rf "$dest"' EXIT
make -s -C "$top_builddir" install-dist_bashcompletionDATA DESTDIR="$dest" >/dev/null ||
	check_fail "make install-dist_bashcompletionDATA failed"
found=$(find "$dest" -path '*/bash-completion/completions/vdsctl' -type f)
[ -n "$found" ] || check_fail "no */bash-completion/completions/vdsctl installed: $(find "$dest" -type f)"
cmp -s "$found" "$COMP" || check_fail "the installed completion differs from $COMP"

[ "$failed" -eq 0 ] || { echo "FAIL: clients-completion: $failed check(s) failed" >&2; exit 1; }
echo "# clients-completion: all checks passed"
