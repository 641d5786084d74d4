// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-faults: one test per fault injection control of tegra-csi-sg.
 *
 * Usage: tcs-faults drop|error|stall|disconnect
 *
 * drop:       "Drop Next Frames" = 5 leaves a gap of exactly 5 in the
 *             sequence numbers, counted in frames_injected_drop.
 * error:      "Error Next Buffers" = 3 completes exactly 3 buffers with
 *             V4L2_BUF_FLAG_ERROR; the frames after them are intact.
 * stall:      "Stall Sensor" = 1 stops all frames (no buffer, no sequence
 *             number, no frames_produced) until it is cleared.
 * disconnect: "Disconnect" makes poll() report POLLERR and QBUF/DQBUF fail
 *             with EIO; after STREAMOFF streaming starts again.
 * Exit status: 0 pass, 1 failure, 77 no device.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"

#define NBUF	4

static int fd;
static struct v4l2_pix_format fmt;
static uint8_t *maps[NBUF];
static size_t lens[NBUF];

static int start(void)
{
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
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
	}
	for (i = 0; i < NBUF; i++) {
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
			if (maps[i] == MAP_FAILED)
				return -errno;
		}
		ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
		if (ret)
			return ret;
	}
	return tcs_ioctl(fd, VIDIOC_STREAMON, &type);
}

static void stop(void)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	tcs_ioctl(fd, VIDIOC_STREAMOFF, &type);
}

/* Dequeue one buffer (content checked unless it has ERROR) and requeue. */
static int next(struct v4l2_buffer *b, int timeout_ms)
{
	struct v4l2_buffer q;
	int ret;

	memset(b, 0, sizeof(*b));
	b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b->memory = V4L2_MEMORY_MMAP;
	ret = tcs_dqbuf(fd, b, timeout_ms);
	if (ret)
		return ret;
	if (!(b->flags & V4L2_BUF_FLAG_ERROR) &&
	    tcs_check_counter(maps[b->index], &fmt, b->sequence, "frame"))
		tcs_fail("frame %u has wrong content", b->sequence);
	/* QBUF rewrites the struct: requeue a copy. */
	q = *b;
	return tcs_ioctl(fd, VIDIOC_QBUF, &q);
}

static void test_drop(void)
{
	long long before = tcs_stat(0, "frames_injected_drop");
	struct v4l2_buffer b;
	uint32_t last, gaps = 0;
	int32_t pending = -1;
	unsigned int i;

	if (next(&b, 5000))
		return tcs_fail("no first frame");
	last = b.sequence;
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_DROP_FRAMES, 5))
		return tcs_fail("cannot set drop_next_frames");
	for (i = 0; i < 12; i++) {
		if (next(&b, 5000))
			return tcs_fail("no frame after the drops");
		gaps += b.sequence - last - 1;
		last = b.sequence;
	}
	if (gaps != 5)
		tcs_fail("sequence gaps add up to %u, expected 5", gaps);
	if (tcs_get_ctrl(fd, TEGRA_CSI_SG_CID_DROP_FRAMES, &pending) ||
	    pending)
		tcs_fail("drop_next_frames reads %d, expected 0", pending);
	if (tcs_stat(0, "frames_injected_drop") - before != 5)
		tcs_fail("frames_injected_drop grew by %lld, expected 5",
			 tcs_stat(0, "frames_injected_drop") - before);
	if (!tcs_failures())
		tcs_ok("drop: 5 frames dropped, sequence gap of 5, counted");
}

static void test_error(void)
{
	struct v4l2_buffer b;
	unsigned int i, errors = 0, after = 0;
	uint32_t last;
	int32_t pending = -1;

	if (next(&b, 5000))
		return tcs_fail("no first frame");
	last = b.sequence;
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_ERROR_FRAMES, 3))
		return tcs_fail("cannot set error_next_buffers");
	for (i = 0; i < 10; i++) {
		if (next(&b, 5000))
			return tcs_fail("no buffer after the errors");
		if (b.sequence != last + 1)
			tcs_fail("sequence %u after %u", b.sequence, last);
		last = b.sequence;
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			if (after)
				tcs_fail("ERROR buffer after good ones");
			errors++;
		} else if (errors) {
			after++;
		}
	}
	if (errors != 3)
		tcs_fail("%u buffers with ERROR, expected 3", errors);
	if (tcs_get_ctrl(fd, TEGRA_CSI_SG_CID_ERROR_FRAMES, &pending) ||
	    pending)
		tcs_fail("error_next_buffers reads %d, expected 0", pending);
	if (!tcs_failures())
		tcs_ok("error: 3 buffers flagged ERROR, %u good ones after",
		       after);
}

static void test_stall(void)
{
	struct v4l2_buffer b;
	long long produced;
	uint32_t last;
	int ret;

	if (next(&b, 5000))
		return tcs_fail("no first frame");
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_STALL, 1))
		return tcs_fail("cannot set stall_sensor");
	last = b.sequence;
	/* A frame already being written may still complete. */
	while (!(ret = next(&b, 300)))
		last = b.sequence;
	if (ret != -ETIME)
		return tcs_fail("while stalled: %s", strerror(-ret));
	produced = tcs_stat(0, "frames_produced");
	ret = next(&b, 1500);
	if (ret != -ETIME)
		tcs_fail("a buffer completed while stalled (%d)", ret);
	if (tcs_stat(0, "frames_produced") != produced)
		tcs_fail("frames_produced grew while stalled");
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_STALL, 0))
		return tcs_fail("cannot clear stall_sensor");
	if (next(&b, 5000))
		return tcs_fail("no frame after the stall was cleared");
	if (b.sequence != last + 1)
		tcs_fail("sequence %u after the stall, expected %u",
			 b.sequence, last + 1);
	if (!tcs_failures())
		tcs_ok("stall: nothing for 1.5 s, then sequence %u resumed",
		       b.sequence);
}

static void test_disconnect(void)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct v4l2_buffer b;
	int ret;

	if (next(&b, 5000))
		return tcs_fail("no first frame");
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_DISCONNECT, 1))
		return tcs_fail("cannot press disconnect");
	ret = poll(&p, 1, 2000);
	if (ret != 1 || !(p.revents & POLLERR))
		tcs_fail("poll after disconnect: %d, revents %#x", ret,
			 p.revents);
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_MMAP;
	ret = tcs_ioctl(fd, VIDIOC_DQBUF, &b);
	if (ret != -EIO)
		tcs_fail("DQBUF after disconnect: %d, expected -EIO", ret);
	b.index = 0;
	ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	if (ret != -EIO)
		tcs_fail("QBUF after disconnect: %d, expected -EIO", ret);

	stop();
	ret = start();
	if (ret)
		return tcs_fail("restart after disconnect: %s", strerror(-ret));
	if (next(&b, 5000))
		tcs_fail("no frame after restarting");
	if (!tcs_failures())
		tcs_ok("disconnect: EPOLLERR and EIO, streaming restarts");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int ret;

	fd = tcs_open_channel(0);
	if (fd < 0) {
		printf("# no tegra-csi-sg device: skipped\n");
		return TCS_SKIP;
	}
	ret = tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 320, 240, &fmt);
	if (ret || tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN,
				TEGRA_CSI_SG_PATTERN_COUNTER)) {
		tcs_fail("setup");
		return 1;
	}
	ret = start();
	if (ret) {
		tcs_fail("start: %s", strerror(-ret));
		return 1;
	}

	if (!strcmp(what, "drop")) {
		test_drop();
	} else if (!strcmp(what, "error")) {
		test_error();
	} else if (!strcmp(what, "stall")) {
		test_stall();
	} else if (!strcmp(what, "disconnect")) {
		test_disconnect();
	} else {
		fprintf(stderr, "usage: %s drop|error|stall|disconnect\n",
			argv[0]);
		return 2;
	}
	stop();
	return tcs_failures() ? 1 : 0;
}
