/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: what the element asks of a V4L2 capture queue, whichever
 * memory it captures into.
 *
 * The element captures through this interface only: it never asks which
 * io mode it runs in. gsttegracsiallocation.c makes the queue that fits
 * the io mode and downstream's ALLOCATION answer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsicapturequeue.h"

G_DEFINE_INTERFACE (GstTegraCsiCaptureQueue, gst_tegra_csi_capture_queue,
    G_TYPE_OBJECT);

static void
gst_tegra_csi_capture_queue_default_init (G_GNUC_UNUSED
    GstTegraCsiCaptureQueueInterface * iface)
{
}

/**
 * gst_tegra_csi_capture_queue_capture:
 * @self: a started queue
 * @buffer: (out) (transfer full): the frame: GST_BUFFER_OFFSET = the V4L2
 *   sequence number, %GST_BUFFER_FLAG_CORRUPTED for V4L2_BUF_FLAG_ERROR,
 *   the driver's CLOCK_MONOTONIC timestamp in the raw timestamp meta
 *   (gst_tegra_csi_clock_find_raw_meta()), a #GstVideoMeta with the
 *   driver's layout
 * @error: (out): why it failed, for GST_ELEMENT_ERROR: a stall (no frame
 *   within the timeout while buffers are queued), a device gone, a driver
 *   answer that makes no sense
 *
 * Waits for the next frame (interruptible by flushing) and takes it from
 * the driver. Streaming thread only.
 *
 * Returns: %GST_FLOW_OK; %GST_FLOW_FLUSHING; %GST_FLOW_EOS when the driver
 *   returned its last buffer; %GST_TEGRA_CSI_CAPTURE_QUEUE_FLOW_SOURCE_CHANGE
 *   (no frame) when an event is pending; %GST_FLOW_ERROR with @error set.
 */
GstFlowReturn
gst_tegra_csi_capture_queue_capture (GstTegraCsiCaptureQueue * self,
    GstBuffer ** buffer, GError ** error)
{
  return GST_TEGRA_CSI_CAPTURE_QUEUE_GET_IFACE (self)->capture (self, buffer,
      error);
}

/**
 * gst_tegra_csi_capture_queue_set_flushing:
 * @self: a queue
 * @flushing: whether capturing must return %GST_FLOW_FLUSHING at once
 *
 * Interrupts (or allows again) a capture waiting for a frame or a buffer.
 * Callable from any thread.
 */
void
gst_tegra_csi_capture_queue_set_flushing (GstTegraCsiCaptureQueue * self,
    gboolean flushing)
{
  GST_TEGRA_CSI_CAPTURE_QUEUE_GET_IFACE (self)->set_flushing (self, flushing);
}

/**
 * gst_tegra_csi_capture_queue_set_timeout:
 * @self: a queue
 * @timeout_ms: how long a capture may wait for a frame while buffers are
 *   queued, in milliseconds; 0 waits for ever
 *
 * Sets the stall timeout; it applies to the next wait. Callable from any
 * thread.
 */
void
gst_tegra_csi_capture_queue_set_timeout (GstTegraCsiCaptureQueue * self,
    guint timeout_ms)
{
  GST_TEGRA_CSI_CAPTURE_QUEUE_GET_IFACE (self)->set_timeout (self,
      timeout_ms);
}

/**
 * gst_tegra_csi_capture_queue_get_stats:
 * @self: a queue
 * @queued: (out): buffers queued to the driver now
 * @buffers: (out): buffers (V4L2 indices) the driver has
 * @delayed: (out): buffers whose return to the driver waited for a memory
 *   still referenced elsewhere
 *
 * Callable from any thread.
 */
void
gst_tegra_csi_capture_queue_get_stats (GstTegraCsiCaptureQueue * self,
    guint * queued, guint * buffers, guint64 * delayed)
{
  GST_TEGRA_CSI_CAPTURE_QUEUE_GET_IFACE (self)->get_stats (self, queued,
      buffers, delayed);
}

/**
 * gst_tegra_csi_capture_queue_is_starved:
 * @self: a queue
 *
 * Returns: %TRUE when nothing is queued to the driver: the frame just
 *   captured was its last buffer (the starvation policy's trigger).
 */
gboolean
gst_tegra_csi_capture_queue_is_starved (GstTegraCsiCaptureQueue * self)
{
  guint queued = 0, buffers = 0;
  guint64 delayed = 0;

  gst_tegra_csi_capture_queue_get_stats (self, &queued, &buffers, &delayed);
  return queued == 0;
}

/**
 * gst_tegra_csi_capture_queue_get_max_buffers:
 * @self: a queue
 *
 * Returns: the most buffers the driver may hold at once (what it may grow
 *   to), for the latency query.
 */
guint
gst_tegra_csi_capture_queue_get_max_buffers (GstTegraCsiCaptureQueue * self)
{
  return GST_TEGRA_CSI_CAPTURE_QUEUE_GET_IFACE (self)->get_max_buffers (self);
}

/**
 * gst_tegra_csi_capture_queue_end:
 * @self: a queue
 *
 * Ends the driver's queue now, for a new format or a stop (STREAMOFF,
 * REQBUFS(0)), even while downstream holds buffers: those stay valid and
 * are freed when they come back; nothing is queued again. Call it from the
 * streaming thread, or once it stopped, while the device is open; then
 * drop the queue.
 *
 * Returns: how many buffers downstream still holds when the driver cannot
 *   let them go early (no V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS), so that the
 *   device stays busy until they come back; 0 otherwise.
 */
guint
gst_tegra_csi_capture_queue_end (GstTegraCsiCaptureQueue * self)
{
  return GST_TEGRA_CSI_CAPTURE_QUEUE_GET_IFACE (self)->end (self);
}
