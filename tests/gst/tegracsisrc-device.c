/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Guest tests for tegracsisrc against a real V4L2 capture device: our
 * driver (tegra-csi-sg) or vivid, chosen with TEGRACSI_TEST_DRIVER
 * (default tegra-csi-sg). Fails when no such device exists (the guest it
 * runs in was set up with one), and when GST_CHECKS selects no case, so it
 * never passes without having run.
 *
 * One suite, its cases by concern in tegracsisrc-device-*.c; the pipeline
 * harness in tcs-harness.c, the device helpers in tcs-v4l2.c. GST_CHECKS
 * selects cases by their test function names.
 */
#include "tcs-check.h"
#include "tegracsisrc-device.h"
#include "tcs-v4l2.h"

#include <linux/tegra-csi-sg.h>

static Suite *
tegracsisrc_device_suite (void)
{
  Suite *s = suite_create ("tegracsisrc-device");
  TCase *tc = tcase_create ("device");
  const gchar *only = g_getenv ("TEGRACSI_TEST_ONLY_CYCLES");
  gboolean all = only == NULL || !g_str_equal (only, "1");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  if (all) {
    tcs_add_format_tests (tc);
    tcs_add_layout_tests (tc);
    tcs_add_caps_tests (tc);
    tcs_add_parity_tests (tc);
    tcs_add_timestamp_tests (tc);
    tcs_add_lifecycle_tests (tc);
    tcs_add_error_tests (tc);
  }
  tcs_add_cycles_test (tc);
  /* last: vivid's disconnect removes the device until it is reloaded */
  if (all)
    tcs_add_device_gone_test (tc);

  return s;
}

int
main (int argc, char **argv)
{
  Suite *s;
  int ret;

  gst_check_init (&argc, &argv);

  driver = g_getenv ("TEGRACSI_TEST_DRIVER");
  if (driver == NULL || *driver == '\0')
    driver = TEGRA_CSI_SG_DRIVER_NAME;
  ours = g_str_equal (driver, TEGRA_CSI_SG_DRIVER_NAME);
  find_nodes ();
  if (device == NULL) {
    g_print ("FAIL: no V4L2 capture device of driver %s\n", driver);
    return 1;
  }
  g_print ("testing %s (%s)%s%s\n", device, driver,
      device2 ? ", second capture node " : "", device2 ? device2 : "");

  s = tegracsisrc_device_suite ();
  ret = tcs_check_run_suite (s, "tegracsisrc-device");
  return ret;
}
