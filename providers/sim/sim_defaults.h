/* SPDX-License-Identifier: ISC */
/*
 * sim_defaults.h - the simulated inventory a fresh machine starts with.
 */
#ifndef VDS_SIM_DEFAULTS_H
#define VDS_SIM_DEFAULTS_H

#include "sim_state.h"

/*
 * Fill an empty st (st->simdir set) with:
 *   sim0  64 GiB GPT: p1 512 MiB EFI vfat (mounted), p2 20 GiB ext4
 *   sim1  256 GiB MBR: p1 100 GiB ext4
 *   sim2, sim3  500 GiB each in pack "pack0", which holds "mirror0" (50 GiB
 *         ext4 mirror, plexes on sim2 and sim3) and "stripe0" (10 GiB xfs
 *         striped over sim2,sim3, 64 KiB stripes)
 *   sim4  1 TiB, no label
 *   vdisk <simdir>/disk0.vhd: 10 GiB expandable VHD, detached (disk vd0)
 */
void sim_defaults_fill(struct sim_state *st);

#endif
