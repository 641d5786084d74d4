/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: a buffer pool that owns the V4L2 capture queue.
 *
 * The pool's buffers are the driver's buffers, one GstBuffer per V4L2
 * index with a GstVideoMeta giving the driver's strides, and one GstMemory
 * per plane (an exported dma-buf or an mmap(2) mapping), each made once:
 *
 *  - start() requests the buffers (VIDIOC_REQBUFS, MMAP), builds them,
 *    queues them all and starts streaming;
 *  - acquire() waits for a completed frame (poll(2) on the device with the
 *    timeout, interruptible by flushing), dequeues it, puts the index's
 *    memories into its GstBuffer and fills in the sequence, the raw
 *    timestamp and the error flag;
 *  - a V4L2 buffer goes back to the driver (VIDIOC_QBUF) only when no
 *    memory of it can be read any more: when its GstBuffer came back
 *    (release_buffer(), which takes the memories out of it) *and* every
 *    one of its memories was disposed, i.e. its last reference dropped,
 *    wherever that reference was (a shallow copy of the buffer, a
 *    gst_memory_ref() of an application). Each memory's mini-object
 *    dispose function takes it back into the pool instead of freeing it;
 *    until the last one is back the driver has one buffer fewer (counted
 *    in delayed returns);
 *  - when downstream holds every buffer, so that the driver has none left
 *    for the next frame, acquire() adds one (VIDIOC_CREATE_BUFS), up to
 *    the maximum set with the layout; at the maximum it waits, and the
 *    driver drops the frames it has no buffer for (they show as gaps in
 *    the sequence numbers);
 *  - stop(), which GstBufferPool runs once every GstBuffer is back, stops
 *    streaming and frees the driver's buffers; memories still referenced
 *    elsewhere stay valid (the kernel keeps mapped and exported buffers
 *    alive) and are freed, never queued again, when their last reference
 *    goes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsibufferpool.h"
#include "gsttegracsiallocator.h"
#include "gsttegracsicapturequeue.h"
#include "gsttegracsidebug.h"
#include "gsttegracsiclock.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define GST_CAT_DEFAULT gst_tegra_csi_buffer_pool_debug

/* One V4L2 buffer index. */
typedef struct
{
  /* The pool's own reference to each memory while no one else has it;
   * NULL while the memory is handed out. */
  GstMemory *parked[VIDEO_MAX_PLANES];
  guint n_out;                  /* memories handed out, not disposed yet */
  gboolean buffer_out;          /* the GstBuffer is downstream */
  gboolean queued;              /* queued to the driver (or being queued) */
} Slot;

struct _GstTegraCsiBufferPool
{
  GstBufferPool parent;

  GstTegraCsiDevice *device;
  GstTegraCsiPoolMemory memory;
  GstTegraCsiAllocator *allocator;      /* DMABUF mode only */

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
  GstPoll *poll;
  GstPollFD pollfd;

  /* qlock serialises VIDIOC_QBUF (from whichever thread returns the last
   * reference) with the end of the queue (VIDIOC_STREAMOFF, REQBUFS(0)),
   * so that no buffer is ever queued after it. Held across those ioctls
   * only; taken before the object lock, never inside it. */
  GMutex qlock;

  /* Protected by the object lock (GST_OBJECT_LOCK of the pool), which
   * nests inside qlock and is never held across an ioctl:
   *   slots[]    - where each index's memories and GstBuffer are
   *   n_queued   - number of slots queued to the driver
   *   flushing   - acquire() must return GST_FLOW_FLUSHING
   *   streaming  - buffers may be queued: from VIDIOC_REQBUFS at start to
   *                the end of the queue; memories disposed while it is
   *                FALSE are freed
   *   timeout_ms - how long acquire() polls before calling it a stall
   *   last_error - -errno of the last failed ioctl
   *   delayed    - GstBuffers that came back while one of their memories
   *                was still referenced elsewhere
   * cond is signalled (with the object lock) when n_queued becomes
   * non-zero and when flushing is set. */
  Slot slots[VIDEO_MAX_FRAME];
  guint n_queued;
  gboolean flushing;
  gboolean streaming;
  guint timeout_ms;
  gint last_error;
  guint32 bad_index;            /* with last_error -EPROTO */
  guint64 delayed;
  GCond cond;
};

static void
gst_tegra_csi_buffer_pool_capture_queue_init (GstTegraCsiCaptureQueueInterface
    * iface);
static guint gst_tegra_csi_buffer_pool_get_count (GstTegraCsiBufferPool *
    self);
static guint gst_tegra_csi_buffer_pool_get_max_count (GstTegraCsiBufferPool *
    self);
static guint gst_tegra_csi_buffer_pool_orphan (GstTegraCsiBufferPool * self);

G_DEFINE_TYPE_WITH_CODE (GstTegraCsiBufferPool, gst_tegra_csi_buffer_pool,
    GST_TYPE_BUFFER_POOL,
    G_IMPLEMENT_INTERFACE (GST_TYPE_TEGRA_CSI_CAPTURE_QUEUE,
        gst_tegra_csi_buffer_pool_capture_queue_init));

/* What a memory of the pool carries (qdata): where it belongs. It holds a
 * reference to the pool, so the pool outlives every memory it made. */
typedef struct
{
  GstTegraCsiBufferPool *pool;
  guint index;
  guint plane;
  gsize size;
} MemoryTag;

static GQuark
memory_tag_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("GstTegraCsiBufferPoolMemory");
  return quark;
}

static void
memory_tag_free (gpointer data)
{
  MemoryTag *tag = data;

  gst_object_unref (tag->pool);
  g_free (tag);
}

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

/* Queues buffer @index to the driver; its slot is already marked queued.
 * Must be called with qlock held and without the object lock. */
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
    self->n_queued++;
    g_cond_broadcast (&self->cond);
  } else {
    self->slots[index].queued = FALSE;
    self->last_error = ret;
  }
  GST_OBJECT_UNLOCK (self);

  return ret;
}

/* Whether slot @index can go back to the driver now; if so, marks it
 * queued. Must be called with the object lock held. */
static gboolean
take_if_free (GstTegraCsiBufferPool * self, guint index)
{
  Slot *slot = &self->slots[index];

  if (!self->streaming || slot->queued || slot->buffer_out || slot->n_out > 0)
    return FALSE;
  slot->queued = TRUE;
  return TRUE;
}

/* The dispose function of the pool's memories: runs when the last
 * reference to one goes, in whatever thread drops it. While the queue
 * runs, the memory is taken back (revived with the pool's reference) and,
 * if it was the last one out of its buffer, the buffer is queued again;
 * afterwards it is freed. */
static gboolean
memory_dispose (GstMiniObject * obj)
{
  GstMemory *mem = GST_MEMORY_CAST (obj);
  MemoryTag *tag = gst_mini_object_get_qdata (obj, memory_tag_quark ());
  GstTegraCsiBufferPool *self = tag->pool;
  Slot *slot = &self->slots[tag->index];
  gboolean keep, requeue = FALSE;

  g_mutex_lock (&self->qlock);
  GST_OBJECT_LOCK (self);
  keep = self->streaming;
  if (keep) {
    gst_memory_ref (mem);
    /* undo what downstream may have done to the size */
    if (mem->offset != 0 || mem->size != tag->size)
      gst_memory_resize (mem, -(gssize) mem->offset, tag->size);
    slot->parked[tag->plane] = mem;
    slot->n_out--;
    requeue = take_if_free (self, tag->index);
  }
  GST_OBJECT_UNLOCK (self);
  if (requeue)
    queue_index (self, tag->index);
  g_mutex_unlock (&self->qlock);

  GST_LOG_OBJECT (self, "memory %u of buffer %u %s", tag->plane, tag->index,
      keep ? (requeue ? "back, buffer queued" : "back") : "freed");
  /* FALSE: revived, not to be freed */
  return !keep;
}

/* Marks @mem as plane @plane of buffer @index of this pool. */
static void
tag_memory (GstTegraCsiBufferPool * self, GstMemory * mem, guint index,
    guint plane)
{
  MemoryTag *tag = g_new (MemoryTag, 1);

  tag->pool = gst_object_ref (self);
  tag->index = index;
  tag->plane = plane;
  tag->size = mem->size;
  gst_mini_object_set_qdata (GST_MINI_OBJECT_CAST (mem), memory_tag_quark (),
      tag, memory_tag_free);
  GST_MINI_OBJECT_CAST (mem)->dispose = memory_dispose;
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

/* Frees the memories parked in @slot (they are not handed out). Must be
 * called when the queue no longer runs (streaming FALSE), so that their
 * dispose lets them go. */
static void
free_parked (Slot * slot)
{
  GstMemory *mems[VIDEO_MAX_PLANES];
  guint p;

  for (p = 0; p < VIDEO_MAX_PLANES; p++) {
    mems[p] = slot->parked[p];
    slot->parked[p] = NULL;
  }
  for (p = 0; p < VIDEO_MAX_PLANES; p++)
    if (mems[p])
      gst_memory_unref (mems[p]);
}

/* Makes the memories and the GstBuffer of V4L2 buffer @index. */
static gboolean
build_buffer (GstTegraCsiBufferPool * self, guint index)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  Slot *slot = &self->slots[index];
  GstVideoMeta *vmeta;
  GstBuffer *buffer;
  guint p;
  gint ret;

  init_v4l2_buffer (self, &vbuf, planes, index);
  ret = gst_tegra_csi_device_query_buffer (self->device, &vbuf);
  if (ret < 0) {
    set_error (self, ret);
    return FALSE;
  }

  if (is_mplane (self) && vbuf.length != self->n_memories) {
    GST_ERROR_OBJECT (self, "driver buffer has %u planes, format has %u",
        vbuf.length, self->n_memories);
    set_error (self, -EINVAL);
    return FALSE;
  }

  memset (slot, 0, sizeof (*slot));
  for (p = 0; p < self->n_memories; p++) {
    GstMemory *mem;

    if (self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF) {
      mem = gst_tegra_csi_allocator_export (self->allocator, index, p,
          self->memory_sizes[p], &ret);
      if (mem == NULL)
        set_error (self, ret);
    } else {
      mem = map_plane (self, &vbuf, p, self->memory_sizes[p]);
    }
    if (mem == NULL)
      return FALSE;
    tag_memory (self, mem, index, p);
    slot->parked[p] = mem;
  }

  buffer = gst_buffer_new ();
  vmeta = gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (&self->info), GST_VIDEO_INFO_WIDTH (&self->info),
      GST_VIDEO_INFO_HEIGHT (&self->info), GST_VIDEO_INFO_N_PLANES (&self->info),
      self->info.offset, self->info.stride);
  /* The layout never changes while the pool is active: keep the meta
   * across recycling. */
  GST_META_FLAG_SET (vmeta, GST_META_FLAG_POOLED);
  GST_META_FLAG_SET (vmeta, GST_META_FLAG_LOCKED);
  self->buffers[index] = buffer;

  return TRUE;
}

/* Frees the GstBuffers (all back in the pool) and the parked memories. */
static void
free_buffers (GstTegraCsiBufferPool * self)
{
  guint i;

  for (i = 0; i < VIDEO_MAX_FRAME; i++) {
    gst_clear_buffer (&self->buffers[i]);
    free_parked (&self->slots[i]);
  }
}

/* Ends the queue: no buffer is queued again, VIDIOC_STREAMOFF and
 * VIDIOC_REQBUFS(0) run at once. Buffers and memories still held elsewhere
 * stay valid (videobuf2 orphans them: it keeps a mapped or exported
 * buffer's memory until its last user goes) and are freed when they come
 * back. Returns FALSE if it had ended already. */
static gboolean
end_queue (GstTegraCsiBufferPool * self)
{
  guint32 zero = 0;
  gboolean was;
  guint i;

  g_mutex_lock (&self->qlock);
  GST_OBJECT_LOCK (self);
  was = self->streaming;
  self->streaming = FALSE;
  self->n_queued = 0;
  for (i = 0; i < VIDEO_MAX_FRAME; i++)
    self->slots[i].queued = FALSE;
  GST_OBJECT_UNLOCK (self);
  /* a closed device's queue ends with its file (after the last mapping
   * of it goes): no ioctl for it */
  if (was && gst_tegra_csi_device_get_fd (self->device) >= 0) {
    gst_tegra_csi_device_stream_off (self->device);
    gst_tegra_csi_device_request_buffers (self->device, V4L2_MEMORY_MMAP,
        &zero);
  }
  g_mutex_unlock (&self->qlock);

  return was;
}

static gboolean
gst_tegra_csi_buffer_pool_start (GstBufferPool * pool)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  guint32 count = self->wanted_count;
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

  GST_OBJECT_LOCK (self);
  self->streaming = TRUE;
  self->n_queued = 0;
  self->flushing = FALSE;
  GST_OBJECT_UNLOCK (self);

  if (count < 2) {
    GST_ERROR_OBJECT (self, "driver gave %u buffers, at least 2 are needed",
        count);
    set_error (self, -ENOMEM);
    goto err_free;
  }
  count = MIN (count, VIDEO_MAX_FRAME);
  self->count = count;

  for (i = 0; i < count; i++)
    if (!build_buffer (self, i))
      goto err_free;

  g_mutex_lock (&self->qlock);
  for (i = 0; i < count; i++) {
    GST_OBJECT_LOCK (self);
    take_if_free (self, i);
    GST_OBJECT_UNLOCK (self);
    if (queue_index (self, i) < 0) {
      g_mutex_unlock (&self->qlock);
      goto err_free;
    }
  }
  g_mutex_unlock (&self->qlock);

  self->pollfd.fd = gst_tegra_csi_device_get_fd (self->device);
  gst_poll_add_fd (self->poll, &self->pollfd);
  gst_poll_fd_ctl_read (self->poll, &self->pollfd, TRUE);
  gst_poll_fd_ctl_pri (self->poll, &self->pollfd, TRUE);
  gst_poll_set_flushing (self->poll, FALSE);

  ret = gst_tegra_csi_device_stream_on (self->device);
  if (ret < 0) {
    set_error (self, ret);
    goto err_remove_fd;
  }

  GST_INFO_OBJECT (self, "streaming with %u buffers of %s memory", count,
      self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ? "dma-buf" : "mmap");

  return TRUE;

err_remove_fd:
  gst_poll_remove_fd (self->poll, &self->pollfd);
  gst_poll_fd_init (&self->pollfd);
err_free:
  end_queue (self);
  free_buffers (self);
  self->count = 0;
  return FALSE;
}

static gboolean
gst_tegra_csi_buffer_pool_stop (GstBufferPool * pool)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);

  end_queue (self);

  if (self->pollfd.fd >= 0) {
    gst_poll_remove_fd (self->poll, &self->pollfd);
    gst_poll_fd_init (&self->pollfd);
  }

  free_buffers (self);
  self->count = 0;

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
  gboolean ok;
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

  if (!build_buffer (self, index)) {
    free_parked (&self->slots[index]);
    self->max_count = self->count;
    return FALSE;
  }
  g_atomic_int_set ((gint *) & self->count, index + 1);
  GST_INFO_OBJECT (self, "downstream holds every buffer: added buffer %u "
      "(VIDIOC_CREATE_BUFS), %u of at most %u", index, index + 1,
      self->max_count);

  g_mutex_lock (&self->qlock);
  GST_OBJECT_LOCK (self);
  ok = take_if_free (self, index);
  GST_OBJECT_UNLOCK (self);
  ok = ok && queue_index (self, index) == 0;
  g_mutex_unlock (&self->qlock);

  return ok;
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

  /* An event (a source change) first; the frame stays for later. A
   * device gone polls PRI with ERR: DQBUF says so. */
  if (gst_poll_fd_has_pri (self->poll, &self->pollfd) &&
      !gst_poll_fd_has_error (self->poll, &self->pollfd))
    return GST_TEGRA_CSI_CAPTURE_QUEUE_FLOW_SOURCE_CHANGE;

  /* Readable or in error: DQBUF tells which. */
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_tegra_csi_buffer_pool_acquire_buffer (GstBufferPool * pool,
    GstBuffer ** buffer, GstBufferPoolAcquireParams * params)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  GstMemory *mems[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  GstBuffer *buf;
  GstFlowReturn flow;
  gboolean starved;
  Slot *slot;
  guint p;
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

  GST_OBJECT_LOCK (self);
  slot = vbuf.index < self->count ? &self->slots[vbuf.index] : NULL;
  if (slot == NULL || !slot->queued) {
    self->last_error = -EPROTO;
    self->bad_index = vbuf.index;
    GST_OBJECT_UNLOCK (self);
    GST_ERROR_OBJECT (self, "driver returned buffer %u, which is not queued",
        vbuf.index);
    return GST_FLOW_ERROR;
  }
  slot->queued = FALSE;
  self->n_queued--;
  starved = self->n_queued == 0;
  /* every memory is parked: only queued slots are dequeued */
  for (p = 0; p < self->n_memories; p++) {
    mems[p] = slot->parked[p];
    slot->parked[p] = NULL;
  }
  slot->n_out = self->n_memories;
  slot->buffer_out = TRUE;
  GST_OBJECT_UNLOCK (self);

#ifdef TCS_BREAK_EXPORT_TWICE
  /* deliberate breakage (tests/breakage/): a new dma-buf for every frame */
  if (self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF)
    for (p = 0; p < self->n_memories; p++) {
      GstMemory *fresh = gst_tegra_csi_allocator_export (self->allocator,
          vbuf.index, p, self->memory_sizes[p], &ret);

      if (fresh == NULL)
        continue;
      tag_memory (self, fresh, vbuf.index, p);
      gst_mini_object_set_qdata (GST_MINI_OBJECT_CAST (mems[p]),
          memory_tag_quark (), NULL, NULL);
      GST_MINI_OBJECT_CAST (mems[p])->dispose = NULL;
      gst_memory_unref (mems[p]);
      mems[p] = fresh;
    }
#endif
  buf = self->buffers[vbuf.index];
  for (p = 0; p < self->n_memories; p++)
    gst_buffer_append_memory (buf, mems[p]);
  /* These are the buffer's own memories, not replacements. */
  GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_TAG_MEMORY);

  /* The driver has no buffer for the next frame: add one now rather than
   * let that frame be dropped. */
  if (starved)
    grow (self);

  GST_BUFFER_OFFSET (buf) = vbuf.sequence;
  GST_BUFFER_OFFSET_END (buf) = vbuf.sequence + 1;
  if (vbuf.flags & V4L2_BUF_FLAG_ERROR)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_CORRUPTED);

  /* the driver's CLOCK_MONOTONIC timestamp, on a pooled meta */
  gst_tegra_csi_clock_set_raw_meta (buf, (vbuf.flags &
          V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ?
      GST_TIMEVAL_TO_TIME (vbuf.timestamp) : GST_CLOCK_TIME_NONE);

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

/* A GstBuffer came back (its last unref). Its memories leave it: those
 * that only it referenced are disposed, and so return to their slot, at
 * once; the others when their last holder drops them. The V4L2 buffer is
 * queued again when both happened. */
static void
gst_tegra_csi_buffer_pool_release_buffer (GstBufferPool * pool,
    GstBuffer * buffer)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (pool);
  gboolean requeue, delayed;
  gint index;

  index = find_index (self, buffer);
  if (index < 0) {
    GST_WARNING_OBJECT (self, "released buffer %p is not ours", buffer);
    gst_buffer_unref (buffer);
    return;
  }

  /* Our memories, or whatever downstream replaced them with. */
  gst_buffer_remove_all_memory (buffer);

  g_mutex_lock (&self->qlock);
  GST_OBJECT_LOCK (self);
  self->slots[index].buffer_out = FALSE;
  delayed = self->streaming && self->slots[index].n_out > 0;
  if (delayed)
    self->delayed++;
  requeue = take_if_free (self, index);
  GST_OBJECT_UNLOCK (self);
  if (requeue)
    queue_index (self, index);
  g_mutex_unlock (&self->qlock);

  if (delayed)
    GST_DEBUG_OBJECT (self, "buffer %d is back but a memory of it is still "
        "used elsewhere: it goes back to the driver when that is dropped",
        index);
}

static void
gst_tegra_csi_buffer_pool_finalize (GObject * object)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (object);

  free_buffers (self);
  gst_clear_object (&self->allocator);
  gst_clear_object (&self->device);
  gst_poll_free (self->poll);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->qlock);

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
  g_mutex_init (&self->qlock);
  self->poll = gst_poll_new (TRUE);
  gst_poll_fd_init (&self->pollfd);
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

/* ---- GstTegraCsiCaptureQueue ---- */

static GstFlowReturn
pool_capture (GstTegraCsiCaptureQueue * queue, GstBuffer ** buffer,
    GError ** error)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (queue);
  GstFlowReturn flow;
  guint32 index = 0;
  guint timeout;
  gint err;

  flow = gst_buffer_pool_acquire_buffer (GST_BUFFER_POOL (self), buffer, NULL);
  if (flow == GST_TEGRA_CSI_BUFFER_POOL_FLOW_STALLED) {
    GST_OBJECT_LOCK (self);
    timeout = self->timeout_ms;
    GST_OBJECT_UNLOCK (self);
    gst_tegra_csi_device_set_stall_error (self->device, timeout, error);
    return GST_FLOW_ERROR;
  }
  if (flow != GST_FLOW_ERROR)
    return flow;

  err = gst_tegra_csi_buffer_pool_get_error (self, &index);
  if (err == -EPROTO)
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "Device '%s' returned buffer %u, which was not queued to it.",
        gst_tegra_csi_device_get_path (self->device), index);
  else
    gst_tegra_csi_device_set_capture_error (self->device, err, error);
  return GST_FLOW_ERROR;
}

static void
pool_set_flushing (GstTegraCsiCaptureQueue * queue, gboolean flushing)
{
  gst_buffer_pool_set_flushing (GST_BUFFER_POOL (queue), flushing);
}

static void
pool_set_timeout (GstTegraCsiCaptureQueue * queue, guint timeout_ms)
{
  gst_tegra_csi_buffer_pool_set_timeout (GST_TEGRA_CSI_BUFFER_POOL (queue),
      timeout_ms);
}

static void
pool_get_stats (GstTegraCsiCaptureQueue * queue, guint * queued,
    guint * buffers, guint64 * delayed)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (queue);

  GST_OBJECT_LOCK (self);
  *queued = self->n_queued;
  *delayed = self->delayed;
  GST_OBJECT_UNLOCK (self);
  *buffers = gst_tegra_csi_buffer_pool_get_count (self);
}

static guint
pool_get_max_buffers (GstTegraCsiCaptureQueue * queue)
{
  return gst_tegra_csi_buffer_pool_get_max_count (GST_TEGRA_CSI_BUFFER_POOL
      (queue));
}

static guint
pool_end (GstTegraCsiCaptureQueue * queue)
{
  GstTegraCsiBufferPool *self = GST_TEGRA_CSI_BUFFER_POOL (queue);
  guint held = gst_tegra_csi_buffer_pool_orphan (self);

  if (gst_tegra_csi_device_can_orphan_buffers (self->device))
    held = 0;
  /* GstBufferPool runs our stop() once every GstBuffer is back; after the
   * orphaning it makes no ioctl */
  gst_buffer_pool_set_active (GST_BUFFER_POOL (self), FALSE);
  return held;
}

static void
gst_tegra_csi_buffer_pool_capture_queue_init (GstTegraCsiCaptureQueueInterface
    * iface)
{
  iface->capture = pool_capture;
  iface->set_flushing = pool_set_flushing;
  iface->set_timeout = pool_set_timeout;
  iface->get_stats = pool_get_stats;
  iface->get_max_buffers = pool_get_max_buffers;
  iface->end = pool_end;
}

/**
 * gst_tegra_csi_buffer_pool_orphan:
 * @self: a pool
 *
 * Ends the driver's queue now, for a new format or a stop, even while
 * downstream or an application still holds buffers or memories of it:
 * VIDIOC_STREAMOFF and VIDIOC_REQBUFS(0) run at once, an acquire waiting
 * returns %GST_FLOW_FLUSHING, and nothing is ever queued again. What is
 * still held stays valid (videobuf2 keeps a mapped or exported buffer's
 * memory, `V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS`) and is freed when its last
 * reference goes. A driver without that capability keeps its queue while
 * anything is held; the queue then ends when the last one comes back.
 * Call it from the streaming thread, or once it stopped, while the device
 * is open; deactivate the pool afterwards.
 *
 * Returns: how many of the driver's buffers are still held elsewhere (a
 *   GstBuffer or a memory of it): 0 when the queue ended with nothing
 *   outstanding.
 */
static guint
gst_tegra_csi_buffer_pool_orphan (GstTegraCsiBufferPool * self)
{
  guint i, held = 0;

  GST_OBJECT_LOCK (self);
  for (i = 0; i < self->count; i++)
    if (self->slots[i].buffer_out || self->slots[i].n_out > 0)
      held++;
  GST_OBJECT_UNLOCK (self);

  if (held > 0 && !gst_tegra_csi_device_can_orphan_buffers (self->device)) {
    GST_WARNING_OBJECT (self, "%u buffers are still held and the driver "
        "cannot orphan them: the queue ends when they come back", held);
    gst_buffer_pool_set_flushing (GST_BUFFER_POOL (self), TRUE);
    return held;
  }

  gst_buffer_pool_set_flushing (GST_BUFFER_POOL (self), TRUE);
  if (end_queue (self))
    GST_INFO_OBJECT (self, "queue ended with %u buffers still held "
        "(orphaned)", held);
  return held;
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
static guint
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
static guint
gst_tegra_csi_buffer_pool_get_max_count (GstTegraCsiBufferPool * self)
{
  return self->max_count;
}

/**
 * gst_tegra_csi_buffer_pool_get_error:
 * @self: a pool
 * @index: (out) (optional): with -EPROTO, the buffer index the driver
 *   returned although it was not queued
 *
 * Returns: the -errno of the last failed device call, -EPROTO when the
 *   driver returned a buffer that was not queued, or 0.
 */
gint
gst_tegra_csi_buffer_pool_get_error (GstTegraCsiBufferPool * self,
    guint32 * index)
{
  gint err;

  GST_OBJECT_LOCK (self);
  err = self->last_error;
  if (index)
    *index = self->bad_index;
  GST_OBJECT_UNLOCK (self);

  return err;
}
