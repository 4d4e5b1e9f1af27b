#!/bin/bash
# SPDX-License-Identifier: ISC
# under-load.sh [-n BURNERS] CMD [ARG...] - run CMD while BURNERS busy
# loops (default: one per core) keep every core of the machine busy, the way
# a loaded CI host or a user's busy machine would.  The burners are stopped
# by their PIDs when CMD ends, also when it fails or is interrupted; the
# exit status is CMD's.  Example: tests/under-load.sh make -C build check
set -u

n=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = -n ]; then
	n=${2:?-n needs a number}
	shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [-n BURNERS] CMD [ARG...]" >&2; exit 2; }

pids=()
stop() {
	[ "${#pids[@]}" -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	pids=()
}
trap stop EXIT
trap 'exit 130' INT TERM
for ((i = 0; i < n; i++)); do
	sh -c 'while :; do :; done' &
	pids+=($!)
done
echo "under-load: $n CPU burners (pids ${pids[*]}) while: $*" >&2
"$@"
rc=$?
echo "under-load: $* exited $rc; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
