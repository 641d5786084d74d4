/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the element's GstColorBalance over the device's controls.
 */
#ifndef __GST_TEGRA_CSI_COLOR_BALANCE_H__
#define __GST_TEGRA_CSI_COLOR_BALANCE_H__

#include <gst/gst.h>
#include <gst/video/colorbalance.h>

#include "gsttegracsidevice.h"

G_BEGIN_DECLS

GList *gst_tegra_csi_color_balance_probe (GstTegraCsiDevice * device);

gboolean gst_tegra_csi_color_balance_set (GstTegraCsiDevice * device,
    GstColorBalanceChannel * channel, gint value);

gint gst_tegra_csi_color_balance_get (GstTegraCsiDevice * device,
    GstColorBalanceChannel * channel);

void gst_tegra_csi_color_balance_free (GList * channels);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_COLOR_BALANCE_H__ */
