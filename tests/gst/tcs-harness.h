/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a tegracsisrc pipeline on the device under test and recording
 * what reached the sink (tcs-harness.c).
 */
#ifndef TCS_HARNESS_H
#define TCS_HARNESS_H

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

/* One buffer as it reached the sink. */
typedef struct
{
  GstClockTime pts, duration, raw;
  GstClockTime arrival;         /* running time when it reached the sink */
  guint64 offset;
  gboolean corrupted, dmabuf, exported, has_vmeta;
  gboolean interlaced, tff;     /* GST_VIDEO_BUFFER_FLAG_INTERLACED, TFF */
  gint fd;                      /* dma-buf fd of memory 0, or -1 */
  guint64 ino;                  /* inode of memory 0's dma-buf, or 0: the
                                 * dma-buf's identity (fd numbers recycle) */
  guint n_mems;                 /* memories of the buffer */
  gboolean mem_dmabuf[GST_VIDEO_MAX_PLANES];    /* memory i is a dma-buf */
  gboolean mem_exported[GST_VIDEO_MAX_PLANES];  /* ... exported by vb2 */
  guint64 mem_ino[GST_VIDEO_MAX_PLANES];        /* its inode, or 0 */
  gsize mem_size[GST_VIDEO_MAX_PLANES];         /* its size */
  gint stride[GST_VIDEO_MAX_PLANES];
  gsize plane_offset[GST_VIDEO_MAX_PLANES];     /* GstVideoMeta offsets */
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

/* "tegracsisrc name=src device=<device> @props ! capsfilter caps=@caps !
 * fakesink name=sink", set to PLAYING. The sink announces GstVideoMeta
 * support (it reads frames through their meta). */
void run_start (Run * run, const gchar * props, const gchar * caps);

/* The same with @clock (nullable) as the pipeline clock. */
void run_start_with_clock (Run * run, const gchar * props,
    const gchar * caps, GstClock * clock);

/* How many frames reached the sink so far. */
guint run_count (Run * run);

/* Waits for EOS (with num-buffers) or an error, at most @timeout. Returns
 * a copy of the error message or NULL. */
gchar *run_wait (Run * run, GstClockTime timeout, guint * n_qos,
    guint64 * qos_dropped);

/* Waits until @n frames reached the sink; fails after 60 s (the test
 * then says which wait it was instead of hanging until the check
 * timeout). An error fails at once. */
#define wait_frames(run, n) wait_frames_at (run, n, __LINE__)
void wait_frames_at (Run * run, guint n, gint line);

/* The source's "stats" structure; free it. */
GstStructure *run_stats (Run * run);

void run_stop (Run * run);

#define FRAME(run, i) (&g_array_index ((run)->rec.frames, Frame, (i)))

/* The inode of dma-buf @fd (0 on error): its identity; fd numbers are
 * recycled as soon as they are closed. */
guint64 dmabuf_inode (gint fd);

/* Field @name of a stats structure; fails if it has none. */
guint64 stat_u64 (const GstStructure * s, const gchar * name);

/* A query probe on a sink pad (GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM):
 * answers the ALLOCATION query with GstVideoMeta support, as a consumer
 * that reads strides and offsets does. */
GstPadProbeReturn tcs_announce_video_meta (GstPad * pad,
    GstPadProbeInfo * info, gpointer user_data);

#endif /* TCS_HARNESS_H */
