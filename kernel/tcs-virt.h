/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: the virtual backend (a sensor model and a DMA engine model).
 */
#ifndef TCS_VIRT_H
#define TCS_VIRT_H

#include <linux/atomic.h>
#include <media/tpg/v4l2-tpg.h>

#include "tcs.h"

#define TCS_VIRT_HW_DEPTH	2

/**
 * struct tcs_virt_chan - virtual backend state of one channel
 * @chan: the channel.
 * @hwq: the engine's hardware queue: buffers programmed, oldest first.
 * @hwq_len: entries in @hwq. @hwq and @hwq_len are protected by
 *	&tcs_channel.lock.
 * @thread: the sensor thread while streaming.
 * @tpg: the pattern generator; used by @thread only while streaming.
 * @frame: scratch buffer the sensor renders a frame into.
 * @frame_size: bytes in @frame.
 * @sequence: sequence number of the next frame (sensor thread only).
 * @pattern: V4L2_CID_TEST_PATTERN control.
 * @exposure: V4L2_CID_EXPOSURE control.
 * @gain: V4L2_CID_ANALOGUE_GAIN control.
 * @drop_pending: frames still to drop (drop control).
 * @error_pending: buffers still to complete with an error (error control).
 * @stalled: the stall control is set.
 * @disconnected: the disconnect button was pressed since streaming began.
 * @pattern_idx: test pattern menu index, written by the control.
 * @brightness: tpg brightness derived from exposure and gain.
 */
struct tcs_virt_chan {
	struct tcs_channel *chan;
	struct tcs_buffer *hwq[TCS_VIRT_HW_DEPTH];
	unsigned int hwq_len;
	struct task_struct *thread;
	struct tpg_data tpg;
	u8 *frame;
	size_t frame_size;
	u32 sequence;
	struct v4l2_ctrl *pattern;
	struct v4l2_ctrl *exposure;
	struct v4l2_ctrl *gain;
	atomic_t drop_pending;
	atomic_t error_pending;
	bool stalled;
	bool disconnected;
	u32 pattern_idx;
	u32 brightness;
};

/* tcs-virt.c: the engine model */
struct tcs_buffer *tcs_virt_engine_head(struct tcs_virt_chan *vc);
void tcs_virt_engine_pop(struct tcs_virt_chan *vc);
int tcs_virt_engine_write(struct tcs_virt_chan *vc, struct tcs_buffer *buf,
			  const u8 *src, size_t len);

/* tcs-virt-sensor.c */
int tcs_virt_sensor_init(struct tcs_virt_chan *vc);
void tcs_virt_sensor_cleanup(struct tcs_virt_chan *vc);
int tcs_virt_sensor_start(struct tcs_virt_chan *vc);
void tcs_virt_sensor_stop(struct tcs_virt_chan *vc);

/* tcs-virt-ctrls.c */
int tcs_virt_ctrls_init(struct tcs_virt_chan *vc);

#endif /* TCS_VIRT_H */
