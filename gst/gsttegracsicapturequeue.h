/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: what the element asks of a V4L2 capture queue, whichever
 * memory it captures into.
 */
#ifndef __GST_TEGRA_CSI_CAPTURE_QUEUE_H__
#define __GST_TEGRA_CSI_CAPTURE_QUEUE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_TEGRA_CSI_CAPTURE_QUEUE \
    (gst_tegra_csi_capture_queue_get_type ())
G_DECLARE_INTERFACE (GstTegraCsiCaptureQueue, gst_tegra_csi_capture_queue,
    GST, TEGRA_CSI_CAPTURE_QUEUE, GObject)

/**
 * GST_TEGRA_CSI_CAPTURE_QUEUE_FLOW_SOURCE_CHANGE:
 *
 * What gst_tegra_csi_capture_queue_capture() returns, without a frame,
 * when the device has an event pending (POLLPRI: a subscribed
 * V4L2_EVENT_SOURCE_CHANGE); dequeue it with
 * gst_tegra_csi_device_dequeue_event().
 */
#define GST_TEGRA_CSI_CAPTURE_QUEUE_FLOW_SOURCE_CHANGE GST_FLOW_CUSTOM_SUCCESS

/**
 * GstTegraCsiCaptureQueueInterface:
 * @parent: the parent interface
 * @capture: see gst_tegra_csi_capture_queue_capture()
 * @set_flushing: see gst_tegra_csi_capture_queue_set_flushing()
 * @set_timeout: see gst_tegra_csi_capture_queue_set_timeout()
 * @get_stats: see gst_tegra_csi_capture_queue_get_stats()
 * @get_max_buffers: see gst_tegra_csi_capture_queue_get_max_buffers()
 * @end: see gst_tegra_csi_capture_queue_end()
 *
 * The element's view of a capture queue: the buffer pool of the driver's
 * own buffers (io-mode=mmap, dmabuf) and the import queue (dmabuf-import,
 * userptr) implement it.
 */
struct _GstTegraCsiCaptureQueueInterface
{
  GTypeInterface parent;

  GstFlowReturn (*capture) (GstTegraCsiCaptureQueue * self,
      GstBuffer ** buffer, GError ** error);
  void (*set_flushing) (GstTegraCsiCaptureQueue * self, gboolean flushing);
  void (*set_timeout) (GstTegraCsiCaptureQueue * self, guint timeout_ms);
  void (*get_stats) (GstTegraCsiCaptureQueue * self, guint * queued,
      guint * buffers, guint64 * delayed);
  guint (*get_max_buffers) (GstTegraCsiCaptureQueue * self);
  guint (*end) (GstTegraCsiCaptureQueue * self);
};

GstFlowReturn gst_tegra_csi_capture_queue_capture (
    GstTegraCsiCaptureQueue * self, GstBuffer ** buffer, GError ** error);

void gst_tegra_csi_capture_queue_set_flushing (GstTegraCsiCaptureQueue * self,
    gboolean flushing);

void gst_tegra_csi_capture_queue_set_timeout (GstTegraCsiCaptureQueue * self,
    guint timeout_ms);

void gst_tegra_csi_capture_queue_get_stats (GstTegraCsiCaptureQueue * self,
    guint * queued, guint * buffers, guint64 * delayed);

gboolean gst_tegra_csi_capture_queue_is_starved (
    GstTegraCsiCaptureQueue * self);

guint gst_tegra_csi_capture_queue_get_max_buffers (
    GstTegraCsiCaptureQueue * self);

guint gst_tegra_csi_capture_queue_end (GstTegraCsiCaptureQueue * self);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CAPTURE_QUEUE_H__ */
