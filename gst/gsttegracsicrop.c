/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: cropping the device's frames (the crop-* properties).
 *
 * As v4l2src's crop-top, crop-left, crop-bottom and crop-right: pixels
 * removed from each edge of the crop bounds (VIDIOC_G_SELECTION
 * V4L2_SEL_TGT_CROP_BOUNDS, or VIDIOC_CROPCAP's bounds), set with
 * VIDIOC_S_SELECTION (V4L2_SEL_TGT_CROP). The caps follow the crop: the
 * frames are the crop rectangle's size (the element does not ask the driver
 * to scale). Set again after VIDIOC_S_FMT, which a driver may let reset
 * the crop.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsicrop.h"
#include "gsttegracsidebug.h"

#define GST_CAT_DEFAULT gst_tegra_csi_caps_debug

/**
 * gst_tegra_csi_crop_apply:
 * @crop: (inout): the edges to remove; on return the bounds and the
 *   rectangle set
 * @device: an open device, without buffers
 * @error: (out): why it cannot crop, for GST_ELEMENT_ERROR
 *
 * Reads the crop bounds and, when an edge is to be removed, sets the crop
 * rectangle (the driver may adjust it; @crop->rect is what it set).
 *
 * Returns: %TRUE when nothing is to be cropped or the crop is set.
 */
gboolean
gst_tegra_csi_crop_apply (GstTegraCsiCrop * crop, GstTegraCsiDevice * device,
    GError ** error)
{
  const gchar *path = gst_tegra_csi_device_get_path (device);
  struct v4l2_rect *b = &crop->bounds;
  gint ret;

  crop->active = FALSE;
  ret = gst_tegra_csi_device_get_selection (device, V4L2_SEL_TGT_CROP_BOUNDS,
      b);
  crop->have_bounds = ret == 0;
  if (crop->left == 0 && crop->top == 0 && crop->right == 0 &&
      crop->bottom == 0)
    return TRUE;

  if (!crop->have_bounds) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' cannot crop: it reports no crop bounds "
        "(VIDIOC_G_SELECTION: %s).", path, g_strerror (-ret));
    return FALSE;
  }
  if ((guint64) crop->left + crop->right >= b->width ||
      (guint64) crop->top + crop->bottom >= b->height) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Cropping %u, %u, %u and %u pixels (left, top, right, bottom) "
        "leaves nothing of the %ux%u crop bounds of device '%s'.",
        crop->left, crop->top, crop->right, crop->bottom, b->width,
        b->height, path);
    return FALSE;
  }

  crop->rect.left = b->left + crop->left;
  crop->rect.top = b->top + crop->top;
  crop->rect.width = b->width - crop->left - crop->right;
  crop->rect.height = b->height - crop->top - crop->bottom;
  ret = gst_tegra_csi_device_set_selection (device, V4L2_SEL_TGT_CROP,
      &crop->rect);
  if (ret < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' cannot crop to %ux%u at %d,%d (VIDIOC_S_SELECTION: "
        "%s).", path, b->width - crop->left - crop->right,
        b->height - crop->top - crop->bottom, b->left + crop->left,
        b->top + crop->top, g_strerror (-ret));
    return FALSE;
  }
  GST_INFO_OBJECT (device, "cropped to %ux%u at %d,%d of %ux%u",
      crop->rect.width, crop->rect.height, crop->rect.left, crop->rect.top,
      b->width, b->height);
  crop->active = TRUE;
  return TRUE;
}

/**
 * gst_tegra_csi_crop_reapply:
 * @crop: a crop gst_tegra_csi_crop_apply() set
 * @device: the device, its format just set
 * @error: (out): why the crop did not hold, for GST_ELEMENT_ERROR
 *
 * Sets the crop rectangle again after VIDIOC_S_FMT and checks that the
 * driver keeps it. Does nothing when nothing is cropped.
 *
 * Returns: %TRUE when the crop holds.
 */
gboolean
gst_tegra_csi_crop_reapply (GstTegraCsiCrop * crop, GstTegraCsiDevice * device,
    GError ** error)
{
  struct v4l2_rect r = crop->rect;
  gint ret;

  if (!crop->active)
    return TRUE;
  ret = gst_tegra_csi_device_set_selection (device, V4L2_SEL_TGT_CROP, &r);
  if (ret < 0 || r.left != crop->rect.left || r.top != crop->rect.top ||
      r.width != crop->rect.width || r.height != crop->rect.height) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' does not keep the crop to %ux%u at %d,%d with its "
        "format set (VIDIOC_S_SELECTION: %s).",
        gst_tegra_csi_device_get_path (device), crop->rect.width,
        crop->rect.height, crop->rect.left, crop->rect.top, ret < 0 ?
        g_strerror (-ret) : "another rectangle");
    return FALSE;
  }
  return TRUE;
}

/**
 * gst_tegra_csi_crop_get_bounds:
 * @crop: a crop
 * @array: (out caller-allocates): an unset #GValue; becomes a
 *   #GstValueArray of four integers, left, top, width and height of the
 *   crop bounds, or an empty one when they are not known
 */
void
gst_tegra_csi_crop_get_bounds (const GstTegraCsiCrop * crop, GValue * array)
{
  const gint fields[] = { crop->bounds.left, crop->bounds.top,
    (gint) crop->bounds.width, (gint) crop->bounds.height
  };
  guint i;

  g_value_init (array, GST_TYPE_ARRAY);
  for (i = 0; crop->have_bounds && i < G_N_ELEMENTS (fields); i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_INT);
    g_value_set_int (&v, fields[i]);
    gst_value_array_append_and_take_value (array, &v);
  }
}
