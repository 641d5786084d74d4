// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-virt: the DMA engine model.
 *
 * A two-deep hardware queue, programmed (tcs_virt_engine_fill()) whenever a
 * slot is free, from the sensor thread and when userspace queues a buffer.
 * Programming a buffer means what it means on Tegra210 VI: computing each
 * surface's start address (NV16 is two surfaces, luma and chroma, in one
 * plane or two). Writing a frame uses only the buffer's DMA description,
 * like the hardware would: every address is translated the way the bus
 * would (IOVAs through the driver's IOMMU domain with iommu_iova_to_phys(),
 * bus addresses of the platform device directly) and the physical pages
 * are written. It never uses the vb2 CPU mapping. With swiotlb=force the bus
 * addresses are the bounce buffers, and vb2's finish sync copies them back,
 * as for real DMA.
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-virt.h"
#include "tcs-compat.h"

/**
 * tcs_virt_engine_layout() - the surfaces of the current format
 * @vc: the channel, not streaming.
 *
 * One surface per component plane: packed formats have one; NV16 has the
 * luma surface at offset 0 and the chroma surface after it, in plane 0
 * (NV16) or at offset 0 of plane 1 (NV16M).
 */
void tcs_virt_engine_layout(struct tcs_virt_chan *vc)
{
	const struct v4l2_pix_format_mplane *fmt = &vc->chan->fmt;
	const struct v4l2_format_info *fi = vc->chan->finfo;
	size_t offset[TCS_MAX_PLANES] = { 0 }, src = 0;
	unsigned int c, p, n = 0;

	for (p = 0; p < fmt->num_planes; p++) {
		for (c = 0; c < fi->comp_planes; c++) {
			unsigned int cp = min_t(unsigned int, c,
						fmt->num_planes - 1);
			unsigned int lines, bpl;

			if (cp != p)
				continue;
			bpl = c ? fmt->plane_fmt[0].bytesperline * fi->bpp[c] /
				  (fi->bpp[0] * fi->hdiv) :
				  fmt->plane_fmt[0].bytesperline;
			lines = c ? DIV_ROUND_UP(fmt->height, fi->vdiv) :
				    fmt->height;
			vc->surfaces[n].plane = p;
			vc->surfaces[n].offset = offset[p];
			vc->surfaces[n].len = (size_t)bpl * lines;
			vc->surfaces[n].src = src;
			offset[p] += vc->surfaces[n].len;
			src += vc->surfaces[n].len;
			n++;
		}
	}
	vc->num_surfaces = n;
}

/* Program @buf into @slot; 0, or -EIO when the fail control says so. */
static int tcs_virt_engine_program(struct tcs_virt_chan *vc,
				   struct tcs_virt_slot *slot,
				   struct tcs_buffer *buf)
{
	struct tcs_channel *chan = vc->chan;
	unsigned int s;
	int ret;

	if (atomic_dec_if_positive(&vc->fail_pending) >= 0)
		return -EIO;

	slot->buf = buf;
	if (chan->tcs->dma.mode == TCS_DMA_SG)
		return 0;
	for (s = 0; s < vc->num_surfaces; s++) {
		const struct tcs_virt_surface *sf = &vc->surfaces[s];

		ret = tcs_buffer_contig_addr(buf, sf->plane, sf->offset,
					     &slot->addr[s]);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * tcs_virt_engine_fill() - program buffers into the free slots
 * @vc: the channel, streaming.
 *
 * Takes buffers from the core while a slot is free and the core has one.
 * A buffer that cannot be programmed (the fail control) completes at once
 * with an error, taking no sequence number. Process or thread context.
 */
void tcs_virt_engine_fill(struct tcs_virt_chan *vc)
{
	struct tcs_channel *chan = vc->chan;
	struct tcs_buffer *buf;

	mutex_lock(&vc->hw_lock);
	while (vc->hwq_len < TCS_VIRT_HW_DEPTH &&
	       (buf = tcs_capture_next_buffer(chan))) {
		if (tcs_virt_engine_program(vc, &vc->hwq[vc->hwq_len], buf)) {
			atomic64_inc(&chan->stats.program_failures);
			dev_dbg(chan->tcs->dev, "ch%u: buffer %u not programmed\n",
				chan->id, buf->vb.vb2_buf.index);
			tcs_capture_buffer_done(chan, buf, 0, ktime_get_ns(),
						VB2_BUF_STATE_ERROR);
			continue;
		}
		vc->hwq_len++;
	}
	mutex_unlock(&vc->hw_lock);
}

/**
 * tcs_virt_engine_head() - the slot the engine writes the next frame to
 * @vc: the channel.
 *
 * Must be called from the sensor thread, the only one that retires slots.
 *
 * Return: the oldest programmed slot, or NULL when the queue is empty.
 */
struct tcs_virt_slot *tcs_virt_engine_head(struct tcs_virt_chan *vc)
{
	struct tcs_virt_slot *slot;

	mutex_lock(&vc->hw_lock);
	slot = vc->hwq_len ? &vc->hwq[0] : NULL;
	mutex_unlock(&vc->hw_lock);
	return slot;
}

/**
 * tcs_virt_engine_retire() - drop the head slot (its buffer is done)
 * @vc: the channel.
 */
void tcs_virt_engine_retire(struct tcs_virt_chan *vc)
{
	mutex_lock(&vc->hw_lock);
	if (!WARN_ON(!vc->hwq_len)) {
		memmove(&vc->hwq[0], &vc->hwq[1],
			(TCS_VIRT_HW_DEPTH - 1) * sizeof(vc->hwq[0]));
		memset(&vc->hwq[TCS_VIRT_HW_DEPTH - 1], 0, sizeof(vc->hwq[0]));
		vc->hwq_len--;
	}
	mutex_unlock(&vc->hw_lock);
}

/**
 * tcs_virt_engine_reset() - reset the engine, as after a hung frame
 * @vc: the channel, streaming; called from the sensor thread.
 *
 * Pauses the core's hand-out, gives back every programmed buffer (none was
 * written: the engine lost them), and resumes: they are programmed again,
 * in the order userspace queued them.
 */
void tcs_virt_engine_reset(struct tcs_virt_chan *vc)
{
	struct tcs_channel *chan = vc->chan;
	int i;

	atomic64_inc(&chan->stats.engine_resets);
	tcs_capture_pause(chan);
	mutex_lock(&vc->hw_lock);
	for (i = vc->hwq_len - 1; i >= 0; i--)
		tcs_capture_return_buffer(chan, vc->hwq[i].buf);
	memset(vc->hwq, 0, sizeof(vc->hwq));
	vc->hwq_len = 0;
	mutex_unlock(&vc->hw_lock);
	tcs_capture_resume(chan);
}

/**
 * tcs_virt_engine_forget() - empty the hardware queue after stop
 * @vc: the channel; the sensor thread has exited.
 *
 * The core returns the buffers to vb2.
 */
void tcs_virt_engine_forget(struct tcs_virt_chan *vc)
{
	mutex_lock(&vc->hw_lock);
	memset(vc->hwq, 0, sizeof(vc->hwq));
	vc->hwq_len = 0;
	mutex_unlock(&vc->hw_lock);
}

/* What physical address does the engine reach at @addr? */
static phys_addr_t tcs_virt_translate(struct tcs_device *tcs,
				      enum tcs_addr_space space, u64 addr)
{
	if (space == TCS_SPACE_IOVA)
		return tcs_iommu_iova_to_phys(tcs, addr);
	return tcs_bus_to_phys(tcs->dma.dma_dev, addr);
}

/* Write @len bytes at bus or IO virtual address @addr, page by page. */
static int tcs_virt_write(struct tcs_device *tcs, enum tcs_addr_space space,
			  u64 addr, const u8 *src, size_t len)
{
	while (len) {
		phys_addr_t phys = tcs_virt_translate(tcs, space, addr);
		size_t chunk = min_t(size_t, len,
				     PAGE_SIZE - offset_in_page(addr));
		unsigned long pfn = PHYS_PFN(phys);
		void *p;

		/* An unmapped IOVA is a fault, as it would be on the SMMU. */
		if (!phys || !pfn_valid(pfn))
			return -EFAULT;
		if (WARN_ON_ONCE(offset_in_page(phys) != offset_in_page(addr)))
			return -EFAULT;

		p = kmap_local_page(pfn_to_page(pfn));
		memcpy(p + offset_in_page(phys), src, chunk);
		kunmap_local(p);

		addr += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

/* sg mode: write @len bytes from @offset of the plane through its list. */
static int tcs_virt_write_descs(struct tcs_device *tcs,
				const struct tcs_buf_dma *d, size_t offset,
				const u8 *src, size_t len)
{
	unsigned int i;
	int ret;

	for (i = 0; i < d->nsegs && len; i++) {
		size_t n;

		if (offset >= d->segs[i].len) {
			offset -= d->segs[i].len;
			continue;
		}
		n = min_t(size_t, len, d->segs[i].len - offset);
		ret = tcs_virt_write(tcs, d->space, d->segs[i].addr + offset,
				     src, n);
		if (ret)
			return ret;
		offset = 0;
		src += n;
		len -= n;
	}
	return len ? -EFAULT : 0;
}

/**
 * tcs_virt_engine_write() - the simulated DMA of one frame
 * @vc: the channel.
 * @slot: the destination, at the head of the hardware queue.
 * @frame: the frame, all surfaces one after the other.
 *
 * Writes each surface at the address it was programmed with (contig and
 * iommu modes), or through the plane's descriptor list (sg mode).
 *
 * Return: 0, or -EFAULT if an address points at nothing.
 */
int tcs_virt_engine_write(struct tcs_virt_chan *vc,
			  const struct tcs_virt_slot *slot, const u8 *frame)
{
	struct tcs_device *tcs = vc->chan->tcs;
	const struct tcs_buffer *buf = slot->buf;
	unsigned int s;
	int ret;

	for (s = 0; s < vc->num_surfaces; s++) {
		const struct tcs_virt_surface *sf = &vc->surfaces[s];
		const struct tcs_buf_dma *d = &buf->dma[sf->plane];

		if (tcs->dma.mode == TCS_DMA_SG)
			ret = tcs_virt_write_descs(tcs, d, sf->offset,
						   frame + sf->src, sf->len);
		else
			ret = tcs_virt_write(tcs, d->space, slot->addr[s],
					     frame + sf->src, sf->len);
		if (ret) {
			dev_err_ratelimited(tcs->dev,
					    "ch%u: DMA fault writing surface %u of buffer %u\n",
					    vc->chan->id, s,
					    buf->vb.vb2_buf.index);
			return ret;
		}
	}
	return 0;
}
