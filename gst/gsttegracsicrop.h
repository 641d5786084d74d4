/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: cropping the device's frames (the crop-* properties).
 */
#ifndef __GST_TEGRA_CSI_CROP_H__
#define __GST_TEGRA_CSI_CROP_H__

#include <gst/gst.h>

#include "gsttegracsidevice.h"

G_BEGIN_DECLS

/**
 * GstTegraCsiCrop:
 * @left: pixels to remove at the left edge (crop-left)
 * @top: lines to remove at the top (crop-top)
 * @right: pixels to remove at the right edge (crop-right)
 * @bottom: lines to remove at the bottom (crop-bottom)
 * @have_bounds: @bounds is known
 * @bounds: the area the driver can crop from (crop bounds)
 * @active: a crop rectangle is set: @rect
 * @rect: the crop rectangle the driver set
 *
 * What to crop and what was cropped. Streaming or state-change thread only.
 */
typedef struct
{
  guint left, top, right, bottom;
  gboolean have_bounds;
  struct v4l2_rect bounds;
  gboolean active;
  struct v4l2_rect rect;
} GstTegraCsiCrop;

gboolean gst_tegra_csi_crop_apply (GstTegraCsiCrop * crop,
    GstTegraCsiDevice * device, GError ** error);

gboolean gst_tegra_csi_crop_reapply (GstTegraCsiCrop * crop,
    GstTegraCsiDevice * device, GError ** error);

void gst_tegra_csi_crop_get_bounds (const GstTegraCsiCrop * crop,
    GValue * array);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CROP_H__ */
