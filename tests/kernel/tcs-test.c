// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the tegra-csi-sg guest test programs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"

static int failures;

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void tcs_fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	vsay("FAIL: ", fmt, ap);
	va_end(ap);
}

void tcs_ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("ok: ", fmt, ap);
	va_end(ap);
}

void tcs_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("# ", fmt, ap);
	va_end(ap);
}

int tcs_failures(void)
{
	return failures;
}

int tcs_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

bool tcs_find_node(const char *name, char *buf, size_t len)
{
	const char *base = "/sys/class/video4linux";
	struct dirent *de;
	bool found = false;
	DIR *dir;

	dir = opendir(base);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		char path[512], text[64] = "";
		FILE *f;

		if (strncmp(de->d_name, "video", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s/name", base, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(text, sizeof(text), f)) {
			text[strcspn(text, "\n")] = 0;
			if (!strcmp(text, name)) {
				snprintf(buf, len, "/dev/%s", de->d_name);
				found = true;
			}
		}
		fclose(f);
	}
	closedir(dir);
	return found;
}

int tcs_open_channel(unsigned int channel)
{
	char name[64], path[64];
	struct v4l2_capability cap;
	int fd;

	snprintf(name, sizeof(name), "%s ch%u", TEGRA_CSI_SG_DRIVER_NAME,
		 channel);
	if (!tcs_find_node(name, path, sizeof(path)))
		return -ENODEV;
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (tcs_ioctl(fd, VIDIOC_QUERYCAP, &cap) ||
	    strcmp((char *)cap.driver, TEGRA_CSI_SG_DRIVER_NAME)) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

int tcs_set_format(int fd, uint32_t fourcc, uint32_t width, uint32_t height,
		   struct v4l2_pix_format *fmt)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int ret;

	f.fmt.pix.pixelformat = fourcc;
	f.fmt.pix.width = width;
	f.fmt.pix.height = height;
	ret = tcs_ioctl(fd, VIDIOC_S_FMT, &f);
	if (!ret && fmt)
		*fmt = f.fmt.pix;
	return ret;
}

int tcs_set_ctrl(int fd, uint32_t id, int32_t value)
{
	struct v4l2_control c = { .id = id, .value = value };

	return tcs_ioctl(fd, VIDIOC_S_CTRL, &c);
}

int tcs_get_ctrl(int fd, uint32_t id, int32_t *value)
{
	struct v4l2_control c = { .id = id };
	int ret = tcs_ioctl(fd, VIDIOC_G_CTRL, &c);

	if (!ret)
		*value = c.value;
	return ret;
}

int tcs_dqbuf(int fd, struct v4l2_buffer *buf, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret;

	ret = poll(&p, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIME;
	if (p.revents & POLLERR)
		return -EIO;
	return tcs_ioctl(fd, VIDIOC_DQBUF, buf);
}

size_t tcs_check_counter(const uint8_t *data, const struct v4l2_pix_format *fmt,
			 uint32_t seq, const char *what)
{
	uint32_t lines = fmt->sizeimage / fmt->bytesperline;
	uint8_t *expect = malloc(fmt->bytesperline);
	size_t bad = 0;
	uint32_t line, col;

	if (!expect)
		abort();
	for (line = 0; line < lines; line++) {
		const uint8_t *got = data + (size_t)line * fmt->bytesperline;

		for (col = 0; col < fmt->bytesperline; col++)
			expect[col] = tegra_csi_sg_counter_byte(seq, line, col);
		if (!memcmp(got, expect, fmt->bytesperline))
			continue;
		for (col = 0; col < fmt->bytesperline; col++) {
			if (got[col] == expect[col])
				continue;
			if (!bad)
				tcs_fail("%s: seq %u line %u byte %u is %#04x, expected %#04x",
					 what, seq, line, col, got[col],
					 expect[col]);
			bad++;
		}
	}
	free(expect);
	return bad;
}

const char *tcs_test_device(void)
{
	const char *d = getenv("TEGRACSI_TEST_DEVICE");

	return d && *d ? d : TCS_TEST_DEVICE;
}

long long tcs_stat_file(const char *path, const char *name)
{
	char key[64];
	long long value, found = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &value) == 2)
		if (!strcmp(key, name))
			found = value;
	fclose(f);
	return found;
}

long long tcs_stat(unsigned int channel, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s/%u/stats",
		 TEGRA_CSI_SG_DRIVER_NAME, tcs_test_device(), channel);
	return tcs_stat_file(path, name);
}

int tcs_mmap_start(int fd, unsigned int n, uint8_t **maps, size_t *lens)
{
	struct v4l2_requestbuffers req = {
		.count = n, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i;
	int ret;

	/* Buffers stay allocated (and mapped) across a restart. */
	if (!maps[0]) {
		ret = tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
		if (ret)
			return ret;
		if (req.count < n)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = i,
		};

		ret = tcs_ioctl(fd, VIDIOC_QUERYBUF, &b);
		if (ret)
			return ret;
		if (!maps[i]) {
			lens[i] = b.length;
			maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED,
				       fd, b.m.offset);
			if (maps[i] == MAP_FAILED) {
				maps[i] = NULL;
				return -errno;
			}
		}
		ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
		if (ret)
			return ret;
	}
	return tcs_ioctl(fd, VIDIOC_STREAMON, &type);
}
