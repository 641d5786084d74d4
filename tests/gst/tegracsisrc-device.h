/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The test cases of tegracsisrc-device, by concern: each file adds its
 * cases to the one TCase, in the order they run.
 */
#ifndef TEGRACSISRC_DEVICE_H
#define TEGRACSISRC_DEVICE_H

#include <gst/check/gstcheck.h>

/* tegracsisrc-device-formats.c */
void tcs_add_format_tests (TCase * tc);

/* tegracsisrc-device-caps.c */
void tcs_add_caps_tests (TCase * tc);

/* tegracsisrc-device-parity.c */
void tcs_add_parity_tests (TCase * tc);

/* tegracsisrc-device-layout.c */
void tcs_add_layout_tests (TCase * tc);

/* tegracsisrc-device-timestamps.c */
void tcs_add_timestamp_tests (TCase * tc);

/* tegracsisrc-device-lifecycle.c; the cycles test runs after the errors */
void tcs_add_lifecycle_tests (TCase * tc);
void tcs_add_cycles_test (TCase * tc);

/* tegracsisrc-device-errors.c; device gone must be the last test */
void tcs_add_error_tests (TCase * tc);
void tcs_add_device_gone_test (TCase * tc);

#endif /* TEGRACSISRC_DEVICE_H */
