#!/bin/sh
# SPDX-License-Identifier: ISC
# health-devices.sh - prints the qemu arguments of the emulated disks
# tests/vm/guest-health.sh checks (run.sh appends VDS_VM_QEMU_EXTRA to the
# guest's command line): two NVMe controllers (serials vdsnvme0, and
# vdsnvme1 with SMART critical warning bit 0, available spare, set) and an
# ATA disk on an AHCI controller.  Their media are null-co (reads return
# zeros, nothing on the host's disk).
for d in hnv0 hnv1 hata; do
	printf -- '-drive if=none,id=%s,driver=null-co,read-zeroes=on,size=64M ' "$d"
done
printf -- '-device nvme,serial=vdsnvme0,drive=hnv0 '
printf -- '-device nvme,serial=vdsnvme1,drive=hnv1,smart_critical_warning=1 '
printf -- '-device ahci,id=ahci -device ide-hd,bus=ahci.0,drive=hata,serial=vdsata0\n'
