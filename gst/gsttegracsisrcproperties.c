/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the properties of tegracsisrc, installed with their gtk-doc
 * documentation, and the enum types of io-mode and error-frames. The
 * element (gsttegracsisrc.c) sets and gets them.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsisrcproperties.h"

/* Registers enum @name with @values the first time, from any thread. */
static GType
register_enum_once (gsize * type, const gchar * name,
    const GEnumValue * values)
{
  if (g_once_init_enter (type)) {
    GType t = g_enum_register_static (name, values);
    g_once_init_leave (type, t);
  }
  return *type;
}

/**
 * gst_tegra_csi_io_mode_get_type:
 *
 * Returns: the #GEnum type of #GstTegraCsiIoMode, registered once, from
 * any thread.
 */
GType
gst_tegra_csi_io_mode_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_TEGRA_CSI_IO_MODE_AUTO,
        "Export dma-bufs when the device can, else mmap", "auto"},
    {GST_TEGRA_CSI_IO_MODE_MMAP, "Map the driver's buffers", "mmap"},
    {GST_TEGRA_CSI_IO_MODE_DMABUF,
        "Export the driver's buffers as dma-bufs", "dmabuf"},
    {GST_TEGRA_CSI_IO_MODE_DMABUF_IMPORT,
        "Capture into the dma-bufs of downstream's pool",
        "dmabuf-import"},
    {GST_TEGRA_CSI_IO_MODE_USERPTR,
        "Capture into the memory of downstream's (or the application's) pool",
        "userptr"},
    {0, NULL, NULL},
  };

  return register_enum_once (&type, "GstTegraCsiIoMode", values);
}

/**
 * gst_tegra_csi_error_frames_get_type:
 *
 * Returns: the #GEnum type of #GstTegraCsiErrorFrames, registered once,
 * from any thread.
 */
GType
gst_tegra_csi_error_frames_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_TEGRA_CSI_ERROR_FRAMES_DROP, "Drop the frame", "drop"},
    {GST_TEGRA_CSI_ERROR_FRAMES_MARK,
        "Push the frame flagged as corrupted", "mark"},
    {0, NULL, NULL},
  };

  return register_enum_once (&type, "GstTegraCsiErrorFrames", values);
}

/* A crop-* property: static strings, READY-mutable, pixels or lines. */
static void
install_crop_edge (GObjectClass * gobject_class, guint prop_id,
    const gchar * name, const gchar * nick, const gchar * blurb)
{
  g_object_class_install_property (gobject_class, prop_id,
      g_param_spec_uint (name, nick, blurb, 0, G_MAXINT, 0,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
}

/**
 * gst_tegra_csi_src_properties_install:
 * @gobject_class: the class of #GstTegraCsiSrc
 *
 * Installs the element's properties (ids: the PROP_* values of
 * gsttegracsisrcproperties.h); blurbs are one sentence, the details in the
 * gtk-doc comments. Class init only.
 */
void
gst_tegra_csi_src_properties_install (GObjectClass * gobject_class)
{
  /**
   * GstTegraCsiSrc:device:
   *
   * Path of the V4L2 video capture device node to open, single- or
   * multi-planar (the single-planar interface when a node has both).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "Path of the V4L2 video capture device node to open.",
          DEFAULT_DEVICE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstTegraCsiSrc:device-name:
   *
   * The card name the driver reports for the open device
   * (VIDIOC_QUERYCAP), or %NULL while the device is closed.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DEVICE_NAME,
      g_param_spec_string ("device-name", "Device Name",
          "Card name of the open device (VIDIOC_QUERYCAP), NULL while it is "
          "closed.", NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstTegraCsiSrc:device-fd:
   *
   * The file descriptor of the open device, or -1 while it is closed.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_DEVICE_FD,
      g_param_spec_int ("device-fd", "Device File Descriptor",
          "File descriptor of the open device, -1 while it is closed.", -1,
          G_MAXINT, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstTegraCsiSrc:io-mode:
   *
   * How frames reach the pipeline: auto exports dma-bufs when the device
   * supports VIDIOC_EXPBUF and maps the buffers otherwise; mmap maps them;
   * dmabuf exports them and fails if the device cannot; dmabuf-import
   * captures into the dma-bufs of downstream's buffer pool (v4l2 elements
   * with io-mode=dmabuf, kmssink, an application's pool) and fails without
   * one; userptr captures into the memory of downstream's pool, or of a
   * page-aligned system-memory pool of the element's when downstream
   * offers none, and fails with a specific message on memory the device
   * cannot use (misaligned, too small, device-mapped VM_PFNMAP memory
   * such as DRM dumb buffers).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_IO_MODE,
      g_param_spec_enum ("io-mode", "I/O Mode",
          "How frames reach the pipeline: the driver's buffers exported or "
          "mapped, or downstream's buffers filled by the driver.",
          GST_TYPE_TEGRA_CSI_IO_MODE, DEFAULT_IO_MODE, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));

  /**
   * GstTegraCsiSrc:capture-buffers:
   *
   * The most buffers the driver may hold. The element starts with 4, or 2
   * more than downstream needs, but not above this, and adds one
   * (VIDIOC_CREATE_BUFS) whenever downstream holds them all, up to this;
   * beyond it the driver drops frames (see
   * #GstTegraCsiSrc:copy-on-starvation). In io-mode=dmabuf-import and
   * userptr it is the most buffers queued to the driver at once; the other
   * pool is asked for that many plus the minimum downstream needs. 0 is
   * automatic: at most twice the starting number (import modes: the
   * starting number). 1 is taken as 2.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_CAPTURE_BUFFERS,
      g_param_spec_uint ("capture-buffers", "Capture Buffers",
          "Most buffers the driver may hold, 2 to 32, or 0 for twice the "
          "starting number.", 0, MAX_CAPTURE_BUFFERS,
          DEFAULT_CAPTURE_BUFFERS, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
          | GST_PARAM_MUTABLE_READY));

  /**
   * GstTegraCsiSrc:extra-controls:
   *
   * V4L2 controls to set, as a structure whose field names are the control
   * names v4l2-ctl uses and whose values are integers or booleans, for
   * example "c,exposure=10000,test_pattern=1". Applied when the device
   * opens and at once when set while it is open. A control that does not
   * exist or refuses the value gives a warning message naming it.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_EXTRA_CONTROLS,
      g_param_spec_boxed ("extra-controls", "Extra Controls",
          "V4L2 controls to set by their v4l2-ctl names, as a structure "
          "such as c,exposure=10000.", GST_TYPE_STRUCTURE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstTegraCsiSrc:timeout:
   *
   * Time in milliseconds without a frame, while buffers are queued to the
   * driver, after which the sensor counts as stalled and the element posts
   * an error instead of waiting for ever.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Milliseconds without a frame, while buffers are queued, before "
          "the element posts a stall error.", 1, MAX_TIMEOUT, DEFAULT_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstTegraCsiSrc:error-frames:
   *
   * What to do with a frame the driver flags with V4L2_BUF_FLAG_ERROR:
   * drop it, or push it with %GST_BUFFER_FLAG_CORRUPTED set (mark). Either
   * way it is counted in stats errored.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_ERROR_FRAMES,
      g_param_spec_enum ("error-frames", "Error Frames",
          "What to do with a frame the driver flags with "
          "V4L2_BUF_FLAG_ERROR.", GST_TYPE_TEGRA_CSI_ERROR_FRAMES,
          DEFAULT_ERROR_FRAMES, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstTegraCsiSrc:stats:
   *
   * Counters since the element started: captured (frames dequeued from
   * the driver), dropped (frames missing from the driver's sequence
   * numbers), errored (frames flagged V4L2_BUF_FLAG_ERROR), bytes-copied
   * (bytes the element copied: default-layout copies and
   * copy-on-starvation), delayed-returns (buffers whose return to the
   * driver waited for a memory still referenced elsewhere), all guint64;
   * queued (guint, buffers queued to the driver now) and buffers (guint,
   * buffers the driver has now, grown by VIDIOC_CREATE_BUFS).
   *
   * Since: 0.1 (delayed-returns: 0.2)
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters since the element started: frames captured, dropped and "
          "errored, bytes copied, delayed returns, buffers queued and held.",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstTegraCsiSrc:copy-on-starvation:
   *
   * When downstream holds every buffer but the one just captured and no
   * more can be added (capture-buffers reached), push a system-memory copy
   * of that frame and give its buffer back to the driver at once, so that
   * the driver is not left without one. Every byte copied is counted in
   * stats bytes-copied. Off: nothing is copied for starvation; the driver
   * drops frames while it has no buffer, counted in stats dropped and
   * posted as QoS.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_COPY_ON_STARVATION,
      g_param_spec_boolean ("copy-on-starvation", "Copy On Starvation",
          "Whether to push a copy of the frame that would leave the driver "
          "without a buffer rather than let it drop frames.",
          DEFAULT_COPY_ON_STARVATION, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstTegraCsiSrc:pixel-aspect-ratio:
   *
   * The pixel aspect ratio the raw caps carry, overriding the device's:
   * without it, the inverse of the `pixelaspect` that VIDIOC_CROPCAP
   * reports (V4L2 gives height over width; 1/1 when the driver gives
   * none). 0/1 (the default) means the device's. Read when the device
   * opens.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class, PROP_PIXEL_ASPECT_RATIO,
      gst_param_spec_fraction ("pixel-aspect-ratio", "Pixel Aspect Ratio",
          "Pixel aspect ratio of the raw caps, overriding the device's "
          "(VIDIOC_CROPCAP) unless 0/1.", 0, 1, G_MAXINT, 1, 0,
          1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstTegraCsiSrc:crop-top:
   *
   * Lines removed at the top of the crop bounds (see
   * #GstTegraCsiSrc:crop-bounds), as v4l2src's crop-top: the element sets
   * the crop rectangle with VIDIOC_S_SELECTION when the device opens, and
   * the caps then have the rectangle's size (the driver does not scale). A
   * device that cannot crop makes it an error.
   *
   * Since: 0.2
   */
  install_crop_edge (gobject_class, PROP_CROP_TOP, "crop-top",
      "Crop Top",
      "Lines removed at the top of the device's crop bounds.");

  /**
   * GstTegraCsiSrc:crop-left:
   *
   * Pixels removed at the left of the crop bounds, as
   * #GstTegraCsiSrc:crop-top.
   *
   * Since: 0.2
   */
  install_crop_edge (gobject_class, PROP_CROP_LEFT, "crop-left",
      "Crop Left",
      "Pixels removed at the left of the device's crop bounds.");

  /**
   * GstTegraCsiSrc:crop-bottom:
   *
   * Lines removed at the bottom of the crop bounds, as
   * #GstTegraCsiSrc:crop-top.
   *
   * Since: 0.2
   */
  install_crop_edge (gobject_class, PROP_CROP_BOTTOM, "crop-bottom",
      "Crop Bottom",
      "Lines removed at the bottom of the device's crop bounds.");

  /**
   * GstTegraCsiSrc:crop-right:
   *
   * Pixels removed at the right of the crop bounds, as
   * #GstTegraCsiSrc:crop-top.
   *
   * Since: 0.2
   */
  install_crop_edge (gobject_class, PROP_CROP_RIGHT, "crop-right",
      "Crop Right",
      "Pixels removed at the right of the device's crop bounds.");

  /**
   * GstTegraCsiSrc:crop-bounds:
   *
   * The area the device can crop from, as four integers: left, top, width
   * and height (VIDIOC_G_SELECTION V4L2_SEL_TGT_CROP_BOUNDS, or
   * VIDIOC_CROPCAP's bounds); empty while the device is closed or when it
   * has none. As v4l2src's crop-bounds.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class, PROP_CROP_BOUNDS,
      gst_param_spec_array ("crop-bounds", "Crop Bounds",
          "Left, top, width and height of the area the device can crop "
          "from, empty when unknown.", g_param_spec_int ("rect-value",
              "Rectangle Value", "One of left, top, width and height.",
              G_MININT, G_MAXINT, 0, G_PARAM_READABLE |
              G_PARAM_STATIC_STRINGS), G_PARAM_READABLE |
          G_PARAM_STATIC_STRINGS));
}
