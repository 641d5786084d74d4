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

/**
 * GstTegraCsiProbe:
 * @dmabuf: in: the caps come twice, first with the `memory:DMABuf`
 *   feature, then without
 * @par_n: in: the pixel aspect ratio of raw caps, numerator
 * @par_d: in: denominator
 * @bottom_first: in: a frame of `V4L2_FIELD_INTERLACED` has its bottom
 *   field first (525-line standards)
 * @crop_width: in: when not 0, the frames are cropped to this width...
 * @crop_height: in: ...and height: every size is this one
 * @fourccs: out: (element-type guint32): every pixel format the device
 *   offers, known or not
 * @csc_fourccs: out: (element-type guint32): those whose colorimetry the
 *   device converts to what is asked (V4L2_FMT_FLAG_CSC_COLORSPACE)
 * @offered: out: what the device offers, as "UYVY (UYVY 4:2:2), ...", for
 *   error messages
 *
 * What gst_tegra_csi_caps_probe() needs and finds.
 */
typedef struct
{
  gboolean dmabuf;
  gint par_n, par_d;
  gboolean bottom_first;
  guint crop_width, crop_height;
  GArray *fourccs;
  GArray *csc_fourccs;
  gchar *offered;
} GstTegraCsiProbe;

void gst_tegra_csi_caps_probe_init (GstTegraCsiProbe * probe,
    GstTegraCsiDevice * device, gboolean dmabuf);

GstCaps *gst_tegra_csi_caps_probe (GstTegraCsiDevice * device,
    GstTegraCsiProbe * probe);

void gst_tegra_csi_caps_probe_clear (GstTegraCsiProbe * probe);

gboolean gst_tegra_csi_caps_converts_colorimetry (
    const GstTegraCsiProbe * probe, guint32 fourcc);

const GstTegraCsiFormat *gst_tegra_csi_caps_find_format (const GstStructure * s,
    const GArray * fourccs);

GstCaps *gst_tegra_csi_caps_fixate (GstCaps * caps, GstTegraCsiDevice * device,
    const GArray * fourccs);

/**
 * GstTegraCsiConfigured:
 * @fmt: what VIDIOC_S_FMT answered
 * @format: its row of the format table
 * @info: the frame layout, the driver's strides and offsets
 * @memory_sizes: the size of each memory (sizeimage per V4L2 plane)
 * @interlace_mode: progressive or interleaved frames
 * @field_order: which field of an interleaved frame comes first, or
 *   %GST_VIDEO_FIELD_ORDER_UNKNOWN
 * @fps_n: the frame rate the device runs at, numerator (0: variable)
 * @fps_d: denominator
 * @caps: (transfer full): the caps of what the device does
 *
 * A format set on the device, as the driver answered.
 */
typedef struct
{
  struct v4l2_format fmt;
  const GstTegraCsiFormat *format;
  GstVideoInfo info;
  gsize memory_sizes[VIDEO_MAX_PLANES];
  GstVideoInterlaceMode interlace_mode;
  GstVideoFieldOrder field_order;
  gint fps_n, fps_d;
  GstCaps *caps;
} GstTegraCsiConfigured;

gboolean gst_tegra_csi_caps_configure (GstTegraCsiDevice * device,
    const GstTegraCsiProbe * probe, GstCaps * caps, guint held,
    GstTegraCsiConfigured * out, GError ** warning, GError ** error);

void gst_tegra_csi_caps_configured_clear (GstTegraCsiConfigured * out);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CAPS_H__ */
