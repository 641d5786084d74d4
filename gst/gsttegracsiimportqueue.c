/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the V4L2 capture queue filled with someone else's memory.
 *
 * In io-mode=dmabuf-import and io-mode=userptr the frames are written into
 * buffers of another pool (the "source" pool: downstream's, an
 * application's, or for userptr without one a system-memory pool of the
 * element) and those buffers are pushed as they are. The queue:
 *
 *  - requests one V4L2 buffer slot of V4L2_MEMORY_DMABUF or
 *    V4L2_MEMORY_USERPTR per buffer of the source pool (VIDIOC_REQBUFS; a
 *    slot costs no memory);
 *  - before waiting for a frame, takes the buffers the source pool has free
 *    (without blocking; blocking only when nothing at all is queued), up to
 *    `depth` queued at once, so that downstream keeps the buffers it said it
 *    needs (the ALLOCATION query's minimum); checks that each fits the
 *    negotiated format, and queues it;
 *  - binds each distinct dma-buf (by inode) or user address to one slot and
 *    keeps it there: videobuf2 keeps a slot's dma-buf attachment and mapping
 *    or its pinned user pages while the same memory comes back to the same
 *    slot, so in steady state no frame costs an attach, a map or a pin;
 *  - dequeues a frame and hands out the source pool's buffer; downstream's
 *    last unref returns it to the source pool, where the next refill finds
 *    it;
 *  - never queues a buffer while a memory of it can still be read
 *    elsewhere: a pool may recycle a buffer whose memory an application
 *    still references (GstBufferPool only checks that the memory is not in
 *    another buffer). A buffer whose memories have more references than
 *    when the queue first saw them waits aside, checked again at every
 *    refill, until they are dropped; meanwhile the driver has one buffer
 *    fewer.
 *
 * V4L2 spec: "Streaming I/O (DMA buffer importing)" and "Streaming I/O
 * (User Pointers)"; videobuf2-core.c __prepare_dmabuf()/__prepare_userptr()
 * for the reuse of a slot's memory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiimportqueue.h"
#include "gsttegracsiappallocator.h"
#include "gsttegracsicapturequeue.h"
#include "gsttegracsidebug.h"
#include "gsttegracsiclock.h"

#include <gst/allocators/allocators.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

/* kmssink's pool option: its dumb buffers come as dma-buf memory
 * (gst-plugins-bad sys/kms/gstkmsbufferpool.h). */
#define KMS_PRIME_EXPORT_OPTION "GstBufferPoolOptionKMSPrimeExport"

#define GST_CAT_DEFAULT gst_tegra_csi_import_queue_debug

/* One V4L2 buffer slot and the memory bound to it. */
typedef struct
{
  gboolean bound;               /* key is valid */
  guint64 key[VIDEO_MAX_PLANES];        /* dma-buf inode or user address */
  guint64 last_use;             /* for choosing a slot to rebind */
  GstBuffer *buffer;            /* the source's buffer while queued */
  GstMapInfo maps[VIDEO_MAX_PLANES];    /* USERPTR: mapped while queued */
  guint n_maps;
} Slot;

struct _GstTegraCsiImportQueue
{
  GstObject parent;

  GstTegraCsiDevice *device;
  guint32 memory;
  GstBufferPool *source;
  guint timeout_ms;             /* object lock */

  GstVideoInfo info;
  guint n_memories;
  gsize memory_sizes[VIDEO_MAX_PLANES];
  guint count;                  /* V4L2 slots = buffers of the source pool */
  guint depth;                  /* most buffers queued at once */
  guint align;                  /* DMA start alignment, bytes */

  /* Used by the streaming thread only (start, capture, stop). */
  Slot slots[VIDEO_MAX_FRAME];
  guint64 tick;
  GstBuffer *waiting[VIDEO_MAX_FRAME];  /* held elsewhere, not queued */
  guint n_waiting;
  GstPoll *poll;
  GstPollFD pollfd;

  /* Object lock: */
  guint n_queued;
  gboolean streaming;
  guint64 rebinds;
  guint64 delayed;              /* buffers that had to wait aside */
};

static void
gst_tegra_csi_import_queue_capture_queue_init (GstTegraCsiCaptureQueueInterface
    * iface);
static void gst_tegra_csi_import_queue_stop (GstTegraCsiImportQueue * self);

G_DEFINE_TYPE_WITH_CODE (GstTegraCsiImportQueue, gst_tegra_csi_import_queue,
    GST_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (GST_TYPE_TEGRA_CSI_CAPTURE_QUEUE,
        gst_tegra_csi_import_queue_capture_queue_init));

static const gchar *
mode_name (GstTegraCsiImportQueue * self)
{
  return self->memory == V4L2_MEMORY_DMABUF ? "dmabuf-import" : "userptr";
}

static const gchar *
path (GstTegraCsiImportQueue * self)
{
  return gst_tegra_csi_device_get_path (self->device);
}

static gboolean
is_mplane (GstTegraCsiImportQueue * self)
{
  return gst_tegra_csi_device_get_buf_type (self->device) ==
      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

/* What a dma-buf memory's fd says of the dma-buf: its inode (its identity,
 * whatever the fd number) and its real size. Neither changes while the
 * memory lives, so they are asked once (fstat(2), lseek(2)) and kept on the
 * memory as qdata: the memories of a pool come back every frame. */
typedef struct
{
  guint64 inode;
  gsize size;
} DmabufInfo;

static const DmabufInfo *
dmabuf_info (GstMemory * mem)
{
  static GQuark quark;
  DmabufInfo *info;
  struct stat st;
  off_t end;
  gint fd;

  if (quark == 0)
    quark = g_quark_from_static_string ("GstTegraCsiDmabufInfo");
  info = gst_mini_object_get_qdata (GST_MINI_OBJECT (mem), quark);
  if (info)
    return info;

  fd = gst_dmabuf_memory_get_fd (mem);
  if (fstat (fd, &st) < 0)
    return NULL;
  end = lseek (fd, 0, SEEK_END);
  info = g_new (DmabufInfo, 1);
  info->inode = st.st_ino;
  info->size = end < 0 ? mem->maxsize : (gsize) end;
  gst_mini_object_set_qdata (GST_MINI_OBJECT (mem), quark, info, g_free);
  return info;
}

static void
unmap_slot (Slot * slot)
{
  guint p;

  for (p = 0; p < slot->n_maps; p++)
    gst_memory_unmap (slot->maps[p].memory, &slot->maps[p]);
  slot->n_maps = 0;
}

/* Checks that @buf can take a frame and maps its user memory (USERPTR).
 * Fills keys[] with the memories' identities. */
static gboolean
check_buffer (GstTegraCsiImportQueue * self, GstBuffer * buf, Slot * tmp,
    guint64 * keys, GError ** error)
{
  GstVideoMeta *vmeta;
  guint p, n = gst_buffer_n_memory (buf);

  if (n != self->n_memories) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Downstream's buffers have %u memories; device '%s' writes this "
        "format in %u (one per V4L2 plane), so io-mode=%s cannot use them.",
        n, path (self), self->n_memories, mode_name (self));
    return FALSE;
  }

  vmeta = gst_buffer_get_video_meta (buf);
  if (vmeta) {
    for (p = 0; p < GST_VIDEO_INFO_N_PLANES (&self->info); p++) {
      if (vmeta->stride[p] != self->info.stride[p] ||
          vmeta->offset[p] != self->info.offset[p]) {
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
            "Downstream's buffers lay plane %u out with stride %d at offset "
            "%" G_GSIZE_FORMAT "; device '%s' writes stride %d at offset %"
            G_GSIZE_FORMAT ", so io-mode=%s cannot use them.", p,
            vmeta->stride[p], vmeta->offset[p], path (self),
            self->info.stride[p], self->info.offset[p], mode_name (self));
        return FALSE;
      }
    }
  }

  tmp->n_maps = 0;
  for (p = 0; p < n; p++) {
    GstMemory *mem = gst_buffer_peek_memory (buf, p);

    if (self->memory == V4L2_MEMORY_DMABUF) {
      const DmabufInfo *info;
      gsize start;

      if (!gst_is_dmabuf_memory (mem)) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "io-mode=dmabuf-import needs dma-buf memory, but downstream's "
            "pool gives %s memory; use io-mode=dmabuf (export) or userptr.",
            mem->allocator ? mem->allocator->mem_type : "unknown");
        return FALSE;
      }
      /* V4L2 capture writes from byte 0 of a dma-buf, except into the
       * application memory the driver exported itself, which it writes at
       * the application's pointer (gsttegracsiappallocator.c). */
      if (!gst_tegra_csi_app_memory_get_export_offset (mem, &start))
        start = 0;
      /* A pool's reset_buffer() moves every buffer back to offset 0
       * (gstbufferpool.c default_reset_buffer()): put the application's
       * memory back where its frame lands, while no one else holds it. */
      if (mem->offset != start && start != 0 &&
          gst_buffer_is_writable (buf) &&
          gst_mini_object_is_writable (GST_MINI_OBJECT (mem)) &&
          start + mem->size <= mem->maxsize)
        gst_memory_resize (mem, (gssize) start - (gssize) mem->offset,
            mem->size);
      if (mem->offset != start) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "Downstream's dma-buf memory starts %" G_GSIZE_FORMAT " bytes "
            "into its dma-buf; device '%s' writes from byte %" G_GSIZE_FORMAT
            " (io-mode=dmabuf-import).", mem->offset, path (self), start);
        return FALSE;
      }
      info = dmabuf_info (mem);
      if (info == NULL) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "Cannot identify downstream's dma-buf: %s.", g_strerror (errno));
        return FALSE;
      }
      if (info->size < start + self->memory_sizes[p]) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "Downstream's dma-buf (plane %u) has %" G_GSIZE_FORMAT " bytes; "
            "device '%s' needs %" G_GSIZE_FORMAT " for this format "
            "(sizeimage).", p, info->size, path (self),
            self->memory_sizes[p]);
        return FALSE;
      }
      keys[p] = info->inode;
    } else {
      GstMapInfo *map = &tmp->maps[p];

      if (!gst_memory_map (mem, map, GST_MAP_READWRITE)) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "io-mode=userptr needs memory the process can map, but "
            "downstream's %s memory does not map for writing.",
            mem->allocator ? mem->allocator->mem_type : "unknown");
        unmap_slot (tmp);
        return FALSE;
      }
      tmp->n_maps++;
      if (map->size < self->memory_sizes[p]) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "Downstream's memory (plane %u) has %" G_GSIZE_FORMAT " bytes; "
            "device '%s' needs %" G_GSIZE_FORMAT " for this format "
            "(sizeimage).", p, map->size, path (self), self->memory_sizes[p]);
        unmap_slot (tmp);
        return FALSE;
      }
      if (self->align > 1 && ((guintptr) map->data % self->align) != 0) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "User memory at %p (plane %u) is not aligned as device '%s' "
            "needs: the capture engine writes from %u-byte boundaries only "
            "(control dma_start_alignment). Allocate with "
            "posix_memalign(&p, %u, size) or a pool with that alignment.",
            map->data, p, path (self), self->align, MAX (self->align,
                (guint) sizeof (gpointer)));
        unmap_slot (tmp);
        return FALSE;
      }
      keys[p] = (guintptr) map->data;
    }
  }
  return TRUE;
}

/* The slot @keys is bound to if it is free, else the free slot used least
 * recently (a rebind: videobuf2 attaches/pins the new memory). */
static gint
choose_slot (GstTegraCsiImportQueue * self, const guint64 * keys,
    gboolean * rebind)
{
  gint best = -1;
  guint i;

  for (i = 0; i < self->count; i++) {
    Slot *s = &self->slots[i];

    if (s->buffer == NULL && s->bound &&
        memcmp (s->key, keys, self->n_memories * sizeof (guint64)) == 0) {
      *rebind = FALSE;
      return i;
    }
  }
  for (i = 0; i < self->count; i++) {
    Slot *s = &self->slots[i];

    if (s->buffer != NULL)
      continue;
    if (!s->bound) {
      best = i;
      break;
    }
    if (best < 0 || s->last_use < self->slots[best].last_use)
      best = i;
  }
  *rebind = best >= 0 && self->slots[best].bound;
  return best;
}

static void
qbuf_error (GstTegraCsiImportQueue * self, gint ret, GstBuffer * buf,
    Slot * tmp, GError ** error)
{
  if (self->memory == V4L2_MEMORY_USERPTR && ret == -EFAULT) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' cannot capture into the user memory at %p: the kernel "
        "cannot pin its pages (VIDIOC_QBUF: %s). Memory mapped from a "
        "device (VM_PFNMAP/VM_IO, such as DRM dumb buffers from kmssink's "
        "pool) cannot be used with io-mode=userptr; use io-mode=dmabuf or "
        "dmabuf-import.", path (self), tmp->maps[0].data,
        g_strerror (-ret));
  } else if (self->memory == V4L2_MEMORY_USERPTR && ret == -EINVAL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' refused the user memory at %p (%" G_GSIZE_FORMAT
        " bytes) (VIDIOC_QBUF: %s): its DMA mode cannot reach it (for "
        "example physically scattered pages in contiguous mode); the "
        "driver's log says which.", path (self), tmp->maps[0].data,
        tmp->maps[0].size, g_strerror (-ret));
  } else if (self->memory == V4L2_MEMORY_DMABUF) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' cannot capture into downstream's dma-buf (fd %d, "
        "exporter's memory) (VIDIOC_QBUF: %s): the exporter refused the "
        "attachment or its pages are out of the engine's reach; the "
        "kernel log says which.", path (self),
        gst_dmabuf_memory_get_fd (gst_buffer_peek_memory (buf, 0)),
        g_strerror (-ret));
  } else {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
        "Queueing a buffer to device '%s' failed (VIDIOC_QBUF: %s).",
        path (self), g_strerror (-ret));
  }
}

/* Queues @buf (transfer full) into a slot. */
static gboolean
queue_buffer (GstTegraCsiImportQueue * self, GstBuffer * buf, GError ** error)
{
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  guint64 keys[VIDEO_MAX_PLANES] = { 0 };
  Slot tmp = { 0 }, *slot;
  gboolean rebind = FALSE;
  gint index, ret;
  guint p;

  if (!check_buffer (self, buf, &tmp, keys, error)) {
    gst_buffer_unref (buf);
    return FALSE;
  }

  index = choose_slot (self, keys, &rebind);
  if (index < 0) {
    /* cannot happen: we never hold more buffers than slots */
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "No free V4L2 buffer slot on device '%s'.", path (self));
    unmap_slot (&tmp);
    gst_buffer_unref (buf);
    return FALSE;
  }
  slot = &self->slots[index];

  memset (&vbuf, 0, sizeof (vbuf));
  memset (planes, 0, sizeof (planes));
  vbuf.index = index;
  vbuf.memory = self->memory;
  for (p = 0; p < self->n_memories; p++) {
    GstMemory *mem = gst_buffer_peek_memory (buf, p);

    if (self->memory == V4L2_MEMORY_DMABUF) {
      planes[p].m.fd = gst_dmabuf_memory_get_fd (mem);
      planes[p].length = 0;     /* the dma-buf's size */
    } else {
      planes[p].m.userptr = (unsigned long) tmp.maps[p].data;
      planes[p].length = self->memory_sizes[p];
    }
  }
  if (is_mplane (self)) {
    vbuf.m.planes = planes;
    vbuf.length = self->n_memories;
  } else if (self->memory == V4L2_MEMORY_DMABUF) {
    vbuf.m.fd = planes[0].m.fd;
    vbuf.length = planes[0].length;
  } else {
    vbuf.m.userptr = planes[0].m.userptr;
    vbuf.length = planes[0].length;
  }

  ret = gst_tegra_csi_device_queue_buffer (self->device, &vbuf);
  if (ret < 0) {
    qbuf_error (self, ret, buf, &tmp, error);
    unmap_slot (&tmp);
    gst_buffer_unref (buf);
    /* the slot's old binding is gone as well */
    slot->bound = FALSE;
    return FALSE;
  }

  if (rebind || !slot->bound)
    GST_DEBUG_OBJECT (self, "slot %d %s to %" G_GINT64_MODIFIER "x", index,
        rebind ? "rebound" : "bound", keys[0]);
  if (rebind) {
    GST_OBJECT_LOCK (self);
    self->rebinds++;
    GST_OBJECT_UNLOCK (self);
  }
  memcpy (slot->key, keys, sizeof (slot->key));
  slot->bound = TRUE;
  slot->last_use = ++self->tick;
  slot->buffer = buf;
  memcpy (slot->maps, tmp.maps, sizeof (tmp.maps));
  slot->n_maps = tmp.n_maps;

  GST_OBJECT_LOCK (self);
  self->n_queued++;
  GST_OBJECT_UNLOCK (self);

  GST_LOG_OBJECT (self, "queued %p in slot %d", buf, index);
  return TRUE;
}

/* The references a memory had when the queue first saw it (its owners':
 * the buffer it is in, and whatever its pool or allocator keep), as
 * qdata; more than that means someone else can still read it. */
static gboolean
memory_held_elsewhere (GstMemory * mem)
{
  static GQuark quark;
  gint refs = GST_MINI_OBJECT_REFCOUNT_VALUE (mem);
  gpointer base;

  if (quark == 0)
    quark = g_quark_from_static_string ("GstTegraCsiBaseRefs");
  base = gst_mini_object_get_qdata (GST_MINI_OBJECT_CAST (mem), quark);
  if (base == NULL) {
    gst_mini_object_set_qdata (GST_MINI_OBJECT_CAST (mem), quark,
        GINT_TO_POINTER (refs), NULL);
    return FALSE;
  }
  return refs > GPOINTER_TO_INT (base);
}

static gboolean
buffer_held_elsewhere (GstBuffer * buf)
{
  guint i, n = gst_buffer_n_memory (buf);

  for (i = 0; i < n; i++)
    if (memory_held_elsewhere (gst_buffer_peek_memory (buf, i)))
      return TRUE;
  return FALSE;
}

/* Queues the buffers that waited aside and are free now. */
static gboolean
queue_waiting (GstTegraCsiImportQueue * self, GError ** error)
{
  guint i = 0;

  while (i < self->n_waiting) {
    GstBuffer *buf = self->waiting[i];

    if (buffer_held_elsewhere (buf)) {
      i++;
      continue;
    }
    self->waiting[i] = self->waiting[--self->n_waiting];
    GST_LOG_OBJECT (self, "%p is free again", buf);
    if (!queue_buffer (self, buf, error))
      return FALSE;
  }
  return TRUE;
}

/* Queues what the source pool has free; blocks for one buffer when the
 * driver has none at all. */
static GstFlowReturn
refill (GstTegraCsiImportQueue * self, GError ** error)
{
  GstBufferPoolAcquireParams params = { 0 };

  if (!queue_waiting (self, error))
    return GST_FLOW_ERROR;

  for (;;) {
    GstFlowReturn flow;
    GstBuffer *buf = NULL;
    guint queued;

    GST_OBJECT_LOCK (self);
    queued = self->n_queued;
    GST_OBJECT_UNLOCK (self);
    if (queued >= self->depth)
      return GST_FLOW_OK;

    /* Block on the pool only when nothing is queued and nothing waits
     * aside (a buffer that waits aside comes back without the pool). */
    params.flags = queued > 0 || self->n_waiting > 0 ?
        GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT : 0;
    if (queued == 0)
      GST_LOG_OBJECT (self, "every buffer is downstream, waiting for one");
    flow = gst_buffer_pool_acquire_buffer (self->source, &buf, &params);
    if (flow == GST_FLOW_EOS && queued > 0)
      return GST_FLOW_OK;       /* nothing free now */
    if (flow == GST_FLOW_EOS) {
      /* Starved, and the only buffers are held elsewhere: look again
       * soon (no one tells when a foreign memory is dropped). */
      if (gst_poll_wait (self->poll, 2 * GST_MSECOND) < 0 && errno == EBUSY)
        return GST_FLOW_FLUSHING;
      if (!queue_waiting (self, error))
        return GST_FLOW_ERROR;
      continue;
    }
    if (flow == GST_FLOW_FLUSHING)
      return flow;
    if (flow != GST_FLOW_OK) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
          "Downstream's buffer pool gave no buffer: %s.",
          gst_flow_get_name (flow));
      return GST_FLOW_ERROR;
    }
    if (buffer_held_elsewhere (buf) && self->n_waiting < VIDEO_MAX_FRAME) {
      GST_DEBUG_OBJECT (self, "%p came back while a memory of it is still "
          "used elsewhere: it waits until that is dropped", buf);
      self->waiting[self->n_waiting++] = buf;
      GST_OBJECT_LOCK (self);
      self->delayed++;
      GST_OBJECT_UNLOCK (self);
      continue;
    }
    if (!queue_buffer (self, buf, error))
      return GST_FLOW_ERROR;
  }
}

/**
 * gst_tegra_csi_import_queue_capture:
 * @self: a started queue
 * @buffer: (out) (transfer full): the frame: a buffer of the source pool,
 *   with GST_BUFFER_OFFSET = V4L2 sequence, %GST_BUFFER_FLAG_CORRUPTED for
 *   V4L2_BUF_FLAG_ERROR, and the driver's CLOCK_MONOTONIC timestamp as a
 *   #GstReferenceTimestampMeta ("timestamp/x-clock-monotonic")
 * @error: where a failure's message goes (a #GstResourceError or
 *   #GstStreamError, for GST_ELEMENT_ERROR)
 *
 * Queues every free buffer of the source pool, then dequeues one frame,
 * waiting at most the queue's timeout (gst_tegra_csi_import_queue_set_timeout())
 * while buffers are queued.
 *
 * Returns: GST_FLOW_OK; GST_FLOW_FLUSHING when flushing;
 *   GST_FLOW_ERROR also after the timeout without a frame (a stall); GST_FLOW_EOS when the driver returned its last buffer;
 *   GST_FLOW_ERROR with @error set.
 */
static GstFlowReturn
gst_tegra_csi_import_queue_capture (GstTegraCsiImportQueue * self,
    GstBuffer ** buffer, GError ** error)
{
  guint timeout_ms;
  struct v4l2_plane planes[VIDEO_MAX_PLANES];
  struct v4l2_buffer vbuf;
  GstFlowReturn flow;
  GstBuffer *buf;
  Slot *slot;
  gint ret;

  for (;;) {
    flow = refill (self, error);
    if (flow != GST_FLOW_OK)
      return flow;

    GST_OBJECT_LOCK (self);
    timeout_ms = self->timeout_ms;
    GST_OBJECT_UNLOCK (self);

    ret = gst_poll_wait (self->poll, timeout_ms ? timeout_ms * GST_MSECOND :
        GST_CLOCK_TIME_NONE);
    if (ret < 0) {
      if (errno == EBUSY)
        return GST_FLOW_FLUSHING;
      if (errno == EINTR || errno == EAGAIN)
        continue;
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "Waiting for a frame from device '%s' failed: %s.", path (self),
          g_strerror (errno));
      return GST_FLOW_ERROR;
    }
    if (ret == 0) {
      gst_tegra_csi_device_set_stall_error (self->device, timeout_ms, error);
      return GST_FLOW_ERROR;
    }
    /* An event (a source change) first; the frame stays for later. A
     * device gone polls PRI with ERR: DQBUF says so. */
    if (gst_poll_fd_has_pri (self->poll, &self->pollfd) &&
        !gst_poll_fd_has_error (self->poll, &self->pollfd))
      return GST_TEGRA_CSI_CAPTURE_QUEUE_FLOW_SOURCE_CHANGE;

    memset (&vbuf, 0, sizeof (vbuf));
    memset (planes, 0, sizeof (planes));
    vbuf.memory = self->memory;
    if (is_mplane (self)) {
      vbuf.m.planes = planes;
      vbuf.length = VIDEO_MAX_PLANES;
    }
    ret = gst_tegra_csi_device_dequeue_buffer (self->device, &vbuf);
    if (ret == -EAGAIN)
      continue;
    if (ret == -EPIPE)
      return GST_FLOW_EOS;
    if (ret < 0) {
      gst_tegra_csi_device_set_capture_error (self->device, ret, error);
      return GST_FLOW_ERROR;
    }
    break;
  }

  if (vbuf.index >= self->count || self->slots[vbuf.index].buffer == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "Device '%s' returned buffer %u, which was not queued to it.",
        path (self),
        vbuf.index);
    return GST_FLOW_ERROR;
  }

  slot = &self->slots[vbuf.index];
  unmap_slot (slot);
  buf = slot->buffer;
  slot->buffer = NULL;
  GST_OBJECT_LOCK (self);
  self->n_queued--;
  GST_OBJECT_UNLOCK (self);

  GST_BUFFER_OFFSET (buf) = vbuf.sequence;
  GST_BUFFER_OFFSET_END (buf) = vbuf.sequence + 1;
  if (vbuf.flags & V4L2_BUF_FLAG_ERROR)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_CORRUPTED);
  /* Both metas are flagged pooled: a pool that resets buffers the stock
   * way keeps them, so a recycled buffer costs no allocation. */
  gst_tegra_csi_clock_set_raw_meta (buf, (vbuf.flags &
          V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ?
      GST_TIMEVAL_TO_TIME (vbuf.timestamp) : GST_CLOCK_TIME_NONE);
  if (gst_buffer_get_video_meta (buf) == NULL) {
    GstVideoMeta *vmeta = gst_buffer_add_video_meta_full (buf,
        GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT (&self->info),
        GST_VIDEO_INFO_WIDTH (&self->info),
        GST_VIDEO_INFO_HEIGHT (&self->info),
        GST_VIDEO_INFO_N_PLANES (&self->info), self->info.offset,
        self->info.stride);

    GST_META_FLAG_SET (vmeta, GST_META_FLAG_POOLED);
  }

  GST_LOG_OBJECT (self, "dequeued slot %u, sequence %u, flags 0x%x",
      vbuf.index, vbuf.sequence, vbuf.flags);
  *buffer = buf;
  return GST_FLOW_OK;
}

/**
 * gst_tegra_csi_import_queue_start:
 * @self: a new queue
 * @error: where a failure's message goes
 *
 * Reads the engine's DMA start alignment (control
 * TEGRA_CSI_SG_CID_DMA_ALIGN of tegra-csi-sg; 1 for other drivers),
 * requests the V4L2 buffer slots, activates the source pool if needed,
 * queues its free buffers and starts streaming.
 *
 * Returns: %TRUE when streaming.
 */
gboolean
gst_tegra_csi_import_queue_start (GstTegraCsiImportQueue * self,
    GError ** error)
{
  guint32 count = self->count, zero = 0;
  gint64 align = 1;
  gint ret;

  /* A private control: only ask the driver that defines it. */
  if (g_strcmp0 (gst_tegra_csi_device_get_driver (self->device),
          TEGRA_CSI_SG_DRIVER_NAME) != 0 ||
      gst_tegra_csi_device_get_control (self->device,
          TEGRA_CSI_SG_CID_DMA_ALIGN, &align) < 0 || align < 1)
    align = 1;
  self->align = align;

  ret = gst_tegra_csi_device_request_buffers (self->device, self->memory,
      &count);
  if (ret < 0 || count == 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Device '%s' cannot capture into %s (VIDIOC_REQBUFS: %s).",
        path (self), self->memory == V4L2_MEMORY_DMABUF ?
        "imported dma-bufs" : "user memory",
        ret < 0 ? g_strerror (-ret) : "no buffers");
    return FALSE;
  }
  self->count = MIN (count, VIDEO_MAX_FRAME);
  self->depth = MIN (self->depth, self->count);

  if (!gst_buffer_pool_is_active (self->source) &&
      !gst_buffer_pool_set_active (self->source, TRUE)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Downstream's buffer pool %s did not start (io-mode=%s).",
        GST_OBJECT_NAME (self->source), mode_name (self));
    goto err_free;
  }

  if (refill (self, error) != GST_FLOW_OK)
    goto err_release;

  self->pollfd.fd = gst_tegra_csi_device_get_fd (self->device);
  gst_poll_add_fd (self->poll, &self->pollfd);
  gst_poll_fd_ctl_read (self->poll, &self->pollfd, TRUE);
  gst_poll_fd_ctl_pri (self->poll, &self->pollfd, TRUE);

  ret = gst_tegra_csi_device_stream_on (self->device);
  if (ret < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "Device '%s' did not start streaming (VIDIOC_STREAMON: %s).",
        path (self), g_strerror (-ret));
    goto err_release;
  }

  GST_OBJECT_LOCK (self);
  self->streaming = TRUE;
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "streaming into %u slots (at most %u queued) of "
      "%s memory from %s, alignment %u", self->count, self->depth,
      mode_name (self),
      GST_OBJECT_NAME (self->source), self->align);
  return TRUE;

err_release:
  gst_tegra_csi_import_queue_stop (self);
  return FALSE;
err_free:
  gst_tegra_csi_device_request_buffers (self->device, self->memory, &zero);
  return FALSE;
}

/**
 * gst_tegra_csi_import_queue_stop:
 * @self: a queue
 *
 * Stops streaming, returns every queued buffer to the source pool and frees
 * the V4L2 slots (which drops videobuf2's attachments and pins). Call it
 * from the thread that captures, or once that thread has stopped.
 */
static void
gst_tegra_csi_import_queue_stop (GstTegraCsiImportQueue * self)
{
  guint32 zero = 0;
  guint i;

  GST_OBJECT_LOCK (self);
  self->streaming = FALSE;
  self->n_queued = 0;
  GST_OBJECT_UNLOCK (self);

  gst_tegra_csi_device_stream_off (self->device);
  if (self->pollfd.fd >= 0) {
    gst_poll_remove_fd (self->poll, &self->pollfd);
    gst_poll_fd_init (&self->pollfd);
  }

  for (i = 0; i < VIDEO_MAX_FRAME; i++) {
    Slot *slot = &self->slots[i];

    unmap_slot (slot);
    gst_clear_buffer (&slot->buffer);
    slot->bound = FALSE;
  }
  for (i = 0; i < self->n_waiting; i++)
    gst_buffer_unref (self->waiting[i]);
  self->n_waiting = 0;
  gst_tegra_csi_device_request_buffers (self->device, self->memory, &zero);
}

/**
 * gst_tegra_csi_import_queue_set_flushing:
 * @self: a queue
 * @flushing: whether capture must return GST_FLOW_FLUSHING
 *
 * Interrupts (or allows again) waiting for a frame and for a buffer of the
 * source pool. Callable from any thread.
 */
static void
gst_tegra_csi_import_queue_set_flushing (GstTegraCsiImportQueue * self,
    gboolean flushing)
{
  gst_poll_set_flushing (self->poll, flushing);
  gst_buffer_pool_set_flushing (self->source, flushing);
}

/**
 * gst_tegra_csi_import_queue_set_timeout:
 * @self: a queue
 * @timeout_ms: how long capturing may wait for a frame while buffers are
 *   queued, in milliseconds; 0 waits for ever
 *
 * Sets the stall timeout; it applies to the next wait. Thread-safe.
 */
void
gst_tegra_csi_import_queue_set_timeout (GstTegraCsiImportQueue * self,
    guint timeout_ms)
{
  GST_OBJECT_LOCK (self);
  self->timeout_ms = timeout_ms;
  GST_OBJECT_UNLOCK (self);
}

/**
 * gst_tegra_csi_import_queue_get_rebinds:
 * @self: a queue
 *
 * Returns: how often a slot had to take memory other than its own (each
 *   costs videobuf2 a dma-buf attach and map or a user-page pin); stays 0
 *   while the source pool has no more buffers than there are slots.
 */
guint64
gst_tegra_csi_import_queue_get_rebinds (GstTegraCsiImportQueue * self)
{
  guint64 n;

  GST_OBJECT_LOCK (self);
  n = self->rebinds;
  GST_OBJECT_UNLOCK (self);
  return n;
}

/**
 * gst_tegra_csi_import_queue_get_source:
 * @self: a queue
 *
 * Returns: (transfer none): the pool the frames' memory comes from.
 */
GstBufferPool *
gst_tegra_csi_import_queue_get_source (GstTegraCsiImportQueue * self)
{
  return self->source;
}

static void
gst_tegra_csi_import_queue_finalize (GObject * object)
{
  GstTegraCsiImportQueue *self = GST_TEGRA_CSI_IMPORT_QUEUE (object);
  guint i;

  for (i = 0; i < VIDEO_MAX_FRAME; i++) {
    unmap_slot (&self->slots[i]);
    gst_clear_buffer (&self->slots[i].buffer);
  }
  for (i = 0; i < self->n_waiting; i++)
    gst_buffer_unref (self->waiting[i]);
  gst_clear_object (&self->source);
  gst_clear_object (&self->device);
  gst_poll_free (self->poll);

  G_OBJECT_CLASS (gst_tegra_csi_import_queue_parent_class)->finalize (object);
}

/* ---- GstTegraCsiCaptureQueue ---- */

static GstFlowReturn
importq_capture (GstTegraCsiCaptureQueue * queue, GstBuffer ** buffer,
    GError ** error)
{
  return gst_tegra_csi_import_queue_capture (GST_TEGRA_CSI_IMPORT_QUEUE
      (queue), buffer, error);
}

static void
importq_set_flushing (GstTegraCsiCaptureQueue * queue, gboolean flushing)
{
  gst_tegra_csi_import_queue_set_flushing (GST_TEGRA_CSI_IMPORT_QUEUE (queue),
      flushing);
}

static void
importq_set_timeout (GstTegraCsiCaptureQueue * queue, guint timeout_ms)
{
  gst_tegra_csi_import_queue_set_timeout (GST_TEGRA_CSI_IMPORT_QUEUE (queue),
      timeout_ms);
}

static void
importq_get_stats (GstTegraCsiCaptureQueue * queue, guint * queued,
    guint * buffers, guint64 * delayed)
{
  GstTegraCsiImportQueue *self = GST_TEGRA_CSI_IMPORT_QUEUE (queue);

  GST_OBJECT_LOCK (self);
  *queued = self->n_queued;
  *delayed = self->delayed;
  GST_OBJECT_UNLOCK (self);
  *buffers = self->count;
}

static guint
importq_get_max_buffers (GstTegraCsiCaptureQueue * queue)
{
  return GST_TEGRA_CSI_IMPORT_QUEUE (queue)->count;
}

static guint
importq_end (GstTegraCsiCaptureQueue * queue)
{
  /* imported memory is the other pool's: nothing to orphan */
  gst_tegra_csi_import_queue_stop (GST_TEGRA_CSI_IMPORT_QUEUE (queue));
  return 0;
}

static void
gst_tegra_csi_import_queue_capture_queue_init (GstTegraCsiCaptureQueueInterface
    * iface)
{
  iface->capture = importq_capture;
  iface->set_flushing = importq_set_flushing;
  iface->set_timeout = importq_set_timeout;
  iface->get_stats = importq_get_stats;
  iface->get_max_buffers = importq_get_max_buffers;
  iface->end = importq_end;
}

static void
gst_tegra_csi_import_queue_class_init (GstTegraCsiImportQueueClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_tegra_csi_import_queue_finalize;
}

static void
gst_tegra_csi_import_queue_init (GstTegraCsiImportQueue * self)
{
  self->poll = gst_poll_new (TRUE);
  gst_poll_fd_init (&self->pollfd);
  self->timeout_ms = 5000;
}

/* A pool of page-aligned system memory: io-mode=userptr's own memory when
 * downstream offers none. */
static GstBufferPool *
new_system_pool (void)
{
  GstBufferPool *pool = gst_buffer_pool_new ();

  gst_object_set_name (GST_OBJECT (pool), "tegracsi-userptr-pool");
  return pool;
}

/**
 * gst_tegra_csi_import_queue_configure_source:
 * @query: the ALLOCATION query downstream answered
 * @memory: `V4L2_MEMORY_DMABUF` or `V4L2_MEMORY_USERPTR`
 * @info: the negotiated layout the driver writes
 * @count: (inout): buffers the driver should have queued; on return the
 *   number of buffers the pool holds: @count plus downstream's minimum
 *   (min = max), or what the pool agreed to
 * @error: where a failure's message goes
 *
 * Finds the pool io-mode=dmabuf-import or userptr captures into: the first
 * pool of @query (downstream's, or an application's answering the query),
 * or for userptr without one a new pool of page-aligned system memory.
 * Configures it for @info's caps and size with @count buffers plus the
 * minimum downstream asked for (so that it keeps those), with
 * #GstVideoMeta when it can, and for kmssink's pool with its dma-buf export
 * option in dmabuf-import mode.
 *
 * Returns: (transfer full): the configured, inactive pool, or %NULL with
 *   @error set: dmabuf-import without a downstream pool, a pool that
 *   refuses the configuration, or (without #GstVideoMeta downstream) a
 *   driver layout downstream cannot read.
 */
GstBufferPool *
gst_tegra_csi_import_queue_configure_source (GstQuery * query, guint32 memory,
    const GstVideoInfo * info, guint * count, GError ** error)
{
  const gchar *mode = memory == V4L2_MEMORY_DMABUF ? "dmabuf-import" :
      "userptr";
  GstAllocationParams params = { 0, };
  GstBufferPool *pool = NULL;
  GstAllocator *allocator = NULL;
  GstStructure *config;
  GstCaps *caps = NULL;
  guint size, min = 0, max, total;
  gboolean video_meta;

  gst_query_parse_allocation (query, &caps, NULL);
  video_meta = gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE,
      NULL);

  if (!video_meta) {
    GstVideoInfo plain;
    guint p;

    /* Downstream assumes the default layout of the caps. */
    gst_video_info_set_format (&plain, GST_VIDEO_INFO_FORMAT (info),
        GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
    for (p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
      if (plain.stride[p] != info->stride[p] ||
          plain.offset[p] != info->offset[p]) {
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
            "Downstream does not read GstVideoMeta and expects plane %u at "
            "stride %d, but the device writes stride %d: io-mode=%s "
            "cannot give it frames it reads correctly.", p, plain.stride[p],
            info->stride[p], mode);
        return NULL;
      }
    }
  }

  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);

  if (pool == NULL) {
    if (memory == V4L2_MEMORY_DMABUF) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "io-mode=dmabuf-import captures into downstream's dma-bufs, but "
          "downstream offers no buffer pool. Use io-mode=dmabuf, or a "
          "downstream that offers dma-buf buffers (v4l2 elements with "
          "io-mode=dmabuf, kmssink, or an application answering the "
          "ALLOCATION query).");
      return NULL;
    }
    pool = new_system_pool ();
    size = info->size;
    params.align = MAX (getpagesize (), 1) - 1;
  }

  if (gst_buffer_pool_is_active (pool)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Downstream's buffer pool %s is already active and cannot be "
        "configured for io-mode=%s.", GST_OBJECT_NAME (pool), mode);
    gst_object_unref (pool);
    return NULL;
  }

  total = MIN (*count + min, VIDEO_MAX_FRAME);
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_get_allocator (config, &allocator, NULL);
  gst_buffer_pool_config_set_params (config, caps, MAX (size, info->size),
      total, total);
  if (params.align)
    gst_buffer_pool_config_set_allocator (config, allocator, &params);
  if (gst_buffer_pool_has_option (pool, GST_BUFFER_POOL_OPTION_VIDEO_META))
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (memory == V4L2_MEMORY_DMABUF &&
      gst_buffer_pool_has_option (pool, KMS_PRIME_EXPORT_OPTION))
    gst_buffer_pool_config_add_option (config, KMS_PRIME_EXPORT_OPTION);

  if (!gst_buffer_pool_set_config (pool, config)) {
    guint got_min = 0, got_max = 0;

    /* The pool may have adjusted the configuration: accept it if it still
     * gives buffers of our size. */
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_get_params (config, NULL, &size, &got_min,
        &got_max);
    if (!gst_buffer_pool_config_validate_params (config, caps, info->size,
            MIN (got_min, total), got_max) ||
        !gst_buffer_pool_set_config (pool, config)) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "Downstream's buffer pool %s refused %u buffers of %"
          G_GSIZE_FORMAT " bytes for io-mode=%s.", GST_OBJECT_NAME (pool),
          total, info->size, mode);
      gst_object_unref (pool);
      return NULL;
    }
    if (got_max)
      total = got_max;
    else if (got_min > total)
      total = got_min;
  }
  *count = total;

  return pool;
}

/**
 * gst_tegra_csi_import_queue_new:
 * @device: the open capture device, format already set
 * @memory: `V4L2_MEMORY_DMABUF` (the source's memories must be dma-bufs)
 *   or `V4L2_MEMORY_USERPTR` (they must map for writing)
 * @source: the configured pool the frames' memory comes from
 * @info: the layout the driver writes (strides, offsets)
 * @n_memories: memories per buffer (V4L2 planes)
 * @memory_sizes: (array length=n_memories): bytes the driver writes into
 *   each (sizeimage)
 * @count: V4L2 buffer slots to request, 1 to %VIDEO_MAX_FRAME: the number
 *   of buffers @source holds (fewer slots would be rebound to other memory)
 * @depth: the most buffers to keep queued to the driver, 1 to @count; the
 *   rest stay with downstream
 *
 * Returns: (transfer full): a new queue; start it with
 *   gst_tegra_csi_import_queue_start().
 */
GstTegraCsiImportQueue *
gst_tegra_csi_import_queue_new (GstTegraCsiDevice * device, guint32 memory,
    GstBufferPool * source, const GstVideoInfo * info, guint n_memories,
    const gsize * memory_sizes, guint count, guint depth)
{
  GstTegraCsiImportQueue *self;

  g_return_val_if_fail (n_memories > 0 && n_memories <= VIDEO_MAX_PLANES,
      NULL);
  g_return_val_if_fail (memory == V4L2_MEMORY_DMABUF ||
      memory == V4L2_MEMORY_USERPTR, NULL);

  self = g_object_new (GST_TYPE_TEGRA_CSI_IMPORT_QUEUE, NULL);
  gst_object_ref_sink (self);
  self->device = gst_object_ref (device);
  self->memory = memory;
  self->source = gst_object_ref (source);
  self->info = *info;
  self->n_memories = n_memories;
  memcpy (self->memory_sizes, memory_sizes, n_memories * sizeof (gsize));
  self->count = CLAMP (count, 1, VIDEO_MAX_FRAME);
  self->depth = CLAMP (depth, 1, self->count);
  return self;
}
