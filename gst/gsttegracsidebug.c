/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the plugin's debug categories, all set up in one place.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsidebug.h"

GST_DEBUG_CATEGORY (gst_tegra_csi_src_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_device_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_buffer_pool_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_import_queue_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_allocator_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_app_allocator_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_controls_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_caps_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_format_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_device_provider_debug);
GST_DEBUG_CATEGORY (gst_tegra_csi_copier_debug);

/**
 * gst_tegra_csi_debug_init:
 *
 * Registers every debug category of the plugin (`tegracsi-<component>`).
 * Idempotent and thread-safe; the plugin calls it when it loads, and code
 * linked without the plugin (host tests) calls it before anything logs.
 */
void
gst_tegra_csi_debug_init (void)
{
  static const struct
  {
    GstDebugCategory **category;
    const gchar *name, *description;
  } categories[] = {
    {&gst_tegra_csi_src_debug, "tegracsi-src", "tegracsisrc element"},
    {&gst_tegra_csi_device_debug, "tegracsi-device",
        "tegracsi V4L2 device wrapper"},
    {&gst_tegra_csi_buffer_pool_debug, "tegracsi-bufferpool",
        "tegracsi V4L2 buffer pool"},
    {&gst_tegra_csi_import_queue_debug, "tegracsi-importqueue",
        "tegracsi capture into imported memory"},
    {&gst_tegra_csi_allocator_debug, "tegracsi-allocator",
        "tegracsi dma-buf allocator"},
    {&gst_tegra_csi_app_allocator_debug, "tegracsi-appallocator",
        "tegracsi application memory as dma-buf"},
    {&gst_tegra_csi_controls_debug, "tegracsi-controls",
        "tegracsi V4L2 controls"},
    {&gst_tegra_csi_caps_debug, "tegracsi-caps",
        "tegracsi caps probing, fixation and configuration"},
    {&gst_tegra_csi_format_debug, "tegracsi-format", "tegracsi format table"},
    {&gst_tegra_csi_device_provider_debug, "tegracsi-deviceprovider",
        "tegracsi device provider"},
    {&gst_tegra_csi_copier_debug, "tegracsi-copier",
        "tegracsi frames copied into the default layout"},
  };
  static gsize done = 0;
  guint i;

  if (g_once_init_enter (&done)) {
    for (i = 0; i < G_N_ELEMENTS (categories); i++)
      GST_DEBUG_CATEGORY_INIT (*categories[i].category, categories[i].name, 0,
          categories[i].description);
    g_once_init_leave (&done, 1);
  }
}
