/* SPDX-License-Identifier: ISC */
/*
 * images.h - image files declared with `imageDisk PATH` shown as disks.
 */
#ifndef VDS_IMAGES_H
#define VDS_IMAGES_H

struct vds_conf;

/*
 * Queue a probe (probeq.h) of every conf->image_disks path for the
 * inventory (key "image:PATH", name = basename, devnode = PATH, source
 * INV_SRC_IMAGE) and remove image disks no longer configured (SIGHUP).
 * Each disk is shown when its probe is applied on the loop: a missing file
 * with INV_ST_MISSING, an unreadable one with INV_ST_PROBE_ERROR.  conf
 * must outlive the probes.  Loop thread only.  Returns the number of paths
 * that could not be queued (out of memory).
 */
int images_sync(const struct vds_conf *conf);

#endif
