// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: describing a buffer to the DMA engine.
 *
 * Each memory plane gets its description when vb2 initialises the buffer
 * (buf_init: the memory was just allocated, pinned, or attached and mapped)
 * and loses it when vb2 cleans it up (buf_cleanup: before the memory is
 * freed, unpinned, or unmapped and detached), from the DMA side of the sg
 * table the memory ops mapped for &tcs_dma_constraints.dma_dev:
 *
 * - sg mode: the (bus address, length) segments become the descriptor list;
 * - iommu mode: the pages behind the segments (the bus addresses turned
 *   back into physical ones: the CPU side of an importer's table must never
 *   be read) are mapped, write-only, into the driver's own IOMMU domain as
 *   one contiguous IOVA range from the channel's own IOVA space (whole
 *   pages, the first page's offset added, as Tegra210 VI behind the SMMU
 *   needs), with an unmapped guard page after it. A segment the DMA API
 *   bounced through swiotlb is refused: the engine would write the real
 *   pages while vb2's cache maintenance copied the stale bounce slot over
 *   them. An imported dma-buf is thus in the domain exactly as long as vb2
 *   keeps its attachment mapped;
 * - contig mode: the table must be one contiguous bus address range.
 */

#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/iova.h>
#include <linux/log2.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "tcs.h"
#include "tcs-compat.h"

/* Tegra210 keeps the first 256 MiB of IOVA space for other clients. */
#define TCS_IOVA_DEFAULT_BASE	SZ_256M
/* The smallest IOVA budget of a channel that makes sense: one 4K frame. */
#define TCS_IOVA_MIN_BUDGET	SZ_32M
#define TCS_DMA_ALIGN_MAX	4096

/**
 * struct tcs_iommu - the driver's IOMMU domain
 * @master: the DMA master attached to @domain.
 * @domain: the unmanaged domain.
 * @start: lowest IOVA of the device's window.
 * @per_channel: bytes of the window each channel may use.
 */
struct tcs_iommu {
	struct device *master;
	struct iommu_domain *domain;
	u64 start;
	u64 per_channel;
};

/**
 * struct tcs_iova_space - a channel's part of the IOVA window
 * @iovad: the allocator (the kernel's IOVA library), over
 *	[@start, @end]; internally locked.
 * @start: first IOVA of the channel's budget.
 * @end: last IOVA of it.
 * @live: ranges allocated and not freed (under the queue's lock): must be 0
 *	when the channel goes.
 */
struct tcs_iova_space {
	struct iova_domain iovad;
	u64 start;
	u64 end;
	unsigned int live;
};

/**
 * tcs_dma_check_constraints() - refuse a backend's impossible constraints
 * @tcs: the device, &tcs_device.dma filled.
 *
 * Return: 0, or -EINVAL with a message naming the field.
 */
int tcs_dma_check_constraints(struct tcs_device *tcs)
{
	const struct tcs_dma_constraints *c = &tcs->dma;
	const char *why = NULL;

	if (c->mode != TCS_DMA_SG && c->mode != TCS_DMA_IOMMU &&
	    c->mode != TCS_DMA_CONTIG)
		why = "mode";
	else if (!c->dma_dev)
		why = "dma_dev";
	else if (c->dma_bits < 32 || c->dma_bits > 64)
		why = "dma_bits (32 to 64)";
	else if (!c->max_seg_size || !PAGE_ALIGNED(c->max_seg_size))
		why = "max_seg_size (a non-zero multiple of PAGE_SIZE)";
	else if (c->start_align > TCS_DMA_ALIGN_MAX ||
		 (c->start_align > 1 && !is_power_of_2(c->start_align)))
		why = "start_align (a power of two up to 4096)";
	else if (c->mode == TCS_DMA_SG && !c->max_descs)
		why = "max_descs (at least 1 in sg mode)";
	else if (c->mode == TCS_DMA_IOMMU &&
		 (!c->iommu_master || c->iova_bits < 20 || c->iova_bits > 64 ||
		  !PAGE_ALIGNED(c->iova_base) || !PAGE_ALIGNED(c->iova_size)))
		why = "iommu_master, iova_bits (20 to 64), iova_base or iova_size (page aligned)";
	if (why) {
		dev_err(tcs->dev, "the backend's DMA constraints are invalid: %s\n",
			why);
		return -EINVAL;
	}
	return 0;
}

static int tcs_iommu_init(struct tcs_device *tcs)
{
	const struct tcs_dma_constraints *c = &tcs->dma;
	struct device *master = c->iommu_master;
	u64 start, end, limit;
	struct tcs_iommu *iommu;
	int ret;

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return -ENOMEM;

	/* The engine emits iova_bits-wide addresses. */
	ret = dma_set_mask_and_coherent(master, DMA_BIT_MASK(c->iova_bits));
	if (ret) {
		dev_err(tcs->dev, "cannot set a %u-bit DMA mask on %s: %d\n",
			c->iova_bits, dev_name(master), ret);
		goto err_free;
	}

	iommu->domain = tcs_iommu_domain_alloc(master);
	if (IS_ERR(iommu->domain)) {
		ret = PTR_ERR(iommu->domain);
		dev_err(tcs->dev, "cannot allocate an IOMMU domain: %d\n", ret);
		goto err_free;
	}

	ret = iommu_attach_device(iommu->domain, master);
	if (ret) {
		dev_err(tcs->dev, "cannot attach %s to the IOMMU domain: %d\n",
			dev_name(master), ret);
		goto err_free_domain;
	}

	limit = c->iova_bits >= 64 ? U64_MAX : DMA_BIT_MASK(c->iova_bits);
	start = c->iova_base ? c->iova_base : TCS_IOVA_DEFAULT_BASE;
	end = c->iova_size ? start + c->iova_size - 1 : limit;
	end = min(end, limit);
	if (iommu->domain->geometry.force_aperture) {
		start = max_t(u64, start, iommu->domain->geometry.aperture_start);
		end = min_t(u64, end, iommu->domain->geometry.aperture_end);
	}
	iommu->per_channel = end > start ?
		rounddown(div_u64(end - start + 1, TCS_MAX_CHANNELS), PAGE_SIZE) : 0;
	if (iommu->per_channel < TCS_IOVA_MIN_BUDGET) {
		dev_err(tcs->dev, "IOVA window %#llx-%#llx leaves less than %u MiB per channel\n",
			start, end, TCS_IOVA_MIN_BUDGET >> 20);
		ret = -ENOSPC;
		goto err_detach;
	}
	ret = iova_cache_get();
	if (ret)
		goto err_detach;

	iommu->master = master;
	iommu->start = start;
	tcs->iommu = iommu;
	dev_info(tcs->dev, "IOMMU mode: DMA master %s, IOVA %#llx-%#llx, %llu MiB per channel\n",
		 dev_name(master), start, end, iommu->per_channel >> 20);
	return 0;

err_detach:
	iommu_detach_device(iommu->domain, master);
err_free_domain:
	iommu_domain_free(iommu->domain);
err_free:
	kfree(iommu);
	return ret;
}

/**
 * tcs_dma_setup() - prepare the DMA side of a device
 * @tcs: the device, its constraints checked.
 *
 * Sets &tcs_dma_constraints.dma_dev's DMA mask and segment limit; in iommu
 * mode sets the master's mask, creates the domain and attaches the master.
 *
 * Return: 0 or a negative error code (with a message).
 */
int tcs_dma_setup(struct tcs_device *tcs)
{
	const struct tcs_dma_constraints *c = &tcs->dma;
	int ret;

	ret = dma_set_mask_and_coherent(c->dma_dev, DMA_BIT_MASK(c->dma_bits));
	if (ret) {
		dev_err(tcs->dev, "cannot set a %u-bit DMA mask on %s: %d\n",
			c->dma_bits, dev_name(c->dma_dev), ret);
		return ret;
	}
	/*
	 * The engine's max_seg_size is the core's to honour: it splits every
	 * segment into descriptors itself (tcs_dma_build_segs()). The DMA API
	 * is told any length will do, since exporters that build their tables
	 * with no regard for the importer's limit (DRM PRIME's
	 * drm_prime_pages_to_sg()) would otherwise break the device's claim
	 * (DMA-API debugging: "mapping sg segment longer than device claims").
	 */
	ret = tcs_dma_set_max_seg_size(c->dma_dev, UINT_MAX & PAGE_MASK);
	if (ret)
		return ret;
	if (c->mode == TCS_DMA_IOMMU)
		return tcs_iommu_init(tcs);
	return 0;
}

/**
 * tcs_dma_teardown() - undo tcs_dma_setup(); every channel is cleaned up
 * @tcs: the device.
 */
void tcs_dma_teardown(struct tcs_device *tcs)
{
	struct tcs_iommu *iommu = tcs->iommu;

	if (!iommu)
		return;
	iova_cache_put();
	iommu_detach_device(iommu->domain, iommu->master);
	iommu_domain_free(iommu->domain);
	kfree(iommu);
	tcs->iommu = NULL;
}

/**
 * tcs_dma_channel_init() - give a channel its IOVA budget (iommu mode)
 * @chan: the channel.
 *
 * Channel K uses [start + K * budget, start + (K + 1) * budget): one
 * channel exhausting its budget (many or large buffers) cannot starve
 * another.
 *
 * Return: 0 or -ENOMEM.
 */
int tcs_dma_channel_init(struct tcs_channel *chan)
{
	struct tcs_iommu *iommu = chan->tcs->iommu;
	struct tcs_iova_space *sp;

	if (!iommu)
		return 0;
	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp)
		return -ENOMEM;
	sp->start = iommu->start + chan->id * iommu->per_channel;
	sp->end = sp->start + iommu->per_channel - 1;
	init_iova_domain(&sp->iovad, PAGE_SIZE, PHYS_PFN(sp->start));
	chan->iova = sp;
	return 0;
}

/**
 * tcs_dma_channel_cleanup() - drop a channel's IOVA space
 * @chan: the channel, every buffer cleaned up.
 *
 * A range still allocated is a leak of the core: it warns (the test runner
 * fails on it).
 */
void tcs_dma_channel_cleanup(struct tcs_channel *chan)
{
	struct tcs_iova_space *sp = chan->iova;

	if (!sp)
		return;
	WARN(sp->live, "ch%u: %u IOVA ranges still mapped\n", chan->id,
	     sp->live);
	put_iova_domain(&sp->iovad);
	kfree(sp);
	chan->iova = NULL;
}

/**
 * tcs_iommu_iova_to_phys() - what the IOMMU translates an IOVA to
 * @tcs: the device, in iommu mode.
 * @iova: an address in the driver's domain.
 *
 * For engine models (the virtual backend), which reach memory the way the
 * SMMU would.
 *
 * Return: the physical address, or 0 when nothing is mapped there.
 */
phys_addr_t tcs_iommu_iova_to_phys(struct tcs_device *tcs, u64 iova)
{
	if (WARN_ON_ONCE(!tcs->iommu))
		return 0;
	return iommu_iova_to_phys(tcs->iommu->domain, iova);
}
EXPORT_SYMBOL_GPL(tcs_iommu_iova_to_phys);

static void tcs_iova_release(struct tcs_channel *chan, struct tcs_buf_dma *d)
{
	struct tcs_iova_space *sp = chan->iova;
#ifdef TCS_BREAK_LEAK_IOVA
	/* deliberate breakage (tests/breakage/): leak the first IOVA range */
	static bool leaked;

	if (d->iova && !leaked) {
		leaked = true;
		d->iova = 0;
		return;
	}
#endif

	if (!d->iova)
		return;
	if (d->iova_mapped) {
		iommu_unmap(chan->tcs->iommu->domain, d->iova, d->iova_mapped);
		atomic64_inc(&chan->stats.iommu_unmap);
		atomic64_inc(&chan->stats.iova_ranges_unmapped);
	}
	free_iova(&sp->iovad, iova_pfn(&sp->iovad, d->iova));
	sp->live--;
	d->iova = 0;
	d->iova_mapped = 0;
}

/*
 * iommu mode: map the pages behind the DMA segments of @sgt one after the
 * other from a fresh IOVA range. Only the first segment may start inside a
 * page and only the last may end inside one, or the plane would not be one
 * contiguous range of bytes in IOVA space.
 */
static int tcs_iova_map_plane(struct tcs_channel *chan, unsigned int plane,
			      struct tcs_buf_dma *d, struct sg_table *sgt)
{
	struct device *dma_dev = chan->tcs->dma.dma_dev;
	struct tcs_iova_space *sp = chan->iova;
	struct scatterlist *sg;
	unsigned int i, n = 0, offset = 0;
	size_t total = 0, done = 0;
	struct iova *iova;
	int ret;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		phys_addr_t phys = tcs_bus_to_phys(dma_dev, sg_dma_address(sg));
		u32 len = sg_dma_len(sg);

		if (!len)
			continue;
		if (tcs_is_bounce(dma_dev, phys)) {
			dev_dbg(chan->tcs->dev,
				"ch%u: plane %u: segment %u (%#llx) is a swiotlb bounce buffer; iommu mode maps the memory itself and cannot use one\n",
				chan->id, plane, i, (u64)sg_dma_address(sg));
			return -EINVAL;
		}
		if ((n && offset_in_page(phys)) ||
		    (i < sgt->nents - 1 && !PAGE_ALIGNED(phys + len))) {
			dev_dbg(chan->tcs->dev,
				"ch%u: plane %u: segment %u (offset %#lx, length %u) cannot be part of one IOVA range\n",
				chan->id, plane, i, offset_in_page(phys), len);
			return -EINVAL;
		}
		if (!n++)
			offset = offset_in_page(phys);
		total += PAGE_ALIGN(offset_in_page(phys) + len);
	}
	if (!n)
		return -EINVAL;

	/* One more page, left unmapped, catches overruns. */
	iova = alloc_iova(&sp->iovad, PHYS_PFN(total) + 1, PHYS_PFN(sp->end),
			  false);
	if (!iova) {
		dev_dbg(chan->tcs->dev,
			"ch%u: plane %u: the channel's IOVA budget (%llu MiB) has no room for %zu bytes\n",
			chan->id, plane, (sp->end - sp->start + 1) >> 20, total);
		return -ENOSPC;
	}
	sp->live++;
	d->iova = iova_dma_addr(&sp->iovad, iova);

	for_each_sgtable_dma_sg(sgt, sg, i) {
		phys_addr_t phys = tcs_bus_to_phys(dma_dev, sg_dma_address(sg));
		size_t len = PAGE_ALIGN(offset_in_page(phys) + sg_dma_len(sg));

		if (!sg_dma_len(sg))
			continue;
		/* A capture engine only writes. */
		ret = tcs_iommu_map(chan->tcs->iommu->domain, d->iova + done,
				    phys & PAGE_MASK, len, IOMMU_WRITE);
		atomic64_inc(&chan->stats.iommu_map);
		if (ret)
			goto err_unmap;
		done += len;
	}
	d->iova_mapped = done;
	atomic64_inc(&chan->stats.iova_ranges_mapped);

	d->segs = kvcalloc(1, sizeof(*d->segs), GFP_KERNEL);
	if (!d->segs) {
		ret = -ENOMEM;
		goto err_release;
	}
	d->space = TCS_SPACE_IOVA;
	d->segs[0].addr = d->iova + offset;
	d->segs[0].len = total - offset;
	d->nsegs = 1;
	return 0;

err_unmap:
	if (done)
		iommu_unmap(chan->tcs->iommu->domain, d->iova, done);
	atomic64_inc(&chan->stats.iommu_unmap);
	d->iova_mapped = 0;
err_release:
	tcs_iova_release(chan, d);
	return ret;
}

static int tcs_dma_build_segs(struct tcs_channel *chan, unsigned int plane,
			      struct tcs_buf_dma *d, struct sg_table *sgt,
			      bool contig)
{
	const struct tcs_dma_constraints *c = &chan->tcs->dma;
	u64 limit = c->dma_bits >= 64 ? U64_MAX : DMA_BIT_MASK(c->dma_bits);
	struct scatterlist *sg;
	unsigned int i, n = 0, pieces = 0;
	u64 end = 0;

	/* Count first: adjacent entries merge, long ones split. */
	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 addr = sg_dma_address(sg);
		u32 len = sg_dma_len(sg);

		if (!len)
			continue;
		if (addr + len - 1 > limit) {
			dev_dbg(chan->tcs->dev,
				"ch%u: plane %u: bus address %#llx is beyond the engine's %u bits\n",
				chan->id, plane, addr + len - 1, c->dma_bits);
			return -EINVAL;
		}
		if (!pieces || addr != end)
			pieces++;
		end = addr + len;
		n += DIV_ROUND_UP(len, c->max_seg_size);
	}
	if (!pieces)
		return -EINVAL;

	if (contig && pieces > 1) {
		dev_dbg(chan->tcs->dev,
			"ch%u: plane %u is scattered over %u bus address ranges; contiguous DMA mode needs one\n",
			chan->id, plane, pieces);
		return -EINVAL;
	}
	if (!contig && n > c->max_descs) {
		dev_dbg(chan->tcs->dev,
			"ch%u: plane %u needs %u descriptors, the engine holds %u\n",
			chan->id, plane, n, c->max_descs);
		return -EINVAL;
	}
	if (contig)
		n = 1;

	d->segs = kvcalloc(n, sizeof(*d->segs), GFP_KERNEL);
	if (!d->segs)
		return -ENOMEM;
	d->space = TCS_SPACE_BUS;

	if (contig) {
		d->segs[0].addr = sg_dma_address(sgt->sgl);
		d->segs[0].len = end - d->segs[0].addr;
		d->nsegs = 1;
		return 0;
	}

	d->nsegs = 0;
	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 addr = sg_dma_address(sg);
		u32 len = sg_dma_len(sg);

		while (len) {
			u32 chunk = min_t(u32, len, c->max_seg_size);

			d->segs[d->nsegs].addr = addr;
			d->segs[d->nsegs].len = chunk;
			d->nsegs++;
			addr += chunk;
			len -= chunk;
		}
	}
	return 0;
}

static int tcs_dma_check_start(struct tcs_channel *chan, unsigned int plane,
			       u64 addr)
{
	unsigned int align = chan->tcs->dma.start_align;

	if (align > 1 && (addr & (align - 1))) {
		dev_dbg(chan->tcs->dev,
			"ch%u: plane %u starts at %#llx, the engine needs %u-byte alignment\n",
			chan->id, plane, addr, align);
		return -EINVAL;
	}
	return 0;
}

/*
 * Drop the first @skip bytes of a plane's description: the engine starts
 * writing @skip bytes into the memory (an exported range's offset).
 */
static void tcs_dma_skip(struct tcs_buf_dma *d, size_t skip)
{
	while (skip && d->nsegs) {
		if (d->segs[0].len > skip) {
			d->segs[0].addr += skip;
			d->segs[0].len -= skip;
			return;
		}
		skip -= d->segs[0].len;
		d->nsegs--;
		memmove(d->segs, d->segs + 1, d->nsegs * sizeof(*d->segs));
	}
}

static void tcs_dma_plane_cleanup(struct tcs_channel *chan,
				  struct tcs_buf_dma *d)
{
	tcs_iova_release(chan, d);
	kvfree(d->segs);
	memset(d, 0, sizeof(*d));
}

/**
 * tcs_dma_map_shared() - DMA-map an exported buffer's pages for an importer
 * @dev: the importing device.
 * @sgt: its table of the pages.
 * @dir: the direction it asked for.
 *
 * The pages of a buffer the driver exports (an MMAP buffer, exported
 * application memory) are mapped for several devices at once: the engine
 * and every importer. The DMA-API debug code tracks each cacheline mapped
 * for a device to write and reports a second such mapping ("overlapping
 * mappings aren't supported") unless the map skips the CPU sync, as vb2's
 * own exporters do (videobuf2-dma-sg.c). So this maps with
 * DMA_ATTR_SKIP_CPU_SYNC and then makes the same sync a plain map would,
 * for the device: an importer that reads still sees what the CPU wrote
 * (bounce buffers filled). Later CPU access goes through the dma-buf's
 * begin/end_cpu_access.
 *
 * Return: 0 or dma_map_sgtable()'s error.
 */
int tcs_dma_map_shared(struct device *dev, struct sg_table *sgt, enum dma_data_direction dir)
{
	int ret = dma_map_sgtable(dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);

	if (!ret)
		dma_sync_sgtable_for_device(dev, sgt, dir);
	return ret;
}

/**
 * tcs_dma_buf_init() - build the engine's description of a buffer
 * @chan: the channel.
 * @buf: the buffer, whose memory vb2 has just allocated, pinned or mapped.
 *
 * Must be called with chan->vlock held (vb2's buf_init).
 *
 * Return: 0, or -EINVAL with a debug message when the engine cannot reach
 * the memory, -ENOSPC when the channel's IOVA budget is used up, or
 * -ENOMEM.
 */
int tcs_dma_buf_init(struct tcs_channel *chan, struct tcs_buffer *buf)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;
	unsigned int p, i;
	int ret = 0;

	if (WARN_ON(buf->num_planes))
		return -EINVAL;

	for (p = 0; p < vb->num_planes; p++) {
		struct sg_table *sgt = tcs_mem_sgt(vb, p);
		struct tcs_buf_dma *d = &buf->dma[p];

		if (!sgt || p >= TCS_MAX_PLANES) {
			ret = -EINVAL;
			break;
		}
		memset(d, 0, sizeof(*d));
		if (chan->tcs->dma.mode == TCS_DMA_IOMMU)
			ret = tcs_iova_map_plane(chan, p, d, sgt);
		else
			ret = tcs_dma_build_segs(chan, p, d, sgt,
						 chan->tcs->dma.mode == TCS_DMA_CONTIG);
		if (ret)
			break;
		buf->num_planes = p + 1;
		/* application memory the driver exported: the frame goes where
		 * the application's pointer is (tcs-export.c) */
		if (vb->memory == VB2_MEMORY_DMABUF && vb->planes[p].dbuf)
			tcs_dma_skip(d, tcs_export_offset(vb->planes[p].dbuf));
		if (!d->nsegs) {
			ret = -EINVAL;
			break;
		}
		d->size = 0;
		for (i = 0; i < d->nsegs; i++)
			d->size += d->segs[i].len;
		d->size = min_t(size_t, d->size, vb2_plane_size(vb, p));
		ret = tcs_dma_check_start(chan, p, d->segs[0].addr);
		if (ret)
			break;
	}
	if (ret)
		tcs_dma_buf_cleanup(chan, buf);
	return ret;
}

/**
 * tcs_dma_buf_cleanup() - drop a buffer's description
 * @chan: the channel.
 * @buf: the buffer, about to lose its memory.
 *
 * Must be called with chan->vlock held (vb2's buf_cleanup). In iommu mode
 * the plane's IOVA range is unmapped and freed here.
 */
void tcs_dma_buf_cleanup(struct tcs_channel *chan, struct tcs_buffer *buf)
{
	unsigned int p;

	for (p = 0; p < buf->num_planes; p++)
		tcs_dma_plane_cleanup(chan, &buf->dma[p]);
	if (buf->num_planes < TCS_MAX_PLANES)
		tcs_dma_plane_cleanup(chan, &buf->dma[buf->num_planes]);
	buf->num_planes = 0;
}

/**
 * tcs_buffer_contig_addr() - the engine's address of a byte of a plane
 * @buf: a buffer the backend holds.
 * @plane: memory plane.
 * @offset: byte offset in the plane (a surface's start, for NV16's second).
 * @addr: returns the address the engine emits: bus address (contig mode)
 *	or IOVA (iommu mode).
 *
 * Any context.
 *
 * Return: 0, or -EINVAL when the plane is not one contiguous range (sg
 * mode) or @offset lies beyond it.
 */
int tcs_buffer_contig_addr(const struct tcs_buffer *buf, unsigned int plane,
			   size_t offset, u64 *addr)
{
	const struct tcs_buf_dma *d;

	if (plane >= buf->num_planes)
		return -EINVAL;
	d = &buf->dma[plane];
	if (d->nsegs != 1 || offset >= d->size)
		return -EINVAL;
	*addr = d->segs[0].addr + offset;
	return 0;
}
EXPORT_SYMBOL_GPL(tcs_buffer_contig_addr);
