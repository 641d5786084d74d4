/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: opening a capture device for the element.
 */
#ifndef __GST_TEGRA_CSI_OPEN_H__
#define __GST_TEGRA_CSI_OPEN_H__

#include <gst/gst.h>

#include "gsttegracsiallocation.h"
#include "gsttegracsidevice.h"
#include "gsttegracsisrc.h"

G_BEGIN_DECLS

GstTegraCsiDevice *gst_tegra_csi_open_device (GstElement * element,
    const gchar * path);

gboolean gst_tegra_csi_open_memory (GstElement * element,
    GstTegraCsiDevice * device, GstTegraCsiIoMode io_mode,
    GstTegraCsiAllocationParams * alloc);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_OPEN_H__ */
