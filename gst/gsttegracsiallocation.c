/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: which capture queue serves downstream's ALLOCATION answer.
 *
 * The allocation decisions, next to the queues they make:
 *
 *  - the layout: a downstream that does not read GstVideoMeta gets
 *    GStreamer's default layout of the caps: the driver's if it is that
 *    already, or after asking the driver for it (VIDIOC_S_FMT with the
 *    default bytesperline), else a copy of every frame
 *    (gsttegracsicopier.c), warned about once; with memory:DMABuf caps
 *    that is an error, since a copy would be system memory;
 *  - io-mode=mmap, dmabuf: the driver's own buffers (GstTegraCsiBufferPool),
 *    as many as downstream keeps plus two, at least 4, growing up to
 *    capture-buffers (automatic: twice the start) while downstream holds
 *    them all; the pool replaces whatever downstream offered;
 *  - io-mode=dmabuf-import, userptr: downstream's (or an application's, or
 *    for userptr the element's own) pool, configured for capture-buffers
 *    (automatic: the start number above) plus downstream's minimum, the
 *    driver capturing into its buffers (GstTegraCsiImportQueue).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiallocation.h"
#include "gsttegracsidebug.h"
#include "gsttegracsiimportqueue.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_tegra_csi_src_debug

#define AUTO_CAPTURE_BUFFERS 4
#define MAX_CAPTURE_BUFFERS 32

/* Asks the driver (VIDIOC_S_FMT; no buffers exist yet) for the default
 * layout @plain. Whatever it answers becomes the layout of @cfg; returns
 * whether that is the default one. */
static gboolean
ask_default_layout (GstTegraCsiDevice * device, GstTegraCsiConfigured * cfg,
    const GstVideoInfo * plain)
{
  struct v4l2_format fmt = cfg->fmt;
  GstVideoInfo info;
  gsize sizes[VIDEO_MAX_PLANES];
  guint w, h;

  if (cfg->format->n_memories != 1)
    return FALSE;               /* the default layout is one memory */
  if (fmt.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
    fmt.fmt.pix_mp.plane_fmt[0].bytesperline = plain->stride[0];
    fmt.fmt.pix_mp.plane_fmt[0].sizeimage = 0;
  } else {
    fmt.fmt.pix.bytesperline = plain->stride[0];
    fmt.fmt.pix.sizeimage = 0;
  }
  if (gst_tegra_csi_device_set_format (device, &fmt) < 0 ||
      gst_tegra_csi_format_get_fourcc (&fmt, &w, &h) != cfg->format->fourcc ||
      w != (guint) GST_VIDEO_INFO_WIDTH (&cfg->info) ||
      h != (guint) GST_VIDEO_INFO_HEIGHT (&cfg->info) ||
      !gst_tegra_csi_format_fill_video_info (cfg->format, &fmt, &info,
          sizes))
    return FALSE;

  cfg->fmt = fmt;
  cfg->info = info;
  memcpy (cfg->memory_sizes, sizes, sizeof (sizes));
  GST_DEBUG_OBJECT (device, "asked for stride %d, the driver gave %d",
      plain->stride[0], info.stride[0]);
  return gst_tegra_csi_layout_is_default (&info, 1, NULL);
}

/* The layout downstream reads right (see the top). Returns FALSE with
 * @error when it cannot get one. */
static gboolean
choose_layout (const GstTegraCsiAllocationParams * p,
    GstTegraCsiConfigured * cfg, GstQuery * query, GstCaps * caps,
    GstTegraCsiCopier ** copier, GError ** warning, GError ** error)
{
  const gchar *path = gst_tegra_csi_device_get_path (p->device);
  const gchar *planes;
  GstVideoInfo plain;
  gint driver_stride;
  gchar *str;

  if (gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL))
    return TRUE;
  if (gst_tegra_csi_layout_is_default (&cfg->info, cfg->format->n_memories,
          &plain) || ask_default_layout (p->device, cfg, &plain)) {
    /* a buffer of the driver holds exactly the frame (imported buffers
     * keep the size the driver writes) */
    if (!p->import_memory)
      cfg->memory_sizes[0] = plain.size;
    return TRUE;
  }
  if (p->import_memory)
    return TRUE;                /* the import queue says what does not fit */

  driver_stride = cfg->info.stride[0];
  planes = cfg->format->n_memories > 1 ?
      "; one memory per plane, the default has one in all" : "";
  str = gst_caps_to_string (caps);
  if (gst_caps_features_contains (gst_caps_get_features (caps, 0),
          GST_CAPS_FEATURE_MEMORY_DMABUF)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Downstream negotiated dma-buf memory (%s) but does not read "
        "GstVideoMeta, and device '%s' lays frames out otherwise than the "
        "default layout (plane 0: %d bytes per line, the default has %d%s): "
        "downstream would read them wrong. Use a consumer that supports "
        "GstVideoMeta, or system-memory caps (the element then copies).",
        str, path, driver_stride, plain.stride[0], planes);
    g_free (str);
    return FALSE;
  }

  *copier = gst_tegra_csi_copier_new (&cfg->info, caps);
  if (*copier == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "No buffers to copy frames of device '%s' into.", path);
    g_free (str);
    return FALSE;
  }
  g_set_error (warning, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
      "Downstream does not read GstVideoMeta, and device '%s' lays %s frames "
      "out otherwise than GStreamer's default layout (plane 0: %d bytes per "
      "line, the default has %d%s): every frame is copied into the default "
      "layout, %" G_GSIZE_FORMAT " bytes per frame, counted in stats "
      "bytes-copied.", path, str, driver_stride, plain.stride[0], planes,
      gst_tegra_csi_copier_get_frame_size (*copier));
  g_free (str);
  return TRUE;
}

/* Puts @pool first in @query, @count buffers of @size bytes. */
static void
offer_pool (GstQuery * query, GstBufferPool * pool, gsize size, guint count)
{
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_set_nth_allocation_pool (query, 0, pool, size, count, count);
  else
    gst_query_add_allocation_pool (query, pool, size, count, count);
}

/* io-mode=dmabuf-import and userptr: capture into the buffers of
 * downstream's pool (or, for userptr, our own system memory). */
static GstTegraCsiCaptureQueue *
make_import_queue (const GstTegraCsiAllocationParams * p,
    GstTegraCsiConfigured * cfg, GstQuery * query, guint depth,
    GError ** error)
{
  GstTegraCsiImportQueue *importq;
  GstBufferPool *source;
  guint count = depth;

  /* count becomes what the pool holds: depth plus downstream's share */
  source = gst_tegra_csi_import_queue_configure_source (query,
      p->import_memory, &cfg->info, &count, error);
  if (source == NULL)
    return NULL;

  importq = gst_tegra_csi_import_queue_new (p->device, p->import_memory,
      source, &cfg->info, cfg->format->n_memories, cfg->memory_sizes, count,
      depth);
  gst_tegra_csi_import_queue_set_timeout (importq, p->timeout_ms);
  if (!gst_tegra_csi_import_queue_start (importq, error)) {
    gst_object_unref (importq);
    gst_buffer_pool_set_active (source, FALSE);
    gst_object_unref (source);
    return NULL;
  }

  /* GstBaseSrc deactivates the source pool at stop, after the queue. */
  offer_pool (query, source, cfg->info.size, count);
  gst_object_unref (source);
  return GST_TEGRA_CSI_CAPTURE_QUEUE (importq);
}

/* io-mode=mmap and dmabuf: the driver's own buffers. */
static GstTegraCsiCaptureQueue *
make_pool (const GstTegraCsiAllocationParams * p, GstTegraCsiConfigured * cfg,
    GstQuery * query, GstCaps * caps, guint count, guint max_count,
    GError ** error)
{
  GstTegraCsiBufferPool *pool;
  GstStructure *config;
  guint32 index;

  pool = gst_tegra_csi_buffer_pool_new (p->device, p->memory);
  gst_tegra_csi_buffer_pool_set_layout (pool, &cfg->info,
      cfg->format->n_memories, cfg->memory_sizes, count, max_count);
  gst_tegra_csi_buffer_pool_set_timeout (pool, p->timeout_ms);

  config = gst_buffer_pool_get_config (GST_BUFFER_POOL (pool));
  gst_buffer_pool_config_set_params (config, caps, cfg->info.size, count,
      count);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  /* Started here rather than in GstBaseSrc so that a failure (the driver
   * refusing the buffers) gets its own message. */
  if (!gst_buffer_pool_set_config (GST_BUFFER_POOL (pool), config) ||
      !gst_buffer_pool_set_active (GST_BUFFER_POOL (pool), TRUE)) {
    gst_tegra_csi_device_set_capture_error (p->device,
        gst_tegra_csi_buffer_pool_get_error (pool, &index), error);
    gst_object_unref (pool);
    return NULL;
  }

  /* Our pool replaces whatever downstream offered. */
  offer_pool (query, GST_BUFFER_POOL (pool), cfg->info.size, count);
  return GST_TEGRA_CSI_CAPTURE_QUEUE (pool);
}

/**
 * gst_tegra_csi_allocation_decide:
 * @params: the element's settings
 * @cfg: (inout): the format the device is set to; its layout changes when
 *   the driver is asked for the default one
 * @query: the ALLOCATION query downstream answered; on return its first
 *   pool is the one frames come from
 * @copier: (out) (transfer full) (nullable): set when every frame must be
 *   copied into the default layout
 * @warning: (out) (optional): set when frames are copied: why, and how
 *   many bytes per frame, for a warning message
 * @error: (out): why no queue could be made, for GST_ELEMENT_ERROR
 *
 * Chooses the layout and makes and starts the capture queue for the io
 * mode and downstream's answer (see the top of gsttegracsiallocation.c).
 * Streaming thread only.
 *
 * Returns: (transfer full) (nullable): the started queue, or %NULL with
 *   @error set.
 */
GstTegraCsiCaptureQueue *
gst_tegra_csi_allocation_decide (const GstTegraCsiAllocationParams * params,
    GstTegraCsiConfigured * cfg, GstQuery * query,
    GstTegraCsiCopier ** copier, GError ** warning, GError ** error)
{
  guint count, max_count, min = 0;
  GstCaps *caps;

  *copier = NULL;
  gst_query_parse_allocation (query, &caps, NULL);
  if (!choose_layout (params, cfg, query, caps, copier, warning, error))
    return NULL;
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, NULL, NULL, &min, NULL);

  /* Start with enough for the driver to fill while downstream holds what
   * it said it needs; grow up to capture-buffers (automatic: twice that)
   * when downstream holds them all. */
  count = CLAMP (min + 2, AUTO_CAPTURE_BUFFERS, MAX_CAPTURE_BUFFERS);
  max_count = params->capture_buffers ? params->capture_buffers :
      MIN (2 * count, MAX_CAPTURE_BUFFERS);
  count = MIN (count, max_count);

  /* Another pool's buffers: as many as capture-buffers, no growth. */
  if (params->import_memory)
    return make_import_queue (params, cfg, query, params->capture_buffers ?
        params->capture_buffers : count, error);
  return make_pool (params, cfg, query, caps, count, max_count, error);
}

/**
 * gst_tegra_csi_allocation_keep:
 * @queue: the running queue, for the same format as before
 * @query: an ALLOCATION query after a renegotiation to the same format (a
 *   RECONFIGURE from downstream)
 * @size: the frame size
 *
 * Puts the pool frames already come from first in @query: the queue keeps
 * streaming, its buffers may be downstream.
 */
void
gst_tegra_csi_allocation_keep (GstTegraCsiCaptureQueue * queue,
    GstQuery * query, gsize size)
{
  guint queued = 0, buffers = 0;
  guint64 delayed = 0;
  GstBufferPool *pool;

  gst_tegra_csi_capture_queue_get_stats (queue, &queued, &buffers, &delayed);
  if (GST_IS_TEGRA_CSI_IMPORT_QUEUE (queue))
    pool = gst_tegra_csi_import_queue_get_source (GST_TEGRA_CSI_IMPORT_QUEUE
        (queue));
  else
    pool = GST_BUFFER_POOL (queue);
  GST_DEBUG ("same format: keeping %" GST_PTR_FORMAT, pool);
  offer_pool (query, pool, size, buffers);
}
