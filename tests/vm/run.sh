#!/bin/bash
# SPDX-License-Identifier: ISC
# run.sh - run a command inside a real Debian kernel under qemu (TCG).
#
#   tests/vm/run.sh [-n DISKS] [-s MIB] [-t SECONDS] [-k] [-S] -- COMMAND [ARG]...
#
# The guest is Debian's own kernel (linux-image-amd64, fetched once with
# apt-get download into $VDS_VM_CACHE, default /var/cache/vdsd-vm: outside
# /tmp), a busybox initramfs (tests/vm/init.sh) and the host's root shared
# read-only over 9p under a tmpfs overlay: every host binary and the build
# tree are there.  DISKS raw images of MIB MiB each (default 2 x 256) are
# the guest's /dev/vda, /dev/vdb, ...  COMMAND runs as root in the guest in
# the current directory, with udevd running; its output is printed, and the
# exit status of run.sh is COMMAND's (125: the VM failed, 124: timeout).
# -S: systemd boots the overlay root as PID 1 and runs COMMAND as a unit
# (tests/vm/init-systemd.sh), instead of a chroot with udevd alone.
# Needs: qemu-system-x86_64, busybox (static: busybox-static), apt-get and
# dpkg-deb (first run only).  VDS_VM_QEMU_EXTRA: more qemu arguments (split
# on blanks), e.g. the emulated NVMe/ATA disks of tests/vm/health-devices.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
cache=${VDS_VM_CACHE:-/var/cache/vdsd-vm}
ndisks=2 disk_mib=256 tmo=${VDS_VM_TIMEOUT:-900} keep=0 init=
mods=dm-mod,dm-raid,raid1,dm-mirror,loop,ext4,xfs,btrfs,crc32c_generic,virtio_net

while getopts n:s:t:kS opt; do
	case $opt in
	n) ndisks=$OPTARG ;;
	s) disk_mib=$OPTARG ;;
	t) tmo=$OPTARG ;;
	k) keep=1 ;;
	S) init=" vds.init=systemd" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [-n DISKS] [-s MIB] [-t SEC] [-k] [-S] -- COMMAND..." >&2; exit 2; }

log() { echo "vm: $*"; }

# Fetch and unpack the kernel package once; prints its version.
vm_kernel() {
	local dl ver deb
	ver=$(cat "$cache/kver" 2>/dev/null)
	if [ -n "$ver" ] && [ -f "$cache/root/boot/vmlinuz-$ver" ]; then
		echo "$ver"
		return 0
	fi
	dl=$cache/dl
	rm -rf "$dl" "$cache/root.new" && mkdir -p "$dl" || return 1
	(cd "$dl" && apt-get download -q linux-image-amd64 >&2) || return 1
	deb=$(dpkg-deb -f "$dl"/linux-image-amd64_*.deb Depends | grep -o 'linux-image-[^ ,]*')
	echo "vm: downloading $deb ($(apt-cache show --no-all-versions "$deb" 2>/dev/null |
		awk '/^Size:/ { printf "%.0f MB", $2 / 1e6 }')) into $cache, once: later runs reuse it" >&2
	(cd "$dl" && apt-get download -q "$deb" >&2) || return 1
	dpkg-deb -x "$dl/$deb"_*.deb "$cache/root.new" || return 1
	ver=${deb#linux-image-}
	busybox depmod -b "$cache/root.new" "$ver" || return 1
	rm -rf "$cache/root" && mv "$cache/root.new" "$cache/root" && rm -rf "$dl"
	echo "$ver" >"$cache/kver"
	echo "$ver"
}

# The initramfs: static busybox, init.sh, the modules needed to reach the root.
vm_initrd() { # VERSION OUT
	local ver=$1 out=$2 ir=$work/initrd m f mdir
	mdir=$cache/root/lib/modules/$ver
	mkdir -p "$ir"/{bin,sbin,proc,sys,dev,lib/modules/"$ver"} || return 1
	cp "$(command -v busybox)" "$ir/bin/busybox" || return 1
	for a in $(busybox --list); do [ "$a" = busybox ] || ln -s busybox "$ir/bin/$a"; done
	ln -sf ../bin/busybox "$ir/sbin/modprobe"
	cp "$here/init.sh" "$ir/init" && chmod 755 "$ir/init" || return 1
	cp "$mdir"/modules.dep "$mdir"/modules.alias "$ir/lib/modules/$ver/" || return 1
	for m in virtio_pci virtio_blk 9pnet_virtio 9p overlay; do
		for f in $(grep -E "/$m\.ko:" "$mdir/modules.dep" | tr -d :); do
			mkdir -p "$ir/lib/modules/$ver/${f%/*}"
			cp "$mdir/$f" "$ir/lib/modules/$ver/$f" || return 1
		done
	done
	(set -o pipefail && cd "$ir" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$out"
}

vm_cmdfile() { # COMMAND...: the script the guest runs
	{
		echo "cd $(printf %q "$PWD") || exit 1"
		for v in top_srcdir top_builddir VDS_VM_DEBUG VDS_VM_KILL_FAULTS VDS_VM_KILL_POINTS VDS_VM_KILL_STRICT \
			VDS_VM_JOB_MS VDS_VM_PARTS; do
			[ -n "${!v:-}" ] && echo "export $v=$(printf %q "${!v}")"
		done
		echo "export VDS_VM=1 VDS_VM_DISKS=$ndisks TMPDIR=/tmp"
		printf '%q ' "$@"
		echo
		echo 'echo $? >/vmout/rc.cmd'
	} >"$work/out/cmd.sh"
}

vm_boot() { # VERSION
	local ver=$1 drives=() i
	for ((i = 0; i < ndisks; i++)); do
		truncate -s "${disk_mib}M" "$work/disk$i.img" || return 1
		drives+=(-drive "file=$work/disk$i.img,format=raw,if=virtio,cache=unsafe")
	done
	timeout -k 10 "$tmo" qemu-system-x86_64 -accel tcg -m 2G -smp 2 -nographic \
		-no-reboot -nic none -monitor none -serial "file:$work/console.log" \
		-kernel "$cache/root/boot/vmlinuz-$ver" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 vds.kver=$ver \
vds.modtree=$cache/root/lib/modules/$ver vds.guest=$here/guest.sh vds.mods=$mods$init \
vds.9pcache=${VDS_VM_9P_CACHE:-loose}" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$work/out,mount_tag=vdsout,security_model=none" \
		"${drives[@]}" ${VDS_VM_QEMU_EXTRA:-} </dev/null &
	# timeout puts qemu in a process group of its own, out of reach of a
	# signal to ours: remember it, so that vm_cleanup stops it
	qpid=$!
	wait "$qpid"
}

# vm_summary T0: the parts' summary the guest wrote as they ended
# (tests/vm/guest-all.sh), and the part running when the guest was stopped.
vm_summary() {
	local took f
	took=$(sed -n 's/^vds-guest: test took \([0-9]*\) s.*/\1/p' "$work/console.log" | tail -n1)
	if [ -n "$took" ]; then
		log "parts (boot, setup and shutdown: $(($(date +%s) - $1 - took)) s):"
	elif [ -e "$work/out/summary" ]; then
		log "parts (the guest did not finish; $(($(date +%s) - $1)) s since the start):"
	fi
	cat "$work/out/summary" 2>/dev/null
	[ -s "$work/out/running" ] || return 0
	cat "$work/out/running"
	f=$work/out/phases-$(awk '{ print $1; exit }' "$work/out/running")
	cat "$f" "$f.now" 2>/dev/null
}

# vm_cleanup: on every exit, also an interrupted one, stop the qemu still
# running (by its timeout's PID; timeout passes the signal on) and remove
# the work directory unless -k
qpid=
vm_cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	[ "$keep" = 1 ] || rm -rf "$work"
}

main() {
	local ver t0 rc qrc
	t0=$(date +%s)
	mkdir -p "$cache" || exit 125
	work=$(mktemp -d "${TMPDIR:-/tmp}/vdsd-vm.XXXXXX") || exit 125
	trap vm_cleanup EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$work/out"
	ver=$(vm_kernel) || { log "cannot fetch the kernel into $cache"; exit 125; }
	vm_initrd "$ver" "$work/initrd.gz" || { log "cannot build the initramfs"; exit 125; }
	vm_cmdfile "$@"
	log "booting linux $ver (TCG, $ndisks x ${disk_mib} MiB disks, timeout ${tmo}s)"
	vm_boot "$ver"
	qrc=$?
	cat "$work/console.log" 2>/dev/null
	rc=$(sed -n 's/^VDS-VM-RESULT rc=\([0-9]*\).*/\1/p' "$work/console.log" | tail -n1)
	[ "$qrc" = 124 ] && { log "TIMEOUT after ${tmo}s"; rc=124; }
	[ -n "$rc" ] || { log "no result from the guest (qemu exit $qrc)"; rc=125; }
	[ "$keep" = 1 ] && log "kept $work"
	# last, what a reader needs: each part's result and time, the reason of a
	# failure; after a timeout, what had finished and what was running then
	vm_summary "$t0"
	grep -m1 -E 'vds-(init|guest): FATAL' "$work/console.log"
	if [ "$rc" = 0 ]; then
		log "PASS in $(($(date +%s) - t0)) s"
	else
		log "FAIL (rc $rc) in $(($(date +%s) - t0)) s"
	fi
	exit "$rc"
}

main "$@"
