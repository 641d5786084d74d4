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

GST_DEBUG_CATEGORY_STATIC (gst_tegra_csi_caps_debug);
#define GST_CAT_DEFAULT gst_tegra_csi_caps_debug

static void
ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (gst_tegra_csi_caps_debug, "tegracsi-caps", 0,
        "tegracsi caps probing and fixation");
    g_once_init_leave (&once, 1);
  }
}

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

static GstCaps *
probe_format (GstTegraCsiDevice * device,
    const GstTegraCsiFormat * format)
{
  GArray *sizes = gst_tegra_csi_device_enum_frame_sizes (device,
      format->fourcc);
  GstCaps *caps = gst_caps_new_empty ();
  guint i;

  for (i = 0; i < sizes->len; i++) {
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
    if (format->kind == GST_TEGRA_CSI_FORMAT_RAW)
      gst_structure_set (s, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
          "interlace-mode", G_TYPE_STRING, "progressive", NULL);
    gst_caps_append_structure (caps, s);
  }

  if (sizes->len == 0) {
    /* No size enumeration: whatever TRY_FMT accepts. */
    GstStructure *s = gst_tegra_csi_format_to_structure (format);

    gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
        "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
    set_framerates (device, s, format->fourcc, 0, 0);
    gst_caps_append_structure (caps, s);
  }

  g_array_unref (sizes);
  return caps;
}

/**
 * gst_tegra_csi_caps_probe:
 * @device: an open capture device
 * @dmabuf: whether buffers will be dma-bufs: the caps then come twice,
 *   first with the `memory:DMABuf` feature, then without
 * @fourccs: (out caller-allocates) (element-type guint32): emptied, then
 *   filled with every pixel format the device offers, known or not
 * @offered: (out) (transfer full): what the device offers, as
 *   "UYVY (UYVY 4:2:2), ..." for error messages
 *
 * Enumerates formats, frame sizes and frame intervals and builds the caps
 * of every format the format table knows.
 *
 * Returns: (transfer full): the caps, empty if the device offers nothing
 * the element can produce.
 */
GstCaps *
gst_tegra_csi_caps_probe (GstTegraCsiDevice * device, gboolean dmabuf,
    GArray * fourccs, gchar ** offered)
{
  GArray *descs = gst_tegra_csi_device_enum_formats (device);
  GstCaps *sysmem = gst_caps_new_empty ();
  GString *list = g_string_new (NULL);
  guint i;

  ensure_debug ();
  g_array_set_size (fourccs, 0);

  for (i = 0; i < descs->len; i++) {
    const struct v4l2_fmtdesc *d = &g_array_index (descs,
        struct v4l2_fmtdesc, i);
    const GstTegraCsiFormat *format =
        gst_tegra_csi_format_from_fourcc (d->pixelformat);

    g_array_append_val (fourccs, d->pixelformat);
    g_string_append_printf (list, "%s%" GST_FOURCC_FORMAT " (%s)",
        i ? ", " : "", GST_FOURCC_ARGS (d->pixelformat), d->description);

    if (format == NULL) {
      GST_INFO_OBJECT (device, "ignoring format %" GST_FOURCC_FORMAT " (%s)",
          GST_FOURCC_ARGS (d->pixelformat), d->description);
      continue;
    }
    sysmem = gst_caps_merge (sysmem, probe_format (device, format));
  }

  g_array_unref (descs);
  *offered = g_string_free (list, FALSE);

  if (dmabuf) {
    GstCaps *with_feature = gst_caps_copy (sysmem);

    gst_caps_set_features_simple (with_feature,
        gst_caps_features_new (GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));
    return gst_caps_merge (with_feature, sysmem);
  }

  return sysmem;
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

  ensure_debug ();
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
