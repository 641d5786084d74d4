// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: vb2 memory operations.
 *
 * These are videobuf2-dma-sg's semantics (page-backed buffers described by a
 * DMA-mapped sg table, MMAP, USERPTR, DMABUF import and export) with three
 * differences the engine needs:
 *
 * - sg tables are built with the segment limit of the device they are mapped
 *   for (dma_max_mapping_size(), dma_get_max_seg_size()); vb2-dma-sg builds
 *   unbounded segments, which swiotlb (at most 256 KiB per mapping) cannot
 *   bounce, so with swiotlb=force its MMAP buffers fail to map;
 * - in contiguous DMA mode MMAP buffers are one physically contiguous block;
 * - USERPTR pins and dma-buf attachments and mappings are counted for
 *   debugfs;
 * - MMAP buffers come from below the DMA device's limit (ZONE_DMA32 for a
 *   32-bit engine on a machine with memory above 4 GiB), USERPTR pins only
 *   the pages the plane needs, and at unbind MMAP buffers that outlive the
 *   device (mmap()ed or exported) lose their DMA mapping.
 *
 * Whether a plane suits the engine is decided later, in tcs-dma.c.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <media/videobuf2-memops.h>

#include "tcs.h"
#include "tcs-compat.h"

TCS_MODULE_IMPORT_DMA_BUF();

/**
 * struct tcs_mem_buf - one plane's memory
 * @dev: the device the plane is DMA-mapped for.
 * @chan: the channel, for the counters.
 * @vb: the vb2 buffer (for the cache sync hints).
 * @dir: DMA direction.
 * @size: plane size in bytes.
 * @offset: offset of the first byte in the first page (USERPTR).
 * @num_pages: entries in @pages.
 * @pages: the pages (MMAP, USERPTR).
 * @contig: start of a contiguous MMAP allocation, or NULL.
 * @sgt: the driver-built table (MMAP, USERPTR).
 * @dma_sgt: the mapped table: @sgt or the imported dma-buf's.
 * @vaddr: kernel mapping made on demand, or NULL.
 * @vec: pinned user pages (USERPTR).
 * @refcount: users of an MMAP buffer (vb2, mmap()s and exported dma-bufs).
 * @handler: vb2's mmap refcount glue.
 * @db_attach: the attachment of an imported dma-buf.
 * @tcs: MMAP: the device the buffer was allocated for (only compared,
 *	never dereferenced: the buffer may outlive it).
 * @node: MMAP: entry in tcs_mem_bufs until it is orphaned.
 * @lock: MMAP: serialises @orphaned against the cache syncs of exported
 *	dma-bufs' CPU access.
 * @orphaned: MMAP: the device went away; @sgt is no longer DMA-mapped.
 */
struct tcs_mem_buf {
	struct device *dev;
	struct tcs_channel *chan;
	struct vb2_buffer *vb;
	enum dma_data_direction dir;
	unsigned long size;
	unsigned int offset;
	unsigned int num_pages;
	struct page **pages;
	void *contig;
	struct sg_table sgt;
	struct sg_table *dma_sgt;
	void *vaddr;
	struct frame_vector *vec;
	refcount_t refcount;
	struct vb2_vmarea_handler handler;
	struct dma_buf_attachment *db_attach;
	struct tcs_device *tcs;
	struct list_head node;
	/* Serialises orphaning against CPU access syncs. */
	struct mutex lock;
	bool orphaned;
};

/* Largest chunk of an MMAP buffer in sg and IOMMU modes: 256 KiB. */
#define TCS_MEM_MAX_ORDER	6

/**
 * tcs_mem_max_seg() - the longest sg segment @dev can map in one piece
 * @dev: the device a table is built for.
 *
 * Return: the smaller of its DMA API limits (max_seg_size, and the longest
 * mapping: swiotlb's 256 KiB), in whole pages, at least one page.
 */
unsigned int tcs_mem_max_seg(struct device *dev)
{
	size_t max = min_t(size_t, dma_max_mapping_size(dev),
			   dma_get_max_seg_size(dev));

	max = min_t(size_t, max, UINT_MAX);
	return max_t(unsigned int, max & PAGE_MASK, PAGE_SIZE);
}

/**
 * tcs_mem_gfp_zone() - the zone MMAP buffers must come from
 * @dma_dev: the device buffers are DMA-mapped for, its mask set.
 *
 * A device that cannot reach all of memory would have every frame in
 * memory above its limit bounced through swiotlb (or be refused): with a
 * 32-bit mask and memory beyond it, buffers come from ZONE_DMA32.
 *
 * Return: GFP_DMA32 or 0, for &vb2_queue.gfp_flags.
 */
gfp_t tcs_mem_gfp_zone(struct device *dma_dev)
{
	if (dma_addressing_limited(dma_dev) &&
	    dma_get_mask(dma_dev) <= DMA_BIT_MASK(32))
		return GFP_DMA32;
	return 0;
}

/*
 * Every MMAP buffer that still has its DMA mapping, whichever device it
 * belongs to: a buffer may outlive its device (a process maps it, an
 * importer holds the exported dma-buf), so the list cannot live in it.
 */
static LIST_HEAD(tcs_mem_bufs);
static DEFINE_SPINLOCK(tcs_mem_bufs_lock);

static void tcs_mem_put(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;
	unsigned int i;

	if (!refcount_dec_and_test(&buf->refcount))
		return;

	spin_lock(&tcs_mem_bufs_lock);
	list_del(&buf->node);
	spin_unlock(&tcs_mem_bufs_lock);
	/* Unless the device went away and tcs_mem_orphan_all() did it. */
	if (!buf->orphaned)
		dma_unmap_sgtable(buf->dev, &buf->sgt, buf->dir,
				  DMA_ATTR_SKIP_CPU_SYNC);
	if (buf->vaddr)
		vm_unmap_ram(buf->vaddr, buf->num_pages);
	sg_free_table(&buf->sgt);
	if (buf->contig) {
		free_pages_exact(buf->contig, buf->size);
	} else {
		for (i = 0; i < buf->num_pages; i++)
			__free_page(buf->pages[i]);
	}
	kvfree(buf->pages);
	mutex_destroy(&buf->lock);
	put_device(buf->dev);
	kfree(buf);
}

/**
 * tcs_mem_orphan_all() - unmap the MMAP buffers of a device that goes away
 * @tcs: the device, whose queues were all released.
 *
 * A buffer that a process still maps, or that an exported dma-buf still
 * holds, keeps its memory, but its DMA mapping for the device goes now
 * (synced for the CPU first), so that nothing of the device is left mapped
 * after unbind. Its exported dma-bufs' CPU access then needs no sync: no
 * device writes it any more. May sleep.
 */
void tcs_mem_orphan_all(struct tcs_device *tcs)
{
	struct tcs_mem_buf *buf, *tmp;
	LIST_HEAD(orphans);

	spin_lock(&tcs_mem_bufs_lock);
	list_for_each_entry_safe(buf, tmp, &tcs_mem_bufs, node) {
		/* A buffer whose last reference is going is tcs_mem_put()'s. */
		if (buf->tcs != tcs || !refcount_inc_not_zero(&buf->refcount))
			continue;
		list_move_tail(&buf->node, &orphans);
	}
	spin_unlock(&tcs_mem_bufs_lock);

	list_for_each_entry_safe(buf, tmp, &orphans, node) {
		mutex_lock(&buf->lock);
		dma_unmap_sgtable(buf->dev, &buf->sgt, buf->dir, 0);
		buf->orphaned = true;
		mutex_unlock(&buf->lock);
		spin_lock(&tcs_mem_bufs_lock);
		list_del_init(&buf->node);
		spin_unlock(&tcs_mem_bufs_lock);
		tcs_mem_put(buf);
	}
}

static int tcs_mem_alloc_pages(struct tcs_mem_buf *buf, bool contig,
			       gfp_t gfp)
{
	unsigned int i;

	gfp |= GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;

	if (contig) {
		/* Zeroed: a new buffer never shows stale kernel memory. */
		buf->contig = alloc_pages_exact(buf->size, gfp & ~__GFP_HIGHMEM);
		if (!buf->contig)
			return -ENOMEM;
		for (i = 0; i < buf->num_pages; i++)
			buf->pages[i] = virt_to_page(buf->contig +
						     i * PAGE_SIZE);
		return 0;
	}

	/*
	 * Chunks of up to TCS_MEM_MAX_ORDER keep descriptor lists and IOMMU
	 * work short; the buffer is still scattered, as the sg engine expects.
	 */
	i = 0;
	while (i < buf->num_pages) {
		unsigned int order = min_t(unsigned int, TCS_MEM_MAX_ORDER,
					   ilog2(buf->num_pages - i));
		struct page *page;
		unsigned int j;

		for (;;) {
			page = alloc_pages(gfp | (order ? __GFP_NORETRY : 0),
					   order);
			if (page || !order)
				break;
			order--;
		}
		if (!page) {
			while (i--)
				__free_page(buf->pages[i]);
			return -ENOMEM;
		}
		split_page(page, order);
		for (j = 0; j < (1U << order); j++)
			buf->pages[i++] = page + j;
	}
	return 0;
}

static void *tcs_mem_alloc(struct vb2_buffer *vb, struct device *dev,
			   unsigned long size)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);
	bool contig = chan->tcs->dma.mode == TCS_DMA_CONTIG;
	struct tcs_mem_buf *buf;
	int ret;

	if (WARN_ON(!dev || !size || !PAGE_ALIGNED(size)))
		return ERR_PTR(-EINVAL);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	buf->chan = chan;
	buf->vb = vb;
	buf->dir = vb->vb2_queue->dma_dir;
	buf->size = size;
	buf->num_pages = size >> PAGE_SHIFT;
	buf->pages = kvcalloc(buf->num_pages, sizeof(*buf->pages), GFP_KERNEL);
	if (!buf->pages) {
		ret = -ENOMEM;
		goto err_free_buf;
	}

	ret = tcs_mem_alloc_pages(buf, contig, vb->vb2_queue->gfp_flags);
	if (ret) {
		dev_dbg(chan->tcs->dev, "ch%u: no %smemory for %lu bytes\n",
			chan->id, contig ? "contiguous " : "", size);
		goto err_free_array;
	}

	ret = sg_alloc_table_from_pages_segment(&buf->sgt, buf->pages,
						buf->num_pages, 0, size,
						tcs_mem_max_seg(dev),
						GFP_KERNEL);
	if (ret)
		goto err_free_pages;

	/* The sync to the device happens in prepare. */
	ret = dma_map_sgtable(dev, &buf->sgt, buf->dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_free_table;

	buf->dev = get_device(dev);
	buf->dma_sgt = &buf->sgt;
	buf->tcs = chan->tcs;
	mutex_init(&buf->lock);
	refcount_set(&buf->refcount, 1);
	buf->handler.refcount = &buf->refcount;
	buf->handler.put = tcs_mem_put;
	buf->handler.arg = buf;
	spin_lock(&tcs_mem_bufs_lock);
	list_add_tail(&buf->node, &tcs_mem_bufs);
	spin_unlock(&tcs_mem_bufs_lock);
	return buf;

err_free_table:
	sg_free_table(&buf->sgt);
err_free_pages:
	if (buf->contig) {
		free_pages_exact(buf->contig, size);
	} else {
		unsigned int i;

		for (i = 0; i < buf->num_pages; i++)
			__free_page(buf->pages[i]);
	}
err_free_array:
	kvfree(buf->pages);
err_free_buf:
	kfree(buf);
	return ERR_PTR(ret);
}

/*
 * vb2 (6.1) sets the skip_cache_sync hints on every DMABUF buffer: "DMA
 * exporter should take care of cache syncs". An exporter only syncs its own
 * mappings, in begin/end_cpu_access, never the one it made for this device
 * at dma_buf_map_attachment() time, and vb2 keeps that mapping for as long as
 * the plane stays the same. The engine writes through this device's mapping,
 * so when the DMA API bounces (swiotlb) or caches are not coherent, the frame
 * reaches the dma-buf's pages only if the importer syncs its mapping. So for
 * imports the hints are ignored, and the mapping is synced by its DMA
 * addresses, segment by segment: the CPU side of an importer's table is the
 * exporter's and must never be read (CONFIG_DMABUF_DEBUG scrambles it; the
 * sg-table syncs read it).
 */
static void tcs_mem_sync_import(struct tcs_mem_buf *buf, bool for_cpu)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(buf->dma_sgt, sg, i) {
		if (for_cpu)
			dma_sync_single_for_cpu(buf->dev, sg_dma_address(sg),
						sg_dma_len(sg), buf->dir);
		else
			dma_sync_single_for_device(buf->dev, sg_dma_address(sg),
						   sg_dma_len(sg), buf->dir);
	}
}

static void tcs_mem_prepare(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	if (!buf->dma_sgt)
		return;
	if (buf->db_attach)
		tcs_mem_sync_import(buf, false);
	else if (!buf->vb->skip_cache_sync_on_prepare)
		dma_sync_sgtable_for_device(buf->dev, buf->dma_sgt, buf->dir);
}

static void tcs_mem_finish(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	if (!buf->dma_sgt)
		return;
	if (buf->db_attach)
		tcs_mem_sync_import(buf, true);
	else if (!buf->vb->skip_cache_sync_on_finish)
		dma_sync_sgtable_for_cpu(buf->dev, buf->dma_sgt, buf->dir);
}

/* Whether [@vaddr, @vaddr + @size) is mapped writable; 0 or -EFAULT. */
static int tcs_mem_check_writable(struct tcs_channel *chan,
				  unsigned long vaddr, unsigned long size)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = vaddr + size, at = vaddr;
	struct vm_area_struct *vma;
	int ret = 0;

	if (end < vaddr)
		return -EFAULT;
	mmap_read_lock(mm);
	while (at < end) {
		vma = vma_lookup(mm, at);
		if (!vma || !(vma->vm_flags & VM_WRITE)) {
			dev_dbg(chan->tcs->dev,
				"ch%u: USERPTR memory at %#lx is %s\n", chan->id,
				at, vma ? "not writable" : "not mapped");
			ret = -EFAULT;
			break;
		}
		at = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

static void *tcs_mem_get_userptr(struct vb2_buffer *vb, struct device *dev,
				 unsigned long vaddr, unsigned long size)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);
	unsigned long need = 0;
	struct tcs_mem_buf *buf;
	unsigned int p;
	int ret;

	if (WARN_ON(!dev))
		return ERR_PTR(-EINVAL);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	/*
	 * Pin only what the format needs: the largest plane of the buffer
	 * (vb2 already refused a shorter one), from the first byte on.
	 * vb2 does not say which plane this is; the planes of every format
	 * here are the same size or smaller than the first.
	 */
	for (p = 0; p < vb->num_planes; p++)
		need = max_t(unsigned long, need, vb->planes[p].min_length);
	if (need && size > need) {
		dev_dbg(chan->tcs->dev,
			"ch%u: USERPTR of %lu bytes, pinning the %lu the format needs\n",
			chan->id, size, need);
		size = need;
	}

	buf->dev = dev;
	buf->chan = chan;
	buf->vb = vb;
	buf->dir = vb->vb2_queue->dma_dir;
	buf->offset = offset_in_page(vaddr);
	buf->size = size;

	/*
	 * The engine writes the memory: refuse what the process cannot write
	 * (6.1's pinning forces write access through a read-only mapping).
	 */
	ret = tcs_mem_check_writable(chan, vaddr, size);
	if (ret)
		goto err_free_buf;

	buf->vec = tcs_create_framevec(vaddr, size,
				       buf->dir == DMA_FROM_DEVICE ||
				       buf->dir == DMA_BIDIRECTIONAL);
	if (IS_ERR(buf->vec)) {
		ret = PTR_ERR(buf->vec);
		goto err_free_buf;
	}
	atomic64_inc(&chan->stats.userptr_pins);

	buf->pages = frame_vector_pages(buf->vec);
	if (IS_ERR(buf->pages)) {
		/* PFN mappings without struct page cannot be described. */
		dev_dbg(chan->tcs->dev, "ch%u: USERPTR memory has no pages\n",
			chan->id);
		ret = -EINVAL;
		goto err_put_vec;
	}
	buf->num_pages = frame_vector_count(buf->vec);

	ret = sg_alloc_table_from_pages_segment(&buf->sgt, buf->pages,
						buf->num_pages, buf->offset,
						size, tcs_mem_max_seg(dev),
						GFP_KERNEL);
	if (ret)
		goto err_put_vec;

	ret = dma_map_sgtable(dev, &buf->sgt, buf->dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_free_table;

	buf->dma_sgt = &buf->sgt;
	atomic64_add(buf->num_pages, &chan->stats.userptr_pages);
	return buf;

err_free_table:
	sg_free_table(&buf->sgt);
err_put_vec:
	vb2_destroy_framevec(buf->vec);
	atomic64_inc(&chan->stats.userptr_unpins);
err_free_buf:
	kfree(buf);
	return ERR_PTR(ret);
}

static void tcs_mem_put_userptr(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;
	unsigned int i;

	dma_unmap_sgtable(buf->dev, &buf->sgt, buf->dir,
			  DMA_ATTR_SKIP_CPU_SYNC);
	if (buf->vaddr)
		vm_unmap_ram(buf->vaddr, buf->num_pages);
	sg_free_table(&buf->sgt);
	if (buf->dir == DMA_FROM_DEVICE || buf->dir == DMA_BIDIRECTIONAL)
		for (i = 0; i < buf->num_pages; i++)
			set_page_dirty_lock(buf->pages[i]);
	vb2_destroy_framevec(buf->vec);
	atomic64_sub(buf->num_pages, &buf->chan->stats.userptr_pages);
	atomic64_inc(&buf->chan->stats.userptr_unpins);
	kfree(buf);
}

static void *tcs_mem_vaddr(struct vb2_buffer *vb, void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	/* Imported buffers are never touched by the CPU here. */
	if (buf->db_attach)
		return NULL;
	if (!buf->vaddr)
		buf->vaddr = vm_map_ram(buf->pages, buf->num_pages, -1);
	return buf->vaddr ? buf->vaddr + buf->offset : NULL;
}

static unsigned int tcs_mem_num_users(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	return refcount_read(&buf->refcount);
}

static int tcs_mem_mmap(void *buf_priv, struct vm_area_struct *vma)
{
	struct tcs_mem_buf *buf = buf_priv;
	int ret;

	ret = vm_map_pages(vma, buf->pages, buf->num_pages);
	if (ret)
		return ret;

	tcs_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = &buf->handler;
	vma->vm_ops = &vb2_common_vm_ops;
	vma->vm_ops->open(vma);
	return 0;
}

static void *tcs_mem_cookie(struct vb2_buffer *vb, void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	return buf->dma_sgt;
}

/* dma-buf export of MMAP buffers */

/**
 * struct tcs_mem_attachment - an importer's view of an exported buffer
 * @sgt: the pages, split for the importer's device.
 * @dir: direction @sgt is mapped with, or DMA_NONE.
 */
struct tcs_mem_attachment {
	struct sg_table sgt;
	enum dma_data_direction dir;
};

static int tcs_mem_dmabuf_attach(struct dma_buf *dbuf,
				 struct dma_buf_attachment *dba)
{
	struct tcs_mem_buf *buf = dbuf->priv;
	struct tcs_mem_attachment *att;
	int ret;

	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return -ENOMEM;

	ret = sg_alloc_table_from_pages_segment(&att->sgt, buf->pages,
						buf->num_pages, 0, buf->size,
						tcs_mem_max_seg(dba->dev),
						GFP_KERNEL);
	if (ret) {
		kfree(att);
		return ret;
	}
	att->dir = DMA_NONE;
	dba->priv = att;
	return 0;
}

static void tcs_mem_dmabuf_detach(struct dma_buf *dbuf,
				  struct dma_buf_attachment *dba)
{
	struct tcs_mem_attachment *att = dba->priv;

	if (!att)
		return;
	if (att->dir != DMA_NONE)
		dma_unmap_sgtable(dba->dev, &att->sgt, att->dir, 0);
	sg_free_table(&att->sgt);
	kfree(att);
}

static struct sg_table *tcs_mem_dmabuf_map(struct dma_buf_attachment *dba,
					   enum dma_data_direction dir)
{
	struct tcs_mem_attachment *att = dba->priv;

	/* The mapping is kept until detach; reuse it if it fits. */
	if (att->dir == dir)
		return &att->sgt;

	if (att->dir != DMA_NONE) {
		dma_unmap_sgtable(dba->dev, &att->sgt, att->dir, 0);
		att->dir = DMA_NONE;
	}
	if (tcs_dma_map_shared(dba->dev, &att->sgt, dir))
		return ERR_PTR(-EIO);
	att->dir = dir;
	return &att->sgt;
}

static void tcs_mem_dmabuf_unmap(struct dma_buf_attachment *dba,
				 struct sg_table *sgt,
				 enum dma_data_direction dir)
{
	/* Unmapped at detach. */
}

static void tcs_mem_dmabuf_release(struct dma_buf *dbuf)
{
	tcs_mem_put(dbuf->priv);
}

static int tcs_mem_dmabuf_begin_cpu(struct dma_buf *dbuf,
				    enum dma_data_direction dir)
{
	struct tcs_mem_buf *buf = dbuf->priv;

	mutex_lock(&buf->lock);
	if (!buf->orphaned)
		dma_sync_sgtable_for_cpu(buf->dev, buf->dma_sgt, buf->dir);
	mutex_unlock(&buf->lock);
	return 0;
}

static int tcs_mem_dmabuf_end_cpu(struct dma_buf *dbuf,
				  enum dma_data_direction dir)
{
	struct tcs_mem_buf *buf = dbuf->priv;

	mutex_lock(&buf->lock);
	if (!buf->orphaned)
		dma_sync_sgtable_for_device(buf->dev, buf->dma_sgt, buf->dir);
	mutex_unlock(&buf->lock);
	return 0;
}

static int tcs_mem_dmabuf_vmap(struct dma_buf *dbuf, struct iosys_map *map)
{
	void *vaddr = tcs_mem_vaddr(NULL, dbuf->priv);

	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static int tcs_mem_dmabuf_mmap(struct dma_buf *dbuf, struct vm_area_struct *vma)
{
	return tcs_mem_mmap(dbuf->priv, vma);
}

static const struct dma_buf_ops tcs_mem_dmabuf_ops = {
	.attach = tcs_mem_dmabuf_attach,
	.detach = tcs_mem_dmabuf_detach,
	.map_dma_buf = tcs_mem_dmabuf_map,
	.unmap_dma_buf = tcs_mem_dmabuf_unmap,
	.begin_cpu_access = tcs_mem_dmabuf_begin_cpu,
	.end_cpu_access = tcs_mem_dmabuf_end_cpu,
	.vmap = tcs_mem_dmabuf_vmap,
	.mmap = tcs_mem_dmabuf_mmap,
	.release = tcs_mem_dmabuf_release,
};

static struct dma_buf *tcs_mem_get_dmabuf(struct vb2_buffer *vb,
					  void *buf_priv, unsigned long flags)
{
	struct tcs_mem_buf *buf = buf_priv;
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dbuf;

	exp_info.ops = &tcs_mem_dmabuf_ops;
	exp_info.size = buf->size;
	exp_info.flags = flags;
	exp_info.priv = buf;

	dbuf = dma_buf_export(&exp_info);
	if (IS_ERR(dbuf))
		return NULL;

	/* The dma-buf holds a reference until its release. */
	refcount_inc(&buf->refcount);
	return dbuf;
}

/* dma-buf import */

static void *tcs_mem_attach_dmabuf(struct vb2_buffer *vb, struct device *dev,
				   struct dma_buf *dbuf, unsigned long size)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);
	struct dma_buf_attachment *dba;
	struct tcs_mem_buf *buf;

	if (WARN_ON(!dev))
		return ERR_PTR(-EINVAL);
	if (dbuf->size < size)
		return ERR_PTR(-EINVAL);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	buf->dev = dev;
	buf->chan = chan;
	buf->vb = vb;
	buf->dir = vb->vb2_queue->dma_dir;
	buf->size = size;

	dba = dma_buf_attach(dbuf, dev);
	if (IS_ERR(dba)) {
		kfree(buf);
		return ERR_CAST(dba);
	}
	atomic64_inc(&chan->stats.dmabuf_attach);
	buf->db_attach = dba;
	return buf;
}

static void tcs_mem_detach_dmabuf(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	if (WARN_ON(buf->dma_sgt))
		dma_buf_unmap_attachment_unlocked(buf->db_attach, buf->dma_sgt,
						  buf->dir);
	dma_buf_detach(buf->db_attach->dmabuf, buf->db_attach);
	atomic64_inc(&buf->chan->stats.dmabuf_detach);
	kfree(buf);
}

static int tcs_mem_map_dmabuf(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;
	struct sg_table *sgt;
	struct scatterlist *sg;
	unsigned long len = 0;
	unsigned int i;

	if (WARN_ON(buf->dma_sgt))
		return -EBUSY;

	sgt = dma_buf_map_attachment_unlocked(buf->db_attach, buf->dir);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	atomic64_inc(&buf->chan->stats.dmabuf_map);

	/* Never trust an exporter to describe as many bytes as it claims. */
	for_each_sgtable_dma_sg(sgt, sg, i)
		len += sg_dma_len(sg);
	if (len < buf->size) {
		dev_dbg(buf->chan->tcs->dev,
			"ch%u: dma-buf maps %lu bytes, plane needs %lu\n",
			buf->chan->id, len, buf->size);
		dma_buf_unmap_attachment_unlocked(buf->db_attach, sgt,
						  buf->dir);
		atomic64_inc(&buf->chan->stats.dmabuf_unmap);
		return -EINVAL;
	}

	buf->dma_sgt = sgt;
	return 0;
}

static void tcs_mem_unmap_dmabuf(void *buf_priv)
{
	struct tcs_mem_buf *buf = buf_priv;

	if (WARN_ON(!buf->dma_sgt))
		return;
	dma_buf_unmap_attachment_unlocked(buf->db_attach, buf->dma_sgt,
					  buf->dir);
	atomic64_inc(&buf->chan->stats.dmabuf_unmap);
	buf->dma_sgt = NULL;
}

const struct vb2_mem_ops tcs_mem_ops = {
	.alloc = tcs_mem_alloc,
	.put = tcs_mem_put,
	.get_dmabuf = tcs_mem_get_dmabuf,
	.get_userptr = tcs_mem_get_userptr,
	.put_userptr = tcs_mem_put_userptr,
	.prepare = tcs_mem_prepare,
	.finish = tcs_mem_finish,
	.attach_dmabuf = tcs_mem_attach_dmabuf,
	.detach_dmabuf = tcs_mem_detach_dmabuf,
	.map_dmabuf = tcs_mem_map_dmabuf,
	.unmap_dmabuf = tcs_mem_unmap_dmabuf,
	.vaddr = tcs_mem_vaddr,
	.cookie = tcs_mem_cookie,
	.num_users = tcs_mem_num_users,
	.mmap = tcs_mem_mmap,
};

/**
 * tcs_mem_sgt() - the DMA-mapped sg table of a plane
 * @vb: the buffer.
 * @plane: the plane.
 *
 * Return: the table mapped for the queue's device, or NULL.
 */
struct sg_table *tcs_mem_sgt(struct vb2_buffer *vb, unsigned int plane)
{
	return vb2_plane_cookie(vb, plane);
}
