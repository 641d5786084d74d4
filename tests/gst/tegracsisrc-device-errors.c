/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: errors and faults. A busy device, a format it does
 * not offer, a node that cannot capture, errored and dropped frames, a
 * stalled sensor and a device that goes away each give the error message
 * or the accounting the element promises.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

/* Another file handle owns the queue. */
GST_START_TEST (test_error_busy)
{
  struct v4l2_requestbuffers req = { 0 };
  struct v4l2_capability cap;
  gchar *caps = small_caps ();
  gchar *err, *want;
  gint fd = open_node (device, &cap);
  Run run;

  fail_unless (fd >= 0);
  req.count = 2;
  req.type = buf_type_of (fd);
  req.memory = V4L2_MEMORY_MMAP;
  fail_unless (ioctl (fd, VIDIOC_REQBUFS, &req) == 0);

  run_start (&run, "", caps);
  err = run_wait (&run, 30 * GST_SECOND, NULL, NULL);
  want = g_strdup_printf ("Device '%s' is busy: another application is "
      "using it.", device);
  fail_unless_equals_string (err, want);
  run_stop (&run);
  close (fd);
  g_free (want);
  g_free (err);
  g_free (caps);
}

GST_END_TEST;

/* Downstream wants a format the device does not offer. */
GST_START_TEST (test_error_format_not_supported)
{
  static const struct
  {
    guint32 fourcc;
    const gchar *caps;
  } candidates[] = {
    {V4L2_PIX_FMT_SRGGB14, "video/x-bayer,format=rggb14le"},
    {V4L2_PIX_FMT_SGBRG16, "video/x-bayer,format=gbrg16le"},
    {V4L2_PIX_FMT_RGB565, "video/x-raw,format=RGB16"},
    {V4L2_PIX_FMT_NV61, "video/x-raw,format=NV61"},
  };
  const gchar *absent = NULL;
  gchar *err, *want;
  guint i;
  Run run;

  for (i = 0; i < G_N_ELEMENTS (candidates) && absent == NULL; i++)
    if (!device_offers (candidates[i].fourcc))
      absent = candidates[i].caps;
  fail_unless (absent != NULL);

  run_start (&run, "", absent);
  err = run_wait (&run, 30 * GST_SECOND, NULL, NULL);
  fail_unless (err != NULL);
  want = g_strdup_printf ("Device '%s' does not support the format downstream "
      "wants (", device);
  fail_unless (g_str_has_prefix (err, want), "got: %s", err);
  fail_unless (strstr (err, "; it offers: ") != NULL, "got: %s", err);
  run_stop (&run);
  g_free (want);
  g_free (err);
}

GST_END_TEST;

/* A V4L2 node of the same driver that cannot capture. */
GST_START_TEST (test_error_not_capture)
{
  gchar *desc, *want;
  GstElement *pipe;
  GstMessage *msg;
  GError *err = NULL;

  if (other_node == NULL) {
    GST_INFO ("%s has no non-capture node, nothing to test", driver);
    return;
  }
  desc = g_strdup_printf ("tegracsisrc device=%s ! fakesink", other_node);
  pipe = gst_parse_launch (desc, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 10 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  want = g_strdup_printf ("Device '%s' is not a V4L2 video capture device.",
      other_node);
  fail_unless_equals_string (err->message, want);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (want);
  g_free (desc);
}

GST_END_TEST;

/* Errored frames: dropped by default, pushed marked with error-frames=mark.
 * Exactly the injected buffers are counted as errored (two with our
 * driver's error_next_buffers=2, one with vivid's button), and the
 * sequence numbers of the pushed frames (buffer offsets) account for every
 * frame: their gaps are the frames the driver lost (stats "dropped") plus,
 * with error-frames=drop, the errored ones. Counted after EOS, so that
 * frames and stats describe the same stream. */
static void
check_error_frames (const gchar * policy)
{
  const gchar *inject = ours ? "c,error_next_buffers=2" :
      "c,inject_v4l2_buf_flag_error=1";
  const guint want = ours ? 2 : 1;
  gboolean mark = g_str_equal (policy, "mark");
  gchar *caps = small_caps ();
  gchar *props = g_strdup_printf ("error-frames=%s num-buffers=12", policy);
  GstStructure *stats, *ctrl;
  guint i, n_corrupted = 0, gaps = 0;
  guint64 errored, dropped;
  gchar *err;
  Run run;

  run_start (&run, props, caps);
  wait_frames (&run, 2);
  ctrl = gst_structure_from_string (inject, NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  err = run_wait (&run, 120 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless (run.eos, "no EOS after 12 frames");
  fail_unless_equals_int (run_count (&run), 12);

  stats = run_stats (&run);
  errored = stat_u64 (stats, "errored");
  dropped = stat_u64 (stats, "dropped");
  gst_structure_free (stats);
  fail_unless_equals_uint64 (errored, want);

  for (i = 0; i < run.rec.frames->len; i++) {
    if (FRAME (&run, i)->corrupted)
      n_corrupted++;
    if (i > 0)
      gaps += FRAME (&run, i)->offset - FRAME (&run, i - 1)->offset - 1;
  }
  if (mark) {
    fail_unless_equals_int (n_corrupted, want);
    fail_unless_equals_uint64 (gaps, dropped);
  } else {
    fail_unless_equals_int (n_corrupted, 0);
    fail_unless_equals_uint64 (gaps, dropped + want);
  }
  run_stop (&run);
  g_free (props);
  g_free (caps);
}

GST_START_TEST (test_error_frames_drop)
{
  check_error_frames ("drop");
}

GST_END_TEST;

GST_START_TEST (test_error_frames_mark)
{
  check_error_frames ("mark");
}

GST_END_TEST;

/* Injected drops (driver fault control) show as gaps, in stats, and as
 * QoS messages. */
GST_START_TEST (test_drops)
{
  gchar *caps = small_caps ();
  GstStructure *stats, *ctrl;
  guint i, start, n_qos = 0, gaps = 0;
  guint64 qos_dropped = 0;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);
  start = run_count (&run);
  ctrl = gst_structure_from_string ("c,drop_next_frames=3", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  wait_frames (&run, start + 5);
  g_free (run_wait (&run, 200 * GST_MSECOND, &n_qos, &qos_dropped));

  g_mutex_lock (&run.rec.lock);
  for (i = 1; i < run.rec.frames->len; i++)
    gaps += FRAME (&run, i)->offset - FRAME (&run, i - 1)->offset - 1;
  g_mutex_unlock (&run.rec.lock);

  stats = run_stats (&run);
  fail_unless (gaps >= 3, "only %u frames missing from the offsets", gaps);
  fail_unless_equals_uint64 (stat_u64 (stats, "dropped"), gaps);
  fail_unless (n_qos >= 1, "no QoS message");
  fail_unless_equals_uint64 (qos_dropped, gaps);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

GST_START_TEST (test_error_stalled)
{
  gchar *caps = small_caps ();
  GstStructure *ctrl;
  gchar *err, *want;
  Run run;

  run_start (&run, "timeout=500", caps);
  wait_frames (&run, 2);
  ctrl = gst_structure_from_string ("c,stall_sensor=1", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  err = run_wait (&run, 20 * GST_SECOND, NULL, NULL);
  want = g_strdup_printf ("Device '%s' stalled: no frame for 500 ms.", device);
  fail_unless_equals_string (err, want);
  run_stop (&run);

  /* leave the sensor running for the next tests */
  {
    struct v4l2_capability cap;
    struct v4l2_control c = {.id = TEGRA_CSI_SG_CID_STALL,.value = 0 };
    gint fd = open_node (device, &cap);

    fail_unless (fd >= 0);
    ioctl (fd, VIDIOC_S_CTRL, &c);
    close (fd);
  }
  g_free (want);
  g_free (err);
  g_free (caps);
}

GST_END_TEST;

/* The device goes away while streaming (last test: it does not come back). */
GST_START_TEST (test_error_device_gone)
{
  gchar *caps = small_caps ();
  GstStructure *ctrl;
  gchar *err, *want;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);
  ctrl = gst_structure_from_string ("c,disconnect=1", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  err = run_wait (&run, 20 * GST_SECOND, NULL, NULL);
  fail_unless (err != NULL, "no error after disconnect");
  want = g_strdup_printf ("Device '%s' is gone: ", device);
  fail_unless (g_str_has_prefix (err, want), "got: %s", err);
  run_stop (&run);
  g_free (want);
  g_free (err);
  g_free (caps);
}

GST_END_TEST;

void
tcs_add_error_tests (TCase * tc)
{
  tcase_add_test (tc, test_error_busy);
  tcase_add_test (tc, test_error_format_not_supported);
  tcase_add_test (tc, test_error_not_capture);
  tcase_add_test (tc, test_error_frames_drop);
  tcase_add_test (tc, test_error_frames_mark);
  /* fault controls of our driver */
  if (ours) {
    tcase_add_test (tc, test_drops);
    tcase_add_test (tc, test_error_stalled);
  }
}

void
tcs_add_device_gone_test (TCase * tc)
{
  tcase_add_test (tc, test_error_device_gone);
}
