/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the driver's CLOCK_MONOTONIC capture times on a pipeline clock.
 *
 * V4L2 drivers that set V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC stamp frames with
 * CLOCK_MONOTONIC (V4L2 spec, "struct v4l2_buffer", timestamp). The default
 * GStreamer clock (a GstSystemClock of type MONOTONIC) reads that clock
 * itself; any other clock is related to it by reading both at one instant.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiclock.h"

#include <time.h>

/**
 * gst_tegra_csi_clock_monotonic_caps:
 *
 * The reference caps (`timestamp/x-clock-monotonic`) of the
 * #GstReferenceTimestampMeta that carries the driver's raw CLOCK_MONOTONIC
 * timestamp. Every part of the plugin uses this one object, so a meta is
 * recognised as ours by comparing pointers, not caps.
 *
 * Returns: (transfer none): the caps, alive for the life of the process.
 */
GstCaps *
gst_tegra_csi_clock_monotonic_caps (void)
{
  static GstStaticCaps caps = GST_STATIC_CAPS ("timestamp/x-clock-monotonic");
  static GstCaps *singleton;

  if (g_once_init_enter (&singleton)) {
    GstCaps *c = gst_static_caps_get (&caps);

    GST_MINI_OBJECT_FLAG_SET (c, GST_MINI_OBJECT_FLAG_MAY_BE_LEAKED);
    g_once_init_leave (&singleton, c);
  }
  return singleton;
}

/**
 * gst_tegra_csi_clock_is_monotonic:
 * @clock: a pipeline clock
 *
 * Returns: %TRUE when @clock reads CLOCK_MONOTONIC itself (the default
 *   system clock): the driver's timestamps are then already on it.
 */
gboolean
gst_tegra_csi_clock_is_monotonic (GstClock * clock)
{
  GstClockType type = GST_CLOCK_TYPE_REALTIME;

  if (!GST_IS_SYSTEM_CLOCK (clock))
    return FALSE;
  g_object_get (clock, "clock-type", &type, NULL);
  return type == GST_CLOCK_TYPE_MONOTONIC;
}

/* Reads @clock and CLOCK_MONOTONIC at (nearly) the same instant: the
 * pipeline clock is read between two monotonic reads, and of three tries
 * the one with the narrowest window wins (a preemption widens it). */
static void
sample_clocks (GstClock * clock, GstClockTime * clock_now,
    GstClockTime * mono_now)
{
  GstClockTime best_window = GST_CLOCK_TIME_NONE;
  guint i;

  for (i = 0; i < 3; i++) {
    struct timespec t1, t2;
    GstClockTime c, m1, m2;

    clock_gettime (CLOCK_MONOTONIC, &t1);
    c = gst_clock_get_time (clock);
    clock_gettime (CLOCK_MONOTONIC, &t2);
    m1 = GST_TIMESPEC_TO_TIME (t1);
    m2 = GST_TIMESPEC_TO_TIME (t2);
    if (m2 - m1 < best_window) {
      best_window = m2 - m1;
      *clock_now = c;
      *mono_now = m1 + (m2 - m1) / 2;
    }
  }
}

/**
 * gst_tegra_csi_clock_capture_time:
 * @clock: the pipeline clock
 * @clock_is_monotonic: what gst_tegra_csi_clock_is_monotonic() says of it
 * @monotonic: the driver's capture time (CLOCK_MONOTONIC, ns), or
 *   %GST_CLOCK_TIME_NONE when the driver gives none
 *
 * Returns: the capture time on @clock (not yet minus the base time): @monotonic
 *   itself on a monotonic clock, else moved by the measured offset between
 *   the clocks; without @monotonic, the arrival time (now).
 */
GstClockTime
gst_tegra_csi_clock_capture_time (GstClock * clock,
    gboolean clock_is_monotonic, GstClockTime monotonic)
{
  GstClockTime now = 0, mono_now = 0;

  if (GST_CLOCK_TIME_IS_VALID (monotonic) && clock_is_monotonic)
    return monotonic;

  sample_clocks (clock, &now, &mono_now);
  if (!GST_CLOCK_TIME_IS_VALID (monotonic) || mono_now <= monotonic)
    return now;
  /* the frame was captured (mono_now - monotonic) before now */
  return now > mono_now - monotonic ? now - (mono_now - monotonic) : 0;
}
