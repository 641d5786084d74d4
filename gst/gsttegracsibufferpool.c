/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: a buffer pool that owns the V4L2 capture queue.
 *
 * The pool's buffers are the driver's buffers, one GstBuffer per V4L2
 * index, built once at start with their memories (exported dma-bufs or
 * mmap(2) mappings) and a GstVideoMeta giving the driver's strides:
 *
 *  - start() requests the buffers (VIDIOC_REQBUFS, MMAP), builds them,
 *    queues them all and starts streaming;
 *  - when downstream holds every buffer, so that the driver has none left
 *    for the next frame, acquire() adds one (VIDIOC_CREATE_BUFS), up to
 *    the maximum set with the layout; at the maximum it waits for
 *    downstream, and the driver drops the frames it has no buffer for
 *    (they show as gaps in the sequence numbers);
 *  - acquire() waits for a completed frame (poll(2) on the device with the
 *    timeout, interruptible by flushing) and dequeues it, filling in the
 *    sequence, the raw timestamp and the error flag;
 *  - releasing a buffer (its last unref downstream) queues it to the
 *    driver again and wakes acquire() if it was waiting for one;
 *  - stop(), which GstBufferPool runs once every buffer is back, stops
 *    streaming and frees the driver's buffers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsibufferpool.h"
#include "gsttegracsiallocator.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

GST_DEBUG_CATEGORY_STATIC (gst_tegra_csi_buffer_pool_debug);
#define GST_CAT_DEFAULT gst_tegra_csi_buffer_pool_debug

struct _GstTegraCsiBufferPool
{
  GstBufferPool parent;

  GstTegraCsiDevice *device;
  GstTegraCsiPoolMemory memory;
  GstTegraCsiAllocator *allocator;      /* DMABUF mode only */
  GstCaps *monotonic_caps;

  /* Layout, set before activation and constant while active. */
  GstVideoInfo info;
  guint n_memories;
  gsize memory_sizes[VIDEO_MAX_PLANES];
  guint wanted_count;
  guint max_count;

  /* Written by start() and stop(), which GstBufferPool never runs
   * concurrently with acquire() or release(), and by grow() in acquire():
   * buffers[count] is set before count grows (atomically), so release()
   * on another thread always finds its buffer. */
  guint count;
  GstBuffer *buffers[VIDEO_MAX_FRAME];
  GstMemory *mmap_memories[VIDEO_MAX_FRAME][VIDEO_MAX_PLANES];
  GstPoll *poll;
  GstPollFD pollfd;

  /* Protected by the object lock (GST_OBJECT_LOCK of the pool), which
   * nests inside nothing and is never held across an ioctl except QBUF
   * in release():
   *   queued[i]  - buffer i is queued to the driver
   *   n_queued   - number of TRUE entries in queued[]
   *   flushing   - acquire() must return GST_FLOW_FLUSHING
   *   streaming  - VIDIOC_STREAMON succeeded and no STREAMOFF since
   *   timeout_ms - how long acquire() polls before calling it a stall
   *   last_error - -errno of the last failed ioctl
   * cond is signalled (with the object lock) when n_queued becomes
   * non-zero and when flushing is set. */
  gboolean queued[VIDEO_MAX_FRAME];
  guint n_queued;
  gboolean flushing;
  gboolean streaming;
  guint timeout_ms;
  gint last_error;
  GCond cond;
};

G_DEFINE_TYPE_WITH_CODE (GstTegraCsiBufferPool, gst_tegra_csi_buffer_pool,
    GST_TYPE_BUFFER_POOL,
    GST_DEBUG_CATEGORY_INIT (gst_tegra_csi_buffer_pool_debug,
        "tegracsi-bufferpool", 0, "tegracsi V4L2 buffer pool"));

static gboolean
is_mplane (GstTegraCsiBufferPool * self)
{
  return gst_tegra_csi_device_get_buf_type (self->device) ==
      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

static void
init_v4l2_buffer (GstTegraCsiBufferPool * self, struct v4l2_buffer *vbuf,
    struct v4l2_plane *planes, guint index)
{
  memset (vbuf, 0, sizeof (*vbuf));
  memset (planes, 0, sizeof (struct v4l2_plane) * VIDEO_MAX_PLANES);
  vbuf->index = index;
  vbuf->memory = V4L2_MEMORY_MMAP;
  if (is_mplane (self)) {
    vbuf->m.planes = planes;
    vbuf->length = VIDEO_MAX_PLANES;
  }
}

static gint
find_index (GstTegraCsiBufferPool * self, GstBuffer * buffer)
{
  guint i, count = g_atomic_int_get ((gint *) & self->count);

  for (i = 0; i < count; i++)
    if (self->buffers[i] == buffer)
      return i;

  return -1;
}

static void
set_error (GstTegraCsiBufferPool * self, gint err)
{
  GST_OBJECT_LOCK (self);
  self->last_error = err;
  GST_OBJECT_UNLOCK (self);
}

/* Queues buffer @index to the driver. Must be called without the object
 * lock. */
static gint
queue_index (GstTegraCsiBufferPool * self, guint index)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  gint ret;

  init_v4l2_buffer (self, &vbuf, planes, index);
  ret = gst_tegra_csi_device_queue_buffer (self->device, &vbuf);

  GST_OBJECT_LOCK (self);
  if (ret == 0) {
    self->queued[index] = TRUE;
    self->n_queued++;
    g_cond_broadcast (&self->cond);
  } else {
    self->last_error = ret;
  }
  GST_OBJECT_UNLOCK (self);

  return ret;
}

static void
unmap_notify (gpointer user_data)
{
  /* user_data is the mapping; its size travels in a small header */
  gsize *block = user_data;

  munmap ((gpointer) block[0], block[1]);
  g_free (block);
}

static GstMemory *
map_plane (GstTegraCsiBufferPool * self, const struct v4l2_buffer *vbuf,
    guint plane, gsize size)
{
  gint fd = gst_tegra_csi_device_get_fd (self->device);
  guint32 length, offset;
  gsize *block;
  gpointer data;

  if (is_mplane (self)) {
    length = vbuf->m.planes[plane].length;
    offset = vbuf->m.planes[plane].m.mem_offset;
  } else {
    length = vbuf->length;
    offset = vbuf->m.offset;
  }

  data = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
  if (data == MAP_FAILED) {
    gint err = -errno;

    GST_WARNING_OBJECT (self, "'%s' mmap of buffer %u plane %u failed: %s",
        gst_tegra_csi_device_get_path (self->device), vbuf->index, plane,
        g_strerror (errno));
    set_error (self, err);
    return NULL;
  }

  block = g_new (gsize, 2);
  block[0] = (gsize) data;
  block[1] = length;

  return gst_memory_new_wrapped (0, data, length, 0, MIN (size, length),
      block, unmap_notify);
}

/* Builds the GstBuffer of V4L2 buffer @index. */
static GstBuffer *
build_buffer (GstTegraCsiBufferPool * self, guint index)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  GstVideoMeta *vmeta;
  GstBuffer *buffer;
  guint p;
  gint ret;

  init_v4l2_buffer (self, &vbuf, planes, index);
  ret = gst_tegra_csi_device_query_buffer (self->device, &vbuf);
  if (ret < 0) {
    set_error (self, ret);
    return NULL;
  }

  if (is_mplane (self) && vbuf.length != self->n_memories) {
    GST_ERROR_OBJECT (self, "driver buffer has %u planes, format has %u",
        vbuf.length, self->n_memories);
    set_error (self, -EINVAL);
    return NULL;
  }

  if (self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF) {
    ret = gst_tegra_csi_allocator_export (self->allocator, index,
        self->n_memories, self->memory_sizes);
    if (ret < 0) {
      set_error (self, ret);
      return NULL;
    }
  } else {
    for (p = 0; p < self->n_memories; p++) {
      self->mmap_memories[index][p] = map_plane (self, &vbuf, p,
          self->memory_sizes[p]);
      if (self->mmap_memories[index][p] == NULL)
        return NULL;
    }
  }

  buffer = gst_buffer_new ();
  for (p = 0; p < self->n_memories; p++) {
    GstMemory *mem;

    if (self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF)
      mem = gst_tegra_csi_allocator_get_memory (self->allocator, index, p);
    else
      mem = gst_memory_ref (self->mmap_memories[index][p]);
    gst_buffer_append_memory (buffer, mem);
  }
  /* These are the buffer's own memories, not replacements. */
  GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_TAG_MEMORY);

  vmeta = gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (&self->info), GST_VIDEO_INFO_WIDTH (&self->info),
      GST_VIDEO_INFO_HEIGHT (&self->info), GST_VIDEO_INFO_N_PLANES (&self->info),
      self->info.offset, self->info.stride);
  /* The layout never changes while the pool is active: keep the meta
   * across recycling. */
  GST_META_FLAG_SET (vmeta, GST_META_FLAG_POOLED);
  GST_META_FLAG_SET (vmeta, GST_META_FLAG_LOCKED);

  return buffer;
}

static void
free_buffers (GstTegraCsiBufferPool * self)
{
  guint i, p;

  for (i = 0; i < VIDEO_MAX_FRAME; i++) {
    gst_clear_buffer (&self->buffers[i]);
    for (p = 0; p < VIDEO_MAX_PLANES; p++)
      if (self->mmap_memories[i][p] != NULL) {
        gst_memory_unref (self->mmap_memories[i][p]);
        self->mmap_memories[i][p] = NULL;
      }
  }

  if (self->allocator)
    gst_tegra_csi_allocator_clear (self->allocator);
}

static gboolean
gst_tegra_csi_buffer_pool_start (GstBufferPool * pool)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  guint32 count = self->wanted_count, zero = 0;
  guint i;
  gint ret;

  if (self->n_memories == 0) {
    GST_ERROR_OBJECT (self, "no layout set");
    return FALSE;
  }

  ret = gst_tegra_csi_device_request_buffers (self->device, V4L2_MEMORY_MMAP,
      &count);
  if (ret < 0) {
    set_error (self, ret);
    return FALSE;
  }
  if (count < 2) {
    GST_ERROR_OBJECT (self, "driver gave %u buffers, at least 2 are needed",
        count);
    set_error (self, -ENOMEM);
    goto err_free;
  }
  count = MIN (count, VIDEO_MAX_FRAME);
  self->count = count;

  for (i = 0; i < count; i++) {
    self->buffers[i] = build_buffer (self, i);
    if (self->buffers[i] == NULL)
      goto err_free;
  }

  GST_OBJECT_LOCK (self);
  memset (self->queued, 0, sizeof (self->queued));
  self->n_queued = 0;
  self->flushing = FALSE;
  GST_OBJECT_UNLOCK (self);

  for (i = 0; i < count; i++)
    if (queue_index (self, i) < 0)
      goto err_streamoff;

  self->pollfd.fd = gst_tegra_csi_device_get_fd (self->device);
  gst_poll_add_fd (self->poll, &self->pollfd);
  gst_poll_fd_ctl_read (self->poll, &self->pollfd, TRUE);
  gst_poll_set_flushing (self->poll, FALSE);

  ret = gst_tegra_csi_device_stream_on (self->device);
  if (ret < 0) {
    set_error (self, ret);
    goto err_remove_fd;
  }

  GST_OBJECT_LOCK (self);
  self->streaming = TRUE;
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "streaming with %u buffers of %s memory", count,
      self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ? "dma-buf" : "mmap");

  return TRUE;

err_remove_fd:
  gst_poll_remove_fd (self->poll, &self->pollfd);
  gst_poll_fd_init (&self->pollfd);
err_streamoff:
  gst_tegra_csi_device_stream_off (self->device);
err_free:
  free_buffers (self);
  self->count = 0;
  gst_tegra_csi_device_request_buffers (self->device, V4L2_MEMORY_MMAP, &zero);
  return FALSE;
}

static gboolean
gst_tegra_csi_buffer_pool_stop (GstBufferPool * pool)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  guint32 zero = 0;

  GST_OBJECT_LOCK (self);
  self->streaming = FALSE;
  memset (self->queued, 0, sizeof (self->queued));
  self->n_queued = 0;
  GST_OBJECT_UNLOCK (self);

  gst_tegra_csi_device_stream_off (self->device);

  if (self->pollfd.fd >= 0) {
    gst_poll_remove_fd (self->poll, &self->pollfd);
    gst_poll_fd_init (&self->pollfd);
  }

  free_buffers (self);
  self->count = 0;

  /* The memories still referenced elsewhere stay valid: the kernel keeps
   * exported and mapped buffers alive after this. */
  gst_tegra_csi_device_request_buffers (self->device, V4L2_MEMORY_MMAP, &zero);

  GST_INFO_OBJECT (self, "stopped");
  return TRUE;
}

static void
gst_tegra_csi_buffer_pool_flush_start (GstBufferPool * pool)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);

  GST_OBJECT_LOCK (self);
  self->flushing = TRUE;
  g_cond_broadcast (&self->cond);
  GST_OBJECT_UNLOCK (self);
  gst_poll_set_flushing (self->poll, TRUE);
}

static void
gst_tegra_csi_buffer_pool_flush_stop (GstBufferPool * pool)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);

  gst_poll_set_flushing (self->poll, FALSE);
  GST_OBJECT_LOCK (self);
  self->flushing = FALSE;
  GST_OBJECT_UNLOCK (self);
}

/* Adds one buffer (VIDIOC_CREATE_BUFS) and queues it, while below the
 * maximum. Runs in acquire() only. Returns TRUE when a buffer was added. */
static gboolean
grow (GstTegraCsiBufferPool * self)
{
  guint32 index;
  gint ret;

  if (self->count >= self->max_count || self->count >= VIDEO_MAX_FRAME)
    return FALSE;

  ret = gst_tegra_csi_device_create_buffers (self->device, V4L2_MEMORY_MMAP,
      &index);
  if (ret < 0 || index != self->count) {
    GST_WARNING_OBJECT (self, "cannot add a buffer (%s); staying at %u",
        ret < 0 ? g_strerror (-ret) : "unexpected index", self->count);
    self->max_count = self->count;      /* do not try again */
    return FALSE;
  }

  self->buffers[index] = build_buffer (self, index);
  if (self->buffers[index] == NULL) {
    self->max_count = self->count;
    return FALSE;
  }
  g_atomic_int_set ((gint *) & self->count, index + 1);
  GST_INFO_OBJECT (self, "downstream holds every buffer: added buffer %u "
      "(VIDIOC_CREATE_BUFS), %u of at most %u", index, index + 1,
      self->max_count);

  return queue_index (self, index) == 0;
}

/* Waits until the driver has a completed buffer. Returns GST_FLOW_OK when
 * one can be dequeued. */
static GstFlowReturn
wait_frame (GstTegraCsiBufferPool * self, GstBufferPoolAcquireParams * params)
{
  gboolean dontwait = params != NULL &&
      (params->flags & GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT);
  GstClockTime timeout;
  gint ret;

  GST_OBJECT_LOCK (self);
  if (self->n_queued == 0 && !self->flushing && !dontwait) {
    GST_OBJECT_UNLOCK (self);
    grow (self);
    GST_OBJECT_LOCK (self);
  }
  /* With nothing queued the driver cannot complete anything: wait for
   * downstream to release a buffer instead of polling the device. */
  while (self->n_queued == 0 && !self->flushing) {
    if (dontwait) {
      GST_OBJECT_UNLOCK (self);
      return GST_FLOW_EOS;
    }
    GST_LOG_OBJECT (self, "all buffers are downstream, waiting");
    g_cond_wait (&self->cond, GST_OBJECT_GET_LOCK (self));
  }
  if (self->flushing) {
    GST_OBJECT_UNLOCK (self);
    return GST_FLOW_FLUSHING;
  }
  timeout = dontwait ? 0 : self->timeout_ms == 0 ? GST_CLOCK_TIME_NONE :
      self->timeout_ms * GST_MSECOND;
  GST_OBJECT_UNLOCK (self);

again:
  ret = gst_poll_wait (self->poll, timeout);
  if (ret < 0) {
    if (errno == EBUSY)
      return GST_FLOW_FLUSHING;
    if (errno == EINTR || errno == EAGAIN)
      goto again;
    set_error (self, -errno);
    return GST_FLOW_ERROR;
  }

  if (ret == 0)
    return dontwait ? GST_FLOW_EOS : GST_TEGRA_CSI_BUFFER_POOL_FLOW_STALLED;

  /* Readable or in error: DQBUF tells which. */
  return GST_FLOW_OK;
}

/* The driver's CLOCK_MONOTONIC timestamp as a GstReferenceTimestampMeta.
 * The meta is added to a buffer once, kept across recycling (pooled) and
 * only updated: no allocation per frame. */
static void
set_monotonic_timestamp (GstTegraCsiBufferPool * self, GstBuffer * buf,
    const struct v4l2_buffer *vbuf)
{
  GstReferenceTimestampMeta *meta =
      gst_buffer_get_reference_timestamp_meta (buf, self->monotonic_caps);

  if ((vbuf->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
      V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC) {
    if (meta) {
      GST_META_FLAG_UNSET (meta, GST_META_FLAG_LOCKED);
      gst_buffer_remove_meta (buf, (GstMeta *) meta);
    }
    return;
  }

  if (meta) {
    meta->timestamp = GST_TIMEVAL_TO_TIME (vbuf->timestamp);
    return;
  }
  meta = gst_buffer_add_reference_timestamp_meta (buf, self->monotonic_caps,
      GST_TIMEVAL_TO_TIME (vbuf->timestamp), GST_CLOCK_TIME_NONE);
  GST_META_FLAG_SET (meta, GST_META_FLAG_POOLED);
  GST_META_FLAG_SET (meta, GST_META_FLAG_LOCKED);
}

static GstFlowReturn
gst_tegra_csi_buffer_pool_acquire_buffer (GstBufferPool * pool,
    GstBuffer ** buffer, GstBufferPoolAcquireParams * params)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  GstBuffer *buf;
  GstFlowReturn flow;
  gboolean starved;
  gint ret;

  for (;;) {
    flow = wait_frame (self, params);
    if (flow != GST_FLOW_OK)
      return flow;

    init_v4l2_buffer (self, &vbuf, planes, 0);
    ret = gst_tegra_csi_device_dequeue_buffer (self->device, &vbuf);
    if (ret == -EAGAIN)
      continue;                 /* woken without a frame */
    if (ret == -EPIPE)
      return GST_FLOW_EOS;      /* the driver's last buffer was dequeued */
    if (ret < 0) {
      set_error (self, ret);
      return GST_FLOW_ERROR;
    }
    break;
  }

  if (vbuf.index >= self->count) {
    GST_ERROR_OBJECT (self, "driver returned unknown buffer %u", vbuf.index);
    set_error (self, -EINVAL);
    return GST_FLOW_ERROR;
  }

  GST_OBJECT_LOCK (self);
  self->queued[vbuf.index] = FALSE;
  self->n_queued--;
  starved = self->n_queued == 0;
  GST_OBJECT_UNLOCK (self);

  /* The driver has no buffer for the next frame: add one now rather than
   * let that frame be dropped. */
  if (starved)
    grow (self);

  buf = self->buffers[vbuf.index];
  GST_BUFFER_OFFSET (buf) = vbuf.sequence;
  GST_BUFFER_OFFSET_END (buf) = vbuf.sequence + 1;
  if (vbuf.flags & V4L2_BUF_FLAG_ERROR)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_CORRUPTED);

  set_monotonic_timestamp (self, buf, &vbuf);

  GST_LOG_OBJECT (self, "dequeued buffer %u, sequence %u, flags 0x%x",
      vbuf.index, vbuf.sequence, vbuf.flags);

  *buffer = buf;
  return GST_FLOW_OK;
}

static gboolean
drop_unpooled_meta (G_GNUC_UNUSED GstBuffer * buffer, GstMeta ** meta,
    G_GNUC_UNUSED gpointer user_data)
{
  if (!GST_META_FLAG_IS_SET (*meta, GST_META_FLAG_POOLED)) {
    GST_META_FLAG_UNSET (*meta, GST_META_FLAG_LOCKED);
    *meta = NULL;
  }
  return TRUE;
}

/* Our own reset: the default one also resizes the buffer to the size of
 * the pool configuration, which does not describe multi-memory buffers. */
static void
gst_tegra_csi_buffer_pool_reset_buffer (G_GNUC_UNUSED GstBufferPool * pool,
    GstBuffer * buffer)
{
  GST_BUFFER_FLAGS (buffer) &= GST_BUFFER_FLAG_TAG_MEMORY;
  GST_BUFFER_PTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_OFFSET (buffer) = GST_BUFFER_OFFSET_NONE;
  GST_BUFFER_OFFSET_END (buffer) = GST_BUFFER_OFFSET_NONE;
  gst_buffer_foreach_meta (buffer, drop_unpooled_meta, NULL);
}

static void
gst_tegra_csi_buffer_pool_release_buffer (GstBufferPool * pool,
    GstBuffer * buffer)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  gboolean streaming;
  gint index;

  index = find_index (self, buffer);
  if (index < 0) {
    GST_WARNING_OBJECT (self, "released buffer %p is not ours", buffer);
    gst_buffer_unref (buffer);
    return;
  }

  /* Downstream replaced our memories: put the driver's back. */
  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_TAG_MEMORY)) {
    guint p;

    GST_DEBUG_OBJECT (self, "restoring the memories of buffer %d", index);
    gst_buffer_remove_all_memory (buffer);
    for (p = 0; p < self->n_memories; p++) {
      GstMemory *mem = self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ?
          gst_tegra_csi_allocator_get_memory (self->allocator, index, p) :
          gst_memory_ref (self->mmap_memories[index][p]);
      gst_buffer_append_memory (buffer, mem);
    }
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_TAG_MEMORY);
  }

  GST_OBJECT_LOCK (self);
  streaming = self->streaming;
  GST_OBJECT_UNLOCK (self);

  if (streaming)
    queue_index (self, index);
}

static void
gst_tegra_csi_buffer_pool_finalize (GObject * object)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (object);

  free_buffers (self);
  gst_clear_object (&self->allocator);
  gst_clear_object (&self->device);
  gst_caps_unref (self->monotonic_caps);
  gst_poll_free (self->poll);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (gst_tegra_csi_buffer_pool_parent_class)->finalize (object);
}

static void
gst_tegra_csi_buffer_pool_class_init (GstTegraCsiBufferPoolClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  gobject_class->finalize = gst_tegra_csi_buffer_pool_finalize;

  pool_class->start = gst_tegra_csi_buffer_pool_start;
  pool_class->stop = gst_tegra_csi_buffer_pool_stop;
  pool_class->flush_start = gst_tegra_csi_buffer_pool_flush_start;
  pool_class->flush_stop = gst_tegra_csi_buffer_pool_flush_stop;
  pool_class->acquire_buffer = gst_tegra_csi_buffer_pool_acquire_buffer;
  pool_class->reset_buffer = gst_tegra_csi_buffer_pool_reset_buffer;
  pool_class->release_buffer = gst_tegra_csi_buffer_pool_release_buffer;
}

static void
gst_tegra_csi_buffer_pool_init (GstTegraCsiBufferPool * self)
{
  g_cond_init (&self->cond);
  self->poll = gst_poll_new (TRUE);
  gst_poll_fd_init (&self->pollfd);
  self->monotonic_caps = gst_caps_new_empty_simple (GST_TEGRA_CSI_MONOTONIC_CAPS);
  self->timeout_ms = 5000;
}

/**
 * gst_tegra_csi_buffer_pool_new:
 * @device: the open capture device
 * @memory: the kind of memory to hand downstream
 *
 * Creates a pool for @device. Call gst_tegra_csi_buffer_pool_set_layout()
 * before activating it.
 *
 * Returns: (transfer full): a new pool.
 */
GstTegraCsiBufferPool *
gst_tegra_csi_buffer_pool_new (GstTegraCsiDevice * device,
    GstTegraCsiPoolMemory memory)
{
  GstTegraCsiBufferPool *self =
      g_object_new (GST_TYPE_TEGRA_CSI_BUFFER_POOL, NULL);

  gst_object_ref_sink (self);
  self->device = gst_object_ref (device);
  self->memory = memory;
  if (memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF)
    self->allocator = gst_tegra_csi_allocator_new (device);

  return self;
}

/**
 * gst_tegra_csi_buffer_pool_set_layout:
 * @self: an inactive pool
 * @info: the layout of a frame, with the driver's strides and offsets
 *   (from gst_tegra_csi_format_fill_video_info())
 * @n_memories: how many memories (V4L2 planes) a buffer has
 * @memory_sizes: (array length=n_memories): the size of each, in bytes
 * @count: how many buffers to ask the driver for at activation
 * @max_count: how many it may grow to (VIDIOC_CREATE_BUFS) while
 *   downstream holds them all; at most %VIDEO_MAX_FRAME, at least @count
 *
 * Sets what the pool allocates when it is activated.
 */
void
gst_tegra_csi_buffer_pool_set_layout (GstTegraCsiBufferPool * self,
    const GstVideoInfo * info, guint n_memories, const gsize * memory_sizes,
    guint count, guint max_count)
{
  g_return_if_fail (n_memories > 0 && n_memories <= VIDEO_MAX_PLANES);
  g_return_if_fail (!gst_buffer_pool_is_active (GST_BUFFER_POOL (self)));

  self->info = *info;
  self->n_memories = n_memories;
  memcpy (self->memory_sizes, memory_sizes, n_memories * sizeof (gsize));
  self->wanted_count = count;
  self->max_count = CLAMP (max_count, count, VIDEO_MAX_FRAME);
}

/**
 * gst_tegra_csi_buffer_pool_set_timeout:
 * @self: a pool
 * @timeout_ms: how long acquiring may wait for a frame, in milliseconds,
 *   while buffers are queued; 0 waits forever
 *
 * Sets the stall timeout; it applies to the next wait.
 */
void
gst_tegra_csi_buffer_pool_set_timeout (GstTegraCsiBufferPool * self,
    guint timeout_ms)
{
  GST_OBJECT_LOCK (self);
  self->timeout_ms = timeout_ms;
  GST_OBJECT_UNLOCK (self);
}

/**
 * gst_tegra_csi_buffer_pool_get_count:
 * @self: a pool
 *
 * Returns: how many buffers the driver allocated (0 when inactive).
 */
guint
gst_tegra_csi_buffer_pool_get_count (GstTegraCsiBufferPool * self)
{
  return g_atomic_int_get ((gint *) & self->count);
}

/**
 * gst_tegra_csi_buffer_pool_get_max_count:
 * @self: a pool
 *
 * Returns: how many buffers the pool may grow to.
 */
guint
gst_tegra_csi_buffer_pool_get_max_count (GstTegraCsiBufferPool * self)
{
  return self->max_count;
}

/**
 * gst_tegra_csi_buffer_pool_get_queued:
 * @self: a pool
 *
 * Returns: how many buffers are queued to the driver right now.
 */
guint
gst_tegra_csi_buffer_pool_get_queued (GstTegraCsiBufferPool * self)
{
  guint n;

  GST_OBJECT_LOCK (self);
  n = self->n_queued;
  GST_OBJECT_UNLOCK (self);

  return n;
}

/**
 * gst_tegra_csi_buffer_pool_get_error:
 * @self: a pool
 *
 * Returns: the -errno of the last failed device call, or 0.
 */
gint
gst_tegra_csi_buffer_pool_get_error (GstTegraCsiBufferPool * self)
{
  gint err;

  GST_OBJECT_LOCK (self);
  err = self->last_error;
  GST_OBJECT_UNLOCK (self);

  return err;
}
