#!/bin/sh
# guest.sh - second stage of the VM lane, run by init.sh inside the guest in
# a chroot of the host's root (overlaid with a tmpfs).  Sets up what a
# booted system has (/run, /dev/pts, loopback, udevd), runs /vmout/cmd.sh
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
# Loopback: iproute2's ip where installed, else busybox's (busybox-static is
# a dependency of the lane; minbase Debian has neither ip nor ifconfig).
# snmpd and every test need it: without it the lane stops here, saying so.
if command -v ip >/dev/null 2>&1; then
	ip link set lo up
else
	busybox ip link set lo up
fi
lo_flags=$(cat /sys/class/net/lo/flags 2>/dev/null || echo 0)
if [ $((lo_flags & 1)) -eq 0 ]; then
	echo "vds-guest: FATAL: cannot bring up loopback (lo flags $lo_flags; no ip, no busybox ip?)"
	echo 125 >/vmout/rc
	echo "VDS-VM-RESULT rc=125"
	exit 1
fi

udevpid=
if [ -x /lib/systemd/systemd-udevd ]; then
	/lib/systemd/systemd-udevd >/vmout/udevd.log 2>&1 &
	udevpid=$!
	sleep 1
	udevadm trigger --action=add >/dev/null 2>&1
	udevadm settle --timeout=30
fi

echo "vds-guest: kernel $(uname -r), disks: $(ls /sys/block | tr '\n' ' ')"
t0=$(date +%s)
/bin/bash /vmout/cmd.sh 2>&1 | tee /vmout/log
rc=$(cat /vmout/rc.cmd 2>/dev/null || echo 126)
echo "$rc" >/vmout/rc
echo "vds-guest: test took $(($(date +%s) - t0)) s"

[ -n "$udevpid" ] && kill "$udevpid" 2>/dev/null
sync
echo "VDS-VM-RESULT rc=$rc"
