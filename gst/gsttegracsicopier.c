/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: frames copied into the default layout of their caps.
 *
 * A consumer that does not announce GstVideoMeta support in the
 * ALLOCATION query (filesink, shmsink, many encoders, an appsink
 * application that maps the buffer) reads a frame as laid out by
 * gst_video_info_set_format(): strides rounded up to 4 bytes, planes end
 * to end in one memory. When the driver lays frames out otherwise (a
 * padded bytesperline, one memory per plane) and cannot be asked for the
 * default layout, the element copies each frame into a buffer of that
 * layout, from a pool of system memory. The element warns about it once
 * and counts every byte (stats bytes-copied).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsicopier.h"
#include "gsttegracsiclock.h"
#include "gsttegracsidebug.h"

#define GST_CAT_DEFAULT gst_tegra_csi_copier_debug

struct _GstTegraCsiCopier
{
  GstVideoInfo driver;          /* the layout the driver writes */
  GstVideoInfo plain;           /* the default layout of the caps */
  GstBufferPool *pool;          /* system memory, plain.size bytes */
};

/**
 * gst_tegra_csi_layout_is_default:
 * @info: a layout (from gst_tegra_csi_format_fill_video_info())
 * @n_memories: how many memories a buffer of it has
 * @default_info: (out caller-allocates) (optional): the default layout of
 *   the same format and size
 *
 * Returns: %TRUE when a buffer of @info reads right without its
 *   #GstVideoMeta: one memory, every plane at the default stride and
 *   offset.
 */
gboolean
gst_tegra_csi_layout_is_default (const GstVideoInfo * info, guint n_memories,
    GstVideoInfo * default_info)
{
  GstVideoInfo plain;
  guint p;

  gst_video_info_set_format (&plain, GST_VIDEO_INFO_FORMAT (info),
      GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
  if (default_info)
    *default_info = plain;
  if (n_memories != 1)
    return FALSE;
  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++)
    if (plain.stride[p] != info->stride[p] ||
        plain.offset[p] != info->offset[p])
      return FALSE;
  return info->size >= plain.size;
}

/**
 * gst_tegra_csi_copier_new:
 * @driver: the layout the driver writes (the frames' #GstVideoMeta)
 * @caps: the negotiated caps
 *
 * Makes a copier and activates its pool (system memory, buffers of the
 * default layout's size, as many as downstream keeps).
 *
 * Returns: (transfer full) (nullable): the copier, or %NULL when the pool
 *   does not start.
 */
GstTegraCsiCopier *
gst_tegra_csi_copier_new (const GstVideoInfo * driver, GstCaps * caps)
{
  GstTegraCsiCopier *self = g_new0 (GstTegraCsiCopier, 1);
  GstStructure *config;

  self->driver = *driver;
  gst_tegra_csi_layout_is_default (driver, 1, &self->plain);
  self->pool = gst_buffer_pool_new ();
  gst_object_set_name (GST_OBJECT (self->pool), "tegracsi-copy-pool");
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, caps, self->plain.size, 2, 0);
  if (!gst_buffer_pool_set_config (self->pool, config) ||
      !gst_buffer_pool_set_active (self->pool, TRUE)) {
    GST_ERROR ("the copy pool does not start");
    gst_tegra_csi_copier_free (self);
    return NULL;
  }
  return self;
}

/**
 * gst_tegra_csi_copier_get_frame_size:
 * @self: a copier
 *
 * Returns: the bytes one copy writes: the size of a frame in the default
 *   layout.
 */
gsize
gst_tegra_csi_copier_get_frame_size (GstTegraCsiCopier * self)
{
  return self->plain.size;
}

/**
 * gst_tegra_csi_copier_copy:
 * @self: a copier
 * @frame: (transfer full): a frame in the driver's layout, with its
 *   #GstVideoMeta
 *
 * Copies @frame into a buffer of the default layout (the pool grows
 * while downstream holds them all) with its timestamps, offsets, flags and raw
 * timestamp meta, and drops @frame, which returns to the driver. Streaming
 * thread only.
 *
 * Returns: (transfer full) (nullable): the copy, or %NULL when a frame
 *   does not map (@frame is dropped all the same).
 */
GstBuffer *
gst_tegra_csi_copier_copy (GstTegraCsiCopier * self, GstBuffer * frame)
{
  GstReferenceTimestampMeta *src_ts;
  GstVideoFrame in, out;
  GstBuffer *copy = NULL;
  gboolean ok;

  if (gst_buffer_pool_acquire_buffer (self->pool, &copy, NULL) != GST_FLOW_OK)
    goto drop;

  if (!gst_video_frame_map (&in, &self->driver, frame, GST_MAP_READ))
    goto drop;
  if (!gst_video_frame_map (&out, &self->plain, copy, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&in);
    goto drop;
  }
  ok = gst_video_frame_copy (&out, &in);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  if (!ok)
    goto drop;

  GST_BUFFER_PTS (copy) = GST_BUFFER_PTS (frame);
  GST_BUFFER_DTS (copy) = GST_BUFFER_DTS (frame);
  GST_BUFFER_DURATION (copy) = GST_BUFFER_DURATION (frame);
  GST_BUFFER_OFFSET (copy) = GST_BUFFER_OFFSET (frame);
  GST_BUFFER_OFFSET_END (copy) = GST_BUFFER_OFFSET_END (frame);
  GST_BUFFER_FLAGS (copy) |= GST_BUFFER_FLAGS (frame) &
      (GST_BUFFER_FLAG_CORRUPTED | GST_VIDEO_BUFFER_FLAG_INTERLACED |
      GST_VIDEO_BUFFER_FLAG_TFF);

  /* the raw timestamp, on a meta kept with the pooled buffer */
  src_ts = gst_tegra_csi_clock_find_raw_meta (frame);
  gst_tegra_csi_clock_set_raw_meta (copy, src_ts ? src_ts->timestamp :
      GST_CLOCK_TIME_NONE);

  gst_buffer_unref (frame);
  return copy;

drop:
  GST_WARNING ("frame %" G_GUINT64_FORMAT " not copied",
      GST_BUFFER_OFFSET (frame));
  gst_clear_buffer (&copy);
  gst_buffer_unref (frame);
  return NULL;
}

/**
 * gst_tegra_csi_copier_free:
 * @self: (transfer full): a copier
 *
 * Deactivates the pool (copies still downstream stay valid) and frees the
 * copier.
 */
void
gst_tegra_csi_copier_free (GstTegraCsiCopier * self)
{
  gst_buffer_pool_set_active (self->pool, FALSE);
  gst_object_unref (self->pool);
  g_free (self);
}
