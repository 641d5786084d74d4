/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: what the element counts per frame, and how it reports drops.
 */
#ifndef __GST_TEGRA_CSI_STATS_H__
#define __GST_TEGRA_CSI_STATS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstTegraCsiStats:
 * @captured: frames dequeued from the driver, errored ones included
 * @dropped: frames missing from the driver's sequence numbers
 * @errored: frames the driver flagged V4L2_BUF_FLAG_ERROR
 * @bytes_copied: bytes the element copied (a default-layout copy, a copy on
 *   starvation)
 * @have_sequence: @next_sequence is known
 * @next_sequence: the sequence number the next frame should have
 *
 * The counters of the `stats` property. The counters are protected by the
 * owner's object lock; the sequence fields belong to the streaming thread.
 */
typedef struct
{
  guint64 captured;
  guint64 dropped;
  guint64 errored;
  guint64 bytes_copied;
  gboolean have_sequence;
  guint32 next_sequence;
} GstTegraCsiStats;

guint32 gst_tegra_csi_stats_count_frame (GstTegraCsiStats * stats,
    guint32 sequence, gboolean errored, gsize copied);

GstStructure *gst_tegra_csi_stats_to_structure (const GstTegraCsiStats * stats,
    guint queued, guint buffers, guint64 delayed);

void gst_tegra_csi_stats_post_drop (GstElement * element, guint32 sequence,
    guint32 gap, guint64 captured, guint64 dropped, GstClockTime pts,
    GstClockTime frame_duration);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_STATS_H__ */
