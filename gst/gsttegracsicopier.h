/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: frames copied into the default layout of their caps, for a
 * consumer that does not read GstVideoMeta.
 */
#ifndef __GST_TEGRA_CSI_COPIER_H__
#define __GST_TEGRA_CSI_COPIER_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct _GstTegraCsiCopier GstTegraCsiCopier;

gboolean gst_tegra_csi_layout_is_default (const GstVideoInfo * info,
    guint n_memories, GstVideoInfo * default_info);

GstTegraCsiCopier *gst_tegra_csi_copier_new (const GstVideoInfo * driver,
    GstCaps * caps);

gsize gst_tegra_csi_copier_get_frame_size (GstTegraCsiCopier * self);

GstBuffer *gst_tegra_csi_copier_copy (GstTegraCsiCopier * self,
    GstBuffer * frame);

void gst_tegra_csi_copier_free (GstTegraCsiCopier * self);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_COPIER_H__ */
