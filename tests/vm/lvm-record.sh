#!/bin/sh
# SPDX-License-Identifier: ISC
# lvm-record.sh - record what real lvm2 prints for vdsd's scan, inside the
# real-kernel guest (the host has no device-mapper):
#   tests/vm/run.sh -n 5 -s 128 -- tests/vm/lvm-record.sh
# Two VGs (vg0 on vda-vdc: a linear LV of two segments, striped, raid1,
# raid5; "lv" on vdd, holding an inactive LV named "vg": names that are
# also report section names) and an orphan PV (vde); then the fullreport
# the lvm provider runs (providers/lvm/lvm_cmd.c, lvm_cmd_fullreport),
# between "=== FULLREPORT" lines: tests/unit/lvm/fullreport.json.
export LVM_SUPPRESS_FD_WARNINGS=1
set -ex
lvm pvcreate -q /dev/vda /dev/vdb /dev/vdc /dev/vdd /dev/vde
lvm vgcreate -q vg0 /dev/vda /dev/vdb /dev/vdc
lvm vgcreate -q lv /dev/vdd
lvm lvcreate -q -y -n lin -L 16M vg0 /dev/vda
lvm lvextend -q -y -L 24M vg0/lin /dev/vdb
lvm lvcreate -q -y -n str -i 2 -I 64k -L 16M vg0
lvm lvcreate -q -y -n mir --type raid1 -m 1 -L 16M vg0
lvm lvcreate -q -y -n r5 --type raid5 -i 2 -L 16M vg0
lvm lvcreate -q -y -n vg -L 8M lv
lvm lvchange -an lv/vg
set +x
echo "=== FULLREPORT BEGIN"
lvm fullreport --reportformat json --units b --nosuffix -a \
	--configreport vg -o vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,pv_count,lv_count,vg_attr \
	--configreport lv -o vg_name,lv_name,lv_uuid,lv_size,sync_percent,lv_health_status,lv_attr,lv_dm_path \
	--configreport seg -o lv_uuid,segtype,stripes,stripe_size,devices \
	--configreport pv -o pv_name,vg_name,pv_size,pv_free \
	--configreport pvseg -o pvseg_start
echo "=== FULLREPORT END rc=$?"
lvm vgchange -q -an vg0 lv
