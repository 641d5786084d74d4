// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-virt: the virtual sensor, one kernel thread per streaming
 * channel.
 *
 * At every frame interval the thread produces a frame: it renders the test
 * pattern (the counter pattern of the uapi header, or one of v4l2-tpg's)
 * into a scratch buffer and has the engine model write it into the buffer
 * at the head of the hardware queue, then completes that buffer (from this
 * thread: the backend interface reports completion in thread context) and
 * programs the next ones. The fault injection controls act here.
 */

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-virt.h"
#include "tcs-compat.h"

/* The widest frame, and line (4 bytes a pixel), of any format here. */
#define TCS_VIRT_MAX_WIDTH	3840
#define TCS_VIRT_MAX_BPL	(TCS_VIRT_MAX_WIDTH * 4)

/*
 * Bytes 8 and up of a counter pattern line are (seq + line + col) & 0xff:
 * a ramp, copied from this table at the right starting value.
 */
#define TCS_RAMP_LEN	(256 + TCS_VIRT_MAX_BPL)
static u8 tcs_ramp[TCS_RAMP_LEN];

/* The counter pattern over @size bytes of lines of @bpl bytes. */
static void tcs_virt_render_counter(u8 *dst, u32 bpl, size_t size, u32 seq)
{
	u32 line, lines = size / bpl;

	for (line = 0; line < lines; line++, dst += bpl) {
		put_unaligned_le32(seq, dst);
		put_unaligned_le32(line, dst + 4);
		memcpy(dst + 8, &tcs_ramp[(seq + line + 8) & 0xff], bpl - 8);
	}
}

static void tcs_virt_render(struct tcs_virt_chan *vc, u32 seq)
{
	const struct v4l2_pix_format_mplane *fmt = &vc->chan->fmt;
	u32 pattern = READ_ONCE(vc->pattern_idx);
	unsigned int s;

	/* The lines of every plane are numbered one after the other. */
	if (pattern == TEGRA_CSI_SG_PATTERN_COUNTER) {
		tcs_virt_render_counter(vc->frame, fmt->plane_fmt[0].bytesperline,
					vc->frame_size, seq);
		return;
	}

	tpg_s_pattern(&vc->tpg, pattern - 1);
	tpg_s_brightness(&vc->tpg, READ_ONCE(vc->brightness));
	for (s = 0; s < vc->num_surfaces; s++)
		tpg_fill_plane_buffer(&vc->tpg, 0, s,
				      vc->frame + vc->surfaces[s].src);
}

static void tcs_virt_frame(struct tcs_virt_chan *vc)
{
	struct tcs_channel *chan = vc->chan;
	enum vb2_buffer_state state = VB2_BUF_STATE_DONE;
	struct tcs_virt_slot *slot;
	struct tcs_buffer *buf;
	u32 seq;

	if (READ_ONCE(vc->stalled) || READ_ONCE(vc->disconnected))
		return;
#ifdef TCS_BREAK_DEAD_CHANNEL
	/* deliberate breakage (tests/breakage/): the last channel is dead */
	if (chan->id == 5)
		return;
#endif

	/*
	 * A reset (as after a hung frame on Tegra210): the engine gives back
	 * what it was programmed with, this frame is lost (a sequence gap,
	 * counted as dropped), and the buffers are programmed again.
	 */
	if (atomic_dec_if_positive(&vc->reset_pending) >= 0) {
		tcs_virt_engine_reset(vc);
		atomic64_inc(&chan->stats.frames_produced);
		atomic64_inc(&chan->stats.frames_dropped);
		vc->sequence++;
		tcs_virt_engine_fill(vc);
		return;
	}

	tcs_virt_engine_fill(vc);
	atomic64_inc(&chan->stats.frames_produced);

	/* An injected drop loses a frame: a sequence gap. */
	if (atomic_dec_if_positive(&vc->drop_pending) >= 0) {
		vc->sequence++;
		atomic64_inc(&chan->stats.frames_injected_drop);
		return;
	}

	/*
	 * Every frame the sensor produces takes a sequence number, also one
	 * lost because no buffer was programmed (starvation), as uvcvideo
	 * and vivid number frames: the application sees every drop as a
	 * sequence gap. The loss is also counted in frames_dropped.
	 */
	seq = vc->sequence++;
	slot = tcs_virt_engine_head(vc);
	if (!slot) {
		atomic64_inc(&chan->stats.frames_dropped);
		return;
	}

	tcs_virt_render(vc, seq);
	if (tcs_virt_engine_write(vc, slot, vc->frame))
		state = VB2_BUF_STATE_ERROR;
	if (atomic_dec_if_positive(&vc->error_pending) >= 0)
		state = VB2_BUF_STATE_ERROR;

	buf = slot->buf;
	tcs_virt_engine_retire(vc);
	tcs_capture_buffer_done(chan, buf, seq, ktime_get_ns(), state);
	tcs_virt_engine_fill(vc);
}

static int tcs_virt_sensor_thread(void *data)
{
	struct tcs_virt_chan *vc = data;
	const struct v4l2_fract *tpf = &vc->chan->timeperframe;
	ktime_t period = ns_to_ktime(div_u64((u64)tpf->numerator * NSEC_PER_SEC,
					     tpf->denominator));
	ktime_t next = ktime_get();

	while (!kthread_should_stop()) {
		ktime_t now;

		next = ktime_add(next, period);
		now = ktime_get();
		/* Too slow to keep up: skip ahead instead of bursting. */
		if (ktime_before(next, ktime_sub(now, period)))
			next = now;

		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		schedule_hrtimeout(&next, HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
		if (kthread_should_stop())
			break;

		tcs_virt_frame(vc);
	}
	return 0;
}

/**
 * tcs_virt_sensor_start() - start producing frames in the current format
 * @vc: the channel.
 *
 * Return: 0 or a negative error code.
 */
int tcs_virt_sensor_start(struct tcs_virt_chan *vc)
{
	struct tcs_channel *chan = vc->chan;
	const struct v4l2_pix_format_mplane *fmt = &chan->fmt;
	unsigned int p;

	tcs_virt_engine_layout(vc);
	vc->frame_size = 0;
	for (p = 0; p < fmt->num_planes; p++)
		vc->frame_size += fmt->plane_fmt[p].sizeimage;
	vc->frame = vzalloc(vc->frame_size);
	if (!vc->frame)
		return -ENOMEM;

	tpg_reset_source(&vc->tpg, fmt->width, fmt->height, V4L2_FIELD_NONE);
	tpg_s_fourcc(&vc->tpg, fmt->pixelformat);
	for (p = 0; p < vc->num_surfaces; p++)
		tpg_s_bytesperline(&vc->tpg, p, vc->surfaces[p].len /
				   (p ? DIV_ROUND_UP(fmt->height, chan->finfo->vdiv) :
				    fmt->height));
	tpg_s_buf_height(&vc->tpg, fmt->height);
	tpg_s_field(&vc->tpg, V4L2_FIELD_NONE, false);
	tpg_s_colorspace(&vc->tpg, fmt->colorspace);
	tpg_s_ycbcr_enc(&vc->tpg, fmt->ycbcr_enc);
	tpg_s_quantization(&vc->tpg, fmt->quantization);
	tpg_s_xfer_func(&vc->tpg, fmt->xfer_func);

	vc->sequence = 0;
	WRITE_ONCE(vc->disconnected, false);
	atomic_set(&vc->reset_pending, 0);

	/* Program the engine ahead, then start the sensor. */
	tcs_virt_engine_fill(vc);
	vc->thread = kthread_run(tcs_virt_sensor_thread, vc, "tcs-sensor%u",
				 chan->id);
	if (IS_ERR(vc->thread)) {
		int ret = PTR_ERR(vc->thread);

		vc->thread = NULL;
		tcs_virt_engine_reset(vc);
		vfree(vc->frame);
		vc->frame = NULL;
		return ret;
	}
	return 0;
}

/**
 * tcs_virt_sensor_stop() - stop producing frames
 * @vc: the channel.
 *
 * When this returns the thread has exited: no frame is in flight, and the
 * engine holds no buffer.
 */
void tcs_virt_sensor_stop(struct tcs_virt_chan *vc)
{
	if (vc->thread) {
		kthread_stop(vc->thread);
		vc->thread = NULL;
	}
	tcs_virt_engine_forget(vc);
	vfree(vc->frame);
	vc->frame = NULL;
}

/**
 * tcs_virt_sensor_init() - allocate the pattern generator of a channel
 * @vc: the channel.
 *
 * Return: 0 or a negative error code.
 */
int tcs_virt_sensor_init(struct tcs_virt_chan *vc)
{
	unsigned int i;

	for (i = 0; i < TCS_RAMP_LEN; i++)
		tcs_ramp[i] = i & 0xff;

	tpg_init(&vc->tpg, 1920, 1080);
	return tpg_alloc(&vc->tpg, TCS_VIRT_MAX_WIDTH);
}

/**
 * tcs_virt_sensor_cleanup() - free the pattern generator of a channel
 * @vc: the channel, not streaming.
 */
void tcs_virt_sensor_cleanup(struct tcs_virt_chan *vc)
{
	tpg_free(&vc->tpg);
}
