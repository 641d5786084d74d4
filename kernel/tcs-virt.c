// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: the virtual backend.
 *
 * A sensor model per channel (tcs-virt-sensor.c) renders frames into a
 * scratch buffer; this file is the DMA engine model that copies each frame
 * out to the buffer at the head of its two-deep hardware queue using only
 * the buffer's DMA description, like the hardware would: it walks the
 * descriptors, translates every address the way the bus would (IOVAs through
 * the driver's IOMMU domain with iommu_iova_to_phys(), bus addresses of the
 * platform device directly) and writes the physical pages. It never uses the
 * vb2 CPU mapping. With swiotlb=force the bus addresses are the bounce
 * buffers, and vb2's finish sync copies them back, as for real DMA.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "tcs-virt.h"
#include "tcs-compat.h"

/* QEMU's "edu" PCI device, the DMA master of IOMMU mode. */
#define TCS_VIRT_EDU_VENDOR	0x1234
#define TCS_VIRT_EDU_DEVICE	0x11e8

static unsigned int virtual_channels = 1;
module_param(virtual_channels, uint, 0444);
MODULE_PARM_DESC(virtual_channels,
		 "Number of virtual channels, 0 to 6 (0: no virtual device)");

static char *virtual_dma = "sg";
module_param(virtual_dma, charp, 0444);
MODULE_PARM_DESC(virtual_dma,
		 "DMA mode of the virtual engine: sg, iommu or contig");

/**
 * struct tcs_virt_dev - virtual backend state of the device
 * @edu: IOMMU mode: the PCI device used as DMA master (reference held).
 */
struct tcs_virt_dev {
	struct pci_dev *edu;
};

/* The engine model */

/* Must be called with chan->lock held. */
static void tcs_virt_queue_buffer(struct tcs_channel *chan,
				  struct tcs_buffer *buf)
{
	struct tcs_virt_chan *vc = chan->backend_priv;

	if (WARN_ON(vc->hwq_len >= TCS_VIRT_HW_DEPTH))
		return;
	vc->hwq[vc->hwq_len++] = buf;
}

/**
 * tcs_virt_engine_head() - the buffer the engine writes the next frame to
 * @vc: the channel.
 *
 * Return: the oldest programmed buffer, or NULL when the queue is empty.
 */
struct tcs_buffer *tcs_virt_engine_head(struct tcs_virt_chan *vc)
{
	struct tcs_buffer *buf;
	unsigned long flags;

	spin_lock_irqsave(&vc->chan->lock, flags);
	buf = vc->hwq_len ? vc->hwq[0] : NULL;
	spin_unlock_irqrestore(&vc->chan->lock, flags);
	return buf;
}

/**
 * tcs_virt_engine_pop() - retire the head of the hardware queue
 * @vc: the channel.
 */
void tcs_virt_engine_pop(struct tcs_virt_chan *vc)
{
	unsigned long flags;

	spin_lock_irqsave(&vc->chan->lock, flags);
	if (!WARN_ON(!vc->hwq_len)) {
		vc->hwq[0] = vc->hwq[1];
		vc->hwq[1] = NULL;
		vc->hwq_len--;
	}
	spin_unlock_irqrestore(&vc->chan->lock, flags);
}

static void tcs_virt_engine_reset(struct tcs_virt_chan *vc)
{
	unsigned long flags;

	spin_lock_irqsave(&vc->chan->lock, flags);
	vc->hwq[0] = NULL;
	vc->hwq[1] = NULL;
	vc->hwq_len = 0;
	spin_unlock_irqrestore(&vc->chan->lock, flags);
}

/* What physical address does the engine reach at @addr? */
static phys_addr_t tcs_virt_translate(struct tcs_device *tcs,
				      enum tcs_addr_space space, u64 addr)
{
	if (space == TCS_SPACE_IOVA)
		return tcs_iommu_iova_to_phys(tcs, addr);
	return tcs_bus_to_phys(tcs->dma_dev, addr);
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

/**
 * tcs_virt_engine_write() - the simulated DMA of one frame
 * @vc: the channel.
 * @buf: the destination, at the head of the hardware queue.
 * @src: the frame.
 * @len: bytes in @src.
 *
 * Return: 0, or -EFAULT if a descriptor points at nothing.
 */
int tcs_virt_engine_write(struct tcs_virt_chan *vc, struct tcs_buffer *buf,
			  const u8 *src, size_t len)
{
	struct tcs_device *tcs = vc->chan->tcs;
	const struct tcs_buf_dma *d = &buf->dma;
	unsigned int i;
	int ret;

	for (i = 0; i < d->nsegs && len; i++) {
		size_t n = min_t(size_t, len, d->segs[i].len);

		ret = tcs_virt_write(tcs, d->space, d->segs[i].addr, src, n);
		if (ret) {
			dev_err_ratelimited(tcs->dev,
					    "ch%u: DMA fault at descriptor %u (%#llx)\n",
					    vc->chan->id, i, d->segs[i].addr);
			return ret;
		}
		src += n;
		len -= n;
	}
	return len ? -EFAULT : 0;
}

/* Backend operations */

static int tcs_virt_start(struct tcs_channel *chan)
{
	struct tcs_virt_chan *vc = chan->backend_priv;
	int ret;

	ret = tcs_virt_sensor_start(vc);
	if (ret)
		tcs_virt_engine_reset(vc);
	return ret;
}

static void tcs_virt_stop(struct tcs_channel *chan)
{
	struct tcs_virt_chan *vc = chan->backend_priv;

	tcs_virt_sensor_stop(vc);
	tcs_virt_engine_reset(vc);
}

static int tcs_virt_channel_init(struct tcs_channel *chan)
{
	struct tcs_virt_chan *vc;
	int ret;

	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		return -ENOMEM;
	vc->chan = chan;
	chan->backend_priv = vc;

	ret = tcs_virt_sensor_init(vc);
	if (ret)
		goto err_free;
	ret = tcs_virt_ctrls_init(vc);
	if (ret)
		goto err_sensor;
	return 0;

err_sensor:
	tcs_virt_sensor_cleanup(vc);
err_free:
	chan->backend_priv = NULL;
	kfree(vc);
	return ret;
}

static void tcs_virt_channel_cleanup(struct tcs_channel *chan)
{
	struct tcs_virt_chan *vc = chan->backend_priv;

	if (!vc)
		return;
	tcs_virt_sensor_cleanup(vc);
	chan->backend_priv = NULL;
	kfree(vc);
}

/* Parse the module parameters; 0 or -EINVAL. */
static int tcs_virt_params(enum tcs_dma_mode *mode)
{
	if (virtual_channels > TCS_MAX_CHANNELS) {
		pr_err("virtual_channels=%u: must be 0 to %u\n",
		       virtual_channels, TCS_MAX_CHANNELS);
		return -EINVAL;
	}

	if (sysfs_streq(virtual_dma, "sg")) {
		*mode = TCS_DMA_SG;
	} else if (sysfs_streq(virtual_dma, "iommu")) {
		*mode = TCS_DMA_IOMMU;
	} else if (sysfs_streq(virtual_dma, "contig")) {
		*mode = TCS_DMA_CONTIG;
	} else {
		pr_err("virtual_dma=%s: must be sg, iommu or contig\n",
		       virtual_dma);
		return -EINVAL;
	}
	return 0;
}

static int tcs_virt_probe(struct tcs_device *tcs)
{
	struct tcs_dma_constraints *c = &tcs->dma;
	struct tcs_virt_dev *vd;
	int ret;

	ret = tcs_virt_params(&c->mode);
	if (ret)
		return ret;
	if (!virtual_channels)
		return -ENODEV;

	/* Tegra210 VI-like limits: 32-bit addresses, 8-byte aligned start. */
	c->addr_bits = 32;
	c->start_align = 8;
	c->max_seg_size = SZ_1M;
	c->max_descs = 16384;

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	tcs->backend_priv = vd;
	tcs->num_channels = virtual_channels;

	if (c->mode != TCS_DMA_IOMMU) {
		ret = dma_coerce_mask_and_coherent(tcs->dev,
						   DMA_BIT_MASK(c->addr_bits));
		if (ret)
			goto err_free;
		dma_set_max_seg_size(tcs->dev, c->max_seg_size);
		tcs->dma_dev = tcs->dev;
		return 0;
	}

	vd->edu = pci_get_device(TCS_VIRT_EDU_VENDOR, TCS_VIRT_EDU_DEVICE,
				 NULL);
	if (!vd->edu) {
		dev_err(tcs->dev,
			"virtual_dma=iommu needs QEMU's edu device (1234:11e8) behind an IOMMU\n");
		ret = -ENODEV;
		goto err_free;
	}
	ret = tcs_iommu_init(tcs, &vd->edu->dev);
	if (ret)
		goto err_put;
	tcs->dma_dev = &vd->edu->dev;
	return 0;

err_put:
	pci_dev_put(vd->edu);
err_free:
	kfree(vd);
	tcs->backend_priv = NULL;
	return ret;
}

static void tcs_virt_remove(struct tcs_device *tcs)
{
	struct tcs_virt_dev *vd = tcs->backend_priv;

	if (!vd)
		return;
	tcs_iommu_cleanup(tcs);
	pci_dev_put(vd->edu);
	kfree(vd);
	tcs->backend_priv = NULL;
}

static const struct tcs_backend_ops tcs_virt_ops = {
	.probe = tcs_virt_probe,
	.remove = tcs_virt_remove,
	.channel_init = tcs_virt_channel_init,
	.channel_cleanup = tcs_virt_channel_cleanup,
	.start = tcs_virt_start,
	.stop = tcs_virt_stop,
	.queue_buffer = tcs_virt_queue_buffer,
};

const struct tcs_backend tcs_virt_backend = {
	.name = "virtual",
	.ops = &tcs_virt_ops,
	.hw_queue_depth = TCS_VIRT_HW_DEPTH,
	/* The engine model stamps a frame when it has written it. */
	.timestamp_src = V4L2_BUF_FLAG_TSTAMP_SRC_EOF,
};

/**
 * tcs_virt_device_register() - create the virtual platform device
 *
 * Return: the device, NULL when virtual_channels is 0, or an ERR_PTR
 * (-EINVAL for bad module parameters).
 */
struct platform_device *tcs_virt_device_register(void)
{
	enum tcs_dma_mode mode;
	int ret;

	/* Bad parameters fail the module load, not just the probe. */
	ret = tcs_virt_params(&mode);
	if (ret)
		return ERR_PTR(ret);
	if (!virtual_channels)
		return NULL;
	return platform_device_register_simple(TCS_VIRT_DEVICE_NAME,
					       PLATFORM_DEVID_NONE, NULL, 0);
}
