// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: describing a buffer to the DMA engine.
 *
 * Each plane gets its description once, when vb2 initialises the buffer
 * (buf_init), from the sg table the memory ops mapped for the queue's
 * device:
 *
 * - sg mode: the DMA side of the table becomes the descriptor list;
 * - iommu mode: the pages are mapped into the driver's own IOMMU domain as
 *   one contiguous IOVA range (whole pages, the first page's offset added,
 *   as Tegra210 VI behind the SMMU needs), with an unmapped guard page
 *   after it. The mapping lives as long as the vb2 buffer holds the same
 *   memory; for imported dma-bufs it is also kept, keyed by the dma-buf, in
 *   a per-channel cache, so a dma-buf that comes back in another buffer slot
 *   is not mapped again;
 * - contig mode: the table must be one contiguous bus address range.
 */

#include <linux/dma-buf.h>
#include <linux/genalloc.h>
#include <linux/iommu.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "tcs.h"
#include "tcs-compat.h"

/* IOVA window: above the first 256 MiB, below 4 GiB, as on Tegra210. */
#define TCS_IOVA_BASE		SZ_256M
#define TCS_IOVA_END		(SZ_4G - 1)
/* Unused dma-buf mappings kept per channel. */
#define TCS_IOVA_CACHE_MAX	32

/**
 * struct tcs_iommu - the driver's IOMMU domain
 * @master: the DMA master attached to @domain.
 * @domain: the unmanaged domain.
 * @iova_pool: allocator for the domain's addresses (internally locked).
 */
struct tcs_iommu {
	struct device *master;
	struct iommu_domain *domain;
	struct gen_pool *iova_pool;
};

/**
 * struct tcs_iova_map - one plane mapped into the driver's domain
 * @node: entry in &tcs_channel.iova_cache (imports only).
 * @dbuf: the imported dma-buf this maps (a reference is held), or NULL for
 *	MMAP and USERPTR memory, whose mapping belongs to one buffer.
 * @users: buffers using this mapping.
 * @iova: page-aligned start of the range.
 * @mapped: bytes mapped, whole pages.
 * @offset: offset of the plane's first byte in the first page.
 */
struct tcs_iova_map {
	struct list_head node;
	struct dma_buf *dbuf;
	unsigned int users;
	u64 iova;
	size_t mapped;
	unsigned int offset;
};

/**
 * tcs_iommu_init() - create the driver's IOMMU domain
 * @tcs: the device.
 * @master: the DMA master to attach; must be alone in its IOMMU group.
 *
 * Return: 0 or a negative error code.
 */
int tcs_iommu_init(struct tcs_device *tcs, struct device *master)
{
	struct tcs_iommu *iommu;
	u64 start, end;
	int ret;

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return -ENOMEM;

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

	start = TCS_IOVA_BASE;
	end = TCS_IOVA_END;
	if (iommu->domain->geometry.force_aperture) {
		start = max_t(u64, start, iommu->domain->geometry.aperture_start);
		end = min_t(u64, end, iommu->domain->geometry.aperture_end);
	}
	if (end <= start + SZ_16M) {
		ret = -ENOSPC;
		goto err_detach;
	}

	iommu->iova_pool = gen_pool_create(PAGE_SHIFT, -1);
	if (!iommu->iova_pool) {
		ret = -ENOMEM;
		goto err_detach;
	}
	ret = gen_pool_add(iommu->iova_pool, start, end - start + 1, -1);
	if (ret)
		goto err_destroy_pool;

	iommu->master = master;
	tcs->iommu = iommu;
	dev_info(tcs->dev, "IOMMU mode: DMA master %s, IOVA %#llx-%#llx\n",
		 dev_name(master), start, end);
	return 0;

err_destroy_pool:
	gen_pool_destroy(iommu->iova_pool);
err_detach:
	iommu_detach_device(iommu->domain, master);
err_free_domain:
	iommu_domain_free(iommu->domain);
err_free:
	kfree(iommu);
	return ret;
}

/**
 * tcs_iommu_cleanup() - release the domain; all mappings must be gone
 * @tcs: the device.
 */
void tcs_iommu_cleanup(struct tcs_device *tcs)
{
	struct tcs_iommu *iommu = tcs->iommu;

	if (!iommu)
		return;
	/* gen_pool_destroy() BUGs on live allocations: leak them instead. */
	if (!WARN_ON(gen_pool_avail(iommu->iova_pool) !=
		     gen_pool_size(iommu->iova_pool)))
		gen_pool_destroy(iommu->iova_pool);
	iommu_detach_device(iommu->domain, iommu->master);
	iommu_domain_free(iommu->domain);
	kfree(iommu);
	tcs->iommu = NULL;
}

/**
 * tcs_iommu_iova_to_phys() - what the IOMMU translates an IOVA to
 * @tcs: the device.
 * @iova: an address in the driver's domain.
 *
 * Return: the physical address, or 0 when nothing is mapped there.
 */
phys_addr_t tcs_iommu_iova_to_phys(struct tcs_device *tcs, u64 iova)
{
	return iommu_iova_to_phys(tcs->iommu->domain, iova);
}

static void tcs_iova_unmap(struct tcs_channel *chan, struct tcs_iova_map *map)
{
	struct tcs_iommu *iommu = chan->tcs->iommu;

	iommu_unmap(iommu->domain, map->iova, map->mapped);
	atomic64_inc(&chan->stats.iommu_unmap);
	gen_pool_free(iommu->iova_pool, map->iova, map->mapped + PAGE_SIZE);
	atomic64_inc(&chan->stats.iova_ranges_unmapped);
	if (map->dbuf)
		dma_buf_put(map->dbuf);
	kfree(map);
}

/* Map the whole pages under one sg entry at @iova. */
static int tcs_iova_map_entry(struct tcs_channel *chan, u64 iova,
			      struct scatterlist *sg)
{
	phys_addr_t phys = sg_phys(sg);

	atomic64_inc(&chan->stats.iommu_map);
	return tcs_iommu_map(chan->tcs->iommu->domain, iova, phys & PAGE_MASK,
			     PAGE_ALIGN(offset_in_page(phys) + sg->length),
			     IOMMU_READ | IOMMU_WRITE);
}

/*
 * Map the pages of @sgt (its CPU side) one after the other. Only the first
 * entry may start inside a page and only the last may end inside one, or the
 * plane would not be one contiguous range of bytes in IOVA space.
 */
static struct tcs_iova_map *tcs_iova_map_sgt(struct tcs_channel *chan,
					     struct sg_table *sgt)
{
	struct tcs_iommu *iommu = chan->tcs->iommu;
	struct scatterlist *sg, *first, *last;
	struct tcs_iova_map *map;
	size_t total = 0, done = 0;
	unsigned int i;
	int ret;

	for_each_sgtable_sg(sgt, sg, i) {
		phys_addr_t phys = sg_phys(sg);

		if (!sg_page(sg) || !sg->length ||
		    (i > 0 && offset_in_page(phys)) ||
		    (i < sgt->orig_nents - 1 &&
		     !PAGE_ALIGNED(phys + sg->length))) {
			dev_dbg(chan->tcs->dev,
				"ch%u: sg entry %u (offset %#lx, length %u) cannot be part of one IOVA range\n",
				chan->id, i, offset_in_page(phys), sg->length);
			return ERR_PTR(-EINVAL);
		}
		total += PAGE_ALIGN(offset_in_page(phys) + sg->length);
	}

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return ERR_PTR(-ENOMEM);

	/* One more page, left unmapped, catches overruns. */
	map->iova = gen_pool_alloc(iommu->iova_pool, total + PAGE_SIZE);
	if (!map->iova) {
		kfree(map);
		return ERR_PTR(-ENOSPC);
	}
	map->offset = offset_in_page(sg_phys(sgt->sgl));

	/*
	 * The first and last entries may cover part of a page: map them on
	 * their own, rounded out to whole pages; the ones between are whole
	 * pages and go in one iommu_map_sg() call.
	 */
	first = sgt->sgl;
	last = first;
	for_each_sgtable_sg(sgt, sg, i)
		last = sg;

	ret = tcs_iova_map_entry(chan, map->iova, first);
	if (ret)
		goto err_free;
	done = PAGE_ALIGN(map->offset + first->length);

	if (sgt->orig_nents > 2) {
		ssize_t len = tcs_iommu_map_sg(iommu->domain, map->iova + done,
					       sg_next(first),
					       sgt->orig_nents - 2,
					       IOMMU_READ | IOMMU_WRITE);

		atomic64_inc(&chan->stats.iommu_map);
		if (len < 0) {
			ret = len;
			goto err_unmap;
		}
		done += len;
	}

	if (last != first) {
		ret = tcs_iova_map_entry(chan, map->iova + done, last);
		if (ret)
			goto err_unmap;
		done += PAGE_ALIGN(last->length);
	}

	if (WARN_ON(done != total)) {
		ret = -EINVAL;
		goto err_unmap;
	}
	map->mapped = total;
	map->users = 1;
	INIT_LIST_HEAD(&map->node);
	atomic64_inc(&chan->stats.iova_ranges_mapped);
	return map;

err_unmap:
	iommu_unmap(iommu->domain, map->iova, done);
	atomic64_inc(&chan->stats.iommu_unmap);
err_free:
	gen_pool_free(iommu->iova_pool, map->iova, total + PAGE_SIZE);
	kfree(map);
	return ERR_PTR(ret);
}

/* Does @map still translate to the pages of @sgt? */
static bool tcs_iova_map_matches(struct tcs_channel *chan,
				 struct tcs_iova_map *map, struct sg_table *sgt)
{
	struct scatterlist *sg;
	size_t done = 0;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		phys_addr_t phys = sg_phys(sg);

		if (!sg_page(sg) || done >= map->mapped ||
		    tcs_iommu_iova_to_phys(chan->tcs, map->iova + done) !=
		    (phys & PAGE_MASK))
			return false;
		done += PAGE_ALIGN(offset_in_page(phys) + sg->length);
	}
	return done == map->mapped;
}

static void tcs_iova_cache_trim(struct tcs_channel *chan, unsigned int keep)
{
	struct tcs_iova_map *map, *tmp;

	/* The list is most recently used first: drop from the tail. */
	list_for_each_entry_safe_reverse(map, tmp, &chan->iova_cache, node) {
		if (chan->iova_cache_len <= keep)
			break;
		if (map->users)
			continue;
		list_del(&map->node);
		chan->iova_cache_len--;
		tcs_iova_unmap(chan, map);
	}
}

/* Must be called with chan->vlock held. */
static struct tcs_iova_map *tcs_iova_get(struct tcs_channel *chan,
					 struct vb2_buffer *vb,
					 struct sg_table *sgt)
{
	struct dma_buf *dbuf = vb->memory == VB2_MEMORY_DMABUF ?
			       vb->planes[0].dbuf : NULL;
	struct tcs_iova_map *map, *tmp;

	if (!dbuf)
		return tcs_iova_map_sgt(chan, sgt);

	list_for_each_entry_safe(map, tmp, &chan->iova_cache, node) {
		if (map->dbuf != dbuf)
			continue;
		if (tcs_iova_map_matches(chan, map, sgt)) {
			map->users++;
			list_move(&map->node, &chan->iova_cache);
			return map;
		}
		/* The exporter moved the memory: forget the old mapping. */
		if (!map->users) {
			list_del(&map->node);
			chan->iova_cache_len--;
			tcs_iova_unmap(chan, map);
		}
	}

	map = tcs_iova_map_sgt(chan, sgt);
	if (IS_ERR(map))
		return map;
	get_dma_buf(dbuf);
	map->dbuf = dbuf;
	list_add(&map->node, &chan->iova_cache);
	chan->iova_cache_len++;
	tcs_iova_cache_trim(chan, TCS_IOVA_CACHE_MAX);
	return map;
}

/* Must be called with chan->vlock held. */
static void tcs_iova_put(struct tcs_channel *chan, struct tcs_iova_map *map)
{
	if (WARN_ON(!map->users))
		return;
	map->users--;
	if (!map->dbuf && !map->users)
		tcs_iova_unmap(chan, map);
}

static int tcs_dma_check_start(struct tcs_channel *chan, u64 addr)
{
	unsigned int align = chan->tcs->dma.start_align;

	if (align > 1 && (addr & (align - 1))) {
		dev_dbg(chan->tcs->dev,
			"ch%u: plane starts at %#llx, the engine needs %u-byte alignment\n",
			chan->id, addr, align);
		return -EINVAL;
	}
	return 0;
}

static int tcs_dma_build_segs(struct tcs_channel *chan, struct tcs_buf_dma *d,
			      struct sg_table *sgt, bool contig)
{
	const struct tcs_dma_constraints *c = &chan->tcs->dma;
	u64 limit = c->addr_bits >= 64 ? U64_MAX : BIT_ULL(c->addr_bits) - 1;
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
				"ch%u: bus address %#llx is beyond the engine's %u bits\n",
				chan->id, addr + len - 1, c->addr_bits);
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
			"ch%u: plane is scattered over %u bus address ranges; contiguous DMA mode needs one\n",
			chan->id, pieces);
		return -EINVAL;
	}
	if (!contig && c->max_descs && n > c->max_descs) {
		dev_dbg(chan->tcs->dev,
			"ch%u: plane needs %u descriptors, the engine holds %u\n",
			chan->id, n, c->max_descs);
		return -EINVAL;
	}
	if (contig)
		n = 1;

	d->segs = kvcalloc(n, sizeof(*d->segs), GFP_KERNEL);
	if (!d->segs)
		return -ENOMEM;

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

/**
 * tcs_dma_buf_init() - build the engine's description of a buffer
 * @chan: the channel.
 * @buf: the buffer, whose memory vb2 has just allocated, pinned or mapped.
 *
 * Must be called with chan->vlock held (vb2's buf_init).
 *
 * Return: 0, or -EINVAL with a debug message when the engine cannot reach
 * the memory, or another negative error code.
 */
int tcs_dma_buf_init(struct tcs_channel *chan, struct tcs_buffer *buf)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;
	struct tcs_buf_dma *d = &buf->dma;
	struct sg_table *sgt = tcs_mem_sgt(vb, 0);
	struct tcs_iova_map *map;
	int ret;

	if (WARN_ON(d->valid) || !sgt)
		return -EINVAL;

	memset(d, 0, sizeof(*d));
	d->size = vb2_plane_size(vb, 0);

	switch (chan->tcs->dma.mode) {
	case TCS_DMA_IOMMU:
		map = tcs_iova_get(chan, vb, sgt);
		if (IS_ERR(map))
			return PTR_ERR(map);
		ret = tcs_dma_check_start(chan, map->iova + map->offset);
		if (ret) {
			tcs_iova_put(chan, map);
			return ret;
		}
		d->segs = kvcalloc(1, sizeof(*d->segs), GFP_KERNEL);
		if (!d->segs) {
			tcs_iova_put(chan, map);
			return -ENOMEM;
		}
		d->space = TCS_SPACE_IOVA;
		d->segs[0].addr = map->iova + map->offset;
		d->segs[0].len = min_t(size_t, d->size,
				       map->mapped - map->offset);
		d->nsegs = 1;
		d->map = map;
		break;
	case TCS_DMA_CONTIG:
	case TCS_DMA_SG:
		d->space = TCS_SPACE_BUS;
		ret = tcs_dma_build_segs(chan, d, sgt,
					 chan->tcs->dma.mode == TCS_DMA_CONTIG);
		if (ret)
			return ret;
		ret = tcs_dma_check_start(chan, d->segs[0].addr);
		if (ret) {
			kvfree(d->segs);
			d->segs = NULL;
			return ret;
		}
		break;
	}

	d->valid = true;
	chan->dma_users++;
	return 0;
}

/**
 * tcs_dma_buf_cleanup() - drop a buffer's description
 * @chan: the channel.
 * @buf: the buffer, about to lose its memory.
 *
 * Must be called with chan->vlock held (vb2's buf_cleanup). When the last
 * buffer of the channel goes, the cached dma-buf mappings go too.
 */
void tcs_dma_buf_cleanup(struct tcs_channel *chan, struct tcs_buffer *buf)
{
	struct tcs_buf_dma *d = &buf->dma;

	if (!d->valid)
		return;

	if (d->map)
		tcs_iova_put(chan, d->map);
	kvfree(d->segs);
	memset(d, 0, sizeof(*d));

	if (!--chan->dma_users)
		tcs_iova_cache_trim(chan, 0);
}
