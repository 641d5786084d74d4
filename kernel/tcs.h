/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: core data structures shared by the driver's files.
 */
#ifndef TCS_H
#define TCS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/videodev2.h>
#include <media/media-device.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>
#include <media/videobuf2-v4l2.h>

#include "tcs-backend.h"

#define TCS_DRIVER_NAME		"tegra-csi-sg"
#define TCS_MAX_CHANNELS	6
#define TCS_VIRT_DEVICE_NAME	"tegra-csi-sg-virt"

#define TCS_MIN_WIDTH		32
#define TCS_MAX_WIDTH		3840
#define TCS_MIN_HEIGHT		32
#define TCS_MAX_HEIGHT		2160
#define TCS_SIZE_STEP		2
#define TCS_BPL_ALIGN		64
#define TCS_MAX_BPP		4
#define TCS_MAX_SIZEIMAGE	(ALIGN(TCS_MAX_WIDTH * TCS_MAX_BPP, TCS_BPL_ALIGN) * \
				 TCS_MAX_HEIGHT)
#define TCS_DEF_WIDTH		1920
#define TCS_DEF_HEIGHT		1080

/**
 * struct tcs_stats - per-channel counters shown in debugfs
 * @frames_produced: frames the sensor produced, dropped ones included.
 * @frames_dropped: frames lost because no buffer was queued.
 * @frames_injected_drop: frames dropped on request of the drop control.
 * @descriptors_written: (address, length) descriptors given to the engine.
 * @iommu_map: iommu_map() calls on the driver's domain.
 * @iommu_unmap: iommu_unmap() calls on the driver's domain.
 * @userptr_pins: USERPTR planes pinned.
 * @dmabuf_attach: dma-buf attachments made.
 * @dmabuf_map: dma-buf attachment mappings made.
 * @userptr_unpins: USERPTR planes unpinned.
 * @dmabuf_detach: dma-buf attachments dropped.
 * @dmabuf_unmap: dma-buf attachment mappings dropped.
 * @iova_ranges_mapped: planes mapped into the driver's IOMMU domain.
 * @iova_ranges_unmapped: such mappings removed.
 *
 * When every buffer is freed (all file handles closed), each count of the
 * second group equals its partner in the first: the test runner checks
 * this before it unloads the driver.
 */
struct tcs_stats {
	atomic64_t frames_produced;
	atomic64_t frames_dropped;
	atomic64_t frames_injected_drop;
	atomic64_t descriptors_written;
	atomic64_t iommu_map;
	atomic64_t iommu_unmap;
	atomic64_t userptr_pins;
	atomic64_t dmabuf_attach;
	atomic64_t dmabuf_map;
	atomic64_t userptr_unpins;
	atomic64_t dmabuf_detach;
	atomic64_t dmabuf_unmap;
	atomic64_t iova_ranges_mapped;
	atomic64_t iova_ranges_unmapped;
};

/**
 * struct tcs_format - a pixel format as Tegra210 VI writes it to memory
 * @fourcc: V4L2 pixel format.
 * @bpp: bytes per pixel in memory (10 and 12 bit Bayer use 16-bit containers).
 * @colorspace: V4L2 colorspace reported with the format.
 * @xfer_func: transfer function reported with the format.
 * @ycbcr_enc: Y'CbCr encoding reported with the format.
 * @quantization: quantization range reported with the format.
 */
struct tcs_format {
	u32 fourcc;
	u8 bpp;
	u8 colorspace;
	u8 xfer_func;
	u8 ycbcr_enc;
	u8 quantization;
};

/**
 * enum tcs_addr_space - which address space a descriptor points into
 * @TCS_SPACE_BUS: bus (DMA) addresses of &tcs_device.dma_dev.
 * @TCS_SPACE_IOVA: addresses in the driver's own IOMMU domain.
 */
enum tcs_addr_space {
	TCS_SPACE_BUS,
	TCS_SPACE_IOVA,
};

/**
 * struct tcs_dma_seg - one engine descriptor
 * @addr: start address, in the space of &tcs_buf_dma.space.
 * @len: length in bytes.
 */
struct tcs_dma_seg {
	u64 addr;
	u32 len;
};

struct tcs_iova_map;

/**
 * struct tcs_buf_dma - how the engine reaches one buffer's plane
 * @space: address space of @segs.
 * @segs: the descriptor list (one entry in IOMMU and contiguous modes).
 * @nsegs: number of entries in @segs.
 * @size: bytes described, the plane length.
 * @map: IOMMU mode: the cached IOVA mapping this description uses.
 * @valid: the description has been built by buf_init.
 */
struct tcs_buf_dma {
	enum tcs_addr_space space;
	struct tcs_dma_seg *segs;
	unsigned int nsegs;
	size_t size;
	struct tcs_iova_map *map;
	bool valid;
};

/**
 * struct tcs_buffer - a capture buffer
 * @vb: the vb2 buffer, first member as vb2 requires.
 * @list: entry in &tcs_channel.queued or &tcs_channel.active.
 * @dma: the plane's DMA description, built once in buf_init.
 */
struct tcs_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
	struct tcs_buf_dma dma;
};

static inline struct tcs_buffer *to_tcs_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct tcs_buffer, vb);
}

/**
 * struct tcs_channel - one capture channel: a video node and its queue
 * @tcs: the device.
 * @id: channel number, 0-based.
 * @vdev: the video node.
 * @pad: sink pad of the video node's media entity.
 * @queue: the vb2 queue.
 * @vlock: serialises the ioctls of @vdev, the vb2 queue (its ->lock), the
 *	format fields and the IOVA cache. Taken before @lock.
 * @fmt: current format.
 * @tfmt: format table entry for @fmt.
 * @timeperframe: current frame interval.
 * @lock: protects @queued, @active, @in_hw and @streaming; taken in the
 *	engine's completion path, so never sleep under it.
 * @queued: buffers queued by userspace, not yet given to the engine.
 * @active: buffers given to the engine.
 * @in_hw: number of buffers on @active.
 * @streaming: the engine may be given buffers.
 * @ctrl_handler: controls of the node (the DMA start alignment, the
 *	sensor's and fault injection).
 * @iova_cache: IOMMU mode: cached per-dma-buf IOVA mappings (under @vlock).
 * @iova_cache_len: entries on @iova_cache.
 * @dma_users: buffers that currently hold a DMA description (under @vlock).
 * @stats: debugfs counters.
 * @debugfs: the channel's debugfs directory.
 * @backend_priv: backend state for this channel.
 */
struct tcs_channel {
	struct tcs_device *tcs;
	unsigned int id;
	struct video_device vdev;
	struct media_pad pad;
	struct vb2_queue queue;
	/* Serialises ioctls, the vb2 queue, the format and the IOVA cache. */
	struct mutex vlock;
	struct v4l2_pix_format fmt;
	const struct tcs_format *tfmt;
	struct v4l2_fract timeperframe;
	/* Protects the buffer lists, in_hw and streaming. */
	spinlock_t lock;
	struct list_head queued;
	struct list_head active;
	unsigned int in_hw;
	bool streaming;
	struct v4l2_ctrl_handler ctrl_handler;
	struct list_head iova_cache;
	unsigned int iova_cache_len;
	unsigned int dma_users;
	struct tcs_stats stats;
	struct dentry *debugfs;
	void *backend_priv;
};

struct tcs_iommu;

/**
 * struct tcs_device - the driver instance
 * @dev: the platform device.
 * @v4l2_dev: the V4L2 device; its release frees this structure.
 * @mdev: the media device.
 * @backend: the DMA engine backend.
 * @dma: the engine's DMA constraints (set by the backend's probe).
 * @dma_dev: the device buffers are DMA-mapped for (set by the backend).
 * @iommu: IOMMU mode: the driver's domain and IOVA allocator.
 * @num_channels: number of channels (set by the backend's probe).
 * @chans: the channels.
 * @debugfs: the device's debugfs directory.
 * @backend_priv: backend state.
 */
struct tcs_device {
	struct device *dev;
	struct v4l2_device v4l2_dev;
	struct media_device mdev;
	const struct tcs_backend *backend;
	struct tcs_dma_constraints dma;
	struct device *dma_dev;
	struct tcs_iommu *iommu;
	unsigned int num_channels;
	struct tcs_channel *chans[TCS_MAX_CHANNELS];
	struct dentry *debugfs;
	void *backend_priv;
};

/* tcs-formats.c */
extern const struct tcs_format tcs_formats[];
extern const unsigned int tcs_num_formats;
const struct tcs_format *tcs_format_find(u32 fourcc);
void tcs_format_fill(struct v4l2_pix_format *pix, const struct tcs_format **tfmt);
int tcs_format_enum_sizes(struct v4l2_frmsizeenum *fsize);
int tcs_format_enum_intervals(struct v4l2_frmivalenum *fival);
void tcs_format_snap_interval(struct v4l2_fract *tpf);

/* tcs-capture.c */
int tcs_capture_ctrls_init(struct tcs_channel *chan);
int tcs_capture_register(struct tcs_channel *chan);
void tcs_capture_unregister(struct tcs_channel *chan);

/* tcs-mem.c */
extern const struct vb2_mem_ops tcs_mem_ops;
struct sg_table *tcs_mem_sgt(struct vb2_buffer *vb, unsigned int plane);

/* tcs-dma.c */
int tcs_iommu_init(struct tcs_device *tcs, struct device *master);
void tcs_iommu_cleanup(struct tcs_device *tcs);
phys_addr_t tcs_iommu_iova_to_phys(struct tcs_device *tcs, u64 iova);
int tcs_dma_buf_init(struct tcs_channel *chan, struct tcs_buffer *buf);
void tcs_dma_buf_cleanup(struct tcs_channel *chan, struct tcs_buffer *buf);

/* tcs-virt.c */
struct platform_device *tcs_virt_device_register(void);

/* tcs-debugfs.c */
void tcs_debugfs_init(struct tcs_device *tcs);
void tcs_debugfs_cleanup(struct tcs_device *tcs);

#endif /* TCS_H */
