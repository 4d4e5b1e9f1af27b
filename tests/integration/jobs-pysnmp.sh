#!/bin/bash
# jobs-pysnmp.sh - vdsJobTable's SET contract checked by a manager that
# shares no code with Net-SNMP: tests/integration/jobs_pysnmp.py on pysnmp
# (Debian python3-pysnmp4).  The bad-SET matrix rows of issue 13, multi-row
# admission, createAndWait -> active, a retried createAndGo and the reason
# of every refusal; each refused SET is followed by a walk proving nothing
# changed.  Skipped (77) only when pysnmp is missing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

# Debian's pysnmp is in the system python; another python3 first in PATH
# (pyenv, a venv) may not see it.
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import pysnmp.hlapi' >/dev/null 2>&1; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "######################################################################"
	echo "## SKIP: pysnmp is not installed (Debian package python3-pysnmp4); ##"
	echo "## the independent-manager checks did NOT run.                     ##"
	echo "## apt-get install python3-pysnmp4                                 ##"
	echo "######################################################################"
	exit 77
fi
vds_require_vdsd
. "$top_srcdir/tests/integration/jobs-lib.sh"
T0=$(now_ms)

jobs_start_vdsd 2 1

D_SIM1=$(inv_index 2 "$C_DISK_NAME" sim1) || fail "no sim1 disk"
VDS_PORT=$VDS_MASTER_PORT VDS_DISK=$D_SIM1 VDS_IMG=$VDS_TMP/state/sim VDS_HOLD=$VDS_HOLD \
	"$PY" "$top_srcdir/tests/integration/jobs_pysnmp.py" >"$VDS_TMP/pysnmp.out" 2>&1
rc=$?
cat "$VDS_TMP/pysnmp.out"
[ "$rc" = 0 ] || check_fail "jobs_pysnmp.py: exit status $rc"

vds_stop_vdsd
note "jobs-pysnmp took $(($(now_ms) - T0)) ms"
vds_finish
