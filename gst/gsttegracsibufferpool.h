/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: a buffer pool that owns the V4L2 capture queue.
 */
#ifndef __GST_TEGRA_CSI_BUFFER_POOL_H__
#define __GST_TEGRA_CSI_BUFFER_POOL_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "gsttegracsidevice.h"

G_BEGIN_DECLS

#define GST_TYPE_TEGRA_CSI_BUFFER_POOL (gst_tegra_csi_buffer_pool_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiBufferPool, gst_tegra_csi_buffer_pool, GST,
    TEGRA_CSI_BUFFER_POOL, GstBufferPool)

/**
 * GST_TEGRA_CSI_BUFFER_POOL_FLOW_STALLED:
 *
 * What gst_buffer_pool_acquire_buffer() returns when no frame completed
 * within the pool's timeout although buffers were queued.
 */
#define GST_TEGRA_CSI_BUFFER_POOL_FLOW_STALLED GST_FLOW_CUSTOM_ERROR

/**
 * GST_TEGRA_CSI_MONOTONIC_CAPS:
 *
 * The reference caps of the #GstReferenceTimestampMeta that carries the
 * driver's raw CLOCK_MONOTONIC timestamp on every buffer.
 */
#define GST_TEGRA_CSI_MONOTONIC_CAPS "timestamp/x-clock-monotonic"

/**
 * GstTegraCsiPoolMemory:
 * @GST_TEGRA_CSI_POOL_MEMORY_MMAP: plain memories mapping the driver's
 *   buffers (mmap(2)).
 * @GST_TEGRA_CSI_POOL_MEMORY_DMABUF: dma-buf memories exported from the
 *   driver's buffers (VIDIOC_EXPBUF).
 *
 * How the pool hands the driver's MMAP buffers to downstream.
 */
typedef enum
{
  GST_TEGRA_CSI_POOL_MEMORY_MMAP,
  GST_TEGRA_CSI_POOL_MEMORY_DMABUF,
} GstTegraCsiPoolMemory;

GstTegraCsiBufferPool *gst_tegra_csi_buffer_pool_new (GstTegraCsiDevice * device,
    GstTegraCsiPoolMemory memory);

void gst_tegra_csi_buffer_pool_set_layout (GstTegraCsiBufferPool * self,
    const GstVideoInfo * info, guint n_memories, const gsize * memory_sizes,
    guint count, guint max_count);


void gst_tegra_csi_buffer_pool_set_timeout (GstTegraCsiBufferPool * self,
    guint timeout_ms);





gint gst_tegra_csi_buffer_pool_get_error (GstTegraCsiBufferPool * self,
    guint32 * index);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_BUFFER_POOL_H__ */
