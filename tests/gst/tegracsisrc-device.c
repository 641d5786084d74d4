/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest tests for tegracsisrc against a real V4L2 capture device: our
 * driver (tegra-csi-sg) or vivid, chosen with TEGRACSI_TEST_DRIVER
 * (default tegra-csi-sg). Exits 77 (skip) when no such device exists, so
 * it never passes without having run.
 *
 * Tolerances: PTS deltas must equal the driver's own timestamp deltas
 * within 2 ms (the correlation to the pipeline clock); the spacing is
 * the frame interval within 10% for the median delta per sequence step and
 * for the least-squares slope of PTS over sequence. Single deltas are only
 * checked to increase: the sensor threads of both drivers run several
 * intervals late now and then under TCG on a loaded host.
 */
#include <gst/check/gstcheck.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include <linux/tegra-csi-sg.h>

#define N_FRAMES 20
/* The tests capture at the highest rate up to 10 fps a device offers
 * (else its lowest): under TCG on shared cores the sensor threads of both
 * drivers run tens of milliseconds late now and then, and faster rates
 * make vivid's thread late enough to trip a kernel warning
 * (schedule_timeout with a negative value). */
#define MAX_TEST_FPS 10

static const gchar *driver;     /* driver name under test */
static gchar *device;           /* its capture node */
static gchar *device2;          /* a second capture node, if any */
static gchar *other_node;       /* a V4L2 node of it that cannot capture */
static gboolean ours;           /* driver is tegra-csi-sg */

/* ------------------------------------------------------------------ */
/* Device helpers (plain V4L2, independent of the element) */

static gint
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

static void
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

static guint32
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
static void
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

static guint32
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

typedef struct
{
  guint32 fourcc;
  gchar *caps;                  /* "video/x-raw,format=UYVY" */
  guint width, height;
  gchar *rate;                  /* ",framerate=10/1", or "" */
} DeviceFormat;

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
static GArray *
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

static void
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
static gboolean
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
static gchar *
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
static gboolean
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

/* ------------------------------------------------------------------ */
/* Running a pipeline and recording what reached the sink */

typedef struct
{
  GstClockTime pts, duration, raw;
  guint64 offset;
  gboolean corrupted, dmabuf, exported, has_vmeta;
  gint fd;                      /* dma-buf fd of memory 0, or -1 */
  gint stride[GST_VIDEO_MAX_PLANES];
  guint n_planes;
  guint32 first_word, line1_word;       /* counter pattern check */
  gboolean mapped;
} Frame;

typedef struct
{
  GMutex lock;
  GArray *frames;
  GstCaps *caps;
  guint max;
} Record;

static GstPadProbeReturn
record_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Record *rec = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *ts_caps = gst_caps_new_empty_simple ("timestamp/x-clock-monotonic");
  GstReferenceTimestampMeta *ts;
  GstVideoMeta *vmeta;
  GstMemory *mem;
  Frame f = { 0 };
  GstMapInfo map;
  guint i;

  f.pts = GST_BUFFER_PTS (buf);
  f.duration = GST_BUFFER_DURATION (buf);
  f.offset = GST_BUFFER_OFFSET (buf);
  f.corrupted = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_CORRUPTED);
  ts = gst_buffer_get_reference_timestamp_meta (buf, ts_caps);
  f.raw = ts ? ts->timestamp : GST_CLOCK_TIME_NONE;
  gst_caps_unref (ts_caps);

  mem = gst_buffer_peek_memory (buf, 0);
  f.dmabuf = gst_is_dmabuf_memory (mem);
  f.fd = f.dmabuf ? gst_dmabuf_memory_get_fd (mem) : -1;
  if (f.dmabuf)
    f.exported = fd_exported_by_vb2 (f.fd);

  vmeta = gst_buffer_get_video_meta (buf);
  if (vmeta) {
    f.has_vmeta = TRUE;
    f.n_planes = vmeta->n_planes;
    for (i = 0; i < vmeta->n_planes; i++)
      f.stride[i] = vmeta->stride[i];
  }

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    if (map.size >= 8 && vmeta && map.size > (gsize) vmeta->stride[0] + 8) {
      memcpy (&f.first_word, map.data, 4);
      memcpy (&f.line1_word, map.data + vmeta->stride[0] + 4, 4);
      f.first_word = GUINT32_FROM_LE (f.first_word);
      f.line1_word = GUINT32_FROM_LE (f.line1_word);
      f.mapped = TRUE;
    }
    gst_buffer_unmap (buf, &map);
  }

  g_mutex_lock (&rec->lock);
  if (rec->caps == NULL)
    rec->caps = gst_pad_get_current_caps (pad);
  g_array_append_val (rec->frames, f);
  g_mutex_unlock (&rec->lock);

  return GST_PAD_PROBE_OK;
}

/* A running pipeline. The bus messages it cares about are recorded by a
 * sync handler (under rec.lock) as they are posted, so that waiting for
 * frames never loses a QoS message or an error. */
typedef struct
{
  GstElement *pipe;
  GstElement *src;
  Record rec;
  gchar *error;                 /* first error message */
  gboolean eos;
  guint n_qos;                  /* QoS messages from the source */
  guint64 qos_dropped;          /* "dropped" of the last one */
} Run;

static GstBusSyncReply
run_bus_sync (G_GNUC_UNUSED GstBus * bus, GstMessage * msg,
    gpointer user_data)
{
  Run *run = user_data;

  g_mutex_lock (&run->rec.lock);
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      if (run->error == NULL) {
        GError *err = NULL;

        gst_message_parse_error (msg, &err, NULL);
        run->error = g_strdup (err->message);
        g_error_free (err);
      }
      break;
    case GST_MESSAGE_EOS:
      run->eos = TRUE;
      break;
    case GST_MESSAGE_QOS:
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (run->src)) {
        GstFormat fmt;
        guint64 processed;

        gst_message_parse_qos_stats (msg, &fmt, &processed,
            &run->qos_dropped);
        run->n_qos++;
      }
      break;
    default:
      break;
  }
  g_mutex_unlock (&run->rec.lock);

  /* a dropped message is the handler's to free */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

static void
run_start (Run * run, const gchar * props, const gchar * caps)
{
  gchar *desc = g_strdup_printf ("tegracsisrc name=src device=%s %s ! "
      "capsfilter caps=\"%s\" ! fakesink name=sink sync=false", device,
      props, caps);
  GstElement *sink;
  GstBus *bus;
  GstPad *pad;

  memset (run, 0, sizeof (*run));
  g_mutex_init (&run->rec.lock);
  run->rec.frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  run->pipe = gst_parse_launch (desc, NULL);
  fail_unless (run->pipe != NULL, "cannot build '%s'", desc);
  run->src = gst_bin_get_by_name (GST_BIN (run->pipe), "src");
  sink = gst_bin_get_by_name (GST_BIN (run->pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, record_probe, &run->rec,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  bus = gst_element_get_bus (run->pipe);
  gst_bus_set_sync_handler (bus, run_bus_sync, run, NULL);
  gst_object_unref (bus);
  g_free (desc);

  gst_element_set_state (run->pipe, GST_STATE_PLAYING);
}

static guint
run_count (Run * run)
{
  guint n;

  g_mutex_lock (&run->rec.lock);
  n = run->rec.frames->len;
  g_mutex_unlock (&run->rec.lock);
  return n;
}

/* Waits for EOS (with num-buffers) or an error, at most @timeout. Returns
 * a copy of the error message or NULL. */
static gchar *
run_wait (Run * run, GstClockTime timeout, guint * n_qos,
    guint64 * qos_dropped)
{
  gint64 end = g_get_monotonic_time () + timeout / GST_USECOND;
  gchar *error = NULL;

  for (;;) {
    gboolean done;

    g_mutex_lock (&run->rec.lock);
    done = run->eos || run->error != NULL;
    if (run->error)
      error = g_strdup (run->error);
    if (n_qos)
      *n_qos = run->n_qos;
    if (qos_dropped)
      *qos_dropped = run->qos_dropped;
    g_mutex_unlock (&run->rec.lock);

    if (done || g_get_monotonic_time () >= end)
      break;
    g_usleep (10000);
  }
  return error;
}

/* Waits until @n frames reached the sink; fails after 60 s (the test
 * then says which wait it was instead of hanging until the check
 * timeout). An error fails at once. */
#define wait_frames(run, n) wait_frames_at (run, n, __LINE__)
static void
wait_frames_at (Run * run, guint n, gint line)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (run_count (run) < n) {
    gchar *error = NULL;

    g_mutex_lock (&run->rec.lock);
    if (run->error)
      error = g_strdup (run->error);
    g_mutex_unlock (&run->rec.lock);
    fail_unless (error == NULL, "line %d: error while waiting for %u "
        "frames: %s", line, n, error);
    fail_unless (g_get_monotonic_time () < end,
        "line %d: only %u of %u frames after 60 s", line, run_count (run), n);
    g_usleep (10000);
  }
}

static GstStructure *
run_stats (Run * run)
{
  GstStructure *stats = NULL;

  g_object_get (run->src, "stats", &stats, NULL);
  return stats;
}

static void
run_stop (Run * run)
{
  gst_element_set_state (run->pipe, GST_STATE_NULL);
  gst_object_unref (run->src);
  gst_object_unref (run->pipe);
  g_free (run->error);
  g_array_unref (run->rec.frames);
  gst_clear_caps (&run->rec.caps);
  g_mutex_clear (&run->rec.lock);
}

#define FRAME(run, i) (&g_array_index ((run)->rec.frames, Frame, (i)))

static guint64
stat_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, name, &v), "no %s", name);
  return v;
}

/* ------------------------------------------------------------------ */
/* Tests */

/* "video/x-raw(memory:DMABuf),format=...,width=...": the caps of @df with
 * the dma-buf caps feature. */
static gchar *
dmabuf_caps (const DeviceFormat * df)
{
  const gchar *comma = strchr (df->caps, ',');
  gchar *media = g_strndup (df->caps, comma - df->caps);
  gchar *caps = g_strdup_printf ("%s(memory:DMABuf)%s,width=%u,height=%u%s",
      media, comma, df->width, df->height, df->rate);

  g_free (media);
  return caps;
}

/* Every format the device offers negotiates, in dma-buf memory exported by
 * the capture device, with the driver's bytesperline as stride. */
GST_START_TEST (test_negotiate_each_format)
{
  GArray *formats = device_formats ();
  guint i, j, n_planar = 0;

  fail_unless (formats->len > 0, "%s offers no format we know", device);

  for (i = 0; i < formats->len; i++) {
    DeviceFormat *df = &g_array_index (formats, DeviceFormat, i);
    gchar *caps = dmabuf_caps (df);
    struct v4l2_format fmt;
    GstStructure *s;
    gchar *err;
    Run run;

    GST_INFO ("format %s", caps);
    run_start (&run, "num-buffers=3", caps);
    err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
    fail_unless (err == NULL, "%s: %s", caps, err);
    fail_unless_equals_int (run_count (&run), 3);
    get_format (&fmt);

    s = gst_caps_get_structure (run.rec.caps, 0);
    fail_unless (gst_structure_has_name (s, g_str_has_prefix (df->caps,
                "video/x-bayer") ? "video/x-bayer" : "video/x-raw"));
    fail_unless (gst_caps_features_contains (gst_caps_get_features
            (run.rec.caps, 0), GST_CAPS_FEATURE_MEMORY_DMABUF),
        "%s: not negotiated as memory:DMABuf", caps);

    for (j = 0; j < 3; j++) {
      Frame *f = FRAME (&run, j);

      fail_unless (f->dmabuf, "%s: frame %u is not dma-buf memory", caps, j);
      fail_unless (f->exported, "%s: frame %u fd not exported by vb2", caps,
          j);
      fail_unless (f->has_vmeta, "%s: frame %u has no GstVideoMeta", caps, j);
      fail_unless_equals_int (f->stride[0], fmt_bytesperline (&fmt, 0));
      if (fmt.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE &&
          fmt.fmt.pix_mp.num_planes > 1)
        fail_unless_equals_int (f->stride[1], fmt_bytesperline (&fmt, 1));
      if (f->n_planes > 1)
        n_planar++;
    }
    run_stop (&run);
    g_free (caps);
  }
  GST_INFO ("%u formats, %u planar frames", formats->len, n_planar);
  free_formats (formats);
}

GST_END_TEST;

/* io-mode=mmap gives plain memory, still zero-copy. */
GST_START_TEST (test_mmap_mode)
{
  gchar *caps = small_caps ();
  GstStructure *stats;
  gchar *err;
  Run run;

  run_start (&run, "io-mode=mmap num-buffers=4", caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 4);
  fail_if (FRAME (&run, 0)->dmabuf);
  fail_unless (FRAME (&run, 0)->has_vmeta);
  fail_if (gst_caps_features_contains (gst_caps_get_features (run.rec.caps,
              0), GST_CAPS_FEATURE_MEMORY_DMABUF));
  stats = run_stats (&run);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Single PTS deltas are not bounded beyond strictly increasing: both
 * drivers stamp a frame when their (virtual) sensor thread completes it,
 * and under TCG on a loaded host that thread now and then runs several
 * intervals late. The spacing is checked on the median delta and on the
 * least-squares slope of PTS over sequence, both within 10%. */
static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

/* io-mode=dmabuf with system-memory caps still hands out the exported
 * dma-bufs (they can be mapped). */
GST_START_TEST (test_dmabuf_mode)
{
  gchar *caps = small_caps ();
  GstStructure *stats;
  gchar *err;
  guint i;
  Run run;

  GHashTable *fds = g_hash_table_new (NULL, NULL);

  run_start (&run, "io-mode=dmabuf capture-buffers=3 num-buffers=9", caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 9);
  for (i = 0; i < 9; i++) {
    fail_unless (FRAME (&run, i)->dmabuf);
    fail_unless (FRAME (&run, i)->exported);
    fail_unless (FRAME (&run, i)->mapped);
    g_hash_table_add (fds, GINT_TO_POINTER (FRAME (&run, i)->fd));
  }
  /* exported once per buffer and reused: 9 frames, at most 3 dma-bufs */
  fail_unless (g_hash_table_size (fds) <= 3, "%u different dma-bufs",
      g_hash_table_size (fds));
  g_hash_table_unref (fds);
  stats = run_stats (&run);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Without a size from downstream, the largest size at the highest rate
 * the device offers for it. */
GST_START_TEST (test_fixation_largest)
{
  GArray *formats = device_formats ();
  DeviceFormat *df = &g_array_index (formats, DeviceFormat, 0);
  struct v4l2_frmsizeenum sz = {.pixel_format = df->fourcc };
  struct v4l2_frmivalenum iv = {.pixel_format = df->fourcc };
  struct v4l2_capability cap;
  guint max_w = 0, max_h = 0;
  gdouble max_fps = 0;
  GstStructure *s;
  gint w, h, fps_n, fps_d;
  gchar *err;
  gint fd = open_node (device, &cap);
  Run run;

  fail_unless (fd >= 0);
  for (sz.index = 0; ioctl (fd, VIDIOC_ENUM_FRAMESIZES, &sz) == 0; sz.index++) {
    guint sw = sz.type == V4L2_FRMSIZE_TYPE_DISCRETE ? sz.discrete.width :
        sz.stepwise.max_width;
    guint sh = sz.type == V4L2_FRMSIZE_TYPE_DISCRETE ? sz.discrete.height :
        sz.stepwise.max_height;

    if ((guint64) sw * sh > (guint64) max_w * max_h) {
      max_w = sw;
      max_h = sh;
    }
  }
  iv.width = max_w;
  iv.height = max_h;
  for (iv.index = 0; ioctl (fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0;
      iv.index++) {
    const struct v4l2_fract *f = iv.type == V4L2_FRMIVAL_TYPE_DISCRETE ?
        &iv.discrete : &iv.stepwise.min;

    max_fps = MAX (max_fps, (gdouble) f->denominator / f->numerator);
  }
  close (fd);

  run_start (&run, "num-buffers=1", df->caps);
  err = run_wait (&run, 120 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless (gst_structure_get_int (s, "width", &w));
  fail_unless (gst_structure_get_int (s, "height", &h));
  fail_unless_equals_int (w, max_w);
  fail_unless_equals_int (h, max_h);
  if (max_fps > 0) {
    fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
    fail_unless ((gdouble) fps_n / fps_d > max_fps - 0.01,
        "%d/%d, the device offers %f", fps_n, fps_d, max_fps);
  }
  run_stop (&run);
  free_formats (formats);
}

GST_END_TEST;

/* extra-controls set before start reach the device when it opens. */
GST_START_TEST (test_extra_controls_at_start)
{
  const gchar *name = ours ? "exposure" : "brightness";
  guint32 id = ours ? V4L2_CID_EXPOSURE : V4L2_CID_BRIGHTNESS;
  struct v4l2_queryctrl q = {.id = id };
  struct v4l2_control c = {.id = id };
  struct v4l2_capability cap;
  gchar *caps = small_caps ();
  gchar *props;
  gint fd, want;
  Run run;

  fd = open_node (device, &cap);
  fail_unless (fd >= 0);
  fail_unless (ioctl (fd, VIDIOC_QUERYCTRL, &q) == 0, "no control %s", name);
  fail_unless (ioctl (fd, VIDIOC_G_CTRL, &c) == 0);
  /* a valid value different from the current one */
  want = c.value == q.minimum ? q.minimum + q.step : q.minimum;
  props = g_strdup_printf ("extra-controls=\"c,%s=%d\"", name, want);

  run_start (&run, props, caps);
  wait_frames (&run, 1);
  fail_unless (ioctl (fd, VIDIOC_G_CTRL, &c) == 0);
  fail_unless_equals_int (c.value, want);
  run_stop (&run);
  close (fd);
  g_free (props);
  g_free (caps);
}

GST_END_TEST;

/* gst-launch-1.0 under GST_TRACERS=leaks: nothing is reported alive when
 * GStreamer shuts down. */
GST_START_TEST (test_gst_launch_leaks)
{
  gchar *caps = small_caps ();
  gchar *cmd = g_strdup_printf ("gst-launch-1.0 -q tegracsisrc device=%s "
      "num-buffers=5 ! %s ! fakesink", device, caps);
  gchar **argv = NULL, **envp;
  gchar *out = NULL, *errout = NULL;
  gint status = -1;

  fail_unless (g_shell_parse_argv (cmd, NULL, &argv, NULL));
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "GST_TRACERS", "leaks", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG", "GST_TRACER:7", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &errout, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed: %s",
      cmd, errout);
  fail_unless (strstr (errout, "Leaks detected") == NULL,
      "leaks reported: %.2000s", errout);
  {
    gchar **lines = g_strsplit (errout, "\n", -1);
    guint i;

    /* one "object-alive, type-name=(string)GstFoo, ..." record per leak;
     * the record's format string (with %s) is not one */
    for (i = 0; lines[i]; i++)
      fail_unless (strstr (lines[i], "object-alive, type-name=(string)") ==
          NULL || strstr (lines[i], "%s") != NULL, "leak: %s", lines[i]);
    g_strfreev (lines);
  }
  fail_unless (strstr (errout, "GST_TRACER") != NULL,
      "the leaks tracer did not run");
  g_strfreev (envp);
  g_strfreev (argv);
  g_free (out);
  g_free (errout);
  g_free (cmd);
  g_free (caps);
}

GST_END_TEST;

/* PTS strictly increase, follow the driver's timestamps and the frame
 * interval; offsets are the driver's sequence numbers. */
GST_START_TEST (test_timestamps)
{
  gchar *caps = small_caps ();
  GstStructure *stats, *s;
  GstClockTime interval;
  gdouble deltas[N_FRAMES - 1];
  gint fps_n = 0, fps_d = 1;
  guint i;
  gchar *err;
  Run run;

  run_start (&run, "num-buffers=" G_STRINGIFY (N_FRAMES), caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), N_FRAMES);

  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
  fail_unless (fps_n > 0);
  interval = gst_util_uint64_scale (GST_SECOND, fps_d, fps_n);
  GST_INFO ("caps %" GST_PTR_FORMAT ", interval %" GST_TIME_FORMAT,
      run.rec.caps, GST_TIME_ARGS (interval));

  for (i = 0; i < N_FRAMES; i++) {
    Frame *f = FRAME (&run, i);

    fail_unless (GST_CLOCK_TIME_IS_VALID (f->pts));
    fail_unless (GST_CLOCK_TIME_IS_VALID (f->raw), "no monotonic meta");
    fail_unless_equals_uint64 (f->duration, interval);
    if (ours && f->mapped) {
      /* counter pattern: the frame starts with its own sequence number */
      fail_unless_equals_int (f->first_word, (guint32) f->offset);
      fail_unless_equals_int (f->line1_word, 1);
    }
    if (i > 0) {
      Frame *p = FRAME (&run, i - 1);
      gint64 dpts = (gint64) (f->pts - p->pts);
      gint64 draw = (gint64) (f->raw - p->raw);
      gint64 expect = (gint64) (f->offset - p->offset) * (gint64) interval;

      fail_unless (f->pts > p->pts, "PTS not increasing at %u", i);
      fail_unless (f->offset > p->offset, "offset not increasing at %u", i);
      fail_unless (ABS (dpts - draw) < 2 * GST_MSECOND,
          "PTS delta %" G_GINT64_FORMAT " vs driver delta %" G_GINT64_FORMAT,
          dpts, draw);
      GST_LOG ("frame %u: PTS delta %" G_GINT64_FORMAT " for %"
          G_GINT64_FORMAT, i, dpts, expect);
      deltas[i - 1] = (gdouble) dpts / (f->offset - p->offset);
    }
  }

  qsort (deltas, N_FRAMES - 1, sizeof (gdouble), compare_doubles);
  fail_unless (ABS (deltas[(N_FRAMES - 1) / 2] - interval) < interval / 10.0,
      "median PTS delta %f, interval %" G_GUINT64_FORMAT,
      deltas[(N_FRAMES - 1) / 2], interval);

  {
    /* least-squares slope of PTS over sequence: the mean spacing */
    gdouble sx = 0, sy = 0, sxx = 0, sxy = 0, slope;
    Frame *a = FRAME (&run, 0);

    for (i = 0; i < N_FRAMES; i++) {
      gdouble x = FRAME (&run, i)->offset - a->offset;
      gdouble y = FRAME (&run, i)->pts - a->pts;

      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    slope = (N_FRAMES * sxy - sx * sy) / (N_FRAMES * sxx - sx * sx);
    fail_unless (ABS (slope - interval) < interval / 10.0,
        "mean spacing %f, interval %" G_GUINT64_FORMAT, slope, interval);
  }

  stats = run_stats (&run);
  fail_unless (stat_u64 (stats, "captured") >= N_FRAMES);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  fail_unless_equals_uint64 (stat_u64 (stats, "errored"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* The latency query answers one frame interval as minimum and the queue
 * depth in frames as maximum. */
GST_START_TEST (test_latency_query)
{
  gchar *caps = small_caps ();
  gchar *props = g_strdup_printf ("capture-buffers=5");
  GstClockTime min, max, interval;
  GstStructure *s;
  gint fps_n, fps_d;
  gboolean live;
  GstQuery *q;
  Run run;

  run_start (&run, props, caps);
  wait_frames (&run, 2);

  s = gst_caps_get_structure (run.rec.caps, 0);
  fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
  interval = gst_util_uint64_scale (GST_SECOND, fps_d, fps_n);
  q = gst_query_new_latency ();
  fail_unless (gst_element_query (run.src, q));
  gst_query_parse_latency (q, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, interval);
  fail_unless_equals_uint64 (max, 5 * interval);
  gst_query_unref (q);

  {
    GstStructure *stats = run_stats (&run);
    guint queued = 99;

    fail_unless (gst_structure_get_uint (stats, "queued", &queued));
    fail_unless (queued <= 5, "%u buffers queued of 5", queued);
    gst_structure_free (stats);
  }
  run_stop (&run);
  g_free (props);
  g_free (caps);
}

GST_END_TEST;

/* PLAYING -> PAUSED -> PLAYING, and a RECONFIGURE from downstream, keep
 * the stream going without an error. */
GST_START_TEST (test_pause_resume_reconfigure)
{
  gchar *caps = small_caps ();
  GstElement *sink;
  GstPad *pad;
  gchar *err;
  guint n;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);

  gst_element_set_state (run.pipe, GST_STATE_PAUSED);
  g_usleep (300 * 1000);
  gst_element_set_state (run.pipe, GST_STATE_PLAYING);
  n = run_count (&run);
  wait_frames (&run, n + 2);

  sink = gst_bin_get_by_name (GST_BIN (run.pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  fail_unless (gst_pad_push_event (pad, gst_event_new_reconfigure ()));
  n = run_count (&run);
  wait_frames (&run, n + 3);

  err = run_wait (&run, 100 * GST_MSECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  gst_object_unref (pad);
  gst_object_unref (sink);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Two channels capture at the same time, each from its own node. */
GST_START_TEST (test_two_channels)
{
  gchar *caps = small_caps ();
  gchar *first = device;
  Run a, b;

  if (device2 == NULL) {
    GST_INFO ("one capture node only, nothing to test");
    g_free (caps);
    return;
  }
  run_start (&a, "", caps);
  device = device2;
  run_start (&b, "", caps);
  device = first;
  wait_frames (&a, 10);
  wait_frames (&b, 10);
  fail_unless (a.error == NULL && b.error == NULL);
  fail_unless (FRAME (&a, 0)->fd != FRAME (&b, 0)->fd);
  run_stop (&b);
  run_stop (&a);
  g_free (caps);
}

GST_END_TEST;

/* Another file handle owns the queue. */
GST_START_TEST (test_error_busy)
{
  struct v4l2_requestbuffers req = { 0 };
  struct v4l2_capability cap;
  gchar *caps = small_caps ();
  gchar *err, *want;
  gint fd = open_node (device, &cap);
  Run run;

  fail_unless (fd >= 0);
  req.count = 2;
  req.type = buf_type_of (fd);
  req.memory = V4L2_MEMORY_MMAP;
  fail_unless (ioctl (fd, VIDIOC_REQBUFS, &req) == 0);

  run_start (&run, "", caps);
  err = run_wait (&run, 30 * GST_SECOND, NULL, NULL);
  want = g_strdup_printf ("Device '%s' is busy: another application is "
      "using it.", device);
  fail_unless_equals_string (err, want);
  run_stop (&run);
  close (fd);
  g_free (want);
  g_free (err);
  g_free (caps);
}

GST_END_TEST;

/* Downstream wants a format the device does not offer. */
GST_START_TEST (test_error_format_not_supported)
{
  static const struct
  {
    guint32 fourcc;
    const gchar *caps;
  } candidates[] = {
    {V4L2_PIX_FMT_SRGGB14, "video/x-bayer,format=rggb14le"},
    {V4L2_PIX_FMT_SGBRG16, "video/x-bayer,format=gbrg16le"},
    {V4L2_PIX_FMT_RGB565, "video/x-raw,format=RGB16"},
    {V4L2_PIX_FMT_NV61, "video/x-raw,format=NV61"},
  };
  const gchar *absent = NULL;
  gchar *err, *want;
  guint i;
  Run run;

  for (i = 0; i < G_N_ELEMENTS (candidates) && absent == NULL; i++)
    if (!device_offers (candidates[i].fourcc))
      absent = candidates[i].caps;
  fail_unless (absent != NULL);

  run_start (&run, "", absent);
  err = run_wait (&run, 30 * GST_SECOND, NULL, NULL);
  fail_unless (err != NULL);
  want = g_strdup_printf ("Device '%s' does not support the format downstream "
      "wants (", device);
  fail_unless (g_str_has_prefix (err, want), "got: %s", err);
  fail_unless (strstr (err, "; it offers: ") != NULL, "got: %s", err);
  run_stop (&run);
  g_free (want);
  g_free (err);
}

GST_END_TEST;

/* A V4L2 node of the same driver that cannot capture. */
GST_START_TEST (test_error_not_capture)
{
  gchar *desc, *want;
  GstElement *pipe;
  GstMessage *msg;
  GError *err = NULL;

  if (other_node == NULL) {
    GST_INFO ("%s has no non-capture node, nothing to test", driver);
    return;
  }
  desc = g_strdup_printf ("tegracsisrc device=%s ! fakesink", other_node);
  pipe = gst_parse_launch (desc, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 10 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  want = g_strdup_printf ("Device '%s' is not a V4L2 video capture device.",
      other_node);
  fail_unless_equals_string (err->message, want);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (want);
  g_free (desc);
}

GST_END_TEST;

/* Errored frames: dropped by default, pushed marked with error-frames=mark. */
static void
check_error_frames (const gchar * policy)
{
  const gchar *inject = ours ? "c,error_next_buffers=2" :
      "c,inject_v4l2_buf_flag_error=1";
  gboolean mark = g_str_equal (policy, "mark");
  gchar *caps = small_caps ();
  gchar *props = g_strdup_printf ("error-frames=%s", policy);
  GstStructure *stats, *ctrl;
  guint i, n_corrupted = 0, start;
  guint64 errored;
  Run run;

  run_start (&run, props, caps);
  wait_frames (&run, 2);
  start = run_count (&run);
  ctrl = gst_structure_from_string (inject, NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  wait_frames (&run, start + 6);

  stats = run_stats (&run);
  errored = stat_u64 (stats, "errored");
  gst_structure_free (stats);
  fail_unless (errored >= 1, "no errored frame counted");

  g_mutex_lock (&run.rec.lock);
  for (i = 0; i < run.rec.frames->len; i++)
    if (FRAME (&run, i)->corrupted)
      n_corrupted++;
  g_mutex_unlock (&run.rec.lock);

  if (mark) {
    fail_unless_equals_int (n_corrupted, errored);
  } else {
    fail_unless_equals_int (n_corrupted, 0);
  }
  run_stop (&run);
  g_free (props);
  g_free (caps);
}

GST_START_TEST (test_error_frames_drop)
{
  check_error_frames ("drop");
}

GST_END_TEST;

GST_START_TEST (test_error_frames_mark)
{
  check_error_frames ("mark");
}

GST_END_TEST;

/* Injected drops (driver fault control) show as gaps, in stats, and as
 * QoS messages. */
GST_START_TEST (test_drops)
{
  gchar *caps = small_caps ();
  GstStructure *stats, *ctrl;
  guint i, start, n_qos = 0, gaps = 0;
  guint64 qos_dropped = 0;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);
  start = run_count (&run);
  ctrl = gst_structure_from_string ("c,drop_next_frames=3", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  wait_frames (&run, start + 5);
  g_free (run_wait (&run, 200 * GST_MSECOND, &n_qos, &qos_dropped));

  g_mutex_lock (&run.rec.lock);
  for (i = 1; i < run.rec.frames->len; i++)
    gaps += FRAME (&run, i)->offset - FRAME (&run, i - 1)->offset - 1;
  g_mutex_unlock (&run.rec.lock);

  stats = run_stats (&run);
  fail_unless (gaps >= 3, "only %u frames missing from the offsets", gaps);
  fail_unless_equals_uint64 (stat_u64 (stats, "dropped"), gaps);
  fail_unless (n_qos >= 1, "no QoS message");
  fail_unless_equals_uint64 (qos_dropped, gaps);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

GST_START_TEST (test_error_stalled)
{
  gchar *caps = small_caps ();
  GstStructure *ctrl;
  gchar *err, *want;
  Run run;

  run_start (&run, "timeout=500", caps);
  wait_frames (&run, 2);
  ctrl = gst_structure_from_string ("c,stall_sensor=1", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  err = run_wait (&run, 20 * GST_SECOND, NULL, NULL);
  want = g_strdup_printf ("Device '%s' stalled: no frame for 500 ms.", device);
  fail_unless_equals_string (err, want);
  run_stop (&run);

  /* leave the sensor running for the next tests */
  {
    struct v4l2_capability cap;
    struct v4l2_control c = {.id = TEGRA_CSI_SG_CID_STALL,.value = 0 };
    gint fd = open_node (device, &cap);

    fail_unless (fd >= 0);
    ioctl (fd, VIDIOC_S_CTRL, &c);
    close (fd);
  }
  g_free (want);
  g_free (err);
  g_free (caps);
}

GST_END_TEST;

/* Adds @delta for every object address in @list (a checkpoint list of the
 * leaks tracer) and remembers its type name. */
static void
count_addresses (const GValue * list, GHashTable * net, GHashTable * types,
    gint delta)
{
  guint i;

  for (i = 0; i < gst_value_list_get_size (list); i++) {
    const GstStructure *o =
        gst_value_get_structure (gst_value_list_get_value (list, i));
    const gchar *addr = gst_structure_get_string (o, "address");
    gint n = GPOINTER_TO_INT (g_hash_table_lookup (net, addr));

    g_hash_table_insert (net, g_strdup (addr), GINT_TO_POINTER (n + delta));
    if (delta > 0)
      g_hash_table_insert (types, g_strdup (addr),
          g_strdup (gst_structure_get_string (o, "type-name")));
  }
}

/* 100 NULL -> PLAYING (first frame) -> NULL cycles leave nothing alive:
 * every object created during cycles 2 to 101 (the first one creates the
 * process-wide singletons) is gone after them, per the leaks tracer's
 * activity checkpoint. */
GST_START_TEST (test_cycles_no_leaks)
{
  gchar *caps = small_caps ();
  GstTracer *leaks = NULL;
  GHashTable *net, *types;
  GstStructure *cp = NULL;
  GList *tracers, *l;
  GHashTableIter iter;
  gpointer key, value;
  guint i, alive = 0;
  Run run;

  tracers = gst_tracing_get_active_tracers ();
  for (l = tracers; l; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer"))
      leaks = gst_object_ref (l->data);
  g_list_free_full (tracers, gst_object_unref);
  fail_unless (leaks != NULL, "run with GST_TRACERS=leaks");

  run_start (&run, "", caps);
  for (i = 0; i <= 100; i++) {
    guint have = run_count (&run);
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    if (i > 0)
      gst_element_set_state (run.pipe, GST_STATE_PLAYING);
    while (run_count (&run) == have && g_get_monotonic_time () < end)
      g_usleep (2000);
    fail_unless (run_count (&run) > have, "cycle %u: no frame", i);
    fail_unless (run.error == NULL, "cycle %u: %s", i, run.error);
    gst_element_set_state (run.pipe, GST_STATE_NULL);
    gst_bus_set_flushing (GST_ELEMENT_BUS (run.pipe), TRUE);
    gst_bus_set_flushing (GST_ELEMENT_BUS (run.pipe), FALSE);
    g_mutex_lock (&run.rec.lock);
    gst_clear_caps (&run.rec.caps);
    g_mutex_unlock (&run.rec.lock);

    if (i == 0)
      g_signal_emit_by_name (leaks, "activity-start-tracking");
  }

  g_signal_emit_by_name (leaks, "activity-get-checkpoint", &cp);
  g_signal_emit_by_name (leaks, "activity-stop-tracking");
  net = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  count_addresses (gst_structure_get_value (cp, "objects-created-list"), net,
      types, 1);
  count_addresses (gst_structure_get_value (cp, "objects-removed-list"), net,
      types, -1);

  g_hash_table_iter_init (&iter, net);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (GPOINTER_TO_INT (value) > 0) {
      if (alive < 20)
        g_printerr ("still alive: %s %s\n",
            (gchar *) g_hash_table_lookup (types, key), (gchar *) key);
      alive++;
    }
  }
  fail_unless_equals_int (alive, 0);

  g_hash_table_unref (net);
  g_hash_table_unref (types);
  gst_structure_free (cp);
  gst_object_unref (leaks);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* The device goes away while streaming (last test: it does not come back). */
GST_START_TEST (test_error_device_gone)
{
  gchar *caps = small_caps ();
  GstStructure *ctrl;
  gchar *err, *want;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);
  ctrl = gst_structure_from_string ("c,disconnect=1", NULL);
  g_object_set (run.src, "extra-controls", ctrl, NULL);
  gst_structure_free (ctrl);
  err = run_wait (&run, 20 * GST_SECOND, NULL, NULL);
  fail_unless (err != NULL, "no error after disconnect");
  want = g_strdup_printf ("Device '%s' is gone: ", device);
  fail_unless (g_str_has_prefix (err, want), "got: %s", err);
  run_stop (&run);
  g_free (want);
  g_free (err);
  g_free (caps);
}

GST_END_TEST;

static Suite *
tegracsisrc_device_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-device");
  TCase *tc = tcase_create ("device");
  const gchar *only = g_getenv ("TEGRACSI_TEST_ONLY_CYCLES");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  if (only == NULL || !g_str_equal (only, "1")) {
    tcase_add_test (tc, test_negotiate_each_format);
    tcase_add_test (tc, test_mmap_mode);
    tcase_add_test (tc, test_dmabuf_mode);
    tcase_add_test (tc, test_fixation_largest);
    tcase_add_test (tc, test_extra_controls_at_start);
    tcase_add_test (tc, test_gst_launch_leaks);
    tcase_add_test (tc, test_timestamps);
    tcase_add_test (tc, test_latency_query);
    tcase_add_test (tc, test_pause_resume_reconfigure);
    tcase_add_test (tc, test_two_channels);
    tcase_add_test (tc, test_error_busy);
    tcase_add_test (tc, test_error_format_not_supported);
    tcase_add_test (tc, test_error_not_capture);
    tcase_add_test (tc, test_error_frames_drop);
    tcase_add_test (tc, test_error_frames_mark);
    if (ours) {
      tcase_add_test (tc, test_drops);
      tcase_add_test (tc, test_error_stalled);
    }
  }
  tcase_add_test (tc, test_cycles_no_leaks);
  /* last: vivid's disconnect removes the device until it is reloaded */
  if (only == NULL || !g_str_equal (only, "1"))
    tcase_add_test (tc, test_error_device_gone);

  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int ret;

  gst_check_init (&argc, &argv);

  driver = g_getenv ("TEGRACSI_TEST_DRIVER");
  if (driver == NULL || *driver == '\0')
    driver = TEGRA_CSI_SG_DRIVER_NAME;
  ours = g_str_equal (driver, TEGRA_CSI_SG_DRIVER_NAME);
  find_nodes ();
  if (device == NULL) {
    g_print ("SKIP: no V4L2 capture device of driver %s\n", driver);
    return 77;
  }
  g_print ("testing %s (%s)%s%s\n", device, driver,
      device2 ? ", second capture node " : "", device2 ? device2 : "");

  s = tegracsisrc_device_suite ();
  ret = gst_check_run_suite (s, "tegracsisrc-device", __FILE__);
  return ret;
}
