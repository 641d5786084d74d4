/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc's starvation policy, against our driver in the guest
 * (tests/vm/run, virtual_channels=1): a downstream that holds buffers.
 *
 * The sink (an appsink) keeps every frame it receives during a hold
 * window, then lets them all go. The element must:
 *  - grow the driver's queue with VIDIOC_CREATE_BUFS up to capture-buffers
 *    (stats "buffers"),
 *  - then let the driver drop frames, each counted: stats "dropped" equals
 *    the driver's own debugfs frames_dropped, QoS messages carry them,
 *  - copy nothing (bytes-copied 0) unless copy-on-starvation is on, and
 *    then count every byte it copied,
 *  - reach EOS (no deadlock), every frame with the right content.
 */
#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <sys/mount.h>
#include <sys/stat.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-check.h"
#include "tcs-v4l2.h"

#define WIDTH 320
#define HEIGHT 240
#define FRAMES 60
#define MAX_BUFFERS 6
#define HOLD_US (1500 * 1000)   /* 1.5 s: ~22 frames at 15 fps */

typedef struct
{
  GMutex lock;
  GPtrArray *held;              /* samples kept during the hold window */
  gint64 hold_start;            /* monotonic µs, 0 before the first frame */
  gboolean hold_over;
  guint frames;
  guint bad_frames;
  guint dmabuf_frames;          /* frames that were the driver's dma-bufs */
  guint copied_frames;          /* system-memory copies */
  gsize copied_bytes;
  guint max_buffers_seen;       /* stats "buffers" while running */
} Sink;


/* A counter of the driver's debugfs stats of channel 0 (uapi header). */
static guint64
debugfs_stat (const gchar * field)
{
  const gchar *path =
      "/sys/kernel/debug/tegra-csi-sg/tegra-csi-sg-virt/0/stats";
  gchar *text = NULL, **lines;
  guint64 value = G_MAXUINT64;
  guint i;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    mount ("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "no %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    gchar **kv = g_strsplit (lines[i], " ", 2);

    if (kv[0] && kv[1] && g_str_equal (kv[0], field))
      value = g_ascii_strtoull (kv[1], NULL, 10);
    g_strfreev (kv);
  }
  g_strfreev (lines);
  g_free (text);
  fail_unless (value != G_MAXUINT64, "no %s in %s", field, path);
  return value;
}

/* Every byte of the counter pattern of the frame's sequence number. */
static gboolean
frame_is_right (GstBuffer * buf)
{
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buf);
  GstMapInfo map;
  gboolean ok;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return FALSE;
  ok = counter_mismatches (map.data, map.size, vmeta ? vmeta->stride[0] :
      WIDTH * 4, 0, HEIGHT, GST_BUFFER_OFFSET (buf)) == 0;
  gst_buffer_unmap (buf, &map);
  return ok;
}

static GstFlowReturn
new_sample (GstAppSink * appsink, gpointer user_data)
{
  Sink *sink = user_data;
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstMemory *mem = gst_buffer_peek_memory (buf, 0);
  gint64 now = g_get_monotonic_time ();
  gboolean right = frame_is_right (buf);

  g_mutex_lock (&sink->lock);
  sink->frames++;
  if (!right)
    sink->bad_frames++;
  if (gst_is_dmabuf_memory (mem)) {
    sink->dmabuf_frames++;
  } else {
    sink->copied_frames++;
    sink->copied_bytes += gst_buffer_get_size (buf);
  }
  if (sink->hold_start == 0)
    sink->hold_start = now;
  if (!sink->hold_over) {
    g_ptr_array_add (sink->held, sample);
    sample = NULL;
  }
  g_mutex_unlock (&sink->lock);

  if (sample)
    gst_sample_unref (sample);
  return GST_FLOW_OK;
}

typedef struct
{
  guint qos_messages;
  guint64 qos_dropped;          /* the last QoS message's dropped count */
  gchar *error;
} Bus;

static void
run (const gchar * props, Sink * sink, Bus * bus, GstStructure ** stats)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *desc;
  GstElement *pipe, *src, *appsink;
  GstBus *b;
  gboolean done = FALSE;
  GstAppSinkCallbacks cb = { 0, };

  fail_unless (dev != NULL, "no tegra-csi-sg capture node");
  cb.new_sample = new_sample;
  desc = g_strdup_printf ("tegracsisrc name=src device=%s io-mode=dmabuf "
      "num-buffers=%u capture-buffers=%u extra-controls=\"c,test_pattern=0\" "
      "%s ! video/x-raw,format=BGRx,width=%u,height=%u,framerate=15/1 ! "
      "appsink name=sink sync=false max-buffers=0", dev, FRAMES, MAX_BUFFERS,
      props, WIDTH, HEIGHT);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  appsink = gst_bin_get_by_name (GST_BIN (pipe), "sink");

  memset (sink, 0, sizeof (*sink));
  g_mutex_init (&sink->lock);
  sink->held = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &cb, sink, NULL);
  memset (bus, 0, sizeof (*bus));

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  b = gst_element_get_bus (pipe);
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop (b, 500 * GST_MSECOND);
    GstStructure *s;
    guint buffers = 0;

    g_object_get (src, "stats", &s, NULL);
    gst_structure_get_uint (s, "buffers", &buffers);
    gst_structure_free (s);
    sink->max_buffers_seen = MAX (sink->max_buffers_seen, buffers);

    /* The hold window ends here, not in the sink: while the sink holds
     * every buffer no new frame reaches it. */
    g_mutex_lock (&sink->lock);
    if (!sink->hold_over && sink->hold_start &&
        g_get_monotonic_time () - sink->hold_start >= HOLD_US) {
      sink->hold_over = TRUE;
      g_ptr_array_set_size (sink->held, 0);     /* all go back */
    }
    g_mutex_unlock (&sink->lock);

    if (msg == NULL)
      continue;
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_QOS:{
        GstFormat fmt;
        guint64 processed, dropped;

        gst_message_parse_qos_stats (msg, &fmt, &processed, &dropped);
        bus->qos_messages++;
        bus->qos_dropped = dropped;
        break;
      }
      case GST_MESSAGE_ERROR:{
        GError *err;

        gst_message_parse_error (msg, &err, NULL);
        bus->error = g_strdup (err->message);
        g_error_free (err);
        done = TRUE;
        break;
      }
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (b);

  g_object_get (src, "stats", stats, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  g_ptr_array_unref (sink->held);
  g_mutex_clear (&sink->lock);
  gst_object_unref (appsink);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (dev);
}

static guint64
stat_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = G_MAXUINT64;

  fail_unless (gst_structure_get_uint64 (s, name, &v), "no %s", name);
  return v;
}

static void
print_stats (const GstStructure * stats)
{
  gchar *str = gst_structure_to_string (stats);

  g_print ("%s\n", str);
  g_free (str);
}

/* Default policy: grow to capture-buffers, then drops, counted, no copy. */
GST_START_TEST (test_hold_grows_then_drops)
{
  guint64 driver_dropped = debugfs_stat ("frames_dropped");
  GstStructure *stats;
  guint buffers = 0;
  Sink sink;
  Bus bus;

  run ("", &sink, &bus, &stats);
  driver_dropped = debugfs_stat ("frames_dropped") - driver_dropped;
  print_stats (stats);
  g_print ("driver dropped %" G_GUINT64_FORMAT ", %u QoS messages\n",
      driver_dropped, bus.qos_messages);

  fail_unless (bus.error == NULL, "error: %s", bus.error);
  /* no deadlock: every frame arrived, right */
  fail_unless_equals_int (sink.frames, FRAMES);
  fail_unless_equals_int (sink.bad_frames, 0);
  /* grew from 4 to capture-buffers while the sink held them */
  fail_unless (gst_structure_get_uint (stats, "buffers", &buffers));
  fail_unless_equals_int (sink.max_buffers_seen, MAX_BUFFERS);
  /* then the driver dropped frames; every one counted */
  fail_unless (driver_dropped > 0, "the hold caused no drop");
  fail_unless_equals_uint64 (stat_u64 (stats, "dropped"), driver_dropped);
  fail_unless (bus.qos_messages > 0);
  fail_unless_equals_uint64 (bus.qos_dropped, driver_dropped);
  /* nothing copied */
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  fail_unless_equals_int (sink.copied_frames, 0);
  fail_unless_equals_int (sink.dmabuf_frames, FRAMES);
  gst_structure_free (stats);
}

GST_END_TEST;

/* copy-on-starvation: the frames that would have starved the driver are
 * pushed as counted copies. */
GST_START_TEST (test_hold_copy_on_starvation)
{
  GstStructure *stats;
  Sink sink;
  Bus bus;

  run ("copy-on-starvation=true", &sink, &bus, &stats);
  print_stats (stats);
  g_print ("%u copies\n", sink.copied_frames);

  fail_unless (bus.error == NULL, "error: %s", bus.error);
  fail_unless_equals_int (sink.frames, FRAMES);
  fail_unless_equals_int (sink.bad_frames, 0);
  fail_unless_equals_int (sink.max_buffers_seen, MAX_BUFFERS);
  fail_unless (sink.copied_frames > 0, "nothing was copied");
  /* every copied byte, and only those, counted */
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"),
      sink.copied_bytes);
  fail_unless_equals_int (sink.copied_frames + sink.dmabuf_frames, FRAMES);
  gst_structure_free (stats);
}

GST_END_TEST;

static Suite *
starvation_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-starvation");
  TCase *tc = tcase_create ("starvation");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_hold_grows_then_drops);
  tcase_add_test (tc, test_hold_copy_on_starvation);
  suite_add_tcase (s, tc);
  return s;
}

TCS_CHECK_MAIN (starvation);
