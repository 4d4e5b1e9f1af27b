/* SPDX-License-Identifier: ISC */
/*
 * basic.h - the basic provider: partitions on real disks and image files
 * (createPartition, deletePartition) and shrinking the ext2/3/4 file
 * system of a basic volume with its partition (shrinkVolume).
 *
 * It claims jobs whose disk was discovered by udev or declared with
 * imageDisk (never sim objects).  It writes only to disks whose device
 * node matches an allowDevice pattern; for an image file the pattern is
 * matched against the image's path (e.g. `allowDevice /srv/images/ *.img`).
 * Each job is checked again on the live system when it runs (mounted,
 * swap, held, root/boot, read-only, removed) before anything is written.
 */
#ifndef VDS_BASIC_H
#define VDS_BASIC_H

#include "provider.h"

extern const struct prov_ops basic_provider;

/*
 * Mark the disks already in the model that basic may write (source udev or
 * image, no other provider, allowed by allowDevice) as managed by "basic".
 * The daemon needs no call: its inventory asks prov_ops.manages() for every
 * disk discovery adds (inv_set_disk_owner); this is for tests that build
 * the model without it.  Loop thread.  Returns how many it marked.
 */
int basic_adopt(void *state);

#endif
