# shellcheck shell=bash
# SPDX-License-Identifier: ISC
# ci-lib.sh - what tests/ci.sh uses to make make check readable while it
# runs and after: one line per test as it finishes (result, seconds, name),
# and for each failed test the first failure of its log and a tail with the
# LeakSanitizer reports elided.  Sourced by tests/ci.sh; bash.
#
# Per-test seconds: make check runs with TESTS_ENVIRONMENT=$CI_TESTS_ENV,
# which appends "NAME DIR START-MS" to $CI_STAMPS as each test starts; the
# automake harness prints "PASS: NAME" when it ends.

CI_STAMPS=${CI_STAMPS:-/dev/null}
# shellcheck disable=SC2016,SC2034 # for make, expanded by the test rule's shell
CI_TESTS_ENV='echo "$$b $$PWD $$(date +%s%3N)" >>"$$CI_STAMPS";'
export CI_STAMPS

ci_now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((t / 1000)); }

# ci_secs MS: "12.3"
ci_secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# ci_skip_reason LOG: why a test skipped, from its own words.
ci_skip_reason() {
	[ -r "$1" ] || return 0
	grep -v '(exit status: 77)$' "$1" | grep -i -m1 'skip' | sed 's/^[* ]*//; s/ *\*\*\*$//' | cut -c1-110
}

# ci_progress RESULTS: make's output on stdin goes to stdout unchanged; for
# each test that ends, a line "  RESULT  SECONDS  NAME" on fd 3 and
# "RESULT NAME DIR SECONDS" appended to RESULTS.
ci_progress() {
	local results=$1 line res name dir t0 secs why
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		PASS:\ * | FAIL:\ * | SKIP:\ * | XFAIL:\ * | XPASS:\ * | ERROR:\ *) ;;
		*) continue ;;
		esac
		# not a test: "ERROR: files left in build directory after distclean:"
		case $line in *:) continue ;; esac
		res=${line%%:*} name=${line#*: }
		name=${name%% *}
		read -r dir t0 < <(awk -v n="$name" '$1 == n { d = $2; t = $3 } END { print d, t }' "$CI_STAMPS" 2>/dev/null)
		secs='?'
		[ -n "${t0:-}" ] && secs=$(ci_secs $(($(ci_now_ms) - t0)))
		dir=${dir:-$PWD}
		echo "$res $name $dir $secs" >>"$results"
		why=
		case $res in
		SKIP) why=$(ci_skip_reason "$dir/$name.log") ;;
		FAIL | ERROR | XPASS) why="log: $dir/$name.log" ;;
		esac
		printf '  %-5s %6ss  %s%s\n' "$res" "$secs" "$name" "${why:+  ($why)}" >&3
	done
}

# ci_elide_lsan: stdin to stdout, each LeakSanitizer report replaced by one
# line (a leak after a failed assertion says nothing about the failure).
ci_elide_lsan() {
	awk '
	/ERROR: LeakSanitizer/ { inlsan = 1; n = 0 }
	inlsan { n++
		if ($0 ~ /^SUMMARY: AddressSanitizer: .*leaked/) {
			print "[LeakSanitizer report elided: " n " lines; " $0 "]"; inlsan = 0
		}
		next }
	{ print }
	END { if (inlsan) print "[LeakSanitizer report elided: " n " lines, unfinished]" }'
}

# The lines that say what failed: the harness (lib.sh FAIL:), CUnit
# (...FAILED, "N. file.c:LINE  - expr"), TAP, sanitizers other than leaks,
# assert(3), a missing command.
CI_FAIL_RE='^FAIL: |\.\.\.FAILED|^ *[0-9]+\. [^ ]+:[0-9]+ +- |^not ok|runtime error:|ERROR: AddressSanitizer|Assertion .* failed|: not found$|[Tt]imed? ?out'

# ci_show_log_failure LOG [TAIL]: the first failing lines of LOG, then its
# last TAIL lines (40) with the LeakSanitizer reports elided.
ci_show_log_failure() {
	local log=$1 n=${2:-40} first
	if [ ! -r "$log" ]; then
		echo "    (no log $log)"
		return 0
	fi
	first=$(tr -d '\r' <"$log" | grep -n -E -m 8 "$CI_FAIL_RE")
	if [ -n "$first" ]; then
		echo "  first failure (line: text):"
		printf '%s\n' "$first" | cut -c1-200 | sed 's/^/    /'
	fi
	echo "  last $n lines (LeakSanitizer reports elided):"
	tr -d '\r' <"$log" | ci_elide_lsan | tail -n "$n" | cut -c1-300 | sed 's/^/    /'
}

# ci_show_failures RESULTS: each failed test of RESULTS with its own log.
ci_show_failures() {
	local res name dir secs
	[ -r "$1" ] || return 0
	while read -r res name dir secs; do
		case $res in FAIL | ERROR | XPASS) ;; *) continue ;; esac
		printf -- '--- %s %s (%ss), log %s\n' "$res" "$name" "$secs" "$dir/$name.log"
		ci_show_log_failure "$dir/$name.log"
	done <"$1"
}

# ci_count RESULTS RESULT...: how many tests of RESULTS ended so.
ci_count() {
	local f=$1
	shift
	[ -r "$f" ] || { echo 0; return 0; }
	awk -v want=" $* " 'index(want, " " $1 " ") { n++ } END { print n + 0 }' "$f"
}
