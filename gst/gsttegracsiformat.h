/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the table between V4L2 pixel formats and GStreamer caps.
 */
#ifndef __GST_TEGRA_CSI_FORMAT_H__
#define __GST_TEGRA_CSI_FORMAT_H__

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/allocators/allocators.h>
#include <linux/videodev2.h>

G_BEGIN_DECLS

/**
 * GstTegraCsiFormatKind:
 * @GST_TEGRA_CSI_FORMAT_RAW: a `video/x-raw` format with a #GstVideoFormat.
 * @GST_TEGRA_CSI_FORMAT_BAYER: a `video/x-bayer` format named by a string.
 *
 * Which caps media type a table entry produces.
 */
typedef enum
{
  GST_TEGRA_CSI_FORMAT_RAW,
  GST_TEGRA_CSI_FORMAT_BAYER,
} GstTegraCsiFormatKind;

/**
 * GstTegraCsiFormat:
 * @fourcc: the V4L2 pixel format (`V4L2_PIX_FMT_*`).
 * @kind: raw video or Bayer.
 * @video_format: the #GstVideoFormat of a raw entry; for a Bayer entry the
 *   format of the same memory layout (GRAY8 or GRAY16_LE), used only to
 *   describe the planes in the #GstVideoMeta.
 * @bayer_format: the `format` field of `video/x-bayer` caps, or %NULL.
 * @n_memories: how many memory planes the V4L2 format uses (2 or 3 for the
 *   non-contiguous multi-planar formats such as NV12M, else 1).
 *
 * One row of the format table.
 */
typedef struct
{
  guint32 fourcc;
  GstTegraCsiFormatKind kind;
  GstVideoFormat video_format;
  const gchar *bayer_format;
  guint n_memories;
} GstTegraCsiFormat;

const GstTegraCsiFormat *gst_tegra_csi_format_from_fourcc (guint32 fourcc);

const GstTegraCsiFormat *gst_tegra_csi_format_from_structure (const GstStructure * s,
    guint index);

GstStructure *gst_tegra_csi_format_to_structure (const GstTegraCsiFormat * format);

guint32 gst_tegra_csi_format_get_fourcc (const struct v4l2_format *fmt,
    guint * width, guint * height);

gboolean gst_tegra_csi_format_fill_video_info (const GstTegraCsiFormat * format,
    const struct v4l2_format *fmt, GstVideoInfo * info, gsize * memory_sizes);

void gst_tegra_csi_format_get_colorimetry (const struct v4l2_format *fmt,
    GstVideoColorimetry * cinfo);

void gst_tegra_csi_format_set_colorimetry (struct v4l2_format *fmt,
    const GstVideoColorimetry * cinfo);

gboolean gst_tegra_csi_format_get_interlace (const struct v4l2_format *fmt,
    gboolean bottom_first, GstVideoInterlaceMode * mode,
    GstVideoFieldOrder * order);

const gchar *gst_tegra_csi_format_field_name (guint32 field);

GstCaps *gst_tegra_csi_format_template_caps (void);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_FORMAT_H__ */
