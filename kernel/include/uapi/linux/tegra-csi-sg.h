/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR LGPL-2.1-or-later) */
/*
 * tegra-csi-sg: user-visible interface of the tegra-csi-sg capture driver.
 *
 * Shared by the driver (kernel/), its tests (tests/kernel/) and the
 * GStreamer element's tests (tests/gst/). Everything here is ABI: change it
 * only together with all three.
 */
#ifndef _UAPI_LINUX_TEGRA_CSI_SG_H
#define _UAPI_LINUX_TEGRA_CSI_SG_H

#include <linux/types.h>
#include <linux/v4l2-controls.h>

/** TEGRA_CSI_SG_DRIVER_NAME - V4L2 driver name (VIDIOC_QUERYCAP .driver). */
#define TEGRA_CSI_SG_DRIVER_NAME "tegra-csi-sg"

/*
 * Private controls (V4L2 spec "User Controls"; driver-private range, like
 * vivid's VIVID_CID_CUSTOM_BASE). v4l2-ctl spells them in lower case with
 * underscores: drop_next_frames, error_next_buffers, stall_sensor, disconnect,
 * dma_start_alignment.
 */
#define TEGRA_CSI_SG_CID_BASE		(V4L2_CID_USER_BASE | 0xe000)
/*
 * "Drop Next Frames", integer 0..1000, volatile: the sensor produces the
 * next N frames but the engine completes no buffer for them; the per-channel
 * sequence number still advances, so the application sees a gap.
 * Reads back the number of drops still pending.
 */
#define TEGRA_CSI_SG_CID_DROP_FRAMES	(TEGRA_CSI_SG_CID_BASE + 0)
/*
 * "Error Next Buffers", integer 0..1000: the next N buffers are completed
 * with VB2_BUF_STATE_ERROR (V4L2_BUF_FLAG_ERROR set at DQBUF), content
 * undefined. Reads back the number still pending.
 */
#define TEGRA_CSI_SG_CID_ERROR_FRAMES	(TEGRA_CSI_SG_CID_BASE + 1)
/*
 * "Stall Sensor", boolean: while 1 the sensor produces no frames at all
 * (no buffer completes, the sequence does not advance). Setting 0 resumes.
 */
#define TEGRA_CSI_SG_CID_STALL		(TEGRA_CSI_SG_CID_BASE + 2)
/*
 * "Disconnect", button: simulates the camera being unplugged. The queue is
 * marked in error (vb2_queue_error()): poll() returns EPOLLERR, QBUF/DQBUF
 * fail with EIO until the device is closed and streaming restarted.
 */
#define TEGRA_CSI_SG_CID_DISCONNECT	(TEGRA_CSI_SG_CID_BASE + 3)
/*
 * "DMA Start Alignment", integer 1..4096, read-only (setting it fails with
 * EACCES): the alignment in bytes the DMA engine needs for the first byte
 * of a plane, 1 when it has none. USERPTR buffers must start at a multiple
 * of it: VIDIOC_QBUF and VIDIOC_PREPARE_BUF refuse a plane that reaches the
 * engine misaligned with EINVAL. Present on every channel whatever the
 * backend; 8 for the virtual one (Tegra210 VI-like). Read it with
 * VIDIOC_G_CTRL or VIDIOC_G_EXT_CTRLS.
 */
#define TEGRA_CSI_SG_CID_DMA_ALIGN	(TEGRA_CSI_SG_CID_BASE + 4)

/*
 * "Fail Next Programs", integer 0..1000, volatile (virtual backend): the
 * engine refuses to be programmed with the next N buffers; each completes
 * at once with V4L2_BUF_FLAG_ERROR and no frame (its sequence number is 0
 * and takes none from the sensor). Counted in program_failures.
 */
#define TEGRA_CSI_SG_CID_FAIL_PROGRAM	(TEGRA_CSI_SG_CID_BASE + 5)
/*
 * "Reset Engine", button (virtual backend): at its next frame the engine
 * resets, as Tegra210 VI after a hung frame: it gives back the buffers it
 * was programmed with (counted in buffers_returned), that frame is lost
 * (a sequence gap, counted in frames_dropped), and the same buffers are
 * programmed again in the order they were queued. No buffer is lost or
 * reordered.
 */
#define TEGRA_CSI_SG_CID_RESET		(TEGRA_CSI_SG_CID_BASE + 6)
/*
 * "Failed Frames Retried", integer 0..10000, default 5 (Tegra210 backend,
 * as mainline tegra-video's syncpt_timeout_retry): how many failed frames
 * in a row (a frame start or memory write that times out after 200 ms, or
 * a frame with CSI errors) the backend survives by resetting the channel
 * and trying again. One more fails the queue: VIDIOC_DQBUF and VIDIOC_QBUF
 * then fail with EIO and poll() reports EPOLLERR until streaming restarts.
 * Every failed frame is logged with the CSI and VI status registers, the
 * pixel parser's bits by name (docs/jetson.md, "Errors").
 */
#define TEGRA_CSI_SG_CID_TIMEOUT_RETRY	(TEGRA_CSI_SG_CID_BASE + 7)

/*
 * V4L2_CID_TEST_PATTERN menu. Index 0 is the counter pattern below, which
 * tests verify byte for byte; the others come from the kernel's v4l2-tpg.
 */
#define TEGRA_CSI_SG_PATTERN_COUNTER	0	/* "Line/Sequence Counter" */
#define TEGRA_CSI_SG_PATTERN_COLORBAR	1	/* "75% Colorbar" (v4l2-tpg) */

/**
 * tegra_csi_sg_counter_byte() - expected byte of the counter test pattern
 * @seq:  V4L2 sequence number of the frame (struct v4l2_buffer.sequence)
 * @line: line index, 0 .. (sum of the planes' sizeimage) / bytesperline - 1
 * @col:  byte offset inside the line, 0 .. bytesperline - 1
 *
 * The counter pattern fills every byte of the frame, padding included:
 * the frame is taken as lines of bytesperline bytes (the bytesperline of
 * plane 0), the lines of every surface and plane numbered one after the
 * other (NV16: the chroma lines follow the luma lines; NV16M: plane 1's
 * first line is line height). Bytes 0..3 of each line hold @seq and bytes
 * 4..7 hold @line, both little-endian 32-bit; every later byte is
 * (@seq + @line + @col) & 0xff. Exposure and gain do not change this
 * pattern.
 *
 * Return: the byte the engine writes at that position.
 */
static inline __u8 tegra_csi_sg_counter_byte(__u32 seq, __u32 line, __u32 col)
{
	if (col < 4)
		return (__u8)(seq >> (8 * col));
	if (col < 8)
		return (__u8)(line >> (8 * (col - 4)));
	return (__u8)(seq + line + col);
}

/*
 * Sequence numbers (struct v4l2_buffer.sequence) count, from 0 at every
 * STREAMON, the frames the sensor produced: a frame lost for lack of a
 * queued buffer, or dropped by TEGRA_CSI_SG_CID_DROP_FRAMES, takes its
 * number too, so every drop shows as a gap. A stalled sensor produces no
 * frames and takes no numbers.
 *
 * debugfs (root only): /sys/kernel/debug/tegra-csi-sg/<device>/<channel>/stats,
 * one folder per driver instance named after its device (the virtual
 * backend's: tegra-csi-sg-virt, tegra-csi-sg-virt.1), one "name value" pair
 * per line, counters since the channel was created (64-bit decimal):
 *   frames_produced      frames the sensor produced (including dropped)
 *   frames_dropped       frames lost for lack of a queued buffer (each
 *                        leaves a sequence gap of one)
 *   frames_injected_drop frames dropped by TEGRA_CSI_SG_CID_DROP_FRAMES
 *                        (each leaves a sequence gap of one)
 *   descriptors_written  (address, length) descriptors handed to the engine
 *   iommu_map            iommu_map calls on the driver's domain
 *   iommu_unmap          iommu_unmap calls on the driver's domain
 *   userptr_pins         USERPTR buffers pinned (vb2 get_userptr)
 *   dmabuf_attach        dma-buf attachments made (vb2 attach_dmabuf)
 *   dmabuf_map           dma-buf attachment mappings (vb2 map_dmabuf)
 *   userptr_unpins       USERPTR buffers unpinned (vb2 put_userptr)
 *   dmabuf_detach        dma-buf attachments dropped (vb2 detach_dmabuf)
 *   dmabuf_unmap         dma-buf attachment mappings dropped (vb2
 *                        unmap_dmabuf)
 *   iova_ranges_mapped   planes mapped into the driver's IOMMU domain
 *   iova_ranges_unmapped such mappings removed
 *   userptr_pages        USERPTR pages pinned now (a level: 0 when no
 *                        USERPTR buffer exists)
 *   buffers_returned     buffers the engine gave back unprogrammed (reset)
 *   program_failures     buffers the engine could not be programmed with
 *   timeouts             frames whose start or memory write did not come
 *                        in time (Tegra210: 200 ms syncpoint waits)
 *   engine_resets        resets of the channel's engine after a failed
 *                        frame (Tegra210: VI soft reset and CSI recovery;
 *                        virtual: TEGRA_CSI_SG_CID_RESET)
 * Once every buffer of a channel is freed (every file handle closed),
 * userptr_unpins, dmabuf_detach, dmabuf_unmap and iova_ranges_unmapped each
 * equal their partners userptr_pins, dmabuf_attach, dmabuf_map and
 * iova_ranges_mapped (tests/vm/run checks this at the end of every run).
 * New counters are only ever appended.
 */

/*
 * Application memory as a dma-buf: VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR on any
 * of the driver's video nodes exports the calling process's own memory
 * [addr, addr + length), any byte alignment, as a new dma-buf that every
 * importer (this driver's io-mode DMABUF, an encoder, a display) can map,
 * and that mmap() maps to the very same pages. The dma-buf covers the whole
 * pages of the range; @offset is where addr lies in its first page.
 *
 * The pages are pinned (FOLL_LONGTERM) from the ioctl until the dma-buf's
 * last reference drops, and counted as the caller's pinned memory (VmPin in
 * /proc/PID/status), bounded by its RLIMIT_MEMLOCK unless it has
 * CAP_IPC_LOCK. Unmapping the range while the dma-buf lives is safe: the
 * pages stay with the dma-buf, and go back when it is released. Freeing is
 * safe only when free() unmaps (glibc: blocks served by mmap); heap memory
 * that free() keeps mapped would be handed out again by malloc() while the
 * dma-buf still uses its pages. CPU access
 * through the application's pointer must be bracketed by
 * DMA_BUF_IOCTL_SYNC on the fd, as for any dma-buf.
 *
 * Errors: EINVAL (nonzero reserved field, flags other than O_CLOEXEC, zero
 * length), E2BIG (length over TEGRA_CSI_SG_EXPORT_MAX_BYTES), EOVERFLOW
 * (the range wraps or leaves user space), EFAULT (not all of the range is
 * mapped), EOPNOTSUPP (VM_IO or VM_PFNMAP memory, such as another device's
 * mmap), EACCES (a mapping without write permission), ENOMEM (over
 * RLIMIT_MEMLOCK without CAP_IPC_LOCK, or out of memory).
 *
 * debugfs (root only): /sys/kernel/debug/tegra-csi-sg/exports, module-wide
 * ("name value" lines): exports (dma-bufs made), releases (dma-bufs whose
 * last reference dropped), pinned_pages (pages pinned now: 0 when no export
 * lives; tests/vm/run checks this at the end of every run).
 */
/** TEGRA_CSI_SG_EXPORT_MAX_BYTES - the largest range one export takes (256 MiB). */
#define TEGRA_CSI_SG_EXPORT_MAX_BYTES	(256ULL << 20)

/**
 * struct tegra_csi_sg_export_userptr - VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR
 * @addr: in: the first byte of the range, in the caller's address space.
 * @length: in: its length in bytes, 1..TEGRA_CSI_SG_EXPORT_MAX_BYTES.
 * @flags: in: 0 or O_CLOEXEC, for the new file descriptor.
 * @fd: out: the dma-buf's file descriptor (read-write).
 * @offset: out: @addr's offset in the dma-buf (in its first page).
 * @reserved: must be 0.
 */
struct tegra_csi_sg_export_userptr {
	__u64 addr;
	__u64 length;
	__u32 flags;
	__s32 fd;
	__u32 offset;
	__u32 reserved[5];
};

/* BASE_VIDIOC_PRIVATE (192) of <linux/videodev2.h>, the drivers' range */
#define VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR \
	_IOWR('V', 192 + 0, struct tegra_csi_sg_export_userptr)

#endif /* _UAPI_LINUX_TEGRA_CSI_SG_H */
