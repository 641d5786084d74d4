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

#include <gst/net/net.h>

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* The spacing of the N_FRAMES PTS of @run (@deltas: the PTS delta per
 * sequence step of each pair) is the frame interval within 10%: their
 * median and the least-squares slope of PTS over sequence. */
static void
check_spacing (Run * run, gdouble * deltas, GstClockTime interval)
{
  gdouble sx = 0, sy = 0, sxx = 0, sxy = 0, slope;
  Frame *a = FRAME (run, 0);
  guint i;

  qsort (deltas, N_FRAMES - 1, sizeof (gdouble), compare_doubles);
  fail_unless (ABS (deltas[(N_FRAMES - 1) / 2] - interval) < interval / 10.0,
      "median PTS delta %f, interval %" G_GUINT64_FORMAT,
      deltas[(N_FRAMES - 1) / 2], interval);

  for (i = 0; i < N_FRAMES; i++) {
    gdouble x = FRAME (run, i)->offset - a->offset;
    gdouble y = FRAME (run, i)->pts - a->pts;

    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  slope = (N_FRAMES * sxy - sx * sy) / (N_FRAMES * sxx - sx * sx);
  fail_unless (ABS (slope - interval) < interval / 10.0,
      "mean spacing %f, interval %" G_GUINT64_FORMAT, slope, interval);
}

/* The frame interval of the caps @run negotiated. */
static GstClockTime
run_interval (Run * run)
{
  GstStructure *s = gst_caps_get_structure (run->rec.caps, 0);
  gint fps_n = 0, fps_d = 1;

  fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
  fail_unless (fps_n > 0);
  return gst_util_uint64_scale (GST_SECOND, fps_d, fps_n);
}

/* PTS strictly increase, follow the driver's timestamps and the frame
 * interval; offsets are the driver's sequence numbers. */
GST_START_TEST (test_timestamps)
{
  gchar *caps = small_caps ();
  GstStructure *stats;
  GstClockTime interval;
  gdouble deltas[N_FRAMES - 1];
  guint i;
  gchar *err;
  Run run;

  run_start (&run, "num-buffers=" G_STRINGIFY (N_FRAMES), caps);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), N_FRAMES);

  interval = run_interval (&run);
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

  check_spacing (&run, deltas, interval);

  stats = run_stats (&run);
  fail_unless (stat_u64 (stats, "captured") >= N_FRAMES);
  fail_unless_equals_uint64 (stat_u64 (stats, "bytes-copied"), 0);
  fail_unless_equals_uint64 (stat_u64 (stats, "errored"), 0);
  gst_structure_free (stats);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* ---- PTS on any pipeline clock ---- */

static const gchar *clock_names[] = { "the default system clock",
  "a REALTIME system clock", "a network client clock"
};

/* Brings the loopback interface up (the guest leaves it down). */
static void
loopback_up (void)
{
  struct ifreq ifr = { 0 };
  gint sock = socket (AF_INET, SOCK_DGRAM, 0);

  fail_unless (sock >= 0);
  g_strlcpy (ifr.ifr_name, "lo", sizeof (ifr.ifr_name));
  fail_unless (ioctl (sock, SIOCGIFFLAGS, &ifr) == 0);
  if (!(ifr.ifr_flags & IFF_UP)) {
    ifr.ifr_flags |= IFF_UP;
    fail_unless (ioctl (sock, SIOCSIFFLAGS, &ifr) == 0, "lo: %s",
        g_strerror (errno));
  }
  close (sock);
}

/* Clock @kind for the pipeline; for the network clock also the provider
 * it follows (a REALTIME system clock served on 127.0.0.1). */
static GstClock *
make_clock (guint kind, GstNetTimeProvider ** provider)
{
  GstClock *realtime = g_object_new (GST_TYPE_SYSTEM_CLOCK, "clock-type",
      GST_CLOCK_TYPE_REALTIME, NULL);
  GstClock *clock;
  gint port = 0;

  *provider = NULL;
  gst_object_ref_sink (realtime);
  switch (kind) {
    case 0:
      gst_object_unref (realtime);
      return gst_system_clock_obtain ();
    case 1:
      return realtime;
    default:
      loopback_up ();
      *provider = gst_net_time_provider_new (realtime, "127.0.0.1", 0);
      fail_unless (*provider != NULL, "no time provider on 127.0.0.1");
      g_object_get (*provider, "port", &port, NULL);
      clock = gst_net_client_clock_new ("tcs-net", "127.0.0.1", port, 0);
      fail_unless (gst_clock_wait_for_sync (clock, 30 * GST_SECOND),
          "the network clock did not sync");
      gst_object_unref (realtime);
      return clock;
  }
}

/* With each clock: every PTS is the running time at which the frame was
 * captured, within one frame interval of its arrival at the sink: no PTS
 * a quarter interval or more after the arrival (the clocks' relation is
 * measured, not exact), the median arrival within one interval after the
 * PTS; and spaced by the frame interval. vivid stamps "end of frame" 0.9
 * intervals after it hands a frame over; its "Start of Exposure" source
 * stamps when the frame is made. */
GST_START_TEST (test_pts_on_clocks)
{
  gchar *caps = small_caps ();
  GstNetTimeProvider *provider;
  GstClock *clock = make_clock (__i__, &provider);
  GstClockTime interval;
  gdouble deltas[N_FRAMES - 1], lags[N_FRAMES];
  gchar *err;
  guint i;
  Run run;

  run_start_with_clock (&run, ours ? "num-buffers=" G_STRINGIFY (N_FRAMES) :
      "num-buffers=" G_STRINGIFY (N_FRAMES) " extra-controls="
      "\"c,timestamp_source=1\"", caps, clock);
  err = run_wait (&run, 60 * GST_SECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_int (run_count (&run), N_FRAMES);
  interval = run_interval (&run);

  for (i = 0; i < N_FRAMES; i++) {
    Frame *f = FRAME (&run, i);

    fail_unless (GST_CLOCK_TIME_IS_VALID (f->pts));
    fail_unless (GST_CLOCK_TIME_IS_VALID (f->arrival));
    lags[i] = (gdouble) GST_CLOCK_DIFF (f->pts, f->arrival);
    fail_unless (lags[i] > -(gdouble) interval / 4, "%s: frame %u has PTS %"
        GST_TIME_FORMAT ", %.1f ms after it arrived at %" GST_TIME_FORMAT,
        clock_names[__i__], i, GST_TIME_ARGS (f->pts), -lags[i] / 1e6,
        GST_TIME_ARGS (f->arrival));
    if (i > 0)
      deltas[i - 1] = (gdouble) (f->pts - FRAME (&run, i - 1)->pts) /
          (f->offset - FRAME (&run, i - 1)->offset);
  }
  qsort (lags, N_FRAMES, sizeof (gdouble), compare_doubles);
  GST_INFO ("%s: median lag %.1f ms", clock_names[__i__],
      lags[N_FRAMES / 2] / 1e6);
  fail_unless (lags[N_FRAMES / 2] < interval, "%s: frames arrive a median "
      "%.1f ms after their PTS, more than the %.1f ms frame interval",
      clock_names[__i__], lags[N_FRAMES / 2] / 1e6, interval / 1e6);
  check_spacing (&run, deltas, interval);

  run_stop (&run);
  gst_object_unref (clock);
  if (provider)
    gst_object_unref (provider);
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
  tcase_add_loop_test (tc, test_pts_on_clocks, 0, G_N_ELEMENTS (clock_names));
  tcase_add_test (tc, test_latency_query);
}
