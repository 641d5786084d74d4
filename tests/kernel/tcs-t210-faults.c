// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-t210-faults: the error paths of the Tegra210 backend, run in the
 * guest against the register-level model (tests/vm/run --backend
 * t210-model), which injects each fault on CSI port A through its debugfs
 * files (/sys/kernel/debug/tegra_csi_sg_t210_model/portA/).
 *
 * Usage: tcs-t210-faults drop|crc|stall|retry|pattern|all
 * (all: each in turn, in one guest)
 *
 * drop:    one frame start is lost (drop_frame_start = 1): the armed
 *          single shot takes the next frame, no timeout, no reset. Then 20
 *          in a row (a third of a second): the 200 ms syncpoint wait times
 *          out, the channel is reset and the buffer goes back to the queue
 *          unwritten; frames go on, all right.
 * crc:     two frames arrive with a payload CRC error (crc_error = 2):
 *          exactly two buffers complete with V4L2_BUF_FLAG_ERROR, the
 *          channel recovers, the frames after them are right. The kernel
 *          log names PL_CRC_ERR (the runner's --expect-log).
 * stall:   the memory write acknowledge of one frame never comes
 *          (stall_mw_ack = 1): that buffer completes with ERROR after the
 *          timeout, the buffer armed behind it goes back to the queue, the
 *          reset unsticks the engine, frames flow again.
 * retry:   the receiver loses sync on every frame (lost_sync = 1000) with
 *          the "Failed Frames Retried" control at 2: after 3 failed frames
 *          the queue fails (poll POLLERR, DQBUF EIO) and the log names
 *          UNC_HDR_ERR; with the fault cleared, STREAMOFF and STREAMON give
 *          right frames again.
 * pattern: the TPG's "Color Patch Mode" (test pattern 1), which the model
 *          renders as the counter pattern with every byte inverted, reaches
 *          the buffers intact, and mode 0 gives the plain pattern back.
 *
 * The stats counters must agree: every timeout accounts for one buffer,
 * completed with ERROR or returned unwritten (buffers_returned), and is
 * followed by a reset (engine_resets). The guest may be too slow to
 * requeue in time: frames lost that way are counted in frames_dropped and
 * allowed as sequence gaps, no more.
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

#define NBUF		4
#define MODEL_DIR	"/sys/kernel/debug/tegra_csi_sg_t210_model/portA/"

static int fd;
static struct v4l2_pix_format fmt;
static uint8_t *maps[NBUF];
static size_t lens[NBUF];
static uint8_t *scratch;
static uint32_t last_seq;
static bool have_seq;
static long long dropped_at_start;

/* Write @value to the model's fault file @name of port A. */
static int model_fault(const char *name, unsigned int value)
{
	char path[160];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), MODEL_DIR "%s", name);
	f = fopen(path, "w");
	if (!f) {
		tcs_fail("cannot open %s: %s (is the t210 model loaded?)", path,
			 strerror(errno));
		return -1;
	}
	ret = fprintf(f, "%u\n", value) < 0;
	ret |= fclose(f) != 0;
	if (ret)
		tcs_fail("cannot write %u to %s", value, path);
	return ret ? -1 : 0;
}

static int start(void)
{
	have_seq = false;
	dropped_at_start = tcs_stat(0, "frames_dropped");
	return tcs_mmap_start(fd, NBUF, maps, lens);
}

static void stop(void)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	tcs_ioctl(fd, VIDIOC_STREAMOFF, &type);
}

/* Is the buffer the counter pattern of @seq, inverted when @inverted? */
static bool frame_ok(unsigned int index, uint32_t seq, bool inverted)
{
	const uint8_t *data = maps[index];
	size_t i;

	if (inverted) {
		for (i = 0; i < fmt.sizeimage; i++)
			scratch[i] = ~data[i];
		data = scratch;
	}
	return !tcs_check_counter(data, &fmt, seq,
				  inverted ? "inverted frame" : "frame");
}

/*
 * Dequeue one buffer, check its sequence (gaps only as large as the frames
 * lost for lack of a queued buffer) and, unless it has ERROR, its content;
 * requeue it. Returns 0, or -errno of DQBUF/QBUF; *@error tells ERROR.
 */
static int next(bool inverted, bool *error, int timeout_ms)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	long long starved;
	int ret;

	ret = tcs_dqbuf(fd, &b, timeout_ms);
	if (ret)
		return ret;
	*error = b.flags & V4L2_BUF_FLAG_ERROR;
	if (have_seq) {
		starved = tcs_stat(0, "frames_dropped") - dropped_at_start;
		if (b.sequence <= last_seq ||
		    b.sequence - last_seq - 1 > starved)
			tcs_fail("sequence %u after %u, %lld frame(s) lost for lack of a buffer",
				 b.sequence, last_seq, starved);
	}
	last_seq = b.sequence;
	have_seq = true;
	if (!*error && !frame_ok(b.index, b.sequence, inverted))
		tcs_fail("buffer of sequence %u has wrong content", b.sequence);
	return tcs_ioctl(fd, VIDIOC_QBUF, &b);
}

/* Capture @n buffers; returns how many had ERROR, or -1 on a failure. */
static int capture(unsigned int n, bool inverted)
{
	unsigned int i, errors = 0;
	bool error;
	int ret;

	for (i = 0; i < n; i++) {
		ret = next(inverted, &error, 5000);
		if (ret) {
			tcs_fail("buffer %u of %u: %s", i + 1, n, strerror(-ret));
			return -1;
		}
		errors += error;
	}
	return errors;
}

struct counters {
	long long timeouts, resets, returned;
};

static void counters(struct counters *c)
{
	c->timeouts = tcs_stat(0, "timeouts");
	c->resets = tcs_stat(0, "engine_resets");
	c->returned = tcs_stat(0, "buffers_returned");
}

/*
 * Stream a few right frames, inject @fault x @count, stream @after more
 * buffers; returns how many of them had ERROR (-1 on a failure) and in
 * @grew how much each counter grew meanwhile (read before STREAMOFF, which
 * returns the queued buffers too).
 */
static int inject(const char *fault, unsigned int count, unsigned int after,
		  struct counters *grew)
{
	struct counters before, now;
	int errors;

	if (start()) {
		tcs_fail("cannot start streaming");
		return -1;
	}
	if (capture(3, false)) {
		tcs_fail("%s: the frames before the fault are not all right",
			 fault);
		stop();
		return -1;
	}
	counters(&before);
	if (model_fault(fault, count)) {
		stop();
		return -1;
	}
	errors = capture(after, false);
	counters(&now);
	stop();
	grew->timeouts = now.timeouts - before.timeouts;
	grew->resets = now.resets - before.resets;
	grew->returned = now.returned - before.returned;
	tcs_info("%s = %u: %d buffer(s) with ERROR; timeouts +%lld, engine_resets +%lld, buffers_returned +%lld",
		 fault, count, errors, grew->timeouts, grew->resets,
		 grew->returned);
	return errors;
}

/*
 * Every timeout accounts for one buffer: completed with ERROR (it was
 * written, or the write never finished) or given back unwritten; and each
 * is followed by a reset of the channel.
 */
static void check_accounting(const char *what, int errors,
			     const struct counters *grew)
{
	if (errors + grew->returned != grew->timeouts ||
	    grew->resets < grew->timeouts)
		tcs_fail("%s: %lld timeout(s) but %d ERROR + %lld returned buffer(s), %lld reset(s)",
			 what, grew->timeouts, errors, grew->returned,
			 grew->resets);
	else
		tcs_ok("%s: each of %lld timeout(s) accounted for by one buffer and a reset",
		       what, grew->timeouts);
}

static void test_drop(void)
{
	struct counters grew;
	int errors;

	/*
	 * One lost frame start: the single shot stays armed and the next
	 * frame starts it, well within the 200 ms wait, as on hardware.
	 */
	errors = inject("drop_frame_start", 1, 6, &grew);
	if (errors < 0)
		return;
	if (errors || grew.timeouts || grew.resets || grew.returned)
		tcs_fail("drop 1: the next frame must simply be captured");
	else
		tcs_ok("drop 1: the next frame is captured, no timeout, no reset");

	/*
	 * 20 lost frame starts (a third of a second at 60 Hz): the wait
	 * times out (once or twice), the channel is reset, the buffer goes
	 * back to the queue, and capture goes on without an error.
	 */
	errors = inject("drop_frame_start", 20, 6, &grew);
	if (errors < 0)
		return;
	if (grew.timeouts < 1)
		tcs_fail("drop 20: no frame start timeout");
	else if (grew.returned < 1)
		tcs_fail("drop 20: no buffer went back to the queue unwritten");
	else
		tcs_ok("drop 20: %lld timeout(s), the buffers went back, frames went on",
		       grew.timeouts);
	check_accounting("drop 20", errors, &grew);
}

static void test_crc(void)
{
	struct counters grew;
	int errors = inject("crc_error", 2, 8, &grew);

	if (errors < 0)
		return;
	if (errors != 2)
		tcs_fail("crc: %d buffer(s) with ERROR, expected exactly 2",
			 errors);
	else
		tcs_ok("crc: exactly 2 buffers with ERROR, the frames after them right");
	/* two bad frames in a row may share one reset */
	if (grew.timeouts || grew.resets < 1 || grew.resets > 2)
		tcs_fail("crc: %lld timeout(s), %lld reset(s); expected none and 1 or 2",
			 grew.timeouts, grew.resets);
	else
		tcs_ok("crc: no timeout, %lld reset(s)", grew.resets);
}

static void test_stall(void)
{
	struct counters grew;
	int errors = inject("stall_mw_ack", 1, 8, &grew);

	if (errors < 0)
		return;
	if (errors != 1)
		tcs_fail("stall: %d buffer(s) with ERROR, expected the stalled one",
			 errors);
	else
		tcs_ok("stall: the stalled buffer has ERROR, then right frames");
	if (grew.timeouts < 1)
		tcs_fail("stall: no memory write timeout");
	check_accounting("stall", errors, &grew);
}

static void test_retry(void)
{
	struct pollfd p = { .events = POLLIN };
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	unsigned int i;
	bool error;
	int ret;

	if (tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_TIMEOUT_RETRY, 2)) {
		tcs_fail("retry: cannot set Failed Frames Retried to 2");
		return;
	}
	if (start()) {
		tcs_fail("retry: cannot start streaming");
		return;
	}
	if (capture(2, false)) {
		tcs_fail("retry: the frames before the fault are not all right");
		goto out;
	}
	if (model_fault("lost_sync", 1000))
		goto out;
	/* 3 timeouts of 200 ms and the resets between them: well under 10 s */
	p.fd = fd;
	for (i = 0; i < 100; i++) {
		if (poll(&p, 1, 10000) != 1) {
			tcs_fail("retry: poll timed out: the queue never failed");
			goto out;
		}
		if (p.revents & POLLERR)
			break;
		ret = next(false, &error, 1000);
		if (ret) {
			tcs_fail("retry: DQBUF before the queue failed: %s",
				 strerror(-ret));
			goto out;
		}
	}
	if (!(p.revents & POLLERR)) {
		tcs_fail("retry: no POLLERR after %u buffers", i);
		goto out;
	}
	ret = tcs_ioctl(fd, VIDIOC_DQBUF, &b);
	if (ret != -EIO)
		tcs_fail("retry: DQBUF on the failed queue: %d, expected EIO", ret);
	else
		tcs_ok("retry: the queue failed: POLLERR, DQBUF EIO");
out:
	model_fault("lost_sync", 0);
	stop();
	tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_TIMEOUT_RETRY, 5);
	if (start()) {
		tcs_fail("retry: cannot start streaming again");
		return;
	}
	if (capture(6, false))
		tcs_fail("retry: streaming again: not all frames right");
	else
		tcs_ok("retry: streaming again after STREAMOFF: 6 right frames");
	stop();
}

static void test_pattern(void)
{
	if (tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, 1)) {
		tcs_fail("pattern: cannot select Color Patch Mode");
		return;
	}
	if (start()) {
		tcs_fail("pattern: cannot start streaming");
		return;
	}
	if (capture(4, true))
		tcs_fail("pattern: Color Patch Mode frames are not the inverted pattern");
	else
		tcs_ok("pattern: 4 frames of Color Patch Mode, every byte right");
	stop();
	if (tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER) ||
	    start()) {
		tcs_fail("pattern: cannot go back to Direct Mode");
		return;
	}
	if (capture(4, false))
		tcs_fail("pattern: Direct Mode frames after Color Patch Mode are wrong");
	else
		tcs_ok("pattern: back in Direct Mode, 4 right frames");
	stop();
}

static const struct {
	const char *name;
	void (*run)(void);
} tests[] = {
	{ "drop", test_drop },
	{ "crc", test_crc },
	{ "stall", test_stall },
	{ "retry", test_retry },
	{ "pattern", test_pattern },
};

int main(int argc, char **argv)
{
	const char *what = argc == 2 ? argv[1] : "";
	unsigned int i;
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	fd = tcs_open_channel(0);
	if (fd < 0) {
		tcs_fail("no tegra-csi-sg channel 0");
		return 1;
	}
	/* small RAW10 frames: the guest writes every byte by CPU */
	if (tcs_set_format(fd, V4L2_PIX_FMT_SRGGB10, 640, 480, &fmt)) {
		tcs_fail("S_FMT RG10 640x480");
		return 1;
	}
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 60;
	tcs_ioctl(fd, VIDIOC_S_PARM, &parm);
	scratch = malloc(fmt.sizeimage);
	if (!scratch)
		return 1;
	if (tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER))
		tcs_fail("cannot select the TPG's Direct Mode (the counter pattern)");

	if (!strcmp(what, "all")) {
		for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
			tcs_info("%s", tests[i].name);
			tests[i].run();
		}
	} else {
		for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			if (!strcmp(what, tests[i].name))
				break;
		if (i == sizeof(tests) / sizeof(tests[0])) {
			fprintf(stderr, "usage: %s drop|crc|stall|retry|pattern|all\n",
				argv[0]);
			return 2;
		}
		tests[i].run();
	}
	printf("# %d failure(s)\n", tcs_failures());
	return tcs_failures() ? 1 : 0;
}
