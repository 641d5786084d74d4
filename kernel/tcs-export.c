// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: application memory exported as a dma-buf
 * (TEGRA_CSI_SG_IOC_EXPORT_USERPTR, uapi header).
 *
 * The calling process's pages of [addr, addr + length) are pinned for the
 * dma-buf's whole life (FOLL_LONGTERM, as RDMA's ib_umem and VFIO pin) and
 * charged to mm->pinned_vm (VmPin in /proc/PID/status), bounded by its
 * RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK (the limit, not the count). Each importer gets its own
 * sg table of the pages, mapped for its device at map_dma_buf(); the
 * exporter never hands out a CPU-side table. CPU access through the
 * dma-buf (DMA_BUF_IOCTL_SYNC) syncs every mapped attachment; mmap() of the
 * dma-buf maps the very pages; vmap() gives in-kernel importers a kernel
 * mapping. When the application unmaps or frees its range the pages stay
 * pinned, so every importer keeps valid memory, until the last reference
 * to the dma-buf drops: then they are unpinned (dirtied) and uncharged.
 *
 * The model is udmabuf (drivers/dma-buf/udmabuf.c), which takes memfd
 * pages only and is not built by Debian; the pinning and its accounting
 * follow drivers/infiniband/core/umem.c.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <linux/tegra-csi-sg.h>

#include "tcs.h"
#include "tcs-compat.h"

MODULE_IMPORT_NS(DMA_BUF);

/* debugfs "exports" (tcs-debugfs.c): module-wide, a dma-buf outlives its channel */
atomic64_t tcs_exports_made, tcs_exports_released, tcs_exports_pinned_pages;

/**
 * struct tcs_export - one exported range of application memory
 * @pages: the pinned pages, @npages of them, in address order.
 * @npages: number of pages the dma-buf covers (whole pages).
 * @offset: where the application's first byte lies in the first page.
 * @mm: the process whose pinned_vm the pages are charged to (mmgrab()ed),
 *	or NULL before they are.
 * @lock: protects @attachments and @vaddr/@vmap_count.
 * @attachments: the importers' &struct tcs_export_attachment.
 * @vaddr: kernel mapping for vmap(), while @vmap_count > 0.
 * @vmap_count: vmap() calls not yet matched by vunmap().
 */
struct tcs_export {
	struct page **pages;
	unsigned long npages;
	unsigned int offset;
	struct mm_struct *mm;
	struct mutex lock;
	struct list_head attachments;
	void *vaddr;
	unsigned int vmap_count;
};

/**
 * struct tcs_export_attachment - one importer's view of an export
 * @node: in &tcs_export.attachments.
 * @dev: the importing device.
 * @sgt: the pages as that device may take them (its max segment size),
 *	DMA-mapped for it while @dir is not DMA_NONE; the exporter's own, to
 *	sync and unmap with.
 * @out: a copy of @sgt as mapped, handed to the importer: the dma-buf core
 *	scrambles the CPU side of the table it returns (CONFIG_DMABUF_DEBUG),
 *	which the syncs of @sgt must not see.
 * @dir: the direction @sgt is mapped for, DMA_NONE while unmapped.
 */
struct tcs_export_attachment {
	struct list_head node;
	struct device *dev;
	struct sg_table sgt;
	struct sg_table out;
	enum dma_data_direction dir;
};

/* @dst: a copy of the DMA-mapped @src, pages and bus addresses alike. */
static int tcs_export_copy_mapped(struct sg_table *dst, struct sg_table *src)
{
	struct scatterlist *s, *d;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(dst, src->orig_nents, GFP_KERNEL);
	if (ret)
		return ret;
	d = dst->sgl;
	for_each_sgtable_sg(src, s, i) {
		sg_set_page(d, sg_page(s), s->length, s->offset);
		sg_dma_address(d) = sg_dma_address(s);
		sg_dma_len(d) = sg_dma_len(s);
#ifdef CONFIG_NEED_SG_DMA_FLAGS
		d->dma_flags = s->dma_flags;
#endif
		d = sg_next(d);
	}
	dst->nents = src->nents;
	return 0;
}

static int tcs_export_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct tcs_export *exp = dmabuf->priv;
	struct tcs_export_attachment *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages_segment(&a->sgt, exp->pages, exp->npages, 0,
						exp->npages << PAGE_SHIFT,
						tcs_mem_max_seg(attach->dev), GFP_KERNEL);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dev = attach->dev;
	a->dir = DMA_NONE;
	attach->priv = a;
	mutex_lock(&exp->lock);
	list_add(&a->node, &exp->attachments);
	mutex_unlock(&exp->lock);
	return 0;
}

static void tcs_export_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct tcs_export *exp = dmabuf->priv;
	struct tcs_export_attachment *a = attach->priv;

	mutex_lock(&exp->lock);
	list_del(&a->node);
	mutex_unlock(&exp->lock);
	sg_free_table(&a->sgt);
	kfree(a);
}

static struct sg_table *tcs_export_map(struct dma_buf_attachment *attach,
				       enum dma_data_direction dir)
{
	struct tcs_export *exp = attach->dmabuf->priv;
	struct tcs_export_attachment *a = attach->priv;
	int ret;

	mutex_lock(&exp->lock);
	if (a->dir != DMA_NONE) {
		mutex_unlock(&exp->lock);
		return ERR_PTR(-EBUSY);
	}
	ret = tcs_dma_map_shared(a->dev, &a->sgt, dir);
	if (!ret) {
		ret = tcs_export_copy_mapped(&a->out, &a->sgt);
		if (ret)
			dma_unmap_sgtable(a->dev, &a->sgt, dir, 0);
		else
			a->dir = dir;
	}
	mutex_unlock(&exp->lock);
	return ret ? ERR_PTR(ret) : &a->out;
}

static void tcs_export_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
			     enum dma_data_direction dir)
{
	struct tcs_export *exp = attach->dmabuf->priv;
	struct tcs_export_attachment *a = attach->priv;

	mutex_lock(&exp->lock);
	dma_unmap_sgtable(a->dev, &a->sgt, a->dir, 0);
	sg_free_table(&a->out);
	a->dir = DMA_NONE;
	mutex_unlock(&exp->lock);
}

/* CPU access: every importer's mapping handed over (bounce buffers copied back). */
static int tcs_export_sync(struct dma_buf *dmabuf, bool for_cpu)
{
	struct tcs_export *exp = dmabuf->priv;
	struct tcs_export_attachment *a;

	mutex_lock(&exp->lock);
	list_for_each_entry(a, &exp->attachments, node) {
		if (a->dir == DMA_NONE)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(a->dev, &a->sgt, a->dir);
		else
			dma_sync_sgtable_for_device(a->dev, &a->sgt, a->dir);
	}
	mutex_unlock(&exp->lock);
	return 0;
}

static int tcs_export_begin_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	return tcs_export_sync(dmabuf, true);
}

static int tcs_export_end_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	return tcs_export_sync(dmabuf, false);
}

/*
 * mmap() of the dma-buf: the very pages, inserted by PFN at fault time.
 * They are anonymous (malloc()ed) pages, which vm_insert_page() refuses
 * and which must not be mapped as a file's: the mapping is VM_PFNMAP, as
 * udmabuf's, and holds the dma-buf (vm_file), so the pages stay pinned for
 * as long as it exists.
 */
static vm_fault_t tcs_export_fault(struct vm_fault *vmf)
{
	struct tcs_export *exp = vmf->vma->vm_private_data;

	if (vmf->pgoff >= exp->npages)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(exp->pages[vmf->pgoff]));
}

static const struct vm_operations_struct tcs_export_vm_ops = {
	.fault = tcs_export_fault,
};

static int tcs_export_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct tcs_export *exp = dmabuf->priv;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_ops = &tcs_export_vm_ops;
	vma->vm_private_data = exp;
	tcs_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

static int tcs_export_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct tcs_export *exp = dmabuf->priv;

	mutex_lock(&exp->lock);
	if (!exp->vmap_count) {
		exp->vaddr = vmap(exp->pages, exp->npages, VM_MAP, PAGE_KERNEL);
		if (!exp->vaddr) {
			mutex_unlock(&exp->lock);
			return -ENOMEM;
		}
	}
	exp->vmap_count++;
	iosys_map_set_vaddr(map, exp->vaddr);
	mutex_unlock(&exp->lock);
	return 0;
}

static void tcs_export_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct tcs_export *exp = dmabuf->priv;

	mutex_lock(&exp->lock);
	if (!WARN_ON(!exp->vmap_count) && !--exp->vmap_count) {
		vunmap(exp->vaddr);
		exp->vaddr = NULL;
	}
	mutex_unlock(&exp->lock);
}

/* The last reference: the pages go back, written (dirty), and uncharged. */
static void tcs_export_free(struct tcs_export *exp)
{
	unpin_user_pages_dirty_lock(exp->pages, exp->npages, true);
	atomic64_sub(exp->npages, &tcs_exports_pinned_pages);
	if (exp->mm) {
		atomic64_sub(exp->npages, &exp->mm->pinned_vm);
		mmdrop(exp->mm);
	}
	kvfree(exp->pages);
	kfree(exp);
}

static void tcs_export_release(struct dma_buf *dmabuf)
{
	tcs_export_free(dmabuf->priv);
	atomic64_inc(&tcs_exports_released);
}

static const struct dma_buf_ops tcs_export_ops = {
	.attach = tcs_export_attach,
	.detach = tcs_export_detach,
	.map_dma_buf = tcs_export_map,
	.unmap_dma_buf = tcs_export_unmap,
	.begin_cpu_access = tcs_export_begin_cpu,
	.end_cpu_access = tcs_export_end_cpu,
	.mmap = tcs_export_mmap,
	.vmap = tcs_export_vmap,
	.vunmap = tcs_export_vunmap,
	.release = tcs_export_release,
};

/**
 * tcs_export_offset() - where the application's memory starts in a dma-buf
 * @dmabuf: a dma-buf queued to a channel (V4L2_MEMORY_DMABUF).
 *
 * The engine must write a frame where the application's pointer is, not at
 * the start of the page it lies in (which may hold malloc()'s own data).
 *
 * Return: the byte offset of the exported range in @dmabuf when the driver
 * exported it (TEGRA_CSI_SG_IOC_EXPORT_USERPTR), 0 for any other dma-buf.
 */
size_t tcs_export_offset(struct dma_buf *dmabuf)
{
	if (dmabuf->ops != &tcs_export_ops)
		return 0;
	return ((struct tcs_export *)dmabuf->priv)->offset;
}

/*
 * Whether the caller's [start, end) is all ordinary, writable memory:
 * -EFAULT for a hole, -EOPNOTSUPP for VM_IO or VM_PFNMAP memory (device
 * memory, no struct page to pin), -EACCES for a mapping without write
 * permission (the engine writes frames into it).
 */
static int tcs_export_check_vmas(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long cur = start;
	int ret = 0;

	mmap_read_lock(mm);
	while (cur < end) {
		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start > cur) {
			ret = -EFAULT;
			break;
		}
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			ret = -EOPNOTSUPP;
			break;
		}
		if (!(vma->vm_flags & VM_WRITE)) {
			ret = -EACCES;
			break;
		}
		cur = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

/*
 * Charge @npages to @mm's pinned_vm, as ib_umem_get() does: always counted
 * (VmPin shows every long-term pin), refused with -ENOMEM over
 * RLIMIT_MEMLOCK unless the caller has CAP_IPC_LOCK.
 */
static int tcs_export_charge(struct mm_struct *mm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;

	if ((u64)atomic64_add_return(npages, &mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

/**
 * tcs_export_userptr() - TEGRA_CSI_SG_IOC_EXPORT_USERPTR
 * @chan: the channel whose node the ioctl came through (for the log).
 * @arg: the request (uapi header): @arg->addr and @arg->length in,
 *	 @arg->fd and @arg->offset out.
 *
 * Context: process context of the caller, whose memory is exported; the
 * video device's lock may be held.
 * Return: 0 with @arg->fd a new dma-buf file descriptor; -EINVAL for
 * nonzero reserved fields, unknown flags or a zero length, -E2BIG for a
 * length over TEGRA_CSI_SG_EXPORT_MAX_BYTES, -EOVERFLOW when the range
 * wraps, -EFAULT for a range not fully mapped, -EOPNOTSUPP for VM_IO or
 * VM_PFNMAP memory, -EACCES for a read-only mapping, -ENOMEM over
 * RLIMIT_MEMLOCK (or out of memory), or pin_user_pages_fast()'s and
 * dma_buf_fd()'s errors.
 */
long tcs_export_userptr(struct tcs_channel *chan, struct tegra_csi_sg_export_userptr *arg)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end, npages, pinned = 0;
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct tcs_export *exp;
	struct dma_buf *dmabuf;
	int ret, fd, i;

	for (i = 0; i < ARRAY_SIZE(arg->reserved); i++)
		if (arg->reserved[i])
			return -EINVAL;
	if (arg->flags & ~(__u32)O_CLOEXEC || !arg->length)
		return -EINVAL;
	if (arg->length > TEGRA_CSI_SG_EXPORT_MAX_BYTES)
		return -E2BIG;
	if (arg->addr + arg->length < arg->addr || arg->addr + arg->length > TASK_SIZE)
		return -EOVERFLOW;
	if (!mm)
		return -EFAULT;
	start = round_down(arg->addr, PAGE_SIZE);
	end = round_up(arg->addr + arg->length, PAGE_SIZE);
	npages = (end - start) >> PAGE_SHIFT;
	ret = tcs_export_check_vmas(mm, start, end);
	if (ret)
		return ret;

	exp = kzalloc(sizeof(*exp), GFP_KERNEL);
	if (!exp)
		return -ENOMEM;
	mutex_init(&exp->lock);
	INIT_LIST_HEAD(&exp->attachments);
	exp->pages = kvmalloc_array(npages, sizeof(*exp->pages), GFP_KERNEL);
	if (!exp->pages) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = tcs_export_charge(mm, npages);
	if (ret)
		goto err_free;
	mmgrab(mm);
	exp->mm = mm;
	while (pinned < npages) {
		ret = pin_user_pages_fast(start + (pinned << PAGE_SHIFT),
					  min_t(unsigned long, npages - pinned, INT_MAX),
					  FOLL_WRITE | FOLL_LONGTERM, exp->pages + pinned);
		if (ret <= 0) {
			ret = ret ?: -EFAULT;
			goto err_unpin;
		}
		pinned += ret;
	}
	exp->npages = npages;
	exp->offset = offset_in_page(arg->addr);
	atomic64_add(npages, &tcs_exports_pinned_pages);

	info.ops = &tcs_export_ops;
	info.size = npages << PAGE_SHIFT;
	info.flags = O_RDWR;
	info.priv = exp;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		tcs_export_free(exp);
		return ret;
	}
	atomic64_inc(&tcs_exports_made);
	fd = dma_buf_fd(dmabuf, O_RDWR | (arg->flags & O_CLOEXEC));
	if (fd < 0) {
		dma_buf_put(dmabuf);	/* release() frees the export */
		return fd;
	}
	arg->fd = fd;
	arg->offset = offset_in_page(arg->addr);
	dev_dbg(chan->tcs->dev, "ch%u: exported %lu pages at 0x%lx as dma-buf fd %d\n",
		chan->id, npages, start, fd);
	return 0;

err_unpin:
	unpin_user_pages(exp->pages, pinned);
	if (exp->mm) {
		atomic64_sub(npages, &exp->mm->pinned_vm);
		mmdrop(exp->mm);
	}
err_free:
	kvfree(exp->pages);
	kfree(exp);
	return ret;
}
