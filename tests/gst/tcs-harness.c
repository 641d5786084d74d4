/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a tegracsisrc pipeline on the device under test and recording
 * what reached the sink: every buffer as a Frame, the negotiated caps,
 * and the bus messages the tests look at.
 */
#include "tcs-harness.h"

#include "tcs-v4l2.h"

#include <gst/allocators/allocators.h>

#include <string.h>
#include <sys/stat.h>

/* The inode of dma-buf @fd: what identifies the dma-buf, whereas the fd
 * number is recycled by the kernel as soon as it is closed. 0 on error. */
guint64
dmabuf_inode (gint fd)
{
  struct stat st;

  return fd >= 0 && fstat (fd, &st) == 0 ? (guint64) st.st_ino : 0;
}

static GstPadProbeReturn
record_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Record *rec = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *ts_caps = gst_caps_new_empty_simple ("timestamp/x-clock-monotonic");
  GstReferenceTimestampMeta *ts;
  GstVideoMeta *vmeta;
  GstMemory *mem;
  GstElement *sink = gst_pad_get_parent_element (pad);
  GstClock *clock = gst_element_get_clock (sink);
  Frame f = { 0 };
  GstMapInfo map;
  guint i;

  f.arrival = GST_CLOCK_TIME_NONE;
  if (clock) {
    f.arrival = gst_clock_get_time (clock) - gst_element_get_base_time (sink);
    gst_object_unref (clock);
  }
  gst_object_unref (sink);
  f.pts = GST_BUFFER_PTS (buf);
  f.duration = GST_BUFFER_DURATION (buf);
  f.offset = GST_BUFFER_OFFSET (buf);
  f.corrupted = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_CORRUPTED);
  f.interlaced = GST_BUFFER_FLAG_IS_SET (buf, GST_VIDEO_BUFFER_FLAG_INTERLACED);
  f.tff = GST_BUFFER_FLAG_IS_SET (buf, GST_VIDEO_BUFFER_FLAG_TFF);
  ts = gst_buffer_get_reference_timestamp_meta (buf, ts_caps);
  f.raw = ts ? ts->timestamp : GST_CLOCK_TIME_NONE;
  gst_caps_unref (ts_caps);

  f.n_mems = MIN (gst_buffer_n_memory (buf), GST_VIDEO_MAX_PLANES);
  for (i = 0; i < f.n_mems; i++) {
    mem = gst_buffer_peek_memory (buf, i);
    f.mem_size[i] = mem->size;
    f.mem_dmabuf[i] = gst_is_dmabuf_memory (mem);
    if (f.mem_dmabuf[i]) {
      gint fd = gst_dmabuf_memory_get_fd (mem);

      f.mem_exported[i] = fd_exported_by_vb2 (fd);
      f.mem_ino[i] = dmabuf_inode (fd);
    }
  }
  mem = gst_buffer_peek_memory (buf, 0);
  f.dmabuf = f.mem_dmabuf[0];
  f.fd = f.dmabuf ? gst_dmabuf_memory_get_fd (mem) : -1;
  f.exported = f.mem_exported[0];
  f.ino = f.mem_ino[0];

  vmeta = gst_buffer_get_video_meta (buf);
  if (vmeta) {
    f.has_vmeta = TRUE;
    f.n_planes = vmeta->n_planes;
    for (i = 0; i < vmeta->n_planes; i++) {
      f.stride[i] = vmeta->stride[i];
      f.plane_offset[i] = vmeta->offset[i];
    }
  }

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    if (map.size >= 8 && vmeta && map.size > (gsize) vmeta->stride[0] + 8) {
      memcpy (&f.first_word, map.data, 4);
      memcpy (&f.line1_word, map.data + vmeta->stride[0] + 4, 4);
      f.first_word = GUINT32_FROM_LE (f.first_word);
      f.line1_word = GUINT32_FROM_LE (f.line1_word);
      f.mapped = TRUE;
    }
    gst_buffer_unmap (buf, &map);
  }

  g_mutex_lock (&rec->lock);
  if (rec->caps == NULL)
    rec->caps = gst_pad_get_current_caps (pad);
  g_array_append_val (rec->frames, f);
  g_mutex_unlock (&rec->lock);

  return GST_PAD_PROBE_OK;
}

/* The sink reads frames through their GstVideoMeta (record_probe does):
 * it says so in the ALLOCATION query, as a meta-aware consumer does. */
GstPadProbeReturn
tcs_announce_video_meta (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    G_GNUC_UNUSED gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return GST_PAD_PROBE_HANDLED;
}

/* Records the messages of struct Run as they are posted (under rec.lock),
 * so that waiting for frames never loses a QoS message or an error. */
static GstBusSyncReply
run_bus_sync (G_GNUC_UNUSED GstBus * bus, GstMessage * msg,
    gpointer user_data)
{
  Run *run = user_data;

  g_mutex_lock (&run->rec.lock);
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      if (run->error == NULL) {
        GError *err = NULL;

        gst_message_parse_error (msg, &err, NULL);
        run->error = g_strdup (err->message);
        g_error_free (err);
      }
      break;
    case GST_MESSAGE_EOS:
      run->eos = TRUE;
      break;
    case GST_MESSAGE_QOS:
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (run->src)) {
        GstFormat fmt;
        guint64 processed;

        gst_message_parse_qos_stats (msg, &fmt, &processed,
            &run->qos_dropped);
        run->n_qos++;
      }
      break;
    default:
      break;
  }
  g_mutex_unlock (&run->rec.lock);

  /* a dropped message is the handler's to free */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

void
run_start (Run * run, const gchar * props, const gchar * caps)
{
  run_start_with_clock (run, props, caps, NULL);
}

void
run_start_with_clock (Run * run, const gchar * props, const gchar * caps,
    GstClock * clock)
{
  gchar *desc = g_strdup_printf ("tegracsisrc name=src device=%s %s ! "
      "capsfilter caps=\"%s\" ! fakesink name=sink sync=false", device,
      props, caps);
  GstElement *sink;
  GstBus *bus;
  GstPad *pad;

  memset (run, 0, sizeof (*run));
  g_mutex_init (&run->rec.lock);
  run->rec.frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  run->pipe = gst_parse_launch (desc, NULL);
  fail_unless (run->pipe != NULL, "cannot build '%s'", desc);
  run->src = gst_bin_get_by_name (GST_BIN (run->pipe), "src");
  sink = gst_bin_get_by_name (GST_BIN (run->pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, record_probe, &run->rec,
      NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      tcs_announce_video_meta, NULL, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  bus = gst_element_get_bus (run->pipe);
  gst_bus_set_sync_handler (bus, run_bus_sync, run, NULL);
  gst_object_unref (bus);
  g_free (desc);

  if (clock)
    gst_pipeline_use_clock (GST_PIPELINE (run->pipe), clock);
  gst_element_set_state (run->pipe, GST_STATE_PLAYING);
}

guint
run_count (Run * run)
{
  guint n;

  g_mutex_lock (&run->rec.lock);
  n = run->rec.frames->len;
  g_mutex_unlock (&run->rec.lock);
  return n;
}

gchar *
run_wait (Run * run, GstClockTime timeout, guint * n_qos,
    guint64 * qos_dropped)
{
  gint64 end = g_get_monotonic_time () + timeout / GST_USECOND;
  gchar *error = NULL;

  for (;;) {
    gboolean done;

    g_mutex_lock (&run->rec.lock);
    done = run->eos || run->error != NULL;
    if (run->error)
      error = g_strdup (run->error);
    if (n_qos)
      *n_qos = run->n_qos;
    if (qos_dropped)
      *qos_dropped = run->qos_dropped;
    g_mutex_unlock (&run->rec.lock);

    if (done || g_get_monotonic_time () >= end)
      break;
    g_usleep (10000);
  }
  return error;
}

void
wait_frames_at (Run * run, guint n, gint line)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (run_count (run) < n) {
    gchar *error = NULL;

    g_mutex_lock (&run->rec.lock);
    if (run->error)
      error = g_strdup (run->error);
    g_mutex_unlock (&run->rec.lock);
    fail_unless (error == NULL, "line %d: error while waiting for %u "
        "frames: %s", line, n, error);
    fail_unless (g_get_monotonic_time () < end,
        "line %d: only %u of %u frames after 60 s", line, run_count (run), n);
    g_usleep (10000);
  }
}

GstStructure *
run_stats (Run * run)
{
  GstStructure *stats = NULL;

  g_object_get (run->src, "stats", &stats, NULL);
  return stats;
}

void
run_stop (Run * run)
{
  gst_element_set_state (run->pipe, GST_STATE_NULL);
  gst_object_unref (run->src);
  gst_object_unref (run->pipe);
  g_free (run->error);
  g_array_unref (run->rec.frames);
  gst_clear_caps (&run->rec.caps);
  g_mutex_clear (&run->rec.lock);
}

guint64
stat_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, name, &v), "no %s", name);
  return v;
}
