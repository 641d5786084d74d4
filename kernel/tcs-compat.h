/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: differences between kernel versions, in one place.
 *
 * The driver is written against 6.1 (Debian 12); newer kernels renamed or
 * changed a few interfaces it uses. Kbuild passes the version of the kernel
 * being built against as TCS_KVER_MAJOR and TCS_KVER_MINOR.
 */
#ifndef TCS_COMPAT_H
#define TCS_COMPAT_H

/* Major and minor version as 0xMMmm: 6.3 is 0x0603. */
#define TCS_KVER	(TCS_KVER_MAJOR * 256 + TCS_KVER_MINOR)

#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/mem_encrypt.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/swiotlb.h>
#include <media/videobuf2-core.h>
#include <media/videobuf2-memops.h>

/* 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#if TCS_KVER >= 0x060c
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.3: vm_flags became read-only, set through vm_flags_set(). */
static inline void tcs_vm_flags_set(struct vm_area_struct *vma,
				    unsigned long flags)
{
#if TCS_KVER >= 0x0603
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* 6.3: iommu_map() takes a gfp_t. */
static inline int tcs_iommu_map(struct iommu_domain *domain,
				unsigned long iova, phys_addr_t paddr,
				size_t size, int prot)
{
#if TCS_KVER >= 0x0603
	return iommu_map(domain, iova, paddr, size, prot, GFP_KERNEL);
#else
	return iommu_map(domain, iova, paddr, size, prot);
#endif
}

static inline ssize_t tcs_iommu_map_sg(struct iommu_domain *domain,
				       unsigned long iova,
				       struct scatterlist *sg,
				       unsigned int nents, int prot)
{
#if TCS_KVER >= 0x0603
	return iommu_map_sg(domain, iova, sg, nents, prot, GFP_KERNEL);
#else
	return iommu_map_sg(domain, iova, sg, nents, prot);
#endif
}

/* 6.11: iommu_paging_domain_alloc() replaces iommu_domain_alloc(bus). */
static inline struct iommu_domain *tcs_iommu_domain_alloc(struct device *dev)
{
#if TCS_KVER >= 0x060b
	return iommu_paging_domain_alloc(dev);
#else
	struct iommu_domain *domain = iommu_domain_alloc(dev->bus);

	return domain ? domain : ERR_PTR(-ENODEV);
#endif
}

/* 6.8: vb2_queue.min_buffers_needed became min_queued_buffers. */
static inline void tcs_vb2_set_min_queued(struct vb2_queue *q, unsigned int n)
{
#if TCS_KVER >= 0x0608
	q->min_queued_buffers = n;
#else
	q->min_buffers_needed = n;
#endif
}

/* 6.13: symbol namespaces are strings. */
#if TCS_KVER >= 0x060d
#define TCS_MODULE_IMPORT_DMA_BUF() MODULE_IMPORT_NS("DMA_BUF")
#else
#define TCS_MODULE_IMPORT_DMA_BUF() MODULE_IMPORT_NS(DMA_BUF)
#endif

/*
 * A driver whose vb2 queue has a lock must supply these two so that vb2
 * drops the lock while a blocking DQBUF waits (6.1 and 6.12 both need them:
 * without, a STREAMOFF from another thread waits for the DQBUF).
 */
#if TCS_KVER <= 0x060c
#define TCS_VB2_WAIT_OPS			\
	.wait_prepare = vb2_ops_wait_prepare,	\
	.wait_finish = vb2_ops_wait_finish,
#else
#define TCS_VB2_WAIT_OPS
#endif

/*
 * vb2_create_framevec() gained a "write" argument after 6.1 (6.1 has two
 * arguments, 6.12 three; the versions between are not built here).
 */
static inline struct frame_vector *tcs_create_framevec(unsigned long start,
							unsigned long length,
							bool write)
{
#if TCS_KVER >= 0x0602
	return vb2_create_framevec(start, length, write);
#else
	return vb2_create_framevec(start, length);
#endif
}

/*
 * 6.11: platform_driver.remove returns void (6.1 has it in .remove_new).
 * Use as: .TCS_PLATFORM_REMOVE = my_remove, with a void my_remove().
 */
#if TCS_KVER >= 0x060b
#define TCS_PLATFORM_REMOVE	remove
#else
#define TCS_PLATFORM_REMOVE	remove_new
#endif

/*
 * Whether @phys lies in a swiotlb bounce pool of @dev. 6.12 replaced
 * is_swiotlb_buffer() with swiotlb_find_pool(); with SWIOTLB_DYNAMIC that
 * calls a function modules cannot, so there a device that has ever
 * bounced counts as bouncing (Debian's kernels do not set it).
 */
static inline bool tcs_is_bounce(struct device *dev, phys_addr_t phys)
{
#if TCS_KVER >= 0x060c
#ifdef CONFIG_SWIOTLB_DYNAMIC
	return READ_ONCE(dev->dma_uses_io_tlb);
#else
	return swiotlb_find_pool(dev, phys) != NULL;
#endif
#else
	return is_swiotlb_buffer(dev, phys);
#endif
}

/* 6.11: dma_set_max_seg_size() returns nothing (it WARNs without dma_parms). */
static inline int tcs_dma_set_max_seg_size(struct device *dev,
					   unsigned int size)
{
#if TCS_KVER >= 0x060b
	if (!dev->dma_parms)
		return -EIO;
	dma_set_max_seg_size(dev, size);
	return 0;
#else
	return dma_set_max_seg_size(dev, size);
#endif
}

/*
 * The bus address a device emits for a physical address, and back. The
 * driver's own platform device has no DMA range map, so for it the two are
 * the same apart from memory encryption bits (dma_to_phys() itself calls an
 * unexported helper).
 */
static inline phys_addr_t tcs_bus_to_phys(struct device *dev, u64 addr)
{
	if (WARN_ON_ONCE(dev->dma_range_map))
		return 0;
	return __sme_clr(addr);
}

/*
 * 6.5: v4l2-async's v4l2_async_subdev became v4l2_async_connection, and a
 * notifier is initialised with its V4L2 device and registered alone.
 * (tcs-t210-host1x.c only, which includes <media/v4l2-async.h>.)
 */
#ifdef V4L2_ASYNC_H
#if TCS_KVER >= 0x0605
#define TCS_ASYNC_CONN	v4l2_async_connection
static inline void tcs_async_nf_init(struct v4l2_async_notifier *nf,
				     struct v4l2_device *v4l2_dev)
{
	v4l2_async_nf_init(nf, v4l2_dev);
}

static inline int tcs_async_nf_register(struct v4l2_async_notifier *nf,
					struct v4l2_device *v4l2_dev)
{
	return v4l2_async_nf_register(nf);
}
#else
#define TCS_ASYNC_CONN	v4l2_async_subdev
static inline void tcs_async_nf_init(struct v4l2_async_notifier *nf,
				     struct v4l2_device *v4l2_dev)
{
	v4l2_async_nf_init(nf);
}

static inline int tcs_async_nf_register(struct v4l2_async_notifier *nf,
					struct v4l2_device *v4l2_dev)
{
	return v4l2_async_nf_register(v4l2_dev, nf);
}
#endif
#endif

#endif /* TCS_COMPAT_H */
