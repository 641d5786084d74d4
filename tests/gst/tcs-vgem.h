/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Dma-bufs an application makes itself, from vgem (DRM dumb buffers
 * exported with PRIME), for the io-mode=dmabuf-import tests
 * (tcs-vgem.c). The guest must load vgem (tests/vm/run --with vgem).
 */
#ifndef TCS_VGEM_H
#define TCS_VGEM_H

#include <gst/gst.h>

/* The first DRM node whose driver is vgem, opened, or -1. */
gint tcs_vgem_open (void);

/* A vgem dumb buffer of at least @size bytes exported as a dma-buf and
 * wrapped by @dmabuf (a GstDmaBufAllocator); fails the test on error. */
GstMemory *tcs_vgem_dmabuf (gint drm_fd, GstAllocator * dmabuf, gsize size);

/* A plain GstBufferPool (stock acquire and release) whose buffers are one
 * vgem dma-buf of the configured size each; fails the test without vgem. */
GstBufferPool *tcs_vgem_pool_new (void);

/* Makes @sink answer every ALLOCATION query with a new vgem pool for the
 * query's caps (min 2 buffers) and GstVideoMeta support, as a downstream
 * that makes a pool per format does. */
void tcs_vgem_offer_pools (GstElement * sink);

#endif /* TCS_VGEM_H */
