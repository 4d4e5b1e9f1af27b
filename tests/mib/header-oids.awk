# SPDX-License-Identifier: ISC
# header-oids.awk - read agent/mib_oids.h and print "NAME NUMERIC-OID" for
# every object it numbers, with the VDS-MIB name derived from the C name
# (VDS_DISK_DEVNODE -> vdsDiskDevNode, VDS_JOB_P_SIZE_MIB ->
# vdsJobParamSizeMiB, ...).  tests/mib/oids.map is this output, checked in;
# check-mib.sh compares the two and both against the MIB itself.
# Exits 1 on anything it does not understand, so a new enum or naming
# pattern in the header fails the check instead of being skipped.

function camel(s,    n, i, w, out, parts) {
	n = split(s, parts, "_")
	out = ""
	for (i = 1; i <= n; i++) {
		w = parts[i]
		if (w in word)
			out = out word[w]
		else
			out = out toupper(substr(w, 1, 1)) tolower(substr(w, 2))
	}
	return out
}

function fail(msg) {
	printf "header-oids.awk: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
	exit 1
}

function emit(name, oid) {
	if (name in seen)
		fail("name " name " derived twice")
	seen[name] = 1
	printf "%s %s\n", name, oid
}

BEGIN {
	word["DEVNODE"] = "DevNode"
	word["MIB"] = "MiB"
	word["KIB"] = "KiB"
	word["HRESULT"] = "HResult"
	word["VDISK"] = "VDisk"
	# table prefix of the C enumerators -> MIB prefix
	pre["vds_disk_col"] = "VDS_DISK_";	mib["vds_disk_col"] = "vdsDisk"
	pre["vds_part_col"] = "VDS_PART_";	mib["vds_part_col"] = "vdsPartition"
	pre["vds_vol_col"] = "VDS_VOL_";	mib["vds_vol_col"] = "vdsVolume"
	pre["vds_plex_col"] = "VDS_PLEX_";	mib["vds_plex_col"] = "vdsPlex"
	pre["vds_pack_col"] = "VDS_PACK_";	mib["vds_pack_col"] = "vdsPack"
	pre["vds_vdisk_col"] = "VDS_VDISK_";	mib["vds_vdisk_col"] = "vdsVDisk"
	pre["vds_job_col"] = "VDS_JOB_";	mib["vds_job_col"] = "vdsJob"
	pre["vds_dhealth_col"] = "VDS_DH_";	mib["vds_dhealth_col"] = "vdsDisk"
	# column enum -> the vds_objects_arc enumerator of its table
	tab["vds_disk_col"] = "VDS_DISK_TABLE"
	tab["vds_part_col"] = "VDS_PARTITION_TABLE"
	tab["vds_vol_col"] = "VDS_VOLUME_TABLE"
	tab["vds_plex_col"] = "VDS_PLEX_TABLE"
	tab["vds_pack_col"] = "VDS_PACK_TABLE"
	tab["vds_vdisk_col"] = "VDS_VDISK_TABLE"
	tab["vds_job_col"] = "VDS_JOB_TABLE"
	tab["vds_dhealth_col"] = "VDS_DISK_HEALTH_TABLE"
	# service scalars that keep the vdsService prefix
	svc["VERSION"] = svc["PROVIDERS"] = svc["START_TIME"] = svc["LAST_CHANGE"] = svc["RESTART_NEEDED"] = 1
	cur = ""
	nrows = 0
}

/^#define[ \t]+VDS_MIB_ROOT[ \t]/ {
	s = $0
	sub(/^#define[ \t]+VDS_MIB_ROOT[ \t]+/, "", s)
	gsub(/[ \t]/, "", s)
	gsub(/,/, ".", s)
	if (s !~ /^[0-9]+(\.[0-9]+)+$/)
		fail("cannot read VDS_MIB_ROOT")
	root = s
	next
}

/^#define[ \t]+VDS_(NOTIFICATIONS|OBJECTS|CONFORMANCE)[ \t]+[0-9]+/ {
	top[$2] = $3
	next
}

/^enum [a-z_]+ \{/ {
	cur = $2
	next
}

/^\};/ {
	cur = ""
	next
}

cur != "" && /^[ \t]*VDS_[A-Z0-9_]+[ \t]*=[ \t]*[0-9]+/ {
	s = $0
	sub(/^[ \t]*/, "", s)
	c = s
	sub(/[ \t]*=.*/, "", c)
	v = s
	sub(/^[^=]*=[ \t]*/, "", v)
	sub(/[^0-9].*/, "", v)
	if (c ~ /_LAST$/)
		next
	nrows++
	renum[nrows] = cur
	rname[nrows] = c
	rval[nrows] = v
	val[c] = v
	next
}

cur != "" && /VDS_/ {
	fail("cannot read enumerator line: " $0)
}

END {
	if (bad)
		exit 1
	if (root == "")
		fail("VDS_MIB_ROOT not found")
	if (!("VDS_NOTIFICATIONS" in top) || !("VDS_OBJECTS" in top) || !("VDS_CONFORMANCE" in top))
		fail("VDS_NOTIFICATIONS/VDS_OBJECTS/VDS_CONFORMANCE not all found")
	objs = root "." top["VDS_OBJECTS"]
	notif = root "." top["VDS_NOTIFICATIONS"]
	emit("vdsMIB", root)
	emit("vdsNotifications", notif)
	emit("vdsObjects", objs)
	emit("vdsConformance", root "." top["VDS_CONFORMANCE"])
	for (i = 1; i <= nrows; i++) {
		e = renum[i]; c = rname[i]; v = rval[i]
		if (e == "vds_objects_arc") {
			n = c
			sub(/^VDS_/, "", n)
			emit("vds" camel(n), objs "." v)
			if (c ~ /_TABLE$/) {
				sub(/_TABLE$/, "", n)
				emit("vds" camel(n) "Entry", objs "." v ".1")
			}
		} else if (e == "vds_service_arc") {
			n = c
			if (sub(/^VDS_SVC_/, "", n) != 1)
				fail("unexpected service name " c)
			emit((n in svc ? "vdsService" : "vds") camel(n), objs "." val["VDS_SERVICE"] "." v)
		} else if (e == "vds_refusal_arc") {
			n = c
			if (sub(/^VDS_/, "", n) != 1 || !("VDS_LAST_REFUSAL" in val))
				fail("unexpected refusal name " c)
			emit("vds" camel(n), objs "." val["VDS_LAST_REFUSAL"] "." v)
		} else if (e == "vds_notification_arc") {
			n = c
			if (sub(/^VDS_NOTIF_/, "", n) != 1)
				fail("unexpected notification name " c)
			emit("vds" camel(n), notif "." v)
		} else if (e in pre) {
			n = c
			if (index(n, pre[e]) != 1)
				fail(c " does not start with " pre[e])
			n = substr(n, length(pre[e]) + 1)
			p = mib[e]
			if (e == "vds_job_col") {
				if (sub(/^P_/, "", n))
					p = p "Param"
				else if (sub(/^O_/, "", n))
					p = p "Out"
				if (n == "PERCENT")
					n = "PERCENT_COMPLETE"
				if (p == "vdsJobOut" && n == "RECLAIMED")
					n = "RECLAIMED_BYTES"
			}
			if (!(tab[e] in val))
				fail("table arc " tab[e] " not defined before " c)
			emit(p camel(n), objs "." val[tab[e]] ".1." v)
		} else {
			fail("enum " e " is unknown to header-oids.awk (" c ")")
		}
	}
}
