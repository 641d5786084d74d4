/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the device provider, which lists V4L2 video capture nodes for
 * GstDeviceMonitor, and its GstDevice.
 */
#ifndef __GST_TEGRA_CSI_DEVICE_PROVIDER_H__
#define __GST_TEGRA_CSI_DEVICE_PROVIDER_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_TEGRA_CSI_DEVICE_PROVIDER \
  (gst_tegra_csi_device_provider_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiDeviceProvider,
    gst_tegra_csi_device_provider, GST, TEGRA_CSI_DEVICE_PROVIDER,
    GstDeviceProvider)

/* The GstDevice the provider creates: one V4L2 video capture node. (The
 * name GstTegraCsiDevice is taken by the V4L2 device wrapper.) */
#define GST_TYPE_TEGRA_CSI_CAMERA_DEVICE \
  (gst_tegra_csi_camera_device_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiCameraDevice, gst_tegra_csi_camera_device,
    GST, TEGRA_CSI_CAMERA_DEVICE, GstDevice)

const gchar *gst_tegra_csi_camera_device_get_path (
    GstTegraCsiCameraDevice * self);

GST_DEVICE_PROVIDER_REGISTER_DECLARE (tegracsideviceprovider);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_DEVICE_PROVIDER_H__ */
