/* SPDX-License-Identifier: GPL-2.0-only */
/* tcs-vgem: dma-bufs from vgem, and their CPU-access syncs, for the kernel tests (guest side). */
#ifndef TCS_VGEM_H
#define TCS_VGEM_H

#include <stddef.h>

/* The DRM fd of vgem (the first of /dev/dri/card0..7 it is), or -1. */
int tcs_vgem_open(void);
/*
 * A dma-buf from @vgem of at least @size bytes (whole pages, one page for
 * 0): its fd, or -1 (also for @vgem -1). With @map, the dma-buf is also
 * mapped read-write for @size bytes into *@map (MAP_FAILED when that fails).
 */
int tcs_vgem_dmabuf(int vgem, size_t size, void **map);

/* DMA_BUF_IOCTL_SYNC with @flags (DMA_BUF_SYNC_START/END | _READ/_WRITE/_RW) on a dma-buf; 0 or -errno. */
int tcs_dmabuf_sync(int fd, unsigned long long flags);

#endif /* TCS_VGEM_H */
