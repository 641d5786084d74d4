/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the caps of a device.
 */
#ifndef __GST_TEGRA_CSI_CAPS_H__
#define __GST_TEGRA_CSI_CAPS_H__

#include <gst/gst.h>

#include "gsttegracsidevice.h"
#include "gsttegracsiformat.h"

G_BEGIN_DECLS

GstCaps *gst_tegra_csi_caps_probe (GstTegraCsiDevice * device, gboolean dmabuf,
    GArray * fourccs, gchar ** offered);

const GstTegraCsiFormat *gst_tegra_csi_caps_find_format (const GstStructure * s,
    const GArray * fourccs);

GstCaps *gst_tegra_csi_caps_fixate (GstCaps * caps, GstTegraCsiDevice * device,
    const GArray * fourccs);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CAPS_H__ */
