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

/* The value to set control @ctrl to, from @value: a number or boolean for
 * the numeric types, a menu entry's name (or its index) for a menu, any
 * value for a button (pressed). Strings are set by the caller. FALSE
 * with a warning posted when @value does not fit. */
static gboolean
control_value (ApplyControls * ctx, const gchar * name,
    const struct v4l2_query_ext_ctrl *ctrl, const GValue * value,
    gint64 * out)
{
  const gchar *path = gst_tegra_csi_device_get_path (ctx->device);

  if (ctrl->type == V4L2_CTRL_TYPE_BUTTON) {
    *out = 1;
    return TRUE;
  }
  if (ctrl->type == V4L2_CTRL_TYPE_MENU && G_VALUE_HOLDS_STRING (value)) {
    if (gst_tegra_csi_device_find_menu_entry (ctx->device, ctrl,
            g_value_get_string (value), out) == 0)
      return TRUE;
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Control '%s' of device '%s' has no menu entry '%s'.", name, path,
            g_value_get_string (value)), (NULL));
    return FALSE;
  }
  if (value_to_int64 (value, out))
    return TRUE;
  GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
      ("Control '%s' of device '%s' needs %s.", name, path,
          ctrl->type == V4L2_CTRL_TYPE_MENU ?
          "the name or the index of a menu entry" :
          "an integer or boolean value"), (NULL));
  return FALSE;
}

static gboolean
apply_one_control (GQuark field, const GValue * value, gpointer user_data)
{
  ApplyControls *ctx = user_data;
  const gchar *name = g_quark_to_string (field);
  const gchar *path = gst_tegra_csi_device_get_path (ctx->device);
  struct v4l2_query_ext_ctrl ctrl;
  gchar *shown;
  gint64 v = 0;
  gint ret;

  ret = gst_tegra_csi_device_find_control (ctx->device, name, &ctrl);
  if (ret < 0) {
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Device '%s' has no control '%s'.", path, name),
        ("VIDIOC_QUERY_EXT_CTRL: %s", g_strerror (-ret)));
    return TRUE;
  }

  if (ctrl.type == V4L2_CTRL_TYPE_STRING) {
    if (!G_VALUE_HOLDS_STRING (value)) {
      GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
          ("Control '%s' of device '%s' needs a string.", name, path),
          (NULL));
      return TRUE;
    }
    ret = gst_tegra_csi_device_set_control_string (ctx->device, ctrl.id,
        g_value_get_string (value));
  } else if (ctrl.type >= V4L2_CTRL_COMPOUND_TYPES) {
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Control '%s' of device '%s' is of a compound type, which "
            "extra-controls cannot set.", name, path), (NULL));
    return TRUE;
  } else {
    if (!control_value (ctx, name, &ctrl, value, &v))
      return TRUE;
    ret = gst_tegra_csi_device_set_control (ctx->device, ctrl.id, v);
  }

  shown = gst_value_serialize (value);
  if (ret < 0)
    GST_ELEMENT_WARNING (ctx->element, RESOURCE, SETTINGS,
        ("Device '%s' refused %s=%s.", path, name, shown),
        ("VIDIOC_S_EXT_CTRLS: %s", g_strerror (-ret)));
  else
    GST_INFO_OBJECT (ctx->element, "control %s (0x%08x) set to %s", name,
        ctrl.id, shown);
  g_free (shown);
  return TRUE;
}

/**
 * gst_tegra_csi_controls_apply:
 * @element: the element that posts a warning message for each control that
 *   cannot be set
 * @device: an open device
 * @controls: (nullable): V4L2 controls by the names v4l2-ctl uses (lower
 *   case, underscores; VIDIOC_QUERY_EXT_CTRL names), e.g.
 *   "c,exposure=10000,test_pattern=1"
 *
 * Sets each control with VIDIOC_S_EXT_CTRLS (V4L2 spec, "ioctl
 * VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS"), by its type: integers (32 or
 * 64 bits, `(gint64)` for values beyond 32 bits), booleans and bitmasks
 * take a number or a boolean; a menu takes the name of an entry (as
 * VIDIOC_QUERYMENU spells it, case ignored) or its index; an integer menu
 * takes the index; a string control a string; a button any value
 * (pressed). A control the device lacks, a value it refuses or a value of
 * the wrong kind gives a GST_RESOURCE_ERROR_SETTINGS warning naming the
 * control, not an error; the others are set.
 */
void
gst_tegra_csi_controls_apply (GstElement * element,
    GstTegraCsiDevice * device, const GstStructure * controls)
{
  ApplyControls ctx = { element, device };

  if (controls)
    gst_structure_foreach (controls, apply_one_control, &ctx);
}
