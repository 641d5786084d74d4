/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: V4L2 controls set by name (the element's extra-controls).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsicontrols.h"
#include "gsttegracsidebug.h"

#define GST_CAT_DEFAULT gst_tegra_csi_controls_debug

static gboolean
value_to_int64 (const GValue * value, gint64 * out)
{
  GValue v = G_VALUE_INIT;

  if (G_VALUE_HOLDS_BOOLEAN (value)) {
    *out = g_value_get_boolean (value);
    return TRUE;
  }

  g_value_init (&v, G_TYPE_INT64);
  if (!g_value_transform (value, &v))
    return FALSE;
  *out = g_value_get_int64 (&v);
  g_value_unset (&v);
  return TRUE;
}

typedef struct
{
  GstElement *element;
  GstTegraCsiDevice *device;
} ApplyControls;

static gboolean
apply_one_control (GQuark field, const GValue * value, gpointer user_data)
{
  ApplyControls *ctx = user_data;
  const gchar *name = g_quark_to_string (field);
  const gchar *path = gst_tegra_csi_device_get_path (ctx->device);
  struct v4l2_query_ext_ctrl ctrl;
  gint64 v;
  gint ret;

  if (!value_to_int64 (value, &v)) {
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Control '%s' of device '%s' needs an integer or boolean value.",
            name, path), (NULL));
    return TRUE;
  }

  ret = gst_tegra_csi_device_find_control (ctx->device, name, &ctrl);
  if (ret < 0) {
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Device '%s' has no control '%s'.", path, name),
        ("VIDIOC_QUERY_EXT_CTRL: %s", g_strerror (-ret)));
    return TRUE;
  }

  ret = gst_tegra_csi_device_set_control (ctx->device, ctrl.id, v);
  if (ret < 0) {
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Device '%s' refused %s=%" G_GINT64_FORMAT ".", path, name, v),
        ("VIDIOC_S_EXT_CTRLS: %s", g_strerror (-ret)));
    return TRUE;
  }

  GST_INFO_OBJECT (ctx->element, "control %s (0x%08x) set to %" G_GINT64_FORMAT,
      name, ctrl.id, v);
  return TRUE;
}

/**
 * gst_tegra_csi_controls_apply:
 * @element: the element that posts a warning message for each control that
 *   cannot be set
 * @device: an open device
 * @controls: (nullable): V4L2 controls by the names v4l2-ctl uses (lower
 *   case, underscores; VIDIOC_QUERY_EXT_CTRL names), integer or boolean
 *   values, e.g. "c,exposure=10000,test_pattern=1"
 *
 * Sets each control with VIDIOC_S_EXT_CTRLS (V4L2 spec, "ioctl
 * VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS"). A control the device lacks, a
 * value it refuses or a value that is not a number gives a
 * GST_RESOURCE_ERROR_SETTINGS warning, not an error; the others are set.
 */
void
gst_tegra_csi_controls_apply (GstElement * element,
    GstTegraCsiDevice * device, const GstStructure * controls)
{
  ApplyControls ctx = { element, device };

  if (controls)
    gst_structure_foreach (controls, apply_one_control, &ctx);
}
