/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host tests for tegracsisrc: the format table, the property
 * documentation and the errors that need no capture device.
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <string.h>

#include "tcs-check.h"
#include "gsttegracsidebug.h"
#include "gsttegracsiformat.h"

/* Every fourcc of the table maps to caps that map back to a row with the
 * same caps. */
GST_START_TEST (test_format_table_roundtrip)
{
  static const guint32 fourccs[] = {
    V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_NV12,
    V4L2_PIX_FMT_NV12M, V4L2_PIX_FMT_YUV420M, V4L2_PIX_FMT_XBGR32,
    V4L2_PIX_FMT_SRGGB8, V4L2_PIX_FMT_SBGGR10, V4L2_PIX_FMT_SGRBG12,
    V4L2_PIX_FMT_SGBRG14, V4L2_PIX_FMT_SRGGB16,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fourccs); i++) {
    const GstTegraCsiFormat *f = gst_tegra_csi_format_from_fourcc (fourccs[i]);
    const GstTegraCsiFormat *back;
    GstStructure *s;
    guint j;

    fail_unless (f != NULL, "fourcc %" GST_FOURCC_FORMAT " missing",
        GST_FOURCC_ARGS (fourccs[i]));
    s = gst_tegra_csi_format_to_structure (f);
    for (j = 0; (back = gst_tegra_csi_format_from_structure (s, j)); j++)
      if (back == f)
        break;
    fail_unless (back == f, "%" GST_PTR_FORMAT " does not map back", s);
    gst_structure_free (s);
  }
}

GST_END_TEST;

GST_START_TEST (test_format_names)
{
  struct
  {
    guint32 fourcc;
    const gchar *caps;
  } expect[] = {
    {V4L2_PIX_FMT_UYVY, "video/x-raw, format=(string)UYVY"},
    {V4L2_PIX_FMT_YUYV, "video/x-raw, format=(string)YUY2"},
    {V4L2_PIX_FMT_XBGR32, "video/x-raw, format=(string)BGRx"},
    {V4L2_PIX_FMT_SBGGR8, "video/x-bayer, format=(string)bggr"},
    {V4L2_PIX_FMT_SGBRG8, "video/x-bayer, format=(string)gbrg"},
    {V4L2_PIX_FMT_SGRBG8, "video/x-bayer, format=(string)grbg"},
    {V4L2_PIX_FMT_SRGGB8, "video/x-bayer, format=(string)rggb"},
    {V4L2_PIX_FMT_SRGGB10, "video/x-bayer, format=(string)rggb10le"},
    {V4L2_PIX_FMT_SBGGR12, "video/x-bayer, format=(string)bggr12le"},
    {V4L2_PIX_FMT_SGBRG14, "video/x-bayer, format=(string)gbrg14le"},
    {V4L2_PIX_FMT_SGRBG16, "video/x-bayer, format=(string)grbg16le"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (expect); i++) {
    GstStructure *s = gst_tegra_csi_format_to_structure
        (gst_tegra_csi_format_from_fourcc (expect[i].fourcc));
    gchar *str = gst_structure_to_string (s);

    gchar *want = g_strconcat (expect[i].caps, ";", NULL);

    fail_unless_equals_string (str, want);
    g_free (want);
    g_free (str);
    gst_structure_free (s);
  }
  fail_unless (gst_tegra_csi_format_from_fourcc (v4l2_fourcc ('Z', 'Z', 'Z',
              'Z')) == NULL);
}

GST_END_TEST;

/* A one-memory NV12 frame with bytesperline padded to 64. */
GST_START_TEST (test_layout_nv12_padded)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  GstVideoInfo info;
  gsize sizes[4] = { 0 };

  fmt.fmt.pix.width = 1000;
  fmt.fmt.pix.height = 10;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_NV12;
  fmt.fmt.pix.bytesperline = 1024;
  fmt.fmt.pix.sizeimage = 1024 * 15;

  fail_unless (gst_tegra_csi_format_fill_video_info
      (gst_tegra_csi_format_from_fourcc (V4L2_PIX_FMT_NV12), &fmt, &info,
          sizes));
  fail_unless_equals_int (GST_VIDEO_INFO_N_PLANES (&info), 2);
  fail_unless_equals_int (info.stride[0], 1024);
  fail_unless_equals_int (info.stride[1], 1024);
  fail_unless_equals_int (info.offset[1], 1024 * 10);
  fail_unless_equals_int (sizes[0], 1024 * 15);
}

GST_END_TEST;

/* I420 chroma strides are half the luma bytesperline (V4L2 rule). */
GST_START_TEST (test_layout_i420)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  GstVideoInfo info;
  gsize sizes[4] = { 0 };

  fmt.fmt.pix.width = 640;
  fmt.fmt.pix.height = 480;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUV420;
  fmt.fmt.pix.bytesperline = 704;
  fmt.fmt.pix.sizeimage = 704 * 480 * 3 / 2;

  fail_unless (gst_tegra_csi_format_fill_video_info
      (gst_tegra_csi_format_from_fourcc (V4L2_PIX_FMT_YUV420), &fmt, &info,
          sizes));
  fail_unless_equals_int (info.stride[0], 704);
  fail_unless_equals_int (info.stride[1], 352);
  fail_unless_equals_int (info.stride[2], 352);
  fail_unless_equals_int (info.offset[1], 704 * 480);
  fail_unless_equals_int (info.offset[2], 704 * 480 + 352 * 240);
}

GST_END_TEST;

/* NV12M: one memory per plane, offsets count across memories. */
GST_START_TEST (test_layout_multi_memory)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE };
  GstVideoInfo info;
  gsize sizes[4] = { 0 };

  fmt.fmt.pix_mp.width = 1920;
  fmt.fmt.pix_mp.height = 1080;
  fmt.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12M;
  fmt.fmt.pix_mp.num_planes = 2;
  fmt.fmt.pix_mp.plane_fmt[0].bytesperline = 1920;
  fmt.fmt.pix_mp.plane_fmt[0].sizeimage = 1920 * 1088;
  fmt.fmt.pix_mp.plane_fmt[1].bytesperline = 1920;
  fmt.fmt.pix_mp.plane_fmt[1].sizeimage = 1920 * 544;

  fail_unless (gst_tegra_csi_format_fill_video_info
      (gst_tegra_csi_format_from_fourcc (V4L2_PIX_FMT_NV12M), &fmt, &info,
          sizes));
  fail_unless_equals_int (info.offset[0], 0);
  fail_unless_equals_int (info.offset[1], 1920 * 1088);
  fail_unless_equals_int (sizes[0], 1920 * 1088);
  fail_unless_equals_int (sizes[1], 1920 * 544);

  /* a plane count that does not fit the format is refused */
  fmt.fmt.pix_mp.num_planes = 1;
  fail_if (gst_tegra_csi_format_fill_video_info
      (gst_tegra_csi_format_from_fourcc (V4L2_PIX_FMT_NV12M), &fmt, &info,
          sizes));
}

GST_END_TEST;

/* Bayer 10-bit is described as 16-bit grey of the driver's stride. */
GST_START_TEST (test_layout_bayer)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  GstVideoInfo info;
  gsize sizes[4] = { 0 };

  fmt.fmt.pix.width = 1920;
  fmt.fmt.pix.height = 1080;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_SRGGB10;
  fmt.fmt.pix.bytesperline = 3840;
  fmt.fmt.pix.sizeimage = 3840 * 1080;

  fail_unless (gst_tegra_csi_format_fill_video_info
      (gst_tegra_csi_format_from_fourcc (V4L2_PIX_FMT_SRGGB10), &fmt, &info,
          sizes));
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info),
      GST_VIDEO_FORMAT_GRAY16_LE);
  fail_unless_equals_int (info.stride[0], 3840);

  /* sizeimage smaller than the strides need is refused */
  fmt.fmt.pix.sizeimage = 100;
  fail_if (gst_tegra_csi_format_fill_video_info
      (gst_tegra_csi_format_from_fourcc (V4L2_PIX_FMT_SRGGB10), &fmt, &info,
          sizes));
}

GST_END_TEST;

static gchar *
colorimetry_of (guint32 pixfmt, guint32 cs, guint32 enc, guint32 xfer,
    guint32 quant)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  GstVideoColorimetry c;

  fmt.fmt.pix.pixelformat = pixfmt;
  fmt.fmt.pix.colorspace = cs;
  fmt.fmt.pix.ycbcr_enc = enc;
  fmt.fmt.pix.xfer_func = xfer;
  fmt.fmt.pix.quantization = quant;
  gst_tegra_csi_format_get_colorimetry (&fmt, &c);
  return gst_video_colorimetry_to_string (&c);
}

GST_START_TEST (test_colorimetry)
{
  gchar *s;

  s = colorimetry_of (V4L2_PIX_FMT_UYVY, V4L2_COLORSPACE_REC709, 0, 0, 0);
  fail_unless_equals_string (s, "bt709");
  g_free (s);

  s = colorimetry_of (V4L2_PIX_FMT_UYVY, V4L2_COLORSPACE_SMPTE170M, 0, 0, 0);
  fail_unless_equals_string (s, "bt601");
  g_free (s);

  s = colorimetry_of (V4L2_PIX_FMT_XBGR32, V4L2_COLORSPACE_SRGB, 0, 0, 0);
  fail_unless_equals_string (s, "sRGB");
  g_free (s);

  /* explicit fields override the colorspace defaults */
  s = colorimetry_of (V4L2_PIX_FMT_UYVY, V4L2_COLORSPACE_SRGB,
      V4L2_YCBCR_ENC_709, V4L2_XFER_FUNC_709, V4L2_QUANTIZATION_FULL_RANGE);
  fail_unless (g_str_has_prefix (s, "1:3:5:1"), "got %s", s);
  g_free (s);
}

GST_END_TEST;

GST_START_TEST (test_template_caps)
{
  GstCaps *caps = gst_tegra_csi_format_template_caps ();
  static const gchar *want[] = {
    "video/x-raw(memory:DMABuf),format=UYVY,width=640,height=480,framerate=30/1",
    "video/x-raw,format=BGRx,width=640,height=480,framerate=30/1",
    "video/x-bayer,format=rggb12le,width=640,height=480,framerate=30/1",
    "video/x-bayer(memory:DMABuf),format=bggr,width=640,height=480,framerate=30/1",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (want); i++) {
    GstCaps *w = gst_caps_from_string (want[i]);

    fail_unless (gst_caps_is_subset (w, caps), "%s not in template", want[i]);
    gst_caps_unref (w);
  }
  gst_caps_unref (caps);
}

GST_END_TEST;

static gboolean
is_title_case (const gchar * nick)
{
  gchar **words = g_strsplit (nick, " ", -1);
  gboolean ok = TRUE;
  guint i;

  for (i = 0; words[i]; i++)
    if (!g_ascii_isupper (words[i][0]))
      ok = FALSE;
  g_strfreev (words);
  return ok;
}

/* Every property of the element itself is documented the way STYLE.md
 * asks. */
GST_START_TEST (test_property_docs)
{
  static const gchar *expected[] = { "device", "device-name", "device-fd",
    "io-mode", "capture-buffers", "extra-controls", "timeout", "error-frames",
    "stats", "copy-on-starvation", "pixel-aspect-ratio", "crop-top",
    "crop-left", "crop-bottom", "crop-right", "crop-bounds", NULL
  };
  GstElement *src = gst_element_factory_make ("tegracsisrc", NULL);
  GParamSpec **specs;
  guint n, i, found = 0;

  fail_unless (src != NULL);
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  for (i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    const gchar *blurb = g_param_spec_get_blurb (p);

    if (p->owner_type != G_OBJECT_TYPE (src))
      continue;
    found++;
    fail_unless (g_strv_contains (expected, p->name), "unexpected %s",
        p->name);
    fail_unless (is_title_case (g_param_spec_get_nick (p)),
        "%s: nick '%s' is not Title Case", p->name, g_param_spec_get_nick (p));
    fail_unless (strlen (blurb) > 20 && g_str_has_suffix (blurb, "."),
        "%s: blurb is not a full sentence", p->name);
    /* one sentence in gst-inspect-1.0; details go in the gtk-doc comment */
    fail_unless (strstr (blurb, ". ") == NULL && strchr (blurb, ';') ==
        NULL && g_ascii_isupper (blurb[0]), "%s: blurb is not one sentence: "
        "%s", p->name, blurb);
    fail_unless ((p->flags & G_PARAM_STATIC_STRINGS) ==
        G_PARAM_STATIC_STRINGS, "%s: not static strings", p->name);
    if (p->flags & G_PARAM_WRITABLE)
      fail_unless (p->flags & (GST_PARAM_MUTABLE_READY |
              GST_PARAM_MUTABLE_PAUSED | GST_PARAM_MUTABLE_PLAYING),
          "%s: no GST_PARAM_MUTABLE_* flag", p->name);
    else
      fail_unless (g_str_equal (p->name, "device-name") ||
          g_str_equal (p->name, "device-fd") || g_str_equal (p->name, "stats")
          || g_str_equal (p->name, "crop-bounds"));
  }
  fail_unless_equals_int (found, g_strv_length ((gchar **) expected));
  g_free (specs);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_gst_inspect)
{
  static const gchar *props[] = { "device ", "device-name ", "device-fd ",
    "io-mode ", "capture-buffers ", "extra-controls ", "timeout ",
    "error-frames ", "stats ", "copy-on-starvation ", "pixel-aspect-ratio ",
    "crop-top ", "crop-left ", "crop-bottom ", "crop-right ", "crop-bounds ",
    "prepare-format", "GstColorBalance", "Source/Video",
  };
  gchar *argv[] = { (gchar *) "gst-inspect-1.0", (gchar *) "tegracsisrc",
    NULL
  };
  gchar *out = NULL;
  gint status = -1;
  guint i;

  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
          G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL));
  for (i = 0; i < G_N_ELEMENTS (props); i++)
    fail_unless (strstr (out, props[i]) != NULL, "'%s' not in gst-inspect",
        props[i]);
  {
    /* each property's line is its one-sentence blurb */
    GstElement *src = gst_element_factory_make ("tegracsisrc", NULL);
    GParamSpec **specs;
    guint n;

    specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
    for (i = 0; i < n; i++) {
      gchar *line;

      if (specs[i]->owner_type != G_OBJECT_TYPE (src))
        continue;
      line = g_strdup_printf ("%s : %s", specs[i]->name,
          g_param_spec_get_blurb (specs[i]));
      fail_unless (strstr (out, line) != NULL || strstr (out,
              g_param_spec_get_blurb (specs[i])) != NULL,
          "gst-inspect shows no blurb line for %s", specs[i]->name);
      g_free (line);
    }
    g_free (specs);
    gst_object_unref (src);
  }
  g_free (out);
}

GST_END_TEST;

/* Runs "tegracsisrc <props> ! fakesink" to PLAYING and returns the message
 * of the first error. */
static gchar *
first_error (const gchar * props, GQuark * domain)
{
  gchar *desc = g_strdup_printf ("tegracsisrc %s ! fakesink", props);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstMessage *msg;
  GError *err = NULL;
  gchar *text;

  fail_unless (pipe != NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 10 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error for '%s'", desc);
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  *domain = err->domain;
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
  return text;
}

GST_START_TEST (test_error_no_such_device)
{
  GQuark domain;
  gchar *m = first_error ("device=/dev/tegracsi-no-such-node", &domain);

  fail_unless_equals_string (m,
      "Device '/dev/tegracsi-no-such-node' does not exist.");
  fail_unless (domain == GST_RESOURCE_ERROR);
  g_free (m);
}

GST_END_TEST;

GST_START_TEST (test_error_not_capture_device)
{
  GQuark domain;
  gchar *m = first_error ("device=/dev/null", &domain);

  fail_unless_equals_string (m,
      "Device '/dev/null' is not a V4L2 video capture device.");
  fail_unless (domain == GST_RESOURCE_ERROR);
  g_free (m);

  m = first_error ("device=/etc/hostname", &domain);
  fail_unless_equals_string (m,
      "Device '/etc/hostname' is not a V4L2 video capture device.");
  g_free (m);
}

GST_END_TEST;

static Suite *
tegracsisrc_host_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-host");
  TCase *tc = tcase_create ("host");

  /* the format table is linked in without the plugin */
  gst_tegra_csi_debug_init ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_format_table_roundtrip);
  tcase_add_test (tc, test_format_names);
  tcase_add_test (tc, test_layout_nv12_padded);
  tcase_add_test (tc, test_layout_i420);
  tcase_add_test (tc, test_layout_multi_memory);
  tcase_add_test (tc, test_layout_bayer);
  tcase_add_test (tc, test_colorimetry);
  tcase_add_test (tc, test_template_caps);
  tcase_add_test (tc, test_property_docs);
  tcase_add_test (tc, test_gst_inspect);
  tcase_add_test (tc, test_error_no_such_device);
  tcase_add_test (tc, test_error_not_capture_device);

  return s;
}

TCS_CHECK_MAIN (tegracsisrc_host);
