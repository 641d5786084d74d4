/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: opening a capture device for the element: the open errors,
 * and whether the queue is free and gives the memory of the io mode.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiopen.h"
#include "gsttegracsidebug.h"

#include <errno.h>
#include <unistd.h>

#define GST_CAT_DEFAULT gst_tegra_csi_src_debug

/* Asks for one buffer to learn whether the queue is free (another file
 * handle streaming makes REQBUFS fail with EBUSY) and whether VIDIOC_EXPBUF
 * works, then frees it. Returns 0 or the -errno of REQBUFS; *can_export
 * tells about EXPBUF. */
static gint
probe_queue (GstTegraCsiDevice * device,
    gboolean * can_export, gint * export_error)
{
  guint32 count = 1, zero = 0;
  gint ret, fd;

  *can_export = FALSE;
  *export_error = 0;

  ret = gst_tegra_csi_device_request_buffers (device, V4L2_MEMORY_MMAP,
      &count);
  if (ret < 0)
    return ret;

  if (count > 0) {
    fd = gst_tegra_csi_device_export_buffer (device, 0, 0);
    if (fd >= 0) {
      *can_export = TRUE;
      close (fd);
    } else {
      *export_error = fd;
    }
  }

  gst_tegra_csi_device_request_buffers (device, V4L2_MEMORY_MMAP, &zero);
  return 0;
}

/* Posts the error of opening @path (@err: -errno or
 * GST_TEGRA_CSI_DEVICE_ENOTCAPTURE) on @element. */
static void
post_open_error (GstElement * element, const gchar * path, gint err)
{
  switch (err) {
    case -ENOENT:
      GST_ELEMENT_ERROR (element, RESOURCE, NOT_FOUND,
          ("Device '%s' does not exist.", path), (NULL));
      break;
    case -ENODEV:
    case -ENOTTY:
    case GST_TEGRA_CSI_DEVICE_ENOTCAPTURE:
      GST_ELEMENT_ERROR (element, RESOURCE, NOT_FOUND,
          ("Device '%s' is not a V4L2 video capture device.", path),
          ("%s", err == -ENODEV ? "not a character device" :
              err == -ENOTTY ? "VIDIOC_QUERYCAP failed" :
              "no streaming video capture capability"));
      break;
    case -EBUSY:
      GST_ELEMENT_ERROR (element, RESOURCE, BUSY,
          ("Device '%s' is busy: another application is using it.", path),
          (NULL));
      break;
    default:
      GST_ELEMENT_ERROR (element, RESOURCE, OPEN_READ_WRITE,
          ("Cannot open device '%s' for reading and writing: %s.", path,
              g_strerror (-err)), (NULL));
      break;
  }
}

/**
 * gst_tegra_csi_open_memory:
 * @element: the element whose errors these are
 * @device: an open device without buffers
 * @io_mode: the io-mode property
 * @alloc: (inout): the allocation settings; sets @alloc->memory and
 *   @alloc->import_memory
 *
 * Checks that the queue of @device is free (REQBUFS of one mmap buffer)
 * and can give what @io_mode asks for: dma-buf export (VIDIOC_EXPBUF) for
 * dmabuf, the memory type for dmabuf-import and userptr. auto falls back
 * to mmap without export. Streaming thread or state change.
 *
 * Returns: TRUE, or FALSE with the cause posted as an error message on
 * @element (busy, cannot export, cannot capture into that memory).
 */
gboolean
gst_tegra_csi_open_memory (GstElement * element, GstTegraCsiDevice * device,
    GstTegraCsiIoMode io_mode, GstTegraCsiAllocationParams * alloc)
{
  const gchar *path = gst_tegra_csi_device_get_path (device);
  gboolean can_export;
  guint32 memory, zero = 0;
  gint ret, export_error;

  ret = probe_queue (device, &can_export, &export_error);
  if (ret < 0) {
    post_open_error (element, path, ret);
    return FALSE;
  }
  if (io_mode == GST_TEGRA_CSI_IO_MODE_DMABUF && !can_export) {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("Device '%s' cannot export dma-bufs: %s.", path,
            g_strerror (-export_error)),
        ("VIDIOC_EXPBUF failed; use io-mode=mmap or auto"));
    return FALSE;
  }

  alloc->memory = (io_mode == GST_TEGRA_CSI_IO_MODE_MMAP || !can_export)
      ? GST_TEGRA_CSI_POOL_MEMORY_MMAP : GST_TEGRA_CSI_POOL_MEMORY_DMABUF;
  alloc->import_memory = 0;
  if (io_mode != GST_TEGRA_CSI_IO_MODE_DMABUF_IMPORT &&
      io_mode != GST_TEGRA_CSI_IO_MODE_USERPTR)
    return TRUE;

  memory = io_mode == GST_TEGRA_CSI_IO_MODE_USERPTR ? V4L2_MEMORY_USERPTR :
      V4L2_MEMORY_DMABUF;
  ret = gst_tegra_csi_device_request_buffers (device, memory, &zero);
  if (ret < 0) {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("Device '%s' cannot capture into %s: %s.", path,
            memory == V4L2_MEMORY_DMABUF ? "imported dma-bufs" :
            "user memory", g_strerror (-ret)),
        ("VIDIOC_REQBUFS with V4L2_MEMORY_%s failed; use io-mode=dmabuf "
            "or mmap", memory == V4L2_MEMORY_DMABUF ? "DMABUF" : "USERPTR"));
    return FALSE;
  }
  alloc->import_memory = memory;
  alloc->memory = GST_TEGRA_CSI_POOL_MEMORY_MMAP;
  return TRUE;
}

/**
 * gst_tegra_csi_open_device:
 * @element: the element whose errors these are
 * @path: the device node
 *
 * Opens @path as a V4L2 streaming capture device.
 *
 * Returns: (transfer full) (nullable): the open device, or NULL with the
 *   cause posted as an error message on @element (does not exist, not a
 *   capture device, busy, cannot open).
 */
GstTegraCsiDevice *
gst_tegra_csi_open_device (GstElement * element, const gchar * path)
{
  GstTegraCsiDevice *device = gst_tegra_csi_device_new (path);
  gint ret = gst_tegra_csi_device_open (device);

  if (ret < 0) {
    post_open_error (element, path, ret);
    g_clear_object (&device);
  }
  return device;
}
