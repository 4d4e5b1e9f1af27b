# shellcheck shell=sh
# SPDX-License-Identifier: ISC
# init-systemd.sh - sourced by tests/vm/init.sh (PID 1 of the initramfs)
# when the kernel command line says vds.init=systemd (tests/vm/run.sh -S):
# the host's own systemd boots the overlay root (/root) as PID 1, into
# vds-lane.target: basic.target (udevd, journald, tmpfiles, ... of the host's
# units) and vds-lane.service, which runs tests/vm/guest-sd.sh (the test
# command) and powers the guest off when it ends, whatever its result.
# Does not return.
here=${guest:?}
here=${here%/*}
[ -x /root/lib/systemd/systemd ] || die "no /lib/systemd/systemd on the host (apt-get install systemd)"
u=/root/etc/systemd/system
mkdir -p "$u" || die "cannot write $u"
cat >"$u/vds-lane.target" <<UNIT
[Unit]
Description=vdsd VM lane (systemd as init)
Requires=basic.target vds-lane.service
After=basic.target vds-lane.service
AllowIsolate=yes
UNIT
cat >"$u/vds-lane.service" <<UNIT
[Unit]
Description=vdsd VM lane: the test command
After=basic.target
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=oneshot
ExecStart=/bin/sh $here/guest-sd.sh
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/console
TTYReset=no
TTYVHangup=no
TimeoutStartSec=infinity
UNIT
# The host's /tmp stays visible (the packages are there, as guest.sh's
# guests see it): no "D /tmp" cleaning at boot, which would also walk it
# over 9p for minutes.  No timers (apt, man-db, fstrim ...) during the test.
mkdir -p /root/etc/tmpfiles.d && : >/root/etc/tmpfiles.d/tmp.conf || die "cannot override tmp.conf"
ln -sf /dev/null "$u/timers.target"
mkdir -p /root/vmout
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vdsout /root/vmout ||
	die "cannot mount the result share"
# what systemd would mount itself, moved (switch_root leaves mounts behind)
for m in proc sys dev; do
	mount --move "/$m" "/root/$m" || die "cannot move /$m into the new root"
done
# a machine, not the container the host may be (systemd would detect "docker")
rm -f /root/.dockerenv
say "root ready, booting systemd into vds-lane.target"
exec switch_root /root /lib/systemd/systemd --unit=vds-lane.target --show-status=no
