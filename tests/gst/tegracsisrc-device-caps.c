/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: caps that tell the truth. The pixel aspect ratio is
 * the device's (VIDIOC_CROPCAP) or the property's; interlaced frames
 * carry their interlace mode, field order and buffer flags; probed caps
 * carry the colorimetry the device produces, a colorimetry asked for is
 * asked of the device (V4L2_PIX_FMT_FLAG_SET_CSC) and one it cannot
 * produce is refused; a source change (V4L2_EVENT_SOURCE_CHANGE) makes
 * the element renegotiate. vivid's analog (TV) input gives interlaced
 * frames of non-square pixels; its webcam input converts colorimetry and
 * sends a source change when its Colorspace control changes; our driver
 * does none of that.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Selects vivid's first input with analog standards, standard @std;
 * returns the fd to give back to select_input_0(). */
static gint
select_std_input (v4l2_std_id std)
{
  struct v4l2_capability cap;
  struct v4l2_input in = { 0 };
  gint fd = open_node (device, &cap);

  fail_unless (fd >= 0);
  for (in.index = 0; ioctl (fd, VIDIOC_ENUMINPUT, &in) == 0; in.index++)
    if (in.capabilities & V4L2_IN_CAP_STD)
      break;
  fail_unless (in.capabilities & V4L2_IN_CAP_STD, "no analog input");
  fail_unless (ioctl (fd, VIDIOC_S_INPUT, &in.index) == 0);
  fail_unless (ioctl (fd, VIDIOC_S_STD, &std) == 0);
  return fd;
}

static void
select_input_0 (gint fd)
{
  guint zero = 0;

  ioctl (fd, VIDIOC_S_INPUT, &zero);
  close (fd);
}

static const struct
{
  v4l2_std_id std;
  const gchar *caps;            /* half the size: vivid scales */
  const gchar *par, *order;
  gboolean tff;
} standards[] = {
  /* BT.601 sampling of 625 lines: pixels 59/54 as wide as high (vivid's
   * pixelaspect 54/59 is height over width); top field first */
  {V4L2_STD_PAL, "video/x-raw,format=YUY2,width=360,height=288", "59/54",
      "top-field-first", TRUE},
  /* 525 lines: 10/11, bottom field first */
  {V4L2_STD_NTSC, "video/x-raw,format=YUY2,width=360,height=240", "10/11",
      "bottom-field-first", FALSE},
};

/* vivid's analog input: interleaved fields, the field order of the
 * standard, the pixel aspect ratio of its sampling, and every buffer
 * flagged interlaced (and top field first for 625 lines). */
GST_START_TEST (test_interlaced_analog_input)
{
  gint fd = select_std_input (standards[__i__].std);
  GstStructure *s;
  gchar *err, *par;
  guint i;
  Run run;

  run_start (&run, "num-buffers=3", standards[__i__].caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  select_input_0 (fd);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 3);
  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "interlace-mode"),
      "interleaved");
  fail_unless_equals_string (gst_structure_get_string (s, "field-order"),
      standards[__i__].order);
  par = gst_value_serialize (gst_structure_get_value (s,
          "pixel-aspect-ratio"));
  fail_unless_equals_string (par, standards[__i__].par);
  g_free (par);
  for (i = 0; i < 3; i++) {
    fail_unless (FRAME (&run, i)->interlaced);
    fail_unless_equals_int (FRAME (&run, i)->tff, standards[__i__].tff);
  }
  run_stop (&run);
}

GST_END_TEST;

/* The pixel-aspect-ratio property overrides the device's. */
GST_START_TEST (test_pixel_aspect_ratio_property)
{
  gchar *caps = small_caps ();
  gint n = 0, d = 0;
  gchar *err;
  Run run;

  run_start (&run, "pixel-aspect-ratio=4/3 num-buffers=2", caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  if (g_str_has_prefix (caps, "video/x-raw")) {
    fail_unless (gst_structure_get_fraction (gst_caps_get_structure
            (run.rec.caps, 0), "pixel-aspect-ratio", &n, &d));
    fail_unless (n == 4 && d == 3, "pixel-aspect-ratio %d/%d", n, d);
  }
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* The colorimetries the device produces for @format, as the element's
 * caps list them (probed caps, queried while playing). */
static gchar *
probed_colorimetry (Run * run, const gchar * format)
{
  GstPad *pad = gst_element_get_static_pad (run->src, "src");
  GstCaps *caps = gst_pad_query_caps (pad, NULL);
  gchar *out = NULL;
  guint i;

  for (i = 0; i < gst_caps_get_size (caps) && out == NULL; i++) {
    GstStructure *s = gst_caps_get_structure (caps, i);
    const GValue *v = gst_structure_get_value (s, "colorimetry");

    if (g_strcmp0 (gst_structure_get_string (s, "format"), format) == 0 && v)
      out = gst_value_serialize (v);
  }
  gst_caps_unref (caps);
  gst_object_unref (pad);
  return out;
}

/* vivid converts colorimetry: the probed caps list several, and the one
 * downstream asks for is asked of the device, which then produces it. */
GST_START_TEST (test_colorimetry_asked_of_device)
{
  struct v4l2_format fmt;
  gchar *listed, *err;
  Run run;

  run_start (&run, "num-buffers=3",
      "video/x-raw,format=YUY2,width=320,height=180,colorimetry=bt709");
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  listed = probed_colorimetry (&run, "YUY2");
  get_format (&fmt);
  fail_unless (listed && strchr (listed, ',') != NULL && strstr (listed,
          "bt709"), "probed colorimetry: %s", listed);
  fail_unless_equals_string (gst_structure_get_string (gst_caps_get_structure
          (run.rec.caps, 0), "colorimetry"), "bt709");
  fail_unless_equals_int (fmt.fmt.pix.colorspace, V4L2_COLORSPACE_REC709);
  fail_unless_equals_int (fmt.fmt.pix.ycbcr_enc, V4L2_YCBCR_ENC_709);
  g_free (listed);
  run_stop (&run);
}

GST_END_TEST;

/* Our driver produces one colorimetry per format (UYVY: bt709): it is in
 * the probed caps, and asking for another is refused. */
GST_START_TEST (test_colorimetry_refused)
{
  gchar *err, *want;
  Run run;

  run_start (&run, "num-buffers=3",
      "video/x-raw,format=UYVY,width=320,height=240,colorimetry=bt601");
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  want = g_strdup_printf ("Device '%s' does not support the format "
      "downstream wants (", device);
  fail_unless (err && g_str_has_prefix (err, want), "got: %s", err);
  fail_unless_equals_int (run_count (&run), 0);
  run_stop (&run);
  g_free (want);
  g_free (err);

  run_start (&run, "num-buffers=3",
      "video/x-raw,format=UYVY,width=320,height=240");
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  want = probed_colorimetry (&run, "UYVY");
  fail_unless_equals_string (want, "bt709");
  run_stop (&run);
  g_free (want);
}

GST_END_TEST;

/* The colorimetry of the caps on the sink's pad now. */
static gchar *
sink_colorimetry (Run * run)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (run->pipe), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gchar *out = caps ? g_strdup (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "colorimetry")) : NULL;

  gst_clear_caps (&caps);
  gst_object_unref (pad);
  gst_object_unref (sink);
  return out;
}

/* The colorimetry primaries of the caps on the sink's pad now. */
static GstVideoColorPrimaries
sink_primaries (Run * run)
{
  gchar *str = sink_colorimetry (run);
  GstVideoColorimetry c = { 0 };

  if (str == NULL || !gst_video_colorimetry_from_string (&c, str))
    c.primaries = GST_VIDEO_COLOR_PRIMARIES_UNKNOWN;
  g_free (str);
  return c.primaries;
}

/* vivid sends V4L2_EVENT_SOURCE_CHANGE when its Colorspace control
 * changes (sRGB to SMPTE 170M here, new primaries): the element
 * renegotiates while streaming and the caps follow, frames keep coming. */
GST_START_TEST (test_source_change_renegotiates)
{
  gchar *caps = small_caps ();
  struct v4l2_capability cap;
  GstStructure *ctrl;
  GstVideoColorPrimaries primaries = GST_VIDEO_COLOR_PRIMARIES_UNKNOWN;
  gint64 end;
  guint n;
  Run run;

  run_start (&run, "extra-controls=\"c,colorspace=sRGB\"", caps);
  wait_frames (&run, 3);
  fail_unless_equals_int (sink_primaries (&run),
      GST_VIDEO_COLOR_PRIMARIES_BT709);

  ctrl = gst_structure_from_string ("c,colorspace=\"SMPTE 170M\"", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end) {
    primaries = sink_primaries (&run);
    if (primaries == GST_VIDEO_COLOR_PRIMARIES_SMPTE170M)
      break;
    g_usleep (50000);
  }
  fail_unless_equals_int (primaries, GST_VIDEO_COLOR_PRIMARIES_SMPTE170M);
  n = run_count (&run);
  wait_frames (&run, n + 3);
  fail_unless (run.error == NULL, "%s", run.error);
  run_stop (&run);

  /* vivid's default again, for the tests after */
  {
    gint fd = open_node (device, &cap);
    struct v4l2_query_ext_ctrl q = {.id = V4L2_CTRL_FLAG_NEXT_CTRL };

    fail_unless (fd >= 0);
    while (ioctl (fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
      if (g_str_equal ((const gchar *) q.name, "Colorspace")) {
        struct v4l2_control c = {.id = q.id,.value = q.default_value };

        ioctl (fd, VIDIOC_S_CTRL, &c);
        break;
      }
      q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
    }
    close (fd);
  }
  g_free (caps);
}

GST_END_TEST;

void
tcs_add_caps_tests (TCase * tc)
{
  tcase_add_test (tc, test_pixel_aspect_ratio_property);
  if (ours) {
    tcase_add_test (tc, test_colorimetry_refused);
  } else {
    tcase_add_loop_test (tc, test_interlaced_analog_input, 0,
        G_N_ELEMENTS (standards));
    tcase_add_test (tc, test_colorimetry_asked_of_device);
    tcase_add_test (tc, test_source_change_renegotiates);
  }
}
