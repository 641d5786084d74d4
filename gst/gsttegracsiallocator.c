/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: dma-buf memories exported from the capture device.
 *
 * A GstDmaBufAllocator that does not allocate: it wraps a plane of one of
 * the device's MMAP buffers, exported with VIDIOC_EXPBUF, in a dma-buf
 * memory. The buffer pool exports each plane once, when it creates the
 * buffer, and recycles that memory for every frame (it returns to the pool
 * through its dispose function, gsttegracsibufferpool.c), so no plane is
 * exported twice and no byte is copied. Each memory owns its dma-buf fd:
 * the fd is closed when the memory is freed, which may be after the pool
 * stopped (the kernel keeps the buffer alive while it is exported).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiallocator.h"
#include "gsttegracsidebug.h"

#include <errno.h>
#include <unistd.h>

#define GST_CAT_DEFAULT gst_tegra_csi_allocator_debug

struct _GstTegraCsiAllocator
{
  GstDmaBufAllocator parent;

  GstTegraCsiDevice *device;
  /* Number of VIDIOC_EXPBUF calls that succeeded since creation; atomic. */
  gint exports;
};

G_DEFINE_TYPE (GstTegraCsiAllocator, gst_tegra_csi_allocator,
    GST_TYPE_DMABUF_ALLOCATOR);

static void
gst_tegra_csi_allocator_dispose (GObject * object)
{
  GstTegraCsiAllocator *self = GST_TEGRA_CSI_ALLOCATOR (object);

  gst_clear_object (&self->device);

  G_OBJECT_CLASS (gst_tegra_csi_allocator_parent_class)->dispose (object);
}

static void
gst_tegra_csi_allocator_class_init (GstTegraCsiAllocatorClass * klass)
{
  G_OBJECT_CLASS (klass)->dispose = gst_tegra_csi_allocator_dispose;
}

static void
gst_tegra_csi_allocator_init (GstTegraCsiAllocator * self)
{
  /* Nothing may be allocated from it: memories come from export() only. */
  GST_OBJECT_FLAG_SET (self, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

/**
 * gst_tegra_csi_allocator_new:
 * @device: the open capture device whose buffers are exported
 *
 * Returns: (transfer full): a new allocator holding no memory.
 */
GstTegraCsiAllocator *
gst_tegra_csi_allocator_new (GstTegraCsiDevice * device)
{
  GstTegraCsiAllocator *self =
      g_object_new (GST_TYPE_TEGRA_CSI_ALLOCATOR, NULL);

  gst_object_ref_sink (self);
  self->device = gst_object_ref (device);

  return self;
}

/**
 * gst_tegra_csi_allocator_export:
 * @self: an allocator
 * @index: a buffer index the driver allocated (VIDIOC_REQBUFS or
 *   VIDIOC_CREATE_BUFS, V4L2_MEMORY_MMAP)
 * @plane: a memory plane of that buffer
 * @size: the size of the plane, in bytes (sizeimage)
 * @error: (out): the -errno of VIDIOC_EXPBUF when it fails, else 0
 *
 * Exports one plane with VIDIOC_EXPBUF and wraps it in a dma-buf memory
 * of @size bytes that owns the new fd. The memory is flagged
 * %GST_FD_MEMORY_FLAG_KEEP_MAPPED: once a CPU consumer mapped it, the
 * mapping stays until the memory is freed, so mapping it again for the
 * next frame costs no mmap(2) or munmap(2) (GstDmaBufAllocator still
 * brackets each map with the two DMA_BUF_IOCTL_SYNC calls the CPU caches
 * need). Callable from any thread.
 *
 * Returns: (transfer full) (nullable): the memory, or %NULL with @error set.
 */
GstMemory *
gst_tegra_csi_allocator_export (GstTegraCsiAllocator * self, guint index,
    guint plane, gsize size, gint * error)
{
  GstMemory *mem;
  gint fd;

  *error = 0;
  fd = gst_tegra_csi_device_export_buffer (self->device, index, plane);
  if (fd < 0) {
    *error = fd;
    return NULL;
  }
  g_atomic_int_inc (&self->exports);

  mem = gst_dmabuf_allocator_alloc_with_flags (GST_ALLOCATOR (self), fd, size,
      GST_FD_MEMORY_FLAG_KEEP_MAPPED);
  if (mem == NULL) {
    close (fd);
    *error = -ENOMEM;
    return NULL;
  }
  GST_DEBUG_OBJECT (self, "buffer %u plane %u exported as fd %d, %"
      G_GSIZE_FORMAT " bytes", index, plane, fd, size);
  return mem;
}

/**
 * gst_tegra_csi_allocator_get_exports:
 * @self: an allocator
 *
 * Returns: how many planes were exported with VIDIOC_EXPBUF since the
 * allocator was created (tests use it to check that exports are reused).
 */
guint
gst_tegra_csi_allocator_get_exports (GstTegraCsiAllocator * self)
{
  return g_atomic_int_get (&self->exports);
}
