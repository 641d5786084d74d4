/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: core data structures shared by the driver's files.
 */
#ifndef TCS_H
#define TCS_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/videodev2.h>
#include <media/media-device.h>
#include <media/v4l2-common.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>
#include <media/videobuf2-v4l2.h>

#include "tcs-backend.h"

#define TCS_DRIVER_NAME		"tegra-csi-sg"
#define TCS_MAX_CHANNELS	6
/* Memory planes of a buffer (NV16M: 2). */
#define TCS_MAX_PLANES		3
/* The largest frame any backend may offer, for CREATE_BUFS bounds. */
#define TCS_MAX_SIZEIMAGE	(64U << 20)

/**
 * struct tcs_stats - per-channel counters shown in debugfs (uapi header)
 * @frames_produced: frames the sensor produced, dropped ones included.
 * @frames_dropped: frames lost because no buffer was queued.
 * @frames_injected_drop: frames dropped on request of the drop control.
 * @descriptors_written: (address, length) descriptors given to the engine.
 * @iommu_map: iommu_map() and iommu_map_sg() calls on the driver's domain.
 * @iommu_unmap: iommu_unmap() calls on the driver's domain.
 * @userptr_pins: USERPTR planes pinned.
 * @dmabuf_attach: dma-buf attachments made.
 * @dmabuf_map: dma-buf attachment mappings made.
 * @userptr_unpins: USERPTR planes unpinned.
 * @dmabuf_detach: dma-buf attachments dropped.
 * @dmabuf_unmap: dma-buf attachment mappings dropped.
 * @iova_ranges_mapped: planes mapped into the driver's IOMMU domain.
 * @iova_ranges_unmapped: such mappings removed.
 * @userptr_pages: USERPTR pages pinned now (a level, not a count).
 * @buffers_returned: buffers the backend gave back unprogrammed.
 * @program_failures: buffers the backend could not program.
 * @timeouts: frames whose start or memory write timed out.
 * @engine_resets: engine resets after a failed frame.
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
	atomic64_t userptr_pages;
	atomic64_t buffers_returned;
	atomic64_t program_failures;
	atomic64_t timeouts;
	atomic64_t engine_resets;
};

/**
 * enum tcs_addr_space - which address space a descriptor points into
 * @TCS_SPACE_BUS: bus (DMA) addresses of &tcs_dma_constraints.dma_dev.
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

/**
 * struct tcs_buf_dma - how the engine reaches one memory plane of a buffer
 * @space: address space of @segs.
 * @segs: the descriptor list (one entry in IOMMU and contiguous modes).
 * @nsegs: number of entries in @segs.
 * @size: bytes described: at least the plane's sizeimage.
 * @iova: iommu mode: page-aligned start of the plane's IOVA range, or 0.
 * @iova_mapped: iommu mode: bytes mapped there, whole pages.
 */
struct tcs_buf_dma {
	enum tcs_addr_space space;
	struct tcs_dma_seg *segs;
	unsigned int nsegs;
	size_t size;
	u64 iova;
	size_t iova_mapped;
};

/**
 * struct tcs_buffer - a capture buffer
 * @vb: the vb2 buffer, first member as vb2 requires.
 * @list: entry in &tcs_channel.queued or &tcs_channel.active.
 * @dma: each memory plane's DMA description, built in buf_init (when vb2
 *	acquired the memory) and dropped in buf_cleanup (before vb2 lets it
 *	go): an imported dma-buf is in the driver's IOMMU domain exactly as
 *	long as vb2 keeps its attachment mapped.
 * @num_planes: planes with a description in @dma.
 */
struct tcs_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
	struct tcs_buf_dma dma[TCS_MAX_PLANES];
	unsigned int num_planes;
};

static inline struct tcs_buffer *to_tcs_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct tcs_buffer, vb);
}

struct tcs_iova_space;

/**
 * struct tcs_channel - one capture channel: a video node and its queue
 * @tcs: the device.
 * @id: channel number, 0-based.
 * @caps: formats, sizes and intervals the backend offers (channel_init).
 * @vdev: the video node.
 * @pad: sink pad of the video node's media entity.
 * @queue: the vb2 queue.
 * @vlock: serialises the ioctls of @vdev, the vb2 queue (its ->lock) and
 *	the format fields. Taken before @lock.
 * @fmt: current format (the single-planar API shows plane 0 of it).
 * @tfmt: format table entry for @fmt.
 * @finfo: plane layout of @fmt.
 * @timeperframe: current frame interval.
 * @lock: protects @queued, @active, @streaming and @paused; taken from the
 *	backend's contexts, so never sleep under it.
 * @queued: buffers queued by userspace, not yet taken by the backend.
 * @active: buffers the backend took and has not reported done.
 * @streaming: the backend may take buffers (between start and stop).
 * @paused: tcs_capture_pause() is in effect: no buffer is handed out.
 * @ctrl_handler: controls of the node (the DMA start alignment, the
 *	sensor's and fault injection).
 * @iova: iommu mode: the channel's own IOVA space (its budget).
 * @stats: debugfs counters.
 * @debugfs: the channel's debugfs directory.
 * @registered: the video node was registered.
 * @backend_priv: backend state for this channel.
 */
struct tcs_channel {
	struct tcs_device *tcs;
	unsigned int id;
	struct tcs_channel_caps caps;
	struct video_device vdev;
	struct media_pad pad;
	struct vb2_queue queue;
	/* Serialises ioctls, the vb2 queue and the format. */
	struct mutex vlock;
	struct v4l2_pix_format_mplane fmt;
	const struct tcs_format *tfmt;
	const struct v4l2_format_info *finfo;
	struct v4l2_fract timeperframe;
	/* Protects the buffer lists, streaming and paused. */
	spinlock_t lock;
	struct list_head queued;
	struct list_head active;
	bool streaming;
	bool paused;
	struct v4l2_ctrl_handler ctrl_handler;
	struct tcs_iova_space *iova;
	struct tcs_stats stats;
	struct dentry *debugfs;
	bool registered;
	void *backend_priv;
};

struct tcs_iommu;

/**
 * struct tcs_device - the driver instance
 * @dev: the device the backend created it for.
 * @instance: number of the instance among the module's live ones, from 0:
 *	the video nodes of instance 0 are "tegra-csi-sg chN", those of
 *	instance K "tegra-csi-sg.K chN".
 * @v4l2_dev: the V4L2 device; its release (last file handle closed after
 *	tcs_device_destroy()) frees this structure and its channels.
 * @mdev: the media device.
 * @backend: the DMA engine backend.
 * @dma: the engine's DMA constraints.
 * @iommu: iommu mode: the driver's domain.
 * @lock: serialises tcs_device_add_channel() against
 *	tcs_device_destroy(); protects @chans and @gone.
 * @chans: the channels, by id.
 * @gone: tcs_device_destroy() ran: no channel can be added.
 * @debugfs: the device's debugfs directory, named after @dev.
 * @priv: backend state.
 */
struct tcs_device {
	struct device *dev;
	int instance;
	struct v4l2_device v4l2_dev;
	struct media_device mdev;
	const struct tcs_backend *backend;
	struct tcs_dma_constraints dma;
	struct tcs_iommu *iommu;
	/* Serialises channel creation and destruction. */
	struct mutex lock;
	struct tcs_channel *chans[TCS_MAX_CHANNELS];
	bool gone;
	struct dentry *debugfs;
	void *priv;
};

/* tcs-formats.c */
const struct tcs_format *tcs_format_find(const struct tcs_channel *chan,
					 u32 fourcc);
const struct tcs_format *tcs_format_fill(const struct tcs_channel *chan,
					 struct v4l2_pix_format_mplane *pix,
					 const struct v4l2_format_info **info);
int tcs_format_enum_sizes(const struct tcs_channel *chan,
			  struct v4l2_frmsizeenum *fsize);
int tcs_format_enum_intervals(const struct tcs_channel *chan,
			      struct v4l2_frmivalenum *fival);
void tcs_format_snap_interval(const struct tcs_channel *chan,
			      struct v4l2_fract *tpf);
int tcs_format_check_caps(struct tcs_channel *chan);
void tcs_format_to_single(const struct v4l2_pix_format_mplane *mp,
			  struct v4l2_pix_format *pix);
void tcs_format_from_single(const struct v4l2_pix_format *pix,
			    struct v4l2_pix_format_mplane *mp);

/* tcs-capture.c */
int tcs_capture_ctrls_init(struct tcs_channel *chan);
int tcs_capture_register(struct tcs_channel *chan);
void tcs_capture_unregister(struct tcs_channel *chan);

/* tcs-mem.c */
extern const struct vb2_mem_ops tcs_mem_ops;
gfp_t tcs_mem_gfp_zone(struct device *dma_dev);
struct sg_table *tcs_mem_sgt(struct vb2_buffer *vb, unsigned int plane);
void tcs_mem_orphan_all(struct tcs_device *tcs);

/* tcs-dma.c */
int tcs_dma_check_constraints(struct tcs_device *tcs);
int tcs_dma_setup(struct tcs_device *tcs);
void tcs_dma_teardown(struct tcs_device *tcs);
int tcs_dma_channel_init(struct tcs_channel *chan);
void tcs_dma_channel_cleanup(struct tcs_channel *chan);
phys_addr_t tcs_iommu_iova_to_phys(struct tcs_device *tcs, u64 iova);
int tcs_dma_buf_init(struct tcs_channel *chan, struct tcs_buffer *buf);
int tcs_dma_map_shared(struct device *dev, struct sg_table *sgt, enum dma_data_direction dir);
unsigned int tcs_mem_max_seg(struct device *dev);
void tcs_dma_buf_cleanup(struct tcs_channel *chan, struct tcs_buffer *buf);

/* tcs-debugfs.c */
void tcs_debugfs_init(struct tcs_device *tcs);
void tcs_debugfs_add_channel(struct tcs_channel *chan);
void tcs_debugfs_cleanup(struct tcs_device *tcs);
void tcs_debugfs_module_init(void);
void tcs_debugfs_module_exit(void);

/* tcs-export.c: application memory as a dma-buf */
struct tegra_csi_sg_export_userptr;
long tcs_export_userptr(struct tcs_channel *chan, struct tegra_csi_sg_export_userptr *arg);
struct dma_buf;
size_t tcs_export_offset(struct dma_buf *dmabuf);
extern atomic64_t tcs_exports_made, tcs_exports_released, tcs_exports_pinned_pages;

#endif /* TCS_H */
