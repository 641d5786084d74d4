/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the driver's CLOCK_MONOTONIC capture times on a pipeline clock.
 */
#ifndef __GST_TEGRA_CSI_CLOCK_H__
#define __GST_TEGRA_CSI_CLOCK_H__

#include <gst/gst.h>

G_BEGIN_DECLS

GstCaps *gst_tegra_csi_clock_monotonic_caps (void);

gboolean gst_tegra_csi_clock_is_monotonic (GstClock * clock);

GstClockTime gst_tegra_csi_clock_capture_time (GstClock * clock,
    gboolean clock_is_monotonic, GstClockTime monotonic);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CLOCK_H__ */
