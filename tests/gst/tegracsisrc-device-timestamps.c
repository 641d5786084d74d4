/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: timestamps and latency.
 *
 * Tolerances: PTS deltas must equal the driver's own timestamp deltas
 * within 2 ms (the correlation to the pipeline clock); the spacing is
 * the frame interval within 10% for the median delta per sequence step and
 * for the least-squares slope of PTS over sequence. Single deltas are only
 * checked to increase: the sensor threads of both drivers run several
 * intervals late now and then under TCG on a loaded host.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <stdlib.h>

#define N_FRAMES 20

/* Single PTS deltas are not bounded beyond strictly increasing (see the
 * tolerances above): the spacing is checked on the median delta, sorted
 * with this, and on the least-squares slope of PTS over sequence. */
static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

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

void
tcs_add_timestamp_tests (TCase * tc)
{
  tcase_add_test (tc, test_timestamps);
  tcase_add_test (tc, test_latency_query);
}
