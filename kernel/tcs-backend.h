/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: the interface between the capture core and a DMA engine
 * backend (the virtual backend now, Tegra210 VI later).
 */
#ifndef TCS_BACKEND_H
#define TCS_BACKEND_H

#include <linux/types.h>
#include <media/videobuf2-core.h>

struct tcs_device;
struct tcs_channel;
struct tcs_buffer;

/**
 * enum tcs_dma_mode - how the engine reaches a plane
 * @TCS_DMA_SG: the engine walks a descriptor list of (bus address, length)
 *	pairs built from the plane's DMA-mapped scatter-gather table.
 * @TCS_DMA_IOMMU: the engine sees one contiguous I/O virtual address range
 *	per plane, mapped by the driver in an IOMMU domain it owns (Tegra210
 *	VI behind the SMMU).
 * @TCS_DMA_CONTIG: the engine needs one contiguous bus address range per
 *	plane; scattered user or imported memory is refused.
 */
enum tcs_dma_mode {
	TCS_DMA_SG,
	TCS_DMA_IOMMU,
	TCS_DMA_CONTIG,
};

/**
 * struct tcs_dma_constraints - what the engine can address
 * @mode: how planes are described to the engine, see &enum tcs_dma_mode.
 * @addr_bits: width of the addresses the engine emits.
 * @start_align: alignment in bytes the engine needs for the first byte of a
 *	plane (a power of two, at most 4096; 0 or 1: none). USERPTR planes
 *	that start elsewhere are refused. Userspace reads it from the
 *	read-only control TEGRA_CSI_SG_CID_DMA_ALIGN.
 * @max_seg_size: longest single descriptor, in bytes (a multiple of
 *	PAGE_SIZE); longer segments are split.
 * @max_descs: capacity of the engine's descriptor list per plane
 *	(%TCS_DMA_SG only).
 */
struct tcs_dma_constraints {
	enum tcs_dma_mode mode;
	unsigned int addr_bits;
	unsigned int start_align;
	unsigned int max_seg_size;
	unsigned int max_descs;
};

/**
 * struct tcs_backend_ops - operations a DMA engine backend provides
 * @probe: set up the engine for @tcs: fill &tcs_device.dma and
 *	&tcs_device.dma_dev and the number of channels. May sleep.
 * @remove: undo @probe. May sleep.
 * @channel_init: allocate per-channel engine and sensor state and add the
 *	sensor's controls to &tcs_channel.ctrl_handler. May sleep.
 * @channel_cleanup: undo @channel_init. May sleep.
 * @start: start the channel's sensor and engine with the current format.
 *	Buffers are already queued with @queue_buffer. On failure the engine
 *	must have forgotten every buffer it was given. May sleep.
 * @stop: stop the channel. When it returns the engine no longer touches any
 *	buffer it was given and will not call tcs_capture_frame_done() again;
 *	the core returns those buffers to vb2. May sleep.
 * @queue_buffer: program @buf, whose DMA description (&tcs_buffer.dma) is
 *	ready, into the engine's hardware queue. Called with
 *	&tcs_channel.lock held: must not sleep.
 *
 * The core owns the V4L2 side: the video nodes, the vb2 queues and the list of
 * buffers userspace queued. It hands prepared buffers to the engine with
 * @queue_buffer, at most &tcs_backend.hw_queue_depth at a time (Tegra210 VI
 * programs the base address of frame N+1 while frame N is written, so two).
 * The engine reports each finished buffer with tcs_capture_frame_done(), the
 * frame-done callback, from any context that may take a spinlock. A backend
 * that detects a hung frame (on Tegra210 a host1x syncpoint wait timing out)
 * resets the engine and retries the buffer itself; only when that fails does
 * it call tcs_capture_queue_error(), which fails the queue.
 */
struct tcs_backend_ops {
	int (*probe)(struct tcs_device *tcs);
	void (*remove)(struct tcs_device *tcs);
	int (*channel_init)(struct tcs_channel *chan);
	void (*channel_cleanup)(struct tcs_channel *chan);
	int (*start)(struct tcs_channel *chan);
	void (*stop)(struct tcs_channel *chan);
	void (*queue_buffer)(struct tcs_channel *chan, struct tcs_buffer *buf);
};

/**
 * struct tcs_backend - a backend and its fixed properties
 * @name: name for messages and the media device model.
 * @ops: the operations.
 * @hw_queue_depth: how many buffers the engine holds at once.
 * @timestamp_src: V4L2_BUF_FLAG_TSTAMP_SRC_EOF or _SOE: when the engine
 *	takes the timestamp it reports.
 */
struct tcs_backend {
	const char *name;
	const struct tcs_backend_ops *ops;
	unsigned int hw_queue_depth;
	u32 timestamp_src;
};

void tcs_capture_frame_done(struct tcs_channel *chan, struct tcs_buffer *buf,
			    u32 sequence, u64 timestamp_ns,
			    enum vb2_buffer_state state);
void tcs_capture_queue_error(struct tcs_channel *chan);

extern const struct tcs_backend tcs_virt_backend;

#endif /* TCS_BACKEND_H */
