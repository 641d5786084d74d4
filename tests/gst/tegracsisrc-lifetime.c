/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How long a frame stays what it is, against our driver in the guest
 * (tests/vm/run --with vgem, virtual_channels=1), in every io mode:
 *
 *  - memory lifetime: a memory kept alive past its buffer (by a shallow
 *    copy of the buffer, or by an application's gst_memory_ref()) still
 *    holds its frame, byte for byte (the counter pattern of its sequence
 *    number), after 30 more frames: the driver must not get that memory
 *    back while it can be read.
 *
 * Written in C: when a buffer returns to its pool is what is tested, and
 * Python GI keeps references of its own.
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include <linux/tegra-csi-sg.h>

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
  GstBuffer *copy;
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
      "extra-controls=\"c,test_pattern=0\" %s ! video/x-raw,format=BGRx,"
      "width=%d,height=%d,framerate=30/1 ! fakesink name=sink sync=false",
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
  bad = counter_mismatches (map.data, map.size, STRIDE, HEIGHT, h.seq);
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
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (lifetime);
