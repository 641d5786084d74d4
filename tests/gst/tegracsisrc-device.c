/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest tests for tegracsisrc against a real V4L2 capture device: our
 * driver (tegra-csi-sg) or vivid, chosen with TEGRACSI_TEST_DRIVER
 * (default tegra-csi-sg). Exits 77 (skip) when no such device exists, so
 * it never passes without having run.
 *
 * Tolerances: PTS deltas must equal the driver's own timestamp deltas
 * within 2 ms (the correlation to the pipeline clock); the spacing is
 * the frame interval within 10% for the median delta per sequence step and
 * for the least-squares slope of PTS over sequence. Single deltas are only
 * checked to increase: the sensor threads of both drivers run several
 * intervals late now and then under TCG on a loaded host.
 */
#include <gst/check/gstcheck.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-harness.h"
#include "tcs-v4l2.h"

#define N_FRAMES 20

/* ------------------------------------------------------------------ */
/* Tests */

/* "video/x-raw(memory:DMABuf),format=...,width=...": the caps of @df with
 * the dma-buf caps feature. */
static gchar *
dmabuf_caps (const DeviceFormat * df)
{
  const gchar *comma = strchr (df->caps, ',');
  gchar *media = g_strndup (df->caps, comma - df->caps);
  gchar *caps = g_strdup_printf ("%s(memory:DMABuf)%s,width=%u,height=%u%s",
      media, comma, df->width, df->height, df->rate);

  g_free (media);
  return caps;
}

/* Every format the device offers negotiates, in dma-buf memory exported by
 * the capture device, with the driver's bytesperline as stride. */
GST_START_TEST (test_negotiate_each_format)
{
  GArray *formats = device_formats ();
  guint i, j, n_planar = 0;

  fail_unless (formats->len > 0, "%s offers no format we know", device);

  for (i = 0; i < formats->len; i++) {
    DeviceFormat *df = &g_array_index (formats, DeviceFormat, i);
    gchar *caps = dmabuf_caps (df);
    struct v4l2_format fmt;
    GstStructure *s;
    gchar *err;
    Run run;

    GST_INFO ("format %s", caps);
    run_start (&run, "num-buffers=3", caps);
    err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
    fail_unless (err == NULL, "%s: %s", caps, err);
    fail_unless_equals_int (run_count (&run), 3);
    get_format (&fmt);

    s = gst_caps_get_structure (run.rec.caps, 0);
    fail_unless (gst_structure_has_name (s, g_str_has_prefix (df->caps,
                "video/x-bayer") ? "video/x-bayer" : "video/x-raw"));
    fail_unless (gst_caps_features_contains (gst_caps_get_features
            (run.rec.caps, 0), GST_CAPS_FEATURE_MEMORY_DMABUF),
        "%s: not negotiated as memory:DMABuf", caps);

    for (j = 0; j < 3; j++) {
      Frame *f = FRAME (&run, j);

      fail_unless (f->dmabuf, "%s: frame %u is not dma-buf memory", caps, j);
      fail_unless (f->exported, "%s: frame %u fd not exported by vb2", caps,
          j);
      fail_unless (f->has_vmeta, "%s: frame %u has no GstVideoMeta", caps, j);
      fail_unless_equals_int (f->stride[0], fmt_bytesperline (&fmt, 0));
      if (fmt.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE &&
          fmt.fmt.pix_mp.num_planes > 1)
        fail_unless_equals_int (f->stride[1], fmt_bytesperline (&fmt, 1));
      if (f->n_planes > 1)
        n_planar++;
    }
    run_stop (&run);
    g_free (caps);
  }
  GST_INFO ("%u formats, %u planar frames", formats->len, n_planar);
  free_formats (formats);
}

GST_END_TEST;

/* io-mode=mmap gives plain memory, still zero-copy. */
GST_START_TEST (test_mmap_mode)
{
  gchar *caps = small_caps ();
  GstStructure *stats;
  gchar *err;
  Run run;

  run_start (&run, "io-mode=mmap num-buffers=4", caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 4);
  fail_if (FRAME (&run, 0)->dmabuf);
  fail_unless (FRAME (&run, 0)->has_vmeta);
  fail_if (gst_caps_features_contains (gst_caps_get_features (run.rec.caps,
              0), GST_CAPS_FEATURE_MEMORY_DMABUF));
  stats = run_stats (&run);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Single PTS deltas are not bounded beyond strictly increasing: both
 * drivers stamp a frame when their (virtual) sensor thread completes it,
 * and under TCG on a loaded host that thread now and then runs several
 * intervals late. The spacing is checked on the median delta and on the
 * least-squares slope of PTS over sequence, both within 10%. */
static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

/* io-mode=dmabuf with system-memory caps still hands out the exported
 * dma-bufs (they can be mapped). */
GST_START_TEST (test_dmabuf_mode)
{
  gchar *caps = small_caps ();
  GstStructure *stats;
  gchar *err;
  guint i;
  Run run;

  GHashTable *fds = g_hash_table_new (NULL, NULL);

  run_start (&run, "io-mode=dmabuf capture-buffers=3 num-buffers=9", caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 9);
  for (i = 0; i < 9; i++) {
    fail_unless (FRAME (&run, i)->dmabuf);
    fail_unless (FRAME (&run, i)->exported);
    fail_unless (FRAME (&run, i)->mapped);
    g_hash_table_add (fds, GINT_TO_POINTER (FRAME (&run, i)->fd));
  }
  /* exported once per buffer and reused: 9 frames, at most 3 dma-bufs */
  fail_unless (g_hash_table_size (fds) <= 3, "%u different dma-bufs",
      g_hash_table_size (fds));
  g_hash_table_unref (fds);
  stats = run_stats (&run);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Without a size from downstream, the largest size at the highest rate
 * the device offers for it. */
GST_START_TEST (test_fixation_largest)
{
  GArray *formats = device_formats ();
  DeviceFormat *df = &g_array_index (formats, DeviceFormat, 0);
  struct v4l2_frmsizeenum sz = {.pixel_format = df->fourcc };
  struct v4l2_frmivalenum iv = {.pixel_format = df->fourcc };
  struct v4l2_capability cap;
  guint max_w = 0, max_h = 0;
  gdouble max_fps = 0;
  GstStructure *s;
  gint w, h, fps_n, fps_d;
  gchar *err;
  gint fd = open_node (device, &cap);
  Run run;

  fail_unless (fd >= 0);
  for (sz.index = 0; ioctl (fd, VIDIOC_ENUM_FRAMESIZES, &sz) == 0; sz.index++) {
    guint sw = sz.type == V4L2_FRMSIZE_TYPE_DISCRETE ? sz.discrete.width :
        sz.stepwise.max_width;
    guint sh = sz.type == V4L2_FRMSIZE_TYPE_DISCRETE ? sz.discrete.height :
        sz.stepwise.max_height;

    if ((guint64) sw * sh > (guint64) max_w * max_h) {
      max_w = sw;
      max_h = sh;
    }
  }
  iv.width = max_w;
  iv.height = max_h;
  for (iv.index = 0; ioctl (fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0;
      iv.index++) {
    const struct v4l2_fract *f = iv.type == V4L2_FRMIVAL_TYPE_DISCRETE ?
        &iv.discrete : &iv.stepwise.min;

    max_fps = MAX (max_fps, (gdouble) f->denominator / f->numerator);
  }
  close (fd);

  run_start (&run, "num-buffers=1", df->caps);
  err = run_wait (&run, 120 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless (gst_structure_get_int (s, "width", &w));
  fail_unless (gst_structure_get_int (s, "height", &h));
  fail_unless_equals_int (w, max_w);
  fail_unless_equals_int (h, max_h);
  if (max_fps > 0) {
    fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
    fail_unless ((gdouble) fps_n / fps_d > max_fps - 0.01,
        "%d/%d, the device offers %f", fps_n, fps_d, max_fps);
  }
  run_stop (&run);
  free_formats (formats);
}

GST_END_TEST;

/* extra-controls set before start reach the device when it opens. */
GST_START_TEST (test_extra_controls_at_start)
{
  const gchar *name = ours ? "exposure" : "brightness";
  guint32 id = ours ? V4L2_CID_EXPOSURE : V4L2_CID_BRIGHTNESS;
  struct v4l2_queryctrl q = {.id = id };
  struct v4l2_control c = {.id = id };
  struct v4l2_capability cap;
  gchar *caps = small_caps ();
  gchar *props;
  gint fd, want;
  Run run;

  fd = open_node (device, &cap);
  fail_unless (fd >= 0);
  fail_unless (ioctl (fd, VIDIOC_QUERYCTRL, &q) == 0, "no control %s", name);
  fail_unless (ioctl (fd, VIDIOC_G_CTRL, &c) == 0);
  /* a valid value different from the current one */
  want = c.value == q.minimum ? q.minimum + q.step : q.minimum;
  props = g_strdup_printf ("extra-controls=\"c,%s=%d\"", name, want);

  run_start (&run, props, caps);
  wait_frames (&run, 1);
  fail_unless (ioctl (fd, VIDIOC_G_CTRL, &c) == 0);
  fail_unless_equals_int (c.value, want);
  run_stop (&run);
  close (fd);
  g_free (props);
  g_free (caps);
}

GST_END_TEST;

/* gst-launch-1.0 under GST_TRACERS=leaks: nothing is reported alive when
 * GStreamer shuts down. */
GST_START_TEST (test_gst_launch_leaks)
{
  gchar *caps = small_caps ();
  gchar *cmd = g_strdup_printf ("gst-launch-1.0 -q tegracsisrc device=%s "
      "num-buffers=5 ! %s ! fakesink", device, caps);
  gchar **argv = NULL, **envp;
  gchar *out = NULL, *errout = NULL;
  gint status = -1;

  fail_unless (g_shell_parse_argv (cmd, NULL, &argv, NULL));
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "GST_TRACERS", "leaks", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG", "GST_TRACER:7", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &errout, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed: %s",
      cmd, errout);
  fail_unless (strstr (errout, "Leaks detected") == NULL,
      "leaks reported: %.2000s", errout);
  {
    gchar **lines = g_strsplit (errout, "\n", -1);
    guint i;

    /* one "object-alive, type-name=(string)GstFoo, ..." record per leak;
     * the record's format string (with %s) is not one */
    for (i = 0; lines[i]; i++)
      fail_unless (strstr (lines[i], "object-alive, type-name=(string)") ==
          NULL || strstr (lines[i], "%s") != NULL, "leak: %s", lines[i]);
    g_strfreev (lines);
  }
  fail_unless (strstr (errout, "GST_TRACER") != NULL,
      "the leaks tracer did not run");
  g_strfreev (envp);
  g_strfreev (argv);
  g_free (out);
  g_free (errout);
  g_free (cmd);
  g_free (caps);
}

GST_END_TEST;

/* PTS strictly increase, follow the driver's timestamps and the frame
 * interval; offsets are the driver's sequence numbers. */
GST_START_TEST (test_timestamps)
{
  gchar *caps = small_caps ();
  GstStructure *stats, *s;
  GstClockTime interval;
  gdouble deltas[N_FRAMES - 1];
  gint fps_n = 0, fps_d = 1;
  guint i;
  gchar *err;
  Run run;

  run_start (&run, "num-buffers=" G_STRINGIFY (N_FRAMES), caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), N_FRAMES);

  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
  fail_unless (fps_n > 0);
  interval = gst_util_uint64_scale (GST_SECOND, fps_d, fps_n);
  GST_INFO ("caps %" GST_PTR_FORMAT ", interval %" GST_TIME_FORMAT,
      run.rec.caps, GST_TIME_ARGS (interval));

  for (i = 0; i < N_FRAMES; i++) {
    Frame *f = FRAME (&run, i);

    fail_unless (GST_CLOCK_TIME_IS_VALID (f->pts));
    fail_unless (GST_CLOCK_TIME_IS_VALID (f->raw), "no monotonic meta");
    fail_unless_equals_uint64 (f->duration, interval);
    if (ours && f->mapped) {
      /* counter pattern: the frame starts with its own sequence number */
      fail_unless_equals_int (f->first_word, (guint32) f->offset);
      fail_unless_equals_int (f->line1_word, 1);
    }
    if (i > 0) {
      Frame *p = FRAME (&run, i - 1);
      gint64 dpts = (gint64) (f->pts - p->pts);
      gint64 draw = (gint64) (f->raw - p->raw);
      gint64 expect = (gint64) (f->offset - p->offset) * (gint64) interval;

      fail_unless (f->pts > p->pts, "PTS not increasing at %u", i);
      fail_unless (f->offset > p->offset, "offset not increasing at %u", i);
      fail_unless (ABS (dpts - draw) < 2 * GST_MSECOND,
          "PTS delta %" G_GINT64_FORMAT " vs driver delta %" G_GINT64_FORMAT,
          dpts, draw);
      GST_LOG ("frame %u: PTS delta %" G_GINT64_FORMAT " for %"
          G_GINT64_FORMAT, i, dpts, expect);
      deltas[i - 1] = (gdouble) dpts / (f->offset - p->offset);
    }
  }

  qsort (deltas, N_FRAMES - 1, sizeof (gdouble), compare_doubles);
  fail_unless (ABS (deltas[(N_FRAMES - 1) / 2] - interval) < interval / 10.0,
      "median PTS delta %f, interval %" G_GUINT64_FORMAT,
      deltas[(N_FRAMES - 1) / 2], interval);

  {
    /* least-squares slope of PTS over sequence: the mean spacing */
    gdouble sx = 0, sy = 0, sxx = 0, sxy = 0, slope;
    Frame *a = FRAME (&run, 0);

    for (i = 0; i < N_FRAMES; i++) {
      gdouble x = FRAME (&run, i)->offset - a->offset;
      gdouble y = FRAME (&run, i)->pts - a->pts;

      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    slope = (N_FRAMES * sxy - sx * sy) / (N_FRAMES * sxx - sx * sx);
    fail_unless (ABS (slope - interval) < interval / 10.0,
        "mean spacing %f, interval %" G_GUINT64_FORMAT, slope, interval);
  }

  stats = run_stats (&run);
  fail_unless (stat_u64 (stats, "captured") >= N_FRAMES);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  fail_unless_equals_uint64 (stat_u64 (stats, "errored"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* The latency query answers one frame interval as minimum and the queue
 * depth in frames as maximum. */
GST_START_TEST (test_latency_query)
{
  gchar *caps = small_caps ();
  gchar *props = g_strdup_printf ("capture-buffers=5");
  GstClockTime min, max, interval;
  GstStructure *s;
  gint fps_n, fps_d;
  gboolean live;
  GstQuery *q;
  Run run;

  run_start (&run, props, caps);
  wait_frames (&run, 2);

  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
  interval = gst_util_uint64_scale (GST_SECOND, fps_d, fps_n);
  q = gst_query_new_latency ();
  fail_unless (gst_element_query (run.src, q));
  gst_query_parse_latency (q, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, interval);
  fail_unless_equals_uint64 (max, 5 * interval);
  gst_query_unref (q);

  {
    GstStructure *stats = run_stats (&run);
    guint queued = 99;

    fail_unless (gst_structure_get_uint (stats, "queued", &queued));
    fail_unless (queued <= 5, "%u buffers queued of 5", queued);
    gst_structure_free (stats);
  }
  run_stop (&run);
  g_free (props);
  g_free (caps);
}

GST_END_TEST;

/* PLAYING -> PAUSED -> PLAYING, and a RECONFIGURE from downstream, keep
 * the stream going without an error. */
GST_START_TEST (test_pause_resume_reconfigure)
{
  gchar *caps = small_caps ();
  GstElement *sink;
  GstPad *pad;
  gchar *err;
  guint n;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);

  gst_element_set_state (run.pipe, GST_STATE_PAUSED);
  g_usleep (300 * 1000);
  gst_element_set_state (run.pipe, GST_STATE_PLAYING);
  n = run_count (&run);
  wait_frames (&run, n + 2);

  sink = gst_bin_get_by_name (GST_BIN (run.pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  fail_unless (gst_pad_push_event (pad, gst_event_new_reconfigure ()));
  n = run_count (&run);
  wait_frames (&run, n + 3);

  err = run_wait (&run, 100 * GST_MSECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  gst_object_unref (pad);
  gst_object_unref (sink);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Two channels capture at the same time, each from its own node. */
GST_START_TEST (test_two_channels)
{
  gchar *caps = small_caps ();
  gchar *first = device;
  Run a, b;

  if (device2 == NULL) {
    GST_INFO ("one capture node only, nothing to test");
    g_free (caps);
    return;
  }
  run_start (&a, "", caps);
  device = device2;
  run_start (&b, "", caps);
  device = first;
  wait_frames (&a, 10);
  wait_frames (&b, 10);
  fail_unless (a.error == NULL && b.error == NULL);
  fail_unless (FRAME (&a, 0)->fd != FRAME (&b, 0)->fd);
  run_stop (&b);
  run_stop (&a);
  g_free (caps);
}

GST_END_TEST;

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

/* Errored frames: dropped by default, pushed marked with error-frames=mark. */
static void
check_error_frames (const gchar * policy)
{
  const gchar *inject = ours ? "c,error_next_buffers=2" :
      "c,inject_v4l2_buf_flag_error=1";
  gboolean mark = g_str_equal (policy, "mark");
  gchar *caps = small_caps ();
  gchar *props = g_strdup_printf ("error-frames=%s", policy);
  GstStructure *stats, *ctrl;
  guint i, n_corrupted = 0, start;
  guint64 errored;
  Run run;

  run_start (&run, props, caps);
  wait_frames (&run, 2);
  start = run_count (&run);
  ctrl = gst_structure_from_string (inject, NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  wait_frames (&run, start + 6);

  stats = run_stats (&run);
  errored = stat_u64 (stats, "errored");
  gst_structure_free (stats);
  fail_unless (errored >= 1, "no errored frame counted");

  g_mutex_lock (&run.rec.lock);
  for (i = 0; i < run.rec.frames->len; i++)
    if (FRAME (&run, i)->corrupted)
      n_corrupted++;
  g_mutex_unlock (&run.rec.lock);

  if (mark) {
    fail_unless_equals_int (n_corrupted, errored);
  } else {
    fail_unless_equals_int (n_corrupted, 0);
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

/* Adds @delta for every object address in @list (a checkpoint list of the
 * leaks tracer) and remembers its type name. */
static void
count_addresses (const GValue * list, GHashTable * net, GHashTable * types,
    gint delta)
{
  guint i;

  for (i = 0; i < gst_value_list_get_size (list); i++) {
    const GstStructure *o =
        gst_value_get_structure (gst_value_list_get_value (list, i));
    const gchar *addr = gst_structure_get_string (o, "address");
    gint n = GPOINTER_TO_INT (g_hash_table_lookup (net, addr));

    g_hash_table_insert (net, g_strdup (addr), GINT_TO_POINTER (n + delta));
    if (delta > 0)
      g_hash_table_insert (types, g_strdup (addr),
          g_strdup (gst_structure_get_string (o, "type-name")));
  }
}

/* 100 NULL -> PLAYING (first frame) -> NULL cycles leave nothing alive:
 * every object created during cycles 2 to 101 (the first one creates the
 * process-wide singletons) is gone after them, per the leaks tracer's
 * activity checkpoint. */
GST_START_TEST (test_cycles_no_leaks)
{
  gchar *caps = small_caps ();
  GstTracer *leaks = NULL;
  GHashTable *net, *types;
  GstStructure *cp = NULL;
  GList *tracers, *l;
  GHashTableIter iter;
  gpointer key, value;
  guint i, alive = 0;
  Run run;

  tracers = gst_tracing_get_active_tracers ();
  for (l = tracers; l; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer"))
      leaks = gst_object_ref (l->data);
  g_list_free_full (tracers, gst_object_unref);
  fail_unless (leaks != NULL, "run with GST_TRACERS=leaks");

  run_start (&run, "", caps);
  for (i = 0; i <= 100; i++) {
    guint have = run_count (&run);
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    if (i > 0)
      gst_element_set_state (run.pipe, GST_STATE_PLAYING);
    while (run_count (&run) == have && g_get_monotonic_time () < end)
      g_usleep (2000);
    fail_unless (run_count (&run) > have, "cycle %u: no frame", i);
    fail_unless (run.error == NULL, "cycle %u: %s", i, run.error);
    gst_element_set_state (run.pipe, GST_STATE_NULL);
    gst_bus_set_flushing (GST_ELEMENT_BUS (run.pipe), TRUE);
    gst_bus_set_flushing (GST_ELEMENT_BUS (run.pipe), FALSE);
    g_mutex_lock (&run.rec.lock);
    gst_clear_caps (&run.rec.caps);
    g_mutex_unlock (&run.rec.lock);

    if (i == 0)
      g_signal_emit_by_name (leaks, "activity-start-tracking");
  }

  g_signal_emit_by_name (leaks, "activity-get-checkpoint", &cp);
  g_signal_emit_by_name (leaks, "activity-stop-tracking");
  net = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  count_addresses (gst_structure_get_value (cp, "objects-created-list"), net,
      types, 1);
  count_addresses (gst_structure_get_value (cp, "objects-removed-list"), net,
      types, -1);

  g_hash_table_iter_init (&iter, net);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (GPOINTER_TO_INT (value) > 0) {
      if (alive < 20)
        g_printerr ("still alive: %s %s\n",
            (gchar *) g_hash_table_lookup (types, key), (gchar *) key);
      alive++;
    }
  }
  fail_unless_equals_int (alive, 0);

  g_hash_table_unref (net);
  g_hash_table_unref (types);
  gst_structure_free (cp);
  gst_object_unref (leaks);
  run_stop (&run);
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

static Suite *
tegracsisrc_device_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-device");
  TCase *tc = tcase_create ("device");
  const gchar *only = g_getenv ("TEGRACSI_TEST_ONLY_CYCLES");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  if (only == NULL || !g_str_equal (only, "1")) {
    tcase_add_test (tc, test_negotiate_each_format);
    tcase_add_test (tc, test_mmap_mode);
    tcase_add_test (tc, test_dmabuf_mode);
    tcase_add_test (tc, test_fixation_largest);
    tcase_add_test (tc, test_extra_controls_at_start);
    tcase_add_test (tc, test_gst_launch_leaks);
    tcase_add_test (tc, test_timestamps);
    tcase_add_test (tc, test_latency_query);
    tcase_add_test (tc, test_pause_resume_reconfigure);
    tcase_add_test (tc, test_two_channels);
    tcase_add_test (tc, test_error_busy);
    tcase_add_test (tc, test_error_format_not_supported);
    tcase_add_test (tc, test_error_not_capture);
    tcase_add_test (tc, test_error_frames_drop);
    tcase_add_test (tc, test_error_frames_mark);
    if (ours) {
      tcase_add_test (tc, test_drops);
      tcase_add_test (tc, test_error_stalled);
    }
  }
  tcase_add_test (tc, test_cycles_no_leaks);
  /* last: vivid's disconnect removes the device until it is reloaded */
  if (only == NULL || !g_str_equal (only, "1"))
    tcase_add_test (tc, test_error_device_gone);

  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int ret;

  gst_check_init (&argc, &argv);

  driver = g_getenv ("TEGRACSI_TEST_DRIVER");
  if (driver == NULL || *driver == '\0')
    driver = TEGRA_CSI_SG_DRIVER_NAME;
  ours = g_str_equal (driver, TEGRA_CSI_SG_DRIVER_NAME);
  find_nodes ();
  if (device == NULL) {
    g_print ("SKIP: no V4L2 capture device of driver %s\n", driver);
    return 77;
  }
  g_print ("testing %s (%s)%s%s\n", device, driver,
      device2 ? ", second capture node " : "", device2 ? device2 : "");

  s = tegracsisrc_device_suite ();
  ret = gst_check_run_suite (s, "tegracsisrc-device", __FILE__);
  return ret;
}
