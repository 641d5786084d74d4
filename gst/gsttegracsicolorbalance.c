/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the element's GstColorBalance over the device's controls.
 *
 * A channel for each of V4L2_CID_BRIGHTNESS, V4L2_CID_CONTRAST,
 * V4L2_CID_SATURATION and V4L2_CID_HUE that the device has (and that is
 * not disabled), labelled with the driver's name for it, its range the
 * control's. Setting a channel sets the control (VIDIOC_S_EXT_CTRLS);
 * reading it reads the control (VIDIOC_G_EXT_CTRLS). The balance is
 * GST_COLOR_BALANCE_HARDWARE: the device applies it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsicolorbalance.h"
#include "gsttegracsidebug.h"

#define GST_CAT_DEFAULT gst_tegra_csi_controls_debug

static GQuark
cid_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("GstTegraCsiControlId");
  return quark;
}

/**
 * gst_tegra_csi_color_balance_probe:
 * @device: an open device
 *
 * Returns: (transfer full) (element-type GstColorBalanceChannel): a channel
 *   for each color control the device has (brightness, contrast,
 *   saturation, hue), possibly none; free with
 *   gst_tegra_csi_color_balance_free().
 */
GList *
gst_tegra_csi_color_balance_probe (GstTegraCsiDevice * device)
{
  static const guint32 cids[] = { V4L2_CID_BRIGHTNESS, V4L2_CID_CONTRAST,
    V4L2_CID_SATURATION, V4L2_CID_HUE
  };
  GList *channels = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cids); i++) {
    struct v4l2_query_ext_ctrl ctrl;
    GstColorBalanceChannel *channel;

    if (gst_tegra_csi_device_query_control (device, cids[i], &ctrl) < 0 ||
        (ctrl.flags & V4L2_CTRL_FLAG_DISABLED) ||
        ctrl.type != V4L2_CTRL_TYPE_INTEGER)
      continue;
    channel = g_object_new (GST_TYPE_COLOR_BALANCE_CHANNEL, NULL);
    channel->label = g_strdup (ctrl.name);
    channel->min_value = CLAMP (ctrl.minimum, G_MININT, G_MAXINT);
    channel->max_value = CLAMP (ctrl.maximum, G_MININT, G_MAXINT);
    g_object_set_qdata (G_OBJECT (channel), cid_quark (),
        GUINT_TO_POINTER (cids[i]));
    channels = g_list_append (channels, channel);
    GST_DEBUG_OBJECT (device, "color balance channel '%s' %d..%d",
        channel->label, channel->min_value, channel->max_value);
  }
  return channels;
}

/**
 * gst_tegra_csi_color_balance_set:
 * @device: the open device the channel was probed on
 * @channel: a channel of gst_tegra_csi_color_balance_probe()
 * @value: the new value, within the channel's range
 *
 * Returns: %TRUE when the device took it.
 */
gboolean
gst_tegra_csi_color_balance_set (GstTegraCsiDevice * device,
    GstColorBalanceChannel * channel, gint value)
{
  guint32 cid = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (channel),
          cid_quark ()));

  return cid && gst_tegra_csi_device_set_control (device, cid, value) == 0;
}

/**
 * gst_tegra_csi_color_balance_get:
 * @device: the open device the channel was probed on
 * @channel: a channel of gst_tegra_csi_color_balance_probe()
 *
 * Returns: the control's current value, or the channel's minimum when it
 *   cannot be read.
 */
gint
gst_tegra_csi_color_balance_get (GstTegraCsiDevice * device,
    GstColorBalanceChannel * channel)
{
  guint32 cid = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (channel),
          cid_quark ()));
  gint64 value = channel->min_value;

  if (cid)
    gst_tegra_csi_device_get_control (device, cid, &value);
  return (gint) value;
}

/**
 * gst_tegra_csi_color_balance_free:
 * @channels: (transfer full) (nullable): channels to free
 */
void
gst_tegra_csi_color_balance_free (GList * channels)
{
  g_list_free_full (channels, g_object_unref);
}
