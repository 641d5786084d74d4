/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the tegra-csi-sg guest test programs.
 */
#ifndef TCS_TEST_H
#define TCS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/videodev2.h>

#define TCS_TEST_MAX_CHANNELS 6
/*
 * The device whose debugfs folder tcs_stat() reads: $TEGRACSI_TEST_DEVICE
 * (tests/vm/run sets it for its --backend), else the virtual backend's
 * first device.
 */
#define TCS_TEST_DEVICE "tegra-csi-sg-virt"
const char *tcs_test_device(void);

/* Print "FAIL: ..." / "ok: ..." / "# ..." lines. */
void tcs_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tcs_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tcs_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Number of tcs_fail() calls so far. */
int tcs_failures(void);

/* ioctl retried on EINTR; returns 0 or -errno. */
int tcs_ioctl(int fd, unsigned long req, void *arg);

/* Open the video node of a tegra-csi-sg channel; -errno on failure. */
int tcs_open_channel(unsigned int channel);
/* Path of the video node called @name, in @buf; false when absent. */
bool tcs_find_node(const char *name, char *buf, size_t len);

/* Set a format; returns 0 or -errno, fills @fmt with the result. */
int tcs_set_format(int fd, uint32_t fourcc, uint32_t width, uint32_t height,
		   struct v4l2_pix_format *fmt);
/* Set a control; returns 0 or -errno. */
int tcs_set_ctrl(int fd, uint32_t id, int32_t value);
/* Get a control; returns 0 or -errno. */
int tcs_get_ctrl(int fd, uint32_t id, int32_t *value);

/* Wait for a buffer up to @timeout_ms and DQBUF it; -errno, -ETIME. */
int tcs_dqbuf(int fd, struct v4l2_buffer *buf, int timeout_ms);

/*
 * Check a captured frame against the counter pattern: returns the number of
 * wrong bytes (0 = all good) and reports the first one.
 */
size_t tcs_check_counter(const uint8_t *data, const struct v4l2_pix_format *fmt,
			 uint32_t sequence, const char *what);

/*
 * Stream @n MMAP buffers on @fd: REQBUFS and mmap() (read-only) into
 * @maps/@lens on the first call (while maps[0] is NULL), QBUF every one,
 * STREAMON. Buffers stay allocated and mapped across restarts. 0 or -errno.
 */
int tcs_mmap_start(int fd, unsigned int n, uint8_t **maps, size_t *lens);

/* Read a debugfs counter of @channel; -1 on error. */
long long tcs_stat(unsigned int channel, const char *name);
/* The value of @name in a debugfs file of "name value" lines; -1 on error. */
long long tcs_stat_file(const char *path, const char *name);

#endif /* TCS_TEST_H */
