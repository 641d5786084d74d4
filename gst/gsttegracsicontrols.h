/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: V4L2 controls set by name (the element's extra-controls).
 */
#ifndef __GST_TEGRA_CSI_CONTROLS_H__
#define __GST_TEGRA_CSI_CONTROLS_H__

#include <gst/gst.h>

#include "gsttegracsidevice.h"

G_BEGIN_DECLS

void gst_tegra_csi_controls_apply (GstElement * element,
    GstTegraCsiDevice * device, const GstStructure * controls);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CONTROLS_H__ */
