/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The capture device under test, found and queried with plain V4L2,
 * independent of the element: its nodes, its formats and the small
 * default format the tests capture in.
 */
#include "tcs-v4l2.h"

#include <linux/tegra-csi-sg.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The tests capture at the highest rate up to 10 fps a device offers
 * (else its lowest): under TCG on shared cores the sensor threads of both
 * drivers run tens of milliseconds late now and then, and faster rates
 * make vivid's thread late enough to trip a kernel warning
 * (schedule_timeout with a negative value). */
#define MAX_TEST_FPS 10

const gchar *driver;
gchar *device;
gchar *device2;
gchar *other_node;
gboolean ours;

gint
open_node (const gchar * path, struct v4l2_capability *cap)
{
  gint fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return -1;
  memset (cap, 0, sizeof (*cap));
  if (ioctl (fd, VIDIOC_QUERYCAP, cap) < 0) {
    close (fd);
    return -1;
  }
  return fd;
}

void
find_nodes (void)
{
  guint i;

  for (i = 0; i < 64; i++) {
    gchar *path = g_strdup_printf ("/dev/video%u", i);
    struct v4l2_capability cap;
    gint fd = open_node (path, &cap);
    guint32 caps;

    if (fd < 0) {
      g_free (path);
      continue;
    }
    close (fd);
    caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
        cap.capabilities;
    if (g_str_equal ((gchar *) cap.driver, driver)) {
      if ((caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE))
          && (device == NULL || device2 == NULL)) {
        if (device == NULL)
          device = path;
        else
          device2 = path;
        continue;
      }
      if (!(caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE))
          && other_node == NULL) {
        other_node = path;
        continue;
      }
    }
    g_free (path);
  }
}

/* The first capture node of @driver_name (sets driver and the nodes), as
 * a new string, or NULL. */
gchar *
capture_node_of (const gchar * driver_name)
{
  driver = driver_name;
  if (device == NULL)
    find_nodes ();
  return g_strdup (device);
}

guint32
buf_type_of (gint fd)
{
  struct v4l2_capability cap = { 0 };
  guint32 caps;

  ioctl (fd, VIDIOC_QUERYCAP, &cap);
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
      cap.capabilities;
  return (caps & V4L2_CAP_VIDEO_CAPTURE) ? V4L2_BUF_TYPE_VIDEO_CAPTURE :
      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

/* The driver's current format, read from a second file handle. */
void
get_format (struct v4l2_format *fmt)
{
  struct v4l2_capability cap;
  gint fd = open_node (device, &cap);

  fail_unless (fd >= 0);
  memset (fmt, 0, sizeof (*fmt));
  fmt->type = buf_type_of (fd);
  fail_unless (ioctl (fd, VIDIOC_G_FMT, fmt) == 0);
  close (fd);
}

guint32
fmt_bytesperline (const struct v4l2_format *fmt, guint plane)
{
  if (fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
    return fmt->fmt.pix_mp.plane_fmt[plane].bytesperline;
  return fmt->fmt.pix.bytesperline;
}

/* The smallest discrete (or minimum stepwise) size of @fourcc. */
static gboolean
smallest_size (gint fd, guint32 fourcc, guint * w, guint * h)
{
  struct v4l2_frmsizeenum sz = {.pixel_format = fourcc };
  guint64 best = G_MAXUINT64;

  for (sz.index = 0; ioctl (fd, VIDIOC_ENUM_FRAMESIZES, &sz) == 0; sz.index++) {
    if (sz.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
      if ((guint64) sz.discrete.width * sz.discrete.height < best) {
        best = (guint64) sz.discrete.width * sz.discrete.height;
        *w = sz.discrete.width;
        *h = sz.discrete.height;
      }
    } else {
      *w = MAX (sz.stepwise.min_width, MIN (320, sz.stepwise.max_width));
      *h = MAX (sz.stepwise.min_height, MIN (240, sz.stepwise.max_height));
      *w = GST_ROUND_UP_N (*w, MAX (sz.stepwise.step_width, 1));
      *h = GST_ROUND_UP_N (*h, MAX (sz.stepwise.step_height, 1));
      return TRUE;
    }
  }
  return best != G_MAXUINT64;
}

/* The frame rate the tests use at a size: the highest one up to
 * MAX_TEST_FPS, else the lowest the device offers. */
static gchar *
test_rate (gint fd, guint32 fourcc, guint w, guint h)
{
  struct v4l2_frmivalenum iv = {.pixel_format = fourcc,.width = w,
    .height = h
  };
  guint best_n = 0, best_d = 0, low_n = 0, low_d = 0;

  for (iv.index = 0; ioctl (fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0;
      iv.index++) {
    if (iv.type != V4L2_FRMIVAL_TYPE_DISCRETE) {
      /* interval range [min, max]: rates [1/max, 1/min] */
      gdouble fast = (gdouble) iv.stepwise.min.denominator /
          iv.stepwise.min.numerator;
      gdouble slow = (gdouble) iv.stepwise.max.denominator /
          iv.stepwise.max.numerator;

      if (slow <= MAX_TEST_FPS && fast >= MAX_TEST_FPS)
        return g_strdup_printf (",framerate=%d/1", MAX_TEST_FPS);
      if (fast < MAX_TEST_FPS)
        return g_strdup_printf (",framerate=%u/%u",
            iv.stepwise.min.denominator, iv.stepwise.min.numerator);
      return g_strdup_printf (",framerate=%u/%u",
          iv.stepwise.max.denominator, iv.stepwise.max.numerator);
    }
    /* rate = d/n */
    if (iv.discrete.denominator <= MAX_TEST_FPS * iv.discrete.numerator &&
        (best_n == 0 || (guint64) iv.discrete.denominator * best_n >
            (guint64) best_d * iv.discrete.numerator)) {
      best_n = iv.discrete.numerator;
      best_d = iv.discrete.denominator;
    }
    if (low_n == 0 || (guint64) iv.discrete.denominator * low_n <
        (guint64) low_d * iv.discrete.numerator) {
      low_n = iv.discrete.numerator;
      low_d = iv.discrete.denominator;
    }
  }
  if (best_n)
    return g_strdup_printf (",framerate=%u/%u", best_d, best_n);
  if (low_n)
    return g_strdup_printf (",framerate=%u/%u", low_d, low_n);
  return g_strdup ("");
}

/* Every format the device offers that the element can produce. */
GArray *
device_formats (void)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (DeviceFormat));
  struct v4l2_capability cap;
  struct v4l2_fmtdesc desc = { 0 };
  gint fd = open_node (device, &cap);

  fail_unless (fd >= 0);
  desc.type = buf_type_of (fd);
  for (desc.index = 0; ioctl (fd, VIDIOC_ENUM_FMT, &desc) == 0; desc.index++) {
    static const struct
    {
      guint32 fourcc;
      const gchar *caps;
    } known[] = {
      {V4L2_PIX_FMT_UYVY, "video/x-raw,format=UYVY"},
      {V4L2_PIX_FMT_YUYV, "video/x-raw,format=YUY2"},
      {V4L2_PIX_FMT_YVYU, "video/x-raw,format=YVYU"},
      {V4L2_PIX_FMT_VYUY, "video/x-raw,format=VYUY"},
      {V4L2_PIX_FMT_NV12, "video/x-raw,format=NV12"},
      {V4L2_PIX_FMT_NV21, "video/x-raw,format=NV21"},
      {V4L2_PIX_FMT_NV16, "video/x-raw,format=NV16"},
      {V4L2_PIX_FMT_NV61, "video/x-raw,format=NV61"},
      {V4L2_PIX_FMT_NV24, "video/x-raw,format=NV24"},
      {V4L2_PIX_FMT_YUV420, "video/x-raw,format=I420"},
      {V4L2_PIX_FMT_YVU420, "video/x-raw,format=YV12"},
      {V4L2_PIX_FMT_YUV422P, "video/x-raw,format=Y42B"},
      {V4L2_PIX_FMT_YUV444M, "video/x-raw,format=Y444"},
      {V4L2_PIX_FMT_GREY, "video/x-raw,format=GRAY8"},
      {V4L2_PIX_FMT_Y16, "video/x-raw,format=GRAY16_LE"},
      {V4L2_PIX_FMT_XBGR32, "video/x-raw,format=BGRx"},
      {V4L2_PIX_FMT_ABGR32, "video/x-raw,format=BGRA"},
      {V4L2_PIX_FMT_XRGB32, "video/x-raw,format=xRGB"},
      {V4L2_PIX_FMT_ARGB32, "video/x-raw,format=ARGB"},
      {V4L2_PIX_FMT_RGBX32, "video/x-raw,format=RGBx"},
      {V4L2_PIX_FMT_RGBA32, "video/x-raw,format=RGBA"},
      {V4L2_PIX_FMT_BGRX32, "video/x-raw,format=xBGR"},
      {V4L2_PIX_FMT_BGRA32, "video/x-raw,format=ABGR"},
      {V4L2_PIX_FMT_RGB24, "video/x-raw,format=RGB"},
      {V4L2_PIX_FMT_BGR24, "video/x-raw,format=BGR"},
      {V4L2_PIX_FMT_SBGGR8, "video/x-bayer,format=bggr"},
      {V4L2_PIX_FMT_SGBRG8, "video/x-bayer,format=gbrg"},
      {V4L2_PIX_FMT_SGRBG8, "video/x-bayer,format=grbg"},
      {V4L2_PIX_FMT_SRGGB8, "video/x-bayer,format=rggb"},
      {V4L2_PIX_FMT_SBGGR10, "video/x-bayer,format=bggr10le"},
      {V4L2_PIX_FMT_SGBRG10, "video/x-bayer,format=gbrg10le"},
      {V4L2_PIX_FMT_SGRBG10, "video/x-bayer,format=grbg10le"},
      {V4L2_PIX_FMT_SRGGB10, "video/x-bayer,format=rggb10le"},
      {V4L2_PIX_FMT_SBGGR12, "video/x-bayer,format=bggr12le"},
      {V4L2_PIX_FMT_SGBRG12, "video/x-bayer,format=gbrg12le"},
      {V4L2_PIX_FMT_SGRBG12, "video/x-bayer,format=grbg12le"},
      {V4L2_PIX_FMT_SRGGB12, "video/x-bayer,format=rggb12le"},
      {V4L2_PIX_FMT_SBGGR16, "video/x-bayer,format=bggr16le"},
      {V4L2_PIX_FMT_SRGGB16, "video/x-bayer,format=rggb16le"},
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (known); i++) {
      DeviceFormat f = { 0 };

      if (known[i].fourcc != desc.pixelformat)
        continue;
      f.fourcc = desc.pixelformat;
      f.caps = g_strdup (known[i].caps);
      if (smallest_size (fd, f.fourcc, &f.width, &f.height)) {
        f.rate = test_rate (fd, f.fourcc, f.width, f.height);
        g_array_append_val (out, f);
      } else {
        g_free (f.caps);
      }
    }
  }
  close (fd);
  return out;
}

void
free_formats (GArray * formats)
{
  guint i;

  for (i = 0; i < formats->len; i++) {
    g_free (g_array_index (formats, DeviceFormat, i).caps);
    g_free (g_array_index (formats, DeviceFormat, i).rate);
  }
  g_array_unref (formats);
}

/* Whether VIDIOC_ENUM_FMT lists @fourcc. */
gboolean
device_offers (guint32 fourcc)
{
  struct v4l2_capability cap;
  struct v4l2_fmtdesc desc = { 0 };
  gint fd = open_node (device, &cap);
  gboolean found = FALSE;

  fail_unless (fd >= 0);
  desc.type = buf_type_of (fd);
  for (desc.index = 0; ioctl (fd, VIDIOC_ENUM_FMT, &desc) == 0; desc.index++)
    if (desc.pixelformat == fourcc)
      found = TRUE;
  close (fd);
  return found;
}

/* The small default format used by most tests: the first one offered. */
gchar *
small_caps (void)
{
  GArray *formats = device_formats ();
  DeviceFormat *f;
  gchar *caps;

  fail_unless (formats->len > 0);
  f = &g_array_index (formats, DeviceFormat, 0);
  caps = g_strdup_printf ("%s,width=%u,height=%u%s", f->caps, f->width,
      f->height, f->rate);
  free_formats (formats);
  return caps;
}

/* Whether @fd is a dma-buf exported by the capture driver: its exporter
 * (fdinfo exp_name) is a vb2 memory allocator (videobuf2_vmalloc,
 * videobuf2_dma_sg, ...) or the driver module itself (tegra_csi_sg, whose
 * own vb2 memory ops export). */
gboolean
fd_exported_by_vb2 (gint fd)
{
  gchar *path = g_strdup_printf ("/proc/self/fdinfo/%d", fd);
  gchar *module = g_strdelimit (g_strdup_printf ("exp_name:\t%s\n", driver),
      "-", '_');
  gchar *info = NULL;
  gboolean ok;

  ok = g_file_get_contents (path, &info, NULL, NULL) &&
      (strstr (info, "exp_name:\tvideobuf2") != NULL ||
      strstr (info, module) != NULL);
  if (!ok)
    GST_WARNING ("fd %d: %s", fd, info);
  g_free (info);
  g_free (module);
  g_free (path);
  return ok;
}

gsize
counter_mismatches (const guint8 * data, gsize size, guint stride,
    guint line_bytes, guint height, guint32 seq)
{
  gsize bad = 0;
  guint line, col;

  if (line_bytes == 0)
    line_bytes = stride;
  if (size < (gsize) stride * (height - 1) + line_bytes)
    return (gsize) line_bytes * height;
  for (line = 0; line < height; line++)
    for (col = 0; col < line_bytes; col++)
      if (data[(gsize) line * stride + col] !=
          tegra_csi_sg_counter_byte (seq, line, col))
        bad++;
  return bad;
}
