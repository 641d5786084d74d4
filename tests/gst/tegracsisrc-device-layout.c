/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: frame layouts a consumer reads right. A consumer
 * that does not announce GstVideoMeta support gets GStreamer's default
 * layout of the caps: the driver's when it can be asked for it
 * (VIDIOC_S_FMT with the default bytesperline: vivid), else a copy, warned
 * about once and counted byte for byte (our driver pads every line to 64
 * bytes). A meta-aware consumer gets the driver's buffers, no copy.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <gst/app/gstappsink.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/v4l2-dv-timings.h>

#define N_FRAMES 5

/* What an appsink that pulls every frame saw. */
typedef struct
{
  GPtrArray *samples;
  GPtrArray *warnings;          /* messages of the source's warnings */
  gchar *error;
  GstStructure *stats;
} Pulled;

/* Runs "tegracsisrc @props num-buffers=N_FRAMES ! @caps ! appsink" to EOS
 * (or an error); with @meta_aware the appsink announces GstVideoMeta. */
static void
pull_frames (const gchar * props, const gchar * caps, gboolean meta_aware,
    Pulled * out)
{
  gchar *desc = g_strdup_printf ("tegracsisrc name=src device=%s %s "
      "num-buffers=%d ! %s ! appsink name=sink sync=false", device, props,
      N_FRAMES, caps);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *sink, *src;
  GstSample *sample;
  GstMessage *msg;

  fail_unless (pipe != NULL, "%s", desc);
  memset (out, 0, sizeof (*out));
  out->samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  out->warnings = g_ptr_array_new_with_free_func (g_free);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  if (meta_aware) {
    GstPad *pad = gst_element_get_static_pad (sink, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
        tcs_announce_video_meta, NULL, NULL);
    gst_object_unref (pad);
  }
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              60 * GST_SECOND)))
    g_ptr_array_add (out->samples, sample);

  while ((msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipe),
              GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
    GError *err = NULL;

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      gst_message_parse_error (msg, &err, NULL);
      if (out->error == NULL)
        out->error = g_strdup (err->message);
    } else if (GST_MESSAGE_SRC (msg) == GST_OBJECT (src)) {
      gst_message_parse_warning (msg, &err, NULL);
      g_ptr_array_add (out->warnings, g_strdup (err->message));
    }
    g_clear_error (&err);
    gst_message_unref (msg);
  }
  g_object_get (src, "stats", &out->stats, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
}

static void
pulled_clear (Pulled * p)
{
  g_ptr_array_unref (p->samples);
  g_ptr_array_unref (p->warnings);
  g_free (p->error);
  if (p->stats)
    gst_structure_free (p->stats);
}

#define YUY2_CAPS "video/x-raw,format=YUY2,width=1000,height=480," \
    "framerate=15/1"
#define YUY2_LINE 2000          /* default stride: 1000 * 2, a multiple of 4 */
#define YUY2_DRIVER_LINE 2048   /* tegra-csi-sg pads lines to 64 bytes */

/* Our driver, 1000x480 YUY2 into a consumer that ignores GstVideoMeta:
 * exactly the default layout, a copy, one warning, every byte counted. */
static void
check_default_layout_copy (const gchar * io_mode)
{
  gchar *props = g_strdup_printf ("io-mode=%s", io_mode);
  gchar *want;
  Pulled p;
  guint i;

  pull_frames (props, YUY2_CAPS, FALSE, &p);
  fail_unless (p.error == NULL, "%s", p.error);
  fail_unless_equals_int (p.samples->len, N_FRAMES);
  for (i = 0; i < p.samples->len; i++) {
    GstBuffer *buf = gst_sample_get_buffer (g_ptr_array_index (p.samples, i));
    GstMapInfo map;
    gsize bad;

    fail_unless_equals_int (gst_buffer_get_size (buf), YUY2_LINE * 480);
    fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    bad = counter_mismatches (map.data, map.size, YUY2_LINE, YUY2_LINE, 480,
        GST_BUFFER_OFFSET (buf));
    gst_buffer_unmap (buf, &map);
    fail_unless (bad == 0, "%s: frame %u: %" G_GSIZE_FORMAT " bytes are not "
        "where the default layout has them", io_mode, i, bad);
  }
  /* one warning, saying why and how much */
  fail_unless_equals_int (p.warnings->len, 1);
  want = g_strdup_printf ("(plane 0: %d bytes per line, the default has %d)",
      YUY2_DRIVER_LINE, YUY2_LINE);
  fail_unless (strstr (g_ptr_array_index (p.warnings, 0), want) != NULL,
      "warning: %s", (gchar *) g_ptr_array_index (p.warnings, 0));
  g_free (want);
  fail_unless (strstr (g_ptr_array_index (p.warnings, 0),
          "every frame is copied into the default layout, 960000 bytes per "
          "frame, counted in stats bytes-copied.") != NULL, "warning: %s",
      (gchar *) g_ptr_array_index (p.warnings, 0));
  fail_unless_equals_uint64 (stat_u64 (p.stats, "bytes-copied"),
      (guint64) N_FRAMES * YUY2_LINE * 480);
  pulled_clear (&p);
  g_free (props);
}

GST_START_TEST (test_default_layout_copy_mmap)
{
  check_default_layout_copy ("mmap");
}

GST_END_TEST;

GST_START_TEST (test_default_layout_copy_dmabuf)
{
  check_default_layout_copy ("dmabuf");
}

GST_END_TEST;

/* The same frames into a consumer that reads GstVideoMeta: the driver's
 * own buffers, padded, no copy, no warning. */
GST_START_TEST (test_meta_aware_no_copy)
{
  static const gchar *modes[] = { "mmap", "dmabuf" };
  guint m, i;

  for (m = 0; m < G_N_ELEMENTS (modes); m++) {
    gchar *props = g_strdup_printf ("io-mode=%s", modes[m]);
    Pulled p;

    pull_frames (props, YUY2_CAPS, TRUE, &p);
    fail_unless (p.error == NULL, "%s", p.error);
    fail_unless_equals_int (p.samples->len, N_FRAMES);
    for (i = 0; i < p.samples->len; i++) {
      GstBuffer *buf = gst_sample_get_buffer (g_ptr_array_index (p.samples,
              i));
      GstVideoMeta *vmeta = gst_buffer_get_video_meta (buf);

      fail_unless (vmeta != NULL);
      fail_unless_equals_int (vmeta->stride[0], YUY2_DRIVER_LINE);
      fail_unless_equals_int (gst_is_dmabuf_memory (gst_buffer_peek_memory
              (buf, 0)), g_str_equal (modes[m], "dmabuf"));
    }
    fail_unless_equals_int (p.warnings->len, 0);
    fail_unless_equals_uint64 (stat_u64 (p.stats, "bytes-copied"), 0);
    pulled_clear (&p);
    g_free (props);
  }
}

GST_END_TEST;

/* vivid: an HDMI input (any size, through its scaler) at 30 frames per
 * second, GRAY8 1002 pixels wide: vivid writes 1002-byte lines, the
 * default layout has 1004; asked with VIDIOC_S_FMT, vivid writes 1004. */
static gint
vivid_hdmi_input (guint * input)
{
  struct v4l2_capability cap;
  struct v4l2_input in = { 0 };
  struct v4l2_dv_timings t = V4L2_DV_BT_CEA_1280X720P30;
  gint fd = open_node (device, &cap);

  fail_unless (fd >= 0);
  for (in.index = 0; ioctl (fd, VIDIOC_ENUMINPUT, &in) == 0; in.index++)
    if (in.capabilities & V4L2_IN_CAP_DV_TIMINGS)
      break;
  fail_unless (in.capabilities & V4L2_IN_CAP_DV_TIMINGS, "no HDMI input");
  *input = in.index;
  fail_unless (ioctl (fd, VIDIOC_S_INPUT, input) == 0);
  fail_unless (ioctl (fd, VIDIOC_S_DV_TIMINGS, &t) == 0);
  return fd;
}

GST_START_TEST (test_default_layout_asked_of_driver)
{
  struct v4l2_format fmt;
  guint input, zero = 0, i;
  Pulled p;
  gint fd = vivid_hdmi_input (&input);

  pull_frames ("io-mode=mmap", "video/x-raw,format=GRAY8,width=1002,"
      "height=480", FALSE, &p);
  get_format (&fmt);
  ioctl (fd, VIDIOC_S_INPUT, &zero);
  close (fd);

  fail_unless (p.error == NULL, "%s", p.error);
  fail_unless_equals_int (p.samples->len, N_FRAMES);
  /* the driver took the default stride */
  fail_unless_equals_int (fmt_bytesperline (&fmt, 0), 1004);
  for (i = 0; i < p.samples->len; i++) {
    GstBuffer *buf = gst_sample_get_buffer (g_ptr_array_index (p.samples, i));

    fail_unless_equals_int (gst_buffer_get_size (buf), 1004 * 480);
  }
  fail_unless_equals_int (p.warnings->len, 0);
  fail_unless_equals_uint64 (stat_u64 (p.stats, "bytes-copied"), 0);
  pulled_clear (&p);
}

GST_END_TEST;

void
tcs_add_layout_tests (TCase * tc)
{
  if (ours) {
    tcase_add_test (tc, test_default_layout_copy_mmap);
    tcase_add_test (tc, test_default_layout_copy_dmabuf);
    tcase_add_test (tc, test_meta_aware_no_copy);
  } else {
    tcase_add_test (tc, test_default_layout_asked_of_driver);
  }
}
