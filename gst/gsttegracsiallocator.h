/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: dma-buf memories exported from the capture device.
 */
#ifndef __GST_TEGRA_CSI_ALLOCATOR_H__
#define __GST_TEGRA_CSI_ALLOCATOR_H__

#include <gst/gst.h>
#include <gst/allocators/allocators.h>

#include "gsttegracsidevice.h"

G_BEGIN_DECLS

#define GST_TYPE_TEGRA_CSI_ALLOCATOR (gst_tegra_csi_allocator_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiAllocator, gst_tegra_csi_allocator, GST,
    TEGRA_CSI_ALLOCATOR, GstDmaBufAllocator)

GstTegraCsiAllocator *gst_tegra_csi_allocator_new (GstTegraCsiDevice * device);

GstMemory *gst_tegra_csi_allocator_export (GstTegraCsiAllocator * self,
    guint index, guint plane, gsize size, gint * error);

guint gst_tegra_csi_allocator_get_exports (GstTegraCsiAllocator * self);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_ALLOCATOR_H__ */
