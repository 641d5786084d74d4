/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An application's buffer pool of dma-bufs made by vgem (DRM dumb buffers
 * exported with PRIME), offered to tegracsisrc io-mode=dmabuf-import by
 * answering appsink's ALLOCATION query.
 */
#ifndef ZC_APP_POOL_H
#define ZC_APP_POOL_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define ZC_TYPE_APP_POOL (zc_app_pool_get_type())
G_DECLARE_FINAL_TYPE(ZcAppPool, zc_app_pool, ZC, APP_POOL, GstBufferPool)

/*
 * A pool on the first DRM node whose driver is vgem, or NULL (no vgem).
 * With @fresh, every buffer that comes back is discarded, so the pool
 * allocates a new dma-buf for each acquire: the steady-state check must
 * then fail (ZC_FRESH_BUFFERS, README.md).
 */
ZcAppPool *zc_app_pool_new(gboolean fresh);
/* Whether @inode is one of the dma-bufs this pool made. */
gboolean zc_app_pool_owns_inode(ZcAppPool *pool, guint64 inode);
/* dma-bufs the pool made so far. */
guint zc_app_pool_n_allocated(ZcAppPool *pool);
/* Makes appsink @sink answer the ALLOCATION query with @pool (@count buffers). */
void zc_app_pool_offer(ZcAppPool *pool, GstElement *sink, guint count);

G_END_DECLS

#endif
