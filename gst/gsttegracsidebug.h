/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the plugin's debug categories, all set up in one place.
 */
#ifndef __GST_TEGRA_CSI_DEBUG_H__
#define __GST_TEGRA_CSI_DEBUG_H__

#include <gst/gst.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_src_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_device_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_buffer_pool_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_import_queue_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_allocator_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_app_allocator_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_controls_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_caps_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_format_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_device_provider_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_tegra_csi_copier_debug);

void gst_tegra_csi_debug_init (void);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_DEBUG_H__ */
