/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the application's own memory as dma-buf memory.
 */
#ifndef __GST_TEGRA_CSI_APP_ALLOCATOR_H__
#define __GST_TEGRA_CSI_APP_ALLOCATOR_H__

#include <gst/gst.h>
#include <gst/allocators/allocators.h>

G_BEGIN_DECLS

/**
 * GST_TEGRA_CSI_APP_ALLOCATOR_NAME:
 *
 * The name the plugin registers its application-memory allocator under:
 * gst_allocator_find (GST_TEGRA_CSI_APP_ALLOCATOR_NAME) once the plugin is
 * loaded (gst_plugin_load_by_name ("tegracsi"), or any tegracsisrc made).
 */
#define GST_TEGRA_CSI_APP_ALLOCATOR_NAME "tegracsi-app"

#define GST_TYPE_TEGRA_CSI_APP_ALLOCATOR (gst_tegra_csi_app_allocator_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiAppAllocator, gst_tegra_csi_app_allocator,
    GST, TEGRA_CSI_APP_ALLOCATOR, GstDmaBufAllocator)

GstMemory *gst_tegra_csi_app_allocator_wrap (GstTegraCsiAppAllocator * self,
    gpointer data, gsize size, GError ** error);

gboolean gst_tegra_csi_app_memory_get_export_offset (GstMemory * mem,
    gsize * offset);

void gst_tegra_csi_app_allocator_register (void);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_APP_ALLOCATOR_H__ */
