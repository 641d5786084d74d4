/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the V4L2 capture queue filled with someone else's memory
 * (io-mode=dmabuf-import and io-mode=userptr).
 */
#ifndef __GST_TEGRA_CSI_IMPORT_QUEUE_H__
#define __GST_TEGRA_CSI_IMPORT_QUEUE_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "gsttegracsidevice.h"

G_BEGIN_DECLS

#define GST_TYPE_TEGRA_CSI_IMPORT_QUEUE (gst_tegra_csi_import_queue_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiImportQueue, gst_tegra_csi_import_queue, GST,
    TEGRA_CSI_IMPORT_QUEUE, GstObject)

GstBufferPool *gst_tegra_csi_import_queue_configure_source (GstQuery * query,
    guint32 memory, const GstVideoInfo * info, guint * count,
    GError ** error);

GstTegraCsiImportQueue *gst_tegra_csi_import_queue_new (
    GstTegraCsiDevice * device, guint32 memory, GstBufferPool * source,
    const GstVideoInfo * info, guint n_memories, const gsize * memory_sizes,
    guint count, guint depth);

gboolean gst_tegra_csi_import_queue_start (GstTegraCsiImportQueue * self,
    GError ** error);



void gst_tegra_csi_import_queue_set_timeout (GstTegraCsiImportQueue * self,
    guint timeout_ms);




guint64 gst_tegra_csi_import_queue_get_rebinds (GstTegraCsiImportQueue * self);


GstBufferPool *gst_tegra_csi_import_queue_get_source (
    GstTegraCsiImportQueue * self);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_IMPORT_QUEUE_H__ */
