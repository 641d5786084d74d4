/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the plugin's debug categories, all set up in one place.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsidebug.h"

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
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_tegra_csi_copier_debug, "tegracsi-copier", 0,
        "tegracsi frames copied into the default layout");
    g_once_init_leave (&done, 1);
  }
}
