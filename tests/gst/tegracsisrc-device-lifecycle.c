/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsisrc-device: lifecycle. Shutdown leaves nothing alive, state
 * changes and a RECONFIGURE keep the stream going, two channels capture
 * at once, and NULL -> PLAYING -> NULL cycles leak nothing.
 */
#include "tegracsisrc-device.h"
#include "tcs-harness.h"
#include "tcs-v4l2.h"

#include <string.h>

/* gst-launch-1.0 under GST_TRACERS=leaks: nothing is reported alive when
 * GStreamer shuts down. */
GST_START_TEST (test_gst_launch_leaks)
{
  gchar *caps = small_caps ();
  gchar *cmd = g_strdup_printf ("gst-launch-1.0 -q tegracsisrc device=%s "
      "num-buffers=5 ! %s ! fakesink", device, caps);
  gchar **argv = NULL, **envp;
  gchar *out = NULL, *errout = NULL;
  gint status = -1;

  fail_unless (g_shell_parse_argv (cmd, NULL, &argv, NULL));
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "GST_TRACERS", "leaks", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG", "GST_TRACER:7", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &errout, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed: %s",
      cmd, errout);
  fail_unless (strstr (errout, "Leaks detected") == NULL,
      "leaks reported: %.2000s", errout);
  {
    gchar **lines = g_strsplit (errout, "\n", -1);
    guint i;

    /* one "object-alive, type-name=(string)GstFoo, ..." record per leak;
     * the record's format string (with %s) is not one */
    for (i = 0; lines[i]; i++)
      fail_unless (strstr (lines[i], "object-alive, type-name=(string)") ==
          NULL || strstr (lines[i], "%s") != NULL, "leak: %s", lines[i]);
    g_strfreev (lines);
  }
  fail_unless (strstr (errout, "GST_TRACER") != NULL,
      "the leaks tracer did not run");
  g_strfreev (envp);
  g_strfreev (argv);
  g_free (out);
  g_free (errout);
  g_free (cmd);
  g_free (caps);
}

GST_END_TEST;

/* PLAYING -> PAUSED -> PLAYING, and a RECONFIGURE from downstream, keep
 * the stream going without an error. */
GST_START_TEST (test_pause_resume_reconfigure)
{
  gchar *caps = small_caps ();
  GstElement *sink;
  GstPad *pad;
  gchar *err;
  guint n;
  Run run;

  run_start (&run, "", caps);
  wait_frames (&run, 2);

  gst_element_set_state (run.pipe, GST_STATE_PAUSED);
  g_usleep (300 * 1000);
  gst_element_set_state (run.pipe, GST_STATE_PLAYING);
  n = run_count (&run);
  wait_frames (&run, n + 2);

  sink = gst_bin_get_by_name (GST_BIN (run.pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  fail_unless (gst_pad_push_event (pad, gst_event_new_reconfigure ()));
  n = run_count (&run);
  wait_frames (&run, n + 3);

  err = run_wait (&run, 100 * GST_MSECOND, NULL, NULL);
  fail_unless (err == NULL, "%s", err);
  gst_object_unref (pad);
  gst_object_unref (sink);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

/* Two channels capture at the same time, each from its own node. */
GST_START_TEST (test_two_channels)
{
  gchar *caps = small_caps ();
  gchar *first = device;
  Run a, b;

  fail_unless (device2 != NULL, "no second capture node of %s: this test "
      "runs in a guest with two channels (virtual_channels=2)", driver);
  run_start (&a, "", caps);
  device = device2;
  run_start (&b, "", caps);
  device = first;
  wait_frames (&a, 10);
  wait_frames (&b, 10);
  fail_unless (a.error == NULL && b.error == NULL);
  fail_unless (FRAME (&a, 0)->ino != 0 && FRAME (&b, 0)->ino != 0);
  fail_unless (FRAME (&a, 0)->ino != FRAME (&b, 0)->ino,
      "both channels handed out the same dma-buf");
  run_stop (&b);
  run_stop (&a);
  g_free (caps);
}

GST_END_TEST;

/* In READY the device is open: its name and fd are known and a caps
 * query answers the device's caps (the same as while playing), not the
 * template. */
GST_START_TEST (test_caps_in_ready)
{
  GstElement *src = gst_element_factory_make ("tegracsisrc", NULL);
  GstCaps *ready, *playing, *templ;
  GstElement *pipe, *sink;
  gchar *name = NULL;
  gint fd = -1;
  GstPad *pad;

  g_object_set (src, "device", device, NULL);
  pipe = gst_pipeline_new (NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  gst_bin_add_many (GST_BIN (pipe), src, sink, NULL);
  fail_unless (gst_element_link (src, sink));
  pad = gst_element_get_static_pad (src, "src");
  templ = gst_pad_get_pad_template_caps (pad);

  fail_unless (gst_element_set_state (pipe, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  g_object_get (src, "device-name", &name, "device-fd", &fd, NULL);
  fail_unless (name != NULL && *name != '\0');
  fail_unless (fd >= 0);
  ready = gst_pad_query_caps (pad, NULL);
  fail_if (gst_caps_is_equal (ready, templ), "READY answers the template");
  fail_unless (gst_caps_is_subset (ready, templ));

  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipe, NULL, NULL, 30 * GST_SECOND) !=
      GST_STATE_CHANGE_FAILURE);
  playing = gst_pad_query_caps (pad, NULL);
  fail_unless (gst_caps_is_equal (ready, playing),
      "READY %" GST_PTR_FORMAT " playing %" GST_PTR_FORMAT, ready, playing);

  gst_element_set_state (pipe, GST_STATE_NULL);
  g_object_get (src, "device-fd", &fd, NULL);
  fail_unless_equals_int (fd, -1);
  gst_caps_unref (ready);
  gst_caps_unref (playing);
  gst_caps_unref (templ);
  gst_object_unref (pad);
  gst_object_unref (pipe);
  g_free (name);
}

GST_END_TEST;

/* Adds @delta for every object address in @list (a checkpoint list of the
 * leaks tracer) and remembers its type name. */
static void
count_addresses (const GValue * list, GHashTable * net, GHashTable * types,
    gint delta)
{
  guint i;

  for (i = 0; i < gst_value_list_get_size (list); i++) {
    const GstStructure *o =
        gst_value_get_structure (gst_value_list_get_value (list, i));
    const gchar *addr = gst_structure_get_string (o, "address");
    gint n = GPOINTER_TO_INT (g_hash_table_lookup (net, addr));

    g_hash_table_insert (net, g_strdup (addr), GINT_TO_POINTER (n + delta));
    if (delta > 0)
      g_hash_table_insert (types, g_strdup (addr),
          g_strdup (gst_structure_get_string (o, "type-name")));
  }
}

/* 100 NULL -> PLAYING (first frame) -> NULL cycles leave nothing alive:
 * every object created during cycles 2 to 101 (the first one creates the
 * process-wide singletons) is gone after them, per the leaks tracer's
 * activity checkpoint. */
GST_START_TEST (test_cycles_no_leaks)
{
  gchar *caps = small_caps ();
  GstTracer *leaks = NULL;
  GHashTable *net, *types;
  GstStructure *cp = NULL;
  GList *tracers, *l;
  GHashTableIter iter;
  gpointer key, value;
  guint i, alive = 0;
  Run run;

  tracers = gst_tracing_get_active_tracers ();
  for (l = tracers; l; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer"))
      leaks = gst_object_ref (l->data);
  g_list_free_full (tracers, gst_object_unref);
  fail_unless (leaks != NULL, "run with GST_TRACERS=leaks");

  run_start (&run, "", caps);
  for (i = 0; i <= 100; i++) {
    guint have = run_count (&run);
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    if (i > 0)
      gst_element_set_state (run.pipe, GST_STATE_PLAYING);
    while (run_count (&run) == have && g_get_monotonic_time () < end)
      g_usleep (2000);
    fail_unless (run_count (&run) > have, "cycle %u: no frame", i);
    fail_unless (run.error == NULL, "cycle %u: %s", i, run.error);
    gst_element_set_state (run.pipe, GST_STATE_NULL);
    gst_bus_set_flushing (GST_ELEMENT_BUS (run.pipe), TRUE);
    gst_bus_set_flushing (GST_ELEMENT_BUS (run.pipe), FALSE);
    g_mutex_lock (&run.rec.lock);
    gst_clear_caps (&run.rec.caps);
    g_mutex_unlock (&run.rec.lock);

    if (i == 0)
      g_signal_emit_by_name (leaks, "activity-start-tracking");
  }

  g_signal_emit_by_name (leaks, "activity-get-checkpoint", &cp);
  g_signal_emit_by_name (leaks, "activity-stop-tracking");
  net = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  count_addresses (gst_structure_get_value (cp, "objects-created-list"), net,
      types, 1);
  count_addresses (gst_structure_get_value (cp, "objects-removed-list"), net,
      types, -1);

  g_hash_table_iter_init (&iter, net);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (GPOINTER_TO_INT (value) > 0) {
      if (alive < 20)
        g_printerr ("still alive: %s %s\n",
            (gchar *) g_hash_table_lookup (types, key), (gchar *) key);
      alive++;
    }
  }
  fail_unless_equals_int (alive, 0);

  g_hash_table_unref (net);
  g_hash_table_unref (types);
  gst_structure_free (cp);
  gst_object_unref (leaks);
  run_stop (&run);
  g_free (caps);
}

GST_END_TEST;

void
tcs_add_lifecycle_tests (TCase * tc)
{
  tcase_add_test (tc, test_gst_launch_leaks);
  tcase_add_test (tc, test_pause_resume_reconfigure);
  /* only in a guest set up with two channels (TEGRACSI_TEST_CHANNELS=2),
   * where it must find them */
  if (g_strcmp0 (g_getenv ("TEGRACSI_TEST_CHANNELS"), "2") == 0)
    tcase_add_test (tc, test_two_channels);
  tcase_add_test (tc, test_caps_in_ready);
}

void
tcs_add_cycles_test (TCase * tc)
{
  tcase_add_test (tc, test_cycles_no_leaks);
}
