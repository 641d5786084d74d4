/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the table between V4L2 pixel formats and GStreamer caps.
 *
 * The table knows nothing of devices: it maps a fourcc to a caps structure
 * and back, and describes the plane layout a driver reports in GstVideoInfo
 * terms so that the buffer pool can attach an exact GstVideoMeta.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiformat.h"
#include "gsttegracsidebug.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_tegra_csi_format_debug

#define RAW(fcc, vfmt, nmem) \
  { V4L2_PIX_FMT_ ## fcc, GST_TEGRA_CSI_FORMAT_RAW, GST_VIDEO_FORMAT_ ## vfmt, NULL, nmem }
#define BAYER(fcc, name, container) \
  { V4L2_PIX_FMT_ ## fcc, GST_TEGRA_CSI_FORMAT_BAYER, GST_VIDEO_FORMAT_ ## container, name, 1 }

/* Order matters only for ties: a contiguous format comes before its
 * multi-memory twin (NV12 before NV12M) so that it is chosen when a device
 * offers both. */
static const GstTegraCsiFormat formats[] = {
  /* Packed YUV */
  RAW (UYVY, UYVY, 1),
  RAW (YUYV, YUY2, 1),
  RAW (YVYU, YVYU, 1),
  RAW (VYUY, VYUY, 1),
  /* Semi-planar and planar YUV, one memory */
  RAW (NV12, NV12, 1),
  RAW (NV21, NV21, 1),
  RAW (NV16, NV16, 1),
  RAW (NV61, NV61, 1),
  RAW (NV24, NV24, 1),
  RAW (YUV420, I420, 1),
  RAW (YVU420, YV12, 1),
  RAW (YUV422P, Y42B, 1),
  /* Planar YUV, one memory per plane */
  RAW (NV12M, NV12, 2),
  RAW (NV21M, NV21, 2),
  RAW (NV16M, NV16, 2),
  RAW (NV61M, NV61, 2),
  RAW (YUV420M, I420, 3),
  RAW (YVU420M, YV12, 3),
  RAW (YUV422M, Y42B, 3),
  RAW (YUV444M, Y444, 3),
  /* Grey */
  RAW (GREY, GRAY8, 1),
  RAW (Y16, GRAY16_LE, 1),
  /* RGB: V4L2 names list bytes from the highest address down for the
   * legacy names, GStreamer names list them from the lowest address up. */
  RAW (XBGR32, BGRx, 1),
  RAW (ABGR32, BGRA, 1),
  RAW (XRGB32, xRGB, 1),
  RAW (ARGB32, ARGB, 1),
  RAW (RGBX32, RGBx, 1),
  RAW (RGBA32, RGBA, 1),
  RAW (BGRX32, xBGR, 1),
  RAW (BGRA32, ABGR, 1),
  RAW (BGR32, BGRx, 1),
  RAW (RGB32, xRGB, 1),
  RAW (RGB24, RGB, 1),
  RAW (BGR24, BGR, 1),
  RAW (RGB565, RGB16, 1),
  /* Bayer, 8 bits */
  BAYER (SBGGR8, "bggr", GRAY8),
  BAYER (SGBRG8, "gbrg", GRAY8),
  BAYER (SGRBG8, "grbg", GRAY8),
  BAYER (SRGGB8, "rggb", GRAY8),
  /* Bayer, 10 to 16 bits, little-endian in 16-bit containers (the names
   * GStreamer 1.24 uses) */
  BAYER (SBGGR10, "bggr10le", GRAY16_LE),
  BAYER (SGBRG10, "gbrg10le", GRAY16_LE),
  BAYER (SGRBG10, "grbg10le", GRAY16_LE),
  BAYER (SRGGB10, "rggb10le", GRAY16_LE),
  BAYER (SBGGR12, "bggr12le", GRAY16_LE),
  BAYER (SGBRG12, "gbrg12le", GRAY16_LE),
  BAYER (SGRBG12, "grbg12le", GRAY16_LE),
  BAYER (SRGGB12, "rggb12le", GRAY16_LE),
  BAYER (SBGGR14, "bggr14le", GRAY16_LE),
  BAYER (SGBRG14, "gbrg14le", GRAY16_LE),
  BAYER (SGRBG14, "grbg14le", GRAY16_LE),
  BAYER (SRGGB14, "rggb14le", GRAY16_LE),
  BAYER (SBGGR16, "bggr16le", GRAY16_LE),
  BAYER (SGBRG16, "gbrg16le", GRAY16_LE),
  BAYER (SGRBG16, "grbg16le", GRAY16_LE),
  BAYER (SRGGB16, "rggb16le", GRAY16_LE),
};

/**
 * gst_tegra_csi_format_from_fourcc:
 * @fourcc: a V4L2 pixel format
 *
 * Looks up the table row of a V4L2 pixel format.
 *
 * Returns: (nullable) (transfer none): the row, or %NULL if the element does
 * not handle @fourcc.
 */
const GstTegraCsiFormat *
gst_tegra_csi_format_from_fourcc (guint32 fourcc)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    if (formats[i].fourcc == fourcc)
      return &formats[i];
  }

  return NULL;
}

/**
 * gst_tegra_csi_format_from_structure:
 * @s: a `video/x-raw` or `video/x-bayer` caps structure with a fixed format
 * @index: which match to return, counting from 0
 *
 * Several V4L2 formats can give the same caps (NV12 and NV12M): call with
 * @index 0, 1, ... until %NULL to see every candidate, best first.
 *
 * Returns: (nullable) (transfer none): the @index-th row whose caps match @s.
 */
const GstTegraCsiFormat *
gst_tegra_csi_format_from_structure (const GstStructure * s, guint index)
{
  const gchar *name = gst_structure_get_name (s);
  const gchar *fmt = gst_structure_get_string (s, "format");
  GstVideoFormat vfmt = GST_VIDEO_FORMAT_UNKNOWN;
  gboolean bayer;
  guint i;

  if (fmt == NULL)
    return NULL;

  if (g_str_equal (name, "video/x-raw")) {
    bayer = FALSE;
    vfmt = gst_video_format_from_string (fmt);
  } else if (g_str_equal (name, "video/x-bayer")) {
    bayer = TRUE;
  } else {
    return NULL;
  }

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    const GstTegraCsiFormat *f = &formats[i];
    gboolean match;

    if (bayer)
      match = f->kind == GST_TEGRA_CSI_FORMAT_BAYER
          && g_str_equal (f->bayer_format, fmt);
    else
      match = f->kind == GST_TEGRA_CSI_FORMAT_RAW && f->video_format == vfmt;

    if (match) {
      if (index == 0)
        return f;
      index--;
    }
  }

  return NULL;
}

/**
 * gst_tegra_csi_format_to_structure:
 * @format: a table row
 *
 * Builds the caps structure of @format with only the media type and the
 * `format` field set; the caller adds sizes and rates.
 *
 * Returns: (transfer full): a new structure.
 */
GstStructure *
gst_tegra_csi_format_to_structure (const GstTegraCsiFormat * format)
{
  if (format->kind == GST_TEGRA_CSI_FORMAT_BAYER)
    return gst_structure_new ("video/x-bayer", "format", G_TYPE_STRING,
        format->bayer_format, NULL);

  return gst_structure_new ("video/x-raw", "format", G_TYPE_STRING,
      gst_video_format_to_string (format->video_format), NULL);
}

static gboolean
fmt_is_mplane (const struct v4l2_format *fmt)
{
  return fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

/**
 * gst_tegra_csi_format_get_fourcc:
 * @fmt: a format (single- or multi-planar)
 * @width: (out): its width in pixels
 * @height: (out): its height in lines
 *
 * Returns: its V4L2 pixel format.
 */
guint32
gst_tegra_csi_format_get_fourcc (const struct v4l2_format *fmt, guint * width,
    guint * height)
{
  if (fmt_is_mplane (fmt)) {
    *width = fmt->fmt.pix_mp.width;
    *height = fmt->fmt.pix_mp.height;
    return fmt->fmt.pix_mp.pixelformat;
  }
  *width = fmt->fmt.pix.width;
  *height = fmt->fmt.pix.height;
  return fmt->fmt.pix.pixelformat;
}

/**
 * gst_tegra_csi_format_fill_video_info:
 * @format: the row of the format the driver accepted
 * @fmt: the format as the driver returned it from VIDIOC_S_FMT or
 *   VIDIOC_TRY_FMT (single- or multi-planar)
 * @info: (out caller-allocates): the layout in GStreamer terms
 * @memory_sizes: (out caller-allocates) (array fixed-size=4): the size of
 *   each memory the driver hands out, in bytes
 *
 * Translates the driver's layout (bytesperline, sizeimage per plane) into a
 * #GstVideoInfo whose strides and offsets are exactly the driver's. Offsets
 * count from the start of the buffer, all memories put end to end, as
 * #GstVideoMeta expects. For the chroma planes of a one-memory planar
 * format the V4L2 rule applies: their stride follows from the luma
 * bytesperline and the subsampling.
 *
 * Returns: %TRUE on success, %FALSE if @fmt does not fit @format.
 */
gboolean
gst_tegra_csi_format_fill_video_info (const GstTegraCsiFormat * format,
    const struct v4l2_format *fmt, GstVideoInfo * info, gsize * memory_sizes)
{
  const GstVideoFormatInfo *finfo;
  guint width, height, n_planes, p;
  gsize offset = 0;


  if (fmt_is_mplane (fmt)) {
    width = fmt->fmt.pix_mp.width;
    height = fmt->fmt.pix_mp.height;
    if (fmt->fmt.pix_mp.num_planes != format->n_memories) {
      GST_WARNING ("driver reports %u planes for %" GST_FOURCC_FORMAT
          ", expected %u", fmt->fmt.pix_mp.num_planes,
          GST_FOURCC_ARGS (format->fourcc), format->n_memories);
      return FALSE;
    }
  } else {
    width = fmt->fmt.pix.width;
    height = fmt->fmt.pix.height;
    if (format->n_memories != 1)
      return FALSE;
  }

  if (!gst_video_info_set_format (info, format->video_format, width, height))
    return FALSE;

  finfo = info->finfo;
  n_planes = GST_VIDEO_INFO_N_PLANES (info);

  if (format->n_memories > 1) {
    /* One memory per plane: the driver gives every stride. */
    for (p = 0; p < n_planes; p++) {
      const struct v4l2_plane_pix_format *pf = &fmt->fmt.pix_mp.plane_fmt[p];

      info->stride[p] = pf->bytesperline;
      info->offset[p] = offset;
      memory_sizes[p] = pf->sizeimage;
      offset += pf->sizeimage;
    }
  } else {
    guint bpl, sizeimage;
    gint comp[GST_VIDEO_MAX_COMPONENTS];

    if (fmt_is_mplane (fmt)) {
      bpl = fmt->fmt.pix_mp.plane_fmt[0].bytesperline;
      sizeimage = fmt->fmt.pix_mp.plane_fmt[0].sizeimage;
    } else {
      bpl = fmt->fmt.pix.bytesperline;
      sizeimage = fmt->fmt.pix.sizeimage;
    }

    for (p = 0; p < n_planes; p++) {
      guint stride;

      gst_video_format_info_component (finfo, p, comp);
      if (p == 0) {
        stride = bpl;
      } else {
        /* Scale the luma stride by the bytes per pixel of this plane
         * relative to plane 0 and by its horizontal subsampling. */
        stride = (bpl * GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, comp[0])
            / GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0))
            >> GST_VIDEO_FORMAT_INFO_W_SUB (finfo, comp[0]);
      }
      info->stride[p] = stride;
      info->offset[p] = offset;
      offset += (gsize) stride *
          GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, comp[0], height);
    }

    if (sizeimage < offset) {
      GST_WARNING ("driver sizeimage %u is smaller than the %" G_GSIZE_FORMAT
          " bytes its strides need", sizeimage, offset);
      return FALSE;
    }
    memory_sizes[0] = sizeimage;
    offset = sizeimage;
  }

  info->size = offset;
  return TRUE;
}

/**
 * gst_tegra_csi_format_get_colorimetry:
 * @fmt: a format returned by the driver
 * @cinfo: (out caller-allocates): the colorimetry it describes
 *
 * Translates the V4L2 colorspace, ycbcr_enc, xfer_func and quantization
 * fields, resolving the `DEFAULT` values the way the V4L2 specification
 * defines them for each colorspace. Unknown values become
 * %GST_VIDEO_COLOR_*_UNKNOWN.
 */
void
gst_tegra_csi_format_get_colorimetry (const struct v4l2_format *fmt,
    GstVideoColorimetry * cinfo)
{
  guint32 colorspace, ycbcr_enc, xfer, quant, pixfmt;
  const GstTegraCsiFormat *format;
  gboolean rgb = FALSE;

  if (fmt_is_mplane (fmt)) {
    colorspace = fmt->fmt.pix_mp.colorspace;
    ycbcr_enc = fmt->fmt.pix_mp.ycbcr_enc;
    xfer = fmt->fmt.pix_mp.xfer_func;
    quant = fmt->fmt.pix_mp.quantization;
    pixfmt = fmt->fmt.pix_mp.pixelformat;
  } else {
    colorspace = fmt->fmt.pix.colorspace;
    ycbcr_enc = fmt->fmt.pix.ycbcr_enc;
    xfer = fmt->fmt.pix.xfer_func;
    quant = fmt->fmt.pix.quantization;
    pixfmt = fmt->fmt.pix.pixelformat;
  }

  format = gst_tegra_csi_format_from_fourcc (pixfmt);
  if (format && format->kind == GST_TEGRA_CSI_FORMAT_RAW)
    rgb = GST_VIDEO_FORMAT_INFO_IS_RGB (gst_video_format_get_info
        (format->video_format));

  cinfo->range = GST_VIDEO_COLOR_RANGE_UNKNOWN;
  cinfo->matrix = GST_VIDEO_COLOR_MATRIX_UNKNOWN;
  cinfo->transfer = GST_VIDEO_TRANSFER_UNKNOWN;
  cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_UNKNOWN;

  /* Defaults implied by the colorspace. */
  switch (colorspace) {
    case V4L2_COLORSPACE_SMPTE170M:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_SMPTE170M;
      cinfo->transfer = GST_VIDEO_TRANSFER_BT601;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_REC709:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_BT709;
      cinfo->transfer = GST_VIDEO_TRANSFER_BT709;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT709;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_SRGB:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_BT709;
      cinfo->transfer = GST_VIDEO_TRANSFER_SRGB;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_JPEG:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_BT709;
      cinfo->transfer = GST_VIDEO_TRANSFER_SRGB;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      cinfo->range = GST_VIDEO_COLOR_RANGE_0_255;
      break;
    case V4L2_COLORSPACE_OPRGB:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_ADOBERGB;
      cinfo->transfer = GST_VIDEO_TRANSFER_ADOBERGB;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_BT2020:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_BT2020;
      cinfo->transfer = GST_VIDEO_TRANSFER_BT2020_12;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT2020;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_SMPTE240M:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_SMPTE240M;
      cinfo->transfer = GST_VIDEO_TRANSFER_SMPTE240M;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_SMPTE240M;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_470_SYSTEM_M:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_BT470M;
      cinfo->transfer = GST_VIDEO_TRANSFER_BT709;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    case V4L2_COLORSPACE_470_SYSTEM_BG:
      cinfo->primaries = GST_VIDEO_COLOR_PRIMARIES_BT470BG;
      cinfo->transfer = GST_VIDEO_TRANSFER_BT709;
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    default:
      /* RAW, DCI-P3 and DEFAULT: nothing implied. */
      break;
  }

  switch (ycbcr_enc) {
    case V4L2_YCBCR_ENC_601:
    case V4L2_YCBCR_ENC_XV601:
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT601;
      break;
    case V4L2_YCBCR_ENC_709:
    case V4L2_YCBCR_ENC_XV709:
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT709;
      break;
    case V4L2_YCBCR_ENC_BT2020:
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_BT2020;
      break;
    case V4L2_YCBCR_ENC_SMPTE240M:
      cinfo->matrix = GST_VIDEO_COLOR_MATRIX_SMPTE240M;
      break;
    default:
      break;
  }

  switch (xfer) {
    case V4L2_XFER_FUNC_709:
      /* BT.601 and BT.2020 name the same curve as BT.709 */
      if (colorspace == V4L2_COLORSPACE_BT2020)
        cinfo->transfer = GST_VIDEO_TRANSFER_BT2020_12;
      else if (cinfo->transfer != GST_VIDEO_TRANSFER_BT601)
        cinfo->transfer = GST_VIDEO_TRANSFER_BT709;
      break;
    case V4L2_XFER_FUNC_SRGB:
      cinfo->transfer = GST_VIDEO_TRANSFER_SRGB;
      break;
    case V4L2_XFER_FUNC_OPRGB:
      cinfo->transfer = GST_VIDEO_TRANSFER_ADOBERGB;
      break;
    case V4L2_XFER_FUNC_SMPTE240M:
      cinfo->transfer = GST_VIDEO_TRANSFER_SMPTE240M;
      break;
    case V4L2_XFER_FUNC_NONE:
      cinfo->transfer = GST_VIDEO_TRANSFER_GAMMA10;
      break;
    case V4L2_XFER_FUNC_SMPTE2084:
      cinfo->transfer = GST_VIDEO_TRANSFER_SMPTE2084;
      break;
    default:
      break;
  }

  switch (quant) {
    case V4L2_QUANTIZATION_FULL_RANGE:
      cinfo->range = GST_VIDEO_COLOR_RANGE_0_255;
      break;
    case V4L2_QUANTIZATION_LIM_RANGE:
      cinfo->range = GST_VIDEO_COLOR_RANGE_16_235;
      break;
    default:
      /* V4L2: RGB defaults to full range, Y'CbCr to limited. */
      if (rgb)
        cinfo->range = GST_VIDEO_COLOR_RANGE_0_255;
      break;
  }

  if (rgb)
    cinfo->matrix = GST_VIDEO_COLOR_MATRIX_RGB;
}

/**
 * gst_tegra_csi_format_set_colorimetry:
 * @fmt: (inout): a format for VIDIOC_TRY_FMT or VIDIOC_S_FMT
 * @cinfo: the colorimetry to ask the driver for
 *
 * Fills the V4L2 colorspace, ycbcr_enc, xfer_func and quantization fields
 * of @fmt from @cinfo (the inverse of
 * gst_tegra_csi_format_get_colorimetry(); an unknown part stays DEFAULT,
 * the driver's choice) and sets `V4L2_PIX_FMT_FLAG_SET_CSC`, which asks a
 * capture driver that supports it (V4L2_FMT_FLAG_CSC_* in VIDIOC_ENUM_FMT)
 * to produce that colorimetry. Drivers that do not support it ignore the
 * fields and the flag and report their own.
 */
void
gst_tegra_csi_format_set_colorimetry (struct v4l2_format *fmt,
    const GstVideoColorimetry * cinfo)
{
  guint32 colorspace = V4L2_COLORSPACE_DEFAULT, ycbcr = V4L2_YCBCR_ENC_DEFAULT;
  guint32 xfer = V4L2_XFER_FUNC_DEFAULT, quant = V4L2_QUANTIZATION_DEFAULT;

  switch (cinfo->primaries) {
    case GST_VIDEO_COLOR_PRIMARIES_BT709:
      /* sRGB and Rec. 709 share the primaries; the transfer tells */
      colorspace = cinfo->transfer == GST_VIDEO_TRANSFER_SRGB ?
          (cinfo->range == GST_VIDEO_COLOR_RANGE_0_255 &&
          cinfo->matrix == GST_VIDEO_COLOR_MATRIX_BT601 ?
              V4L2_COLORSPACE_JPEG : V4L2_COLORSPACE_SRGB) :
          V4L2_COLORSPACE_REC709;
      break;
    case GST_VIDEO_COLOR_PRIMARIES_SMPTE170M:
      colorspace = V4L2_COLORSPACE_SMPTE170M;
      break;
    case GST_VIDEO_COLOR_PRIMARIES_BT470BG:
      colorspace = V4L2_COLORSPACE_470_SYSTEM_BG;
      break;
    case GST_VIDEO_COLOR_PRIMARIES_BT470M:
      colorspace = V4L2_COLORSPACE_470_SYSTEM_M;
      break;
    case GST_VIDEO_COLOR_PRIMARIES_BT2020:
      colorspace = V4L2_COLORSPACE_BT2020;
      break;
    case GST_VIDEO_COLOR_PRIMARIES_SMPTE240M:
      colorspace = V4L2_COLORSPACE_SMPTE240M;
      break;
    case GST_VIDEO_COLOR_PRIMARIES_ADOBERGB:
      colorspace = V4L2_COLORSPACE_OPRGB;
      break;
    default:
      break;
  }

  switch (cinfo->matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT601:
      ycbcr = V4L2_YCBCR_ENC_601;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT709:
      ycbcr = V4L2_YCBCR_ENC_709;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
      ycbcr = V4L2_YCBCR_ENC_BT2020;
      break;
    case GST_VIDEO_COLOR_MATRIX_SMPTE240M:
      ycbcr = V4L2_YCBCR_ENC_SMPTE240M;
      break;
    default:
      break;
  }

  switch (cinfo->transfer) {
    case GST_VIDEO_TRANSFER_BT709:
    case GST_VIDEO_TRANSFER_BT601:
    case GST_VIDEO_TRANSFER_BT2020_10:
    case GST_VIDEO_TRANSFER_BT2020_12:
      xfer = V4L2_XFER_FUNC_709;
      break;
    case GST_VIDEO_TRANSFER_SRGB:
      xfer = V4L2_XFER_FUNC_SRGB;
      break;
    case GST_VIDEO_TRANSFER_ADOBERGB:
      xfer = V4L2_XFER_FUNC_OPRGB;
      break;
    case GST_VIDEO_TRANSFER_SMPTE240M:
      xfer = V4L2_XFER_FUNC_SMPTE240M;
      break;
    case GST_VIDEO_TRANSFER_GAMMA10:
      xfer = V4L2_XFER_FUNC_NONE;
      break;
    case GST_VIDEO_TRANSFER_SMPTE2084:
      xfer = V4L2_XFER_FUNC_SMPTE2084;
      break;
    default:
      break;
  }

  if (cinfo->range == GST_VIDEO_COLOR_RANGE_0_255)
    quant = V4L2_QUANTIZATION_FULL_RANGE;
  else if (cinfo->range == GST_VIDEO_COLOR_RANGE_16_235)
    quant = V4L2_QUANTIZATION_LIM_RANGE;

  if (fmt_is_mplane (fmt)) {
    fmt->fmt.pix_mp.colorspace = colorspace;
    fmt->fmt.pix_mp.ycbcr_enc = ycbcr;
    fmt->fmt.pix_mp.xfer_func = xfer;
    fmt->fmt.pix_mp.quantization = quant;
    fmt->fmt.pix_mp.flags |= V4L2_PIX_FMT_FLAG_SET_CSC;
  } else {
    fmt->fmt.pix.colorspace = colorspace;
    fmt->fmt.pix.ycbcr_enc = ycbcr;
    fmt->fmt.pix.xfer_func = xfer;
    fmt->fmt.pix.quantization = quant;
    /* flags are only defined with the extended pix format */
    fmt->fmt.pix.priv = V4L2_PIX_FMT_PRIV_MAGIC;
    fmt->fmt.pix.flags |= V4L2_PIX_FMT_FLAG_SET_CSC;
  }
}

/**
 * gst_tegra_csi_format_get_interlace:
 * @fmt: a format returned by the driver
 * @bottom_first: whether a frame of `V4L2_FIELD_INTERLACED` has its bottom
 *   field first (the V4L2 rule: so for 525-line (NTSC) standards, the top
 *   field first for all others)
 * @mode: (out): the interlace mode of the frames
 * @order: (out): the field order, or %GST_VIDEO_FIELD_ORDER_UNKNOWN
 *
 * Translates the V4L2 field order the driver returned. Progressive frames
 * (`NONE`, `ANY`) and both fields interleaved line by line in one buffer
 * (`INTERLACED`, `INTERLACED_TB`, `INTERLACED_BT`) are described; one field
 * per buffer (`TOP`, `BOTTOM`, `ALTERNATE`) and sequential fields
 * (`SEQ_TB`, `SEQ_BT`) are not.
 *
 * Returns: %TRUE when the frames can be described.
 */
gboolean
gst_tegra_csi_format_get_interlace (const struct v4l2_format *fmt,
    gboolean bottom_first, GstVideoInterlaceMode * mode,
    GstVideoFieldOrder * order)
{
  guint32 field = fmt_is_mplane (fmt) ? fmt->fmt.pix_mp.field :
      fmt->fmt.pix.field;

  *mode = GST_VIDEO_INTERLACE_MODE_INTERLEAVED;
  *order = GST_VIDEO_FIELD_ORDER_UNKNOWN;
  switch (field) {
    case V4L2_FIELD_ANY:
    case V4L2_FIELD_NONE:
      *mode = GST_VIDEO_INTERLACE_MODE_PROGRESSIVE;
      return TRUE;
    case V4L2_FIELD_INTERLACED:
      *order = bottom_first ? GST_VIDEO_FIELD_ORDER_BOTTOM_FIELD_FIRST :
          GST_VIDEO_FIELD_ORDER_TOP_FIELD_FIRST;
      return TRUE;
    case V4L2_FIELD_INTERLACED_TB:
      *order = GST_VIDEO_FIELD_ORDER_TOP_FIELD_FIRST;
      return TRUE;
    case V4L2_FIELD_INTERLACED_BT:
      *order = GST_VIDEO_FIELD_ORDER_BOTTOM_FIELD_FIRST;
      return TRUE;
    default:
      return FALSE;
  }
}

/**
 * gst_tegra_csi_format_field_name:
 * @field: a `V4L2_FIELD_*` value
 *
 * Returns: (transfer none): its name as the V4L2 specification spells it
 *   ("none", "interlaced-tb", "seq-tb", ...), for messages.
 */
const gchar *
gst_tegra_csi_format_field_name (guint32 field)
{
  static const gchar *names[] = { "any", "none", "top", "bottom",
    "interlaced", "seq-tb", "seq-bt", "alternate", "interlaced-tb",
    "interlaced-bt"
  };

  return field < G_N_ELEMENTS (names) ? names[field] : "unknown";
}

/**
 * gst_tegra_csi_format_template_caps:
 *
 * Builds the pad template caps: every format of the table, with and
 * without the `memory:DMABuf` feature, any size and rate.
 *
 * Returns: (transfer full): the template caps.
 */
GstCaps *
gst_tegra_csi_format_template_caps (void)
{
  GValue raw = G_VALUE_INIT, bayer = G_VALUE_INIT;
  GstStructure *s;
  GstCaps *sysmem, *dmabuf;
  guint i;

  g_value_init (&raw, GST_TYPE_LIST);
  g_value_init (&bayer, GST_TYPE_LIST);

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    GValue v = G_VALUE_INIT;
    GValue *list = formats[i].kind == GST_TEGRA_CSI_FORMAT_RAW ? &raw : &bayer;
    const gchar *name = formats[i].kind == GST_TEGRA_CSI_FORMAT_RAW ?
        gst_video_format_to_string (formats[i].video_format) :
        formats[i].bayer_format;
    guint j;

    /* NV12 and NV12M give the same caps: list each name once */
    for (j = 0; j < gst_value_list_get_size (list); j++)
      if (g_str_equal (g_value_get_string (gst_value_list_get_value (list, j)),
              name))
        break;
    if (j < gst_value_list_get_size (list))
      continue;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, name);
    gst_value_list_append_and_take_value (list, &v);
  }

  sysmem = gst_caps_new_empty ();
  s = gst_structure_new_empty ("video/x-raw");
  gst_structure_take_value (s, "format", &raw);
  gst_caps_append_structure (sysmem, s);
  s = gst_structure_new_empty ("video/x-bayer");
  gst_structure_take_value (s, "format", &bayer);
  gst_caps_append_structure (sysmem, s);
  gst_caps_set_simple (sysmem,
      "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
      "height", GST_TYPE_INT_RANGE, 1, G_MAXINT,
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL);

  dmabuf = gst_caps_copy (sysmem);
  gst_caps_set_features_simple (dmabuf,
      gst_caps_features_new (GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));

  return gst_caps_merge (dmabuf, sysmem);
}
