#!/bin/sh
# SPDX-License-Identifier: ISC
# init.sh - /init of the VM lane's busybox initramfs (PID 1 in the guest).
#
# Loads the virtio/9p/overlay modules packed into the initramfs, mounts the
# host's root read-only over 9p (tag hostroot) under a tmpfs overlay (so the
# guest may write anywhere, and still sees what the host keeps in /tmp),
# makes the unpacked kernel's module tree the guest's, loads the storage
# modules, brings up loopback (FATAL when it cannot), mounts the writable result share (tag vdsout) at /vmout and runs
# the host's tests/vm/guest.sh in a chroot.  Then it powers off.
# Kernel command line: vds.kver=VERSION vds.modtree=DIR vds.guest=PATH
# vds.mods=a,b,c (storage modules to load).
PATH=/bin:/sbin
export PATH

say() { echo "vds-init: $*" >/dev/console; }

die() {
	say "FATAL: $*"
	echo "VDS-VM-RESULT rc=125" >/dev/console
	poweroff -f
}

arg() { # NAME: the value of vds.NAME= on the kernel command line
	for w in $(cat /proc/cmdline); do
		case "$w" in "vds.$1="*) echo "${w#vds.$1=}" ;; esac
	done
}

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
kver=$(arg kver)
modtree=$(arg modtree)
guest=$(arg guest)
for m in virtio_pci virtio_blk 9pnet_virtio 9p overlay; do
	modprobe "$m" || die "cannot load $m"
done

mkdir -p /lower /rw /root
# cache=loose: the guest keeps the host's files in its page cache instead of
# asking qemu for every read and lookup (each a round trip through qemu's
# main loop, the lane's bottleneck under TCG); safe for this read-only
# mount: nothing the guest reads from it changes while it runs (its results
# go to the vdsout share, mounted without a cache).  vds.9pcache=none
# (VDS_VM_9P_CACHE=none) goes back to no caching.
p9cache=$(arg 9pcache)
mount -t 9p -o "trans=virtio,version=9p2000.L,ro,msize=262144,cache=${p9cache:-loose}" hostroot /lower ||
	die "cannot mount the host root over 9p"
mount -t tmpfs -o size=1g,mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work,xino=off overlay /root ||
	die "cannot mount the overlay root"

# The kernel package's modules, for us (modprobe helper) and for the guest.
[ -d "/lower$modtree" ] || die "no module tree $modtree"
mount -o bind "/lower$modtree" "/lib/modules/$kver"
mkdir -p "/root/lib/modules/$kver"
mount -o bind "/lower$modtree" "/root/lib/modules/$kver"
echo /sbin/modprobe >/proc/sys/kernel/modprobe
for m in $(arg mods | tr , ' '); do
	modprobe "$m" || say "warning: cannot load $m"
done

# Loopback (snmpd and every SNMP/AgentX test need 127.0.0.1) with the
# initramfs's busybox: the host root may have neither iproute2 nor net-tools.
ip link set lo up || die "cannot bring up the loopback interface (busybox ip link set lo up)"
ip -4 addr show dev lo | grep -q 'inet 127\.0\.0\.1/' ||
	die "loopback has no 127.0.0.1 after ip link set lo up: $(ip -4 addr show dev lo | tr '\n' ' ')"

# vds.init=systemd (run.sh -S): systemd becomes PID 1 on /root (no return)
# shellcheck source=tests/vm/init-systemd.sh
[ "$(arg init)" = systemd ] && . "/lower${guest%/*}/init-systemd.sh"
mount -t proc proc /root/proc
mount -t sysfs sys /root/sys
mount -t devtmpfs dev /root/dev
mkdir -p /root/vmout
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vdsout /root/vmout ||
	die "cannot mount the result share"
say "root ready, running $guest"
chroot /root /bin/sh "$guest"
say "guest script ended ($?)"
sync
umount /root/vmout 2>/dev/null
poweroff -f
