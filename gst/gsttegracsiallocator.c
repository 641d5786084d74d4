/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: dma-buf memories exported from the capture device.
 *
 * A GstDmaBufAllocator that does not allocate: it wraps the planes of the
 * device's MMAP buffers, exported once with VIDIOC_EXPBUF, in dma-buf
 * memories and keeps them. The buffer pool builds each GstBuffer from these
 * memories once and reuses them for every frame, so no plane is exported
 * twice and no byte is copied. Each memory owns its dma-buf fd: the fd is
 * closed when the last reference to the memory goes, which may be after
 * the pool stopped (the kernel keeps the buffer alive while it is exported).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiallocator.h"

#include <errno.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_tegra_csi_allocator_debug);
#define GST_CAT_DEFAULT gst_tegra_csi_allocator_debug

struct _GstTegraCsiAllocator
{
  GstDmaBufAllocator parent;

  GstTegraCsiDevice *device;
  /* Memories by buffer index and plane, one reference each. Written by
   * export() and clear(), which the pool calls from its start and stop
   * only; read by get_memory() from the same places. No lock needed. */
  GstMemory *memories[VIDEO_MAX_FRAME][VIDEO_MAX_PLANES];
  /* Number of VIDIOC_EXPBUF calls that succeeded since creation. */
  guint exports;
};

G_DEFINE_TYPE_WITH_CODE (GstTegraCsiAllocator, gst_tegra_csi_allocator,
    GST_TYPE_DMABUF_ALLOCATOR,
    GST_DEBUG_CATEGORY_INIT (gst_tegra_csi_allocator_debug,
        "tegracsi-allocator", 0, "tegracsi dma-buf allocator"));

static void
gst_tegra_csi_allocator_dispose (GObject * object)
{
  GstTegraCsiAllocator *self = GST_TEGRA_CSI_ALLOCATOR (object);

  gst_tegra_csi_allocator_clear (self);
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
 * @index: a buffer index the driver allocated with VIDIOC_REQBUFS
 * @n_planes: the number of memory planes of the buffer
 * @sizes: (array length=n_planes): the size of each plane, in bytes
 *
 * Exports every plane of buffer @index that is not exported yet and wraps
 * it in a dma-buf memory of the given size.
 *
 * Returns: 0 or the -errno of VIDIOC_EXPBUF.
 */
gint
gst_tegra_csi_allocator_export (GstTegraCsiAllocator * self, guint index,
    guint n_planes, const gsize * sizes)
{
  guint p;

  g_return_val_if_fail (index < VIDEO_MAX_FRAME, -EINVAL);
  g_return_val_if_fail (n_planes <= VIDEO_MAX_PLANES, -EINVAL);

  for (p = 0; p < n_planes; p++) {
    gint fd;

    if (self->memories[index][p] != NULL)
      continue;

    fd = gst_tegra_csi_device_export_buffer (self->device, index, p);
    if (fd < 0)
      return fd;
    self->exports++;

    /* The memory owns fd and closes it when freed. */
    self->memories[index][p] =
        gst_dmabuf_allocator_alloc (GST_ALLOCATOR (self), fd, sizes[p]);
    if (self->memories[index][p] == NULL) {
      close (fd);
      return -ENOMEM;
    }
    GST_DEBUG_OBJECT (self, "buffer %u plane %u exported as fd %d, %"
        G_GSIZE_FORMAT " bytes", index, p, fd, sizes[p]);
  }

  return 0;
}

/**
 * gst_tegra_csi_allocator_get_memory:
 * @self: an allocator
 * @index: a buffer index passed to gst_tegra_csi_allocator_export()
 * @plane: a plane of that buffer
 *
 * Returns: (transfer full) (nullable): a new reference to the memory of
 * that plane, the same memory every time, or %NULL if it was not exported.
 */
GstMemory *
gst_tegra_csi_allocator_get_memory (GstTegraCsiAllocator * self, guint index,
    guint plane)
{
  g_return_val_if_fail (index < VIDEO_MAX_FRAME, NULL);
  g_return_val_if_fail (plane < VIDEO_MAX_PLANES, NULL);

  if (self->memories[index][plane] == NULL)
    return NULL;

  return gst_memory_ref (self->memories[index][plane]);
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
  return self->exports;
}

/**
 * gst_tegra_csi_allocator_clear:
 * @self: an allocator
 *
 * Drops the allocator's reference to every memory. Memories still used by
 * buffers stay valid until those are freed.
 */
void
gst_tegra_csi_allocator_clear (GstTegraCsiAllocator * self)
{
  guint i, p;

  for (i = 0; i < VIDEO_MAX_FRAME; i++)
    for (p = 0; p < VIDEO_MAX_PLANES; p++)
      if (self->memories[i][p] != NULL) {
        gst_memory_unref (self->memories[i][p]);
        self->memories[i][p] = NULL;
      }
}
