/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: plugin entry point. It only registers the element, the device
 * provider and the application-memory allocator.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gsttegracsiappallocator.h"
#include "gsttegracsidebug.h"
#include "gsttegracsisrc.h"
#include "gsttegracsideviceprovider.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  const gchar *paths[] = { "/dev", NULL };

  gst_tegra_csi_debug_init ();
  const gchar *names[] = { "video", NULL };

  /* Rescan the plugin when capture devices come and go. */
  gst_plugin_add_dependency (plugin, NULL, paths, names,
      GST_PLUGIN_DEPENDENCY_FLAG_FILE_NAME_IS_PREFIX);

  gst_tegra_csi_app_allocator_register ();

  return GST_ELEMENT_REGISTER (tegracsisrc, plugin) &&
      GST_DEVICE_PROVIDER_REGISTER (tegracsideviceprovider, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, tegracsi,
    "V4L2 video capture with dma-buf export, for Tegra CSI and any V4L2 "
    "capture device", plugin_init, PACKAGE_VERSION, "LGPL",
    PACKAGE, "tegracsi")
