/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg-virt: the virtual backend (a sensor model and a DMA engine
 * model), a module of its own: the hardware module carries no test
 * scaffolding.
 */
#ifndef TCS_VIRT_H
#define TCS_VIRT_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <media/tpg/v4l2-tpg.h>

#include "tcs.h"

/* Buffers the engine holds at once, as Tegra210 VI: frame N+1 is
 * programmed while frame N is written. */
#define TCS_VIRT_HW_DEPTH	2
/* Surfaces of a frame (NV16: luma and chroma). */
#define TCS_VIRT_MAX_SURFACES	TCS_MAX_PLANES

/**
 * struct tcs_virt_surface - one surface the engine writes per frame
 * @plane: the buffer's memory plane it lies in.
 * @offset: its first byte in that plane.
 * @len: bytes (lines times line pitch).
 * @src: where it starts in the rendered frame (all planes one after the
 *	other).
 */
struct tcs_virt_surface {
	unsigned int plane;
	size_t offset;
	size_t len;
	size_t src;
};

/**
 * struct tcs_virt_slot - a buffer programmed into the engine
 * @buf: the buffer.
 * @addr: contig and iommu modes: each surface's start address as the
 *	engine was programmed with it (tcs_buffer_contig_addr()).
 */
struct tcs_virt_slot {
	struct tcs_buffer *buf;
	u64 addr[TCS_VIRT_MAX_SURFACES];
};

/**
 * struct tcs_virt_chan - virtual backend state of one channel
 * @chan: the channel.
 * @hw_lock: protects @hwq and @hwq_len: the engine is programmed from the
 *	sensor thread and from buffer_queued (both may sleep).
 * @hwq: the engine's hardware queue, oldest first.
 * @hwq_len: entries in @hwq.
 * @surfaces: the surfaces of the current format (computed at start).
 * @num_surfaces: entries in @surfaces.
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
 * @fail_pending: buffers still to fail programming (fail control).
 * @reset_pending: an engine reset was requested (reset button).
 * @stalled: the stall control is set.
 * @disconnected: the disconnect button was pressed since streaming began.
 * @pattern_idx: test pattern menu index, written by the control.
 * @brightness: tpg brightness derived from exposure and gain.
 */
struct tcs_virt_chan {
	struct tcs_channel *chan;
	/* Protects the hardware queue. */
	struct mutex hw_lock;
	struct tcs_virt_slot hwq[TCS_VIRT_HW_DEPTH];
	unsigned int hwq_len;
	struct tcs_virt_surface surfaces[TCS_VIRT_MAX_SURFACES];
	unsigned int num_surfaces;
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
	atomic_t fail_pending;
	atomic_t reset_pending;
	bool stalled;
	bool disconnected;
	u32 pattern_idx;
	u32 brightness;
};

/**
 * struct tcs_virt_dev - virtual backend state of a device
 * @pdev: the platform device.
 * @tcs: the driver instance.
 * @edu: iommu mode: the PCI device used as DMA master (reference held).
 * @channels: channels to create.
 * @defer: deferred channel creation (virtual_defer_ms).
 */
struct tcs_virt_dev {
	struct platform_device *pdev;
	struct tcs_device *tcs;
	struct pci_dev *edu;
	unsigned int channels;
	struct delayed_work defer;
};

/* tcs-virt-engine.c: the DMA engine model */
void tcs_virt_engine_fill(struct tcs_virt_chan *vc);
struct tcs_virt_slot *tcs_virt_engine_head(struct tcs_virt_chan *vc);
void tcs_virt_engine_retire(struct tcs_virt_chan *vc);
int tcs_virt_engine_write(struct tcs_virt_chan *vc,
			  const struct tcs_virt_slot *slot, const u8 *frame);
void tcs_virt_engine_reset(struct tcs_virt_chan *vc);
void tcs_virt_engine_forget(struct tcs_virt_chan *vc);
void tcs_virt_engine_layout(struct tcs_virt_chan *vc);

/* tcs-virt-sensor.c */
int tcs_virt_sensor_init(struct tcs_virt_chan *vc);
void tcs_virt_sensor_cleanup(struct tcs_virt_chan *vc);
int tcs_virt_sensor_start(struct tcs_virt_chan *vc);
void tcs_virt_sensor_stop(struct tcs_virt_chan *vc);

/* tcs-virt-ctrls.c */
int tcs_virt_ctrls_init(struct tcs_virt_chan *vc);

#endif /* TCS_VIRT_H */
