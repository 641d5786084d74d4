/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc io-mode=dmabuf-import and userptr refusing buffers that do not
 * fit, against our driver in the guest (tests/vm/run --with vgem,
 * virtual_channels=1). An application answers the ALLOCATION query on the
 * appsink's pad with a pool of its own that is wrong in one way; the
 * element must fail at once with the error naming that cause (compared by
 * text), capture nothing into it, and leak nothing (leaks tracer).
 *
 * The working combinations, with content and identity checks, are in
 * tests/zerocopy/; the malloc example in examples/.
 */
#include <gst/check/gstcheck.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-check.h"
#include "tcs-v4l2.h"
#include "tcs-vgem.h"

#define WIDTH 320
#define HEIGHT 240
#define SIZEIMAGE (WIDTH * 4 * HEIGHT)  /* BGRx, no padding */

/* ---- a pool that is wrong on purpose ---- */

typedef enum
{
  BAD_SMALL_SYSMEM,             /* user memory of half the size */
  BAD_STRIDE,                   /* user memory with another stride */
  BAD_SMALL_DMABUF,             /* vgem dma-bufs of half the size */
} Badness;

typedef struct
{
  GstBufferPool parent;
  Badness bad;
  gint drm_fd;
  GstAllocator *dmabuf;
} BadPool;

typedef GstBufferPoolClass BadPoolClass;

GType bad_pool_get_type (void);
G_DEFINE_TYPE (BadPool, bad_pool, GST_TYPE_BUFFER_POOL);

static GstFlowReturn
bad_pool_alloc (GstBufferPool * pool, GstBuffer ** out,
    G_GNUC_UNUSED GstBufferPoolAcquireParams * params)
{
  BadPool *self = (BadPool *) pool;
  GstBuffer *buf = gst_buffer_new ();

  switch (self->bad) {
    case BAD_SMALL_SYSMEM:
      gst_buffer_append_memory (buf, gst_allocator_alloc (NULL, SIZEIMAGE / 2,
              NULL));
      break;
    case BAD_STRIDE:{
      gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
      gint stride[GST_VIDEO_MAX_PLANES] = { WIDTH * 4 + 256 };

      gst_buffer_append_memory (buf, gst_allocator_alloc (NULL,
              stride[0] * HEIGHT, NULL));
      gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
          GST_VIDEO_FORMAT_BGRx, WIDTH, HEIGHT, 1, offset, stride);
      break;
    }
    case BAD_SMALL_DMABUF:
      gst_buffer_append_memory (buf, tcs_vgem_dmabuf (self->drm_fd,
              self->dmabuf, SIZEIMAGE / 2));
      break;
  }
  *out = buf;
  return GST_FLOW_OK;
}

static void
bad_pool_finalize (GObject * object)
{
  BadPool *self = (BadPool *) object;

  if (self->drm_fd >= 0)
    close (self->drm_fd);
  gst_clear_object (&self->dmabuf);
  G_OBJECT_CLASS (bad_pool_parent_class)->finalize (object);
}

static void
bad_pool_class_init (BadPoolClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = bad_pool_finalize;
  klass->alloc_buffer = bad_pool_alloc;
}

static void
bad_pool_init (BadPool * self)
{
  self->drm_fd = -1;
}

static GstBufferPool *
bad_pool_new (Badness bad)
{
  BadPool *self = g_object_new (bad_pool_get_type (), NULL);

  gst_object_ref_sink (self);
  self->bad = bad;
  if (bad == BAD_SMALL_DMABUF) {
    self->drm_fd = tcs_vgem_open ();
    fail_unless (self->drm_fd >= 0, "no vgem device (run with --with vgem)");
    self->dmabuf = gst_dmabuf_allocator_new ();
  }
  return GST_BUFFER_POOL (self);
}

/* ---- the pipeline ---- */


static GstPadProbeReturn
answer_allocation (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstBufferPool *pool = user_data;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;
  gst_query_add_allocation_pool (query, pool, SIZEIMAGE, 4, 4);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return GST_PAD_PROBE_HANDLED;
}

static guint frames_received;

static GstPadProbeReturn
count_buffer (G_GNUC_UNUSED GstPad * pad, G_GNUC_UNUSED GstPadProbeInfo * info,
    G_GNUC_UNUSED gpointer user_data)
{
  frames_received++;
  return GST_PAD_PROBE_OK;
}

/* Runs io-mode=@io_mode into @pool (NULL: no pool offered); returns the
 * first error's message, domain and code. */
static gchar *
first_error (const gchar * io_mode, GstBufferPool * pool, GQuark * domain,
    gint * code)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *desc, *text = NULL;
  GstElement *pipe, *sink;
  GstMessage *msg;
  GstPad *pad;
  GError *err = NULL;
  GstBus *bus;

  fail_unless (dev != NULL, "no tegra-csi-sg capture node");
  desc = g_strdup_printf ("tegracsisrc device=%s io-mode=%s num-buffers=4 "
      "capture-buffers=4 ! video/x-raw,format=BGRx,width=%d,height=%d,"
      "framerate=15/1 ! appsink name=sink sync=false", dev, io_mode, WIDTH,
      HEIGHT);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  if (pool)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
        answer_allocation, gst_object_ref (pool), gst_object_unref);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, NULL,
      NULL);
  frames_received = 0;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipe);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "neither error nor EOS within 60 s");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    text = g_strdup (err->message);
    *domain = err->domain;
    *code = err->code;
    g_error_free (err);
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);

  /* nothing was captured into what was refused */
  fail_unless_equals_int (frames_received, 0);

  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (dev);
  fail_unless (text != NULL, "io-mode=%s ran instead of failing", io_mode);
  GST_INFO ("error: %s", text);
  return text;
}

/* Runs io-mode=@io_mode into @pool (NULL: none offered; taken) and checks
 * that the element refuses it with @want (taken), @want_domain and
 * @want_code. */
static void
check_refusal (const gchar * io_mode, GstBufferPool * pool, gchar * want,
    GQuark want_domain, gint want_code)
{
  GQuark domain;
  gint code;
  gchar *m = first_error (io_mode, pool, &domain, &code);

  fail_unless_equals_string (m, want);
  fail_unless (domain == want_domain);
  fail_unless_equals_int (code, want_code);
  g_free (m);
  g_free (want);
  if (pool)
    gst_object_unref (pool);
}

GST_START_TEST (test_dmabuf_import_without_pool)
{
  check_refusal ("dmabuf-import", NULL,
      g_strdup ("io-mode=dmabuf-import captures into downstream's dma-bufs, "
          "but downstream offers no buffer pool. Use io-mode=dmabuf, or a "
          "downstream that offers dma-buf buffers (v4l2 elements with "
          "io-mode=dmabuf, kmssink, or an application answering the "
          "ALLOCATION query)."), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS);
}

GST_END_TEST;

GST_START_TEST (test_dmabuf_import_system_memory)
{
  check_refusal ("dmabuf-import", gst_buffer_pool_new (),
      g_strdup ("io-mode=dmabuf-import needs dma-buf memory, but "
          "downstream's pool gives SystemMemory memory; use io-mode=dmabuf "
          "(export) or userptr."), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS);
}

GST_END_TEST;

GST_START_TEST (test_dmabuf_import_too_small)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);

  /* vgem rounds the half-size buffer up to whole 4096-byte lines */
  check_refusal ("dmabuf-import", bad_pool_new (BAD_SMALL_DMABUF),
      g_strdup_printf ("Downstream's dma-buf (plane 0) has %d bytes; "
          "device '%s' needs %d for this format (sizeimage).",
          (SIZEIMAGE / 2 + 4095) / 4096 * 4096, dev, SIZEIMAGE),
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS);
  g_free (dev);
}

GST_END_TEST;

GST_START_TEST (test_userptr_too_small)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);

  check_refusal ("userptr", bad_pool_new (BAD_SMALL_SYSMEM),
      g_strdup_printf ("Downstream's memory (plane 0) has %d bytes; "
          "device '%s' needs %d for this format (sizeimage).",
          SIZEIMAGE / 2, dev, SIZEIMAGE), GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS);
  g_free (dev);
}

GST_END_TEST;

GST_START_TEST (test_userptr_other_stride)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);

  check_refusal ("userptr", bad_pool_new (BAD_STRIDE),
      g_strdup_printf ("Downstream's buffers lay plane 0 out with stride "
          "%d at offset 0; device '%s' writes stride %d at offset 0, so "
          "io-mode=userptr cannot use them.", WIDTH * 4 + 256, dev,
          WIDTH * 4), GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT);
  g_free (dev);
}

GST_END_TEST;

static Suite *
import_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-import");
  TCase *tc = tcase_create ("refusals");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_dmabuf_import_without_pool);
  tcase_add_test (tc, test_dmabuf_import_system_memory);
  tcase_add_test (tc, test_dmabuf_import_too_small);
  tcase_add_test (tc, test_userptr_too_small);
  tcase_add_test (tc, test_userptr_other_stride);
  suite_add_tcase (s, tc);
  return s;
}

TCS_CHECK_MAIN (import);
