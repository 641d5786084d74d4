// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-stream: stream MMAP buffers from one or more tegra-csi-sg channels at
 * once, checking every frame against the counter pattern.
 *
 * Usage: tcs-stream [--channels N] [--seconds S] [--frames N]
 *                   [--width W --height H] [--min-share F] [--expect-error]
 *
 * Streams channels 0..N-1 at 30 frames per second until S seconds passed or
 * every channel delivered N frames. Every channel is accounted for exactly:
 * with --frames each must deliver N frames; every frame missing from its
 * sequence numbers must have been counted in its frames_dropped (debugfs),
 * and every frame its sensor produced was either delivered, counted as
 * dropped, or still held by the driver when streaming stopped (at most the
 * queue's 4 buffers). With --min-share F each channel must also deliver at
 * least F times the frames its nominal rate gives over the time streamed
 * (a channel that delivers nothing fails, whatever the others do).
 * With --expect-error the run must end in an error on every
 * channel (the device was unbound or disconnected underneath it): exit 0
 * then, 1 if streaming simply went on.
 * Exit status: 0 pass, 1 failure (no device included).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"

#define NBUF	4
#define FPS	30

struct chan {
	int fd;
	unsigned int id;
	struct v4l2_pix_format fmt;
	uint8_t *map[NBUF];
	size_t len[NBUF];
	unsigned int frames;
	uint32_t last_seq;
	int error;
	long long produced, dropped;	/* debugfs, at the start */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int chan_start(struct chan *c, uint32_t w, uint32_t h)
{
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i;
	int ret;

	c->fd = tcs_open_channel(c->id);
	if (c->fd < 0)
		return c->fd;
	ret = tcs_set_format(c->fd, V4L2_PIX_FMT_UYVY, w, h, &c->fmt);
	if (!ret)
		ret = tcs_set_ctrl(c->fd, V4L2_CID_TEST_PATTERN,
				   TEGRA_CSI_SG_PATTERN_COUNTER);
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = FPS;
	if (!ret)
		ret = tcs_ioctl(c->fd, VIDIOC_S_PARM, &parm);
	if (!ret)
		ret = tcs_ioctl(c->fd, VIDIOC_REQBUFS, &req);
	if (ret)
		return ret;
	c->produced = tcs_stat(c->id, "frames_produced");
	c->dropped = tcs_stat(c->id, "frames_dropped");
	if (c->produced < 0 || c->dropped < 0)
		return -ENOENT;
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = i,
		};

		ret = tcs_ioctl(c->fd, VIDIOC_QUERYBUF, &b);
		if (ret)
			return ret;
		c->len[i] = b.length;
		c->map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, c->fd,
				 b.m.offset);
		if (c->map[i] == MAP_FAILED)
			return -errno;
		ret = tcs_ioctl(c->fd, VIDIOC_QBUF, &b);
		if (ret)
			return ret;
	}
	return tcs_ioctl(c->fd, VIDIOC_STREAMON, &type);
}

/* Dequeue, check and requeue one buffer; <0 on a streaming error. */
static int chan_service(struct chan *c, short revents)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP,
	};
	char what[64];
	int ret;

	if (revents & (POLLERR | POLLHUP))
		return -EIO;
	ret = tcs_ioctl(c->fd, VIDIOC_DQBUF, &b);
	if (ret == -EAGAIN)
		return 0;
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "channel %u", c->id);
	if (b.flags & V4L2_BUF_FLAG_ERROR)
		tcs_fail("%s: buffer with ERROR flag", what);
	else if (tcs_check_counter(c->map[b.index], &c->fmt, b.sequence, what))
		tcs_fail("%s: frame %u wrong", what, b.sequence);
	if (c->frames && b.sequence <= c->last_seq)
		tcs_fail("%s: sequence %u after %u", what, b.sequence,
			 c->last_seq);
	c->last_seq = b.sequence;
	c->frames++;
	return tcs_ioctl(c->fd, VIDIOC_QBUF, &b);
}

/*
 * After STREAMOFF: every frame of the channel's sensor is accounted for.
 * Sequence numbers start at 0 at STREAMON, so frames 0..last_seq that did
 * not arrive are gaps, each of which the driver must have counted as
 * dropped; the frames produced are the ones delivered, dropped, or done but
 * not dequeued before STREAMOFF (at most NBUF).
 */
static void chan_account(struct chan *c, double elapsed, double min_share)
{
	long long produced = tcs_stat(c->id, "frames_produced") - c->produced;
	long long dropped = tcs_stat(c->id, "frames_dropped") - c->dropped;
	long long missing = c->frames ? (long long)c->last_seq + 1 - c->frames : 0;
	long long held = produced - dropped - c->frames;
	double nominal = elapsed * FPS;

	tcs_info("channel %u: %u frames delivered, %lld produced, %lld dropped, %lld missing from the sequence, %.0f nominal in %.1f s",
		 c->id, c->frames, produced, dropped, missing, nominal, elapsed);
	if (missing > dropped)
		tcs_fail("channel %u: %lld frames missing from the sequence, only %lld counted as dropped",
			 c->id, missing, dropped);
	if (held < 0 || held > NBUF)
		tcs_fail("channel %u: %lld produced = %u delivered + %lld dropped + %lld unaccounted (at most %d may be left in the queue)",
			 c->id, produced, c->frames, dropped, held, NBUF);
	if (min_share > 0 && c->frames < min_share * nominal)
		tcs_fail("channel %u: %u frames, less than %.0f%% of the %.0f its %d fps give in %.1f s",
			 c->id, c->frames, min_share * 100, nominal, FPS, elapsed);
}

static void chan_stop(struct chan *c)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i;

	if (c->fd < 0)
		return;
	tcs_ioctl(c->fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < NBUF; i++)
		if (c->map[i] && c->map[i] != MAP_FAILED)
			munmap(c->map[i], c->len[i]);
	close(c->fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "channels", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'f' },
		{ "width", required_argument, NULL, 'w' },
		{ "height", required_argument, NULL, 'h' },
		{ "expect-error", no_argument, NULL, 'e' },
		{ "min-share", required_argument, NULL, 'm' },
		{ }
	};
	unsigned int nchan = 1, frames = 0, i, live;
	uint32_t width = 320, height = 240;
	double seconds = 10, start, elapsed, min_share = 0;
	bool expect_error = false;
	struct chan ch[TCS_TEST_MAX_CHANNELS];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			nchan = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'f':
			frames = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			width = strtoul(optarg, NULL, 0);
			break;
		case 'h':
			height = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			expect_error = true;
			break;
		case 'm':
			min_share = strtod(optarg, NULL);
			break;
		default:
			return 2;
		}
	}
	if (!nchan || nchan > TCS_TEST_MAX_CHANNELS)
		return 2;

	memset(ch, 0, sizeof(ch));
	for (i = 0; i < nchan; i++) {
		ch[i].id = i;
		ch[i].fd = -1;
		ret = chan_start(&ch[i], width, height);
		if (ret) {
			tcs_fail("channel %u: cannot start streaming: %s", i,
				 strerror(-ret));
			goto out;
		}
	}
	tcs_info("streaming %u channel(s) of %ux%u UYVY", nchan,
		 ch[0].fmt.width, ch[0].fmt.height);

	start = now();
	for (live = nchan; live && now() - start < seconds;) {
		struct pollfd p[TCS_TEST_MAX_CHANNELS];

		for (i = 0; i < nchan; i++) {
			p[i].fd = ch[i].error || (frames &&
				  ch[i].frames >= frames) ? -1 : ch[i].fd;
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		ret = poll(p, nchan, 5000);
		if (ret < 0 && errno != EINTR) {
			tcs_fail("poll: %s", strerror(errno));
			break;
		}
		if (!ret) {
			tcs_fail("no frame for 5 s");
			break;
		}
		for (i = 0; i < nchan; i++) {
			if (!p[i].revents || ch[i].error)
				continue;
			ret = chan_service(&ch[i], p[i].revents);
			if (ret < 0) {
				ch[i].error = ret;
				live--;
				tcs_info("channel %u: streaming ended: %s", i,
					 strerror(-ret));
			} else if (frames && ch[i].frames >= frames) {
				live--;
			}
		}
	}

	elapsed = now() - start;
	for (i = 0; i < nchan; i++) {
		int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

		if (expect_error)
			continue;
		tcs_ioctl(ch[i].fd, VIDIOC_STREAMOFF, &type);
		chan_account(&ch[i], elapsed, min_share);
	}
	for (i = 0; i < nchan; i++) {
		if (expect_error && !ch[i].error)
			tcs_fail("channel %u: streaming went on (%u frames)",
				 i, ch[i].frames);
		else if (!expect_error && ch[i].error)
			tcs_fail("channel %u: %s after %u frames", i,
				 strerror(-ch[i].error), ch[i].frames);
		else if (!expect_error && frames && ch[i].frames < frames)
			tcs_fail("channel %u: %u of %u frames", i,
				 ch[i].frames, frames);
		else
			tcs_ok("channel %u: %u frames checked%s", i,
			       ch[i].frames,
			       expect_error ? ", then the expected error" : "");
	}
out:
	for (i = 0; i < nchan; i++)
		chan_stop(&ch[i]);
	return tcs_failures() ? 1 : 0;
}
