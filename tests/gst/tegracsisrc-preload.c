/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc under tcs-preload.so (LD_PRELOAD), against our driver in the
 * guest (tests/vm/run, virtual_channels=1):
 *
 *  - answers the drivers at hand never give, bent between the driver and
 *    the element: a VIDIOC_S_PARM that chose another rate or failed, a
 *    VIDIOC_S_FMT with a field order the element cannot describe, a
 *    VIDIOC_DQBUF of a buffer that was not queued. The caps must tell what
 *    the driver answered, and each failure must be a clear error.
 *
 * main() runs the program again with LD_PRELOAD set to TCS_PRELOAD_LIB
 * (meson sets it) and G_SLICE=always-malloc.
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-preload.h"
#include "tcs-v4l2.h"

/* The shim's control functions, found at run time. */
static struct
{
  void (*fault_s_parm) (int err, uint32_t num, uint32_t den);
  void (*fault_s_fmt_field) (int field);
  void (*fault_dqbuf_index) (int after);
} shim;

static void
find_shim (void)
{
  shim.fault_s_parm = dlsym (RTLD_DEFAULT, "tcs_preload_fault_s_parm");
  shim.fault_s_fmt_field = dlsym (RTLD_DEFAULT,
      "tcs_preload_fault_s_fmt_field");
  shim.fault_dqbuf_index = dlsym (RTLD_DEFAULT,
      "tcs_preload_fault_dqbuf_index");
  fail_unless (shim.fault_s_parm && shim.fault_s_fmt_field &&
      shim.fault_dqbuf_index, "tcs-preload.so is not loaded");
}

/* What a run ended with. */
typedef struct
{
  guint frames;
  GstClockTime duration;        /* of the last frame */
  GstCaps *caps;                /* negotiated */
  gchar *error;
  gchar *warning;               /* the source's first warning */
} Outcome;

static GstPadProbeReturn
note_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Outcome *o = user_data;

  o->frames++;
  o->duration = GST_BUFFER_DURATION (GST_PAD_PROBE_INFO_BUFFER (info));
  if (o->caps == NULL)
    o->caps = gst_pad_get_current_caps (pad);
  return GST_PAD_PROBE_OK;
}

/* Runs "tegracsisrc @props num-buffers=@frames ! @caps ! fakesink" to EOS
 * or the first error. */
static void
run (const gchar * props, const gchar * caps, guint frames, Outcome * o)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *desc;
  GstElement *pipe, *sink;
  GstMessage *msg;
  GstPad *pad;

  fail_unless (dev != NULL, "no tegra-csi-sg capture node");
  memset (o, 0, sizeof (*o));
  desc = g_strdup_printf ("tegracsisrc name=src device=%s num-buffers=%u %s "
      "! %s ! fakesink name=sink sync=false", dev, frames, props, caps);
  pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL, "%s", desc);
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, note_frame, o, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  for (;;) {
    GError *err = NULL;

    msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe),
        60 * GST_SECOND, GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
        GST_MESSAGE_EOS);
    fail_unless (msg != NULL, "neither EOS nor an error within 60 s");
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      gst_message_parse_warning (msg, &err, NULL);
      if (o->warning == NULL)
        o->warning = g_strdup (err->message);
      g_error_free (err);
      gst_message_unref (msg);
      continue;
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      gst_message_parse_error (msg, &err, NULL);
      o->error = g_strdup (err->message);
      g_error_free (err);
    }
    gst_message_unref (msg);
    break;
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (dev);
}

static void
outcome_clear (Outcome * o)
{
  gst_clear_caps (&o->caps);
  g_free (o->error);
  g_free (o->warning);
}

static void
caps_rate (GstCaps * caps, gint * n, gint * d)
{
  fail_unless (caps != NULL);
  fail_unless (gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
          "framerate", n, d));
}

#define BGRX "video/x-raw,format=BGRx,width=320,height=240"

/* The driver answers VIDIOC_S_PARM with another rate than asked (60/1,
 * the highest): the caps and the durations say the driver's. */
GST_START_TEST (test_rate_from_driver_answer)
{
  gint n, d;
  Outcome o;

  find_shim ();
  shim.fault_s_parm (0, 1, 15);
  run ("", BGRX, 5, &o);
  shim.fault_s_parm (0, 0, 0);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.frames, 5);
  caps_rate (o.caps, &n, &d);
  fail_unless (n == 15 && d == 1, "caps say %d/%d, the driver answered 15/1",
      n, d);
  fail_unless_equals_uint64 (o.duration, GST_SECOND / 15);
  outcome_clear (&o);
}

GST_END_TEST;

/* VIDIOC_S_PARM fails: a warning says so, the caps carry the rate the
 * device runs at (VIDIOC_G_PARM). */
GST_START_TEST (test_rate_refused_posted)
{
  struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  struct v4l2_capability cap;
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *want;
  gint fd, n, d;
  Outcome o;

  find_shim ();
  shim.fault_s_parm (EINVAL, 0, 0);
  run ("", BGRX ",framerate=60/1", 5, &o);
  shim.fault_s_parm (0, 0, 0);
  fd = open_node (dev, &cap);
  fail_unless (fd >= 0);
  fail_unless (ioctl (fd, VIDIOC_G_PARM, &parm) == 0);
  close (fd);

  want = g_strdup_printf ("Device '%s' did not take 60/1 frames per second "
      "(VIDIOC_S_PARM: %s).", dev, g_strerror (EINVAL));
  fail_unless_equals_string (o.warning, want);
  g_free (want);
  /* downstream wants 60/1, the device runs at another rate: refused */
  if (parm.parm.capture.timeperframe.denominator !=
      60 * parm.parm.capture.timeperframe.numerator) {
    fail_unless (o.error != NULL);
    fail_unless (strstr (o.error, "framerate") != NULL, "%s", o.error);
  } else {
    caps_rate (o.caps, &n, &d);
    fail_unless (n == 60 && d == 1);
  }
  outcome_clear (&o);

  /* without a rate from downstream the caps take the device's */
  shim.fault_s_parm (EINVAL, 0, 0);
  run ("", BGRX, 5, &o);
  shim.fault_s_parm (0, 0, 0);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless (o.warning != NULL);
  caps_rate (o.caps, &n, &d);
  fail_unless ((guint64) n * parm.parm.capture.timeperframe.numerator ==
      (guint64) d * parm.parm.capture.timeperframe.denominator,
      "caps %d/%d, the device runs at %u/%u", n, d,
      parm.parm.capture.timeperframe.denominator,
      parm.parm.capture.timeperframe.numerator);
  outcome_clear (&o);
  g_free (dev);
}

GST_END_TEST;

/* A field order the element cannot describe (one field per buffer) is
 * refused with its own error. */
GST_START_TEST (test_field_order_refused)
{
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *want;
  Outcome o;

  find_shim ();
  shim.fault_s_fmt_field (V4L2_FIELD_ALTERNATE);
  run ("", BGRX, 5, &o);
  shim.fault_s_fmt_field (-1);
  want = g_strdup_printf ("Device '%s' delivers its frames as V4L2 field "
      "order 'alternate' (one field per buffer or fields one after the "
      "other): this element delivers progressive frames and frames with "
      "both fields interleaved only.", dev);
  fail_unless_equals_string (o.error, want);
  fail_unless_equals_int (o.frames, 0);
  g_free (want);
  outcome_clear (&o);
  g_free (dev);
}

GST_END_TEST;

/* VIDIOC_DQBUF answers a buffer that is not queued: an error, in the
 * element's own pool (mmap) and in the import queue (userptr). */
GST_START_TEST (test_dqbuf_index_not_queued)
{
  static const gchar *modes[] = { "io-mode=mmap", "io-mode=userptr" };
  gchar *dev = capture_node_of (TEGRA_CSI_SG_DRIVER_NAME);
  gchar *want = g_strdup_printf ("Device '%s' returned buffer ", dev);
  guint i;

  find_shim ();
  for (i = 0; i < G_N_ELEMENTS (modes); i++) {
    Outcome o;

    shim.fault_dqbuf_index (5);
    run (modes[i], BGRX, 20, &o);
    shim.fault_dqbuf_index (-1);
    fail_unless (o.error != NULL, "%s: no error", modes[i]);
    fail_unless (g_str_has_prefix (o.error, want) &&
        g_str_has_suffix (o.error, ", which was not queued to it."),
        "%s: %s", modes[i], o.error);
    fail_unless_equals_int (o.frames, 5);
    outcome_clear (&o);
  }
  g_free (want);
  g_free (dev);
}

GST_END_TEST;

static Suite *
preload_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-preload");
  TCase *tc = tcase_create ("preload");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_rate_from_driver_answer);
  tcase_add_test (tc, test_rate_refused_posted);
  tcase_add_test (tc, test_field_order_refused);
  tcase_add_test (tc, test_dqbuf_index_not_queued);
  suite_add_tcase (s, tc);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *lib = g_getenv ("TCS_PRELOAD_LIB");

  if (g_getenv ("TCS_PRELOADED") == NULL) {
    if (lib == NULL) {
      g_printerr ("TCS_PRELOAD_LIB is not set\n");
      return 1;
    }
    g_setenv ("LD_PRELOAD", lib, TRUE);
    g_setenv ("G_SLICE", "always-malloc", TRUE);
    g_setenv ("TCS_PRELOADED", "1", TRUE);
    execv ("/proc/self/exe", argv);
    g_printerr ("cannot run again with %s: %s\n", lib, g_strerror (errno));
    return 1;
  }

  gst_check_init (&argc, &argv);
  return gst_check_run_suite (preload_suite (), "tegracsisrc-preload",
      __FILE__);
}
