#!/bin/bash
# SPDX-License-Identifier: ISC
# guest-systemd.sh DEBDIR - runs INSIDE a guest that systemd booted as PID 1
# (tests/vm/run.sh -S -n 3, from tests/vm/vm-systemd.sh): the vdsd and
# vdsd-clients packages of this tree (built into DEBDIR) installed with
# dpkg -i as on a fresh Debian system, started by systemd behind the host's
# stock snmpd with the packaged snmpd snippet (its createUser line enabled,
# as the README says), configured for the real providers:
#   the postinst starts the unit (and snmpd with it) and it reaches active
#   (Type=notify READY=1), status "serving ...", the tables answer at once
#   (READY came after the registration), NoNewPrivs and a seccomp filter on
#   vdsd;
#   under the HARDENED unit, a job of each real provider through SNMPv3:
#   basic: createPartition on /dev/vda (a virtio disk: /dev/vda1 appears,
#   blkid and lsblk see it); vdisk: createVDisk
#   and attachVDisk (a loop device, its first and last block read; the
#   image directory, an ext4 on /dev/vdc, given by a drop-in
#   ReadWritePaths= as the unit says), and on overlayfs over tmpfs (readable
#   or failed with the reason), a dynamic VHD attached through vdsd-nbd
#   (outside vdsd.service's cgroup, still served and read back after
#   systemctl restart vdsd, detached, qemu reads the data); lvm:
#   createVolume in vg0 on /dev/vdb, a btrfs volume formatted and extended
#   (vdsd's own mount, under /run/vdsd, in its namespace);
#   systemctl reload: a changed jobMaxRunning reads back in vdsJobMaxRunning;
#   systemctl stop: result success, exit status 0, no SIGKILL.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/jobs-lib.sh"

[ "${VDS_VM:-}" = 1 ] || skip "runs only inside the VM lane (tests/vm/vm-systemd.sh)"
[ -d /run/systemd/system ] || fail "systemd is not PID 1 here (tests/vm/run.sh -S boots it)"
DEBS=${1:?usage: guest-systemd.sh DEBDIR}
vds_ensure_mibs
t0=$(date +%s)
say() { echo "=== systemd part +$(($(date +%s) - t0)) s: $*"; }
sd_dump() {
	systemctl status --no-pager -l vdsd snmpd 2>&1 | tail -n 40
	journalctl -b --no-pager -o short-monotonic -u vdsd -u snmpd 2>&1 | tail -n 80
}
vds_on_exit 'if [ "$rc" -ne 0 ]; then sd_dump; fi'
prop() { systemctl show -p "$1" --value vdsd; } # PROPERTY of vdsd.service
is_active() { [ "$(prop ActiveState)" = active ]; }
expect_active() { # WHAT
	expect_eq "$1: vdsd.service ActiveState/SubState" "active running" "$(prop ActiveState) $(prop SubState)"
}

# ---- before the install, as an administrator would prepare the host: the
# configuration (kept by dpkg: --force-confold), snmpd as master with the
# packaged snippet (createUser enabled as the README says), a drop-in for
# the image directory (ReadWritePaths=, as the unit says), a GPT on /dev/vda,
# vg0 on /dev/vdb, an ext4 on /dev/vdc for the images
say "prepare"
AUTH=vds-lane-auth-1 PRIV=vds-lane-priv-1
VDEB=$(ls "$DEBS"/vdsd_*.deb) || fail "no vdsd package in $DEBS"
mkdir -p /etc/vdsd /srv/vdsd /etc/systemd/system/vdsd.service.d
dpkg-deb --fsys-tarfile "$VDEB" | tar -xOf - ./usr/share/vdsd/vdsd-snmpd.conf |
	sed -e "s|^# *createUser vdsadmin SHA-256 \"[^\"]*\" AES \"[^\"]*\"|createUser vdsadmin SHA-256 \"$AUTH\" AES \"$PRIV\"|" \
		>/etc/snmp/snmpd.conf.d/vdsd.conf
grep -q '^createUser vdsadmin' /etc/snmp/snmpd.conf.d/vdsd.conf || fail "the snippet's createUser line did not match"
printf '[Service]\nReadWritePaths=/srv/vdsd\n' >/etc/systemd/system/vdsd.service.d/images.conf
cat >/etc/vdsd/vdsd.conf <<'CONF'
provider basic
provider vdisk
provider lvm
allowDevice /dev/vda
allowDevice /dev/vdb
vdiskRoot /srv/vdsd/vdisks
jobMaxRunning 2
CONF
printf 'label: gpt\n' | sfdisk -q /dev/vda || fail "sfdisk /dev/vda"
pvcreate -q /dev/vdb && vgcreate -q vg0 /dev/vdb || fail "vg0 on /dev/vdb"
mkfs.ext4 -q /dev/vdc && mount /dev/vdc /srv/vdsd && mkdir /srv/vdsd/vdisks || fail "ext4 on /dev/vdc at /srv/vdsd"
# an image directory on overlayfs over tmpfs (a container's root): Linux 6.1
# accepts direct I/O for a loop device there, then fails every read
mkdir -p /run/vds-ovl /srv/vdsd/vdisks/ovl && mount -t tmpfs -o size=64m tmpfs /run/vds-ovl &&
	mkdir /run/vds-ovl/l /run/vds-ovl/u /run/vds-ovl/w &&
	mount -t overlay overlay -o lowerdir=/run/vds-ovl/l,upperdir=/run/vds-ovl/u,workdir=/run/vds-ovl/w \
		/srv/vdsd/vdisks/ovl || fail "overlayfs over tmpfs at /srv/vdsd/vdisks/ovl"

# ---- install: the postinst enables and starts vdsd, which pulls in snmpd.  A
# Debian system has no policy-rc.d (the host's, a container's, says "no
# start"), and the man-db trigger would rebuild the host's whole index.
say "dpkg -i"
rm -f /usr/sbin/policy-rc.d /var/lib/man-db/auto-update
dpkg -i --force-confold "$VDEB" "$DEBS"/vdsd-clients_*.deb >"$VDS_TMP/dpkg.log" 2>&1 || {
	cat "$VDS_TMP/dpkg.log"
	fail "dpkg -i of the packages failed"
}
expect_eq "enabled by the package" enabled "$(systemctl is-enabled vdsd)"
expect_active "started by the postinst"
expect_eq "snmpd pulled in" active "$(systemctl is-active snmpd)"
# start to ready (READY=1), as systemd measured it
ready_ms() { # UNIT
	local a b
	a=$(systemctl show -p ExecMainStartTimestampMonotonic --value "$1")
	b=$(systemctl show -p ActiveEnterTimestampMonotonic --value "$1")
	echo $(((b - a) / 1000))
}
note "start to ready: snmpd $(ready_ms snmpd) ms, vdsd $(ready_ms vdsd) ms (dpkg -i: +$(($(date +%s) - t0)) s)"
status=$(prop StatusText)
case $status in
"serving "*" disks, 0 jobs running, 0 queued") ;;
*) check_fail "status after the start: \"$status\"" ;;
esac
VDS_MASTER_PORT=161
VDS_SNMP_OPTS=(-v2c -t 3 -r 2 -M "$VDS_MIBDIRS" -m VDS-MIB)
vds_snmpset() {
	snmpset -v3 -l authPriv -u vdsadmin -a SHA-256 -A "$AUTH" -x AES -X "$PRIV" -t 5 -r 2 \
		-M "$VDS_MIBDIRS" -m VDS-MIB "127.0.0.1:$VDS_MASTER_PORT" "$@"
}
# at once: systemd saw READY=1 after the registration
vds_registered || check_fail "active (READY=1) but the tables do not answer"
pid=$(prop MainPID)
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" || check_fail "vdsd runs without NoNewPrivs"
grep -q '^Seccomp:[[:space:]]*2$' "/proc/$pid/status" || check_fail "vdsd runs without a seccomp filter"
note "vdsd pid $pid: $status; $(grep CapBnd "/proc/$pid/status"); $(grep CapEff "/proc/$pid/status")"

# ---- a job of each real provider under the hardened unit
# run_ok WHAT TYPE [COLUMN T V]...: the job succeeds (H its handle)
run_ok() {
	job_run_ok "$1" 300000 "${@:2}" || return 1
	note "$1: job $H succeeded (provider $(job_get "$H" Provider))"
}
reads_ok() { # LOOP MIB: its first and last 4 KiB read
	dd if="$1" of=/dev/null bs=4096 count=1 status=none ||
		check_fail "the first block of $1 cannot be read"
	dd if="$1" of=/dev/null bs=4096 skip=$((($2 << 20) / 4096 - 1)) count=1 status=none ||
		check_fail "the last block of $1 cannot be read"
}
say "basic: createPartition on /dev/vda"
C_DISK_DEVNODE=$(mib_col VDS_DISK_DEVNODE)
wait_for 60000 inv_index 2 "$C_DISK_DEVNODE" /dev/vda >/dev/null 2>&1 || fail "/dev/vda is not in the disk table"
D=$(inv_index 2 "$C_DISK_DEVNODE" /dev/vda)
# the real consumer of the new table is the kernel: its partition device,
# what blkid and lsblk see (vdsd logs whether it had to fall back to BLKPG
# or the kernel refused)
if run_ok "basic createPartition" 1 ParamDisk u "$D" ParamSizeMiB u 16; then
	has_vda1() { [ -b /dev/vda1 ]; }
	wait_for 30000 has_vda1 || check_fail "no /dev/vda1 after createPartition"
	expect_eq "blkid: partition entry of /dev/vda1" 1 \
		"$(blkid -p -o value -s PART_ENTRY_NUMBER /dev/vda1 2>&1)"
	expect_eq "lsblk: partitions of /dev/vda" vda1 "$(lsblk -n -r -o NAME /dev/vda | sed 1d | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "lsblk: size of vda1" $((16 << 20)) "$(lsblk -n -b -d -o SIZE /dev/vda1 2>&1 | tr -d ' ')"
	# partition 1 open: BLKRRPART fails (EBUSY); partition 2 reaches the
	# kernel through BLKPG (libfdisk's fdisk_reread_changes)
	exec 7</dev/vda1
	if run_ok "basic createPartition with /dev/vda1 open" 1 ParamDisk u "$D" ParamSizeMiB u 8; then
		has_vda2() { [ -b /dev/vda2 ]; }
		wait_for 30000 has_vda2 || check_fail "no /dev/vda2 after createPartition with /dev/vda1 open"
		expect_eq "lsblk: size of vda2" $((8 << 20)) "$(lsblk -n -b -d -o SIZE /dev/vda2 2>&1 | tr -d ' ')"
	fi
	exec 7<&-
fi
note "vdsd about the partition table: $(journalctl -b --no-pager -u vdsd | grep -i 'partition table\|re-read\|kernel\|in use\|created at' | tail -n 4)"
say "vdisk: createVDisk, attachVDisk"
IMG=/srv/vdsd/vdisks/lane.img
if run_ok "vdisk createVDisk" 7 ParamPath s "$IMG" ParamSizeMiB u 32 ParamVDiskType i 1; then
	VD=$(job_get "$H" OutVDisk)
	if run_ok "vdisk attachVDisk" 8 ParamVDisk u "$VD"; then
		expect_eq "a loop device backed by $IMG" 1 "$(losetup -n -O BACK-FILE -j "$IMG" | wc -l)"
		reads_ok "$(losetup -n -O NAME -j "$IMG")" 32
	fi
fi
say "vdisk: attachVDisk of an image on overlayfs over tmpfs"
OIMG=/srv/vdsd/vdisks/ovl/ovl.img
if run_ok "vdisk createVDisk on overlayfs" 7 ParamPath s "$OIMG" ParamSizeMiB u 8 ParamVDiskType i 1; then
	VD=$(job_get "$H" OutVDisk)
	H=$(job_handle)
	job_start "$H" 8 ParamVDisk u "$VD"
	job_follow "$H" 300000
	if [ "$JOB_FINAL" = "$ST_SUCCEEDED" ]; then # then it must be readable
		note "overlayfs attach: $(losetup -n -O NAME,DIO -j "$OIMG")"
		reads_ok "$(losetup -n -O NAME -j "$OIMG")" 8
	else # or the job says why, and no loop device is left
		m=$(job_getn "$H" Result ErrorName ErrorMessage)
		note "overlayfs attach failed: $m"
		case $m in *"cannot be read"*) ;; *) check_fail "overlayfs attach: $m" ;; esac
		expect_eq "loop devices over $OIMG after the failed attach" 0 "$(losetup -n -j "$OIMG" | wc -l)"
	fi
fi
say "vdisk: a dynamic VHD attached through vdsd-nbd, kept across systemctl restart"
# loading nbd is the administrator's part: the unit has ProtectKernelModules=
modprobe nbd 2>/dev/null || busybox modprobe nbd 2>/dev/null
DVHD=/srv/vdsd/vdisks/dyn.vhd
C_VD_DEVNODE=$(mib_col VDS_VDISK_DEVNODE)
if [ ! -b /dev/nbd0 ]; then
	check_fail "no nbd device in the guest (modprobe nbd)"
elif run_ok "vdisk createVDisk dynamic VHD" 7 ParamPath s "$DVHD" ParamSizeMiB u 32 \
	ParamVDiskFormat i 2 && VD=$(job_get "$H" OutVDisk) &&
	run_ok "vdisk attachVDisk dynamic VHD" 8 ParamVDisk u "$VD"; then
	NB=$(inv_value 7 "$C_VD_DEVNODE" "$VD")
	case $NB in /dev/nbd*) ;; *) fail "the dynamic VHD is attached as \"$NB\", not as an nbd device" ;; esac
	reads_ok "$NB" 32
	head -c 1048576 /dev/urandom >/run/vds-rnd
	dd if=/run/vds-rnd of="$NB" bs=1M seek=3 oflag=direct conv=fsync status=none ||
		check_fail "writing $NB failed"
	spid=$(cat "/sys/block/${NB#/dev/}/pid")
	note "vdsd-nbd pid $spid, cgroup $(cut -d: -f3 "/proc/$spid/cgroup")"
	grep -q 'vdsd\.service' "/proc/$spid/cgroup" &&
		check_fail "vdsd-nbd runs in vdsd.service's cgroup: a stop of vdsd would kill it"
	systemctl restart vdsd || check_fail "systemctl restart vdsd failed"
	wait_for 60000 is_active || check_fail "not active after the restart: $(prop ActiveState)"
	wait_for 60000 vds_registered || check_fail "the tables do not answer after the restart"
	pid=$(prop MainPID)
	[ -e "/sys/block/${NB#/dev/}/pid" ] || check_fail "$NB is served no more after the restart"
	cmp -s /run/vds-rnd <(dd if="$NB" bs=1M skip=3 count=1 iflag=direct status=none) ||
		check_fail "$NB does not read back what was written before the restart"
	nb_listed() { [ "$(inv_value 7 "$C_VD_DEVNODE" "$VD")" = "$NB" ]; }
	wait_for 30000 nb_listed || check_fail "after the restart vdsVDiskDevNode is not $NB"
	if run_ok "vdisk detachVDisk dynamic VHD" 9 ParamVDisk u "$VD"; then
		[ ! -e "/sys/block/${NB#/dev/}/pid" ] || check_fail "$NB still served after the detach"
		qemu-img convert -f vpc -O raw "$DVHD" /run/vds-dyn.raw &&
			cmp -s /run/vds-rnd <(dd if=/run/vds-dyn.raw bs=1M skip=3 count=1 status=none) ||
			check_fail "qemu does not read in $DVHD what was written through $NB"
		rm -f /run/vds-dyn.raw
	fi
fi
say "lvm: createVolume in vg0"
wait_for 60000 inv_index 6 "$C_PACK_NAME" vg0 >/dev/null 2>&1 || fail "vg0 is not in the pack table"
PACK=$(inv_index 6 "$C_PACK_NAME" vg0)
if run_ok "lvm createVolume" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 16 ParamName s sd0; then
	lvs vg0/sd0 >/dev/null 2>&1 || check_fail "lvs does not show vg0/sd0"
fi
# btrfs grows only mounted: under the unit vdsd mounts it in its own
# namespace on /run/vdsd/fs.* (RuntimeDirectory=, SystemCallFilter=@mount)
say "lvm: extendVolume of a btrfs"
if ! grep -qw btrfs /proc/filesystems || ! command -v mkfs.btrfs >/dev/null; then
	note "no btrfs in this guest: the extend under the unit is not run"
elif run_ok "lvm createVolume sb0" 3 ParamPack u "$PACK" ParamVolumeType i 1 ParamSizeMiB u 224 \
	ParamName s sb0 &&
	run_ok "lvm format btrfs" 18 ParamVolume u "$(job_get "$H" OutVolume)" ParamFsType s btrfs &&
	run_ok "lvm extendVolume btrfs" 11 ParamVolume u "$(job_get "$H" OutVolume)" ParamSizeMiB u 32; then
	expect_eq "btrfs on vg0/sb0 grew to 256 MiB (dump-super)" $((256 << 20)) \
		"$(btrfs inspect-internal dump-super /dev/vg0/sb0 | awk '$1 == "dev_item.total_bytes" { print $2 }')"
	btrfs check --readonly /dev/vg0/sb0 >/dev/null 2>&1 || check_fail "btrfs check vg0/sb0 after the extend"
	expect_eq "mount points left in /run/vdsd" "" "$(ls /run/vdsd 2>&1)"
fi

# ---- systemctl reload applies a change
say "systemctl reload"
expect_eq "vdsJobMaxRunning before the reload" 2 "$(svc vdsJobMaxRunning)"
sed -i 's/^jobMaxRunning .*/jobMaxRunning 3/' /etc/vdsd/vdsd.conf
systemctl reload vdsd || check_fail "systemctl reload vdsd failed"
max_is_3() { [ "$(svc vdsJobMaxRunning)" = 3 ]; }
wait_for 60000 max_is_3 || check_fail "vdsJobMaxRunning is $(svc vdsJobMaxRunning) after the reload, not 3"
wait_for 30000 is_active || check_fail "not active after the reload: $(prop ActiveState)"
expect_eq "same process after the reload" "$pid" "$(prop MainPID)"

# ---- systemctl stop: clean
say "systemctl stop"
systemctl stop vdsd || check_fail "systemctl stop vdsd failed"
expect_eq "after the stop: ActiveState Result ExecMainCode ExecMainStatus" "inactive success 1 0" \
	"$(prop ActiveState) $(prop Result) $(prop ExecMainCode) $(prop ExecMainStatus)"
kills=$(journalctl -b --no-pager -u vdsd | grep -c -E 'SIGKILL|Killing process')
expect_eq "journal lines of a SIGKILL for vdsd" 0 "$kills"
journalctl -b --no-pager -u vdsd | grep -q 'vdsd stopped' || check_fail "vdsd did not log its own stop"
say "done"
vds_finish
