/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the driver's CLOCK_MONOTONIC capture times on a pipeline clock.
 *
 * V4L2 drivers that set V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC stamp frames with
 * CLOCK_MONOTONIC (V4L2 spec, "struct v4l2_buffer", timestamp). The default
 * GStreamer clock, a GstSystemClock of type MONOTONIC that nobody
 * calibrated or slaved, reads that clock itself: the timestamp is already a
 * time of it. Any other clock (a REALTIME system clock, an audio clock, a
 * GstNetClientClock or GstPtpClock, which are GstSystemClock subclasses
 * that follow a remote clock through their calibration) is related to
 * CLOCK_MONOTONIC by an offset: both are read at (nearly) one instant, at
 * most twice a second of capture time, and the measurements are smoothed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsiclock.h"

#include <stdlib.h>
#include <string.h>
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

/* Reads @clock and CLOCK_MONOTONIC at (nearly) the same instant: the
 * pipeline clock is read between two monotonic reads, and of three tries
 * the one with the narrowest window wins (a preemption widens it).
 * Returns clock - monotonic. */
static GstClockTimeDiff
sample_offset (GstClock * clock)
{
  GstClockTime best_window = GST_CLOCK_TIME_NONE;
  GstClockTimeDiff offset = 0;
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
      offset = GST_CLOCK_DIFF (m1 + (m2 - m1) / 2, c);
    }
  }
  return offset;
}

/**
 * gst_tegra_csi_clock_find_raw_meta:
 * @buffer: a buffer
 *
 * Finds the raw timestamp meta of the plugin on @buffer by comparing the
 * reference caps pointer with gst_tegra_csi_clock_monotonic_caps() (no
 * caps comparison, unlike gst_buffer_get_reference_timestamp_meta()).
 *
 * Returns: (transfer none) (nullable): the meta.
 */
GstReferenceTimestampMeta *
gst_tegra_csi_clock_find_raw_meta (GstBuffer * buffer)
{
  GstCaps *caps = gst_tegra_csi_clock_monotonic_caps ();
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_REFERENCE_TIMESTAMP_META_API_TYPE)))
    if (((GstReferenceTimestampMeta *) meta)->reference == caps)
      return (GstReferenceTimestampMeta *) meta;
  return NULL;
}

/**
 * gst_tegra_csi_clock_set_raw_meta:
 * @buffer: a buffer, writable
 * @timestamp: the driver's CLOCK_MONOTONIC timestamp, or
 *   %GST_CLOCK_TIME_NONE when the driver gives none
 *
 * Sets the raw timestamp meta of @buffer to @timestamp: updates the one it
 * has, or adds one flagged %GST_META_FLAG_POOLED, which a pool keeps
 * across recycling, so that a buffer coming back costs no allocation;
 * without @timestamp, removes it.
 */
void
gst_tegra_csi_clock_set_raw_meta (GstBuffer * buffer, GstClockTime timestamp)
{
  GstReferenceTimestampMeta *meta = gst_tegra_csi_clock_find_raw_meta (buffer);

  if (!GST_CLOCK_TIME_IS_VALID (timestamp)) {
    if (meta) {
      GST_META_FLAG_UNSET (meta, GST_META_FLAG_LOCKED);
      gst_buffer_remove_meta (buffer, (GstMeta *) meta);
    }
    return;
  }
  if (meta == NULL) {
    meta = gst_buffer_add_reference_timestamp_meta (buffer,
        gst_tegra_csi_clock_monotonic_caps (), timestamp,
        GST_CLOCK_TIME_NONE);
    GST_META_FLAG_SET (meta, GST_META_FLAG_POOLED);
  }
  meta->timestamp = timestamp;
}

/**
 * gst_tegra_csi_clock_reads_monotonic:
 * @clock: a clock
 *
 * Whether @clock is proven to read CLOCK_MONOTONIC as it is: exactly a
 * #GstSystemClock (no subclass: network and PTP clocks are subclasses),
 * of clock-type %GST_CLOCK_TYPE_MONOTONIC, not slaved to a master, with
 * the identity calibration. Takes the clock's lock; not for every frame.
 *
 * Returns: %TRUE when times of @clock are CLOCK_MONOTONIC times.
 */
gboolean
gst_tegra_csi_clock_reads_monotonic (GstClock * clock)
{
  GstClockType type = GST_CLOCK_TYPE_REALTIME;
  GstClockTime internal, external, num, denom;
  GstClock *master;

  if (G_OBJECT_TYPE (clock) != GST_TYPE_SYSTEM_CLOCK)
    return FALSE;
  g_object_get (clock, "clock-type", &type, NULL);
  if (type != GST_CLOCK_TYPE_MONOTONIC)
    return FALSE;
  master = gst_clock_get_master (clock);
  if (master) {
    gst_object_unref (master);
    return FALSE;
  }
  gst_clock_get_calibration (clock, &internal, &external, &num, &denom);
  return internal == external && num == denom;
}

/**
 * gst_tegra_csi_clock_sync_clear:
 * @sync: a clock relation
 *
 * Forgets the clock and what was measured (at stop, and before first use
 * on zeroed memory nothing is needed).
 */
void
gst_tegra_csi_clock_sync_clear (GstTegraCsiClockSync * sync)
{
  gst_clear_object (&sync->clock);
  memset (sync, 0, sizeof (*sync));
}

/* Re-measures at most this often, in capture time. */
#define RECHECK_INTERVAL (GST_SECOND / 10)

static gint
compare_offsets (gconstpointer a, gconstpointer b)
{
  GstClockTimeDiff x = *(const GstClockTimeDiff *) a;
  GstClockTimeDiff y = *(const GstClockTimeDiff *) b;

  return x < y ? -1 : x > y;
}

/**
 * gst_tegra_csi_clock_sync_capture_time:
 * @sync: the relation to @clock, zeroed or from a previous call
 * @clock: the pipeline clock
 * @monotonic: the driver's capture time (CLOCK_MONOTONIC, ns), or
 *   %GST_CLOCK_TIME_NONE when the driver gives none
 *
 * Moves a capture time onto @clock. For a clock that reads CLOCK_MONOTONIC
 * (gst_tegra_csi_clock_reads_monotonic(), checked again every 100 ms of
 * capture time) it is @monotonic itself. For any other clock it is
 * @monotonic plus the offset between the clocks, measured when the clock
 * changes and then at most every 100 ms of capture time (three reads of
 * each clock, the narrowest window wins) and filtered: the median of the
 * last three measurements, so that one disturbed measurement is ignored
 * and a real change of the clock (a slaved clock being corrected, a
 * REALTIME clock set) is followed after one more. Without @monotonic, the
 * arrival time (one read of @clock). Streaming thread only; no
 * allocation.
 *
 * Returns: the capture time on @clock (not yet minus the base time).
 */
GstClockTime
gst_tegra_csi_clock_sync_capture_time (GstTegraCsiClockSync * sync,
    GstClock * clock, GstClockTime monotonic)
{
  if (!GST_CLOCK_TIME_IS_VALID (monotonic))
    return gst_clock_get_time (clock);

  if (clock != sync->clock) {
    gst_tegra_csi_clock_sync_clear (sync);
    sync->clock = gst_object_ref (clock);
  }

  if (sync->n_samples == 0 || monotonic >= sync->next_check ||
      monotonic + RECHECK_INTERVAL < sync->next_check) {
    sync->identity = gst_tegra_csi_clock_reads_monotonic (clock);
    if (!sync->identity) {
      GstClockTimeDiff sorted[G_N_ELEMENTS (sync->samples)];
      guint n = G_N_ELEMENTS (sync->samples);

      sync->samples[sync->n_samples % n] = sample_offset (clock);
      sync->n_samples++;
      /* until there are three, the newest */
      if (sync->n_samples < n) {
        sync->offset = sync->samples[(sync->n_samples - 1) % n];
      } else {
        memcpy (sorted, sync->samples, sizeof (sorted));
        qsort (sorted, n, sizeof (sorted[0]), compare_offsets);
        sync->offset = sorted[n / 2];
      }
    } else {
      sync->n_samples = 1;
    }
    sync->next_check = monotonic + RECHECK_INTERVAL;
  }

  if (sync->identity)
    return monotonic;
  if (sync->offset < 0 && (GstClockTime) - sync->offset > monotonic)
    return 0;
  return monotonic + sync->offset;
}
