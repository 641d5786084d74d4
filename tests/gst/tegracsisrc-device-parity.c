/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: what a v4l2src user looks for. The prepare-format
 * signal comes before VIDIOC_S_FMT with the device's fd and the caps;
 * extra-controls takes menu entries by name, 64-bit integers, strings and
 * buttons (vivid has one control of each type) and names every control it
 * cannot set; GstColorBalance covers the device's brightness, contrast,
 * saturation and hue (vivid has them, our driver has none); the crop-*
 * properties crop with VIDIOC_S_SELECTION and the caps follow (vivid's
 * HDMI input crops; our driver cannot, which is an error), crop-bounds
 * tells the area.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <gst/video/colorbalance.h>

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/v4l2-dv-timings.h>

/* The id of the control the driver names @name, or 0. */
static guint32
control_id (gint fd, const gchar * name)
{
  struct v4l2_query_ext_ctrl q = {.id = V4L2_CTRL_FLAG_NEXT_CTRL };

  while (ioctl (fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
    if (g_str_equal ((const gchar *) q.name, name))
      return q.id;
    q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
  }
  return 0;
}

/* Reads control @name of @fd into @ctrl (@string: room for a string). */
static void
read_control (gint fd, const gchar * name, struct v4l2_ext_control *ctrl,
    gchar * string, guint size)
{
  struct v4l2_ext_controls ctrls = {.which = V4L2_CTRL_WHICH_CUR_VAL,
    .count = 1,.controls = ctrl
  };

  memset (ctrl, 0, sizeof (*ctrl));
  ctrl->id = control_id (fd, name);
  fail_unless (ctrl->id != 0, "no control '%s'", name);
  if (string) {
    ctrl->string = string;
    ctrl->size = size;
  }
  fail_unless (ioctl (fd, VIDIOC_G_EXT_CTRLS, &ctrls) == 0, "%s: %s", name,
      g_strerror (errno));
}

/* ---- prepare-format ---- */

typedef struct
{
  guint calls;
  gint fd, element_fd;
  GstCaps *caps;
  guint width_before;           /* VIDIOC_G_FMT through @fd, in the signal */
} Prepared;

static void
on_prepare_format (GstElement * src, gint fd, GstCaps * caps, Prepared * p)
{
  struct v4l2_format fmt = {.type = buf_type_of (fd) };

  p->calls++;
  p->fd = fd;
  g_object_get (src, "device-fd", &p->element_fd, NULL);
  gst_caps_replace (&p->caps, caps);
  if (ioctl (fd, VIDIOC_G_FMT, &fmt) == 0)
    p->width_before = fmt.fmt.pix.width;
}

/* Sets the device to another size than @df's, from a second file handle. */
static guint
set_other_size (const DeviceFormat * df)
{
  struct v4l2_capability cap;
  struct v4l2_format fmt;
  gint fd = open_node (device, &cap);

  fail_unless (fd >= 0);
  memset (&fmt, 0, sizeof (fmt));
  fmt.type = buf_type_of (fd);
  fail_unless (ioctl (fd, VIDIOC_G_FMT, &fmt) == 0);
  fmt.fmt.pix.pixelformat = df->fourcc;
  fmt.fmt.pix.width = df->width * 2;
  fmt.fmt.pix.height = df->height * 2;
  fail_unless (ioctl (fd, VIDIOC_S_FMT, &fmt) == 0);
  close (fd);
  fail_if (fmt.fmt.pix.width == df->width, "the device took no other size");
  return fmt.fmt.pix.width;
}

/* prepare-format comes once, before VIDIOC_S_FMT (the device still has
 * the size set before), with the element's fd and the caps being set. */
GST_START_TEST (test_prepare_format)
{
  GArray *formats = device_formats ();
  DeviceFormat *df = &g_array_index (formats, DeviceFormat, 0);
  gchar *desc = g_strdup_printf ("tegracsisrc name=src device=%s "
      "num-buffers=2 ! %s,width=%u,height=%u%s ! fakesink", device, df->caps,
      df->width, df->height, df->rate);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  Prepared p = { 0 };
  struct v4l2_format fmt;
  GstStructure *s;
  GstMessage *msg;
  guint before;
  gint w = 0;

  before = set_other_size (df);
  g_signal_connect (src, "prepare-format", G_CALLBACK (on_prepare_format),
      &p);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  get_format (&fmt);

  fail_unless_equals_int (p.calls, 1);
  fail_unless (p.fd >= 0 && p.fd == p.element_fd);
  s = gst_caps_get_structure (p.caps, 0);
  fail_unless (gst_structure_get_int (s, "width", &w));
  fail_unless_equals_int (w, df->width);
  fail_unless_equals_int (p.width_before, before);
  fail_unless_equals_int (fmt.fmt.pix.width, df->width);

  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_caps_unref (p.caps);
  gst_object_unref (src);
  gst_object_unref (pipe);
  g_free (desc);
  free_formats (formats);
}

GST_END_TEST;

/* ---- extra-controls of every type ---- */

/* The warnings the source posts while going to PAUSED and back with
 * @controls. */
static GPtrArray *
warnings_with_controls (const gchar * controls)
{
  gchar *desc = g_strdup_printf ("tegracsisrc name=src device=%s "
      "extra-controls=\"%s\" ! fakesink", device, controls);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  GstMessage *msg;

  fail_unless (pipe != NULL, "%s", desc);
  fail_unless (gst_element_set_state (pipe, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  while ((msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipe),
              GST_MESSAGE_WARNING | GST_MESSAGE_ERROR))) {
    GError *err = NULL;

    fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING);
    gst_message_parse_warning (msg, &err, NULL);
    g_ptr_array_add (out, g_strdup (err->message));
    g_error_free (err);
    gst_message_unref (msg);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
  return out;
}

/* vivid's test controls: a menu by entry name, a 64-bit integer, a
 * string and a button are set without a warning; a wrong entry name and
 * a number for the string each give a warning naming the control. */
GST_START_TEST (test_extra_controls_types)
{
  struct v4l2_capability cap;
  struct v4l2_ext_control c;
  gchar string[16];
  GPtrArray *w;
  gchar *want;
  gint fd;

  w = warnings_with_controls ("c,menu=\\\"Menu Item 3\\\","
      "integer_64_bits=(gint64)1099511627776,string=abc,button=true");
  fail_unless (w->len == 0, "warning: %s", w->len ?
      (gchar *) g_ptr_array_index (w, 0) : "");
  g_ptr_array_unref (w);

  fd = open_node (device, &cap);
  fail_unless (fd >= 0);
  read_control (fd, "Menu", &c, NULL, 0);
  fail_unless_equals_int (c.value, 3);
  read_control (fd, "Integer 64 Bits", &c, NULL, 0);
  fail_unless_equals_int64 (c.value64, G_GINT64_CONSTANT (1099511627776));
  read_control (fd, "String", &c, string, sizeof (string));
  fail_unless_equals_string (string, "abc");
  close (fd);

  w = warnings_with_controls ("c,menu=\\\"No Such Item\\\",string=5");
  fail_unless_equals_int (w->len, 2);
  want = g_strdup_printf ("Control 'menu' of device '%s' has no menu entry "
      "'No Such Item'.", device);
  fail_unless_equals_string (g_ptr_array_index (w, 0), want);
  g_free (want);
  want = g_strdup_printf ("Control 'string' of device '%s' needs a string.",
      device);
  fail_unless_equals_string (g_ptr_array_index (w, 1), want);
  g_free (want);
  g_ptr_array_unref (w);
}

GST_END_TEST;

/* ---- GstColorBalance ---- */

/* In READY the element lists a channel for each color control of the
 * device; setting one sets the control, reading it reads the control. */
GST_START_TEST (test_color_balance)
{
  static const gchar *names[] = { "Brightness", "Contrast", "Saturation",
    "Hue"
  };
  GstElement *src = gst_element_factory_make ("tegracsisrc", NULL);
  struct v4l2_capability cap;
  const GList *channels, *l;
  gint fd = open_node (device, &cap);
  guint i, n = 0;

  fail_unless (fd >= 0);
  fail_unless (GST_IS_COLOR_BALANCE (src));
  g_object_set (src, "device", device, NULL);
  fail_unless (gst_element_set_state (src, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  channels = gst_color_balance_list_channels (GST_COLOR_BALANCE (src));
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (control_id (fd, names[i]))
      n++;
  fail_unless_equals_int (g_list_length ((GList *) channels), n);
  fail_unless (ours || n == 4, "vivid has all four color controls");
  fail_unless_equals_int (gst_color_balance_get_balance_type
      (GST_COLOR_BALANCE (src)), GST_COLOR_BALANCE_HARDWARE);

  for (l = channels; l; l = l->next) {
    GstColorBalanceChannel *ch = l->data;
    struct v4l2_control c = {.id = control_id (fd, ch->label) };
    gint want = ch->min_value + (ch->max_value - ch->min_value) / 3;

    fail_unless (c.id != 0, "channel '%s' is no control of the device",
        ch->label);
    gst_color_balance_set_value (GST_COLOR_BALANCE (src), ch, want);
    fail_unless (ioctl (fd, VIDIOC_G_CTRL, &c) == 0);
    fail_unless_equals_int (c.value, want);
    fail_unless_equals_int (gst_color_balance_get_value (GST_COLOR_BALANCE
            (src), ch), want);
  }
  gst_element_set_state (src, GST_STATE_NULL);
  close (fd);
  gst_object_unref (src);
}

GST_END_TEST;

/* ---- crop ---- */

/* Sets boolean control @name of @fd. */
static void
set_control (gint fd, const gchar * name, gint value)
{
  struct v4l2_control c = {.id = control_id (fd, name),.value = value };

  fail_unless (c.id != 0, "no control '%s'", name);
  fail_unless (ioctl (fd, VIDIOC_S_CTRL, &c) == 0, "%s: %s", name,
      g_strerror (errno));
}

/* vivid's HDMI input at 720p30 without composing or scaling: crop 100,
 * 40, 180 and 80 pixels off the left, top, right and bottom; the frames
 * are 1000x600, the device's crop rectangle is that one, crop-bounds is
 * the 1280x720 frame. */
GST_START_TEST (test_crop)
{
  struct v4l2_dv_timings t = V4L2_DV_BT_CEA_1280X720P30;
  struct v4l2_selection sel = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
    .target = V4L2_SEL_TGT_CROP
  };
  struct v4l2_capability cap;
  struct v4l2_input in = { 0 };
  GValue bounds = G_VALUE_INIT;
  gint fd = open_node (device, &cap), w = 0, h = 0;
  guint zero = 0, i;
  gchar *err, *str;
  Run run;

  fail_unless (fd >= 0);
  for (in.index = 0; ioctl (fd, VIDIOC_ENUMINPUT, &in) == 0; in.index++)
    if (in.capabilities & V4L2_IN_CAP_DV_TIMINGS)
      break;
  fail_unless (ioctl (fd, VIDIOC_S_INPUT, &in.index) == 0);
  fail_unless (ioctl (fd, VIDIOC_S_DV_TIMINGS, &t) == 0);

  run_start (&run, "extra-controls=\"c,enable_capture_composing=0,"
      "enable_capture_scaler=0\" crop-left=100 crop-top=40 crop-right=180 "
      "crop-bottom=80 num-buffers=3", "video/x-raw,format=GRAY8");
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  g_value_init (&bounds, GST_TYPE_ARRAY);
  g_object_get_property (G_OBJECT (run.src), "crop-bounds", &bounds);
  ioctl (fd, VIDIOC_G_SELECTION, &sel);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), 3);
  fail_unless (gst_structure_get_int (gst_caps_get_structure (run.rec.caps,
              0), "width", &w));
  fail_unless (gst_structure_get_int (gst_caps_get_structure (run.rec.caps,
              0), "height", &h));
  fail_unless (w == 1000 && h == 600, "caps %dx%d", w, h);
  fail_unless (sel.r.left == 100 && sel.r.top == 40 && sel.r.width == 1000
      && sel.r.height == 600, "crop %u x %u at %d,%d", sel.r.width,
      sel.r.height, sel.r.left, sel.r.top);
  str = gst_value_serialize (&bounds);
  fail_unless_equals_string (str, "< (int)0, (int)0, (int)1280, (int)720 >");
  g_free (str);
  for (i = 0; i < 3; i++)
    fail_unless_equals_int (FRAME (&run, i)->stride[0], 1000);
  run_stop (&run);

  set_control (fd, "Enable Capture Composing", 1);
  set_control (fd, "Enable Capture Scaler", 1);
  ioctl (fd, VIDIOC_S_INPUT, &zero);
  close (fd);
  g_value_unset (&bounds);
}

GST_END_TEST;

/* Our driver cannot crop: asking for it is an error when it opens. */
GST_START_TEST (test_crop_refused)
{
  gchar *desc = g_strdup_printf ("tegracsisrc device=%s crop-top=2 ! "
      "fakesink", device);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  GstMessage *msg;
  GError *err = NULL;
  gchar *want;

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipe), GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  want = g_strdup_printf ("Device '%s' cannot crop: it reports no crop "
      "bounds (VIDIOC_G_SELECTION: ", device);
  fail_unless (g_str_has_prefix (err->message, want), "%s", err->message);
  g_free (want);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
}

GST_END_TEST;

void
tcs_add_parity_tests (TCase * tc)
{
  tcase_add_test (tc, test_prepare_format);
  tcase_add_test (tc, test_color_balance);
  if (ours) {
    tcase_add_test (tc, test_crop_refused);
  } else {
    tcase_add_test (tc, test_extra_controls_types);
    tcase_add_test (tc, test_crop);
  }
}
