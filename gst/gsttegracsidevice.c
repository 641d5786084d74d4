/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: a V4L2 video capture device, with no knowledge of pads or caps.
 *
 * A plain object with verb methods: open, close, query formats, set the
 * format, request, query, export, queue and dequeue buffers, stream on and
 * off, find and set controls. Every method returns 0 (or a non-negative
 * value) on success and -errno on failure, after logging
 * "'<path>' VIDIOC_X failed: <reason>". Ioctls are retried on EINTR.
 *
 * Threading: every method may be called from any thread. Each ioctl runs
 * with fd_lock held for reading and close() takes it for writing, so an
 * ioctl never reaches a closed fd, nor a reused fd number that now belongs
 * to another file: after close() the methods return -EBADF without a
 * system call. open() must not run concurrently with the other methods.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsidevice.h"
#include "gsttegracsidebug.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define GST_CAT_DEFAULT gst_tegra_csi_device_debug

struct _GstTegraCsiDevice
{
  GstObject parent;

  gchar *path;
  /* fd_lock protects fd: held for reading across every ioctl, for writing
   * by open() and close() when they change fd. It nests inside nothing.
   * buf_type, card, driver and cap are written by open() and close()
   * only. buf_caps (what VIDIOC_REQBUFS reported) is atomic. */
  GRWLock fd_lock;
  gint fd;
  gint buf_caps;
  guint32 buf_type;
  gchar card[32];
  gchar driver[16];
  struct v4l2_capability cap;
};

G_DEFINE_TYPE (GstTegraCsiDevice, gst_tegra_csi_device, GST_TYPE_OBJECT);

static gint
xioctl (GstTegraCsiDevice * self, unsigned long request, void *arg)
{
  gint ret;

  g_rw_lock_reader_lock (&self->fd_lock);
  if (self->fd < 0) {
    g_rw_lock_reader_unlock (&self->fd_lock);
    return -EBADF;
  }
  do {
    ret = ioctl (self->fd, request, arg);
  } while (ret < 0 && errno == EINTR);
  if (ret < 0)
    ret = -errno;
  g_rw_lock_reader_unlock (&self->fd_lock);

  return ret;
}

#define LOG_FAILURE(self, name, err) \
  GST_WARNING_OBJECT (self, "'%s' " name " failed: %s", (self)->path, \
      g_strerror (-(err)))

static void
gst_tegra_csi_device_finalize (GObject * object)
{
  GstTegraCsiDevice *self = GST_TEGRA_CSI_DEVICE (object);

  gst_tegra_csi_device_close (self);
  g_free (self->path);
  g_rw_lock_clear (&self->fd_lock);

  G_OBJECT_CLASS (gst_tegra_csi_device_parent_class)->finalize (object);
}

static void
gst_tegra_csi_device_class_init (GstTegraCsiDeviceClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_tegra_csi_device_finalize;
}

static void
gst_tegra_csi_device_init (GstTegraCsiDevice * self)
{
  g_rw_lock_init (&self->fd_lock);
  self->fd = -1;
}

/**
 * gst_tegra_csi_device_new:
 * @path: the device node, such as `/dev/video0`
 *
 * Creates a closed device wrapper.
 *
 * Returns: (transfer full): a new device.
 */
GstTegraCsiDevice *
gst_tegra_csi_device_new (const gchar * path)
{
  GstTegraCsiDevice *self = g_object_new (GST_TYPE_TEGRA_CSI_DEVICE, NULL);

  gst_object_ref_sink (self);
  self->path = g_strdup (path);

  return self;
}

/**
 * gst_tegra_csi_device_get_path:
 * @self: a device
 *
 * Returns: (transfer none): the device node path given at creation.
 */
const gchar *
gst_tegra_csi_device_get_path (GstTegraCsiDevice * self)
{
  return self->path;
}

/**
 * gst_tegra_csi_device_open:
 * @self: a device
 *
 * Checks that the path is a character device, opens it
 * `O_RDWR | O_NONBLOCK | O_CLOEXEC` and checks with VIDIOC_QUERYCAP that it
 * is a V4L2 video capture device (single- or multi-planar; the single-planar
 * interface is preferred when both are offered). Opening an open device
 * does nothing.
 *
 * Returns: 0 on success; -ENOENT if the path does not exist; -ENODEV if it
 * is not a character device; -ENOTTY if it is not a V4L2 device;
 * %GST_TEGRA_CSI_DEVICE_ENOTCAPTURE if it cannot capture video; another
 * -errno from open(2).
 */
gint
gst_tegra_csi_device_open (GstTegraCsiDevice * self)
{
  struct v4l2_capability cap = { 0 };
  struct stat st;
  guint32 caps;
  gint fd, ret;

  if (self->fd >= 0)
    return 0;

  if (stat (self->path, &st) < 0) {
    ret = -errno;
    GST_WARNING_OBJECT (self, "'%s' stat failed: %s", self->path,
        g_strerror (errno));
    return ret;
  }

  if (!S_ISCHR (st.st_mode)) {
    GST_WARNING_OBJECT (self, "'%s' is not a character device", self->path);
    return -ENODEV;
  }

  fd = open (self->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    ret = -errno;
    GST_WARNING_OBJECT (self, "'%s' open failed: %s", self->path,
        g_strerror (errno));
    return ret;
  }

  g_rw_lock_writer_lock (&self->fd_lock);
  self->fd = fd;
  g_rw_lock_writer_unlock (&self->fd_lock);

  ret = xioctl (self, VIDIOC_QUERYCAP, &cap);
  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_QUERYCAP", ret);
    ret = -ENOTTY;
    goto err_close;
  }

  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ?
      cap.device_caps : cap.capabilities;

  if (caps & V4L2_CAP_VIDEO_CAPTURE) {
    self->buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  } else if (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) {
    self->buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  } else {
    GST_WARNING_OBJECT (self, "'%s' has no video capture capability "
        "(device caps 0x%08x)", self->path, caps);
    ret = GST_TEGRA_CSI_DEVICE_ENOTCAPTURE;
    goto err_close;
  }

  if (!(caps & V4L2_CAP_STREAMING)) {
    GST_WARNING_OBJECT (self, "'%s' does not support streaming I/O",
        self->path);
    ret = GST_TEGRA_CSI_DEVICE_ENOTCAPTURE;
    goto err_close;
  }

  g_strlcpy (self->card, (const gchar *) cap.card, sizeof (self->card));
  g_strlcpy (self->driver, (const gchar *) cap.driver, sizeof (self->driver));
  self->cap = cap;

  GST_INFO_OBJECT (self, "opened '%s': driver %s, card '%s', %s", self->path,
      self->driver, self->card,
      self->buf_type == V4L2_BUF_TYPE_VIDEO_CAPTURE ? "single-planar" :
      "multi-planar");

  return 0;

err_close:
  gst_tegra_csi_device_close (self);
  return ret;
}

/**
 * gst_tegra_csi_device_close:
 * @self: a device
 *
 * Closes the device. Closing a closed device does nothing.
 */
void
gst_tegra_csi_device_close (GstTegraCsiDevice * self)
{
  gint fd;

  /* waits for the ioctls running now; none starts after */
  g_rw_lock_writer_lock (&self->fd_lock);
  fd = self->fd;
  self->fd = -1;
  if (fd >= 0) {
    GST_DEBUG_OBJECT (self, "closing '%s'", self->path);
    close (fd);
  }
  g_rw_lock_writer_unlock (&self->fd_lock);
  self->buf_type = 0;
  self->card[0] = '\0';
  self->driver[0] = '\0';
  memset (&self->cap, 0, sizeof (self->cap));
}

/**
 * gst_tegra_csi_device_get_fd:
 * @self: a device
 *
 * Returns: the file descriptor of the open device, or -1 when closed. It
 * is valid until the device is closed: use it (mmap, poll) only while the
 * caller knows the device stays open.
 */
gint
gst_tegra_csi_device_get_fd (GstTegraCsiDevice * self)
{
  gint fd;

  g_rw_lock_reader_lock (&self->fd_lock);
  fd = self->fd;
  g_rw_lock_reader_unlock (&self->fd_lock);

  return fd;
}

/**
 * gst_tegra_csi_device_can_orphan_buffers:
 * @self: a device whose buffers were requested at least once
 *
 * Whether the last VIDIOC_REQBUFS reported
 * `V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS` (videobuf2, Linux 4.20 and later):
 * VIDIOC_REQBUFS(0) then frees the queue at once even while buffers are
 * mapped or exported, and those stay valid until their last user goes.
 *
 * Returns: %TRUE when buffers can be orphaned.
 */
gboolean
gst_tegra_csi_device_can_orphan_buffers (GstTegraCsiDevice * self)
{
  return (g_atomic_int_get (&self->buf_caps) &
      V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS) != 0;
}

/**
 * gst_tegra_csi_device_get_card:
 * @self: an open device
 *
 * Returns: (transfer none): the card name from VIDIOC_QUERYCAP, or "" when
 * closed.
 */
const gchar *
gst_tegra_csi_device_get_card (GstTegraCsiDevice * self)
{
  return self->card;
}

/**
 * gst_tegra_csi_device_get_driver:
 * @self: an open device
 *
 * Returns: (transfer none): the driver name from VIDIOC_QUERYCAP, or "" when
 * closed.
 */
const gchar *
gst_tegra_csi_device_get_driver (GstTegraCsiDevice * self)
{
  return self->driver;
}

/**
 * gst_tegra_csi_device_get_capability:
 * @self: an open device
 *
 * Returns: (transfer none): what VIDIOC_QUERYCAP answered at open (bus
 * info, version, capabilities and device capabilities included), all
 * zeroes when closed.
 */
const struct v4l2_capability *
gst_tegra_csi_device_get_capability (GstTegraCsiDevice * self)
{
  return &self->cap;
}

/**
 * gst_tegra_csi_device_get_buf_type:
 * @self: an open device
 *
 * Returns: `V4L2_BUF_TYPE_VIDEO_CAPTURE` or
 * `V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE`, or 0 when closed.
 */
guint32
gst_tegra_csi_device_get_buf_type (GstTegraCsiDevice * self)
{
  return self->buf_type;
}

/**
 * gst_tegra_csi_device_enum_formats:
 * @self: an open device
 *
 * Lists the pixel formats with VIDIOC_ENUM_FMT.
 *
 * Returns: (transfer full): an array of `struct v4l2_fmtdesc`, empty on
 * failure.
 */
GArray *
gst_tegra_csi_device_enum_formats (GstTegraCsiDevice * self)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (struct v4l2_fmtdesc));
  guint32 i;

  for (i = 0;; i++) {
    struct v4l2_fmtdesc desc = {.index = i,.type = self->buf_type };
    gint ret = xioctl (self, VIDIOC_ENUM_FMT, &desc);

    if (ret < 0) {
      if (ret != -EINVAL)
        LOG_FAILURE (self, "VIDIOC_ENUM_FMT", ret);
      break;
    }
    g_array_append_val (array, desc);
  }

  return array;
}

/**
 * gst_tegra_csi_device_enum_frame_sizes:
 * @self: an open device
 * @fourcc: a pixel format the device offers
 *
 * Lists the frame sizes of @fourcc with VIDIOC_ENUM_FRAMESIZES. A stepwise
 * or continuous answer is a single entry.
 *
 * Returns: (transfer full): an array of `struct v4l2_frmsizeenum`, empty if
 * the driver does not enumerate sizes.
 */
GArray *
gst_tegra_csi_device_enum_frame_sizes (GstTegraCsiDevice * self,
    guint32 fourcc)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (struct v4l2_frmsizeenum));
  guint32 i;

  for (i = 0;; i++) {
    struct v4l2_frmsizeenum size = {.index = i,.pixel_format = fourcc };
    gint ret = xioctl (self, VIDIOC_ENUM_FRAMESIZES, &size);

    if (ret < 0) {
      if (ret != -EINVAL || i == 0)
        GST_DEBUG_OBJECT (self, "'%s' VIDIOC_ENUM_FRAMESIZES stopped: %s",
            self->path, g_strerror (-ret));
      break;
    }
    g_array_append_val (array, size);
    if (size.type != V4L2_FRMSIZE_TYPE_DISCRETE)
      break;
  }

  return array;
}

/**
 * gst_tegra_csi_device_enum_frame_intervals:
 * @self: an open device
 * @fourcc: a pixel format the device offers
 * @width: a frame width from gst_tegra_csi_device_enum_frame_sizes()
 * @height: a frame height from gst_tegra_csi_device_enum_frame_sizes()
 *
 * Lists the frame intervals with VIDIOC_ENUM_FRAMEINTERVALS. A stepwise or
 * continuous answer is a single entry.
 *
 * Returns: (transfer full): an array of `struct v4l2_frmivalenum`, empty if
 * the driver does not enumerate intervals.
 */
GArray *
gst_tegra_csi_device_enum_frame_intervals (GstTegraCsiDevice * self,
    guint32 fourcc, guint32 width, guint32 height)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (struct v4l2_frmivalenum));
  guint32 i;

  for (i = 0;; i++) {
    struct v4l2_frmivalenum ival = {.index = i,.pixel_format = fourcc,
      .width = width,.height = height
    };
    gint ret = xioctl (self, VIDIOC_ENUM_FRAMEINTERVALS, &ival);

    if (ret < 0)
      break;
    g_array_append_val (array, ival);
    if (ival.type != V4L2_FRMIVAL_TYPE_DISCRETE)
      break;
  }

  return array;
}

/**
 * gst_tegra_csi_device_try_format:
 * @self: an open device
 * @fmt: (inout): the wanted format; on return the one the driver would use
 *
 * Asks the driver with VIDIOC_TRY_FMT, changing nothing on the device.
 * @fmt->type is filled in.
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_try_format (GstTegraCsiDevice * self,
    struct v4l2_format *fmt)
{
  gint ret;

  fmt->type = self->buf_type;
  ret = xioctl (self, VIDIOC_TRY_FMT, fmt);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_TRY_FMT", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_set_format:
 * @self: an open device
 * @fmt: (inout): the wanted format; on return the one the driver chose
 *
 * Sets the format with VIDIOC_S_FMT. @fmt->type is filled in.
 *
 * Returns: 0 or -errno (-EBUSY while another file handle owns the queue).
 */
gint
gst_tegra_csi_device_set_format (GstTegraCsiDevice * self,
    struct v4l2_format *fmt)
{
  gint ret;

  fmt->type = self->buf_type;
  ret = xioctl (self, VIDIOC_S_FMT, fmt);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_S_FMT", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_set_frame_interval:
 * @self: an open device
 * @numerator: (inout): time per frame, numerator, in seconds
 * @denominator: (inout): time per frame, denominator
 *
 * Sets the frame interval with VIDIOC_S_PARM; on return the interval the
 * driver chose.
 *
 * Returns: 0, -ENOTTY if the device has no frame interval control, or
 * another -errno.
 */
gint
gst_tegra_csi_device_set_frame_interval (GstTegraCsiDevice * self,
    guint32 * numerator, guint32 * denominator)
{
  struct v4l2_streamparm parm = {.type = self->buf_type };
  gint ret;

  parm.parm.capture.timeperframe.numerator = *numerator;
  parm.parm.capture.timeperframe.denominator = *denominator;

  ret = xioctl (self, VIDIOC_S_PARM, &parm);
  if (ret < 0) {
    if (ret != -ENOTTY)
      LOG_FAILURE (self, "VIDIOC_S_PARM", ret);
    return ret;
  }
  if (!(parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME))
    return -ENOTTY;             /* answered, but has no frame interval */

  if (parm.parm.capture.timeperframe.denominator != 0) {
    *numerator = parm.parm.capture.timeperframe.numerator;
    *denominator = parm.parm.capture.timeperframe.denominator;
  }

  return 0;
}

/**
 * gst_tegra_csi_device_get_frame_interval:
 * @self: an open device
 * @numerator: (out): time per frame, numerator, in seconds
 * @denominator: (out): time per frame, denominator
 *
 * Reads the current frame interval with VIDIOC_G_PARM.
 *
 * Returns: 0, -ENOTTY if the device has no frame interval, or another
 * -errno.
 */
gint
gst_tegra_csi_device_get_frame_interval (GstTegraCsiDevice * self,
    guint32 * numerator, guint32 * denominator)
{
  struct v4l2_streamparm parm = {.type = self->buf_type };
  gint ret;

  ret = xioctl (self, VIDIOC_G_PARM, &parm);
  if (ret < 0)
    return ret;
  if (parm.parm.capture.timeperframe.denominator == 0 ||
      parm.parm.capture.timeperframe.numerator == 0)
    return -ENOTTY;

  *numerator = parm.parm.capture.timeperframe.numerator;
  *denominator = parm.parm.capture.timeperframe.denominator;
  return 0;
}

/**
 * gst_tegra_csi_device_set_capture_error:
 * @self: a device
 * @err: the -errno of a failed capture call (poll, VIDIOC_DQBUF,
 *   VIDIOC_QBUF, ...)
 * @error: (out): the error for GST_ELEMENT_ERROR
 *
 * Describes a capture failure: -EBUSY as the device being busy; -EIO,
 * -ENODEV, -ENXIO and -EBADF as the device being gone (the driver marks
 * its queue in error when the hardware disappears); anything else as a
 * failed capture, with the reason.
 */
void
gst_tegra_csi_device_set_capture_error (GstTegraCsiDevice * self, gint err,
    GError ** error)
{
  switch (err) {
    case -EBUSY:
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY,
          "Device '%s' is busy: another application is using it.",
          self->path);
      break;
    case -EIO:
    case -ENODEV:
    case -ENXIO:
    case -EBADF:
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "Device '%s' is gone: %s.", self->path, g_strerror (-err));
      break;
    default:
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "Capture from device '%s' failed: %s.", self->path,
          g_strerror (-err));
      break;
  }
}

/**
 * gst_tegra_csi_device_set_stall_error:
 * @self: a device
 * @timeout_ms: how long no frame came while buffers were queued
 * @error: (out): the error for GST_ELEMENT_ERROR
 *
 * Describes a stalled sensor.
 */
void
gst_tegra_csi_device_set_stall_error (GstTegraCsiDevice * self,
    guint timeout_ms, GError ** error)
{
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
      "Device '%s' stalled: no frame for %u ms.", self->path, timeout_ms);
}

/**
 * gst_tegra_csi_device_get_pixel_aspect:
 * @self: an open device
 * @numerator: (out): the pixel aspect as VIDIOC_CROPCAP reports it,
 *   numerator
 * @denominator: (out): denominator
 *
 * Reads `pixelaspect` with VIDIOC_CROPCAP: per the V4L2 specification
 * ("struct v4l2_cropcap") the ratio of the actual sampling frequency to the
 * one that gives square pixels, i.e. pixel height over width (11/10 for
 * BT.601 NTSC, whose pixels are 10/11 as wide as they are high).
 *
 * Returns: 0; -ENOTTY when the driver does not implement it, -ENODATA
 *   when it answers 0/0 or 1/1 would be assumed; another -errno.
 */
gint
gst_tegra_csi_device_get_pixel_aspect (GstTegraCsiDevice * self,
    guint32 * numerator, guint32 * denominator)
{
  struct v4l2_cropcap cropcap = {.type = self->buf_type };
  gint ret;

  /* The single-planar type for both interfaces (V4L2 spec, CROPCAP). */
  if (cropcap.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
    cropcap.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  ret = xioctl (self, VIDIOC_CROPCAP, &cropcap);
  if (ret < 0) {
    GST_DEBUG_OBJECT (self, "'%s' VIDIOC_CROPCAP: %s", self->path,
        g_strerror (-ret));
    return ret;
  }
  if (cropcap.pixelaspect.numerator == 0 ||
      cropcap.pixelaspect.denominator == 0)
    return -ENODATA;
  *numerator = cropcap.pixelaspect.numerator;
  *denominator = cropcap.pixelaspect.denominator;
  return 0;
}

/**
 * gst_tegra_csi_device_get_selection:
 * @self: an open device
 * @target: `V4L2_SEL_TGT_CROP`, `V4L2_SEL_TGT_CROP_BOUNDS`, ...
 * @rect: (out): the rectangle
 *
 * Reads a selection rectangle with VIDIOC_G_SELECTION; for the crop
 * bounds, VIDIOC_CROPCAP's bounds when the driver has no selection API.
 *
 * Returns: 0 or -errno (-ENOTTY, -EINVAL, -ENODATA: no such rectangle).
 */
gint
gst_tegra_csi_device_get_selection (GstTegraCsiDevice * self, guint32 target,
    struct v4l2_rect *rect)
{
  struct v4l2_selection sel = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .target = target
  };
  gint ret = xioctl (self, VIDIOC_G_SELECTION, &sel);

  if (ret == 0) {
    *rect = sel.r;
    return 0;
  }
  if (target == V4L2_SEL_TGT_CROP_BOUNDS) {
    struct v4l2_cropcap cropcap = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

    if (xioctl (self, VIDIOC_CROPCAP, &cropcap) == 0) {
      *rect = cropcap.bounds;
      return 0;
    }
  }
  return ret;
}

/**
 * gst_tegra_csi_device_set_selection:
 * @self: an open device
 * @target: `V4L2_SEL_TGT_CROP`, ...
 * @rect: (inout): the wanted rectangle; on return the one the driver set
 *
 * Sets a selection rectangle with VIDIOC_S_SELECTION (the single-planar
 * buffer type, which the V4L2 specification asks for both interfaces).
 *
 * Returns: 0 or -errno (-ENOTTY: the driver cannot crop).
 */
gint
gst_tegra_csi_device_set_selection (GstTegraCsiDevice * self, guint32 target,
    struct v4l2_rect *rect)
{
  struct v4l2_selection sel = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .target = target,.r = *rect
  };
  gint ret = xioctl (self, VIDIOC_S_SELECTION, &sel);

  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_S_SELECTION", ret);
    return ret;
  }
  *rect = sel.r;
  return 0;
}

/**
 * gst_tegra_csi_device_subscribe_source_change:
 * @self: an open device
 *
 * Subscribes to V4L2_EVENT_SOURCE_CHANGE of the current input
 * (VIDIOC_G_INPUT; 0 when the driver has no inputs): the device then
 * polls POLLPRI when the input's signal changes (a new resolution or
 * standard).
 *
 * Returns: 0, or -errno when the driver does not send that event.
 */
gint
gst_tegra_csi_device_subscribe_source_change (GstTegraCsiDevice * self)
{
  struct v4l2_event_subscription sub = {.type = V4L2_EVENT_SOURCE_CHANGE };
  guint32 input = 0;

  if (xioctl (self, VIDIOC_G_INPUT, &input) == 0)
    sub.id = input;
  return xioctl (self, VIDIOC_SUBSCRIBE_EVENT, &sub);
}

/**
 * gst_tegra_csi_device_dequeue_event:
 * @self: an open device
 * @type: (out): the event's type (`V4L2_EVENT_*`)
 *
 * Takes one pending event with VIDIOC_DQEVENT.
 *
 * Returns: 0, -ENOENT when none is pending, or another -errno.
 */
gint
gst_tegra_csi_device_dequeue_event (GstTegraCsiDevice * self, guint32 * type)
{
  struct v4l2_event ev;
  gint ret;

  memset (&ev, 0, sizeof (ev));
  ret = xioctl (self, VIDIOC_DQEVENT, &ev);
  if (ret == 0)
    *type = ev.type;
  return ret;
}

/**
 * gst_tegra_csi_device_follow_source:
 * @self: an open device, without buffers
 *
 * After a source change, sets what the current input now receives: the
 * detected DV timings (VIDIOC_QUERY_DV_TIMINGS, VIDIOC_S_DV_TIMINGS) of a
 * digital input, the detected standard (VIDIOC_QUERYSTD, VIDIOC_S_STD) of
 * an analog one. Does nothing for an input that has neither (a camera).
 */
void
gst_tegra_csi_device_follow_source (GstTegraCsiDevice * self)
{
  struct v4l2_input in = { 0 };
  guint32 input = 0;

  if (xioctl (self, VIDIOC_G_INPUT, &input) < 0)
    return;
  in.index = input;
  if (xioctl (self, VIDIOC_ENUMINPUT, &in) < 0)
    return;
  if (in.capabilities & V4L2_IN_CAP_DV_TIMINGS) {
    struct v4l2_dv_timings t = { 0 };

    if (xioctl (self, VIDIOC_QUERY_DV_TIMINGS, &t) == 0)
      xioctl (self, VIDIOC_S_DV_TIMINGS, &t);
  } else if (in.capabilities & V4L2_IN_CAP_STD) {
    v4l2_std_id std = 0;

    if (xioctl (self, VIDIOC_QUERYSTD, &std) == 0 && std)
      xioctl (self, VIDIOC_S_STD, &std);
  }
}

/**
 * gst_tegra_csi_device_get_standard:
 * @self: an open device
 * @std: (out): the current video standard (`V4L2_STD_*` bits)
 *
 * Reads the analog video standard with VIDIOC_G_STD.
 *
 * Returns: 0, -ENOTTY or -ENODATA when the input has no standard, or
 *   another -errno.
 */
gint
gst_tegra_csi_device_get_standard (GstTegraCsiDevice * self, guint64 * std)
{
  v4l2_std_id id = 0;
  gint ret = xioctl (self, VIDIOC_G_STD, &id);

  if (ret == 0)
    *std = id;
  return ret;
}

/**
 * gst_tegra_csi_device_request_buffers:
 * @self: an open device
 * @memory: `V4L2_MEMORY_MMAP`, `V4L2_MEMORY_DMABUF` or `V4L2_MEMORY_USERPTR`
 * @count: (inout): the number of buffers wanted; on return the number the
 *   driver allocated. 0 frees them all.
 *
 * Calls VIDIOC_REQBUFS.
 *
 * Returns: 0 or -errno (-EBUSY while another file handle owns the queue).
 */
gint
gst_tegra_csi_device_request_buffers (GstTegraCsiDevice * self,
    guint32 memory, guint32 * count)
{
  struct v4l2_requestbuffers req = {.count = *count,.type = self->buf_type,
    .memory = memory
  };
  gint ret;

  ret = xioctl (self, VIDIOC_REQBUFS, &req);
  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_REQBUFS", ret);
    return ret;
  }

  GST_DEBUG_OBJECT (self, "'%s' asked for %u buffers, got %u (caps 0x%x)",
      self->path, *count, req.count, req.capabilities);
  *count = req.count;
  g_atomic_int_set (&self->buf_caps, req.capabilities);

  return 0;
}

/**
 * gst_tegra_csi_device_create_buffers:
 * @self: an open, streaming or idle device whose queue has MMAP buffers
 * @memory: `V4L2_MEMORY_MMAP`
 * @index: (out): the index of the new buffer
 *
 * Adds one buffer for the current format (VIDIOC_G_FMT) to the queue with
 * VIDIOC_CREATE_BUFS (V4L2 spec, "ioctl VIDIOC_CREATE_BUFS"); works while
 * streaming.
 *
 * Returns: 0, -ENOBUFS when the driver has no room for another buffer, or
 *   another -errno (-ENOTTY: the driver lacks the ioctl).
 */
gint
gst_tegra_csi_device_create_buffers (GstTegraCsiDevice * self,
    guint32 memory, guint32 * index)
{
  struct v4l2_create_buffers create = {.count = 1,.memory = memory };
  gint ret;

  create.format.type = self->buf_type;
  ret = xioctl (self, VIDIOC_G_FMT, &create.format);
  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_G_FMT", ret);
    return ret;
  }

  ret = xioctl (self, VIDIOC_CREATE_BUFS, &create);
  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_CREATE_BUFS", ret);
    return ret;
  }
  if (create.count == 0)
    return -ENOBUFS;

  GST_DEBUG_OBJECT (self, "'%s' created buffer %u", self->path, create.index);
  *index = create.index;
  return 0;
}

static void
prepare_buffer (GstTegraCsiDevice * self, struct v4l2_buffer *buf)
{
  buf->type = self->buf_type;
  if (self->buf_type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
    g_return_if_fail (buf->m.planes != NULL);
    if (buf->length == 0)
      buf->length = VIDEO_MAX_PLANES;
  }
}

/**
 * gst_tegra_csi_device_query_buffer:
 * @self: an open device
 * @buf: (inout): index and memory set by the caller; for the multi-planar
 *   interface also m.planes pointing at VIDEO_MAX_PLANES planes
 *
 * Calls VIDIOC_QUERYBUF.
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_query_buffer (GstTegraCsiDevice * self,
    struct v4l2_buffer *buf)
{
  gint ret;

  prepare_buffer (self, buf);
  ret = xioctl (self, VIDIOC_QUERYBUF, buf);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_QUERYBUF", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_export_buffer:
 * @self: an open device
 * @index: the buffer index
 * @plane: the plane of the buffer
 *
 * Exports one plane of an MMAP buffer as a dma-buf with VIDIOC_EXPBUF
 * (`O_RDWR | O_CLOEXEC`).
 *
 * Returns: the new dma-buf file descriptor (the caller owns it), or -errno.
 */
gint
gst_tegra_csi_device_export_buffer (GstTegraCsiDevice * self, guint32 index,
    guint32 plane)
{
  struct v4l2_exportbuffer exp = {.type = self->buf_type,.index = index,
    .plane = plane,.flags = O_RDWR | O_CLOEXEC
  };
  gint ret;

  ret = xioctl (self, VIDIOC_EXPBUF, &exp);
  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_EXPBUF", ret);
    return ret;
  }

  return exp.fd;
}

/**
 * gst_tegra_csi_device_queue_buffer:
 * @self: an open device
 * @buf: index and memory set by the caller (and m.planes for the
 *   multi-planar interface)
 *
 * Queues a buffer to the driver with VIDIOC_QBUF.
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_queue_buffer (GstTegraCsiDevice * self,
    struct v4l2_buffer *buf)
{
  gint ret;

  prepare_buffer (self, buf);
  ret = xioctl (self, VIDIOC_QBUF, buf);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_QBUF", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_dequeue_buffer:
 * @self: an open device
 * @buf: (inout): memory set by the caller (and m.planes for the
 *   multi-planar interface); on return the completed buffer
 *
 * Dequeues a completed buffer with VIDIOC_DQBUF without blocking.
 *
 * Returns: 0, -EAGAIN if none is ready, or another -errno (-EIO or
 * -ENODEV once the device is gone).
 */
gint
gst_tegra_csi_device_dequeue_buffer (GstTegraCsiDevice * self,
    struct v4l2_buffer *buf)
{
  gint ret;

  prepare_buffer (self, buf);
  ret = xioctl (self, VIDIOC_DQBUF, buf);
  if (ret < 0 && ret != -EAGAIN)
    LOG_FAILURE (self, "VIDIOC_DQBUF", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_stream_on:
 * @self: an open device
 *
 * Starts streaming with VIDIOC_STREAMON.
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_stream_on (GstTegraCsiDevice * self)
{
  guint32 type = self->buf_type;
  gint ret;

  ret = xioctl (self, VIDIOC_STREAMON, &type);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_STREAMON", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_stream_off:
 * @self: an open device
 *
 * Stops streaming with VIDIOC_STREAMOFF; every queued buffer returns to the
 * dequeued state.
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_stream_off (GstTegraCsiDevice * self)
{
  guint32 type = self->buf_type;
  gint ret;

  ret = xioctl (self, VIDIOC_STREAMOFF, &type);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_STREAMOFF", ret);

  return ret;
}

/* The name v4l2-ctl uses: lower case, every run of other characters becomes
 * one underscore, no underscore at either end. */
static gchar *
control_key (const gchar * name)
{
  GString *s = g_string_new (NULL);
  gboolean pending = FALSE;

  for (; *name; name++) {
    if (g_ascii_isalnum (*name)) {
      if (pending && s->len > 0)
        g_string_append_c (s, '_');
      pending = FALSE;
      g_string_append_c (s, g_ascii_tolower (*name));
    } else {
      pending = TRUE;
    }
  }

  return g_string_free (s, FALSE);
}

/**
 * gst_tegra_csi_device_query_control:
 * @self: an open device
 * @id: a control id
 * @ctrl: (out caller-allocates): its description
 *
 * Describes one control with VIDIOC_QUERY_EXT_CTRL.
 *
 * Returns: 0, or -EINVAL when the device has no such control.
 */
gint
gst_tegra_csi_device_query_control (GstTegraCsiDevice * self, guint32 id,
    struct v4l2_query_ext_ctrl *ctrl)
{
  memset (ctrl, 0, sizeof (*ctrl));
  ctrl->id = id;
  return xioctl (self, VIDIOC_QUERY_EXT_CTRL, ctrl);
}

/**
 * gst_tegra_csi_device_find_control:
 * @self: an open device
 * @name: a control name as v4l2-ctl spells it (`drop_next_frames`; dashes
 *   are taken as underscores, case is ignored)
 * @ctrl: (out caller-allocates): the control's description
 *
 * Walks the controls with VIDIOC_QUERY_EXT_CTRL looking for @name.
 *
 * Returns: 0, -ENOENT if there is no such control, or another -errno.
 */
gint
gst_tegra_csi_device_find_control (GstTegraCsiDevice * self,
    const gchar * name, struct v4l2_query_ext_ctrl *ctrl)
{
  gchar *want = control_key (name);
  guint32 id = V4L2_CTRL_FLAG_NEXT_CTRL;
  gint ret = -ENOENT;

  for (;;) {
    gchar *key;
    gint r;

    memset (ctrl, 0, sizeof (*ctrl));
    ctrl->id = id;
    r = xioctl (self, VIDIOC_QUERY_EXT_CTRL, ctrl);
    if (r < 0) {
      if (r != -EINVAL)
        ret = r;
      break;
    }
    id = ctrl->id | V4L2_CTRL_FLAG_NEXT_CTRL;

    if (ctrl->type == V4L2_CTRL_TYPE_CTRL_CLASS)
      continue;

    key = control_key (ctrl->name);
    if (g_str_equal (key, want)) {
      g_free (key);
      ret = 0;
      break;
    }
    g_free (key);
  }

  g_free (want);
  return ret;
}

static gboolean
control_is_64bit (GstTegraCsiDevice * self, guint32 id)
{
  struct v4l2_query_ext_ctrl q = {.id = id };

  return xioctl (self, VIDIOC_QUERY_EXT_CTRL, &q) == 0
      && q.type == V4L2_CTRL_TYPE_INTEGER64;
}

/**
 * gst_tegra_csi_device_set_control:
 * @self: an open device
 * @id: a control id
 * @value: the new value (integer, 64-bit integer, boolean, bitmask, menu
 *   index or button controls)
 *
 * Sets one control with VIDIOC_S_EXT_CTRLS (a 64-bit value for
 * `V4L2_CTRL_TYPE_INTEGER64`, as VIDIOC_QUERY_EXT_CTRL says).
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_set_control (GstTegraCsiDevice * self, guint32 id,
    gint64 value)
{
  struct v4l2_ext_control ctrl = {.id = id };
  struct v4l2_ext_controls ctrls = {.which = V4L2_CTRL_WHICH_CUR_VAL,
    .count = 1,.controls = &ctrl
  };
  gint ret;

  if (control_is_64bit (self, id))
    ctrl.value64 = value;
  else
    ctrl.value = (gint32) value;

  ret = xioctl (self, VIDIOC_S_EXT_CTRLS, &ctrls);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_S_EXT_CTRLS", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_set_control_string:
 * @self: an open device
 * @id: a control of type `V4L2_CTRL_TYPE_STRING`
 * @value: the new string (the control's length limits apply)
 *
 * Sets one string control with VIDIOC_S_EXT_CTRLS.
 *
 * Returns: 0 or -errno (-ERANGE: too short or too long).
 */
gint
gst_tegra_csi_device_set_control_string (GstTegraCsiDevice * self, guint32 id,
    const gchar * value)
{
  struct v4l2_ext_control ctrl = {.id = id,.size = strlen (value) + 1,
    .string = (gchar *) value
  };
  struct v4l2_ext_controls ctrls = {.which = V4L2_CTRL_WHICH_CUR_VAL,
    .count = 1,.controls = &ctrl
  };
  gint ret;

  ret = xioctl (self, VIDIOC_S_EXT_CTRLS, &ctrls);
  if (ret < 0)
    LOG_FAILURE (self, "VIDIOC_S_EXT_CTRLS", ret);

  return ret;
}

/**
 * gst_tegra_csi_device_find_menu_entry:
 * @self: an open device
 * @ctrl: a menu control (`V4L2_CTRL_TYPE_MENU`), from
 *   gst_tegra_csi_device_find_control()
 * @name: the name of an entry (case is ignored)
 * @index: (out): its index, the control's value for that entry
 *
 * Looks @name up among the entries VIDIOC_QUERYMENU lists (entries the
 * driver skips are not listed).
 *
 * Returns: 0, or -ENOENT when the menu has no such entry.
 */
gint
gst_tegra_csi_device_find_menu_entry (GstTegraCsiDevice * self,
    const struct v4l2_query_ext_ctrl *ctrl, const gchar * name,
    gint64 * index)
{
  gint64 i;

  for (i = ctrl->minimum; i <= ctrl->maximum; i++) {
    struct v4l2_querymenu menu = {.id = ctrl->id,.index = i };

    if (xioctl (self, VIDIOC_QUERYMENU, &menu) == 0 &&
        g_ascii_strcasecmp ((const gchar *) menu.name, name) == 0) {
      *index = i;
      return 0;
    }
  }
  return -ENOENT;
}

/**
 * gst_tegra_csi_device_get_control:
 * @self: an open device
 * @id: a control id
 * @value: (out): the current value
 *
 * Reads one control with VIDIOC_G_EXT_CTRLS.
 *
 * Returns: 0 or -errno.
 */
gint
gst_tegra_csi_device_get_control (GstTegraCsiDevice * self, guint32 id,
    gint64 * value)
{
  struct v4l2_ext_control ctrl = {.id = id };
  struct v4l2_ext_controls ctrls = {.which = V4L2_CTRL_WHICH_CUR_VAL,
    .count = 1,.controls = &ctrl
  };
  gint ret;

  ret = xioctl (self, VIDIOC_G_EXT_CTRLS, &ctrls);
  if (ret < 0) {
    LOG_FAILURE (self, "VIDIOC_G_EXT_CTRLS", ret);
    return ret;
  }

  *value = control_is_64bit (self, id) ? ctrl.value64 : ctrl.value;
  return 0;
}

/**
 * gst_tegra_csi_device_init_format:
 * @self: an open device
 * @fmt: (out caller-allocates): the format to fill
 * @width: width in pixels
 * @height: height in lines
 * @fourcc: V4L2 pixel format
 *
 * Fills @fmt for VIDIOC_TRY_FMT / VIDIOC_S_FMT with the device's buffer type
 * (single- or multi-planar, V4L2 spec "Data Formats"), the size, @fourcc and
 * progressive field order; the driver fills in strides and sizes.
 */
void
gst_tegra_csi_device_init_format (GstTegraCsiDevice * self,
    struct v4l2_format *fmt, guint width, guint height, guint32 fourcc)
{
  memset (fmt, 0, sizeof (*fmt));
  fmt->type = gst_tegra_csi_device_get_buf_type (self);
  if (fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
    fmt->fmt.pix_mp.width = width;
    fmt->fmt.pix_mp.height = height;
    fmt->fmt.pix_mp.pixelformat = fourcc;
    fmt->fmt.pix_mp.field = V4L2_FIELD_NONE;
  } else {
    fmt->fmt.pix.width = width;
    fmt->fmt.pix.height = height;
    fmt->fmt.pix.pixelformat = fourcc;
    fmt->fmt.pix.field = V4L2_FIELD_NONE;
  }
}
