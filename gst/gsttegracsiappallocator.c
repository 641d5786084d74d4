/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the application's own memory as dma-buf memory.
 *
 * A GstDmaBufAllocator whose memories are ranges of the process's ordinary
 * memory (malloc(), new, posix_memalign()), exported as dma-bufs by the
 * tegra-csi-sg driver (VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR, uapi header
 * <linux/tegra-csi-sg.h>; kernel/tcs-export.c). Every importer takes them
 * as dma-bufs: tegracsisrc io-mode=dmabuf-import captures into them,
 * kmssink displays them, a V4L2 encoder encodes them. Their CPU mapping is
 * the application's own pointer, not an mmap(2) of the fd: mapping costs
 * no system call but the two DMA_BUF_IOCTL_SYNC that bracket CPU access
 * (linux/dma-buf.h; Documentation/driver-api/dma-buf.rst "CPU access").
 *
 * Two ways in:
 *  - gst_allocator_alloc() (any GstBufferPool configured with this
 *    allocator): page-aligned anonymous memory (mmap(2)), exported whole
 *    and unmapped when the memory is freed;
 *  - the "wrap" action signal: memory the application already holds, at
 *    any byte alignment, which stays the application's (never freed here).
 *
 * The driver pins the pages for the dma-buf's life (FOLL_LONGTERM, counted
 * in the process's pinned memory, bounded by RLIMIT_MEMLOCK), so DMA,
 * importers and mmap(2) of the fd stay valid even after the application
 * unmapped its range. Freeing is safe only when free() unmaps (glibc's
 * blocks served by mmap; M_MMAP_THRESHOLD below the frame size keeps them
 * so): heap memory free() keeps mapped would be handed out again by
 * malloc() while the dma-buf still uses its pages. After a GstBufferPool's
 * reset_buffer() a wrapped memory starts at its dma-buf's first byte, in
 * front of the application's pointer (tegracsisrc moves it back before it
 * captures): write only where the application's memory is.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiappallocator.h"
#include "gsttegracsidebug.h"
#include "gsttegracsidevice.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/tegra-csi-sg.h>

#define GST_CAT_DEFAULT gst_tegra_csi_app_allocator_debug

#define DRIVER_NAME "tegra-csi-sg"

/**
 * GstTegraCsiAppAllocator:
 *
 * @device: the video node exports go through (property "device"); %NULL
 *   for the first tegra-csi-sg node. Protected by the object lock.
 * @node: that node, opened on the first export (the device wrapper's
 *   open), NULL before. Protected by the object lock.
 *
 * Lock order: the object lock only; no callback runs under it.
 */
struct _GstTegraCsiAppAllocator
{
  GstDmaBufAllocator parent;

  gchar *device;
  GstTegraCsiDevice *node;
};

/* What a memory of this allocator keeps on its root memory (qdata). */
typedef struct
{
  /* the start of the dma-buf's first page in the application's memory */
  guint8 *base;
  /* where the exported range starts in the dma-buf (the driver's offset) */
  gsize export_offset;
  /* the mapping to munmap() with the memory (NULL, 0 for wrapped memory) */
  gpointer owned;
  gsize owned_size;
} AppMemory;

enum
{
  PROP_0,
  PROP_DEVICE,
};

enum
{
  SIGNAL_WRAP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (GstTegraCsiAppAllocator, gst_tegra_csi_app_allocator,
    GST_TYPE_DMABUF_ALLOCATOR);

static GQuark
app_memory_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("GstTegraCsiAppMemory");
  return quark;
}

static void
app_memory_free (gpointer data)
{
  AppMemory *app = data;

  /* The dma-buf may outlive the memory (importers hold it): unmapping is
   * safe, the pages stay pinned until its release. */
  if (app->owned)
    munmap (app->owned, app->owned_size);
  g_free (app);
}

static const AppMemory *
app_memory_of (GstMemory * mem)
{
  while (mem->parent)
    mem = mem->parent;
  if (!GST_IS_TEGRA_CSI_APP_ALLOCATOR (mem->allocator))
    return NULL;
  return gst_mini_object_get_qdata (GST_MINI_OBJECT (mem),
      app_memory_quark ());
}

/* The driver's node at @path, opened (the device wrapper's checks: a
 * character device, a V4L2 capture node), or NULL with -errno in @err:
 * -ENOTTY for a node of another driver. */
static GstTegraCsiDevice *
open_node (const gchar * path, gint * err)
{
  GstTegraCsiDevice *device = gst_tegra_csi_device_new (path);

  *err = gst_tegra_csi_device_open (device);
  if (*err == 0 &&
      strcmp (gst_tegra_csi_device_get_driver (device), DRIVER_NAME) == 0)
    return device;
  if (*err == 0 || *err == GST_TEGRA_CSI_DEVICE_ENOTCAPTURE)
    *err = -ENOTTY;
  gst_object_unref (device);
  return NULL;
}

static gint
compare_node_numbers (gconstpointer a, gconstpointer b)
{
  return (gint) g_ascii_strtoull (*(const gchar **) a + 5, NULL, 10) -
      (gint) g_ascii_strtoull (*(const gchar **) b + 5, NULL, 10);
}

/* The driver's first /dev/videoN (lowest N), or NULL. */
static GstTegraCsiDevice *
open_first_node (void)
{
  GstTegraCsiDevice *device = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open ("/dev", 0, NULL);
  const gchar *name;
  guint i;
  gint err;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "video") && g_ascii_isdigit (name[5]))
      g_ptr_array_add (names, g_strdup (name));
  if (dir)
    g_dir_close (dir);
  g_ptr_array_sort (names, compare_node_numbers);
  for (i = 0; i < names->len && device == NULL; i++) {
    gchar *path = g_build_filename ("/dev", names->pdata[i], NULL);

    device = open_node (path, &err);
    g_free (path);
  }
  g_ptr_array_unref (names);
  return device;
}

/* Must be called with the object lock held. */
static gboolean
ensure_node (GstTegraCsiAppAllocator * self, GError ** error)
{
  gint err = 0;

  if (self->node)
    return TRUE;

  if (self->device) {
    self->node = open_node (self->device, &err);
    if (self->node == NULL) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE,
          "Cannot export application memory through '%s': %s.", self->device,
          err == -ENOTTY ? "it is not a " DRIVER_NAME " video node" :
          g_strerror (-err));
      return FALSE;
    }
  } else {
    self->node = open_first_node ();
    if (self->node == NULL) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "Cannot export application memory: no " DRIVER_NAME " video node "
          "(/dev/videoN) is present or can be opened; load the driver or set "
          "the allocator's \"device\" property.");
      return FALSE;
    }
  }
  GST_INFO_OBJECT (self, "exporting application memory through '%s'",
      gst_tegra_csi_device_get_path (self->node));
  return TRUE;
}

static const gchar *
export_refusal (gint err)
{
  switch (err) {
    case EINVAL:
      return "the range is empty or the request malformed";
    case E2BIG:
      return "the range is longer than the driver's bound "
          "(TEGRA_CSI_SG_EXPORT_MAX_BYTES, 256 MiB)";
    case EOVERFLOW:
      return "the range wraps around or leaves user space";
    case EFAULT:
      return "not all of the range is mapped";
    case EOPNOTSUPP:
      return "the range is device memory (VM_IO or VM_PFNMAP), which has no "
          "pages to pin";
    case EACCES:
      return "the range is mapped read-only, and capture writes into it";
    case ENOMEM:
      return "its pages would exceed the process's locked-memory limit "
          "(RLIMIT_MEMLOCK, ulimit -l), or memory ran out";
    case ENOTTY:
      return "the driver is too old to export application memory";
    default:
      return g_strerror (err);
  }
}

/* Exports [data, data + size) through the driver; the dma-buf fd, or -1
 * with @error set. */
static gint
export_range (GstTegraCsiAppAllocator * self, gpointer data, gsize size,
    gsize * offset, GError ** error)
{
  struct tegra_csi_sg_export_userptr req;
  gint ret, err;

  gint node;

  /* The export pins up to 256 MiB: not under the object lock, on a
   * duplicate of the node that a "device" change cannot close under it. */
  GST_OBJECT_LOCK (self);
  if (!ensure_node (self, error)) {
    GST_OBJECT_UNLOCK (self);
    return -1;
  }
  node = fcntl (gst_tegra_csi_device_get_fd (self->node), F_DUPFD_CLOEXEC, 0);
  GST_OBJECT_UNLOCK (self);
  if (node < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "Cannot export application memory: %s.", g_strerror (errno));
    return -1;
  }

  memset (&req, 0, sizeof (req));
  req.addr = (guintptr) data;
  req.length = size;
  req.flags = O_CLOEXEC;
  do {
    ret = ioctl (node, VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR, &req);
  } while (ret < 0 && errno == EINTR);
  err = errno;
  close (node);

  if (ret < 0) {
    g_set_error (error, GST_RESOURCE_ERROR,
        err == ENOMEM ? GST_RESOURCE_ERROR_NO_SPACE_LEFT :
        GST_RESOURCE_ERROR_SETTINGS,
        "Cannot export the application's memory at %p (%" G_GSIZE_FORMAT
        " bytes) as a dma-buf: %s (VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR: %s).",
        data, size, export_refusal (err), g_strerror (err));
    return -1;
  }
  *offset = req.offset;
  return req.fd;
}

/* Wraps a new export in a memory: [offset, offset + size) of the dma-buf,
 * whose first page starts at @base. Takes @fd and, on success, @owned. */
static GstMemory *
new_memory (GstTegraCsiAppAllocator * self, gint fd, guint8 * base,
    gsize export_offset, gsize extent, gsize prefix, gsize size,
    gpointer owned, GstMemoryFlags flags)
{
  gsize page = getpagesize ();
  gsize total = (export_offset + extent + page - 1) / page * page;
  GstMemory *mem;
  AppMemory *app;

  mem = gst_dmabuf_allocator_alloc_with_flags (GST_ALLOCATOR (self), fd,
      total, GST_FD_MEMORY_FLAG_NONE);
  if (mem == NULL) {
    close (fd);
    return NULL;
  }
  gst_memory_resize (mem, export_offset + prefix, size);
  GST_MINI_OBJECT_FLAG_SET (mem, flags);

  app = g_new0 (AppMemory, 1);
  app->base = base;
  app->export_offset = export_offset;
  app->owned = owned;
  app->owned_size = owned ? total : 0;
  gst_mini_object_set_qdata (GST_MINI_OBJECT (mem), app_memory_quark (), app,
      app_memory_free);
  return mem;
}

/**
 * gst_tegra_csi_app_allocator_wrap:
 * @self: an application-memory allocator
 * @data: the first byte of the application's memory, any alignment; the
 *   frame is captured at exactly this address
 * @size: its length in bytes, 1 .. 256 MiB (TEGRA_CSI_SG_EXPORT_MAX_BYTES)
 * @error: where a refusal's message goes
 *
 * Exports [@data, @data + @size) of this process as a dma-buf and wraps it
 * in dma-buf memory of @size bytes: gst_memory_get_sizes() gives the
 * offset of @data in the dma-buf (its first page), the memory's fd is the
 * dma-buf, and gst_memory_map() gives @data back after DMA_BUF_IOCTL_SYNC
 * (SYNC_START on map, SYNC_END on unmap; read and/or write as the flags
 * say). The memory never frees @data: the application keeps it until no
 * one maps the memory any more. The pages themselves stay pinned, and the
 * dma-buf valid for every importer, until the memory and every other
 * reference to the dma-buf are gone. Applications call it as the action
 * signal "wrap". Callable from any thread.
 *
 * Returns: (transfer full) (nullable): the memory, or %NULL with @error
 *   set (domain %GST_RESOURCE_ERROR) saying why the driver refused: no
 *   tegra-csi-sg node, an empty or too long range, memory not all mapped,
 *   device or read-only memory, the locked-memory limit.
 */
GstMemory *
gst_tegra_csi_app_allocator_wrap (GstTegraCsiAppAllocator * self,
    gpointer data, gsize size, GError ** error)
{
  gsize offset = 0;
  GstMemory *mem;
  gint fd;

  g_return_val_if_fail (GST_IS_TEGRA_CSI_APP_ALLOCATOR (self), NULL);

  fd = export_range (self, data, size, &offset, error);
  if (fd < 0)
    return NULL;
  mem = new_memory (self, fd, (guint8 *) data - offset, offset, size, 0,
      size, NULL, 0);
  if (mem == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "Cannot wrap the dma-buf of %p in a memory.", data);
    return NULL;
  }
  GST_DEBUG_OBJECT (self, "wrapped %p (%" G_GSIZE_FORMAT " bytes) as fd %d, "
      "offset %" G_GSIZE_FORMAT, data, size, fd, offset);
  return mem;
}

/* The "wrap" action signal. */
static GstMemory *
wrap_action (GstTegraCsiAppAllocator * self, gpointer data, guint64 size,
    GError ** error)
{
  if (size > G_MAXSIZE) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Cannot export %" G_GUINT64_FORMAT " bytes: larger than memory.",
        size);
    return NULL;
  }
  return gst_tegra_csi_app_allocator_wrap (self, data, size, error);
}

/* gst_allocator_alloc(): page-aligned anonymous memory, exported whole. */
static GstMemory *
gst_tegra_csi_app_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  GstTegraCsiAppAllocator *self = GST_TEGRA_CSI_APP_ALLOCATOR (allocator);
  gsize page = getpagesize ();
  gsize align = MAX (params->align + 1, page);
  gsize extent, total, mapped, head;
  GError *error = NULL;
  guint8 *map, *block;
  GstMemory *mem;
  gsize offset;
  gint fd;

  if (!g_size_checked_add (&extent, params->prefix, size) ||
      !g_size_checked_add (&extent, extent, params->padding) ||
      extent > TEGRA_CSI_SG_EXPORT_MAX_BYTES ||
      (align & (align - 1)) != 0 || align > TEGRA_CSI_SG_EXPORT_MAX_BYTES) {
    GST_ERROR_OBJECT (self, "cannot allocate %" G_GSIZE_FORMAT " bytes "
        "(prefix %" G_GSIZE_FORMAT ", padding %" G_GSIZE_FORMAT ", align %"
        G_GSIZE_FORMAT "): the driver exports at most %llu bytes", size,
        params->prefix, params->padding, params->align + 1,
        (unsigned long long) TEGRA_CSI_SG_EXPORT_MAX_BYTES);
    return NULL;
  }
  total = (MAX (extent, 1) + page - 1) / page * page;
  /* mmap(2) gives page alignment; for more, map the slack and trim it */
  mapped = total + align - page;
  map = mmap (NULL, mapped, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    GST_ERROR_OBJECT (self, "cannot map %" G_GSIZE_FORMAT " bytes: %s",
        mapped, g_strerror (errno));
    return NULL;
  }
  block = (guint8 *) (((guintptr) map + align - 1) & ~(guintptr) (align - 1));
  head = block - map;
  if (head)
    munmap (map, head);
  if (mapped - head > total)
    munmap (block + total, mapped - head - total);
  /* anonymous memory is zero-filled: ZERO_PREFIXED/PADDED hold already */

  fd = export_range (self, block, total, &offset, &error);
  if (fd < 0) {
    GST_ERROR_OBJECT (self, "%s", error->message);
    g_error_free (error);
    munmap (block, total);
    return NULL;
  }
  mem = new_memory (self, fd, block, 0, extent, params->prefix, size, block,
      params->flags);
  if (mem == NULL) {
    munmap (block, total);
    return NULL;
  }
  GST_DEBUG_OBJECT (self, "allocated %p (%" G_GSIZE_FORMAT " bytes) as fd %d",
      block, total, fd);
  return mem;
}

static gboolean
cpu_sync (GstMemory * mem, GstMapFlags flags, guint64 when)
{
  struct dma_buf_sync sync = { when };
  gint fd = gst_fd_memory_get_fd (mem);

  if (flags & GST_MAP_READ)
    sync.flags |= DMA_BUF_SYNC_READ;
  if (flags & GST_MAP_WRITE)
    sync.flags |= DMA_BUF_SYNC_WRITE;
  while (ioctl (fd, DMA_BUF_IOCTL_SYNC, &sync) < 0) {
    if (errno != EINTR && errno != EAGAIN) {
      GST_WARNING_OBJECT (mem->allocator, "fd %d: DMA_BUF_IOCTL_SYNC "
          "failed: %s", fd, g_strerror (errno));
      return FALSE;
    }
  }
  return TRUE;
}

/* The application's pointer to the dma-buf's first page; GstMemory adds
 * the memory's offset. */
static gpointer
gst_tegra_csi_app_memory_map (GstMemory * mem, GstMapInfo * info,
    G_GNUC_UNUSED gsize maxsize)
{
  const AppMemory *app = app_memory_of (mem);

  if (app == NULL || !cpu_sync (mem, info->flags, DMA_BUF_SYNC_START))
    return NULL;
  return app->base;
}

static void
gst_tegra_csi_app_memory_unmap (GstMemory * mem, GstMapInfo * info)
{
  cpu_sync (mem, info->flags, DMA_BUF_SYNC_END);
}

/**
 * gst_tegra_csi_app_memory_get_export_offset:
 * @mem: any memory
 * @offset: (out): where the driver writes into @mem's dma-buf: the offset
 *   of the application's first byte in its first page
 *
 * Returns: whether @mem (or the memory it was shared from) is application
 *   memory of a #GstTegraCsiAppAllocator.
 */
gboolean
gst_tegra_csi_app_memory_get_export_offset (GstMemory * mem, gsize * offset)
{
  const AppMemory *app = app_memory_of (mem);

  if (app == NULL)
    return FALSE;
  *offset = app->export_offset;
  return TRUE;
}

static void
gst_tegra_csi_app_allocator_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTegraCsiAppAllocator *self = GST_TEGRA_CSI_APP_ALLOCATOR (object);

  switch (prop_id) {
    case PROP_DEVICE:
      GST_OBJECT_LOCK (self);
      g_free (self->device);
      self->device = g_value_dup_string (value);
      /* The next export opens the new node. */
      gst_clear_object (&self->node);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_tegra_csi_app_allocator_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTegraCsiAppAllocator *self = GST_TEGRA_CSI_APP_ALLOCATOR (object);

  switch (prop_id) {
    case PROP_DEVICE:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->device);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_tegra_csi_app_allocator_finalize (GObject * object)
{
  GstTegraCsiAppAllocator *self = GST_TEGRA_CSI_APP_ALLOCATOR (object);

  gst_clear_object (&self->node);
  g_free (self->device);

  G_OBJECT_CLASS (gst_tegra_csi_app_allocator_parent_class)->finalize (object);
}

static void
gst_tegra_csi_app_allocator_class_init (GstTegraCsiAppAllocatorClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_tegra_csi_app_allocator_set_property;
  gobject_class->get_property = gst_tegra_csi_app_allocator_get_property;
  gobject_class->finalize = gst_tegra_csi_app_allocator_finalize;
  GST_ALLOCATOR_CLASS (klass)->alloc = gst_tegra_csi_app_allocator_alloc;

  /**
   * GstTegraCsiAppAllocator:device:
   *
   * The tegra-csi-sg video node (/dev/videoN) the driver exports through;
   * %NULL (the default) for the first one present. Any of the driver's
   * nodes serves, streaming or not; setting it closes the node in use.
   */
  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "The tegra-csi-sg video node (/dev/videoN) that exports the "
          "application's memory; NULL for the first one present.", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstTegraCsiAppAllocator::wrap:
   * @allocator: the allocator
   * @data: (type gpointer): the application's first byte, any alignment
   * @size: its length in bytes, 1 .. 268435456 (256 MiB)
   * @error: (type gpointer): a GError ** for the refusal, or NULL
   *
   * Action signal: exports the application's memory [@data, @data + @size)
   * as a dma-buf and returns it as dma-buf memory whose CPU mapping is
   * @data (see gst_tegra_csi_app_allocator_wrap() in
   * gst/gsttegracsiappallocator.c for the full contract).
   *
   * Returns: (transfer full) (nullable): the memory, or NULL with @error
   *   set (GST_RESOURCE_ERROR) saying why the driver refused.
   */
  signals[SIGNAL_WRAP] = g_signal_new_class_handler ("wrap",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (wrap_action), NULL, NULL, NULL, GST_TYPE_MEMORY, 3,
      G_TYPE_POINTER, G_TYPE_UINT64, G_TYPE_POINTER);
}

static void
gst_tegra_csi_app_allocator_init (GstTegraCsiAppAllocator * self)
{
  GstAllocator *allocator = GST_ALLOCATOR (self);

  /* GstDmaBufAllocator's own map would mmap(2) the fd: the CPU mapping
   * of application memory is the application's pointer. */
  allocator->mem_map_full = gst_tegra_csi_app_memory_map;
  allocator->mem_unmap_full = gst_tegra_csi_app_memory_unmap;
}

/**
 * gst_tegra_csi_app_allocator_register:
 *
 * Registers one allocator as %GST_TEGRA_CSI_APP_ALLOCATOR_NAME (the
 * plugin does, when it loads). Applications find it with
 * gst_allocator_find(), or make their own with g_object_new() of the type
 * named "GstTegraCsiAppAllocator" (its own "device").
 */
void
gst_tegra_csi_app_allocator_register (void)
{
  GstAllocator *allocator =
      g_object_new (GST_TYPE_TEGRA_CSI_APP_ALLOCATOR, NULL);

  gst_object_ref_sink (allocator);
  gst_allocator_register (GST_TEGRA_CSI_APP_ALLOCATOR_NAME, allocator);
}
