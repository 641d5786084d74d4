/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gst-bench: one GStreamer contender of tests/bench. Runs PIPELINE (its
 * source named "src", its sink named "sink"), counts the frames reaching
 * the sink's pad and takes the process's CPU time (getrusage) at frame
 * WARMUP and at frame WARMUP + FRAMES, so start-up cancels. With --read the
 * probe maps every frame and reads every byte (a consumer that reads
 * frames). Latency: arrival at the sink minus the driver's capture time
 * (the buffer's GstReferenceTimestampMeta "timestamp/x-clock-monotonic",
 * which tegracsisrc attaches; absent for v4l2src: reported as -1).
 *
 * Usage: gst-bench WARMUP FRAMES [--read] PIPELINE
 * Prints one JSON object like raw-loop's, plus bytes_copied (tegracsisrc's
 * stats, -1 for other sources). Exit 1 on error.
 */
#include <gst/gst.h>

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct
{
  guint warmup, frames, n;
  gboolean read;
  struct rusage r0, r1;
  GArray *latency;              /* gint64 µs */
  guint64 last_offset, dropped;
  guint64 sum;                  /* what --read read, so it is not optimised away */
  GMutex lock;
  GCond done;
  gboolean finished;
} Bench;

static gint64
tv_us (struct timeval tv)
{
  return (gint64) tv.tv_sec * 1000000 + tv.tv_usec;
}

static gint
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static GstPadProbeReturn
on_frame (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Bench *b = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  static GstCaps *mono;
  GstReferenceTimestampMeta *ref;
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  if (b->finished)
    return GST_PAD_PROBE_OK;
  if (b->n == b->warmup)
    getrusage (RUSAGE_SELF, &b->r0);
  if (b->n >= b->warmup) {
    gint64 lat = -1;

    if (mono == NULL)
      mono = gst_caps_new_empty_simple ("timestamp/x-clock-monotonic");
    ref = gst_buffer_get_reference_timestamp_meta (buf, mono);
    if (ref)
      lat = ((gint64) now.tv_sec * 1000000000 + now.tv_nsec -
          (gint64) ref->timestamp) / 1000;
    g_array_append_val (b->latency, lat);
    if (b->n > b->warmup && GST_BUFFER_OFFSET (buf) > b->last_offset)
      b->dropped += GST_BUFFER_OFFSET (buf) - b->last_offset - 1;
  }
  b->last_offset = GST_BUFFER_OFFSET (buf);
  if (b->read) {
    GstMapInfo map;

    if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
      const guint64 *w = (const guint64 *) map.data;
      guint64 acc = 0;
      gsize k;

      for (k = 0; k < map.size / 8; k++)
        acc += w[k];
      b->sum += acc;
      gst_buffer_unmap (buf, &map);
    }
  }
  b->n++;
  if (b->n == b->warmup + b->frames) {
    getrusage (RUSAGE_SELF, &b->r1);
    g_mutex_lock (&b->lock);
    b->finished = TRUE;
    g_cond_signal (&b->done);
    g_mutex_unlock (&b->lock);
  }
  return GST_PAD_PROBE_OK;
}

static gint64
rss_kb (void)
{
  gchar *text = NULL, *at;
  gint64 kb = -1;

  if (g_file_get_contents ("/proc/self/status", &text, NULL, NULL) &&
      (at = strstr (text, "\nVmRSS:")) != NULL)
    kb = g_ascii_strtoll (at + 7, NULL, 10);
  g_free (text);
  return kb;
}

int
main (int argc, char **argv)
{
  Bench b = { 0 };
  GstElement *pipe, *src, *sink;
  GError *error = NULL;
  GstPad *pad;
  GstBus *bus;
  gint64 copied = -1, deadline;
  gint arg = 3;
  gboolean ok;

  gst_init (&argc, &argv);
  if (argc < 4) {
    g_printerr ("usage: %s WARMUP FRAMES [--read] PIPELINE\n", argv[0]);
    return 2;
  }
  b.warmup = strtoul (argv[1], NULL, 0);
  b.frames = strtoul (argv[2], NULL, 0);
  if (strcmp (argv[3], "--read") == 0) {
    b.read = TRUE;
    arg++;
  }
  b.latency = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_init (&b.lock);
  g_cond_init (&b.done);

  pipe = gst_parse_launch (argv[arg], &error);
  if (pipe == NULL) {
    g_printerr ("gst-bench: %s\n", error->message);
    return 1;
  }
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  if (src == NULL || sink == NULL) {
    g_printerr ("gst-bench: the pipeline needs elements named src and sink\n");
    return 1;
  }
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_frame, &b, NULL);
  gst_object_unref (pad);

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipe);
  deadline = g_get_monotonic_time () + 600 * G_TIME_SPAN_SECOND;
  ok = TRUE;
  g_mutex_lock (&b.lock);
  while (!b.finished && ok) {
    GstMessage *msg;

    g_mutex_unlock (&b.lock);
    msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    if (msg) {
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        gst_message_parse_error (msg, &error, NULL);
        g_printerr ("gst-bench: error from %s: %s\n",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), error->message);
      } else {
        g_printerr ("gst-bench: end of stream after %u frames\n", b.n);
      }
      gst_message_unref (msg);
      ok = FALSE;
    }
    if (g_get_monotonic_time () > deadline) {
      g_printerr ("gst-bench: timed out after %u frames\n", b.n);
      ok = FALSE;
    }
    g_mutex_lock (&b.lock);
  }
  g_mutex_unlock (&b.lock);

  if (ok && g_object_class_find_property (G_OBJECT_GET_CLASS (src), "stats")) {
    GstStructure *stats = NULL;
    guint64 v = 0;

    g_object_get (src, "stats", &stats, NULL);
    if (stats && gst_structure_get_uint64 (stats, "bytes-copied", &v))
      copied = v;
    if (stats)
      gst_structure_free (stats);
  }
  if (ok) {
    gint64 *lat = (gint64 *) b.latency->data;
    guint nl = b.latency->len;

    g_array_sort (b.latency, cmp_i64);
    g_print ("{\"frames\": %u, \"user_us\": %" G_GINT64_FORMAT ", \"sys_us\": %"
        G_GINT64_FORMAT ", \"dropped\": %" G_GUINT64_FORMAT ", \"rss_kb\": %"
        G_GINT64_FORMAT ", \"latency_median_us\": %" G_GINT64_FORMAT
        ", \"latency_p99_us\": %" G_GINT64_FORMAT ", \"bytes_copied\": %"
        G_GINT64_FORMAT "}\n", b.frames,
        tv_us (b.r1.ru_utime) - tv_us (b.r0.ru_utime),
        tv_us (b.r1.ru_stime) - tv_us (b.r0.ru_stime), b.dropped, rss_kb (),
        nl ? lat[nl / 2] : -1, nl ? lat[(nl * 99) / 100] : -1, copied);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_array_unref (b.latency);
  return ok ? 0 : 1;
}
