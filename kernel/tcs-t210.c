// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: the Tegra210 VI backend.
 *
 * One channel per CSI port that has a source (ports A..F are channels
 * 0..5). While a channel streams, two threads run it, as in mainline
 * tegra-video (tegra210.c:325-499):
 *
 * - the capture thread takes a buffer, programs its surfaces, asks host1x
 *   for two syncpoint increments (VI_INCR_SYNCPT: at the port's frame start
 *   and when the memory writes of the frame are acknowledged), arms the
 *   channel (SINGLE_SHOT) and waits for the frame start. Then the frame is
 *   the finish thread's and the next buffer is armed at once: the hardware
 *   queue is two deep (frame N+1 armed while frame N is written). It never
 *   arms a frame that would put a third condition into a syncpoint
 *   condition FIFO (T210_SYNCPT_FIFO_DEPTH), which NO_STALL would drop.
 * - the finish thread waits for each started frame's memory-write
 *   acknowledgement, checks the pixel parser's status and completes the
 *   buffer.
 *
 * A frame that does not start within 200 ms, is not written within 200 ms
 * or arrives with CSI errors is logged with every status register (PP bits
 * by name) and counted as a failure; the capture thread then resets the
 * channel (VI soft reset, capture setup, CSI recovery) and goes on, the
 * buffer that never got a frame given back to the head of the queue. More
 * failures in a row than the TEGRA_CSI_SG_CID_TIMEOUT_RETRY control allows
 * fail the queue (EIO), as mainline's syncpt_timeout_retry.
 *
 * None of this has run on silicon; in the guest it runs against a model of
 * the register file (tests/t210-model).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/regmap.h>
#include <linux/slab.h>
#include <linux/tegra-csi-sg.h>
#include <linux/wait.h>

#include "tcs-t210.h"
#include "tcs-t210-regs.h"

/* Frames between the two threads: started, not yet acknowledged. */
#define T210_INFLIGHT		T210_SYNCPT_FIFO_DEPTH
#define T210_RETRY_DEF		5
#define T210_RETRY_MAX		10000

/**
 * struct t210_dev - the backend's device
 * @hw: what the platform gave (a copy).
 * @tcs: the core's device.
 * @reset_lock: serialises the VI global registers (CG_CTRL around a
 *	channel's soft reset, the syncpoint controls) and @powered.
 * @powered: channels streaming; the hardware is powered while non-zero.
 */
struct t210_dev {
	struct tcs_t210_hw hw;
	struct tcs_device *tcs;
	/* VI global registers and the power count */
	struct mutex reset_lock;
	unsigned int powered;
};

/**
 * struct t210_frame - a frame that started
 * @buf: its buffer.
 * @mw_thresh: the memory-write syncpoint value that says it is written.
 * @sequence: its sequence number.
 * @timestamp: CLOCK_MONOTONIC ns at its frame start.
 */
struct t210_frame {
	struct tcs_buffer *buf;
	u32 mw_thresh;
	u32 sequence;
	u64 timestamp;
};

/**
 * struct t210_chan - per-channel state of the backend
 * @chan: the core's channel.
 * @td: the device.
 * @port: CSI port 0..5 (= the VI channel).
 * @src: what feeds the port.
 * @formats: the channel's format table, built from @src's.
 * @fs_sp: syncpoint incremented at frame start.
 * @mw_sp: syncpoint incremented when a frame's writes are acknowledged.
 * @fs_max: the last frame-start threshold asked for (the expected value).
 * @mw_max: the same for @mw_sp.
 * @retry: the value of the TEGRA_CSI_SG_CID_TIMEOUT_RETRY control.
 * @pattern: the TPG's V4L2_CID_TEST_PATTERN, or NULL with a sensor.
 * @tfmt: the format while streaming.
 * @width: frame width while streaming.
 * @height: frame height.
 * @bpl: bytes per line of every surface.
 * @capture: the capture thread.
 * @finish: the finish thread.
 * @wq: both threads wait here; buffer_queued and the finish thread wake it.
 * @lock: protects @ring, @head, @count, @failures, @failed, @recover,
 *	@kick and @sequence.
 * @ring: started frames, oldest at @head.
 * @head: index of the oldest entry of @ring.
 * @count: entries in @ring.
 * @failures: failed frames in a row.
 * @failed: the queue was failed; nothing is armed until stop.
 * @recover: the finish thread saw a failed frame: reset before arming.
 * @kick: a buffer was queued since the capture thread last looked.
 * @sequence: sequence number of the next frame that starts.
 */
struct t210_chan {
	struct tcs_channel *chan;
	struct t210_dev *td;
	unsigned int port;
	const struct tcs_t210_source *src;
	struct tcs_format formats[T210_MAX_FORMATS];
	void *fs_sp;
	void *mw_sp;
	u32 fs_max;
	u32 mw_max;
	int retry;
	struct v4l2_ctrl *pattern;
	const struct t210_format *tfmt;
	u32 width;
	u32 height;
	u32 bpl;
	struct task_struct *capture;
	struct task_struct *finish;
	wait_queue_head_t wq;
	/* The frames in flight and the failure count */
	spinlock_t lock;
	struct t210_frame ring[T210_INFLIGHT];
	unsigned int head;
	unsigned int count;
	unsigned int failures;
	bool failed;
	bool recover;
	bool kick;
	u32 sequence;
};

static const char *const t210_tpg_patterns[] = {
	/* tegra-video's names (vi.c:976-979) */
	"Black/White Direct Mode",
	"Color Patch Mode",
	NULL,
};

/* Register access */

static void vi_write(struct t210_chan *tc, u32 reg, u32 val)
{
	regmap_write(tc->td->hw.regs, T210_VI_CSI_BASE(tc->port) + reg, val);
}

static u32 vi_read(struct t210_chan *tc, u32 reg)
{
	unsigned int val = 0;

	regmap_read(tc->td->hw.regs, T210_VI_CSI_BASE(tc->port) + reg, &val);
	return val;
}

static const struct tcs_t210_syncpt_ops *sp_ops(struct t210_chan *tc)
{
	return tc->td->hw.sp_ops;
}

/*
 * The VI global setup of tegra210_vi_start_streaming (tegra210.c:529-538):
 * second-level clock gating on, old syncpoint FIFO errors cleared, and a
 * full condition FIFO drops (and flags) a request instead of stalling the
 * host interface.
 */
static void t210_vi_global_setup(struct t210_dev *td)
{
	unsigned int err = 0;

	lockdep_assert_held(&td->reset_lock);
	regmap_write(td->hw.regs, T210_VI_CG_CTRL, T210_VI_CG_2ND_LEVEL_EN);
	regmap_read(td->hw.regs, T210_VI_INCR_SYNCPT_ERROR, &err);
	regmap_write(td->hw.regs, T210_VI_INCR_SYNCPT_ERROR, err);
#ifndef TCS_BREAK_T210_NO_STALL	/* deliberate breakage (tests/breakage/) */
	regmap_write(td->hw.regs, T210_VI_INCR_SYNCPT_CNTRL,
		     T210_VI_INCR_SYNCPT_NO_STALL);
#endif
}

/*
 * Soft reset of one VI channel with clock gating off (tegra210.c:219-234):
 * the armed single shot and the channel's queued syncpoint conditions go.
 */
static void t210_vi_soft_reset(struct t210_chan *tc)
{
	struct t210_dev *td = tc->td;

	mutex_lock(&td->reset_lock);
	regmap_write(td->hw.regs, T210_VI_CG_CTRL, 0);
	vi_write(tc, T210_VI_CSI_SW_RESET, T210_VI_CSI_SW_RESET_ALL);
	usleep_range(100, 200);
	vi_write(tc, T210_VI_CSI_SW_RESET, 0);
	regmap_write(td->hw.regs, T210_VI_CG_CTRL, T210_VI_CG_2ND_LEVEL_EN);
	mutex_unlock(&td->reset_lock);
}

/* What the channel writes, for the current format (tegra210.c:175-217). */
static void t210_capture_setup(struct t210_chan *tc)
{
	const struct t210_format *f = tc->tfmt;

	vi_write(tc, T210_VI_CSI_ERROR_STATUS, 0xffffffff);
	vi_write(tc, T210_VI_CSI_IMAGE_DEF,
		 t210_image_def(f->img_fmt,
				t210_bypass_pixel_transform(f->data_type,
							    tc->src->tpg)));
	vi_write(tc, T210_VI_CSI_IMAGE_DT, f->data_type);
	vi_write(tc, T210_VI_CSI_IMAGE_SIZE_WC,
		 t210_image_size_wc(tc->width, f->bit_width));
	vi_write(tc, T210_VI_CSI_IMAGE_SIZE,
		 t210_image_size(tc->width, tc->height));
}

/*
 * Surfaces of a buffer: NV16's chroma follows its luma in the same plane,
 * with the same pitch (tegra210.c:299-323).
 */
static int t210_program_surfaces(struct t210_chan *tc, struct tcs_buffer *buf)
{
	static const u32 msb[] = { T210_VI_CSI_SURFACE0_OFFSET_MSB,
				   T210_VI_CSI_SURFACE1_OFFSET_MSB };
	static const u32 lsb[] = { T210_VI_CSI_SURFACE0_OFFSET_LSB,
				   T210_VI_CSI_SURFACE1_OFFSET_LSB };
	static const u32 stride[] = { T210_VI_CSI_SURFACE0_STRIDE,
				      T210_VI_CSI_SURFACE1_STRIDE };
	unsigned int s;

	for (s = 0; s < tc->tfmt->surfaces; s++) {
		size_t offset = (size_t)s * tc->bpl * tc->height;
		u64 addr;
		int ret;

		ret = tcs_buffer_contig_addr(buf, 0, offset, &addr);
		if (ret)
			return ret;
		vi_write(tc, msb[s], upper_32_bits(addr));
		vi_write(tc, lsb[s], lower_32_bits(addr));
		vi_write(tc, stride[s], tc->bpl);
	}
	return 0;
}

/* Raise both syncpoint expectations and arm the channel for one frame. */
static u32 t210_arm(struct t210_chan *tc)
{
	const struct tcs_t210_syncpt_ops *ops = sp_ops(tc);
	struct regmap *regs = tc->td->hw.regs;
	u32 fs_thresh;

	fs_thresh = ops->incr_max(tc->fs_sp, 1);
	regmap_write(regs, T210_VI_INCR_SYNCPT,
		     t210_incr_syncpt(T210_COND_PP_FRAME_START(tc->port),
				      ops->id(tc->fs_sp)));
	tc->fs_max = fs_thresh;
	tc->mw_max = ops->incr_max(tc->mw_sp, 1);
	regmap_write(regs, T210_VI_INCR_SYNCPT,
		     t210_incr_syncpt(T210_COND_MW_ACK_DONE(tc->port),
				      ops->id(tc->mw_sp)));
	vi_write(tc, T210_VI_CSI_SINGLE_SHOT, T210_VI_CSI_SINGLE_SHOT_CAPTURE);
	return fs_thresh;
}

/*
 * After a reset no condition is queued: bring each syncpoint up to what was
 * asked of it, by CPU increments (as tegra210.c:390-400 does after a
 * timeout), so that the next thresholds are the next events.
 */
static void t210_syncpt_catch_up(struct t210_chan *tc, void *sp, u32 max)
{
	const struct tcs_t210_syncpt_ops *ops = sp_ops(tc);

	while ((s32)(max - ops->read(sp)) > 0)
		ops->incr(sp);
}

/* Log every status register of the port, PP bits by name. */
static void t210_log_status(struct t210_chan *tc, const char *what,
			    u32 pp, u32 cil, u32 cilx)
{
	unsigned int syncpt_err = 0;
	char names[128];

	regmap_read(tc->td->hw.regs, T210_VI_INCR_SYNCPT_ERROR, &syncpt_err);
	if (!t210_pp_status_names(pp, names, sizeof(names)))
		strscpy(names, "none", sizeof(names));
	dev_err_ratelimited(tc->td->hw.dev,
			    "ch%u (CSI %c, %s): %s; PP status 0x%08x [%s], CIL status 0x%08x, CILX status 0x%08x, VI error status 0x%08x, syncpt error 0x%08x\n",
			    tc->chan->id, 'A' + tc->port, tc->src->name, what,
			    pp, names, cil, cilx,
			    vi_read(tc, T210_VI_CSI_ERROR_STATUS), syncpt_err);
}

/*
 * A frame failed. Returns true when it is one failure more than the retry
 * control allows: the caller fails the queue (once).
 */
static bool t210_count_failure(struct t210_chan *tc)
{
	int retry = READ_ONCE(tc->retry);
	bool give_up = false;

	spin_lock(&tc->lock);
	tc->failures++;
#ifdef TCS_BREAK_T210_ENDLESS_RETRY	/* deliberate breakage (tests/breakage/) */
	retry = INT_MAX;
#endif
	if (tc->failures > retry && !tc->failed) {
		tc->failed = true;
		give_up = true;
	}
	spin_unlock(&tc->lock);

	if (give_up) {
		dev_err(tc->td->hw.dev,
			"ch%u (CSI %c): %u failed frames in a row (retry limit %d): the queue fails with EIO until streaming restarts\n",
			tc->chan->id, 'A' + tc->port, tc->failures, retry);
		tcs_capture_queue_error(tc->chan);
	}
	return give_up;
}

/* Reset the channel and its port: VI, capture setup, CSI, syncpoints. */
static void t210_recover(struct t210_chan *tc)
{
	atomic64_inc(&tc->chan->stats.engine_resets);
	t210_vi_soft_reset(tc);
	t210_capture_setup(tc);
	tcs_t210_csi_recover(&tc->td->hw, tc->port);
	t210_syncpt_catch_up(tc, tc->fs_sp, tc->fs_max);
	t210_syncpt_catch_up(tc, tc->mw_sp, tc->mw_max);
}

static unsigned int t210_inflight(struct t210_chan *tc)
{
	unsigned int n;

	spin_lock(&tc->lock);
	n = tc->count;
	spin_unlock(&tc->lock);
	return n;
}

/* Hand a started frame to the finish thread. */
static void t210_push(struct t210_chan *tc, struct tcs_buffer *buf, u64 ts)
{
	struct t210_frame *f;

	spin_lock(&tc->lock);
	f = &tc->ring[(tc->head + tc->count) % T210_INFLIGHT];
	f->buf = buf;
	f->mw_thresh = tc->mw_max;
	f->sequence = tc->sequence++;
	f->timestamp = ts;
	tc->count++;
	spin_unlock(&tc->lock);
	atomic64_inc(&tc->chan->stats.frames_produced);
	wake_up(&tc->wq);
}

/*
 * The frame armed for @buf did not start in time. Reset the channel first,
 * so that it can no longer start; then a frame start that came late means
 * the buffer was (partly) written: it completes with an error. Otherwise
 * no byte reached it and it goes back to the head of the queue, unless the
 * stream is stopping or failed (the core returns it then).
 */
static void t210_frame_start_timeout(struct t210_chan *tc,
				     struct tcs_buffer *buf, u32 thresh)
{
	const struct tcs_t210_syncpt_ops *ops = sp_ops(tc);
	bool stopping = kthread_should_stop();
	u32 pp, cil, cilx;

	atomic64_inc(&tc->chan->stats.timeouts);
	tcs_t210_csi_status(&tc->td->hw, tc->port, &pp, &cil, &cilx);
	if (!stopping)
		t210_log_status(tc, "frame start timeout", pp, cil, cilx);
	/* Frames already started are written or time out first. */
	wait_event(tc->wq, !t210_inflight(tc));
	t210_vi_soft_reset(tc);

	if ((s32)(ops->read(tc->fs_sp) - thresh) >= 0) {
		u32 seq;

		spin_lock(&tc->lock);
		seq = tc->sequence++;
		spin_unlock(&tc->lock);
		tcs_capture_buffer_done(tc->chan, buf, seq, ktime_get_ns(),
					VB2_BUF_STATE_ERROR);
	} else {
		tcs_capture_return_buffer(tc->chan, buf);
	}
	if (stopping)
		return;
	if (!t210_count_failure(tc))
		t210_recover(tc);
}

/* Capture one frame into @buf; returns when it started or failed. */
static void t210_capture_frame(struct t210_chan *tc, struct tcs_buffer *buf)
{
	const struct tcs_t210_syncpt_ops *ops = sp_ops(tc);
	u32 thresh, value;
	int ret;

	ret = t210_program_surfaces(tc, buf);
	if (ret) {
		/* The core checked every plane: this is a driver bug. */
		atomic64_inc(&tc->chan->stats.program_failures);
		dev_err_ratelimited(tc->td->hw.dev,
				    "ch%u: buffer %u has no contiguous DMA address (%d)\n",
				    tc->chan->id, buf->vb.vb2_buf.index, ret);
		tcs_capture_buffer_done(tc->chan, buf, 0, ktime_get_ns(),
					VB2_BUF_STATE_ERROR);
		return;
	}

	thresh = t210_arm(tc);
	ret = ops->wait(tc->fs_sp, thresh,
			msecs_to_jiffies(T210_SYNCPT_TIMEOUT_MS), &value);
	if (!ret) {
		t210_push(tc, buf, ktime_get_ns());
		return;
	}
	t210_frame_start_timeout(tc, buf, thresh);
}

/* The capture thread may arm a frame: room in the ring, not failed. */
static bool t210_may_arm(struct t210_chan *tc)
{
	bool ok;

	spin_lock(&tc->lock);
	ok = !tc->failed && tc->count < T210_INFLIGHT;
	spin_unlock(&tc->lock);
	return ok;
}

static int t210_capture_thread(void *data)
{
	struct t210_chan *tc = data;
	struct tcs_buffer *buf;
	bool recover;

	while (!kthread_should_stop()) {
		wait_event_interruptible(tc->wq, kthread_should_stop() ||
					 t210_may_arm(tc));
		if (kthread_should_stop())
			break;
		if (!t210_may_arm(tc))
			continue;

		spin_lock(&tc->lock);
		recover = tc->recover;
		tc->recover = false;
		tc->kick = false;
		spin_unlock(&tc->lock);
		if (recover) {
			wait_event(tc->wq, !t210_inflight(tc));
			t210_recover(tc);
			continue;
		}

		buf = tcs_capture_next_buffer(tc->chan);
		if (!buf) {
			wait_event_interruptible(tc->wq,
						 kthread_should_stop() ||
						 READ_ONCE(tc->kick) ||
						 READ_ONCE(tc->recover));
			continue;
		}
		t210_capture_frame(tc, buf);
	}
	return 0;
}

/*
 * Wait until the oldest started frame is written, check the receiver's
 * status, complete its buffer.
 */
static void t210_finish_frame(struct t210_chan *tc)
{
	const struct tcs_t210_syncpt_ops *ops = sp_ops(tc);
	enum vb2_buffer_state state = VB2_BUF_STATE_DONE;
	const char *what = NULL;
	struct t210_frame f;
	u32 value, pp, cil, cilx;
	int ret;

	spin_lock(&tc->lock);
	f = tc->ring[tc->head];
	spin_unlock(&tc->lock);

	ret = ops->wait(tc->mw_sp, f.mw_thresh,
			msecs_to_jiffies(T210_SYNCPT_TIMEOUT_MS), &value);
	tcs_t210_csi_status(&tc->td->hw, tc->port, &pp, &cil, &cilx);
	if (ret) {
		atomic64_inc(&tc->chan->stats.timeouts);
		what = "memory write timeout";
	} else if (t210_pp_status_errors(pp)) {
		what = "CSI errors in the frame";
	}
	if (what) {
		state = VB2_BUF_STATE_ERROR;
		t210_log_status(tc, what, pp, cil, cilx);
		tcs_t210_csi_clear_status(&tc->td->hw, tc->port, pp, cil, cilx);
	}

	spin_lock(&tc->lock);
	tc->head = (tc->head + 1) % T210_INFLIGHT;
	tc->count--;
	if (!what)
		tc->failures = 0;
	spin_unlock(&tc->lock);

	tcs_capture_buffer_done(tc->chan, f.buf, f.sequence, f.timestamp,
				state);
	if (what && !t210_count_failure(tc)) {
		spin_lock(&tc->lock);
		tc->recover = true;
		spin_unlock(&tc->lock);
	}
	wake_up(&tc->wq);
}

static int t210_finish_thread(void *data)
{
	struct t210_chan *tc = data;

	for (;;) {
		wait_event_interruptible(tc->wq, kthread_should_stop() ||
					 t210_inflight(tc));
		if (t210_inflight(tc))
			t210_finish_frame(tc);
		else if (kthread_should_stop())
			break;
	}
	return 0;
}

/* Power, counted over the device's streaming channels. */
static int t210_power(struct t210_dev *td, bool on)
{
	int ret = 0;

	mutex_lock(&td->reset_lock);
	if (on && !td->powered++ && td->hw.power) {
		ret = td->hw.power(td->hw.dev, true);
		if (ret)
			td->powered--;
	} else if (!on && !--td->powered && td->hw.power) {
		td->hw.power(td->hw.dev, false);
	}
	if (on && !ret)
		t210_vi_global_setup(td);
	mutex_unlock(&td->reset_lock);
	return ret;
}

/* Backend operations */

static int t210_start(struct tcs_channel *chan)
{
	struct t210_chan *tc = chan->backend_priv;
	const struct tcs_t210_hw *hw = &tc->td->hw;
	u32 tpg_mode = 0;
	int ret;

	tc->tfmt = &t210_formats[chan->tfmt->hw];
	tc->width = chan->fmt.width;
	tc->height = chan->fmt.height;
	tc->bpl = chan->fmt.plane_fmt[0].bytesperline;
	tc->head = 0;
	tc->count = 0;
	tc->failures = 0;
	tc->failed = false;
	tc->recover = false;
	tc->kick = false;
	tc->sequence = 0;

	ret = t210_power(tc->td, true);
	if (ret)
		return ret;
	t210_vi_soft_reset(tc);
	vi_write(tc, T210_VI_CSI_ERROR_STATUS,
		 vi_read(tc, T210_VI_CSI_ERROR_STATUS));
	t210_capture_setup(tc);
	t210_syncpt_catch_up(tc, tc->fs_sp, tc->fs_max);
	t210_syncpt_catch_up(tc, tc->mw_sp, tc->mw_max);

	if (tc->pattern)
		tpg_mode = v4l2_ctrl_g_ctrl(tc->pattern);
	tcs_t210_csi_start(hw, tc->port, tpg_mode, tc->width);
	if (tc->src->s_stream) {
		ret = tc->src->s_stream(tc->src->ctx, true, &chan->timeperframe);
		if (ret) {
			dev_err(hw->dev, "ch%u: %s does not start: %d\n",
				chan->id, tc->src->name, ret);
			goto err_csi;
		}
	}

	tc->finish = kthread_run(t210_finish_thread, tc, "tcs-t210/%u:fin",
				 chan->id);
	if (IS_ERR(tc->finish)) {
		ret = PTR_ERR(tc->finish);
		goto err_source;
	}
	tc->capture = kthread_run(t210_capture_thread, tc, "tcs-t210/%u:cap",
				  chan->id);
	if (IS_ERR(tc->capture)) {
		ret = PTR_ERR(tc->capture);
		kthread_stop(tc->finish);
		goto err_source;
	}
	return 0;

err_source:
	if (tc->src->s_stream)
		tc->src->s_stream(tc->src->ctx, false, NULL);
err_csi:
	tcs_t210_csi_stop(hw, tc->port);
	t210_vi_soft_reset(tc);
	t210_power(tc->td, false);
	return ret;
}

/*
 * Stop arming, let the started frames finish (each within its timeout),
 * stop the source and the port, and reset the channel so that nothing
 * armed can write any more: only then are the buffers the core's again.
 */
static void t210_stop(struct tcs_channel *chan)
{
	struct t210_chan *tc = chan->backend_priv;
	const struct tcs_t210_hw *hw = &tc->td->hw;

	kthread_stop(tc->capture);
	kthread_stop(tc->finish);
	if (tc->src->s_stream)
		tc->src->s_stream(tc->src->ctx, false, NULL);
	tcs_t210_csi_stop(hw, tc->port);
	t210_vi_soft_reset(tc);
	t210_syncpt_catch_up(tc, tc->fs_sp, tc->fs_max);
	t210_syncpt_catch_up(tc, tc->mw_sp, tc->mw_max);
	t210_power(tc->td, false);
}

static void t210_buffer_queued(struct tcs_channel *chan)
{
	struct t210_chan *tc = chan->backend_priv;

	WRITE_ONCE(tc->kick, true);
	wake_up(&tc->wq);
}

static int t210_set_format(struct tcs_channel *chan,
			   const struct v4l2_pix_format_mplane *fmt)
{
	struct t210_chan *tc = chan->backend_priv;
	const struct tcs_format *f = tcs_format_find(chan, fmt->pixelformat);

	if (!tc->src->set_format || !f)
		return 0;
	return tc->src->set_format(tc->src->ctx, &t210_formats[f->hw],
				   fmt->width, fmt->height);
}

static int t210_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct t210_chan *tc = ctrl->priv;

	/* The pattern is read at stream start. */
	if (ctrl->id == TEGRA_CSI_SG_CID_TIMEOUT_RETRY)
		WRITE_ONCE(tc->retry, ctrl->val);
	return 0;
}

static const struct v4l2_ctrl_ops t210_ctrl_ops = {
	.s_ctrl = t210_s_ctrl,
};

static const struct v4l2_ctrl_config t210_retry_ctrl = {
	.ops = &t210_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_TIMEOUT_RETRY,
	.name = "Failed Frames Retried",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.min = 0,
	.max = T210_RETRY_MAX,
	.step = 1,
	.def = T210_RETRY_DEF,
};

/* The colorimetry a CSI-2 data type implies (V4L2 "Colorspaces"). */
static void t210_colorimetry(struct tcs_format *f, u32 data_type)
{
	switch (data_type) {
	case T210_DT_RGB888:
		f->colorspace = V4L2_COLORSPACE_SRGB;
		f->xfer_func = V4L2_XFER_FUNC_SRGB;
		f->ycbcr_enc = V4L2_YCBCR_ENC_601;
		f->quantization = V4L2_QUANTIZATION_FULL_RANGE;
		break;
	case T210_DT_YUV422_8:
		f->colorspace = V4L2_COLORSPACE_REC709;
		f->xfer_func = V4L2_XFER_FUNC_709;
		f->ycbcr_enc = V4L2_YCBCR_ENC_709;
		f->quantization = V4L2_QUANTIZATION_LIM_RANGE;
		break;
	default:
		f->colorspace = V4L2_COLORSPACE_RAW;
		f->xfer_func = V4L2_XFER_FUNC_NONE;
		f->ycbcr_enc = V4L2_YCBCR_ENC_601;
		f->quantization = V4L2_QUANTIZATION_FULL_RANGE;
	}
}

static void t210_fill_caps(struct t210_chan *tc)
{
	const struct tcs_t210_source *src = tc->src;
	struct tcs_channel_caps *caps = &tc->chan->caps;
	unsigned int i;

	for (i = 0; i < src->num_formats; i++) {
		const struct t210_format *t = src->formats[i];
		struct tcs_format *f = &tc->formats[i];

		f->fourcc = t->fourcc;
		f->mbus_code = t->mbus_code;
		f->hw = t - t210_formats;
		t210_colorimetry(f, t->data_type);
	}
	caps->formats = tc->formats;
	caps->num_formats = src->num_formats;
	caps->sizes = src->sizes;
	caps->modes = src->modes;
	caps->num_modes = src->num_modes;
	caps->def_width = src->def_width;
	caps->def_height = src->def_height;
	caps->intervals = src->intervals;
	caps->num_intervals = src->num_intervals;
	caps->def_interval = src->def_interval;
	/* SURFACE_ALIGN_BYTES (vi.h:38): lines are 64-byte aligned */
	caps->bpl_align = 64;
	caps->mplane = false;
}

static int t210_channel_init(struct tcs_channel *chan)
{
	struct t210_dev *td = tcs_device_priv(chan->tcs);
	const struct tcs_t210_syncpt_ops *ops = td->hw.sp_ops;
	struct v4l2_ctrl_handler *hdl = &chan->ctrl_handler;
	struct t210_chan *tc;
	int ret = -ENOMEM;

	tc = kzalloc(sizeof(*tc), GFP_KERNEL);
	if (!tc)
		return -ENOMEM;
	tc->chan = chan;
	tc->td = td;
	tc->port = chan->id;
	tc->src = td->hw.sources[tc->port];
	spin_lock_init(&tc->lock);
	init_waitqueue_head(&tc->wq);
	chan->backend_priv = tc;
	t210_fill_caps(tc);

	/* One pair per channel (vi.c:1139-1205) */
	tc->fs_sp = ops->request(td->hw.sp_ctx, "fs");
	tc->mw_sp = ops->request(td->hw.sp_ctx, "mw");
	if (!tc->fs_sp || !tc->mw_sp) {
		dev_err(td->hw.dev, "ch%u: no syncpoint\n", chan->id);
		goto err;
	}
	tc->fs_max = ops->read(tc->fs_sp);
	tc->mw_max = ops->read(tc->mw_sp);

	tc->retry = T210_RETRY_DEF;
	v4l2_ctrl_new_custom(hdl, &t210_retry_ctrl, tc);
	if (tc->src->tpg)
		tc->pattern = v4l2_ctrl_new_std_menu_items(hdl, &t210_ctrl_ops,
				V4L2_CID_TEST_PATTERN,
				ARRAY_SIZE(t210_tpg_patterns) - 2, 0, 0,
				t210_tpg_patterns);
	if (tc->src->ctrl_handler)
		v4l2_ctrl_add_handler(hdl, tc->src->ctrl_handler, NULL, true);
	ret = hdl->error;
	if (ret)
		goto err;
	return 0;

err:
	if (tc->mw_sp)
		ops->put(tc->mw_sp);
	if (tc->fs_sp)
		ops->put(tc->fs_sp);
	chan->backend_priv = NULL;
	kfree(tc);
	return ret;
}

static void t210_channel_cleanup(struct tcs_channel *chan)
{
	struct t210_chan *tc = chan->backend_priv;
	const struct tcs_t210_syncpt_ops *ops;

	if (!tc)
		return;
	ops = tc->td->hw.sp_ops;
	ops->put(tc->mw_sp);
	ops->put(tc->fs_sp);
	kfree(tc);
}

static const struct tcs_backend_ops t210_ops = {
	.channel_init = t210_channel_init,
	.channel_cleanup = t210_channel_cleanup,
	.set_format = t210_set_format,
	.start = t210_start,
	.stop = t210_stop,
	.buffer_queued = t210_buffer_queued,
};

static const struct tcs_backend t210_backend = {
	.name = "tegra210",
	.ops = &t210_ops,
	/* stamped when the frame-start syncpoint wait returns */
	.timestamp_src = V4L2_BUF_FLAG_TSTAMP_SRC_SOE,
};

/**
 * tcs_t210_dma_constraints() - what Tegra210's VI can address
 * @c: filled, apart from @c->dma_dev and @c->iommu_master, which the caller
 *	sets (the VI device, or the model's stand-ins).
 * @iommu: the VI's transactions go through the SMMU (the device tree gives
 *	it an ``iommus`` entry): %TCS_DMA_IOMMU, else %TCS_DMA_CONTIG.
 *
 * The facts of the SoC, in one place for the platform glue and the model:
 * 34-bit physical addresses (the memory controller's num_address_bits,
 * drivers/memory/tegra/tegra210.c), 32-bit IOVAs (tegra-smmu.c's aperture
 * of 0..4 GiB), and surfaces that start on 64 bytes: mainline's gang mode
 * places the second port's surface at a multiple of SURFACE_ALIGN_BYTES
 * (staging tegra-video tegra210.c:342, vi.h:38) rather than right after
 * the first line, and 64 bytes is the memory atom (memory/tegra/tegra210.c
 * atom_size). That start alignment is inferred, not measured on silicon
 * (docs/jetson.md, bring-up checklist). No segment limit: one surface is
 * one contiguous range in bus or IOVA space. USERPTR is offered only with
 * the SMMU (contiguous user memory is too rare to promise).
 */
void tcs_t210_dma_constraints(struct tcs_dma_constraints *c, bool iommu)
{
	c->mode = iommu ? TCS_DMA_IOMMU : TCS_DMA_CONTIG;
	c->dma_bits = 34;
	c->iova_bits = iommu ? 32 : 0;
	c->start_align = 64;
	c->max_seg_size = UINT_MAX & PAGE_MASK;
	c->contig_userptr = false;
}
EXPORT_SYMBOL_GPL(tcs_t210_dma_constraints);

/* The TPG's formats and sizes (mainline csi.c:40-61 offers 1280x720,
 * 1920x1080 and 3840x2160 of RAW10 and RGB888; here any size between) */
static const struct v4l2_fract t210_tpg_intervals[] = { { 1, 60 } };

/**
 * tcs_t210_tpg_source() - describe a port's own pattern generator
 * @src: filled: the TPG as the port's source, 2 lanes as mainline's TPG
 *	channels, RAW10 (SRGGB10) and RGB888 (RGBX32), 64x32 to 3840x2160
 *	(width a multiple of 4, so that a RAW10 line is whole bytes), 1/60 s.
 *
 * The real TPG's frame rate follows from its blanking and clock and is
 * unmeasured (docs/jetson.md). Process context.
 */
void tcs_t210_tpg_source(struct tcs_t210_source *src)
{
	unsigned int i;

	memset(src, 0, sizeof(*src));
	src->name = "tpg";
	src->tpg = true;
	src->lanes = 2;
	for (i = 0; i < t210_num_formats; i++)
		if (t210_formats[i].fourcc == V4L2_PIX_FMT_SRGGB10 ||
		    t210_formats[i].fourcc == V4L2_PIX_FMT_RGBX32)
			src->formats[src->num_formats++] = &t210_formats[i];
	src->sizes = (struct v4l2_frmsize_stepwise){
		.min_width = 64, .max_width = 3840, .step_width = 4,
		.min_height = 32, .max_height = 2160, .step_height = 2,
	};
	src->def_width = 1280;
	src->def_height = 720;
	src->intervals = t210_tpg_intervals;
	src->num_intervals = ARRAY_SIZE(t210_tpg_intervals);
}
EXPORT_SYMBOL_GPL(tcs_t210_tpg_source);

/* Refuse a source description that cannot work; 0 or -EINVAL. */
static int t210_check_source(struct device *dev, unsigned int port,
			     const struct tcs_t210_source *src)
{
	const char *why = NULL;
	unsigned int i;

	if (!src->num_formats || src->num_formats > T210_MAX_FORMATS)
		why = "number of formats";
	else if (src->lanes != 1 && src->lanes != 2 && src->lanes != 4)
		why = "lanes (1, 2 or 4)";
	else if (src->lanes == 4 && (port & 1))
		why = "4 lanes on port B, D or F";
	for (i = 0; !why && i < src->num_formats; i++)
		if (src->formats[i] < t210_formats ||
		    src->formats[i] >= t210_formats + t210_num_formats)
			why = "a format not of t210_formats";
	if (!why && !src->tpg && !src->s_stream)
		why = "a sensor without s_stream";
	if (why) {
		dev_err(dev, "CSI %c (%s): invalid source: %s\n", 'A' + port,
			src->name, why);
		return -EINVAL;
	}
	return 0;
}

/**
 * tcs_t210_create() - create the capture device of a Tegra210 VI
 * @hw: the hardware: registers, syncpoints, DMA constraints, the source of
 *	each port. Copied; the sources must outlive the device.
 *
 * No channel is created yet: tcs_t210_add_channels() does, once the
 * syncpoints can be requested (host1x client init). Process context.
 *
 * Return: the device, or an ERR_PTR(): -EINVAL for a bad description
 * (logged), -ENOMEM, or an error of tcs_device_create().
 */
struct tcs_device *tcs_t210_create(const struct tcs_t210_hw *hw)
{
	struct t210_dev *td;
	unsigned int p;
	int ret;

	if (!hw->regs || !hw->sp_ops || !hw->cil_clk_hz)
		return ERR_PTR(-EINVAL);
	for (p = 0; p < T210_PORTS; p++) {
		if (!hw->sources[p])
			continue;
		ret = t210_check_source(hw->dev, p, hw->sources[p]);
		if (ret)
			return ERR_PTR(ret);
	}

	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		return ERR_PTR(-ENOMEM);
	td->hw = *hw;
	mutex_init(&td->reset_lock);
	td->tcs = tcs_device_create(hw->dev, &t210_backend, &hw->dma, td);
	if (IS_ERR(td->tcs)) {
		struct tcs_device *err = td->tcs;

		mutex_destroy(&td->reset_lock);
		kfree(td);
		return err;
	}
	return td->tcs;
}
EXPORT_SYMBOL_GPL(tcs_t210_create);

/**
 * tcs_t210_set_source() - give a port its source after creation
 * @tcs: from tcs_t210_create().
 * @port: CSI port, 0..5.
 * @src: what feeds it (a sensor that bound through v4l2-async); must
 *	outlive the device.
 *
 * For sources known only once the device exists (its V4L2 device is what
 * the sensors bind to). Before tcs_t210_add_channels(). Process context.
 *
 * Return: 0, or -EINVAL for a bad port or description (logged).
 */
int tcs_t210_set_source(struct tcs_device *tcs, unsigned int port,
			const struct tcs_t210_source *src)
{
	struct t210_dev *td = tcs_device_priv(tcs);
	int ret;

	if (port >= T210_PORTS)
		return -EINVAL;
	ret = t210_check_source(td->hw.dev, port, src);
	if (ret)
		return ret;
	td->hw.sources[port] = src;
	return 0;
}
EXPORT_SYMBOL_GPL(tcs_t210_set_source);

/**
 * tcs_t210_add_channels() - a video node for every port with a source
 * @tcs: from tcs_t210_create().
 *
 * Channel N is CSI port N. Process context.
 *
 * Return: 0, or the first error of tcs_device_add_channel() (the channels
 * added so far stay).
 */
int tcs_t210_add_channels(struct tcs_device *tcs)
{
	struct t210_dev *td = tcs_device_priv(tcs);
	unsigned int p;
	int ret;

	for (p = 0; p < T210_PORTS; p++) {
		if (!td->hw.sources[p])
			continue;
		ret = tcs_device_add_channel(tcs, p);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(tcs_t210_add_channels);

/**
 * tcs_t210_destroy() - undo tcs_t210_create()
 * @tcs: the device.
 *
 * Stops streaming channels and removes the nodes (tcs_device_destroy());
 * file handles still open reach nothing of the hardware. Process context.
 */
void tcs_t210_destroy(struct tcs_device *tcs)
{
	struct t210_dev *td = tcs_device_priv(tcs);

	tcs_device_destroy(tcs);
	mutex_destroy(&td->reset_lock);
	kfree(td);
}
EXPORT_SYMBOL_GPL(tcs_t210_destroy);
