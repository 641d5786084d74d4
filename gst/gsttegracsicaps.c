/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the caps of a device.
 *
 * Between the device wrapper (which knows no caps) and the format table
 * (which knows no device): what a device can produce, as caps, and how
 * negotiated caps are fixated.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsicaps.h"
#include "gsttegracsidebug.h"

#include <errno.h>
#include <string.h>

#define GST_CAT_DEFAULT gst_tegra_csi_caps_debug

static GValue *
interval_to_framerates (const GArray * intervals, GValue * out)
{
  guint i;

  if (intervals->len == 0)
    return NULL;

  if (g_array_index (intervals, struct v4l2_frmivalenum, 0).type !=
      V4L2_FRMIVAL_TYPE_DISCRETE) {
    const struct v4l2_frmivalenum *iv =
        &g_array_index (intervals, struct v4l2_frmivalenum, 0);
    /* the longest interval is the lowest rate */
    g_value_init (out, GST_TYPE_FRACTION_RANGE);
    gst_value_set_fraction_range_full (out,
        iv->stepwise.max.denominator, MAX (iv->stepwise.max.numerator, 1),
        iv->stepwise.min.denominator, MAX (iv->stepwise.min.numerator, 1));
    return out;
  }

  g_value_init (out, GST_TYPE_LIST);
  for (i = 0; i < intervals->len; i++) {
    const struct v4l2_frmivalenum *iv =
        &g_array_index (intervals, struct v4l2_frmivalenum, i);
    GValue rate = G_VALUE_INIT;

    if (iv->discrete.numerator == 0 || iv->discrete.denominator == 0)
      continue;
    g_value_init (&rate, GST_TYPE_FRACTION);
    gst_value_set_fraction (&rate, iv->discrete.denominator,
        iv->discrete.numerator);
    gst_value_list_append_and_take_value (out, &rate);
  }

  if (gst_value_list_get_size (out) == 0) {
    g_value_unset (out);
    return NULL;
  }
  return out;
}

static void
set_framerates (GstTegraCsiDevice * device,
    GstStructure * s, guint32 fourcc, guint32 width, guint32 height)
{
  GArray *intervals = gst_tegra_csi_device_enum_frame_intervals (device,
      fourcc, width, height);
  GValue rates = G_VALUE_INIT;

  if (interval_to_framerates (intervals, &rates)) {
    gst_structure_take_value (s, "framerate", &rates);
  } else {
    guint32 n, d;

    /* No enumeration: offer the current rate if the device has one,
     * else a variable rate. */
    if (gst_tegra_csi_device_get_frame_interval (device, &n, &d) == 0)
      gst_structure_set (s, "framerate", GST_TYPE_FRACTION, d, n, NULL);
    else
      gst_structure_set (s, "framerate", GST_TYPE_FRACTION, 0, 1, NULL);
  }

  g_array_unref (intervals);
}

/* Appends @str to the string list @list unless it is in it already. */
static void
add_unique_string (GValue * list, const gchar * str)
{
  GValue v = G_VALUE_INIT;
  guint i;

  for (i = 0; i < gst_value_list_get_size (list); i++)
    if (g_str_equal (g_value_get_string (gst_value_list_get_value (list, i)),
            str))
      return;
  g_value_init (&v, G_TYPE_STRING);
  g_value_set_string (&v, str);
  gst_value_list_append_and_take_value (list, &v);
}

/* What VIDIOC_TRY_FMT says of a raw format at @width x @height, added to
 * @s: the colorimetry it produces by default, and, when it converts
 * colorimetry (@csc: V4L2_FMT_FLAG_CSC_* in VIDIOC_ENUM_FMT), the others it
 * accepts; the interlace mode (and field order) of its frames. */
static void
probe_raw_fields (GstTegraCsiDevice * device, const GstTegraCsiFormat * format,
    guint width, guint height, gboolean csc, gboolean bottom_first,
    GstStructure * s)
{
  static const gchar *candidates[] = { "bt601", "bt709", "sRGB", "bt2020",
    "smpte240m", "1:4:7:1"
  };
  GValue list = G_VALUE_INIT;
  struct v4l2_format fmt;
  GstVideoColorimetry cinfo;
  GstVideoInterlaceMode mode;
  GstVideoFieldOrder order;
  gchar *str;
  guint i;

  gst_tegra_csi_device_init_format (device, &fmt, width, height,
      format->fourcc);
  if (gst_tegra_csi_device_try_format (device, &fmt) < 0)
    return;

  if (gst_tegra_csi_format_get_interlace (&fmt, bottom_first, &mode, &order)) {
    gst_structure_set (s, "interlace-mode", G_TYPE_STRING,
        gst_video_interlace_mode_to_string (mode), NULL);
    if (order != GST_VIDEO_FIELD_ORDER_UNKNOWN)
      gst_structure_set (s, "field-order", G_TYPE_STRING,
          gst_video_field_order_to_string (order), NULL);
  }

  g_value_init (&list, GST_TYPE_LIST);
  gst_tegra_csi_format_get_colorimetry (&fmt, &cinfo);
  str = gst_video_colorimetry_to_string (&cinfo);
  if (str)
    add_unique_string (&list, str);
  g_free (str);
  for (i = 0; csc && i < G_N_ELEMENTS (candidates); i++) {
    GstVideoColorimetry want;

    gst_video_colorimetry_from_string (&want, candidates[i]);
    gst_tegra_csi_device_init_format (device, &fmt, width, height,
        format->fourcc);
    gst_tegra_csi_format_set_colorimetry (&fmt, &want);
    if (gst_tegra_csi_device_try_format (device, &fmt) < 0)
      continue;
    gst_tegra_csi_format_get_colorimetry (&fmt, &cinfo);
    str = gst_video_colorimetry_to_string (&cinfo);
    if (str)
      add_unique_string (&list, str);
    g_free (str);
  }
  if (gst_value_list_get_size (&list) == 1)
    gst_structure_set_value (s, "colorimetry",
        gst_value_list_get_value (&list, 0));
  else if (gst_value_list_get_size (&list) > 1)
    gst_structure_set_value (s, "colorimetry", &list);
  g_value_unset (&list);
}

static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

/* Sets every field of @from on @to. */
static void
copy_fields (const GstStructure * from, GstStructure * to)
{
  gst_structure_foreach (from, copy_field, to);
}

static GstCaps *
probe_format (GstTegraCsiDevice * device, const GstTegraCsiFormat * format,
    const GstTegraCsiProbe * probe, gboolean csc)
{
  GArray *sizes = gst_tegra_csi_device_enum_frame_sizes (device,
      format->fourcc);
  GstCaps *caps = gst_caps_new_empty ();
  GstStructure *extras = gst_structure_new_empty ("extras");
  guint i;

  if (format->kind == GST_TEGRA_CSI_FORMAT_RAW) {
    const struct v4l2_frmsizeenum *sz = sizes->len ?
        &g_array_index (sizes, struct v4l2_frmsizeenum, 0) : NULL;
    guint w = sz == NULL ? 640 : sz->type == V4L2_FRMSIZE_TYPE_DISCRETE ?
        sz->discrete.width : sz->stepwise.max_width;
    guint h = sz == NULL ? 480 : sz->type == V4L2_FRMSIZE_TYPE_DISCRETE ?
        sz->discrete.height : sz->stepwise.max_height;

    gst_structure_set (extras, "pixel-aspect-ratio", GST_TYPE_FRACTION,
        probe->par_n, probe->par_d, "interlace-mode", G_TYPE_STRING,
        "progressive", NULL);
    probe_raw_fields (device, format, w, h, csc, probe->bottom_first, extras);
  }

  /* cropped frames have the crop's size only (below) */
  for (i = 0; i < sizes->len && probe->crop_width == 0; i++) {
    const struct v4l2_frmsizeenum *sz =
        &g_array_index (sizes, struct v4l2_frmsizeenum, i);
    GstStructure *s = gst_tegra_csi_format_to_structure (format);

    if (sz->type == V4L2_FRMSIZE_TYPE_DISCRETE) {
      gst_structure_set (s, "width", G_TYPE_INT, sz->discrete.width,
          "height", G_TYPE_INT, sz->discrete.height, NULL);
      set_framerates (device, s, format->fourcc, sz->discrete.width,
          sz->discrete.height);
    } else {
      gst_structure_set (s,
          "width", GST_TYPE_INT_RANGE, (gint) sz->stepwise.min_width,
          (gint) sz->stepwise.max_width,
          "height", GST_TYPE_INT_RANGE, (gint) sz->stepwise.min_height,
          (gint) sz->stepwise.max_height, NULL);
      set_framerates (device, s, format->fourcc, sz->stepwise.max_width,
          sz->stepwise.max_height);
    }
    copy_fields (extras, s);
    gst_caps_append_structure (caps, s);
  }

  if (sizes->len == 0 || probe->crop_width) {
    /* No size enumeration: whatever TRY_FMT accepts; cropped: the crop's
     * size. */
    GstStructure *s = gst_tegra_csi_format_to_structure (format);

    gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
        "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
    set_framerates (device, s, format->fourcc, probe->crop_width,
        probe->crop_height);
    copy_fields (extras, s);
    if (probe->crop_width)
      gst_structure_set (s, "width", G_TYPE_INT, probe->crop_width,
          "height", G_TYPE_INT, probe->crop_height, NULL);
    gst_caps_append_structure (caps, s);
  }

  gst_structure_free (extras);
  g_array_unref (sizes);
  return caps;
}

/**
 * gst_tegra_csi_caps_probe:
 * @device: an open capture device
 * @probe: (inout): what to probe with (@dmabuf, the pixel aspect ratio
 *   of raw caps, the field order of interlaced frames); on return
 *   @fourccs, @csc_fourccs and @offered are filled (free them with
 *   gst_tegra_csi_caps_probe_clear())
 *
 * Enumerates formats, frame sizes and frame intervals and builds the caps
 * of every format the format table knows. Raw caps carry the pixel aspect
 * ratio given, and what VIDIOC_TRY_FMT reports of the format (at its first
 * enumerated size): the interlace mode of its frames and its colorimetry,
 * a list of those it can convert to when VIDIOC_ENUM_FMT flags it able to
 * (V4L2_FMT_FLAG_CSC_COLORSPACE).
 *
 * Returns: (transfer full): the caps (first with the `memory:DMABuf`
 *   feature, then without, when @dmabuf), empty if the device offers
 *   nothing the element can produce.
 */
GstCaps *
gst_tegra_csi_caps_probe (GstTegraCsiDevice * device, GstTegraCsiProbe * probe)
{
  GArray *descs = gst_tegra_csi_device_enum_formats (device);
  GstCaps *sysmem = gst_caps_new_empty ();
  GString *list = g_string_new (NULL);
  guint i;

  probe->fourccs = g_array_new (FALSE, FALSE, sizeof (guint32));
  probe->csc_fourccs = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (i = 0; i < descs->len; i++) {
    const struct v4l2_fmtdesc *d = &g_array_index (descs,
        struct v4l2_fmtdesc, i);
    const GstTegraCsiFormat *format =
        gst_tegra_csi_format_from_fourcc (d->pixelformat);
    gboolean csc = (d->flags & V4L2_FMT_FLAG_CSC_COLORSPACE) != 0;

    g_array_append_val (probe->fourccs, d->pixelformat);
    if (csc)
      g_array_append_val (probe->csc_fourccs, d->pixelformat);
    g_string_append_printf (list, "%s%" GST_FOURCC_FORMAT " (%s)",
        i ? ", " : "", GST_FOURCC_ARGS (d->pixelformat), d->description);

    if (format == NULL) {
      GST_INFO_OBJECT (device, "ignoring format %" GST_FOURCC_FORMAT " (%s)",
          GST_FOURCC_ARGS (d->pixelformat), d->description);
      continue;
    }
    sysmem = gst_caps_merge (sysmem, probe_format (device, format, probe,
            csc));
  }

  g_array_unref (descs);
  probe->offered = g_string_free (list, FALSE);

  if (probe->dmabuf) {
    GstCaps *with_feature = gst_caps_copy (sysmem);

    gst_caps_set_features_simple (with_feature,
        gst_caps_features_new (GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));
    return gst_caps_merge (with_feature, sysmem);
  }

  return sysmem;
}

/**
 * gst_tegra_csi_caps_probe_init:
 * @probe: (out caller-allocates): what to probe with
 * @device: an open capture device
 * @dmabuf: whether the caps come with the `memory:DMABuf` feature too
 *
 * Fills @probe with what the device says: the pixel aspect ratio from
 * VIDIOC_CROPCAP (GStreamer's width over height is the inverse of V4L2's
 * `pixelaspect`, which is height over width; 1/1 when the driver gives
 * none) and the field order of its standard (VIDIOC_G_STD: 525 lines means
 * the bottom field first).
 */
void
gst_tegra_csi_caps_probe_init (GstTegraCsiProbe * probe,
    GstTegraCsiDevice * device, gboolean dmabuf)
{
  guint32 n, d;
  guint64 std = 0;

  memset (probe, 0, sizeof (*probe));
  probe->dmabuf = dmabuf;
  probe->par_n = probe->par_d = 1;
  if (gst_tegra_csi_device_get_pixel_aspect (device, &n, &d) == 0) {
    probe->par_n = d;
    probe->par_d = n;
  }
  if (gst_tegra_csi_device_get_standard (device, &std) == 0)
    probe->bottom_first = (std & V4L2_STD_525_60) != 0;
}

/**
 * gst_tegra_csi_caps_probe_clear:
 * @probe: what gst_tegra_csi_caps_probe() filled
 *
 * Frees the lists the probe made.
 */
void
gst_tegra_csi_caps_probe_clear (GstTegraCsiProbe * probe)
{
  g_clear_pointer (&probe->fourccs, g_array_unref);
  g_clear_pointer (&probe->csc_fourccs, g_array_unref);
  g_clear_pointer (&probe->offered, g_free);
}

/**
 * gst_tegra_csi_caps_converts_colorimetry:
 * @probe: what gst_tegra_csi_caps_probe() filled
 * @fourcc: a pixel format the device offers
 *
 * Returns: %TRUE when the device produces the colorimetry asked for in
 *   VIDIOC_S_FMT for @fourcc (V4L2_PIX_FMT_FLAG_SET_CSC).
 */
gboolean
gst_tegra_csi_caps_converts_colorimetry (const GstTegraCsiProbe * probe,
    guint32 fourcc)
{
  guint i;

  for (i = 0; probe->csc_fourccs && i < probe->csc_fourccs->len; i++)
    if (g_array_index (probe->csc_fourccs, guint32, i) == fourcc)
      return TRUE;
  return FALSE;
}

/**
 * gst_tegra_csi_caps_find_format:
 * @s: a caps structure with a fixed format
 * @fourccs: (element-type guint32): the pixel formats the device offers
 *
 * Picks the table row for @s among the formats the device offers: the
 * contiguous one first when the device offers both (NV12 before NV12M).
 *
 * Returns: (nullable) (transfer none): the row, or %NULL if the device
 * offers no format with these caps.
 */
const GstTegraCsiFormat *
gst_tegra_csi_caps_find_format (const GstStructure * s, const GArray * fourccs)
{
  const GstTegraCsiFormat *format;
  guint i, j;

  for (i = 0; (format = gst_tegra_csi_format_from_structure (s, i)); i++)
    for (j = 0; j < fourccs->len; j++)
      if (g_array_index (fourccs, guint32, j) == format->fourcc)
        return format;

  return NULL;
}

static gint
max_int (const GValue * v)
{
  if (G_VALUE_HOLDS_INT (v))
    return g_value_get_int (v);
  if (GST_VALUE_HOLDS_INT_RANGE (v))
    return gst_value_get_int_range_max (v);
  if (GST_VALUE_HOLDS_LIST (v)) {
    gint best = 0;
    guint i;

    for (i = 0; i < gst_value_list_get_size (v); i++)
      best = MAX (best, max_int (gst_value_list_get_value (v, i)));
    return best;
  }
  return 0;
}

static gdouble
max_rate (const GValue * v)
{
  gdouble d;

  if (v == NULL)
    return 0;
  if (GST_VALUE_HOLDS_FRACTION (v)) {
    gst_util_fraction_to_double (gst_value_get_fraction_numerator (v),
        gst_value_get_fraction_denominator (v), &d);
    return d;
  }
  if (GST_VALUE_HOLDS_FRACTION_RANGE (v))
    return max_rate (gst_value_get_fraction_range_max (v));
  if (GST_VALUE_HOLDS_LIST (v)) {
    gdouble best = 0;
    guint i;

    for (i = 0; i < gst_value_list_get_size (v); i++)
      best = MAX (best, max_rate (gst_value_list_get_value (v, i)));
    return best;
  }
  return 0;
}

/* Adds the colorimetry the driver would use for the fixed format in @s. */
static void
fixate_colorimetry (GstStructure * s, GstTegraCsiDevice * device,
    const GArray * fourccs)
{
  const GstTegraCsiFormat *format;
  struct v4l2_format fmt = { 0 };
  GstVideoColorimetry cinfo;
  gint width, height;
  gchar *str;

  if (!gst_structure_has_name (s, "video/x-raw") || device == NULL)
    return;
  if (!gst_structure_get_int (s, "width", &width) ||
      !gst_structure_get_int (s, "height", &height))
    return;
  format = gst_tegra_csi_caps_find_format (s, fourccs);
  if (format == NULL)
    return;

  gst_tegra_csi_device_init_format (device, &fmt, width, height,
      format->fourcc);
  if (gst_tegra_csi_device_try_format (device, &fmt) < 0)
    return;

  gst_tegra_csi_format_get_colorimetry (&fmt, &cinfo);
  str = gst_video_colorimetry_to_string (&cinfo);
  if (str) {
    if (gst_structure_has_field (s, "colorimetry"))
      gst_structure_fixate_field_string (s, "colorimetry", str);
    else
      gst_structure_set (s, "colorimetry", G_TYPE_STRING, str, NULL);
  }
  g_free (str);
}

/**
 * gst_tegra_csi_caps_fixate:
 * @caps: (transfer full): the caps to fixate, downstream's preferences
 *   already applied (intersected, in downstream's order)
 * @device: (nullable): the open device, asked for the colorimetry of the
 *   chosen format
 * @fourccs: (element-type guint32): the pixel formats the device offers
 *
 * Among the structures of the preferred (first) format and memory feature,
 * takes the largest width x height, then the highest frame rate; fixes the
 * remaining ranges to their largest values and adds the colorimetry the
 * driver reports for that format (VIDIOC_TRY_FMT).
 *
 * Returns: (transfer full): fixed caps.
 */
GstCaps *
gst_tegra_csi_caps_fixate (GstCaps * caps, GstTegraCsiDevice * device,
    const GArray * fourccs)
{
  GstStructure *first, *s;
  GstCapsFeatures *first_features;
  const gchar *first_format;
  gint best = 0;
  gint64 best_area = -1;
  gdouble best_rate = -1;
  GstCaps *out;
  guint i;

  caps = gst_caps_make_writable (caps);
  first = gst_caps_get_structure (caps, 0);
  first_features = gst_caps_get_features (caps, 0);
  gst_structure_fixate_field (first, "format");
  first_format = gst_structure_get_string (first, "format");

  for (i = 0; i < gst_caps_get_size (caps); i++) {
    const gchar *fmt;
    gint64 area;
    gdouble rate;

    s = gst_caps_get_structure (caps, i);
    if (!gst_structure_has_name (s, gst_structure_get_name (first)) ||
        !gst_caps_features_is_equal (first_features,
            gst_caps_get_features (caps, i)))
      continue;
    fmt = gst_structure_get_string (s, "format");
    if (i != 0 && (fmt == NULL || first_format == NULL ||
            !g_str_equal (fmt, first_format)))
      continue;

    area = (gint64) max_int (gst_structure_get_value (s, "width")) *
        max_int (gst_structure_get_value (s, "height"));
    rate = max_rate (gst_structure_get_value (s, "framerate"));
    if (area > best_area || (area == best_area && rate > best_rate)) {
      best = i;
      best_area = area;
      best_rate = rate;
    }
  }

  out = gst_caps_copy_nth (caps, best);
  gst_caps_unref (caps);

  s = gst_caps_get_structure (out, 0);
  gst_structure_fixate_field (s, "format");
  gst_structure_fixate_field_nearest_int (s, "width", G_MAXINT);
  gst_structure_fixate_field_nearest_int (s, "height", G_MAXINT);
  if (gst_structure_has_field (s, "framerate"))
    gst_structure_fixate_field_nearest_fraction (s, "framerate", G_MAXINT, 1);
  fixate_colorimetry (s, device, fourccs);

  return gst_caps_fixate (out);
}

/* The frame rate the device runs at after asking for @fps_n/@fps_d
 * (VIDIOC_S_PARM's answer; VIDIOC_G_PARM when it has no answer). A refusal
 * becomes @warning. FALSE when the device does not tell (the caps' rate
 * stays). */
static gboolean
apply_rate (GstTegraCsiDevice * device, gint fps_n, gint fps_d,
    gint * out_n, gint * out_d, GError ** warning)
{
  guint32 tpf_n = fps_d, tpf_d = fps_n;
  gint ret = -ENOTTY;

  if (fps_n > 0)
    ret = gst_tegra_csi_device_set_frame_interval (device, &tpf_n, &tpf_d);
  if (ret < 0 && ret != -ENOTTY)
    g_set_error (warning, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' did not take %d/%d frames per second (VIDIOC_S_PARM: "
        "%s).", gst_tegra_csi_device_get_path (device), fps_n, fps_d,
        g_strerror (-ret));
  if (ret < 0 &&
      gst_tegra_csi_device_get_frame_interval (device, &tpf_n, &tpf_d) < 0)
    return FALSE;
  if (tpf_n == 0 || tpf_d == 0)
    return FALSE;
  *out_n = tpf_d;
  *out_d = tpf_n;
  return TRUE;
}

/**
 * gst_tegra_csi_caps_configure:
 * @device: the open device; it must have no buffers (end the queue first)
 * @probe: what gst_tegra_csi_caps_probe() found
 * @caps: fixed caps downstream accepted
 * @held: buffers downstream still holds from the last format, for the
 *   message when the driver refuses a new one while they exist
 * @out: (out caller-allocates): what the device does now
 * @warning: (out) (optional): set when the device refused something that
 *   is not fatal (a frame rate), for a warning message
 * @error: (out): the reason when it fails: a #GstStreamError or
 *   #GstResourceError with the message for GST_ELEMENT_ERROR
 *
 * Sets the format of @caps with VIDIOC_S_FMT (asking for its colorimetry
 * when the device converts it, V4L2_PIX_FMT_FLAG_SET_CSC) and its frame
 * rate with VIDIOC_S_PARM, and describes what the driver answered:
 * @out->caps are @caps with the frame rate the driver set, and for raw
 * video its colorimetry, interlace mode and field order, and the pixel
 * aspect ratio of @probe. A size, format, plane layout or field order
 * (one field per buffer, sequential fields) the element cannot deliver as
 * asked fails.
 *
 * Returns: %TRUE when the device is set.
 */
gboolean
gst_tegra_csi_caps_configure (GstTegraCsiDevice * device,
    const GstTegraCsiProbe * probe, GstCaps * caps, guint held,
    GstTegraCsiConfigured * out, GError ** warning, GError ** error)
{
  const gchar *path = gst_tegra_csi_device_get_path (device);
  GstStructure *s = gst_caps_get_structure (caps, 0), *as;
  struct v4l2_format *fmt = &out->fmt;
  GstVideoColorimetry cinfo;
  GstVideoInterlaceMode mode;
  GstVideoFieldOrder order;
  gint width = 0, height = 0, fps_n = 0, fps_d = 1;
  guint got_w = 0, got_h = 0;
  const gchar *colorimetry;
  gboolean raw;
  gchar *str;
  gint ret;

  memset (out, 0, sizeof (*out));
  out->format = gst_tegra_csi_caps_find_format (s, probe->fourccs);
  str = gst_caps_to_string (caps);
  if (out->format == NULL || !gst_structure_get_int (s, "width", &width) ||
      !gst_structure_get_int (s, "height", &height)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Device '%s' does not support the format %s; it offers: %s.", path,
        str, probe->offered);
    goto err;
  }
  raw = out->format->kind == GST_TEGRA_CSI_FORMAT_RAW;
  gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d);

  gst_tegra_csi_device_init_format (device, fmt, width, height,
      out->format->fourcc);
  colorimetry = gst_structure_get_string (s, "colorimetry");
  if (raw && colorimetry &&
      gst_tegra_csi_caps_converts_colorimetry (probe, out->format->fourcc) &&
      gst_video_colorimetry_from_string (&cinfo, colorimetry))
    gst_tegra_csi_format_set_colorimetry (fmt, &cinfo);

  ret = gst_tegra_csi_device_set_format (device, fmt);
  if (ret == -EBUSY) {
    if (held > 0)
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY,
          "Device '%s' cannot change its format while downstream still "
          "holds %u of its buffers.", path, held);
    else
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY,
          "Device '%s' is busy: another application is using it.", path);
    goto err;
  }
  if (ret < 0 || gst_tegra_csi_format_get_fourcc (fmt, &got_w, &got_h) != out->format->fourcc ||
      got_w != (guint) width || got_h != (guint) height) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Device '%s' does not support the format %s; it offers: %s.", path,
        str, probe->offered);
    GST_WARNING_OBJECT (device, "VIDIOC_S_FMT: %s; driver chose %"
        GST_FOURCC_FORMAT " %ux%u", ret < 0 ? g_strerror (-ret) : "ok",
        GST_FOURCC_ARGS (gst_tegra_csi_format_get_fourcc (fmt, &got_w, &got_h)), got_w, got_h);
    goto err;
  }

  if (!gst_tegra_csi_format_get_interlace (fmt, probe->bottom_first, &mode,
          &order)) {
    guint32 field = fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ?
        fmt->fmt.pix_mp.field : fmt->fmt.pix.field;

    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Device '%s' delivers its frames as V4L2 field order '%s' (one "
        "field per buffer or fields one after the other): this element "
        "delivers progressive frames and frames with both fields "
        "interleaved only.", path, gst_tegra_csi_format_field_name (field));
    goto err;
  }
  out->interlace_mode = mode;
  out->field_order = order;

  if (!gst_tegra_csi_format_fill_video_info (out->format, fmt, &out->info,
          out->memory_sizes)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Device '%s' reports a layout this element cannot describe for %s.",
        path, str);
    goto err;
  }

  /* what the device does */
  out->caps = gst_caps_copy (caps);
  as = gst_caps_get_structure (out->caps, 0);
  if (apply_rate (device, fps_n, fps_d, &fps_n, &fps_d, warning))
    gst_structure_set (as, "framerate", GST_TYPE_FRACTION, fps_n, fps_d,
        NULL);
  out->fps_n = fps_n;
  out->fps_d = fps_d;
  if (raw) {
    gchar *c;

    gst_tegra_csi_format_get_colorimetry (fmt, &cinfo);
    c = gst_video_colorimetry_to_string (&cinfo);
    if (c)
      gst_structure_set (as, "colorimetry", G_TYPE_STRING, c, NULL);
    else
      gst_structure_remove_field (as, "colorimetry");
    g_free (c);
    gst_structure_set (as, "interlace-mode", G_TYPE_STRING,
        gst_video_interlace_mode_to_string (mode), "pixel-aspect-ratio",
        GST_TYPE_FRACTION, probe->par_n, probe->par_d, NULL);
    if (order != GST_VIDEO_FIELD_ORDER_UNKNOWN)
      gst_structure_set (as, "field-order", G_TYPE_STRING,
          gst_video_field_order_to_string (order), NULL);
    else
      gst_structure_remove_field (as, "field-order");
  }
  g_free (str);
  return TRUE;

err:
  g_free (str);
  return FALSE;
}

/**
 * gst_tegra_csi_caps_configured_clear:
 * @out: what gst_tegra_csi_caps_configure() filled
 *
 * Frees its caps.
 */
void
gst_tegra_csi_caps_configured_clear (GstTegraCsiConfigured * out)
{
  gst_clear_caps (&out->caps);
}
