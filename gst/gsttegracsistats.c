/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: what the element counts per frame, and how it reports drops.
 *
 * V4L2 numbers frames (struct v4l2_buffer.sequence) as the sensor produces
 * them: a frame the driver had no buffer for keeps its number, so a gap in
 * the numbers is a count of lost frames. Each is counted and posted as a
 * QoS message (live, the running time and duration of what was lost,
 * GST_FORMAT_BUFFERS stats: processed = captured, dropped = total).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsistats.h"

/**
 * gst_tegra_csi_stats_count_frame:
 * @stats: the counters
 * @sequence: the V4L2 sequence number of the frame just dequeued
 * @errored: the driver flagged it V4L2_BUF_FLAG_ERROR
 * @copied: bytes the element copies to push it (0: none)
 *
 * Counts one captured frame and the frames its sequence number shows as
 * lost since the last one (none the first time, and none when the numbers
 * went back: the driver restarted). Must be called with the owner's object
 * lock held, from the streaming thread. No allocation.
 *
 * Returns: how many frames were lost before this one.
 */
guint32
gst_tegra_csi_stats_count_frame (GstTegraCsiStats * stats, guint32 sequence,
    gboolean errored, gsize copied)
{
  guint32 gap = 0;

  if (stats->have_sequence && sequence != stats->next_sequence) {
    gap = sequence - stats->next_sequence;
    if (gap > G_MAXINT32)
      gap = 0;
  }
  stats->have_sequence = TRUE;
  stats->next_sequence = sequence + 1;
  stats->captured++;
  stats->dropped += gap;
  if (errored)
    stats->errored++;
  stats->bytes_copied += copied;
  return gap;
}

/**
 * gst_tegra_csi_stats_to_structure:
 * @stats: the counters (read with the owner's object lock held)
 * @queued: buffers queued to the driver now
 * @buffers: buffers the driver has (V4L2 indices)
 * @delayed: buffers whose return waited for a memory held elsewhere
 *
 * Returns: (transfer full): the `stats` structure: captured, dropped,
 *   errored, bytes-copied, delayed-returns (guint64), queued, buffers
 *   (guint).
 */
GstStructure *
gst_tegra_csi_stats_to_structure (const GstTegraCsiStats * stats,
    guint queued, guint buffers, guint64 delayed)
{
  return gst_structure_new ("stats",
      "captured", G_TYPE_UINT64, stats->captured,
      "dropped", G_TYPE_UINT64, stats->dropped,
      "errored", G_TYPE_UINT64, stats->errored,
      "bytes-copied", G_TYPE_UINT64, stats->bytes_copied,
      "delayed-returns", G_TYPE_UINT64, delayed,
      "queued", G_TYPE_UINT, queued, "buffers", G_TYPE_UINT, buffers, NULL);
}

/**
 * gst_tegra_csi_stats_post_drop:
 * @element: the source that lost frames
 * @sequence: the sequence number of the frame after the gap
 * @gap: frames lost, at least 1
 * @captured: frames captured so far
 * @dropped: frames lost so far, this gap included
 * @pts: running time of the frame after the gap, or %GST_CLOCK_TIME_NONE
 * @frame_duration: the frame interval, or %GST_CLOCK_TIME_NONE
 *
 * Posts the QoS message of a gap in the sequence numbers: live, the
 * running time and duration of the lost frames (@gap intervals before
 * @pts), format %GST_FORMAT_BUFFERS with processed = @captured and
 * dropped = @dropped.
 */
void
gst_tegra_csi_stats_post_drop (GstElement * element, guint32 sequence,
    guint32 gap, guint64 captured, guint64 dropped, GstClockTime pts,
    GstClockTime frame_duration)
{
  GstClockTime lost_duration = GST_CLOCK_TIME_NONE, lost_pts = pts;
  GstMessage *msg;

  if (GST_CLOCK_TIME_IS_VALID (frame_duration))
    lost_duration = frame_duration * gap;
  if (GST_CLOCK_TIME_IS_VALID (lost_pts) &&
      GST_CLOCK_TIME_IS_VALID (lost_duration))
    lost_pts = lost_pts > lost_duration ? lost_pts - lost_duration : 0;

  GST_INFO_OBJECT (element, "sequence %u: %u frame(s) lost", sequence, gap);
  msg = gst_message_new_qos (GST_OBJECT (element), TRUE, lost_pts, lost_pts,
      lost_pts, lost_duration);
  gst_message_set_qos_values (msg, GST_CLOCK_TIME_IS_VALID (lost_duration) ?
      (gint64) lost_duration : 0, 1.0, 1000000);
  gst_message_set_qos_stats (msg, GST_FORMAT_BUFFERS, captured, dropped);
  gst_element_post_message (element, msg);
}
