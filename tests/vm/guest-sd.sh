#!/bin/sh
# SPDX-License-Identifier: ISC
# guest-sd.sh - what tests/vm/guest.sh is to the chroot guest, for a guest
# booted by systemd (tests/vm/run.sh -S, tests/vm/init-systemd.sh): run by
# vds-lane.service once basic.target is up (udevd, journald: systemd's).
# Runs /vmout/cmd.sh with its output on the console and in /vmout/log,
# writes the exit code into /vmout/rc, its time as a part line into
# /vmout/summary (run.sh prints it) and the result line run.sh looks for;
# the unit powers the guest off when this ends.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022
hostname vdsvm

echo "vds-guest: $(systemctl --version | head -n 1), kernel $(uname -r), disks: $(ls /sys/block | tr '\n' ' ')"
t0=$(date +%s)
/bin/bash /vmout/cmd.sh 2>&1 | tee /vmout/log
rc=$(cat /vmout/rc.cmd 2>/dev/null || echo 126)
echo "$rc" >/vmout/rc
took=$(($(date +%s) - t0))
[ "$rc" = 0 ] && res=PASS || res="FAIL($rc)"
printf '  %-16s %-8s %4s s\n' systemd "$res" "$took" >>/vmout/summary
echo "vds-guest: test took $took s"
sync
echo "VDS-VM-RESULT rc=$rc"
