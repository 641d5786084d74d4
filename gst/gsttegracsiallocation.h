/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: which capture queue serves downstream's ALLOCATION answer.
 */
#ifndef __GST_TEGRA_CSI_ALLOCATION_H__
#define __GST_TEGRA_CSI_ALLOCATION_H__

#include <gst/gst.h>

#include "gsttegracsibufferpool.h"
#include "gsttegracsicaps.h"
#include "gsttegracsicapturequeue.h"
#include "gsttegracsicopier.h"
#include "gsttegracsidevice.h"

G_BEGIN_DECLS

/**
 * GstTegraCsiAllocationParams:
 * @device: the open device, its format set
 * @memory: the memory of the driver's own buffers (io-mode mmap, dmabuf)
 * @import_memory: `V4L2_MEMORY_DMABUF` or `V4L2_MEMORY_USERPTR` to capture
 *   into another pool's buffers (io-mode dmabuf-import, userptr), else 0
 * @capture_buffers: the capture-buffers property (0: automatic)
 * @timeout_ms: the timeout property
 *
 * What the element's settings say about allocation.
 */
typedef struct
{
  GstTegraCsiDevice *device;
  GstTegraCsiPoolMemory memory;
  guint32 import_memory;
  guint capture_buffers;
  guint timeout_ms;
} GstTegraCsiAllocationParams;

GstTegraCsiCaptureQueue *gst_tegra_csi_allocation_decide (
    const GstTegraCsiAllocationParams * params, GstTegraCsiConfigured * cfg,
    GstQuery * query, GstTegraCsiCopier ** copier, GError ** warning,
    GError ** error);

void gst_tegra_csi_allocation_keep (GstTegraCsiCaptureQueue * queue,
    GstQuery * query, gsize size);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_ALLOCATION_H__ */
