/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the driver's CLOCK_MONOTONIC capture times on a pipeline clock.
 */
#ifndef __GST_TEGRA_CSI_CLOCK_H__
#define __GST_TEGRA_CSI_CLOCK_H__

#include <gst/gst.h>

G_BEGIN_DECLS

GstCaps *gst_tegra_csi_clock_monotonic_caps (void);

/**
 * GstTegraCsiClockSync:
 * @clock: the clock the rest is about (a reference), or %NULL
 * @identity: @clock reads CLOCK_MONOTONIC itself
 * @samples: the last measurements of @clock minus CLOCK_MONOTONIC, in ns
 * @n_samples: how many measurements were made (0: nothing known yet)
 * @offset: the filtered offset in use, in ns
 * @next_check: capture time (CLOCK_MONOTONIC) of the next measurement
 *
 * How the driver's CLOCK_MONOTONIC relates to a pipeline clock. Owned by
 * the streaming thread; start zeroed, end with
 * gst_tegra_csi_clock_sync_clear().
 */
typedef struct
{
  GstClock *clock;
  gboolean identity;
  GstClockTimeDiff samples[3];
  guint n_samples;
  GstClockTimeDiff offset;
  GstClockTime next_check;
} GstTegraCsiClockSync;

GstReferenceTimestampMeta *gst_tegra_csi_clock_find_raw_meta (
    GstBuffer * buffer);

void gst_tegra_csi_clock_set_raw_meta (GstBuffer * buffer,
    GstClockTime timestamp);

gboolean gst_tegra_csi_clock_reads_monotonic (GstClock * clock);

GstClockTime gst_tegra_csi_clock_sync_capture_time (
    GstTegraCsiClockSync * sync, GstClock * clock, GstClockTime monotonic);

void gst_tegra_csi_clock_sync_clear (GstTegraCsiClockSync * sync);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_CLOCK_H__ */
