/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Dma-bufs an application makes itself, from vgem: dumb buffers exported
 * with PRIME, wrapped in GStreamer dma-buf memory, and a pool of them.
 */
#include "tcs-vgem.h"

#include <gst/check/gstcheck.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <fcntl.h>
#include <glob.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <drm.h>
#include <drm_mode.h>

gint
tcs_vgem_open (void)
{
  glob_t g;
  gint fd = -1;
  gsize i;

  if (glob ("/dev/dri/card*", 0, NULL, &g) != 0)
    return -1;
  for (i = 0; i < g.gl_pathc && fd < 0; i++) {
    gchar name[16] = { 0 };
    struct drm_version v = {.name = name,.name_len = sizeof (name) - 1 };

    fd = open (g.gl_pathv[i], O_RDWR | O_CLOEXEC);
    if (fd >= 0 && (ioctl (fd, DRM_IOCTL_VERSION, &v) < 0 ||
            strcmp (name, "vgem") != 0)) {
      close (fd);
      fd = -1;
    }
  }
  globfree (&g);
  return fd;
}

GstMemory *
tcs_vgem_dmabuf (gint drm_fd, GstAllocator * dmabuf, gsize size)
{
  struct drm_mode_create_dumb create = {.width = 1024,.bpp = 32,
    .height = (size + 4095) / 4096
  };
  struct drm_prime_handle prime = {.flags = DRM_CLOEXEC | DRM_RDWR };
  struct drm_gem_close gem_close = { 0 };

  fail_unless (ioctl (drm_fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) == 0);
  prime.handle = create.handle;
  fail_unless (ioctl (drm_fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime) == 0);
  gem_close.handle = create.handle;
  ioctl (drm_fd, DRM_IOCTL_GEM_CLOSE, &gem_close);
  return gst_dmabuf_allocator_alloc (dmabuf, prime.fd, create.size);
}

typedef struct
{
  GstBufferPool parent;
  gint drm_fd;
  GstAllocator *dmabuf;
} VgemPool;

typedef GstBufferPoolClass VgemPoolClass;

GType vgem_pool_get_type (void);
G_DEFINE_TYPE (VgemPool, vgem_pool, GST_TYPE_BUFFER_POOL);

static GstFlowReturn
vgem_pool_alloc (GstBufferPool * pool, GstBuffer ** out,
    G_GNUC_UNUSED GstBufferPoolAcquireParams * params)
{
  VgemPool *self = (VgemPool *) pool;
  GstStructure *config = gst_buffer_pool_get_config (pool);
  guint size = 0;

  gst_buffer_pool_config_get_params (config, NULL, &size, NULL, NULL);
  gst_structure_free (config);
  *out = gst_buffer_new ();
  gst_buffer_append_memory (*out, tcs_vgem_dmabuf (self->drm_fd,
          self->dmabuf, size));
  /* the pool's size is what the buffer holds: vgem rounds up */
  gst_buffer_resize (*out, 0, size);
  return GST_FLOW_OK;
}

static void
vgem_pool_finalize (GObject * object)
{
  VgemPool *self = (VgemPool *) object;

  if (self->drm_fd >= 0)
    close (self->drm_fd);
  gst_clear_object (&self->dmabuf);
  G_OBJECT_CLASS (vgem_pool_parent_class)->finalize (object);
}

static void
vgem_pool_class_init (VgemPoolClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = vgem_pool_finalize;
  klass->alloc_buffer = vgem_pool_alloc;
}

static void
vgem_pool_init (VgemPool * self)
{
  self->drm_fd = -1;
}

GstBufferPool *
tcs_vgem_pool_new (void)
{
  VgemPool *self = g_object_new (vgem_pool_get_type (), NULL);

  gst_object_ref_sink (self);
  self->drm_fd = tcs_vgem_open ();
  fail_unless (self->drm_fd >= 0, "no vgem device (run with --with vgem)");
  self->dmabuf = gst_dmabuf_allocator_new ();
  return GST_BUFFER_POOL (self);
}

static GstPadProbeReturn
offer_pool (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    G_GNUC_UNUSED gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstBufferPool *pool;
  GstVideoInfo vinfo;
  GstCaps *caps;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;
  gst_query_parse_allocation (query, &caps, NULL);
  fail_unless (caps != NULL && gst_video_info_from_caps (&vinfo, caps));
  pool = tcs_vgem_pool_new ();
  gst_query_add_allocation_pool (query, pool, vinfo.size, 2, 0);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  gst_object_unref (pool);
  return GST_PAD_PROBE_HANDLED;
}

void
tcs_vgem_offer_pools (GstElement * sink)
{
  GstPad *pad = gst_element_get_static_pad (sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, offer_pool,
      NULL, NULL);
  gst_object_unref (pad);
}
