/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the properties of tegracsisrc: their ids, defaults, limits
 * and enum types, and their installation with their documentation.
 */
#ifndef __GST_TEGRA_CSI_SRC_PROPERTIES_H__
#define __GST_TEGRA_CSI_SRC_PROPERTIES_H__

#include <gst/gst.h>

#include "gsttegracsisrc.h"

G_BEGIN_DECLS

#define DEFAULT_DEVICE "/dev/video0"
#define DEFAULT_IO_MODE GST_TEGRA_CSI_IO_MODE_AUTO
#define DEFAULT_CAPTURE_BUFFERS 0
#define DEFAULT_COPY_ON_STARVATION FALSE
#define MIN_CAPTURE_BUFFERS 2
#define MAX_CAPTURE_BUFFERS 32
#define AUTO_CAPTURE_BUFFERS 4
#define DEFAULT_TIMEOUT 5000
#define MAX_TIMEOUT 3600000
#define DEFAULT_ERROR_FRAMES GST_TEGRA_CSI_ERROR_FRAMES_DROP

enum
{
  PROP_0,
  PROP_DEVICE,
  PROP_DEVICE_NAME,
  PROP_DEVICE_FD,
  PROP_IO_MODE,
  PROP_CAPTURE_BUFFERS,
  PROP_EXTRA_CONTROLS,
  PROP_TIMEOUT,
  PROP_ERROR_FRAMES,
  PROP_STATS,
  PROP_COPY_ON_STARVATION,
  PROP_PIXEL_ASPECT_RATIO,
  PROP_CROP_TOP,
  PROP_CROP_LEFT,
  PROP_CROP_BOTTOM,
  PROP_CROP_RIGHT,
  PROP_CROP_BOUNDS,
};

#define GST_TYPE_TEGRA_CSI_IO_MODE (gst_tegra_csi_io_mode_get_type ())
GType gst_tegra_csi_io_mode_get_type (void);

#define GST_TYPE_TEGRA_CSI_ERROR_FRAMES (gst_tegra_csi_error_frames_get_type ())
GType gst_tegra_csi_error_frames_get_type (void);

void gst_tegra_csi_src_properties_install (GObjectClass * gobject_class);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_SRC_PROPERTIES_H__ */
