/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a gst-check suite so that it cannot pass without having tested
 * anything: gst_check_run_suite() returns success when GST_CHECKS (or
 * check's CK_RUN_SUITE/CK_RUN_CASE) matched no test case, which turns a
 * typo or a leaked environment variable into a green run of nothing.
 */
#ifndef TCS_CHECK_H
#define TCS_CHECK_H

#include <gst/check/gstcheck.h>

/**
 * tcs_check_run_suite:
 * @s: (transfer full): the suite
 * @name: the suite's name, for messages
 *
 * Runs every test case of @s that the environment selects, as
 * gst_check_run_suite() does (CK_NORMAL output, fork mode as set by
 * CK_FORK).
 *
 * Returns: 0 when at least one case ran and none failed; 1 when a case
 * failed or when no case ran at all (with a message naming the filters).
 */
static inline int
tcs_check_run_suite (Suite * s, const gchar * name)
{
  SRunner *sr = srunner_create (s);
  int run, failed;

  srunner_run_all (sr, CK_NORMAL);
  run = srunner_ntests_run (sr);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  if (run == 0) {
    g_print ("FAIL: %s ran no test case (GST_CHECKS=%s, CK_RUN_SUITE=%s, "
        "CK_RUN_CASE=%s)\n", name, g_getenv ("GST_CHECKS"),
        g_getenv ("CK_RUN_SUITE"), g_getenv ("CK_RUN_CASE"));
    return 1;
  }
  return failed ? 1 : 0;
}

/* GST_CHECK_MAIN with tcs_check_run_suite(). */
#define TCS_CHECK_MAIN(name)                                    \
int                                                             \
main (int argc, char **argv)                                    \
{                                                               \
  gst_check_init (&argc, &argv);                                \
  return tcs_check_run_suite (name##_suite (), #name);          \
}

#endif /* TCS_CHECK_H */
