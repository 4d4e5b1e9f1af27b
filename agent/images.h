/* SPDX-License-Identifier: ISC */
/*
 * images.h - image files declared with `imageDisk PATH` shown as disks.
 */
#ifndef VDS_IMAGES_H
#define VDS_IMAGES_H

struct vds_conf;

/*
 * Probe every conf->image_disks path into the inventory (key "image:PATH",
 * name = basename, devnode = PATH, source INV_SRC_IMAGE) and remove image
 * disks no longer configured (SIGHUP).  A missing file is listed with
 * INV_ST_MISSING, an unreadable one with INV_ST_PROBE_ERROR.  Loop thread
 * only.  Returns the number of paths that could not be probed.
 */
int images_sync(const struct vds_conf *conf);

#endif
