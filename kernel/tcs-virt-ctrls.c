// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-virt: controls of the virtual sensor and fault injection.
 *
 * The control values are only stored here; the sensor thread reads them
 * once per frame.
 */

#include <linux/kernel.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-virt.h"

#define TCS_EXPOSURE_MIN	1
#define TCS_EXPOSURE_MAX	1000
#define TCS_EXPOSURE_DEF	500
#define TCS_GAIN_MIN		16	/* 1.0x, in 1/16 steps */
#define TCS_GAIN_MAX		128	/* 8.0x */
#define TCS_GAIN_DEF		16
#define TCS_FAULT_MAX		1000

/* Counter pattern, then every v4l2-tpg pattern, then NULL. */
static const char *tcs_virt_patterns[TPG_PAT_NOISE + 3];

static struct tcs_virt_chan *ctrl_to_vc(struct v4l2_ctrl *ctrl)
{
	struct tcs_channel *chan = container_of(ctrl->handler,
						struct tcs_channel,
						ctrl_handler);

	return chan->backend_priv;
}

/*
 * Brightness of the tpg patterns: 128 (the tpg default) at the default
 * exposure and unity gain, proportional to exposure times gain.
 */
static void tcs_virt_update_brightness(struct tcs_virt_chan *vc)
{
	u64 b = 128ULL * vc->exposure->val * vc->gain->val;

	b = div_u64(b, TCS_EXPOSURE_DEF * TCS_GAIN_DEF);
	WRITE_ONCE(vc->brightness, min_t(u64, b, 255));
}

static int tcs_virt_g_volatile_ctrl(struct v4l2_ctrl *ctrl)
{
	struct tcs_virt_chan *vc = ctrl_to_vc(ctrl);

	switch (ctrl->id) {
	case TEGRA_CSI_SG_CID_DROP_FRAMES:
		ctrl->val = max(atomic_read(&vc->drop_pending), 0);
		return 0;
	case TEGRA_CSI_SG_CID_ERROR_FRAMES:
		ctrl->val = max(atomic_read(&vc->error_pending), 0);
		return 0;
	case TEGRA_CSI_SG_CID_FAIL_PROGRAM:
		ctrl->val = max(atomic_read(&vc->fail_pending), 0);
		return 0;
	}
	return -EINVAL;
}

static int tcs_virt_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct tcs_virt_chan *vc = ctrl_to_vc(ctrl);
	struct tcs_channel *chan = vc->chan;

	switch (ctrl->id) {
	case V4L2_CID_TEST_PATTERN:
		WRITE_ONCE(vc->pattern_idx, ctrl->val);
		return 0;
	case V4L2_CID_EXPOSURE:
	case V4L2_CID_ANALOGUE_GAIN:
		/* The handler lock is held: ->val of both is current. */
		tcs_virt_update_brightness(vc);
		return 0;
	case TEGRA_CSI_SG_CID_DROP_FRAMES:
		atomic_set(&vc->drop_pending, ctrl->val);
		return 0;
	case TEGRA_CSI_SG_CID_ERROR_FRAMES:
		atomic_set(&vc->error_pending, ctrl->val);
		return 0;
	case TEGRA_CSI_SG_CID_FAIL_PROGRAM:
		atomic_set(&vc->fail_pending, ctrl->val);
		return 0;
	case TEGRA_CSI_SG_CID_RESET:
		/* The sensor thread resets the engine at its next frame. */
		if (vb2_is_streaming(&chan->queue))
			atomic_inc(&vc->reset_pending);
		return 0;
	case TEGRA_CSI_SG_CID_STALL:
		WRITE_ONCE(vc->stalled, ctrl->val);
		return 0;
	case TEGRA_CSI_SG_CID_DISCONNECT:
		/* Unplugging an idle camera changes nothing until streaming. */
		if (!vb2_is_streaming(&chan->queue))
			return 0;
		WRITE_ONCE(vc->disconnected, true);
		tcs_capture_queue_error(chan);
		return 0;
	}
	return -EINVAL;
}

static const struct v4l2_ctrl_ops tcs_virt_ctrl_ops = {
	.g_volatile_ctrl = tcs_virt_g_volatile_ctrl,
	.s_ctrl = tcs_virt_s_ctrl,
};

static const struct v4l2_ctrl_config tcs_virt_ctrl_drop = {
	.ops = &tcs_virt_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_DROP_FRAMES,
	.name = "Drop Next Frames",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.max = TCS_FAULT_MAX,
	.step = 1,
	.flags = V4L2_CTRL_FLAG_VOLATILE | V4L2_CTRL_FLAG_EXECUTE_ON_WRITE,
};

static const struct v4l2_ctrl_config tcs_virt_ctrl_error = {
	.ops = &tcs_virt_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_ERROR_FRAMES,
	.name = "Error Next Buffers",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.max = TCS_FAULT_MAX,
	.step = 1,
	.flags = V4L2_CTRL_FLAG_VOLATILE | V4L2_CTRL_FLAG_EXECUTE_ON_WRITE,
};

static const struct v4l2_ctrl_config tcs_virt_ctrl_fail = {
	.ops = &tcs_virt_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_FAIL_PROGRAM,
	.name = "Fail Next Programs",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.max = TCS_FAULT_MAX,
	.step = 1,
	.flags = V4L2_CTRL_FLAG_VOLATILE | V4L2_CTRL_FLAG_EXECUTE_ON_WRITE,
};

static const struct v4l2_ctrl_config tcs_virt_ctrl_reset = {
	.ops = &tcs_virt_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_RESET,
	.name = "Reset Engine",
	.type = V4L2_CTRL_TYPE_BUTTON,
};

static const struct v4l2_ctrl_config tcs_virt_ctrl_stall = {
	.ops = &tcs_virt_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_STALL,
	.name = "Stall Sensor",
	.type = V4L2_CTRL_TYPE_BOOLEAN,
	.max = 1,
	.step = 1,
};

static const struct v4l2_ctrl_config tcs_virt_ctrl_disconnect = {
	.ops = &tcs_virt_ctrl_ops,
	.id = TEGRA_CSI_SG_CID_DISCONNECT,
	.name = "Disconnect",
	.type = V4L2_CTRL_TYPE_BUTTON,
};

/**
 * tcs_virt_ctrls_init() - add the virtual sensor's controls to a channel
 * @vc: the channel; &tcs_channel.ctrl_handler is initialised.
 *
 * Return: 0 or the handler's error.
 */
int tcs_virt_ctrls_init(struct tcs_virt_chan *vc)
{
	struct v4l2_ctrl_handler *hdl = &vc->chan->ctrl_handler;
	unsigned int i, n = 0;

	if (!tcs_virt_patterns[0]) {
		tcs_virt_patterns[n++] = "Line/Sequence Counter";
		for (i = 0; tpg_pattern_strings[i] &&
		     n < ARRAY_SIZE(tcs_virt_patterns) - 1; i++)
			tcs_virt_patterns[n++] = tpg_pattern_strings[i];
	} else {
		while (tcs_virt_patterns[n])
			n++;
	}

	vc->pattern = v4l2_ctrl_new_std_menu_items(hdl, &tcs_virt_ctrl_ops,
						   V4L2_CID_TEST_PATTERN,
						   n - 1, 0,
						   TEGRA_CSI_SG_PATTERN_COUNTER,
						   tcs_virt_patterns);
	vc->exposure = v4l2_ctrl_new_std(hdl, &tcs_virt_ctrl_ops,
					 V4L2_CID_EXPOSURE, TCS_EXPOSURE_MIN,
					 TCS_EXPOSURE_MAX, 1, TCS_EXPOSURE_DEF);
	vc->gain = v4l2_ctrl_new_std(hdl, &tcs_virt_ctrl_ops,
				     V4L2_CID_ANALOGUE_GAIN, TCS_GAIN_MIN,
				     TCS_GAIN_MAX, 1, TCS_GAIN_DEF);
	v4l2_ctrl_new_custom(hdl, &tcs_virt_ctrl_drop, NULL);
	v4l2_ctrl_new_custom(hdl, &tcs_virt_ctrl_error, NULL);
	v4l2_ctrl_new_custom(hdl, &tcs_virt_ctrl_fail, NULL);
	v4l2_ctrl_new_custom(hdl, &tcs_virt_ctrl_reset, NULL);
	v4l2_ctrl_new_custom(hdl, &tcs_virt_ctrl_stall, NULL);
	v4l2_ctrl_new_custom(hdl, &tcs_virt_ctrl_disconnect, NULL);
	if (hdl->error)
		return hdl->error;

	return v4l2_ctrl_handler_setup(hdl);
}
