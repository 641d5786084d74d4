/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: the interface between the capture core and a DMA engine
 * backend. The core (module tegra-csi-sg) owns the V4L2 side: video nodes,
 * vb2 queues, formats, buffer memory and its DMA description. A backend (the
 * Tegra210 VI one in this module, the virtual one in tegra-csi-sg-virt)
 * owns the engine: it creates a device with tcs_device_create(), adds its
 * channels (now or later) with tcs_device_add_channel(), pulls buffers from
 * the core, programs them and reports them done.
 *
 * Who may sleep where, who owns a buffer when: docs/driver.md, "The backend
 * interface".
 */
#ifndef TCS_BACKEND_H
#define TCS_BACKEND_H

#include <linux/types.h>
#include <linux/videodev2.h>
#include <media/videobuf2-core.h>

struct device;
struct tcs_device;
struct tcs_channel;
struct tcs_buffer;

/**
 * enum tcs_dma_mode - how the engine reaches a plane
 * @TCS_DMA_SG: the engine walks a descriptor list of (bus address, length)
 *	pairs built from the plane's DMA-mapped scatter-gather table.
 * @TCS_DMA_IOMMU: the engine sees one contiguous I/O virtual address range
 *	per plane, mapped by the core in an IOMMU domain it owns, to which the
 *	backend's IOMMU master is attached (Tegra210 VI behind the SMMU).
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
 * @dma_dev: the device buffers are allocated and DMA-mapped for (vb2's
 *	device). Its DMA API must be direct (no IOMMU translation): in sg and
 *	contig modes its bus addresses are what the engine emits; in iommu
 *	mode its mapping serves CPU cache maintenance only and the core maps
 *	the pages behind it into its own domain.
 * @dma_bits: width of the bus addresses the path from the engine to memory
 *	can carry, 32 to 64: the DMA mask the core sets on @dma_dev. Memory
 *	above it is never used for MMAP buffers (they come from ZONE_DMA32
 *	when the limit is 32 bits and memory reaches beyond it).
 * @iommu_master: iommu mode: the device that emits the engine's
 *	transactions, attached to the core's domain; alone in its IOMMU
 *	group. Its DMA mask is set to @iova_bits. NULL in the other modes.
 * @iova_bits: iommu mode: width of the I/O virtual addresses the engine
 *	emits, 20 to 64.
 * @iova_base: iommu mode: lowest IOVA to use (page aligned); 0 for the
 *	default, 256 MiB (Tegra210 keeps the first 256 MiB of IOVA space for
 *	other clients).
 * @iova_size: iommu mode: bytes of IOVA space for the whole device from
 *	@iova_base (0: up to the end of the @iova_bits space). It is split
 *	evenly between TCS_MAX_CHANNELS channels: each has its own budget.
 * @start_align: alignment in bytes the engine needs for the first byte of a
 *	surface (a power of two, at most 4096; 0 or 1: none). USERPTR planes
 *	that start elsewhere are refused. Userspace reads it from the
 *	read-only control TEGRA_CSI_SG_CID_DMA_ALIGN.
 * @max_seg_size: longest single descriptor, in bytes: a non-zero multiple
 *	of PAGE_SIZE; longer segments are split (also the segment limit of
 *	@dma_dev).
 * @max_descs: capacity of the engine's descriptor list per plane
 *	(%TCS_DMA_SG only, at least 1).
 * @contig_userptr: %TCS_DMA_CONTIG only: offer V4L2_MEMORY_USERPTR, whose
 *	planes are then accepted only where they happen to be physically
 *	contiguous (hugetlbfs, CMA-backed mappings). False: a contig engine
 *	offers MMAP and DMABUF only and VIDIOC_REQBUFS for USERPTR fails with
 *	EINVAL, which is what applications and v4l2-compliance expect of an
 *	engine that cannot reach ordinary malloc() memory (mainline
 *	tegra-video offers no USERPTR either). Ignored in the other modes,
 *	which always offer USERPTR.
 *
 * tcs_device_create() refuses constraints outside these ranges with
 * -EINVAL and a message naming the field.
 */
struct tcs_dma_constraints {
	enum tcs_dma_mode mode;
	struct device *dma_dev;
	unsigned int dma_bits;
	struct device *iommu_master;
	unsigned int iova_bits;
	u64 iova_base;
	u64 iova_size;
	unsigned int start_align;
	unsigned int max_seg_size;
	unsigned int max_descs;
	bool contig_userptr;
};

/**
 * struct tcs_format - a memory format the engine writes
 * @fourcc: V4L2 pixel format; its plane layout (memory planes, component
 *	planes, bytes per pixel, subsampling) comes from v4l2_format_info().
 * @mbus_code: the media bus code the engine takes from the sensor (or its
 *	pattern generator) for this format.
 * @colorspace: V4L2 colorspace reported with the format.
 * @xfer_func: transfer function reported with the format.
 * @ycbcr_enc: Y'CbCr encoding reported with the format.
 * @quantization: quantization range reported with the format.
 * @hw: a value of the backend's own (Tegra210: its IMAGE_DEF format code).
 */
struct tcs_format {
	u32 fourcc;
	u32 mbus_code;
	u8 colorspace;
	u8 xfer_func;
	u8 ycbcr_enc;
	u8 quantization;
	u32 hw;
};

/**
 * struct tcs_channel_caps - what a channel offers, filled by the backend's
 *	&tcs_backend_ops.channel_init
 * @formats: the formats, the first one the default; the table must outlive
 *	the channel.
 * @num_formats: entries in @formats, at least 1.
 * @sizes: frame sizes (the same for every format): min, max and step of
 *	width and height, all non-zero. Ignored when @modes is set.
 * @modes: discrete frame sizes instead (a sensor's modes), or NULL;
 *	VIDIOC_S_FMT picks the one nearest the request. The table must
 *	outlive the channel.
 * @num_modes: entries in @modes.
 * @def_width: default width, within @sizes or one of @modes.
 * @def_height: default height, within @sizes.
 * @intervals: frame intervals offered for every size, shortest first; the
 *	table must outlive the channel.
 * @num_intervals: entries in @intervals, at least 1.
 * @def_interval: index of the default interval in @intervals.
 * @bpl_align: alignment of every line in memory, in bytes (a power of two).
 * @mplane: the node uses the multi-planar API (V4L2_BUF_TYPE_VIDEO_CAPTURE_
 *	MPLANE), so formats with one memory plane per component (NV16M) can
 *	be offered; otherwise the single-planar API and formats with one
 *	memory plane only.
 */
struct tcs_channel_caps {
	const struct tcs_format *formats;
	unsigned int num_formats;
	struct v4l2_frmsize_stepwise sizes;
	const struct v4l2_frmsize_discrete *modes;
	unsigned int num_modes;
	u32 def_width;
	u32 def_height;
	const struct v4l2_fract *intervals;
	unsigned int num_intervals;
	unsigned int def_interval;
	unsigned int bpl_align;
	bool mplane;
};

/**
 * struct tcs_backend_ops - operations a DMA engine backend provides
 * @channel_init: set up per-channel engine and sensor state, fill
 *	&tcs_channel.caps and add the sensor's controls to
 *	&tcs_channel.ctrl_handler. Process context, may sleep.
 * @channel_cleanup: undo @channel_init. Called when the device is
 *	destroyed (unbind), after the channel stopped streaming and lost its
 *	buffers; old file handles may still be open but reach nothing of the
 *	backend. Process context, may sleep.
 * @set_format: optional: the format of the channel is about to become
 *	@fmt (already adjusted to &tcs_channel.caps); the backend may refuse
 *	it (with a sensor: the sensor's pad format is set here). Called with
 *	&tcs_channel.vlock held, never while streaming. May sleep.
 * @start: start the channel's sensor and engine with the current format.
 *	The backend takes buffers with tcs_capture_next_buffer() whenever it
 *	can program one, from now until @stop. On failure it must have given
 *	back (tcs_capture_return_buffer()) every buffer it took. Process
 *	context, &tcs_channel.vlock held, may sleep.
 * @stop: stop the channel. Called after the core stopped handing out
 *	buffers (tcs_capture_next_buffer() returns NULL). When it returns the
 *	engine no longer touches any buffer and the backend calls nothing of
 *	the core for this channel; buffers it still holds are returned to
 *	vb2 with an error by the core. Process context, &tcs_channel.vlock
 *	held, may sleep.
 * @buffer_queued: optional: userspace queued a buffer while streaming.
 *	Process context (vb2's buf_queue) with &tcs_channel.vlock held: may
 *	sleep, but only briefly (a backend typically wakes its capture
 *	thread).
 *
 * The flow of a buffer: userspace queues it (core: queued list); the
 * backend takes it with tcs_capture_next_buffer() (core: active list,
 * owned by the backend), programs it (from thread or process context: it
 * may sleep and may fail) and reports it with tcs_capture_buffer_done()
 * (thread context: vb2's finish does cache maintenance of up to tens of
 * MB), or, if it never programmed it (a reset), gives it back with
 * tcs_capture_return_buffer(), which puts it at the head of the queue. A
 * backend that resets its engine pauses the hand-out first
 * (tcs_capture_pause()) and resumes it afterwards. Only when a reset and
 * retry fail does it call tcs_capture_queue_error(), which fails the queue.
 */
struct tcs_backend_ops {
	int (*channel_init)(struct tcs_channel *chan);
	void (*channel_cleanup)(struct tcs_channel *chan);
	int (*set_format)(struct tcs_channel *chan,
			  const struct v4l2_pix_format_mplane *fmt);
	int (*start)(struct tcs_channel *chan);
	void (*stop)(struct tcs_channel *chan);
	void (*buffer_queued)(struct tcs_channel *chan);
};

/**
 * struct tcs_backend - a backend and its fixed properties
 * @name: name for messages, QUERYCAP's card and the media device model.
 * @ops: the operations.
 * @timestamp_src: V4L2_BUF_FLAG_TSTAMP_SRC_EOF or _SOE: when the engine
 *	takes the timestamp it reports.
 */
struct tcs_backend {
	const char *name;
	const struct tcs_backend_ops *ops;
	u32 timestamp_src;
};

/* The device, for backends (tcs-core.c). */
struct tcs_device *tcs_device_create(struct device *dev,
				     const struct tcs_backend *backend,
				     const struct tcs_dma_constraints *dma,
				     void *priv);
int tcs_device_add_channel(struct tcs_device *tcs, unsigned int id);
void tcs_device_destroy(struct tcs_device *tcs);
void *tcs_device_priv(struct tcs_device *tcs);
struct tcs_channel *tcs_device_channel(struct tcs_device *tcs,
				       unsigned int id);

/* Buffers, for backends (tcs-capture.c). */
struct tcs_buffer *tcs_capture_next_buffer(struct tcs_channel *chan);
void tcs_capture_return_buffer(struct tcs_channel *chan,
			       struct tcs_buffer *buf);
void tcs_capture_buffer_done(struct tcs_channel *chan, struct tcs_buffer *buf,
			     u32 sequence, u64 timestamp_ns,
			     enum vb2_buffer_state state);
void tcs_capture_pause(struct tcs_channel *chan);
void tcs_capture_resume(struct tcs_channel *chan);
void tcs_capture_queue_error(struct tcs_channel *chan);

/* DMA addresses of a buffer, for backends (tcs-dma.c). */
int tcs_buffer_contig_addr(const struct tcs_buffer *buf, unsigned int plane,
			   size_t offset, u64 *addr);

#endif /* TCS_BACKEND_H */
