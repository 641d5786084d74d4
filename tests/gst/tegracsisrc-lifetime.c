/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How long a frame stays what it is, against our driver in the guest
 * (tests/vm/run --with vgem, virtual_channels=1), in every io mode:
 *
 *  - memory lifetime: a memory kept alive past its buffer (by a shallow
 *    copy of the buffer, or by an application's gst_memory_ref()) still
 *    holds its frame, byte for byte (the counter pattern of its sequence
 *    number), after 30 more frames: the driver must not get that memory
 *    back while it can be read;
 *  - a new format (a size change with the sink's last-sample on) and
 *    PLAYING -> NULL -> PLAYING both work while a buffer is held, with no
 *    error, no warning and no ioctl on a closed fd (no "Bad file
 *    descriptor" in the element's log); the held buffer stays mapped and
 *    keeps its frame.
 *
 * Written in C: when a buffer returns to its pool is what is tested, and
 * Python GI keeps references of its own.
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include <errno.h>
#include <string.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-check.h"
#include "tcs-v4l2.h"
#include "tcs-vgem.h"

#define WIDTH 320
#define HEIGHT 240
#define STRIDE (WIDTH * 4)      /* BGRx: no padding at this width */
#define MORE_FRAMES 30

static const gchar *io_modes[] = { "mmap", "dmabuf", "dmabuf-import",
  "userptr"
};

/* What the sink's probe keeps of one frame. */
typedef struct
{
  GMutex lock;
  GCond cond;
  guint frames;                 /* frames that reached the sink */
  guint hold_at;                /* keep something of this one (1-based) */
  gboolean by_memory;           /* a GstMemory reference, else a shallow copy */
  gboolean by_ref;              /* a reference to the buffer itself */
  GstBuffer *copy;              /* the copy or the buffer */
  GstMemory *mem;
  guint32 seq;
} Holder;

static GstPadProbeReturn
hold_probe (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  Holder *h = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  g_mutex_lock (&h->lock);
  h->frames++;
  if (h->frames == h->hold_at) {
    h->seq = GST_BUFFER_OFFSET (buf);
    if (h->by_memory)
      h->mem = gst_memory_ref (gst_buffer_peek_memory (buf, 0));
    else if (h->by_ref)
      h->copy = gst_buffer_ref (buf);
    else
      h->copy = gst_buffer_copy (buf);  /* shares the memories */
  }
  g_cond_broadcast (&h->cond);
  g_mutex_unlock (&h->lock);
  return GST_PAD_PROBE_OK;
}

/* Waits until @n frames reached the sink; fails after 60 s or on an
 * error message. */
static void
wait_sink_frames (Holder * h, GstElement * pipe, guint n)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GstMessage *msg;

  g_mutex_lock (&h->lock);
  while (h->frames < n) {
    if (!g_cond_wait_until (&h->cond, &h->lock, MIN (end,
                g_get_monotonic_time () + G_USEC_PER_SEC / 10)) &&
        g_get_monotonic_time () >= end)
      break;
    msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipe), GST_MESSAGE_ERROR);
    if (msg) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_mutex_unlock (&h->lock);
      fail ("error while waiting for %u frames: %s", n, err->message);
    }
  }
  fail_unless (h->frames >= n, "only %u of %u frames after 60 s", h->frames,
      n);
  g_mutex_unlock (&h->lock);
}

/* "tegracsisrc io-mode=@io_mode ! BGRx 320x240 ! fakesink", with a vgem
 * pool for dmabuf-import, and @probe on the sink pad. */
static GstElement *
start_pipeline (const gchar * io_mode, const gchar * props,
    GstPadProbeCallback probe, gpointer user_data, GstElement ** src)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  GstElement *pipe, *sink;
  GstPad *pad;
  gchar *desc;

  fail_unless (dev != NULL, "no tegra-csi-sg capture node");
  desc = g_strdup_printf ("tegracsisrc name=src device=%s io-mode=%s "
      "extra-controls=\"c,test_pattern=0\" %s ! capsfilter name=filter "
      "caps=video/x-raw,format=BGRx,width=%d,height=%d,framerate=30/1 ! "
      "fakesink name=sink sync=false",
      dev, io_mode, props, WIDTH, HEIGHT);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  if (g_str_equal (io_mode, "dmabuf-import"))
    tcs_vgem_offer_pools (sink);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, probe, user_data, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  *src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  g_free (desc);
  g_free (dev);
  return pipe;
}

static guint64
stat_u64 (GstElement * src, const gchar * name)
{
  GstStructure *s = NULL;
  guint64 v = G_MAXUINT64;

  g_object_get (src, "stats", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, name, &v), "no %s", name);
  gst_structure_free (s);
  return v;
}

/* Holds something of frame 5, lets 30 more frames through, then checks
 * that what is held is still frame 5. */
static void
check_held_frame (const gchar * io_mode, gboolean by_memory)
{
  gboolean pool_mode = g_str_equal (io_mode, "mmap") ||
      g_str_equal (io_mode, "dmabuf");
  Holder h = { 0 };
  GstElement *pipe, *src;
  GstMapInfo map;
  gsize bad;

  g_mutex_init (&h.lock);
  g_cond_init (&h.cond);
  h.hold_at = 5;
  h.by_memory = by_memory;
  pipe = start_pipeline (io_mode, "", hold_probe, &h, &src);
  wait_sink_frames (&h, pipe, h.hold_at + MORE_FRAMES);

  if (by_memory)
    fail_unless (gst_memory_map (h.mem, &map, GST_MAP_READ));
  else
    fail_unless (gst_buffer_map (h.copy, &map, GST_MAP_READ));
  bad = counter_mismatches (map.data, map.size, STRIDE, 0, HEIGHT, h.seq);
  GST_INFO ("%s, %s: frame %u, %" G_GSIZE_FORMAT " bytes changed", io_mode,
      by_memory ? "memory reference" : "shallow copy", h.seq, bad);
  fail_unless (bad == 0, "io-mode=%s: the %s of frame %u was overwritten "
      "(%" G_GSIZE_FORMAT " of %d bytes differ) while it was held", io_mode,
      by_memory ? "memory kept with gst_memory_ref()" : "shallow copy",
      h.seq, bad, STRIDE * HEIGHT);
  if (by_memory) {
    gst_memory_unmap (h.mem, &map);
    gst_memory_unref (h.mem);
  } else {
    gst_buffer_unmap (h.copy, &map);
    gst_buffer_unref (h.copy);
  }

  /* the buffer goes back to the driver once dropped: streaming goes on */
  wait_sink_frames (&h, pipe, h.hold_at + MORE_FRAMES + 10);
  /* its return waited for the memory (in the import modes the stock pool
   * discards a buffer that is in a second buffer, so only an application's
   * memory reference makes it wait) */
  if (pool_mode || by_memory)
    fail_unless (stat_u64 (src, "delayed-returns") >= 1,
        "no return counted as delayed");

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_mutex_clear (&h.lock);
  g_cond_clear (&h.cond);
}

GST_START_TEST (test_shallow_copy_keeps_frame)
{
  check_held_frame (io_modes[__i__], FALSE);
}

GST_END_TEST;

GST_START_TEST (test_memory_ref_keeps_frame)
{
  check_held_frame (io_modes[__i__], TRUE);
}

GST_END_TEST;

/* ---- a new format and a restart while a buffer is held ---- */

static gint bad_fd_logs;

/* Counts the element's log lines that report an ioctl on a closed fd. */
static void
watch_log (G_GNUC_UNUSED GstDebugCategory * category, GstDebugLevel level,
    G_GNUC_UNUSED const gchar * file, G_GNUC_UNUSED const gchar * function,
    G_GNUC_UNUSED gint line, G_GNUC_UNUSED GObject * object,
    GstDebugMessage * message, G_GNUC_UNUSED gpointer user_data)
{
  const gchar *text = gst_debug_message_get (message);

  if (level <= GST_LEVEL_WARNING && text &&
      strstr (text, g_strerror (EBADF)) != NULL) {
    g_printerr ("logged: %s\n", text);
    g_atomic_int_inc (&bad_fd_logs);
  }
}

static void
watch_log_start (void)
{
  g_atomic_int_set (&bad_fd_logs, 0);
  gst_debug_set_threshold_for_name ("tegracsi-*", GST_LEVEL_WARNING);
  gst_debug_add_log_function (watch_log, NULL, NULL);
}

static void
watch_log_stop (void)
{
  gst_debug_remove_log_function (watch_log);
  fail_unless_equals_int (g_atomic_int_get (&bad_fd_logs), 0);
}

/* Fails on any error or warning message posted so far. */
static void
check_no_message (GstElement * pipe)
{
  GstMessage *msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipe),
      GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);

  if (msg) {
    GError *err = NULL;

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &err, NULL);
    else
      gst_message_parse_warning (msg, &err, NULL);
    fail ("%s: %s", GST_MESSAGE_TYPE_NAME (msg), err->message);
  }
}

/* Frames that reached the sink, and the width of the last one's caps. */
typedef struct
{
  Holder h;
  gint width;
} Counter;

static GstPadProbeReturn
count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Counter *c = user_data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstStructure *s = gst_caps_get_structure (caps, 0);

  g_mutex_lock (&c->h.lock);
  gst_structure_get_int (s, "width", &c->width);
  g_mutex_unlock (&c->h.lock);
  gst_caps_unref (caps);
  return hold_probe (pad, info, &c->h);
}

/* The frame of @buf (held and mapped as @map) is still its own. */
static void
check_intact (GstBuffer * buf, GstMapInfo * map, const gchar * what)
{
  gsize bad = counter_mismatches (map->data, map->size, STRIDE, 0, HEIGHT,
      GST_BUFFER_OFFSET (buf));

  fail_unless (bad == 0, "%s: the held frame %" G_GUINT64_FORMAT " changed "
      "(%" G_GSIZE_FORMAT " bytes)", what, GST_BUFFER_OFFSET (buf), bad);
}

/* The sink's last-sample holds a buffer (and so do we) while the size
 * changes from 320x240 to 256x192. */
GST_START_TEST (test_new_size_with_last_sample)
{
  const gchar *io_mode = io_modes[__i__];
  GstElement *pipe, *src, *sink, *filter;
  GstSample *sample = NULL;
  GstBuffer *held;
  GstMapInfo map;
  GstCaps *caps;
  Counter c;
  guint n;

  memset (&c, 0, sizeof (c));
  g_mutex_init (&c.h.lock);
  g_cond_init (&c.h.cond);
  watch_log_start ();
  pipe = start_pipeline (io_mode, "", count_probe, &c, &src);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  g_object_set (sink, "enable-last-sample", TRUE, NULL);
  wait_sink_frames (&c.h, pipe, 5);

  g_object_get (sink, "last-sample", &sample, NULL);
  fail_unless (sample != NULL);
  held = gst_buffer_ref (gst_sample_get_buffer (sample));
  gst_sample_unref (sample);
  fail_unless (gst_buffer_map (held, &map, GST_MAP_READ));

  filter = gst_bin_get_by_name (GST_BIN (pipe), "filter");
  caps = gst_caps_from_string ("video/x-raw,format=BGRx,width=256,"
      "height=192,framerate=30/1");
  g_mutex_lock (&c.h.lock);
  n = c.h.frames;
  g_mutex_unlock (&c.h.lock);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);

  /* frames of the new size arrive */
  for (;;) {
    gint width;

    wait_sink_frames (&c.h, pipe, n + 1);
    g_mutex_lock (&c.h.lock);
    width = c.width;
    n = c.h.frames;
    g_mutex_unlock (&c.h.lock);
    if (width == 256)
      break;
  }
  wait_sink_frames (&c.h, pipe, n + 5);
  check_no_message (pipe);
  check_intact (held, &map, io_mode);
  gst_buffer_unmap (held, &map);
  gst_buffer_unref (held);

  gst_element_set_state (pipe, GST_STATE_NULL);
  check_no_message (pipe);
  watch_log_stop ();
  gst_object_unref (filter);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_mutex_clear (&c.h.lock);
  g_cond_clear (&c.h.cond);
}

GST_END_TEST;

/* An application holds (and maps) a buffer across PLAYING -> NULL ->
 * PLAYING. */
GST_START_TEST (test_restart_with_held_buffer)
{
  const gchar *io_mode = io_modes[__i__];
  GstElement *pipe, *src;
  Holder h = { 0 };
  GstMapInfo map;
  GstBuffer *held;

  g_mutex_init (&h.lock);
  g_cond_init (&h.cond);
  watch_log_start ();
  h.hold_at = 3;
  h.by_ref = TRUE;
  pipe = start_pipeline (io_mode, "", hold_probe, &h, &src);
  wait_sink_frames (&h, pipe, 5);
  g_mutex_lock (&h.lock);
  held = h.copy;
  h.copy = NULL;
  g_mutex_unlock (&h.lock);
  fail_unless (held != NULL);
  fail_unless (gst_buffer_map (held, &map, GST_MAP_READ));

  gst_element_set_state (pipe, GST_STATE_NULL);
  g_mutex_lock (&h.lock);
  h.frames = 0;
  h.hold_at = 0;
  g_mutex_unlock (&h.lock);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_sink_frames (&h, pipe, 10);
  check_no_message (pipe);
  check_intact (held, &map, io_mode);

  gst_element_set_state (pipe, GST_STATE_NULL);
  check_intact (held, &map, io_mode);
  gst_buffer_unmap (held, &map);
  gst_buffer_unref (held);
  check_no_message (pipe);
  watch_log_stop ();
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_mutex_clear (&h.lock);
  g_cond_clear (&h.cond);
}

GST_END_TEST;

static Suite *
lifetime_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-lifetime");
  TCase *tc = tcase_create ("lifetime");

  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_shallow_copy_keeps_frame, 0,
      G_N_ELEMENTS (io_modes));
  tcase_add_loop_test (tc, test_memory_ref_keeps_frame, 0,
      G_N_ELEMENTS (io_modes));
  tcase_add_loop_test (tc, test_new_size_with_last_sample, 0,
      G_N_ELEMENTS (io_modes));
  tcase_add_loop_test (tc, test_restart_with_held_buffer, 0,
      G_N_ELEMENTS (io_modes));
  suite_add_tcase (s, tc);
  return s;
}

TCS_CHECK_MAIN (lifetime);
