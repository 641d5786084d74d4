/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: formats and memory. Every format the device offers
 * negotiates; the io modes hand out the memory they promise without a
 * copy; fixation without a size from downstream; controls set before
 * start reach the device.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <gst/allocators/allocators.h>

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

/* A frame of a multi-planar format (V4L2 "multi-planar API", one memory
 * per plane, as YUV444M): one dma-buf memory per plane, each exported by
 * the capture device and distinct, each at least the plane's sizeimage;
 * the video meta has one plane per memory, each starting at offset 0 of
 * its own memory, with the plane's bytesperline as stride. */
static void
check_mplane_frame (const Frame * f, const struct v4l2_format *fmt,
    const gchar * caps, guint n)
{
  guint p, q, planes = fmt->fmt.pix_mp.num_planes;
  gsize start = 0;

  fail_unless_equals_int (f->n_mems, planes);
  fail_unless_equals_int (f->n_planes, planes);
  for (p = 0; p < planes; p++) {
    fail_unless (f->mem_dmabuf[p] && f->mem_exported[p],
        "%s: frame %u memory %u is not a dma-buf exported by vb2", caps, n, p);
    fail_unless (f->mem_ino[p] != 0);
    for (q = 0; q < p; q++)
      fail_unless (f->mem_ino[q] != f->mem_ino[p],
          "%s: frame %u memories %u and %u are the same dma-buf", caps, n, q,
          p);
    fail_unless (f->mem_size[p] >= fmt->fmt.pix_mp.plane_fmt[p].sizeimage,
        "%s: frame %u memory %u has %" G_GSIZE_FORMAT " bytes, plane %u "
        "needs %u", caps, n, p, f->mem_size[p], p,
        fmt->fmt.pix_mp.plane_fmt[p].sizeimage);
    fail_unless_equals_int (f->stride[p], fmt_bytesperline (fmt, p));
    fail_unless_equals_uint64 (f->plane_offset[p], start);
    start += f->mem_size[p];
  }
}

/* Every format the device offers negotiates, in dma-buf memory exported by
 * the capture device, with the driver's bytesperline as stride. */
GST_START_TEST (test_negotiate_each_format)
{
  GArray *formats = device_formats ();
  guint i, j, n_mplane = 0;

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
          fmt.fmt.pix_mp.num_planes > 1) {
        check_mplane_frame (f, &fmt, caps, j);
        n_mplane++;
      }
    }
    run_stop (&run);
    g_free (caps);
  }
  /* vivid's multi-planar interface offers YUV444M: its three-memory
   * frames must have been checked, not merely counted */
  if (device_offers (V4L2_PIX_FMT_YUV444M))
    fail_unless (n_mplane >= 3, "%u multi-planar frames checked, expected the "
        "3 frames of YUV444M at least", n_mplane);
  GST_INFO ("%u formats, %u multi-planar frames checked", formats->len,
      n_mplane);
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

/* io-mode=dmabuf with system-memory caps still hands out the exported
 * dma-bufs (they can be mapped). */
GST_START_TEST (test_dmabuf_mode)
{
  gchar *caps = small_caps ();
  GstStructure *stats;
  gchar *err;
  guint i;
  Run run;

  GHashTable *inodes = g_hash_table_new (g_int64_hash, g_int64_equal);

  run_start (&run, "io-mode=dmabuf capture-buffers=3 num-buffers=9", caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 9);
  for (i = 0; i < 9; i++) {
    fail_unless (FRAME (&run, i)->dmabuf);
    fail_unless (FRAME (&run, i)->exported);
    fail_unless (FRAME (&run, i)->mapped);
    fail_unless (FRAME (&run, i)->ino != 0);
    g_hash_table_add (inodes, &FRAME (&run, i)->ino);
  }
  /* exported once per buffer and reused: 9 frames, at most 3 dma-bufs
   * (told apart by inode: a re-export could reuse a closed fd's number) */
  fail_unless (g_hash_table_size (inodes) <= 3, "%u different dma-bufs",
      g_hash_table_size (inodes));
  g_hash_table_unref (inodes);
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

void
tcs_add_format_tests (TCase * tc)
{
  tcase_add_test (tc, test_negotiate_each_format);
  tcase_add_test (tc, test_mmap_mode);
  tcase_add_test (tc, test_dmabuf_mode);
  tcase_add_test (tc, test_fixation_largest);
  tcase_add_test (tc, test_extra_controls_at_start);
}
