/* SPDX-License-Identifier: ISC */
/*
 * fsmount.c - file system tools on a mounted file system: the volume's own
 * mount point, or a private mount under /run made and removed here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fsmount.h"
#include "fsspec.h"
#include "fsutil.h"
#include "log.h"

enum vds_result
fsm_mount(const char *dev, const char *fstype, const char *what, char dir[FSM_DIR_LEN], char *msg,
          size_t msglen)
{
	/* systemd makes it (RuntimeDirectory=), writable where /run is not */
	if (mkdir(FSM_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		snprintf(msg, msglen, "cannot make %s: %m", FSM_RUN_DIR);
		return VDS_R_IO_ERROR;
	}
	snprintf(dir, FSM_DIR_LEN, "%s/fs.XXXXXX", FSM_RUN_DIR);
	if (!mkdtemp(dir)) {
		snprintf(msg, msglen, "cannot make a mount point %s: %m", dir);
		return VDS_R_IO_ERROR;
	}
	if (mount(dev, dir, fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		snprintf(msg, msglen, "cannot mount %s on %s to %s its %s: %m", dev, dir, what,
		         fstype);
		rmdir(dir);
		return VDS_R_IO_ERROR;
	}
	return VDS_R_OK;
}

enum vds_result
fsm_umount(const char *dir, const char *dev, enum vds_result r, char *msg, size_t msglen)
{
	if (umount2(dir, 0) < 0 && r == VDS_R_OK) {
		snprintf(msg, msglen, "%s was resized, but cannot be unmounted from %s: %m", dev,
		         dir);
		r = VDS_R_IN_USE;
	}
	if (rmdir(dir) < 0 && errno != EBUSY)
		log_warnx("fsmount", "cannot remove %s: %m", dir);
	return r;
}

/* mountinfo's octal escapes (\040 for a blank, \134 for a backslash) undone in place. */
static void
fsm_unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* A mountinfo line of rdev: its device number, or its source (btrfs shows a device of its own). */
static int
fsm_line_is(char *line, dev_t rdev)
{
	char source[1024], *sep = strstr(line, " - ");
	unsigned maj, min;
	struct stat st;

	if (sscanf(line, "%*u %*u %u:%u", &maj, &min) == 2 && makedev(maj, min) == rdev)
		return 1;
	if (!sep || sscanf(sep + 3, "%*s %1023s", source) != 1)
		return 0;
	fsm_unescape(source);
	return source[0] == '/' && stat(source, &st) == 0 && S_ISBLK(st.st_mode) &&
	       st.st_rdev == rdev;
}

int
fsm_mountpoint(const char *dev, char dir[FSM_DIR_LEN])
{
	struct stat st;
	char line[4096], root[1024], point[1024];
	int found = -1;
	FILE *f;

	if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode) ||
	    !(f = fopen("/proc/self/mountinfo", "re")))
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mount-point ... - fstype source options */
		if (sscanf(line, "%*u %*u %*u:%*u %1023s %1023s", root, point) != 2 ||
		    strcmp(root, "/") != 0 || !fsm_line_is(line, st.st_rdev))
			continue;
		fsm_unescape(point);
		if (strlen(point) < FSM_DIR_LEN) {
			snprintf(dir, FSM_DIR_LEN, "%s", point);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

enum vds_result
fsm_grow(const struct fsspec *spec, const char *dev, struct prov_job *j, unsigned lo, unsigned hi,
         char *msg, size_t msglen)
{
	char dir[FSM_DIR_LEN], tool[64];
	const char *xfs[] = {tool, "-d", dir, NULL};
	const char *btrfs[] = {tool, "filesystem", "resize", "max", dir, NULL};
	int is_xfs = strcmp(spec->name, "xfs") == 0, own = 0;
	struct fsu_prog pg = {.j = j, .lo = lo, .hi = hi, .what = "extending file system"};
	enum vds_result r;

	if (fsu_tool(is_xfs ? "xfs_growfs" : "btrfs", tool, sizeof(tool), msg, msglen) < 0)
		return VDS_R_NOT_SUPPORTED;
	if (fsm_mountpoint(dev, dir) < 0) {
		if ((r = fsm_mount(dev, spec->name, "grow", dir, msg, msglen)) != VDS_R_OK)
			return r;
		own = 1;
	}
	prov_job_progress(j, lo, pg.what);
	r = fsu_run(is_xfs ? xfs : btrfs, &pg, 0, -1, msg, msglen);
	return own ? fsm_umount(dir, dev, r, msg, msglen) : r;
}
