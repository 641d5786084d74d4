// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-faults: one test per fault injection control of tegra-csi-sg, and
 * one for frames lost because the application queued no buffer.
 *
 * Usage: tcs-faults drop|error|stall|disconnect|starve|reset|fail-program
 *
 * drop:       "Drop Next Frames" = 5 leaves a gap of exactly 5 in the
 *             sequence numbers, counted in frames_injected_drop.
 * error:      "Error Next Buffers" = 3 completes exactly 3 buffers with
 *             V4L2_BUF_FLAG_ERROR; the frames after them are intact.
 * stall:      "Stall Sensor" = 1 stops all frames (no buffer, no sequence
 *             number, no frames_produced) until it is cleared.
 * disconnect: "Disconnect" makes poll() report POLLERR and QBUF/DQBUF fail
 *             with EIO; after STREAMOFF streaming starts again.
 * starve:     no buffer requeued for several frame periods: the frames lost
 *             take sequence numbers, so the next buffer's sequence jumps by
 *             exactly as much as frames_dropped grew.
 * reset:      "Reset Engine" makes the engine give back the buffers it was
 *             programmed with (buffers_returned grows by as many, 1 or 2)
 *             and lose one frame (a sequence gap counted in frames_dropped);
 *             every buffer comes back, in the order it was queued, with a
 *             right frame.
 * fail-program: "Fail Next Programs" = 2 completes exactly the next 2
 *             buffers at once with V4L2_BUF_FLAG_ERROR (program_failures
 *             grows by 2), ahead of the one being written; every buffer
 *             comes back and the frames after are intact.
 *
 * The guest may be too slow to requeue in time (TCG): every frame lost so
 * takes a sequence number and is counted in frames_dropped, so the tests
 * allow sequence gaps as large as frames_dropped's growth and no larger.
 * Exit status: 0 pass, 1 failure (no device included).
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
	return tcs_mmap_start(fd, NBUF, maps, lens);
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

/* Frames lost for lack of a queued buffer since @since (debugfs). */
static long long starved(long long since)
{
	return tcs_stat(0, "frames_dropped") - since;
}

static void test_drop(void)
{
	long long before = tcs_stat(0, "frames_injected_drop");
	long long dropped = tcs_stat(0, "frames_dropped");
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
	if (gaps < 5 || gaps - 5 > starved(dropped))
		tcs_fail("sequence gaps add up to %u, expected 5 (+%lld lost for lack of a buffer)",
			 gaps, starved(dropped));
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
	long long dropped = tcs_stat(0, "frames_dropped");
	struct v4l2_buffer b;
	unsigned int i, errors = 0, after = 0;
	uint32_t last, gaps = 0;
	int32_t pending = -1;

	if (next(&b, 5000))
		return tcs_fail("no first frame");
	last = b.sequence;
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_ERROR_FRAMES, 3))
		return tcs_fail("cannot set error_next_buffers");
	for (i = 0; i < 10; i++) {
		if (next(&b, 5000))
			return tcs_fail("no buffer after the errors");
		if (b.sequence <= last)
			tcs_fail("sequence %u after %u", b.sequence, last);
		gaps += b.sequence - last - 1;
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
	/* An errored buffer still carries its frame's sequence number. */
	if (gaps > starved(dropped))
		tcs_fail("sequence gaps add up to %u, only %lld frames lost for lack of a buffer",
			 gaps, starved(dropped));
	if (tcs_get_ctrl(fd, TEGRA_CSI_SG_CID_ERROR_FRAMES, &pending) ||
	    pending)
		tcs_fail("error_next_buffers reads %d, expected 0", pending);
	if (!tcs_failures())
		tcs_ok("error: 3 buffers flagged ERROR, %u good ones after",
		       after);
}

static void test_stall(void)
{
	long long dropped = tcs_stat(0, "frames_dropped");
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
	if (b.sequence <= last || b.sequence - last - 1 > starved(dropped))
		tcs_fail("sequence %u after the stall, expected %u (+%lld lost for lack of a buffer)",
			 b.sequence, last + 1, starved(dropped));
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

/* Is any buffer but @except still queued to the driver (not yet done)? */
static bool any_queued(unsigned int except)
{
	unsigned int i;

	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (i != except && !tcs_ioctl(fd, VIDIOC_QUERYBUF, &b) &&
		    (b.flags & V4L2_BUF_FLAG_QUEUED))
			return true;
	}
	return false;
}

/*
 * One starvation round; 1 measured, 0 inconclusive (the guest was too slow
 * to tell), -1 failed.
 *
 * All NBUF buffers are queued at STREAMON, so frames 0..NBUF-1 always find
 * one: no frame can be lost before the NBUF-th completes. The test then
 * holds every buffer for a few frame periods, requeues them all and
 * dequeues one: its sequence number minus NBUF is the number of frames
 * lost, which must equal the growth of frames_dropped since before
 * STREAMON. The counter is read while another requeued buffer is still
 * queued: until that one completes the engine always has a buffer, so no
 * frame can have been lost after the one dequeued.
 */
static int starve_once(unsigned int hold_us)
{
	struct v4l2_buffer b, held[NBUF];
	long long before, lost;
	unsigned int i;
	int ret;

	stop();
	before = tcs_stat(0, "frames_dropped");
	ret = start();
	if (ret) {
		tcs_fail("start: %s", strerror(-ret));
		return -1;
	}
	usleep(hold_us);
	for (i = 0; i < NBUF; i++) {
		memset(&held[i], 0, sizeof(held[i]));
		held[i].type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		held[i].memory = V4L2_MEMORY_MMAP;
		ret = tcs_dqbuf(fd, &held[i], 5000);
		if (ret) {
			tcs_fail("frame %u: %s", i, strerror(-ret));
			return -1;
		}
		if (held[i].sequence != i) {
			tcs_fail("frame %u of the first %u has sequence %u",
				 i, NBUF, held[i].sequence);
			return -1;
		}
		if (tcs_check_counter(maps[held[i].index], &fmt,
				      held[i].sequence, "frame"))
			return -1;
	}
	for (i = 0; i < NBUF; i++) {
		b = held[i];
		ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
		if (ret) {
			tcs_fail("requeue: %s", strerror(-ret));
			return -1;
		}
	}
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_MMAP;
	ret = tcs_dqbuf(fd, &b, 5000);
	if (ret) {
		tcs_fail("no frame after requeueing: %s", strerror(-ret));
		return -1;
	}
	lost = tcs_stat(0, "frames_dropped") - before;
	if (!any_queued(b.index) || !lost) {
		tcs_info("inconclusive: %lld frame(s) lost, %s", lost,
			 lost ? "the test was too slow to read the counter"
			      : "the sensor skipped the periods");
		return 0;
	}
	if (b.flags & V4L2_BUF_FLAG_ERROR ||
	    tcs_check_counter(maps[b.index], &fmt, b.sequence, "frame"))
		tcs_fail("frame %u after starvation is wrong", b.sequence);
	if (b.sequence - NBUF != lost) {
		tcs_fail("sequence %u after %u: a gap of %u, but frames_dropped grew by %lld",
			 b.sequence, NBUF - 1, b.sequence - NBUF, lost);
		return -1;
	}
	tcs_ok("starve: %lld frame(s) lost without a buffer, sequence %u after %u",
	       lost, b.sequence, NBUF - 1);
	return 1;
}

static void test_starve(void)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	const struct v4l2_fract *tpf = &parm.parm.capture.timeperframe;
	unsigned int period_us, attempt;

	if (tcs_ioctl(fd, VIDIOC_G_PARM, &parm) || !tpf->denominator)
		return tcs_fail("VIDIOC_G_PARM");
	period_us = 1000000ull * tpf->numerator / tpf->denominator;
	/* The NBUF frames that find a buffer, then a few more periods. */
	for (attempt = 1; attempt <= 3; attempt++)
		if (starve_once((NBUF + 4 * attempt) * period_us))
			return;
	tcs_fail("starve: inconclusive three times");
}

/*
 * Dequeue @n buffers, requeueing each at once: with @ordered every one must
 * be the oldest queued (@fifo, the indices in queue order, updated); each
 * must have a right
 * frame unless it has V4L2_BUF_FLAG_ERROR. Counts ERROR buffers in
 * @errors and sums the sequence gaps between good frames in @gaps.
 * Returns 0 or -1.
 */
static int dequeue_in_order(unsigned int n, unsigned int *fifo, bool ordered,
			    unsigned int *errors, uint32_t *gaps, uint32_t *last)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		struct v4l2_buffer b;

		if (next(&b, 5000)) {
			tcs_fail("no buffer %u", i);
			return -1;
		}
		if (ordered && b.index != fifo[0]) {
			tcs_fail("buffer %u completed, buffer %u was queued first",
				 b.index, fifo[0]);
			return -1;
		}
		for (k = 0; k + 1 < NBUF; k++)
			fifo[k] = fifo[k + 1];
		fifo[NBUF - 1] = b.index;
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			(*errors)++;
			continue;
		}
		if (b.sequence <= *last) {
			tcs_fail("sequence %u after %u", b.sequence, *last);
			return -1;
		}
		*gaps += b.sequence - *last - 1;
		*last = b.sequence;
	}
	return 0;
}

/* The queue order after start(): 0, 1, 2, 3; one frame consumed. */
static void fifo_start(unsigned int *fifo, uint32_t *last)
{
	struct v4l2_buffer b;
	unsigned int k;

	for (k = 0; k < NBUF; k++)
		fifo[k] = k;
	if (next(&b, 5000) || b.index != 0)
		return tcs_fail("no first frame in buffer 0");
	for (k = 0; k + 1 < NBUF; k++)
		fifo[k] = fifo[k + 1];
	fifo[NBUF - 1] = 0;
	*last = b.sequence;
}

static void test_reset(void)
{
	long long returned = tcs_stat(0, "buffers_returned");
	long long dropped = tcs_stat(0, "frames_dropped");
	unsigned int fifo[NBUF], errors = 0;
	uint32_t last = 0, gaps = 0;

	fifo_start(fifo, &last);
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_RESET, 1))
		return tcs_fail("cannot press reset_engine");
	if (dequeue_in_order(12, fifo, true, &errors, &gaps, &last))
		return;
	returned = tcs_stat(0, "buffers_returned") - returned;
	dropped = tcs_stat(0, "frames_dropped") - dropped;
	if (returned < 1 || returned > 2)
		tcs_fail("the reset gave back %lld buffers, expected the 1 or 2 the engine held",
			 returned);
	if (errors)
		tcs_fail("%u buffers with ERROR after a reset", errors);
	if (dropped < 1 || gaps != dropped)
		tcs_fail("sequence gaps add up to %u, frames_dropped grew by %lld (at least the reset's frame)",
			 gaps, dropped);
	if (!tcs_failures())
		tcs_ok("reset: %lld buffers given back and reprogrammed in order, %lld frame(s) lost and counted",
		       returned, dropped);
}

static void test_fail_program(void)
{
	long long failures = tcs_stat(0, "program_failures");
	long long dropped = tcs_stat(0, "frames_dropped");
	unsigned int fifo[NBUF], errors = 0;
	uint32_t last = 0, gaps = 0;
	int32_t pending = -1;

	fifo_start(fifo, &last);
	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_FAIL_PROGRAM, 2))
		return tcs_fail("cannot set fail_next_programs");
	/* a failed buffer completes at once, before the one being written */
	if (dequeue_in_order(12, fifo, false, &errors, &gaps, &last))
		return;
	if (errors != 2)
		tcs_fail("%u buffers with ERROR, expected 2", errors);
	if (tcs_stat(0, "program_failures") - failures != 2)
		tcs_fail("program_failures grew by %lld, expected 2",
			 tcs_stat(0, "program_failures") - failures);
	if (gaps > tcs_stat(0, "frames_dropped") - dropped)
		tcs_fail("sequence gaps add up to %u, only %lld frames counted as dropped",
			 gaps, tcs_stat(0, "frames_dropped") - dropped);
	if (tcs_get_ctrl(fd, TEGRA_CSI_SG_CID_FAIL_PROGRAM, &pending) || pending)
		tcs_fail("fail_next_programs reads %d, expected 0", pending);
	if (!tcs_failures())
		tcs_ok("fail-program: 2 buffers failed at programming, frames intact");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int ret;

	fd = tcs_open_channel(0);
	if (fd < 0) {
		tcs_fail("no tegra-csi-sg device");
		return 1;
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
	} else if (!strcmp(what, "starve")) {
		test_starve();
	} else if (!strcmp(what, "reset")) {
		test_reset();
	} else if (!strcmp(what, "fail-program")) {
		test_fail_program();
	} else {
		fprintf(stderr, "usage: %s drop|error|stall|disconnect|starve|reset|fail-program\n",
			argv[0]);
		return 2;
	}
	stop();
	return tcs_failures() ? 1 : 0;
}
