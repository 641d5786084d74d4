/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the tegracsisrc element.
 */
#ifndef __GST_TEGRA_CSI_SRC_H__
#define __GST_TEGRA_CSI_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

/**
 * GstTegraCsiIoMode:
 * @GST_TEGRA_CSI_IO_MODE_AUTO: dma-buf export when the device supports
 *   VIDIOC_EXPBUF, else mmap.
 * @GST_TEGRA_CSI_IO_MODE_MMAP: mmap(2) the driver's buffers.
 * @GST_TEGRA_CSI_IO_MODE_DMABUF: export the driver's buffers as dma-bufs.
 * @GST_TEGRA_CSI_IO_MODE_DMABUF_IMPORT: capture into the dma-bufs of
 *   downstream's buffer pool (V4L2_MEMORY_DMABUF).
 * @GST_TEGRA_CSI_IO_MODE_USERPTR: capture into the memory of downstream's
 *   (or the application's) pool, or of the element's own page-aligned
 *   system-memory pool (V4L2_MEMORY_USERPTR).
 *
 * How buffers move between the driver and the pipeline.
 */
typedef enum
{
  GST_TEGRA_CSI_IO_MODE_AUTO,
  GST_TEGRA_CSI_IO_MODE_MMAP,
  GST_TEGRA_CSI_IO_MODE_DMABUF,
  GST_TEGRA_CSI_IO_MODE_DMABUF_IMPORT,
  GST_TEGRA_CSI_IO_MODE_USERPTR,
} GstTegraCsiIoMode;

/**
 * GstTegraCsiErrorFrames:
 * @GST_TEGRA_CSI_ERROR_FRAMES_DROP: drop frames the driver flags as
 *   erroneous.
 * @GST_TEGRA_CSI_ERROR_FRAMES_MARK: push them with
 *   %GST_BUFFER_FLAG_CORRUPTED set.
 *
 * What to do with buffers the driver returns with V4L2_BUF_FLAG_ERROR.
 */
typedef enum
{
  GST_TEGRA_CSI_ERROR_FRAMES_DROP,
  GST_TEGRA_CSI_ERROR_FRAMES_MARK,
} GstTegraCsiErrorFrames;

#define GST_TYPE_TEGRA_CSI_SRC (gst_tegra_csi_src_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiSrc, gst_tegra_csi_src, GST, TEGRA_CSI_SRC,
    GstPushSrc)

GST_ELEMENT_REGISTER_DECLARE (tegracsisrc);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_SRC_H__ */
