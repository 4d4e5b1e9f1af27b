#!/bin/sh
# SPDX-License-Identifier: ISC
# guest.sh - second stage of the VM lane, run by init.sh inside the guest in
# a chroot of the host's root (overlaid with a tmpfs).  Sets up what a
# booted system has (/run, /dev/pts, udevd; checks loopback: a FATAL line
# with the reason when the guest cannot run the tests), runs /vmout/cmd.sh
# (written by run.sh: the test command and its environment) with its output
# on the console and in /vmout/log, writes the exit code into /vmout/rc and
# prints the result line run.sh looks for.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

mkdir -p /dev/pts /dev/shm
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
mount -t tmpfs -o mode=0755 run /run
mkdir -p /run/lock /run/udev /var/lock
hostname vdsvm

# fatal REASON: the guest cannot run the tests; say why, last, and stop.
fatal() {
	echo "vds-guest: FATAL: $*"
	echo 125 >/vmout/rc
	echo "VDS-VM-RESULT rc=125 ($*)"
	exit 0
}
# init.sh brought loopback up with busybox; the tests need it (snmpd, AgentX)
[ $(($(cat /sys/class/net/lo/flags 2>/dev/null || echo 0) & 1)) = 1 ] ||
	fatal "the loopback interface is down"

[ -x /lib/systemd/systemd-udevd ] || fatal "no /lib/systemd/systemd-udevd on the host (apt-get install udev)"
/lib/systemd/systemd-udevd >/vmout/udevd.log 2>&1 &
udevpid=$!
# ready when its control socket exists (no fixed sleep)
for _ in $(seq 100); do
	[ -S /run/udev/control ] && break
	sleep 0.1
done
[ -S /run/udev/control ] || fatal "systemd-udevd did not start: $(tail -n 3 /vmout/udevd.log)"
udevadm trigger --action=add >/dev/null 2>&1
udevadm settle --timeout=30

echo "vds-guest: kernel $(uname -r), disks: $(ls /sys/block | tr '\n' ' ')"
t0=$(date +%s)
/bin/bash /vmout/cmd.sh 2>&1 | tee /vmout/log
rc=$(cat /vmout/rc.cmd 2>/dev/null || echo 126)
echo "$rc" >/vmout/rc
echo "vds-guest: test took $(($(date +%s) - t0)) s"

kill "$udevpid" 2>/dev/null
sync
echo "VDS-VM-RESULT rc=$rc"
