/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc under tcs-preload.so (LD_PRELOAD), against our driver in the
 * guest (tests/vm/run, virtual_channels=1):
 *
 *  - answers the drivers at hand never give, bent between the driver and
 *    the element: a VIDIOC_S_PARM that chose another rate or failed, a
 *    VIDIOC_S_FMT with a field order the element cannot describe, a
 *    VIDIOC_DQBUF of a buffer that was not queued. The caps must tell what
 *    the driver answered, and each failure must be a clear error; a
 *    VIDIOC_REQBUFS without V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS: a stop
 *    while an application holds a buffer says so;
 *  - what a frame costs in steady state, in every io mode, counted over
 *    300 frames: heap allocations, round trips of the element's object
 *    lock taken by the plugin, caps comparisons, and system calls (only
 *    poll, VIDIOC_DQBUF and VIDIOC_QBUF; mmap/munmap not even for a
 *    consumer that maps every dma-buf: KEEP_MAPPED).
 *
 * main() runs the program again with LD_PRELOAD set to TCS_PRELOAD_LIB
 * (meson sets it) and G_SLICE=always-malloc.
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-check.h"
#include "tcs-preload.h"
#include "tcs-v4l2.h"
#include "tcs-vgem.h"

/* The shim's control functions, found at run time. */
static struct
{
  void (*fault_s_parm) (int err, uint32_t num, uint32_t den);
  void (*fault_s_fmt_field) (int field);
  void (*fault_dqbuf_index) (int after);
  void (*fault_no_orphaning) (int on);
  void (*counting) (int on);
  uint64_t (*count) (enum TcsCount what);
  void (*watch_object) (void *object, void *mutex);
} shim;

static void
find_shim (void)
{
  shim.fault_s_parm = dlsym (RTLD_DEFAULT, "tcs_preload_fault_s_parm");
  shim.fault_s_fmt_field = dlsym (RTLD_DEFAULT,
      "tcs_preload_fault_s_fmt_field");
  shim.fault_dqbuf_index = dlsym (RTLD_DEFAULT,
      "tcs_preload_fault_dqbuf_index");
  shim.fault_no_orphaning = dlsym (RTLD_DEFAULT,
      "tcs_preload_fault_no_orphaning");
  shim.counting = dlsym (RTLD_DEFAULT, "tcs_preload_counting");
  shim.count = dlsym (RTLD_DEFAULT, "tcs_preload_count");
  shim.watch_object = dlsym (RTLD_DEFAULT, "tcs_preload_watch_object");
  fail_unless (shim.fault_s_parm && shim.fault_s_fmt_field &&
      shim.fault_dqbuf_index && shim.fault_no_orphaning && shim.counting && shim.count &&
      shim.watch_object, "tcs-preload.so is not loaded");
}

/* What a run ended with. */
typedef struct
{
  guint frames;
  GstClockTime duration;        /* of the last frame */
  GstCaps *caps;                /* negotiated */
  gchar *error;
  gchar *warning;               /* the source's first warning */
} Outcome;

static GstPadProbeReturn
note_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Outcome *o = user_data;

  o->frames++;
  o->duration = GST_BUFFER_DURATION (GST_PAD_PROBE_INFO_BUFFER (info));
  if (o->caps == NULL)
    o->caps = gst_pad_get_current_caps (pad);
  return GST_PAD_PROBE_OK;
}

/* Runs "tegracsisrc @props num-buffers=@frames ! @caps ! fakesink" to EOS
 * or the first error. */
static void
run (const gchar * props, const gchar * caps, guint frames, Outcome * o)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *desc;
  GstElement *pipe, *sink;
  GstMessage *msg;
  GstPad *pad;

  fail_unless (dev != NULL, "no tegra-csi-sg capture node");
  memset (o, 0, sizeof (*o));
  desc = g_strdup_printf ("tegracsisrc name=src device=%s num-buffers=%u %s "
      "! %s ! fakesink name=sink sync=false", dev, frames, props, caps);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, note_frame, o, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  for (;;) {
    GError *err = NULL;

    msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe),
        60 * GST_SECOND, GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
        GST_MESSAGE_EOS);
    fail_unless (msg != NULL, "neither EOS nor an error within 60 s");
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      gst_message_parse_warning (msg, &err, NULL);
      if (o->warning == NULL)
        o->warning = g_strdup (err->message);
      g_error_free (err);
      gst_message_unref (msg);
      continue;
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      gst_message_parse_error (msg, &err, NULL);
      o->error = g_strdup (err->message);
      g_error_free (err);
    }
    gst_message_unref (msg);
    break;
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (dev);
}

static void
outcome_clear (Outcome * o)
{
  gst_clear_caps (&o->caps);
  g_free (o->error);
  g_free (o->warning);
}

static void
caps_rate (GstCaps * caps, gint * n, gint * d)
{
  fail_unless (caps != NULL);
  fail_unless (gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
          "framerate", n, d));
}

#define BGRX "video/x-raw,format=BGRx,width=320,height=240"

/* The driver answers VIDIOC_S_PARM with another rate than asked (60/1,
 * the highest): the caps and the durations say the driver's. */
GST_START_TEST (test_rate_from_driver_answer)
{
  gint n, d;
  Outcome o;

  find_shim ();
  shim.fault_s_parm (0, 1, 15);
  run ("", BGRX, 5, &o);
  shim.fault_s_parm (0, 0, 0);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.frames, 5);
  caps_rate (o.caps, &n, &d);
  fail_unless (n == 15 && d == 1, "caps say %d/%d, the driver answered 15/1",
      n, d);
  fail_unless_equals_uint64 (o.duration, GST_SECOND / 15);
  outcome_clear (&o);
}

GST_END_TEST;

/* VIDIOC_S_PARM fails: a warning says so, the caps carry the rate the
 * device runs at (VIDIOC_G_PARM). */
GST_START_TEST (test_rate_refused_posted)
{
  struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  struct v4l2_capability cap;
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *want;
  gint fd, n, d;
  Outcome o;

  find_shim ();
  shim.fault_s_parm (EINVAL, 0, 0);
  run ("", BGRX ",framerate=60/1", 5, &o);
  shim.fault_s_parm (0, 0, 0);
  fd = open_node (dev, &cap);
  fail_unless (fd >= 0);
  fail_unless (ioctl (fd, VIDIOC_G_PARM, &parm) == 0);
  close (fd);

  want = g_strdup_printf ("Device '%s' did not take 60/1 frames per second "
      "(VIDIOC_S_PARM: %s).", dev, g_strerror (EINVAL));
  fail_unless_equals_string (o.warning, want);
  g_free (want);
  /* downstream wants 60/1, the device runs at another rate: refused */
  if (parm.parm.capture.timeperframe.denominator !=
      60 * parm.parm.capture.timeperframe.numerator) {
    fail_unless (o.error != NULL);
    fail_unless (strstr (o.error, "framerate") != NULL, "%s", o.error);
  } else {
    caps_rate (o.caps, &n, &d);
    fail_unless (n == 60 && d == 1);
  }
  outcome_clear (&o);

  /* without a rate from downstream the caps take the device's */
  shim.fault_s_parm (EINVAL, 0, 0);
  run ("", BGRX, 5, &o);
  shim.fault_s_parm (0, 0, 0);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless (o.warning != NULL);
  caps_rate (o.caps, &n, &d);
  fail_unless ((guint64) n * parm.parm.capture.timeperframe.numerator ==
      (guint64) d * parm.parm.capture.timeperframe.denominator,
      "caps %d/%d, the device runs at %u/%u", n, d,
      parm.parm.capture.timeperframe.denominator,
      parm.parm.capture.timeperframe.numerator);
  outcome_clear (&o);
  g_free (dev);
}

GST_END_TEST;

/* A field order the element cannot describe (one field per buffer) is
 * refused with its own error. */
GST_START_TEST (test_field_order_refused)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *want;
  Outcome o;

  find_shim ();
  shim.fault_s_fmt_field (V4L2_FIELD_ALTERNATE);
  run ("", BGRX, 5, &o);
  shim.fault_s_fmt_field (-1);
  want = g_strdup_printf ("Device '%s' delivers its frames as V4L2 field "
      "order 'alternate' (one field per buffer or fields one after the "
      "other): this element delivers progressive frames and frames with "
      "both fields interleaved only.", dev);
  fail_unless_equals_string (o.error, want);
  fail_unless_equals_int (o.frames, 0);
  g_free (want);
  outcome_clear (&o);
  g_free (dev);
}

GST_END_TEST;

/* VIDIOC_DQBUF answers a buffer that is not queued: an error, in the
 * element's own pool (mmap) and in the import queue (userptr). */
GST_START_TEST (test_dqbuf_index_not_queued)
{
  static const gchar *modes[] = { "io-mode=mmap", "io-mode=userptr" };
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *want = g_strdup_printf ("Device '%s' returned buffer ", dev);
  guint i;

  find_shim ();
  for (i = 0; i < G_N_ELEMENTS (modes); i++) {
    Outcome o;

    shim.fault_dqbuf_index (5);
    run (modes[i], BGRX, 20, &o);
    shim.fault_dqbuf_index (-1);
    fail_unless (o.error != NULL, "%s: no error", modes[i]);
    fail_unless (g_str_has_prefix (o.error, want) &&
        g_str_has_suffix (o.error, ", which was not queued to it."),
        "%s: %s", modes[i], o.error);
    fail_unless_equals_int (o.frames, 5);
    outcome_clear (&o);
  }
  g_free (want);
  g_free (dev);
}

GST_END_TEST;

/* ---- a driver that cannot orphan its buffers ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint frames;
  gboolean hold;                /* keep frame 3 */
  GstBuffer *held;              /* frame 3, kept by the test */
  GPtrArray *warnings;          /* the source's warning messages */
  GPtrArray *errors;
} Holder;

static GstPadProbeReturn
hold_frame (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  Holder *h = user_data;

  g_mutex_lock (&h->lock);
  if (++h->frames == 3 && h->hold)
    h->held = gst_buffer_ref (GST_PAD_PROBE_INFO_BUFFER (info));
  g_cond_broadcast (&h->cond);
  g_mutex_unlock (&h->lock);
  return GST_PAD_PROBE_OK;
}

/* Records warnings and errors as they are posted (the bus of a pipeline
 * in NULL drops what is queued). */
static GstBusSyncReply
record_message (G_GNUC_UNUSED GstBus * bus, GstMessage * msg,
    gpointer user_data)
{
  Holder *h = user_data;
  GError *err = NULL;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
    gst_message_parse_warning (msg, &err, NULL);
  else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, NULL);
  if (err) {
    g_mutex_lock (&h->lock);
    g_ptr_array_add (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING ?
        h->warnings : h->errors, g_strdup (err->message));
    g_mutex_unlock (&h->lock);
    g_error_free (err);
  }
  return GST_BUS_PASS;
}

static void
wait_held_frames (Holder * h, guint n)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_mutex_lock (&h->lock);
  while (h->frames < n && h->errors->len == 0)
    if (!g_cond_wait_until (&h->cond, &h->lock, end))
      break;
  g_mutex_unlock (&h->lock);
  fail_unless (h->errors->len == 0, "%s", h->errors->len ?
      (gchar *) g_ptr_array_index (h->errors, 0) : "");
  fail_unless (h->frames >= n, "%u frames of %u within 60 s", h->frames, n);
}

/* The driver says it cannot orphan buffers (no
 * V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS): PLAYING -> NULL while the test
 * holds and maps a buffer posts one warning that downstream still holds
 * 1 buffer; the buffer stays its frame; once it is released, PLAYING
 * again captures with no error. */
GST_START_TEST (test_no_orphaning_says_held)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *desc, *want;
  GstElement *pipe, *sink;
  GstVideoMeta *meta;
  GstMapInfo map;
  GstPad *pad;
  Holder h = { 0 };
  GstBus *bus;
  gsize bad;
  guint i, n_said = 0;

  fail_unless (dev != NULL, "no tegra-csi-sg capture node");
  find_shim ();
  g_mutex_init (&h.lock);
  g_cond_init (&h.cond);
  h.warnings = g_ptr_array_new_with_free_func (g_free);
  h.errors = g_ptr_array_new_with_free_func (g_free);
  desc = g_strdup_printf ("tegracsisrc name=src device=%s io-mode=mmap "
      "! " BGRX " ! fakesink name=sink sync=false", dev);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  bus = gst_element_get_bus (pipe);
  gst_bus_set_sync_handler (bus, record_message, &h, NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, hold_frame, &h, NULL);

  shim.fault_no_orphaning (1);
  h.hold = TRUE;
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  wait_held_frames (&h, 6);
  fail_unless (h.held != NULL);
  fail_unless (gst_buffer_map (h.held, &map, GST_MAP_READ));
  gst_element_set_state (pipe, GST_STATE_NULL);

  want = g_strdup_printf ("Downstream still holds 1 buffer of device '%s'",
      dev);
  for (i = 0; i < h.warnings->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (h.warnings, i), want))
      n_said++;
  fail_unless_equals_int (n_said, 1);
  fail_unless_equals_int (h.errors->len, 0);
  meta = gst_buffer_get_video_meta (h.held);
  fail_unless (meta != NULL);
  bad = counter_mismatches (map.data, map.size, meta->stride[0], 0,
      meta->height, (guint32) GST_BUFFER_OFFSET (h.held));
  fail_unless (bad == 0, "the held frame changed (%" G_GSIZE_FORMAT
      " bytes)", bad);
  gst_buffer_unmap (h.held, &map);
  gst_clear_buffer (&h.held);

  /* released: the queue ended, the device is free again */
  g_mutex_lock (&h.lock);
  h.frames = 0;
  h.hold = FALSE;
  g_mutex_unlock (&h.lock);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_held_frames (&h, 5);
  gst_element_set_state (pipe, GST_STATE_NULL);
  shim.fault_no_orphaning (0);
  fail_unless_equals_int (h.errors->len, 0);

  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_ptr_array_unref (h.warnings);
  g_ptr_array_unref (h.errors);
  g_mutex_clear (&h.lock);
  g_cond_clear (&h.cond);
  g_free (want);
  g_free (desc);
  g_free (dev);
}

GST_END_TEST;

/* ---- what a frame costs ---- */

#define WARMUP 30
#define WINDOW 300

static const gchar *io_modes[] = { "mmap", "dmabuf", "dmabuf-import",
  "userptr"
};

typedef struct
{
  GMutex lock;
  GCond cond;
  guint frames;
  gboolean map;                 /* map every frame, as a CPU consumer does */
} Sink;

static GstPadProbeReturn
sink_frame (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  Sink *sink = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (sink->map && gst_buffer_map (buf, &map, GST_MAP_READ))
    gst_buffer_unmap (buf, &map);
  g_mutex_lock (&sink->lock);
  sink->frames++;
  g_cond_signal (&sink->cond);
  g_mutex_unlock (&sink->lock);
  return GST_PAD_PROBE_OK;
}

/* Waits until @n frames reached the sink, at most 120 s; returns how
 * many did. Allocates nothing (not even check's fail_unless, which
 * records its place): the caller checks the count. */
static guint
wait_sink (Sink * sink, guint n)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  guint got;

  g_mutex_lock (&sink->lock);
  while (sink->frames < n && g_cond_wait_until (&sink->cond, &sink->lock,
          end));
  got = sink->frames;
  g_mutex_unlock (&sink->lock);
  return got;
}

static guint64
dropped_now (GstElement * src)
{
  GstStructure *s = NULL;
  guint64 v = 0;

  g_object_get (src, "stats", &s, NULL);
  gst_structure_get_uint64 (s, "dropped", &v);
  gst_structure_free (s);
  return v;
}

/* Counts what 300 frames cost in steady state in io mode @__i__, after 30
 * frames to get there. In dmabuf mode the sink maps every frame. */
GST_START_TEST (test_cost_per_frame)
{
  const gchar *io_mode = io_modes[__i__];
  gboolean import = g_str_equal (io_mode, "dmabuf-import") ||
      g_str_equal (io_mode, "userptr");
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  guint64 c[TCS_N_COUNTS], drops;
  GstElement *pipe, *src, *fsink;
  Sink sink = { 0 };
  guint from, frames, i;
  gchar *desc;
  GstPad *pad;

  find_shim ();
  g_mutex_init (&sink.lock);
  g_cond_init (&sink.cond);
  sink.map = g_str_equal (io_mode, "dmabuf");
  desc = g_strdup_printf ("tegracsisrc name=src device=%s io-mode=%s ! "
      BGRX ",framerate=30/1 ! fakesink name=sink sync=false", dev, io_mode);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  fsink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  if (g_str_equal (io_mode, "dmabuf-import"))
    tcs_vgem_offer_pools (fsink);
  pad = gst_element_get_static_pad (fsink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, sink_frame, &sink, NULL);
  gst_object_unref (pad);
  shim.watch_object (src, GST_OBJECT_GET_LOCK (src));
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);

  from = wait_sink (&sink, WARMUP);
  fail_unless (from >= WARMUP, "%u of %u frames within 120 s", from, WARMUP);
  drops = dropped_now (src);
  shim.counting (1);
  frames = wait_sink (&sink, from + WINDOW) - from;
  shim.counting (0);
  fail_unless (frames >= WINDOW, "%u of %u frames within 120 s", frames,
      WINDOW);
  for (i = 0; i < TCS_N_COUNTS; i++)
    c[i] = shim.count (i);
  drops = dropped_now (src) - drops;

  g_print ("io-mode=%s, %u frames (%" G_GUINT64_FORMAT " dropped by the "
      "driver): %" G_GUINT64_FORMAT " allocations, %" G_GUINT64_FORMAT
      " element-lock round trips by the plugin (%" G_GUINT64_FORMAT " more "
      "by GStreamer), %" G_GUINT64_FORMAT " caps comparisons; poll %"
      G_GUINT64_FORMAT ", DQBUF %" G_GUINT64_FORMAT ", QBUF %"
      G_GUINT64_FORMAT ", other ioctls %" G_GUINT64_FORMAT ", "
      "DMA_BUF_IOCTL_SYNC %" G_GUINT64_FORMAT ", mmap %" G_GUINT64_FORMAT
      ", munmap %" G_GUINT64_FORMAT ", read/write %" G_GUINT64_FORMAT "\n",
      io_mode, frames, drops, c[TCS_ALLOC], c[TCS_LOCK], c[TCS_LOCK_OTHERS],
      c[TCS_CAPS], c[TCS_POLL], c[TCS_DQBUF], c[TCS_QBUF],
      c[TCS_IOCTL_OTHER], c[TCS_DMABUF_SYNC], c[TCS_MMAP], c[TCS_MUNMAP],
      c[TCS_READ_WRITE]);

  gst_element_set_state (pipe, GST_STATE_NULL);

  /* a drop posts a QoS message (allocations); none expected otherwise */
  fail_unless (c[TCS_ALLOC] == 0 || drops > 0, "%" G_GUINT64_FORMAT
      " allocations in %u frames", c[TCS_ALLOC], frames);
  fail_unless (c[TCS_LOCK] <= frames + drops + 1, "%" G_GUINT64_FORMAT
      " element-lock round trips in %u frames", c[TCS_LOCK], frames);
  fail_unless_equals_uint64 (c[TCS_CAPS], 0);
  fail_unless_equals_uint64 (c[TCS_IOCTL_OTHER], 0);
  fail_unless_equals_uint64 (c[TCS_MMAP], 0);
  fail_unless_equals_uint64 (c[TCS_MUNMAP], 0);
  /* at most one of each per frame (the window's edges: one more) */
  fail_unless (c[TCS_DQBUF] <= frames + drops + 1);
  fail_unless (c[TCS_POLL] <= frames + drops + 1);
  fail_unless (c[TCS_QBUF] <= frames + drops + 1);
  /* the other pool's free list (stock GstBufferPool: an eventfd written
   * when it gets a buffer back, read when it hands out its last) */
  if (import)
    fail_unless (c[TCS_READ_WRITE] <= 2 * (frames + 1));
  else
    fail_unless_equals_uint64 (c[TCS_READ_WRITE], 0);
  /* a CPU consumer's map: the two syncs the caches need, no more */
  if (sink.map)
    fail_unless (c[TCS_DMABUF_SYNC] <= 2 * (frames + 1));

  gst_object_unref (fsink);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_mutex_clear (&sink.lock);
  g_cond_clear (&sink.cond);
  g_free (desc);
  g_free (dev);
}

GST_END_TEST;

static Suite *
preload_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-preload");
  TCase *tc = tcase_create ("preload");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_rate_from_driver_answer);
  tcase_add_test (tc, test_rate_refused_posted);
  tcase_add_test (tc, test_field_order_refused);
  tcase_add_test (tc, test_dqbuf_index_not_queued);
  tcase_add_test (tc, test_no_orphaning_says_held);
  tcase_add_loop_test (tc, test_cost_per_frame, 0, G_N_ELEMENTS (io_modes));
  suite_add_tcase (s, tc);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *lib = g_getenv ("TCS_PRELOAD_LIB");

  if (g_getenv ("TCS_PRELOADED") == NULL) {
    if (lib == NULL) {
      g_printerr ("TCS_PRELOAD_LIB is not set\n");
      return 1;
    }
    g_setenv ("LD_PRELOAD", lib, TRUE);
    g_setenv ("G_SLICE", "always-malloc", TRUE);
    g_setenv ("TCS_PRELOADED", "1", TRUE);
    execv ("/proc/self/exe", argv);
    g_printerr ("cannot run again with %s: %s\n", lib, g_strerror (errno));
    return 1;
  }

  gst_check_init (&argc, &argv);
  return tcs_check_run_suite (preload_suite (), "tegracsisrc-preload");
}
